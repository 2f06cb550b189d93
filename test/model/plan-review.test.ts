/**
 * Plan defects an experienced Lync engineer found on scenarios outside the bundled set (issue 12, "Plan defects").
 * Each test states the engineer's expectation as the plan's rows, records, settings and messages.
 */
import type { Plan } from "../../lib/model/plan";
import { worksheetBlocks } from "../../lib/render/worksheets/tables";
import { zoneFiles } from "../../lib/lab/zones";
import { errorRules, load, planOf } from "../helpers";

const record = (plan: Plan, name: string, view = "external") => plan.dnsRecords.find((r) => r.view === view && r.name === name);
const setting = (plan: Plan, site: string, item: string) => plan.topologySettings.find((t) => t.site === site && t.item === item)?.value;
const externalPorts = (plan: Plan, site = "hq") =>
  plan.firewallRules
    .filter((r) => r.site === site && r.firewall === "external" && r.table.startsWith("edge-external"))
    .map((r) => `${r.direction} ${r.transport} ${r.ports.from}`);

const twoSites = (top: string, hq = "", dr = "") => `
id: two-sites
product: lync2013
sipDomains: [contoso.com, fabrikam.com]
internalDomain: contoso.net
${top}
sites:
  - name: hq
${hq ? `    ${hq}\n` : ""}  - name: dr
${dr ? `    ${dr}\n` : ""}`;

describe("1. the internal view never shadows a public zone: names of a SIP domain get pinpoint zones", () => {
  test("internal domain = SIP domain (the default): every internal record is its own zone, no internal contoso.com zone", () => {
    const plan = planOf("sipDomains: [contoso.com]\nmobility: true\nsites: [{ name: hq, edge: { servers: 2 } }]");
    const internal = plan.dnsRecords.filter((r) => r.view === "internal");
    expect(internal.map((r) => r.name).sort()).toEqual([
      "lsedge.contoso.com",
      "lsedge01.contoso.com",
      "lsedge02.contoso.com",
      "lyncdiscoverinternal.contoso.com",
      "pool01.contoso.com",
    ]);
    for (const r of internal) expect(r.zone).toBe(r.name);
    const files = zoneFiles(plan);
    expect(files.filter((f) => f.view === "internal").map((f) => f.zone)).not.toContain("contoso.com");
    // The external zone is whole: meet, dialin, webext stay resolvable for internal clients through public DNS.
    expect(files.find((f) => f.view === "external" && f.zone === "contoso.com")!.content).toMatch(/^meet\.contoso\.com\./m);
    const pinpoint = files.find((f) => f.view === "internal" && f.zone === "lyncdiscoverinternal.contoso.com")!;
    expect(pinpoint.content).toMatch(/pinpoint zone/);
    expect(pinpoint.content).toMatch(/^lyncdiscoverinternal\.contoso\.com\.\t3600\tIN\tA\t192\.168\.10\.20$/m);
  });

  test("a separate internal domain keeps its zone; names of the SIP domain (Director, simple URLs) are pinpoint zones", () => {
    const plan = planOf("sipDomains: [contoso.com]\ninternalDomain: contoso.net\nsites: [{ name: hq, director: { servers: 1 } }]");
    const zones = (name: string) => plan.dnsRecords.filter((r) => r.view === "internal" && r.name === name).map((r) => r.zone);
    expect(zones("lsedge.contoso.net")).toEqual(["contoso.net"]);
    expect(zones("dir01.contoso.net")).toEqual(["contoso.net"]);
    for (const name of ["sip.contoso.com", "meet.contoso.com", "dialin.contoso.com", "webdirext.contoso.com"]) expect(zones(name)).toEqual([name]);
    expect(plan.dnsRecords.some((r) => r.view === "internal" && r.zone === "contoso.com")).toBe(false);
  });
});

