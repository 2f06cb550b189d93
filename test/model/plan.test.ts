/** Behaviour of the logical plan beyond Microsoft's example tables: scaling, modes, features, determinism. */
import { loadScenarioFile } from "../../lib/model/load";
import type { Plan } from "../../lib/model/plan";
import { bundledScenarioFiles, planOf } from "../helpers";

const base = (edge: string, extra = "") => `
id: test-scenario
product: lync2013
sipDomains: [contoso.com]
internalDomain: contoso.net
${extra}
sites:
  - name: hq
    edge:
${edge
  .trim()
  .split("\n")
  .map((l) => `      ${l}`)
  .join("\n")}
`;

const aRecord = (plan: Plan, name: string, view = "external") => plan.dnsRecords.find((r) => r.view === view && r.type === "A" && r.name === name);
const edgeServers = (plan: Plan) => plan.servers.filter((s) => s.role === "edge");
const publicAddresses = (plan: Plan) =>
  new Set([
    ...edgeServers(plan).flatMap((s) => s.interfaces[0].addresses.map((a) => a.publicIp!)),
    ...plan.vips.filter((v) => v.side === "external").map((v) => v.ip),
  ]);

describe("pool size drives every derived count consistently", () => {
  test.each([2, 3, 5, 9, 10, 12])("DNS load balancing, NAT, %i servers: N values per service FQDN, 3N public addresses", (n) => {
    const plan = planOf(base(`servers: ${n}\nloadBalancing: dns\nexternalAddressing: nat`));
    expect(edgeServers(plan)).toHaveLength(n);
    for (const name of ["sip.contoso.com", "webcon.contoso.com", "av.contoso.com"]) expect(aRecord(plan, name)?.values).toHaveLength(n);
    expect(aRecord(plan, "lsedge.contoso.net", "internal")?.values).toHaveLength(n);
    expect(publicAddresses(plan).size).toBe(3 * n); // LB-14
    expect(plan.vips).toHaveLength(0);
    const inbound443 = plan.firewallRules.find((r) => r.portRow === "ext-in-access-sip-tls")!;
    expect(inbound443.destination.addresses).toHaveLength(n);
    expect(inbound443.destination.publicAddresses).toHaveLength(n);
    const cert = plan.certificates.find((c) => c.id === "hq-edge-external")!;
    expect(cert.installedOn).toHaveLength(n);
    expect(cert.sharedKey).toBe(true);
    // All addresses distinct and inside their subnets (auto-numbering never overlaps, even at 10+ servers).
    const ips = edgeServers(plan).flatMap((s) => s.interfaces.flatMap((i) => i.addresses.map((a) => a.ip)));
    expect(new Set(ips).size).toBe(ips.length);
  });

  test.each([2, 3, 4, 12])("hardware load balancing, %i servers: 3 VIPs + 3N public addresses, one A value per VIP", (n) => {
    const plan = planOf(base(`servers: ${n}\nloadBalancing: hardware`));
    const external = plan.vips.filter((v) => v.side === "external");
    expect(external).toHaveLength(3);
    expect(plan.vips.filter((v) => v.service === "internal")).toHaveLength(1);
    expect(publicAddresses(plan).size).toBe(3 + 3 * n); // HLB-12 / LB-14: N+1 per service
    for (const vip of plan.vips) expect(vip.members).toHaveLength(n);
    for (const name of ["sip.contoso.com", "webcon.contoso.com", "av.contoso.com"]) expect(aRecord(plan, name)?.values).toHaveLength(1);
    expect(aRecord(plan, "lsedge.contoso.net", "internal")?.values).toEqual([plan.vips.find((v) => v.service === "internal")!.ip]);
  });

  test("single-IP mode: one external address per server; with HLB one VIP + N addresses (HLB-12)", () => {
    const dns = planOf(base("servers: 3\nloadBalancing: dns\nipMode: single"));
    for (const s of edgeServers(dns)) expect(s.interfaces[0].addresses.map((a) => a.role)).toEqual(["access"]);
    expect(aRecord(dns, "sip.contoso.com")?.values).toHaveLength(3);
    expect(aRecord(dns, "webcon.contoso.com")).toBeUndefined();
    const hlb = planOf(base("servers: 3\nloadBalancing: hardware\nipMode: single"));
    expect(hlb.vips.filter((v) => v.side === "external")).toHaveLength(1);
    expect(publicAddresses(hlb).size).toBe(1 + 3);
    // Single-IP ports (NET-14): the access VIP carries 5061 (client + federation), 444 and 443.
    expect(hlb.vips.find((v) => v.service === "access")!.ports.map(String)).toEqual(["TCP 443", "TCP 444", "TCP 5061", "UDP 3478"]);
  });
});

