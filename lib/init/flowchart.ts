/**
 * The questions of `edge-lab init`, as data. They follow the flowchart Microsoft's planning guide uses to pick an
 * Edge deployment (one Edge Server or a pool; NAT or public IPs; DNS or hardware load balancing; federation
 * types; mobility; sites and the federation route), then ask for the SIP domain(s), the servers' internal domain,
 * the pool size, the optional Director and the address ranges. Each question knows when it applies (`when`), its
 * default, how to read a flag or a typed answer
 * (`parse`) and which scenario fields it is responsible for (`owns`, used to send a rule violation back to the
 * question that caused it). Pure: no I/O.
 */
import { DEFAULT_RANGE_PREFIX, defaultRangeText, PIC_PROVIDERS, SITE_NAME_PATTERN, SITE_NAME_RULE, type DefaultRangeField } from "../model/defaults";
import { PRODUCT_IDS, PRODUCTS, supportStatusShort, type ProductId } from "../model/products";
import type { PicProviderName } from "../model/schema";
import { UserError } from "../errors";

export type Product = ProductId;
export type HybridPhase = "hybrid" | "teams-only";
export type FederationKind = "sip" | "pic" | "xmpp";
/** What can be planned for later: mobility or a kind of federation (certificate names now, the rest when deployed). */
export type LaterKind = "mobility" | FederationKind;
export type RangeField = DefaultRangeField;

/** Newest first, as offered (lib/model/products.ts). */
export const PRODUCT_CHOICES: readonly Product[] = PRODUCT_IDS;
export const HYBRID_PHASES: readonly HybridPhase[] = ["hybrid", "teams-only"];
export const FEDERATION_KINDS: readonly FederationKind[] = ["sip", "pic", "xmpp"];
export const LATER_KINDS: readonly LaterKind[] = ["mobility", "sip", "pic", "xmpp"];
/** The ranges asked per site: those with a default (lib/model/defaults.ts), in its order. */
export const RANGE_FIELDS: readonly RangeField[] = Object.keys(DEFAULT_RANGE_PREFIX) as RangeField[];

/** Address ranges of one site. `perimeterExternal` is absent with public addressing (the Edge uses the public range). */
export interface SiteRanges {
  readonly perimeterExternal?: string;
  readonly perimeterInternal: string;
  readonly publicRange: string;
  readonly internalNetwork: string;
}

/** Every answer of the flowchart, complete. Optional fields are those that do not apply to some paths. */
export interface InitAnswers {
  readonly id: string;
  readonly product: Product;
  /** false: one Edge Server (single consolidated Edge); true: an Edge pool (scaled consolidated Edge). */
  readonly highAvailability: boolean;
  readonly servers: number;
  /** Pool load balancing; absent for a single Edge. */
  readonly loadBalancing?: "dns" | "hardware";
  /** External addressing; absent with hardware load balancing (public IPs only, LB-02). */
  readonly addressing?: "nat" | "public";
  readonly federation: readonly FederationKind[];
  readonly picProviders: readonly PicProviderName[];
  readonly mobility: boolean;
  /** Features planned for later (not deployed now): their certificate names are planned now. */
  readonly later: readonly LaterKind[];
  /** Site (data center) names; every site gets the same Edge topology. */
  readonly sites: readonly string[];
  /** The site whose Edge is the federation route (FED-01); asked only with several sites and federation. */
  readonly federationRoute?: string;
  readonly sipDomains: readonly string[];
  /** Internal DNS domain of the servers (Microsoft's example contoso.net); the primary SIP domain by default. */
  readonly internalDomain: string;
  /** Directors per site: 0 none, 1 one Director, 2 or more a Director pool (DNS LB for SIP, hardware LB for web). */
  readonly directors: number;
  /** Hybrid with Microsoft 365 / Teams (shared SIP address space). */
  readonly hybrid: boolean;
  /** The tenant's SIP domains (hybrid only); default: every SIP domain. */
  readonly tenantDomains?: readonly string[];
  /** Hybrid only: "hybrid" (users on both sides) or "teams-only" (after the cutover). */
  readonly hybridPhase?: HybridPhase;
  /** One entry per site, in site order. */
  readonly ranges: readonly SiteRanges[];
}

