/**
 * Traceability: every checkable rule of the reference (test/fixtures/microsoft/rules.json, 101 rules) is cited where
 * edge-lab handles it (a check, a plan row or note, the lab), and every Microsoft rule id edge-lab cites exists.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { RULES } from "../../lib/model/rules/catalogue";
import type { Plan } from "../../lib/model/plan";
import { ROOT, bundledPlan, planOf, sourceFiles } from "../helpers";

interface ReferenceRule {
  id: string;
  category: string;
  statement: string;
  source: string;
}
const reference = (JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "microsoft", "rules.json"), "utf8")) as { rules: ReferenceRule[] }).rules;
const referenceIds = new Set(reference.map((r) => r.id));
const code = sourceFiles(["lib", "bin"])
  .map((f) => readFileSync(f, "utf8"))
  .join("\n");
/** Microsoft rule ids: the reference's prefixes, not inside a longer id (HLB-11 is not LB-11, LAB-NET-01 not NET-01). */
const MICROSOFT_ID = /(?<![\w-])(?:LB|NAT|NET|FW|CERT|DNS|FED|RP|DIR|HLB)-\d{2}(?![\w-])/g;
const citation = (id: string) => new RegExp(`(?<![\\w-])${id}(?![\\w-])`);

test("the fixture holds the reference's 101 rules", () => {
  expect(reference).toHaveLength(101);
  expect(referenceIds.size).toBe(101);
});

test("a citation is the whole id: HLB-11 does not cite LB-11, LAB-NET-01 does not cite NET-01", () => {
  expect("see HLB-11 and LAB-NET-01").not.toMatch(citation("LB-11"));
  expect("see HLB-11 and LAB-NET-01").not.toMatch(citation("NET-01"));
  expect("(LB-11: web traffic").toMatch(citation("LB-11"));
  expect("see HLB-11 and LAB-NET-01".match(MICROSOFT_ID)).toEqual(["HLB-11"]);
});

test.each(reference.map((r) => [r.id, r.statement]))("%s is cited in lib/ or bin/ (%s)", (id) => {
  expect(code).toMatch(citation(id));
});

test("every Microsoft rule id cited in the code and the catalogue is one of the reference's", () => {
  const cited = new Set(code.match(MICROSOFT_ID) ?? []);
  expect([...cited].filter((id) => !referenceIds.has(id)).sort()).toEqual([]);
  expect(Object.keys(RULES).filter((id) => new RegExp(`^${MICROSOFT_ID.source}$`).test(id) && !referenceIds.has(id))).toEqual([]);
  expect(Object.keys(RULES).filter((id) => new RegExp(`^${MICROSOFT_ID.source}$`).test(id)).length).toBeGreaterThan(20); // the filter keeps the Microsoft ids
});

describe("rules carried into the plan as notes for the teams", () => {
  const refsOf = (plan: Plan) => new Set([...plan.notes.flatMap((n) => n.refs), ...plan.certificates.flatMap((c) => c.refs)]);

  test("public IP count per site (LB-14): 3 per Edge Server, plus 3 VIPs with a hardware load balancer", () => {
    const count = (plan: Plan) => plan.notes.find((n) => n.refs.includes("LB-14"))!.message.match(/needs (\d+) public IP/)![1];
    expect(count(bundledPlan("single-consolidated-nat"))).toBe("3");
    expect(count(bundledPlan("scaled-dnslb-public"))).toBe(String(3 * bundledPlan("scaled-dnslb-public").servers.filter((s) => s.role === "edge").length));
    const hlb = bundledPlan("scaled-hlb");
    expect(count(hlb)).toBe(String(3 + 3 * hlb.servers.filter((s) => s.role === "edge").length));
    // The count is what the plan really uses: every distinct public address of the Edge servers and VIPs.
    const publicAddresses = new Set([
      ...hlb.servers
        .filter((s) => s.role === "edge")
        .flatMap((s) => s.interfaces.filter((i) => i.side === "external").flatMap((i) => i.addresses.map((a) => a.publicIp ?? a.ip))),
      ...hlb.vips.filter((v) => v.side === "external").map((v) => v.ip),
    ]);
    expect(count(hlb)).toBe(String(publicAddresses.size));
    // Single FQDN and IP address mode: one per Edge Server, plus one VIP with a hardware load balancer.
    const single = (lb: string, addressing: string) =>
      planOf(
        `id: single-ip\nsipDomains: [contoso.com]\nsites: [{ name: hq, edge: { servers: 3, loadBalancing: ${lb}, externalAddressing: ${addressing}, ipMode: single } }]\n`,
      );
    expect(count(single("dns", "nat"))).toBe("3");
    expect(count(single("dns", "public"))).toBe("3");
    expect(count(single("hardware", "public"))).toBe("4");
  });

  test("a single Edge gets the sizing note (LB-12), a pool does not", () => {
    expect(refsOf(bundledPlan("single-consolidated-public")).has("LB-12")).toBe(true);
    expect(refsOf(bundledPlan("scaled-hlb")).has("LB-12")).toBe(false);
  });

  test("pools get the all-services note (LB-13); hardware load balancing the traffic notes (HLB-13/14/15); Director pools the web affinity note (HLB-19/21/22)", () => {
    expect(refsOf(bundledPlan("single-consolidated-nat")).has("LB-13")).toBe(false);
    expect(refsOf(bundledPlan("scaled-dnslb-nat")).has("LB-13")).toBe(true);
    const hlb = refsOf(bundledPlan("scaled-hlb"));
    for (const id of ["HLB-13", "HLB-14", "HLB-15"]) expect(hlb.has(id)).toBe(true);
    expect(refsOf(bundledPlan("scaled-dnslb-nat")).has("HLB-14")).toBe(false);
    const withDirectorPool = planOf("id: dirpool\nsipDomains: [contoso.com]\nsites: [{ name: hq, director: { servers: 2, loadBalancing: dns-hlb } }]\n");
    for (const id of ["HLB-19", "HLB-22"]) expect(refsOf(withDirectorPool).has(id)).toBe(true);
    expect(refsOf(withDirectorPool).has("HLB-21")).toBe(false); // mobile request balancing only matters with mobility
    const withMobility = planOf(
      "id: dirpool\nsipDomains: [contoso.com]\nmobility: true\nsites: [{ name: hq, director: { servers: 2, loadBalancing: dns-hlb } }]\n",
    );
    expect(refsOf(withMobility).has("HLB-21")).toBe(true);
    const singleDirector = planOf("id: dirone\nsipDomains: [contoso.com]\nsites: [{ name: hq, director: { servers: 1 } }]\n");
    expect(refsOf(singleDirector).has("HLB-22")).toBe(false);
  });

  test("the Edge external certificate carries the A/V certificate advice (CERT-07)", () => {
    const cert = bundledPlan("single-consolidated-nat").certificates.find((c) => c.id.endsWith("-edge-external"))!;
    expect(cert.refs).toContain("CERT-07");
    expect(cert.notes).toMatch(/A\/V media is not encrypted with a certificate/);
  });
});
