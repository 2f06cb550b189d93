/** The readable `edge-lab plan` output: every part of the plan a team acts on (issue 12, defect 5). */
import { planSummary } from "../../lib/render/summary";
import { bundledPlan, planOf } from "../helpers";

describe("planSummary", () => {
  const plan = bundledPlan("contoso-enterprise");
  const text = planSummary(plan);
  const section = (title: string) => {
    const start = text.indexOf(`\n${title}:\n`);
    expect(start).toBeGreaterThan(0);
    const end = text.indexOf("\n\n", start + 1);
    return text.slice(start, end < 0 ? undefined : end);
  };

  test("lists every Topology Builder / Control Panel setting, per site, with its refs", () => {
    const settings = section("Topology settings");
    for (const t of plan.topologySettings) expect(settings).toContain(`[${t.site}] ${t.item}: ${t.value} [${t.refs.join(", ")}]`);
  });

  test("lists every reverse proxy publishing rule with its target and port bridges", () => {
    const rules = section("Reverse proxy publishing rules");
    for (const r of plan.publishingRules) {
      const bridges = r.bridges.map((b) => `${b.listen}->${b.target}`).join(", ");
      expect(rules).toContain(`[${r.site}] ${r.publicName} -> ${r.target.fqdn} (${r.target.ip}) ${bridges}`);
    }
  });

  test("a remote-access-only scenario still shows its settings and its rules", () => {
    const small = planSummary(planOf("sipDomains: [contoso.com]"));
    expect(small).toContain("Enable federation for this Edge pool (port 5061): No");
    expect(small).toContain("webext.contoso.com -> pool01.contoso.com (192.168.10.20) 443->4443, 80->8080");
  });
});

test("features planned for later: what each adds, after the deployed plan", () => {
  const text = planSummary(planOf("product: lync2013\nsipDomains: [contoso.com]\nlater: { federation: { xmpp: true } }"));
  expect(text).toContain("Planned for later: XMPP federation (its certificate names are planned above); once deployed it adds:");
  expect(text).toContain("  DNS external SRV _xmpp-server._tcp.contoso.com 0 0 5269 xmpp.contoso.com");
  expect(text).toContain("  setting [hq] Enable XMPP federation (port 5269): Yes");
});