describe("2. the federation route decides only federation; remote sign-in, simple URLs and autodiscover stay on the primary site", () => {
  const plan = planOf(twoSites("mobility: true\nfederation: { sip: true, xmpp: true }", "", "federationRoute: true"));

  test("by default the first site carries _sip._tls, meet, dialin, lyncdiscover and lyncdiscoverinternal", () => {
    expect(record(plan, "_sip._tls.contoso.com")?.site).toBe("hq");
    expect(record(plan, "_sip._tls.contoso.com")?.srv?.target).toBe("sip.contoso.com");
    expect(record(plan, "_sip._tls.fabrikam.com")?.srv?.target).toBe("sip.fabrikam.com");
    for (const name of ["meet.contoso.com", "meet.fabrikam.com", "dialin.contoso.com", "lyncdiscover.contoso.com"]) expect(record(plan, name)?.site).toBe("hq");
    expect(record(plan, "lyncdiscoverinternal.contoso.com", "internal")?.site).toBe("hq");
    expect(plan.scenario.sites.map((s) => [s.name, s.primary, s.federationRoute])).toEqual([
      ["hq", true, false],
      ["dr", false, true],
    ]);
  });

  test("the federation route carries _sipfederationtls (to its own Access Edge, DNS-04 per domain), XMPP and the 5061 rows (FED-01)", () => {
    expect(record(plan, "_sipfederationtls._tcp.contoso.com")).toMatchObject({ site: "dr", srv: { port: 5061, target: "sip-dr.contoso.com" } });
    expect(record(plan, "_sipfederationtls._tcp.fabrikam.com")).toMatchObject({ site: "dr", srv: { port: 5061, target: "sip-dr.fabrikam.com" } });
    // sip-dr.fabrikam.com resolves to the dr Access Edge, sip.fabrikam.com stays on hq.
    expect(record(plan, "sip-dr.fabrikam.com")?.values).toEqual(record(plan, "sip-dr.contoso.com")?.values);
    expect(record(plan, "sip.fabrikam.com")?.values).toEqual(record(plan, "sip.contoso.com")?.values);
    expect(record(plan, "_xmpp-server._tcp.contoso.com")?.site).toBe("dr");
    expect(externalPorts(plan, "dr")).toEqual(expect.arrayContaining(["inbound TCP 5061", "outbound TCP 5061"]));
    expect(externalPorts(plan, "hq")).not.toContain("inbound TCP 5061");
    expect(externalPorts(plan, "hq")).not.toContain("outbound TCP 5061");
  });

  test("each site's Edge certificate names what DNS sends to it", () => {
    const sans = (site: string) => plan.certificates.find((c) => c.id === `${site}-edge-external`)!.sans;
    expect(sans("hq")).toEqual(["webcon.contoso.com", "sip.contoso.com", "sip.fabrikam.com"]);
    expect(sans("dr")).toEqual([
      "webcon-dr.contoso.com",
      "sip-dr.contoso.com",
      "sip-dr.fabrikam.com",
      "xmpp.contoso.com",
      "contoso.com",
      "xmpp.fabrikam.com",
      "fabrikam.com",
    ]);
  });

  test("primarySite moves remote sign-in, simple URLs and autodiscover explicitly", () => {
    const moved = planOf(twoSites("primarySite: dr\nmobility: true\nfederation: { sip: true }", "federationRoute: true"));
    expect(record(moved, "_sip._tls.contoso.com")).toMatchObject({ site: "dr", srv: { target: "sip-dr.contoso.com" } });
    expect(record(moved, "meet.contoso.com")?.site).toBe("dr");
    expect(record(moved, "lyncdiscover.contoso.com")?.site).toBe("dr");
    expect(record(moved, "_sipfederationtls._tcp.contoso.com")).toMatchObject({ site: "hq", srv: { target: "sip.contoso.com" } });
  });

  test("primarySite must name a site", () => {
    const result = load(twoSites("primarySite: paris"));
    expect(errorRules(result)).toEqual(["LAB-SITE-01"]);
    expect(result.problems[0]).toMatchObject({ path: "primarySite", message: expect.stringContaining('"paris" is not a site of this scenario (hq, dr)') });
  });
});

