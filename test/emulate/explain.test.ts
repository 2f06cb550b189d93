/**
 * `--mutate` without running anything: which probes watch which firewall, and why a removal no probe noticed is
 * covered by another rule, crosses no firewall in the emulated topology, or is a finding (lib/emulate/explain.ts).
 */
import { applianceRuleIds, crossesExternalFirewall, explainUncaught, loadedRules } from "../../lib/emulate/explain";
import { applianceRules } from "../../lib/lab/rulesets";
import type { FirewallRule } from "../../lib/model/plan";
import { buildProbes, probesOfSite } from "../../lib/model/probes";
import { bundledPlan } from "../helpers";

const plan = bundledPlan("hybrid-se");
const site = plan.scenario.sites[0];
const probes = probesOfSite(buildProbes(plan), "hq");
const row = (id: string): FirewallRule => plan.firewallRules.find((r) => r.id === id)!;
const external = loadedRules(plan.firewallRules, "hq", "external", applianceRuleIds(applianceRules(plan, "hq"), "hq"));
const internal = loadedRules(plan.firewallRules, "hq", "internal", []);
const CLIENT = "192.168.10.200";
const explain = (id: string) => explainUncaught(row(id), row(id).firewall === "external" ? external : internal, site, probes, CLIENT);

test("the appliance holds every external row of hybrid-se, the internal firewall every internal row", () => {
  expect(external.map((r) => r.id).sort()).toEqual(
    plan.firewallRules
      .filter((r) => r.firewall === "external")
      .map((r) => r.id)
      .sort(),
  );
  expect(external.filter((r) => r.table === "edge-m365")).toHaveLength(7);
  expect(internal.length).toBe(plan.firewallRules.filter((r) => r.firewall === "internal").length);
});

test("probes from or to Microsoft 365, and NAT reflection between pool members, cross the external firewall", () => {
  // Before: only probes from the Internet client or to "any Internet address" were rerun when an external rule was
  // removed, so no probe of an edge-m365 row ran during the external mutations.
  const m365 = probes.filter((p) => p.refs.some((r) => r.startsWith("hq/edge-m365/")));
  expect(m365.length).toBeGreaterThan(20);
  expect(m365.filter((p) => !crossesExternalFirewall(p)).map((p) => p.id)).toEqual([]);
  const hairpin = buildProbes(bundledPlan("scaled-dnslb-nat")).filter((p) => p.kind === "port" && p.hairpin);
  expect(hairpin.length).toBeGreaterThan(0);
  expect(hairpin.filter((p) => !crossesExternalFirewall(p))).toEqual([]);
  // The Edge's internal rows, the Director's and the reverse proxy's inside rows are the internal firewall's.
  const inside = probes.filter((p) => p.refs.some((r) => /^hq\/(edge-internal|director)\//.test(r)));
  expect(inside.length).toBeGreaterThan(10);
  expect(inside.filter(crossesExternalFirewall)).toEqual([]);
});

test.each([
  ["m365-out-sip-mtls", "hq/edge-external/ext-out-access-sip-mtls"],
  ["m365-in-sip-mtls", "hq/edge-external/ext-in-access-sip-mtls"],
  ["m365-out-stun-tcp-443", "hq/edge-external/ext-out-av-stun-tcp"],
  ["m365-out-stun-tcp-50000", "hq/edge-external/ext-out-av-rtp-tcp"],
  ["m365-out-stun-udp", "hq/edge-external/ext-out-av-stun-udp"],
  ["m365-in-stun-udp", "hq/edge-external/ext-in-av-stun-udp"],
])("hq/edge-m365/%s not caught: covered by %s", (id, by) => {
  const e = explain(`hq/edge-m365/${id}`);
  expect(e).toMatchObject({ outcome: "covered", coveredBy: by });
  expect(e.reason).toContain(`keep this row if your firewall restricts ${by}`);
});

test("an internal row between two hosts of the internal network crosses no firewall", () => {
  const e = explain("hq/director/dir-in-http-80");
  expect(e.outcome).toBe("no-firewall");
  expect(e.reason).toContain("Internal clients (192.168.10.0/24) and Director hardware load balancer VIP (192.168.10.30)");
});

test("internal rows: the Director's row inside the Edge's is covered; the Edge's row is covered for the traffic its probes send", () => {
  expect(explain("hq/director/dir-in-sip-5061")).toMatchObject({ outcome: "covered", coveredBy: "hq/edge-internal/int-out-sip-mtls" });
  const edge = explain("hq/edge-internal/int-out-sip-mtls");
  expect(edge).toMatchObject({ outcome: "covered", coveredBy: "hq/director/dir-in-sip-5061" });
  expect(edge.reason).toContain("172.25.33.10 -> 192.168.10.31 TCP 5061");
  expect(edge.reason).toContain("the row itself allows more");
});

test("a row no other rule allows is a finding", () => {
  expect(explain("hq/edge-m365/m365-in-stun-tcp-50000").outcome).toBe("finding");
  expect(explain("hq/edge-internal/int-in-sip-mtls").outcome).toBe("finding");
  expect(explain("hq/reverse-proxy/rp-out-http-8080").outcome).toBe("finding");
});