describe("interfaces follow Microsoft's NIC rules", () => {
  const plan = planOf(base("servers: 2\nloadBalancing: dns"));
  test.each(edgeServers(plan).map((s) => [s.id, s] as const))(
    "%s: external NIC first with the gateway, Access primary; internal NIC without gateway, with routes",
    (_id, server) => {
      const [external, internal] = server.interfaces;
      expect(external.side).toBe("external");
      expect(external.gateway).toBe("10.45.16.1"); // NET-02
      expect(external.addresses.map((a) => [a.role, a.primary])).toEqual([
        ["access", true],
        ["webConferencing", false],
        ["av", false],
      ]); // NET-05
      expect(internal.gateway).toBeNull(); // NET-03
      expect(internal.routes).toEqual([{ destination: "192.168.10.0/24", via: "172.25.33.1" }]);
      expect(server.hosts).toEqual([{ fqdn: "pool01.contoso.net", ip: "192.168.10.20" }]); // NET-06
    },
  );
});

describe("features switch their rows, records and names", () => {
  test("without federation: no federation SRV, no XMPP, no OCS 2007 media range, no federation route", () => {
    const plan = planOf(base("servers: 1"));
    expect(plan.dnsRecords.map((r) => r.name)).not.toContain("_sipfederationtls._tcp.contoso.com");
    expect(plan.firewallRules.filter((r) => /xmpp|rtp-udp|in-av-rtp/.test(r.portRow ?? ""))).toEqual([]);
    expect(plan.topologySettings.find((t) => t.item.startsWith("Enable federation"))?.value).toBe("No");
    expect(plan.certificates.find((c) => c.id === "hq-edge-external")!.sans).toEqual(["webcon.contoso.com", "sip.contoso.com"]);
  });

  test("XMPP adds the SRV/A records, the 5269 and 23456 rows and the certificate names", () => {
    const plan = planOf(base("servers: 1", "federation:\n  xmpp: { partners: [gmail.com] }"));
    const srv = plan.dnsRecords.find((r) => r.name === "_xmpp-server._tcp.contoso.com")!;
    expect(srv.srv).toEqual({ priority: 0, weight: 0, port: 5269, target: "xmpp.contoso.com" });
    expect(aRecord(plan, "xmpp.contoso.com")?.values).toEqual(aRecord(plan, "sip.contoso.com")?.values);
    expect(plan.firewallRules.filter((r) => r.features.includes("xmpp")).map((r) => `${r.direction} ${r.ports.from}`)).toEqual([
      "inbound 5269",
      "outbound 5269",
      "inbound 23456",
    ]);
    expect(plan.certificates[0].sans).toEqual(["webcon.contoso.com", "sip.contoso.com", "xmpp.contoso.com", "contoso.com"]);
  });

  test("AOL public IM connectivity adds the client EKU (FED-03)", () => {
    const plan = planOf(base("servers: 1", "federation:\n  publicIm: [aol]"));
    expect(plan.certificates.find((c) => c.id === "hq-edge-external")!.eku).toEqual(["server", "client"]);
  });

  test("mobility: lyncdiscover only in the external view, lyncdiscoverinternal only in the internal view (DNS-06)", () => {
    const plan = planOf(base("servers: 1", "mobility: true"));
    const names = (view: string) => plan.dnsRecords.filter((r) => r.view === view).map((r) => r.name);
    expect(names("external")).toContain("lyncdiscover.contoso.com");
    expect(names("external")).not.toContain("lyncdiscoverinternal.contoso.com");
    expect(names("internal")).toContain("lyncdiscoverinternal.contoso.com");
    expect(names("internal")).not.toContain("lyncdiscover.contoso.com");
    // Push notifications need the federation SRV even without federation (DNS-03).
    expect(names("external")).toContain("_sipfederationtls._tcp.contoso.com");
    expect(plan.certificates.find((c) => c.id === "hq-reverse-proxy")!.sans).toContain("lyncdiscover.contoso.com");
  });

  test("every SIP domain gets sip.<domain>, both SRV records pointing inside their own domain (DNS-04), and a meet URL", () => {
    const plan = planOf(
      base("servers: 1", "federation: { sip: true }").replace("sipDomains: [contoso.com]", "sipDomains: [contoso.com, fabrikam.com, litware.org]"),
    );
    for (const d of ["contoso.com", "fabrikam.com", "litware.org"]) {
      expect(plan.dnsRecords.find((r) => r.name === `_sip._tls.${d}`)!.srv!.target).toBe(`sip.${d}`);
      expect(plan.dnsRecords.find((r) => r.name === `_sipfederationtls._tcp.${d}`)!.srv!.target).toBe(`sip.${d}`);
      expect(aRecord(plan, `sip.${d}`)).toBeDefined();
      expect(aRecord(plan, `meet.${d}`)).toBeDefined();
    }
    expect(plan.certificates[0].sans).toEqual(["webcon.contoso.com", "sip.contoso.com", "sip.fabrikam.com", "sip.litware.org"]);
  });
});