/** Answers given so far (flags, presets, or the questions already answered). */
export type Draft = { -readonly [K in Exclude<keyof InitAnswers, "ranges">]?: InitAnswers[K] } & {
  ranges?: readonly Partial<SiteRanges>[];
};

export type Value = string | number | boolean | readonly string[];

export interface Choice {
  readonly value: string | boolean;
  readonly name: string;
  /** Shown once answered (checkbox summaries). */
  readonly short?: string;
  readonly description?: string;
  /** Shown but not selectable, with the reason. */
  readonly disabled?: string;
}

export type QuestionKind = "select" | "confirm" | "number" | "input" | "checkbox";

export interface Question {
  /** Answer key: a field of `InitAnswers`, or `ranges[<site>].<field>`. */
  readonly id: string;
  readonly kind: QuestionKind;
  /** The command-line flag that gives the same answer. */
  readonly flag: string;
  message(a: Draft): string;
  choices?(a: Draft): readonly Choice[];
  /** Whether the question applies, given the answers so far. */
  when(a: Draft): boolean;
  default(a: Draft): Value;
  /** The value when the question does not apply (undefined: the field is left out). */
  otherwise(a: Draft): Value | undefined;
  /** Reads a typed answer or a flag value; throws `InitError` with a message for the user. */
  parse(text: string, a: Draft): Value;
  /** Shows a value the way `parse` reads it (input defaults). */
  format(value: Value): string;
  get(a: Draft): Value | undefined;
  set(a: Draft, value: Value | undefined): Draft;
  /** True when a model problem at this scenario path is about this answer. */
  owns(path: string): boolean;
}

export class InitError extends UserError {}

/** "a, b,,c" -> ["a", "b", "c"] (lower-case). */
export function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim().toLowerCase())
    .filter(Boolean);
}

function oneOf<T extends string>(what: string, allowed: readonly T[], text: string): T {
  const value = text.trim().toLowerCase();
  if (!(allowed as readonly string[]).includes(value)) throw new InitError(`${what}: "${text}" is not one of ${allowed.join(", ")}`);
  return value as T;
}

function listOf<T extends string>(what: string, allowed: readonly T[], text: string, none = false): T[] {
  const items = splitList(text);
  if (none && items.length === 1 && items[0] === "none") return [];
  const bad = items.filter((i) => !(allowed as readonly string[]).includes(i));
  if (bad.length) throw new InitError(`${what}: ${bad.map((b) => `"${b}"`).join(", ")} not one of ${allowed.join(", ")}${none ? ", none" : ""}`);
  return [...new Set(items)] as T[];
}

const yesNo = (what: string, text: string): boolean => {
  const t = text.trim().toLowerCase();
  if (["y", "yes", "true", "1"].includes(t)) return true;
  if (["n", "no", "false", "0"].includes(t)) return false;
  throw new InitError(`${what}: expected yes or no, got "${text}"`);
};

/** A comma-separated list of domains (SIP or tenant domains): at least one, none twice. The model checks the names. */
function domainList(what: string, text: string): string[] {
  const domains = splitList(text).map((d) => d.replace(/\.$/, ""));
  if (domains.length === 0) throw new InitError(`give at least one ${what}, e.g. contoso.com`);
  const dup = domains.filter((d, i) => domains.indexOf(d) !== i);
  if (dup.length) throw new InitError(`${what} ${dup[0]} is listed twice`);
  return domains;
}

/** Hardware load balancing chosen (or given) so far. */
export const isHardware = (a: Draft): boolean => a.loadBalancing === "hardware";
/** The external addressing that applies: hardware load balancing implies public addresses (LB-02). */
export const addressingOf = (a: Draft): "nat" | "public" => a.addressing ?? (isHardware(a) ? "public" : "nat");
const isPool = (a: Draft): boolean => a.highAvailability === true;
/** Deployed now (so not offered for later). */
const deployedNow = (a: Draft, kind: LaterKind): boolean => (kind === "mobility" ? a.mobility === true : (a.federation ?? []).includes(kind));
/**
 * Federation now or planned for later: the organisation needs a federation route (FED-01). Mobility counts: init
 * plans push notifications with it, a federation with the push notification clearing house (FW-07).
 */
