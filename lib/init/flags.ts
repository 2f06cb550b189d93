/**
 * The command-line flags of `edge-lab init` as presets for the flowchart. A flag answers its question even when
 * the flowchart would not ask it (e.g. `--addressing nat` after `--load-balancing hardware`): the model then
 * refuses the combination with the rule's id (LB-02), exactly as it would in a hand-written file.
 */
import { questions, rangeQuestions, InitError, RANGE_FIELDS, type Draft, type Question, type RangeField } from "./flowchart";

/** Flag values as commander gives them (lists already collected from repeated / comma-separated flags). */
export interface InitFlags {
  readonly id?: string;
  readonly product?: string;
  readonly servers?: string;
  readonly loadBalancing?: string;
  readonly addressing?: string;
  readonly federation?: readonly string[];
  readonly picProviders?: readonly string[];
  readonly mobility?: boolean;
  readonly later?: readonly string[];
  readonly sites?: readonly string[];
  readonly federationRoute?: string;
  readonly sipDomain?: readonly string[];
  readonly internalDomain?: string;
  readonly directors?: string;
  readonly hybrid?: boolean;
  readonly tenantDomains?: readonly string[];
  readonly hybridPhase?: string;
  readonly perimeterExternal?: readonly string[];
  readonly perimeterInternal?: readonly string[];
  readonly publicRange?: readonly string[];
  readonly internalNetwork?: readonly string[];
}

/** Commander collector for repeatable, comma-separated list flags. */
export function collectList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(",").map((s) => s.trim())];
}

const question = (id: string): Question => {
  const q = questions.find((x) => x.id === id);
  if (!q) throw new Error(`no question ${id}`);
  return q;
};

function apply(draft: Draft, id: string, text: string | undefined): Draft {
  if (text === undefined) return draft;
  const q = question(id);
  try {
    return q.set(draft, q.parse(text, draft));
  } catch (e) {
    if (e instanceof InitError) throw new InitError(`${q.flag}: ${e.message}`);
    throw e;
  }
}

/** Turns flags into answers (presets). Throws `InitError` for a value that is not an answer at all. */
export function presetsFromFlags(flags: InitFlags): Draft {
  const list = (v: readonly string[] | undefined) => (v === undefined || v.length === 0 ? undefined : v.join(","));
  let d: Draft = {};
  d = apply(d, "product", flags.product);
  d = apply(d, "servers", flags.servers);
  d = apply(d, "loadBalancing", flags.loadBalancing);
  // One Edge Server or a pool follows from --servers, or from choosing a load balancing type.
  if (d.servers !== undefined) d = { ...d, highAvailability: d.servers > 1 };
  else if (d.loadBalancing !== undefined) d = { ...d, highAvailability: true };
  d = apply(d, "addressing", flags.addressing);
  d = apply(d, "federation", list(flags.federation));
  d = apply(d, "picProviders", list(flags.picProviders));
  if (flags.mobility !== undefined) d = { ...d, mobility: flags.mobility };
  // After --federation and --mobility: a feature deployed now cannot also come later.
  d = apply(d, "later", list(flags.later));
  d = apply(d, "sites", list(flags.sites));
  d = apply(d, "sipDomains", list(flags.sipDomain));
  d = apply(d, "internalDomain", flags.internalDomain);
  d = apply(d, "directors", flags.directors);
  if (flags.hybrid !== undefined) d = { ...d, hybrid: flags.hybrid };
  d = apply(d, "tenantDomains", list(flags.tenantDomains));
  d = apply(d, "hybridPhase", flags.hybridPhase);
  // Giving tenant domains or a phase means hybrid, unless --no-hybrid says otherwise (then init refuses the mix).
  if (d.hybrid === undefined && (d.tenantDomains !== undefined || d.hybridPhase !== undefined)) d = { ...d, hybrid: true };
  // After --sites, so that the route is checked against the sites.
  d = apply(d, "federationRoute", flags.federationRoute);
  if (flags.id !== undefined) d = { ...d, id: flags.id.trim().toLowerCase() };

  const perField: Record<RangeField, readonly string[] | undefined> = {
    perimeterExternal: flags.perimeterExternal,
    perimeterInternal: flags.perimeterInternal,
    publicRange: flags.publicRange,
    internalNetwork: flags.internalNetwork,
  };
  for (const field of RANGE_FIELDS) {
    const values = (perField[field] ?? []).map((v) => v.trim());
    values.forEach((value, index) => {
      if (value === "") return; // "--public-range ,131.107.200.0/24": keep the first site's default
      const q = rangeQuestions(index).find((r) => r.id.endsWith(`.${field}`))!;
      try {
        d = q.set(d, q.parse(value, d));
      } catch (e) {
        if (e instanceof InitError) throw new InitError(`${q.flag} (site ${index + 1}): ${e.message}`);
        throw e;
      }
    });
  }
  return d;
}