describe("sites", () => {
  const plan = planOf(`
id: two
product: lync2013
sipDomains: [contoso.com]
federation: { sip: true, xmpp: true }
sites:
  - name: hq
    edge: { servers: 2 }
  - name: dr
    federationRoute: true
`);
  test("each site gets its own ranges and names; only the federation route carries the federation SRV, XMPP and federation settings", () => {
    expect(plan.scenario.sites.map((s) => [s.name, s.networks.perimeterExternal, s.federationRoute, s.primary])).toEqual([
      ["hq", "10.45.16.0/24", false, true],
      ["dr", "10.45.17.0/24", true, false],
    ]);
    const srv = plan.dnsRecords.filter((r) => r.type === "SRV");
    expect(srv.filter((r) => r.site === "hq").map((r) => r.name)).toEqual(["_sip._tls.contoso.com"]);
    expect(srv.find((r) => r.name === "_sip._tls.contoso.com")!.srv!.target).toBe("sip.contoso.com");
    expect(srv.find((r) => r.name === "_sipfederationtls._tcp.contoso.com")!.srv!.target).toBe("sip-dr.contoso.com");
    expect(plan.firewallRules.filter((r) => r.site === "hq" && r.features.includes("xmpp"))).toEqual([]);
    expect(plan.firewallRules.filter((r) => r.site === "dr" && r.portRow === "ext-in-xmpp")).toHaveLength(1);
    expect(aRecord(plan, "sip.contoso.com")?.values).toEqual(["131.107.155.10", "131.107.155.11"]);
  });
});

describe("lab modes", () => {
  test("internet mode marks external addresses as assigned at deploy and states the fidelity of public scenarios", () => {
    const plan = planOf(base("servers: 2\nloadBalancing: hardware", "lab: { mode: internet }"));
    expect(plan.dnsRecords.filter((r) => r.view === "external" && r.type === "A").every((r) => r.assignedAtDeploy)).toBe(true);
    expect(plan.dnsRecords.filter((r) => r.view === "internal").some((r) => r.assignedAtDeploy)).toBe(false);
    const fidelity = plan.notes.filter((n) => n.kind === "fidelity").map((n) => n.message);
    expect(fidelity.join("\n")).toMatch(/Microsoft's scenario 5/);
  });

  test("closed mode has no fidelity notes", () => {
    expect(planOf(base("servers: 1")).notes.filter((n) => n.kind === "fidelity")).toEqual([]);
  });
});

describe("determinism", () => {
  test.each(bundledScenarioFiles())("%s: two loads give byte-identical plan JSON", (file) => {
    const a = JSON.stringify(loadScenarioFile(file).plan);
    const b = JSON.stringify(loadScenarioFile(file).plan);
    expect(a).toBe(b);
    expect(a.length).toBeGreaterThan(1000);
  });
});

describe("defaults that must not collide", () => {
  test("an explicit reverse proxy name on a later site is kept; the default there is <site>rp01", () => {
    const plan = planOf(`
id: names
sipDomains: [contoso.com]
sites:
  - name: hq
  - name: dr
    reverseProxy: { name: proxy2 }
  - name: emea
`);
    expect(plan.servers.filter((s) => s.role === "reverse-proxy").map((s) => s.name)).toEqual(["rp01", "proxy2", "emearp01"]);
  });
  test("a large Director pool does not run into the Office Web Apps default address", () => {
    const plan = planOf(`
id: big-director
sipDomains: [contoso.com]
sites:
  - name: hq
    director: { servers: 24, loadBalancing: hlb }
    reverseProxy: { officeWebApps: true }
`);
    const owa = plan.publishingRules.find((r) => r.publicName.startsWith("officewebapps01"))!.target.ip;
    const directors = plan.servers.filter((s) => s.role === "director").map((s) => s.interfaces[0].addresses[0].ip);
    expect(directors).toHaveLength(24);
    expect(directors).not.toContain(owa);
  });
});

test("every row's refs are unique", () => {
  const plan = planOf(base("servers: 1", "lab: { mode: internet }"));
  for (const row of [...plan.dnsRecords, ...plan.firewallRules, ...plan.certificates]) expect(new Set(row.refs).size).toBe(row.refs.length);
});

test("the Director certificate also names what the plan routes to the Director (external web FQDN, internal sip.<domain>)", () => {
  const plan = planOf(`
id: director-cert
sipDomains: [contoso.com]
internalDomain: contoso.net
sites:
  - name: hq
    director: { servers: 2, loadBalancing: hlb }
`);
  for (const id of ["hq-director-default-01", "hq-director-default-02"]) {
    expect(plan.certificates.find((c) => c.id === id)!.sans).toEqual(expect.arrayContaining(["webdirext.contoso.com", "sip.contoso.com"]));
  }
  expect(plan.dnsRecords.find((r) => r.view === "internal" && r.name === "sip.contoso.com")!.values).toEqual([
    plan.vips.find((v) => v.service === "director-web")!.ip,
  ]);
  // No federation: no inbound 5061 from the Internet at all (FW-02).
  expect(plan.firewallRules.find((r) => r.portRow === "ext-in-access-sip-mtls")).toBeUndefined();
});