export const anyFederation = (a: { readonly federation?: readonly string[]; readonly mobility?: boolean; readonly later?: readonly string[] }): boolean =>
  (a.federation ?? []).length > 0 || a.mobility === true || (a.later ?? []).length > 0;
const sitesOf = (a: Draft): readonly string[] => (a.sites && a.sites.length ? a.sites : ["hq"]);

/** Builds a top-level question whose answer is `a[key]`. */
function field<K extends Exclude<keyof Draft, "ranges">>(
  key: K,
  spec: Omit<Question, "id" | "get" | "set" | "otherwise" | "format"> & {
    otherwise?: (a: Draft) => Value | undefined;
    format?: (v: Value) => string;
  },
): Question {
  return {
    id: key,
    otherwise: () => undefined,
    format: (v) => (Array.isArray(v) ? v.join(", ") : String(v)),
    ...spec,
    get: (a) => a[key] as Value | undefined,
    set: (a, value) => {
      const next = { ...a } as Record<string, unknown>;
      if (value === undefined) delete next[key];
      else next[key] = value;
      return next as Draft;
    },
  };
}

const RANGE_TEXT: Record<RangeField, { label: string; schemaField: string }> = {
  perimeterExternal: { label: "perimeter external subnet (Edge external interfaces, private, NATed)", schemaField: "perimeterExternal" },
  perimeterInternal: { label: "perimeter internal subnet (Edge internal interfaces)", schemaField: "perimeterInternal" },
  publicRange: { label: "public address range (NAT mappings, VIPs, public Edge addresses, reverse proxy listener)", schemaField: "publicRange" },
  internalNetwork: { label: "internal network (Front End pool and clients, reached by persistent routes)", schemaField: "internalNetworks" },
};

const CIDR = /^\d{1,3}(\.\d{1,3}){3}\/\d{1,2}$/;

/** The address range questions of site `index`. */
export function rangeQuestions(index: number): Question[] {
  return RANGE_FIELDS.map((rangeField): Question => {
    const { label, schemaField } = RANGE_TEXT[rangeField];
    return {
      id: `ranges[${index}].${rangeField}`,
      kind: "input",
      flag: `--${rangeField.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`,
      message: (a) => `Site ${sitesOf(a)[index] ?? index + 1}: ${label}`,
      // The Edge external interfaces use the public range itself with public addressing.
      when: (a) => rangeField !== "perimeterExternal" || addressingOf(a) === "nat",
      default: () => defaultRangeText(rangeField, index),
      otherwise: () => undefined,
      parse: (text) => {
        const t = text.trim();
        if (!CIDR.test(t)) throw new InitError(`"${text}" is not an IPv4 CIDR block such as ${defaultRangeText(rangeField, index)}`);
        return t;
      },
      format: (v) => String(v),
      get: (a) => a.ranges?.[index]?.[rangeField],
      set: (a, value) => {
        const ranges = [...(a.ranges ?? [])];
        while (ranges.length <= index) ranges.push({});
        const site = { ...ranges[index] } as Record<string, unknown>;
        if (value === undefined) delete site[rangeField];
        else site[rangeField] = value;
        ranges[index] = site as Partial<SiteRanges>;
        return { ...a, ranges };
      },
      owns: (path) => path.startsWith(`sites[${index}].network.${schemaField}`),
    };
  });
}

/** Default scenario id: the first label of the primary SIP domain + "-edge" ("contoso-edge"). */
export function defaultId(a: Draft): string {
  const label = (a.sipDomains?.[0] ?? "contoso.com").split(".")[0].replace(/[^a-z0-9-]/g, "-");
  const id = `${/^[a-z]/.test(label) ? "" : "lab-"}${label}-edge`.slice(0, 40).replace(/-+$/, "");
  return id;
}

