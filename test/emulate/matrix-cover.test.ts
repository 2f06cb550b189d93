/**
 * The emulation matrix's runs (test/emulate/matrix.ts), without root: they cover every pair of product, topology
 * and feature, each is a scenario that validates without errors, and each scenario really has what its run says.
 */
import { PRODUCT_IDS, PRODUCTS } from "../../lib/model/products";
import { errorRules, load } from "../helpers";
import { FEATURES, loadRun, matrixRuns, REFUSED, runYaml, TOPOLOGIES, type MatrixRun } from "./matrix";

const runs = matrixRuns();

describe("the emulation matrix", () => {
  test("is deterministic and small: one run per (product, topology) pair, at most two features each", () => {
    expect(matrixRuns()).toEqual(runs);
    expect(runs.length).toBe(PRODUCT_IDS.length * TOPOLOGIES.length);
    expect(new Set(runs.map((r) => r.id)).size).toBe(runs.length);
    for (const r of runs) expect(r.features.length).toBeLessThanOrEqual(2);
  });

  test("every (product, topology), (topology, feature) and (product, feature) pair appears in some run", () => {
    // The pairs are enumerated here from the factors, not taken from the generator.
    const has = (pred: (r: MatrixRun) => boolean) => runs.some(pred);
    const missing: string[] = [];
    for (const p of PRODUCT_IDS) for (const t of TOPOLOGIES) if (!has((r) => r.product === p && r.topology === t)) missing.push(`${p} × ${t}`);
    for (const t of TOPOLOGIES) for (const f of FEATURES) if (!has((r) => r.topology === t && r.features.includes(f))) missing.push(`${t} × ${f}`);
    for (const p of PRODUCT_IDS) for (const f of FEATURES) if (!has((r) => r.product === p && r.features.includes(f))) missing.push(`${p} × ${f}`);
    // No pair of the matrix is refused by a rule (REFUSED is empty): the variants that would be are avoided by
    // construction (see the last test).
    expect(REFUSED).toEqual([]);
    expect(missing).toEqual([]);
  });

  test("the hybrid public-address and hardware load balancer cases are among the runs (issue 22)", () => {
    for (const topology of ["single-public", "dnslb-public", "hlb"] as const) {
      expect(runs.some((r) => r.topology === topology && r.features.includes("hybrid"))).toBe(true);
      expect(runs.some((r) => r.topology === topology && r.features.includes("teams-only"))).toBe(true);
    }
  });

  test.each(runs.map((r) => [r.id, r] as const))("%s validates without errors and has what the run says", (_id, run) => {
    const result = loadRun(run);
    expect(result.problems.filter((p) => p.severity === "error")).toEqual([]);
    const s = result.scenario!;
    const has = (f: (typeof FEATURES)[number]) => run.features.includes(f);
    expect(s.product).toBe(run.product);
    expect(s.sites.map((x) => x.name)).toEqual(has("two-sites") ? ["hq", "branch"] : ["hq"]);
    for (const site of s.sites) {
      const e = site.edge;
      expect({
        servers: e.servers.length,
        lb: e.loadBalancing.external,
        addressing: e.externalAddressing,
        ipMode: e.ipMode,
      }).toEqual(
        {
          "single-nat": { servers: 1, lb: "none", addressing: "nat", ipMode: "per-service" },
          "single-public": { servers: 1, lb: "none", addressing: "public", ipMode: "per-service" },
          "single-ip": { servers: 1, lb: "none", addressing: "nat", ipMode: "single" },
          "dnslb-nat": { servers: 2, lb: "dns", addressing: "nat", ipMode: "per-service" },
          "dnslb-public": { servers: 2, lb: "dns", addressing: "public", ipMode: "per-service" },
          hlb: { servers: 2, lb: "hardware", addressing: "public", ipMode: "per-service" },
        }[run.topology],
      );
      expect(site.director?.servers.length ?? 0).toBe(has("director") ? (e.pool ? 2 : 1) : 0);
    }
    const hybridNow = has("hybrid") || has("teams-only");
    expect(s.federation.sip.enabled).toBe(has("federation") || hybridNow);
    expect(s.federation.xmpp.enabled).toBe(has("federation") && PRODUCTS[run.product].xmpp);
    expect(s.mobility).toBe(has("mobility"));
    expect(s.hybrid?.phase).toBe(has("teams-only") ? "teams-only" : has("hybrid") ? "hybrid" : undefined);
    const later = [s.later.mobility && "mobility", s.later.federation.sip.enabled && "sip", s.later.federation.xmpp.enabled && "xmpp"].filter(Boolean);
    expect(later.length).toBe(has("later") ? 1 : 0);
    expect(result.plan).toBeDefined();
  });

  test("the variants the matrix avoids are refused by their rules", () => {
    const base = (extra: string, edge = "{}") => `product: sfb2015\nsipDomains: [contoso.com]\n${extra}\nsites: [{name: hq, edge: ${edge}}]\n`;
    // XMPP federation on a product without it: "federation" is SIP federation alone for sfb2019 and sfbse.
    for (const p of PRODUCT_IDS.filter((x) => !PRODUCTS[x].xmpp))
      expect(errorRules(load(`product: ${p}\nsipDomains: [contoso.com]\nfederation: {sip: true, xmpp: true}\nsites: [{name: hq}]\n`))).toContain("LAB-VER-01");
    // A hardware load balancer with NAT: the HLB topology is always public.
    expect(errorRules(load(base("", "{servers: 2, loadBalancing: hardware, externalAddressing: nat}")))).toContain("LB-02");
    // Hybrid with SIP federation only planned for later: "later" then plans something else.
    expect(errorRules(load(base("hybrid: {tenantDomains: [contoso.com]}\nlater: {federation: {sip: true}}")))).toContain("HYB-02");
    // A feature both deployed and planned for later.
    expect(errorRules(load(base("mobility: true\nlater: {mobility: true}")))).toContain("LAB-LATER-01");
    // The generated files are the scenarios above's kind: plain YAML the loader reads.
    expect(runYaml(runs[0])).toMatch(/^id: m01-/);
  });
});
