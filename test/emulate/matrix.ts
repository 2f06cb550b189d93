/**
 * The emulation matrix (issue 22): product × Edge topology × features, as a small pairwise covering set of runs.
 *
 * Every run is a scenario written by `edge-lab init`'s own generator (flags -> answers -> scenario object,
 * lib/init), with one change init does not offer: `edge.ipMode: single` for the single-IP topology (NET-14).
 * The runs are chosen deterministically so that every (topology, feature), (product, topology) and (product, feature)
 * pair appears in at least one run, except the pairs a validation rule refuses on purpose (REFUSED below); several
 * compatible features share a run to keep the matrix small. test/emulate/matrix-cover.test.ts checks the coverage and
 * that every run validates; test/emulate/matrix.test.ts emulates every run with real software.
 */
import { stringify } from "yaml";
import { answersToScenario, completeAnswers, inconsistencies, presetsFromFlags, type InitFlags } from "../../lib/init";
import { loadScenarioText, type LoadResult } from "../../lib/model/load";
import { PRODUCT_IDS, PRODUCTS, type ProductId } from "../../lib/model/products";

export const PRODUCTS_UNDER_TEST: readonly ProductId[] = PRODUCT_IDS;

/** Microsoft's five Edge scenarios, plus the single-IP Edge (NET-14). */
export const TOPOLOGIES = ["single-nat", "single-public", "single-ip", "dnslb-nat", "dnslb-public", "hlb"] as const;
export type Topology = (typeof TOPOLOGIES)[number];

/**
 * federation: SIP federation, plus XMPP where the product has it (LAB-VER-01);
 * director: one Director (single Edge) or a Director pool (Edge pool);
 * hybrid / teams-only: hybrid with Microsoft 365 in the hybrid phase / after the Teams Only cutover (both need SIP
 * federation now, HYB-02, so they bring it along);
 * later: a feature planned for later (later:), one not deployed in the run;
 * two-sites: a second site (branch) with the same Edge topology, hq the federation route.
 */
export const FEATURES = ["federation", "mobility", "director", "hybrid", "teams-only", "later", "two-sites"] as const;
export type Feature = (typeof FEATURES)[number];

export interface MatrixRun {
  /** "m01-sfbse-hlb": stable, also the scenario id. */
  readonly id: string;
  readonly product: ProductId;
  readonly topology: Topology;
  /** The features asked for, in FEATURES order (hybrid and teams-only also deploy SIP federation: HYB-02). */
  readonly features: readonly Feature[];
}

/**
 * Pairs a validation rule refuses on purpose: no run combines them, and the coverage test proves each is refused by
 * its rule. Empty today: every product plans every topology and every feature of the matrix (a product without XMPP
 * gets SIP federation only; planned-for-later picks a feature the product has). Kept as the place to record one.
 */
export interface Refusal {
  readonly product?: ProductId;
  readonly topology?: Topology;
  readonly feature: Feature;
  /** The rule whose error refuses the combination. */
  readonly rule: string;
}
export const REFUSED: readonly Refusal[] = [];

const refused = (product: ProductId, topology: Topology, feature: Feature) =>
  REFUSED.some((r) => r.feature === feature && (r.product === undefined || r.product === product) && (r.topology === undefined || r.topology === topology));

const TOPOLOGY_FLAGS: Record<Topology, InitFlags> = {
  "single-nat": { servers: "1", addressing: "nat" },
  "single-public": { servers: "1", addressing: "public" },
  "single-ip": { servers: "1", addressing: "nat" },
  "dnslb-nat": { servers: "2", loadBalancing: "dns", addressing: "nat" },
  "dnslb-public": { servers: "2", loadBalancing: "dns", addressing: "public" },
  hlb: { servers: "2", loadBalancing: "hardware" },
};
const isPool = (t: Topology) => t === "dnslb-nat" || t === "dnslb-public" || t === "hlb";

/** What `later` plans in a run: the first of mobility, SIP federation, XMPP that the run does not deploy and the product has. */
export function laterKind(product: ProductId, features: readonly Feature[]): "mobility" | "sip" | "xmpp" | undefined {
  const has = (f: Feature) => features.includes(f);
  const sipNow = has("federation") || has("hybrid") || has("teams-only");
  if (!has("mobility")) return "mobility";
  if (!sipNow) return "sip";
  if (!has("federation") && PRODUCTS[product].xmpp) return "xmpp";
  return undefined;
}

/** Features that cannot share a run (not a refusal: each pair of the matrix still has a run of its own). */
export function compatible(product: ProductId, features: readonly Feature[]): boolean {
  const has = (f: Feature) => features.includes(f);
  if (has("hybrid") && has("teams-only")) return false; // one phase at a time
  if (has("later") && laterKind(product, features) === undefined) return false; // nothing left to plan for later
  return true;
}