/** The flowchart, in the order the questions are asked (site range questions follow `servers`, then `id`). */
export const questions: readonly Question[] = [
  field("product", {
    kind: "select",
    flag: "--product",
    message: () => "Which server version?",
    // Newest first, each with its support status (SE-01) and what it lacks.
    choices: () =>
      PRODUCT_CHOICES.map((id) => {
        const p = PRODUCTS[id];
        const lacks = [!p.xmpp && "no XMPP, LAB-VER-01", !p.publicImConfigurable && "no public IM connectivity, SE-02"].filter(Boolean).join("; ");
        return { value: id, name: `${p.name} (${supportStatusShort(p)}${lacks ? `; ${lacks}` : ""})`, short: p.name };
      }),
    when: () => true,
    default: () => "sfbse",
    parse: (text) => oneOf("product", PRODUCT_CHOICES, text),
    owns: (path) => path === "product",
  }),
  field("highAvailability", {
    kind: "select",
    flag: "--servers",
    message: () => "One Edge Server, or high availability with an Edge pool?",
    choices: () => [
      { value: false, name: "One Edge Server (single consolidated Edge)" },
      { value: true, name: "High availability: an Edge pool (scaled consolidated Edge)" },
    ],
    when: () => true,
    default: () => false,
    parse: (text) => yesNo("high availability", text),
    owns: () => false,
  }),
  field("loadBalancing", {
    kind: "select",
    flag: "--load-balancing",
    message: () => "How is the Edge pool load balanced?",
    choices: () => [
      { value: "dns", name: "DNS load balancing (works with NAT or public IPs)" },
      { value: "hardware", name: "Hardware load balancers (public IPs only, LB-02)" },
    ],
    when: isPool,
    default: () => "dns",
    parse: (text) => oneOf("load balancing", ["dns", "hardware"] as const, text),
    owns: (path) => /^sites\[\d+\]\.edge\.(loadBalancing|vips)/.test(path),
  }),
  field("addressing", {
    kind: "select",
    flag: "--addressing",
    message: () => "External Edge addresses: private IPs behind NAT, or public IPs?",
    choices: () => [
      { value: "nat", name: "Private IP addresses with NAT on the external firewall" },
      { value: "public", name: "Public IP addresses (routed, no NAT)" },
    ],
    // Hardware load balancing implies public addresses (LB-02, LB-03): no NAT question.
    when: (a) => !isHardware(a),
    default: () => "nat",
    parse: (text) => oneOf("addressing", ["nat", "public"] as const, text),
    owns: (path) => /^sites\[\d+\]\.edge\.externalAddressing$/.test(path),
  }),
  field("federation", {
    kind: "checkbox",
    flag: "--federation",
    message: () => "Which kinds of federation? (space toggles, enter accepts)",
    choices: (a) => [
      { value: "sip", name: "SIP federation (Lync, OCS, Skype for Business, Office 365 partners)", short: "SIP federation" },
      {
        value: "pic",
        name: "Public IM connectivity (retired: Skype consumer ended in May 2025, SE-02)",
        short: "public IM connectivity",
        ...(a.product !== undefined && !PRODUCTS[a.product].publicImConfigurable
          ? { disabled: `not in ${PRODUCTS[a.product].name}: every provider is retired (SE-02)` }
          : {}),
      },
      {
        value: "xmpp",
        name: "XMPP federation (e.g. Google Talk)",
        short: "XMPP",
        ...(a.product !== undefined && !PRODUCTS[a.product].xmpp ? { disabled: `not in ${PRODUCTS[a.product].name} (LAB-VER-01)` } : {}),
      },
    ],
    when: () => true,
    // Never a kind planned for later (--later given before this question is answered): it is one or the other.
    default: (a) => (a.picProviders?.length ? ["sip", "pic"] : ["sip"]).filter((k) => !(a.later ?? []).includes(k as LaterKind)) as FederationKind[],
    parse: (text) => listOf("federation", FEDERATION_KINDS, text, true),
    format: (v) => ((v as string[]).length ? (v as string[]).join(",") : "none"),
    owns: (path) => /^federation($|\.(sip|xmpp|ocs2007Partners))/.test(path),
  }),
  field("picProviders", {
    kind: "checkbox",
    flag: "--pic-providers",
    message: () => "Which public IM connectivity providers?",
    choices: () => [
      { value: "skype", name: "Skype (retired in May 2025, SE-02)", short: "Skype" },
      { value: "windows-live", name: "Windows Live (retired, SE-02)", short: "Windows Live" },
      { value: "aol", name: "AOL (ended in 2014, FED-03)", short: "AOL" },
      { value: "yahoo", name: "Yahoo! (ended in 2014, FED-03)", short: "Yahoo!" },
    ],
    when: (a) => (a.federation ?? []).includes("pic"),
    default: () => ["skype"],
    otherwise: () => [],
    parse: (text) => listOf("public IM providers", PIC_PROVIDERS, text),
    owns: (path) => path.startsWith("federation.publicIm"),
  }),
  field("mobility", {
    kind: "confirm",
    flag: "--mobility",
    message: () => "Mobility (Lync mobile clients, lyncdiscover through the reverse proxy)?",
    when: () => true,
    default: () => false,
    parse: (text) => yesNo("mobility", text),
    owns: (path) => path === "mobility" || /^sites\[\d+\]\.reverseProxy\.autodiscover/.test(path),
  }),
  field("later", {
    kind: "checkbox",
    flag: "--later",
    message: () => "Which features come later? Their certificate names are planned now, so no certificate is reissued (space toggles, enter accepts)",
    choices: (a) =>
      LATER_KINDS.filter((k) => !deployedNow(a, k)).map((k) => ({
        value: k,
        name: {
          mobility: "Mobility (lyncdiscover names on the reverse proxy and Front End certificates)",
          sip: "SIP federation (the federation route's names in every SIP domain)",
          pic: `Public IM connectivity (${(a.picProviders?.length ? a.picProviders : ["skype"]).join(", ")})`,
          xmpp: "XMPP federation (xmpp.<domain> and the XMPP domain on the Edge certificate)",
        }[k],
        short: { mobility: "mobility", sip: "SIP federation", pic: "public IM connectivity", xmpp: "XMPP" }[k],
        ...(k === "xmpp" && a.product !== undefined && !PRODUCTS[a.product].xmpp ? { disabled: `not in ${PRODUCTS[a.product].name} (LAB-VER-01)` } : {}),
        ...(k === "pic" && a.product !== undefined && !PRODUCTS[a.product].publicImConfigurable
          ? { disabled: `not in ${PRODUCTS[a.product].name}: every provider is retired (SE-02)` }
          : {}),
      })),
    // Asked when something is left to plan: a feature not deployed now.
    when: (a) => LATER_KINDS.some((k) => !deployedNow(a, k)),
    default: () => [],
    otherwise: () => [],
    parse: (text, a) => {
      const kinds = listOf("later", LATER_KINDS, text, true);
      const now = kinds.find((k) => deployedNow(a, k));
      if (now)
        throw new InitError(
          `${now} is deployed now (${now === "mobility" ? "--mobility" : "--federation"}); a feature is either deployed or planned for later`,
        );
      return kinds;
    },
    format: (v) => ((v as string[]).length ? (v as string[]).join(",") : "none"),
    owns: (path) => path.startsWith("later"),
  }),
  field("sites", {
    kind: "input",
    flag: "--sites",
    message: () => "Data centers (sites) with an Edge deployment, comma-separated",
    when: () => true,
    default: () => ["hq"],
    parse: (text) => {
      const names = splitList(text);
      if (names.length === 0) throw new InitError("give at least one site name, e.g. hq");
      const bad = names.filter((n) => !SITE_NAME_PATTERN.test(n));
      if (bad.length) throw new InitError(`${SITE_NAME_RULE}: ${bad.join(", ")}`);
      const dup = names.filter((n, i) => names.indexOf(n) !== i);
      if (dup.length) throw new InitError(`site ${dup[0]} is listed twice`);
      if (names.length > 8) throw new InitError("at most 8 sites");
      return names;
    },
    format: (v) => (v as string[]).join(","),
    owns: (path) => /^sites\[\d+\]\.(name|region)$/.test(path),
  }),
  field("federationRoute", {
    kind: "select",
    flag: "--federation-route",
    message: () => "Which site's Edge is the federation route? (only one may be, FED-01)",
    choices: (a) => sitesOf(a).map((s) => ({ value: s, name: s })),
    when: (a) => sitesOf(a).length > 1 && anyFederation(a),
    default: (a) => sitesOf(a)[0],
    parse: (text, a) => {
      const site = text.trim().toLowerCase();
      if (!sitesOf(a).includes(site)) throw new InitError(`federation route: "${text}" is not one of the sites (${sitesOf(a).join(", ")})`);
      return site;
    },
    owns: (path) => path === "sites" || /^sites\[\d+\]\.federationRoute$/.test(path),
  }),
  field("sipDomains", {
    kind: "input",
    flag: "--sip-domain",
    message: () => "SIP domain(s), primary first, comma-separated",
    when: () => true,
    default: () => ["contoso.com"],
    parse: (text) => domainList("SIP domain", text),
    format: (v) => (v as string[]).join(","),
    owns: (path) => path.startsWith("sipDomains"),
  }),
  field("internalDomain", {
    kind: "input",
    flag: "--internal-domain",
    message: () => "Internal DNS domain of the servers (Edge internal FQDNs, reverse proxy, Front End, Director), e.g. contoso.net",
    when: () => true,
    default: (a) => (a.sipDomains ?? ["contoso.com"])[0],
    // The model checks the name (NET-08) and sends a refusal back to this question.
    parse: (text) => text.trim().toLowerCase().replace(/\.$/, ""),
    owns: (path) => path === "internalDomain",
  }),
  field("hybrid", {
    kind: "confirm",
    flag: "--hybrid",
    message: () => "Hybrid with Microsoft 365 / Teams (shared SIP address space, users on-premises and online)?",
    // Hybrid runs through SIP federation on the Access Edge (HYB-02).
    when: (a) => (a.federation ?? ["sip"]).includes("sip"),
    default: () => false,
    otherwise: () => false,
    parse: (text) => yesNo("hybrid", text),
    owns: (path) => path === "hybrid" || path.startsWith("hybrid.voice") || path.startsWith("hybrid.online"),
  }),
  field("tenantDomains", {
    kind: "input",
    flag: "--tenant-domains",
    message: () =>
      "The Microsoft 365 tenant's SIP domains, comma-separated (each must be a SIP domain, HYB-01; <tenant>.onmicrosoft.com may be listed too, HYB-06)",
    when: (a) => a.hybrid === true,
    default: (a) => [...(a.sipDomains ?? ["contoso.com"])],
    parse: (text) => domainList("tenant domain", text),
    format: (v) => (v as string[]).join(","),
    owns: (path) => path.startsWith("hybrid.tenantDomains"),
  }),
  field("hybridPhase", {
    kind: "select",
    flag: "--hybrid-phase",
    message: () => "Hybrid phase?",
    choices: () => [
      { value: "hybrid", name: "Hybrid: users on both sides, all external DNS points on-premises" },
      { value: "teams-only", name: "Teams Only: after the cutover, external DNS points to Microsoft 365" },
    ],
    when: (a) => a.hybrid === true,
    default: () => "hybrid",
    parse: (text) => oneOf("hybrid phase", HYBRID_PHASES, text),
    owns: (path) => path === "hybrid.phase",
  }),
  field("servers", {
    kind: "number",
    flag: "--servers",
    message: () => "How many Edge Servers in the pool? (2-12, LB-04 / LB-05)",
    when: isPool,
    default: () => 2,
    otherwise: () => 1,
    parse: (text) => {
      const t = text.trim();
      if (!/^\d+$/.test(t)) throw new InitError(`servers: "${text}" is not a whole number`);
      return Number(t);
    },
    owns: (path) => /^sites\[\d+\]\.edge\.servers/.test(path),
  }),
  field("directors", {
    kind: "number",
    flag: "--directors",
    message: () => "Directors per site in front of the Front End pool (0 = none, 1 = one Director, 2+ = a Director pool)",
    when: () => true,
    default: () => 0,
    parse: (text) => {
      const t = text.trim();
      if (!/^\d+$/.test(t)) throw new InitError(`directors: "${text}" is not a whole number`);
      const n = Number(t);
      if (n > 10) throw new InitError(`directors: ${n} per site is more than a lab needs (at most 10)`);
      return n;
    },
    owns: (path) => /^sites\[\d+\]\.director/.test(path),
  }),
];

