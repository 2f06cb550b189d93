/**
 * The one probe list (lib/model/probes), derived from the plan's rows: every row, record, certificate and
 * publishing rule is covered, and the checklist renders the same list.
 */
import { buildChecklist } from "../../lib/render/checklist";
import { buildProbes, type PortProbe, type TlsProbe, type TurnProbe } from "../../lib/model/probes";
import { bundledPlan, bundledScenarioIds } from "../helpers";

describe.each(bundledScenarioIds())("probes of %s", (id) => {
  const plan = bundledPlan(id);
  const probes = buildProbes(plan);
  const ports = probes.filter((p): p is PortProbe => p.kind === "port");

  test("a DNS load-balanced NAT pool's members probe each other's public A/V address (hairpin), nothing else does", () => {
    const hairpins = ports.filter((p) => p.hairpin);
    const av = plan.servers.flatMap((s) =>
      s.role === "edge" ? s.interfaces.flatMap((i) => i.addresses.filter((a) => a.role === "av" && a.natPublic).map((a) => ({ site: s.site, ...a }))) : [],
    );
    const pools = [...new Set(av.map((a) => a.site))].filter((site) => av.filter((a) => a.site === site).length >= 2);
    const expected = pools.flatMap((site) => {
      const members = av.filter((a) => a.site === site);
      return members.flatMap((a) => members.filter((b) => b !== a).map((b) => `${a.ip} -> ${b.natPublic}:3478 seen as ${a.natPublic}`));
    });
    expect(hairpins.map((p) => `${p.from.kind === "server" ? p.from.ip : "?"} -> ${p.address}:${p.port} seen as ${p.expectSource}`).sort()).toEqual(
      expected.sort(),
    );
    expect(hairpins.every((p) => p.stun && p.transport === "UDP" && p.refs.includes("NAT-02"))).toBe(true);
  });

  test("ids are unique and every probe names the rows or rules it proves", () => {
    expect(new Set(probes.map((p) => p.id)).size).toBe(probes.length);
    for (const p of probes) expect(p.refs.length).toBeGreaterThan(0);
  });

  test("every firewall row has a port probe from the side that opens the connection, at the address that side uses", () => {
    for (const r of plan.firewallRules) {
      const mine = ports.filter((p) => p.rule === r && !p.hairpin);
      expect({ row: r.id, probes: mine.length > 0 }).toEqual({ row: r.id, probes: true });
      for (const p of mine) {
        expect(p.port).toBe(r.ports.from);
        if (r.source.addresses.includes("Internet")) {
          expect(p.from).toEqual({ kind: "internet" });
          expect(p.address).toBe(
            r.destination.publicAddresses?.length
              ? r.destination.publicAddresses.find((a) => a === p.address)
              : r.destination.addresses.find((a) => a === p.address),
          );
        }
        if (r.destination.addresses.includes("Internet")) {
          expect(p.toInternet).toBe(true);
          expect(p.from.kind).toBe("server");
          expect(p.expectSource).toBeDefined();
        }
      }
    }
  });

  test("outbound rows expect the public source address (NAT-04), the VIP for VIP rows", () => {
    for (const p of ports.filter((x) => x.toInternet)) {
      const src = p.rule.source.addresses;
      const nat = plan.servers.flatMap((s) => s.interfaces.flatMap((i) => i.addresses)).find((a) => a.ip === (p.from.kind === "server" ? p.from.ip : ""));
      if (src.length === 1 && plan.vips.some((v) => v.ip === src[0])) expect(p.expectSource).toBe(src[0]);
      else expect(p.expectSource).toBe(nat?.natPublic ?? nat?.ip);
    }
  });

  test("every DNS record is a probe in its view; HOSTS entries are probed on their server", () => {
    // Records with the same name, type and answer (one A record serving two purposes) are one probe.
    const distinct = new Set(plan.dnsRecords.map((r) => `${r.site}|${r.view}|${r.name}|${r.type}|${r.srv ? JSON.stringify(r.srv) : r.values.join(",")}`));
    const fromClients = probes.filter((p) => p.kind === "dns" && p.from.kind !== "server");
    expect(fromClients.length).toBe(distinct.size);
    // Hybrid: each federation-route Edge also resolves every _sipfederationtls._tcp record itself.
    const fromEdges = probes.filter((p) => p.kind === "dns" && p.from.kind === "server");
    const federationSrv = plan.dnsRecords.filter((r) => r.view === "external" && r.name.startsWith("_sipfederationtls._tcp."));
    const routeEdges = plan.servers.filter((x) => x.role === "edge" && plan.scenario.sites.find((y) => y.federationRoute)?.name === x.site);
    expect(fromEdges.length).toBe(plan.hybrid ? federationSrv.length * routeEdges.length : 0);
    expect(probes.filter((p) => p.kind === "hosts").length).toBe(new Set(plan.servers.flatMap((s) => s.hosts.map((h) => `${s.id}|${h.fqdn}`))).size);
  });

  test("TLS probes: the Access Edge from the Internet with every SIP name, the planned certificate, the A/V name forbidden", () => {
    const tls = probes.filter((p): p is TlsProbe => p.kind === "tls");
    for (const site of plan.scenario.sites) {
      const access = tls.filter((t) => t.site === site.name && t.rule.portRow === "ext-in-access-sip-tls");
      expect(access.length).toBeGreaterThan(0);
      for (const t of access) {
        expect(t.sipOptions).toBe(true);
        expect([t.certificate.subject, ...t.certificate.sans]).toContain(t.serverName);
        expect(t.forbiddenNames.length).toBeGreaterThan(0);
        expect(t.certificate.sans.filter((n) => t.forbiddenNames.includes(n))).toEqual([]);
      }
    }
  });

  test("TURN probes over UDP 3478 and TCP 443 at every A/V address the Internet uses, relay in the media range", () => {
    const turn = probes.filter((p): p is TurnProbe => p.kind === "turn");
    const stunRows = plan.firewallRules.filter((r) => r.direction === "inbound" && r.source.addresses.includes("Internet") && r.application === "turn");
    expect(turn.length).toBe(stunRows.reduce((n, r) => n + (r.destination.publicAddresses ?? r.destination.addresses).length, 0));
    for (const t of turn) expect(t.relayRange.toJSON()).toEqual({ from: 50000, to: 59999 });
  });

  test("publishing rules: every bridge of every published name; blocked: management ports on every public address", () => {
    expect(probes.filter((p) => p.kind === "web").length).toBe(plan.publishingRules.reduce((n, r) => n + r.bridges.length, 0));
    const blocked = probes.filter((p) => p.kind === "blocked");
    expect(blocked.some((p) => p.kind === "blocked" && p.port === 3389)).toBe(true);
  });

  test("the checklist is a view of the same list", () => {
    const c = buildChecklist(plan, probes);
    expect(c.dns.length).toBe(probes.filter((p) => p.kind === "dns").length);
    expect(c.ports.length).toBe(ports.filter((p) => p.rule.direction === "inbound").length);
    expect(c.tls.map((t) => t.probe)).toEqual(probes.filter((p) => p.kind === "tls"));
  });
});