describe("3. 5061 is opened only for the features that use it (FW-02)", () => {
  const single = (top: string) => planOf(`product: lync2013\nsipDomains: [contoso.com]\n${top}`);

  test("remote access only: no 5061 from or to the Internet, in the plan", () => {
    const plan = single("");
    expect(externalPorts(plan)).not.toContain("inbound TCP 5061");
    expect(externalPorts(plan)).not.toContain("outbound TCP 5061");
    // The internal side keeps SIP to and from the next hop (FW-04).
    expect(plan.firewallRules.filter((r) => r.table === "edge-internal" && r.ports.from === 5061).map((r) => r.direction)).toEqual(["inbound", "outbound"]);
  });

  test("XMPP only: 5269, no 5061", () => {
    const ports = externalPorts(single("federation: { xmpp: true }"));
    expect(ports).toEqual(expect.arrayContaining(["inbound TCP 5269", "outbound TCP 5269"]));
    expect(ports).not.toContain("inbound TCP 5061");
    expect(ports).not.toContain("outbound TCP 5061");
  });

  test.each(["federation: { sip: true }", "federation: { publicIm: [skype] }"])("%s: 5061 both ways", (top) => {
    expect(externalPorts(single(top))).toEqual(expect.arrayContaining(["inbound TCP 5061", "outbound TCP 5061"]));
  });

  test("mobile push only: outbound 5061 to the push clearing house, nothing inbound (FW-07)", () => {
    const ports = externalPorts(single("mobility: true"));
    expect(ports).toContain("outbound TCP 5061");
    expect(ports).not.toContain("inbound TCP 5061");
  });

  test("mobility without push: no 5061 and no _sipfederationtls record", () => {
    const plan = single("mobility: { push: false }");
    expect(externalPorts(plan)).not.toContain("outbound TCP 5061");
    expect(record(plan, "_sipfederationtls._tcp.contoso.com")).toBeUndefined();
    expect(record(plan, "lyncdiscover.contoso.com")).toBeDefined();
  });

  test("a hardware load balancer carries 5061 on the Access VIP only when it is needed", () => {
    const vipPorts = (top: string) =>
      planOf(`sipDomains: [contoso.com]\n${top}\nsites: [{ name: hq, edge: { servers: 2, loadBalancing: hardware } }]`)
        .vips.find((v) => v.service === "access")!
        .ports.map((p) => p.from);
    expect(vipPorts("")).not.toContain(5061);
    expect(vipPorts("federation: { sip: true }")).toContain(5061);
  });
});

describe("4. mobile push notifications are a federation with the push clearing house", () => {
  const plan = planOf("sipDomains: [contoso.com]\nmobility: true");

  test("push turns the Edge federation settings on, with the hosting provider and allowed domain entries", () => {
    expect(setting(plan, "hq", "Enable federation for this Edge pool (port 5061)")).toBe("Yes");
    expect(setting(plan, "hq", "Access Edge configuration: enable communications with federated users")).toBe("Yes (push notifications)");
    expect(setting(plan, "hq", "SIP federated providers: Lync Online (push notifications)")).toBe("Enabled, proxy sipfed.online.lync.com");
    expect(setting(plan, "hq", "SIP federated domains: allow push.lync.com")).toBe("domain only");
    expect(setting(plan, "hq", "Push notifications (Set-CsPushNotificationConfiguration)")).toBe("Apple and Microsoft push notification services enabled");
    expect(record(plan, "_sipfederationtls._tcp.contoso.com")?.refs).toEqual(expect.arrayContaining(["DNS-03", "FW-07"]));
  });

  test("without push, federation stays off", () => {
    const noPush = planOf("sipDomains: [contoso.com]\nmobility: { push: false }");
    expect(setting(noPush, "hq", "Enable federation for this Edge pool (port 5061)")).toBe("No");
    expect(noPush.topologySettings.map((t) => t.item).join("\n")).not.toMatch(/push/i);
  });

  test("push with several sites needs a federation route, and says why (FED-01)", () => {
    const result = load(twoSites("mobility: true"));
    expect(errorRules(result)).toEqual(["FED-01"]);
    expect(result.problems[0].message).toMatch(/mobile push notifications are a federation with the push notification clearing house/);
  });
});

describe("6-8. notes, messages and settings say what Microsoft says", () => {
  test("6. the HLB traffic note cites HLB-10 for source NAT, not HLB-05 (TCP nagling)", () => {
    const plan = planOf("sipDomains: [contoso.com]\nsites: [{ name: hq, edge: { servers: 2, loadBalancing: hardware } }]");
    const note = plan.notes.find((n) => n.refs.includes("HLB-13"))!;
    expect(note.message).toMatch(/source NAT \(allowed for Access and Web Conferencing only, HLB-10\)/);
    expect(note.refs).toContain("HLB-10");
    expect(note.refs).not.toContain("HLB-05");
  });

  test("7. the FED-01 message for a second route is a whole sentence with the fix", () => {
    const result = load(twoSites("federation: { sip: true }", "federationRoute: true", "federationRoute: true"));
    expect(result.problems[0].message).toBe(
      "site dr is a second federation route (site hq is the first); only one Edge deployment in the organisation may be the federation route: set federationRoute: false on site dr",
    );
  });

  test("8. no 'load balancing' Topology Builder setting (it follows from addresses and DNS); the site summary states it as a design decision", () => {
    const plan = planOf("sipDomains: [contoso.com]\nsites: [{ name: hq, edge: { servers: 2 } }]");
    expect(plan.topologySettings.map((t) => t.item).filter((i) => /load balancing/i.test(i))).toEqual([]);
    expect(plan.scenario.sites[0].loadBalancing).toBe("dns");
    const sites = worksheetBlocks(plan).find((b) => b.heading === "Sites")!;
    expect(sites.text?.join(" ")).toMatch(/Load balancing is a design decision, not a Topology Builder setting/);
  });
});