/** The id question: asked last (its default comes from the SIP domain) unless the file name gave it. */
export const idQuestion: Question = field("id", {
  kind: "input",
  flag: "--id",
  message: () => "Scenario id (the Terraform stack name)",
  when: () => true,
  default: defaultId,
  parse: (text) => text.trim().toLowerCase(),
  owns: (path) => path === "id",
});

/** Every question for the answers so far: the flowchart, the range questions of each site, the id. */
export function flowchart(a: Draft): Question[] {
  return [...questions, ...sitesOf(a).flatMap((_, i) => rangeQuestions(i)), idQuestion];
}

/** The question responsible for a model problem at `path`, if any. */
export function ownerOf(path: string, a: Draft): Question | undefined {
  return flowchart(a).find((q) => q.owns(path));
}

/**
 * Fills every unanswered question: its default when it applies, else its `otherwise` value. Later questions see
 * the values chosen for earlier ones, as in the interactive flow.
 */
export function completeAnswers(draft: Draft): InitAnswers {
  let a: Draft = { ...draft };
  for (let i = 0; i < flowchart(a).length; i++) {
    const q = flowchart(a)[i];
    if (q.get(a) !== undefined) continue;
    a = q.set(a, q.when(a) ? q.default(a) : q.otherwise(a));
  }
  const sites = sitesOf(a);
  return {
    id: a.id!,
    product: a.product!,
    highAvailability: a.highAvailability!,
    servers: a.servers!,
    ...(a.loadBalancing ? { loadBalancing: a.loadBalancing } : {}),
    ...(a.addressing ? { addressing: a.addressing } : {}),
    federation: a.federation!,
    picProviders: a.picProviders!,
    mobility: a.mobility!,
    later: a.later!,
    sites,
    ...(a.federationRoute ? { federationRoute: a.federationRoute } : {}),
    sipDomains: a.sipDomains!,
    internalDomain: a.internalDomain!,
    directors: a.directors!,
    hybrid: a.hybrid === true,
    ...(a.hybrid ? { tenantDomains: a.tenantDomains!, hybridPhase: a.hybridPhase! } : {}),
    ranges: sites.map((_, i) => {
      const r = a.ranges?.[i] ?? {};
      return {
        ...(r.perimeterExternal ? { perimeterExternal: r.perimeterExternal } : {}),
        perimeterInternal: r.perimeterInternal!,
        publicRange: r.publicRange!,
        internalNetwork: r.internalNetwork!,
      };
    }),
  };
}

