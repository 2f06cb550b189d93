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
    const lines = settings.split("\n").slice(2);
    // Counted by hand from contoso-enterprise.yaml. hq: 9 pool settings (internal pool FQDN, pool type, single FQDN,
    // federation 5061, XMPP 5269, NAT, the three external FQDNs) + 3 per Edge Server x 2 (internal IP, external IPs, A/V
    // public address behind NAT) + next hop + 10 federation settings (External Access Policy, Access Edge configuration,
    // partner discovery, litwareinc.com, adatum.com, skype, gmail.com, push hosting provider, push.lync.com, push
    // configuration) + the Office365 hosting provider = 27; dr (single Edge, no federation route): 9 + 3 + next hop = 13.
    expect(lines.filter((l) => l.startsWith("  [hq] "))).toHaveLength(27);
    expect(lines.filter((l) => l.startsWith("  [dr] "))).toHaveLength(13);
    expect(lines).toHaveLength(40);
    expect(plan.topologySettings).toHaveLength(40);
    for (const t of plan.topologySettings) expect(settings).toContain(`[${t.site}] ${t.item}: ${t.value} [${t.refs.join(", ")}]`);
    // Values from the scenario file and Microsoft's NAT setting (reference §2.3: the A/V Edge public address behind NAT).
    expect(lines).toEqual(
      expect.arrayContaining([
        "  [hq] Pool type: Multiple computer pool (2 servers) [LB-04, LB-05]",
        "  [hq] The external IP address of this Edge pool is translated by NAT: Yes [NAT-05, LB-02]",
        "  [hq] Edge Server lsedge01.contoso.net: public IP address of the A/V Edge (NAT): 131.107.155.30 [NAT-05]",
        "  [hq] Edge Server lsedge02.contoso.net: public IP address of the A/V Edge (NAT): 131.107.155.31 [NAT-05]",
        "  [hq] SIP federated domains: allow adatum.com: Access Edge sip.adatum.com [FED-04, FED-05]",
        "  [hq] XMPP federated partners: gmail.com: Allowed [FED-02]",
        "  [dr] Pool type: Single computer pool [LB-04, LB-05]",
        "  [dr] Enable federation for this Edge pool (port 5061): No [FED-01]",
        "  [dr] Edge Server dredge.contoso.net: public IP address of the A/V Edge (NAT): 131.107.156.30 [NAT-05]",
        "  [dr] Next hop pool: drpool01.contoso.net (Front End pool) [NET-15]",
      ]),
    );
  });

  test("lists every reverse proxy publishing rule with its target and port bridges", () => {
    // Literal: hq publishes Microsoft's reverse proxy names (reference §10.3/§10.5: webext, webdirext, meet, dialin,
    // lyncdiscover, officewebapps01) plus meet/lyncdiscover of the second SIP domain; dr its own external web services.
    // Targets from contoso-enterprise.yaml (Front End pool, Director pool, Office Web Apps Server, dr pool); bridges
    // 443->4443 and 80->8080 except Office Web Apps, which keeps 443 and 80 (RP-02).
    const rest = "; path /*, host header forwarded, no authentication";
    expect(section("Reverse proxy publishing rules").split("\n").slice(2)).toEqual([
      `  [hq] webext.contoso.com -> pool01.contoso.net (192.168.10.20) 443->4443, 80->8080${rest}`,
      `  [hq] webdirext.contoso.com -> dirpool01.contoso.net (192.168.10.30) 443->4443, 80->8080${rest}`,
      `  [hq] meet.contoso.com -> dirpool01.contoso.net (192.168.10.30) 443->4443, 80->8080${rest}`,
      `  [hq] meet.fabrikam.com -> dirpool01.contoso.net (192.168.10.30) 443->4443, 80->8080${rest}`,
      `  [hq] dialin.contoso.com -> dirpool01.contoso.net (192.168.10.30) 443->4443, 80->8080${rest}`,
      `  [hq] lyncdiscover.contoso.com -> dirpool01.contoso.net (192.168.10.30) 443->4443, 80->8080${rest}`,
      `  [hq] lyncdiscover.fabrikam.com -> dirpool01.contoso.net (192.168.10.30) 443->4443, 80->8080${rest}`,
      `  [hq] officewebapps01.contoso.com -> officewebapps01.contoso.com (192.168.10.25) 443->443, 80->80${rest}`,
      `  [dr] webext-dr.contoso.com -> drpool01.contoso.net (192.168.110.20) 443->4443, 80->8080${rest}`,
    ]);
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