describe("9. Director pool certificates follow Microsoft's Director pool table: one per Director", () => {
  const plan = planOf(`
sipDomains: [contoso.com]
internalDomain: contoso.net
sites:
  - name: hq
    director: { servers: 2, loadBalancing: dns-hlb }
`);
  const defaults = plan.certificates.filter((c) => c.id.startsWith("hq-director-default"));

  test("each Director gets its own certificate: pool name, then that server's name, installed on that server only", () => {
    expect(defaults.map((c) => [c.id, c.subject, c.sans.slice(0, 2), c.installedOn, c.sharedKey])).toEqual([
      ["hq-director-default-01", "dirpool01.contoso.net", ["dirpool01.contoso.net", "dir01.contoso.net"], ["hq-dir-01"], false],
      ["hq-director-default-02", "dirpool01.contoso.net", ["dirpool01.contoso.net", "dir02.contoso.net"], ["hq-dir-02"], false],
    ]);
    for (const c of defaults)
      expect(c.sans.slice(2)).toEqual([
        "dialin.contoso.com",
        "meet.contoso.com",
        "lyncdiscoverinternal.contoso.com",
        "lyncdiscover.contoso.com",
        "webdirext.contoso.com",
        "sip.contoso.com",
      ]);
    expect(new Set(defaults.map((c) => c.component)).size).toBe(2);
  });

  test("a single Director keeps one certificate with its own name first", () => {
    const single = planOf("sipDomains: [contoso.com]\ninternalDomain: contoso.net\nsites: [{ name: hq, director: { servers: 1 } }]");
    const c = single.certificates.filter((x) => x.id.startsWith("hq-director-default"));
    expect(c.map((x) => [x.id, x.subject, x.sans[0], x.installedOn])).toEqual([
      ["hq-director-default", "dir01.contoso.net", "dir01.contoso.net", ["hq-dir-01"]],
    ]);
  });
});

describe("10. problems are stated once, with the fix", () => {
  test("a public range too small for the pool gives one error with the count needed and the count available", () => {
    const result = load("sipDomains: [contoso.com]\nsites: [{ name: hq, edge: { servers: 5 }, network: { publicRange: 131.107.155.0/29 } }]");
    const range = result.problems.filter((p) => p.rule === "LAB-ADDR-01");
    expect(range).toHaveLength(1);
    expect(range[0].path).toBe("sites[0].network.publicRange");
    expect(range[0].message).toBe(
      "site hq: the public range 131.107.155.0/29 has 8 addresses, but the auto-numbered plan needs 16 in it (15 Edge NAT public addresses, 1 reverse proxy public listener address), up to 131.107.155.40: use a /26 or larger, or give the addresses explicitly",
    );
  });

  test.each([
    ["sipDomain: [contoso.com]\nsipDomains: [contoso.com]", "sipDomain", "sipDomains"],
    ["sipDomains: [contoso.com]\nmobilty: true", "mobilty", "mobility"],
    ["sipDomains: [contoso.com]\nsites: [{ name: hq, edge: { server: 2 } }]", "server", "servers"],
    ["sipDomains: [contoso.com]\nsites: [{ name: hq, network: { publicrange: 131.107.155.0/24 } }]", "publicrange", "publicRange"],
    ["sipDomains: [contoso.com]\nfederation: { xmpp: { partner: [gmail.com] } }", "partner", "partners"],
  ])("unknown key: %s suggests the closest known key", (yaml, bad, good) => {
    const result = load(yaml);
    const problem = result.problems.find((p) => p.message.includes(`"${bad}"`))!;
    expect(problem.message).toContain(`did you mean "${good}"?`);
  });

  test("an unknown key far from every known key gets no guess", () => {
    const result = load("sipDomains: [contoso.com]\nzzzzzzzz: 1");
    expect(result.problems[0].message).not.toContain("did you mean");
  });
});