/**
 * Checks that the model cannot make (it would silently ignore them): an answer that the flowchart makes
 * meaningless. Returns messages; empty when consistent.
 */
export function inconsistencies(draft: Draft): string[] {
  const a = completeAnswers(draft);
  const out: string[] = [];
  if (a.picProviders.length > 0 && !a.federation.includes("pic") && !a.later.includes("pic")) {
    out.push("public IM providers are given but public IM connectivity is not chosen: add pic to --federation (or --later)");
  }
  if (a.hybrid && a.later.includes("sip") && !a.federation.includes("sip")) {
    out.push("--hybrid needs SIP federation deployed now (HYB-02), but --later plans it for later: remove sip from --later, or leave out --hybrid");
  }
  if (!a.hybrid && (draft.tenantDomains !== undefined || draft.hybridPhase !== undefined)) {
    out.push("tenant domains or a hybrid phase are given but the organisation is not hybrid: add --hybrid");
  }
  if (a.federationRoute !== undefined && !a.sites.includes(a.federationRoute)) {
    out.push(`federation route "${a.federationRoute}" is not one of the sites (${a.sites.join(", ")})`);
  }
  const given = draft.ranges?.length ?? 0;
  if (given > a.sites.length) {
    out.push(`address ranges are given for ${given} sites but there ${a.sites.length === 1 ? "is 1 site" : `are ${a.sites.length} sites`}`);
  }
  return out;
}