/** The `edge-lab init` flags of a run. */
export function runFlags(run: Omit<MatrixRun, "id"> & { id?: string }): InitFlags {
  const has = (f: Feature) => run.features.includes(f);
  const sipNow = has("federation") || has("hybrid") || has("teams-only");
  const federation = [...(sipNow ? ["sip"] : []), ...(has("federation") && PRODUCTS[run.product].xmpp ? ["xmpp"] : [])];
  const later = has("later") ? laterKind(run.product, run.features) : undefined;
  return {
    ...(run.id ? { id: run.id } : {}),
    product: run.product,
    ...TOPOLOGY_FLAGS[run.topology],
    federation: federation.length ? federation : ["none"],
    mobility: has("mobility"),
    later: later ? [later] : ["none"],
    sites: has("two-sites") ? ["hq", "branch"] : ["hq"],
    directors: has("director") ? (isPool(run.topology) ? "2" : "1") : "0",
    hybrid: has("hybrid") || has("teams-only"),
    ...(has("hybrid") || has("teams-only") ? { hybridPhase: has("teams-only") ? "teams-only" : "hybrid" } : {}),
  };
}

/** The scenario of a run, as init writes it (plus ipMode: single for the single-IP topology). */
export function runScenario(run: MatrixRun): Record<string, unknown> {
  const draft = presetsFromFlags(runFlags(run));
  const bad = inconsistencies(draft);
  if (bad.length) throw new Error(`${run.id}: init refuses the flags: ${bad.join("; ")}`);
  const scenario = answersToScenario(completeAnswers(draft));
  if (run.topology !== "single-ip") return scenario;
  const sites = (scenario.sites as Record<string, unknown>[]).map((s) => ({ ...s, edge: { ...(s.edge as object), ipMode: "single" } }));
  return { ...scenario, sites };
}

export const runYaml = (run: MatrixRun): string => stringify(runScenario(run), { lineWidth: 0 });
export const loadRun = (run: MatrixRun): LoadResult => loadScenarioText(runYaml(run), `${run.id}.yaml`);

/** Most features in one run: more would make a failure harder to read and a run slower. */
export const MAX_FEATURES = 2;

export type Pair = string;
export const pairKey = (a: string, b: string): Pair => `${a} × ${b}`;

/** Every pair the matrix must cover (refused pairs excepted). */
export function requiredPairs(): Set<Pair> {
  const out = new Set<Pair>();
  for (const p of PRODUCTS_UNDER_TEST) for (const t of TOPOLOGIES) out.add(pairKey(p, t));
  for (const t of TOPOLOGIES)
    for (const f of FEATURES) if (!REFUSED.some((r) => r.feature === f && r.topology === t && r.product === undefined)) out.add(pairKey(t, f));
  for (const p of PRODUCTS_UNDER_TEST)
    for (const f of FEATURES) if (!REFUSED.some((r) => r.feature === f && r.product === p && r.topology === undefined)) out.add(pairKey(p, f));
  return out;
}

/** The pairs one run covers. */
export function pairsOf(run: Omit<MatrixRun, "id">): Pair[] {
  return [pairKey(run.product, run.topology), ...run.features.flatMap((f) => [pairKey(run.topology, f), pairKey(run.product, f)])];
}

/**
 * The runs: one per (product, topology) pair (the matrix's lower bound, 4 × 6), products rotated over the
 * topologies; each run then takes, greedily, the compatible features that cover the most pairs not yet covered
 * (ties: the feature in fewer runs so far, then FEATURES order), at most MAX_FEATURES.
 */
export function matrixRuns(): MatrixRun[] {
  const uncovered = requiredPairs();
  const runs: MatrixRun[] = [];
  const cells: { product: ProductId; topology: Topology }[] = [];
  for (let k = 0; k < PRODUCTS_UNDER_TEST.length; k++)
    TOPOLOGIES.forEach((topology, t) => cells.push({ product: PRODUCTS_UNDER_TEST[(t + k) % PRODUCTS_UNDER_TEST.length], topology }));
  const uses = (f: Feature) => runs.filter((r) => r.features.includes(f)).length;
  const plan = (product: ProductId, topology: Topology): Feature[] => {
    const chosen: Feature[] = [];
    for (;;) {
      if (chosen.length >= MAX_FEATURES) break;
      let best: Feature | undefined;
      let bestGain = 0;
      for (const f of FEATURES) {
        if (chosen.includes(f) || refused(product, topology, f)) continue;
        const next = FEATURES.filter((x) => x === f || chosen.includes(x));
        if (!compatible(product, next)) continue;
        const gain = [pairKey(topology, f), pairKey(product, f)].filter((p) => uncovered.has(p)).length;
        if (gain > bestGain || (gain === bestGain && gain > 0 && best !== undefined && uses(f) < uses(best))) [best, bestGain] = [f, gain];
      }
      if (!best) break;
      chosen.push(best);
      for (const p of pairsOf({ product, topology, features: [best] })) uncovered.delete(p);
    }
    return FEATURES.filter((f) => chosen.includes(f));
  };
  const add = (product: ProductId, topology: Topology, features: Feature[]) => {
    const n = String(runs.length + 1).padStart(2, "0");
    runs.push({ id: `m${n}-${product}-${topology}`, product, topology, features });
    for (const p of pairsOf({ product, topology, features })) uncovered.delete(p);
  };
  for (const { product, topology } of cells) add(product, topology, plan(product, topology));
  // The greedy choice covers every pair within the 24 runs; a change to the factors that breaks this says so here.
  if (uncovered.size) throw new Error(`the matrix leaves pairs uncovered: ${[...uncovered].join(", ")}`);
  return runs;
}
