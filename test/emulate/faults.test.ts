/**
 * `edge-lab emulate`: one test per fault class showing the right probes failing, and only those.
 *
 * Faults are built into the perimeter (EmulateOptions.buildPlan / sabotage) while the probes come from the real
 * plan: what a wrong firewall change, DNS zone or certificate would look like after deployment.
 */
import { withoutDnat } from "../../lib/lab/rulesets";
import type { EmulationReport } from "../../lib/emulate";
import { bundledPlan } from "../helpers";
import { describeWithTools } from "../system-tools";
import { emulateRecording, failing, failingIds, NAT, NEEDS } from "./helpers";

jest.setTimeout(240_000);

// The fault perimeters are built and probed side by side (test.concurrent, jest's limit of 5 at once), each its own
// run but for the faults whose probes do not overlap, which share one; most of a fault's time is its failing probes
// waiting out their bound, not work.
describeWithTools("edge-lab emulate: each fault class makes the right probes fail", NEEDS, () => {
  const plan = bundledPlan(NAT);
  const probeIds = (pred: (r: EmulationReport["sites"][number]["results"][number]) => boolean, report: EmulationReport) =>
    report.sites.flatMap((s) => s.results.filter(pred).map((r) => r.probe.id));

  test.concurrent("a DNAT rule dropped: the probes to that public address fail (ports, TLS, TURN), nothing else", async () => {
    const av = plan.servers.flatMap((s) => s.interfaces.flatMap((i) => i.addresses.filter((a) => a.role === "av"))).find((a) => a.natPublic)!;
    const { report } = await emulateRecording(plan, { sabotage: { applianceRules: (rules) => withoutDnat(rules, av.natPublic!) } });
    const expected = probeIds((r) => r.probe.kind !== "dns" && r.probe.kind !== "blocked" && "address" in r.probe && r.probe.address === av.natPublic, report);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(failingIds(report).sort()).toEqual(expected.sort());
    expect(failing(report).some((f) => f.probe.kind === "turn")).toBe(true);
  });

  // Faults whose probes are disjoint share one perimeter (each fault's probes computed apart, checked not to overlap):
  // every probe of each fails, naming what broke, and nothing else fails.
  test.concurrent(
    "an SRV record, a SAN of the certificate and an internal firewall row missing, in one perimeter: each fails exactly its own probes",
    async () => {
      const srv = plan.dnsRecords.find((r) => r.type === "SRV" && r.name.startsWith("_sipfederationtls._tcp."))!;
      const cert = plan.certificates.find((c) => c.sans.length > 2 && c.installedOn.some((id) => id.includes("-edge-")))!;
      const dropped = cert.sans[cert.sans.length - 1];
      const row = plan.firewallRules.find((r) => r.firewall === "internal" && r.portRow === "int-in-cms")!;
      const { report } = await emulateRecording(plan, {
        buildPlan: {
          ...plan,
          dnsRecords: plan.dnsRecords.filter((r) => r !== srv),
          certificates: plan.certificates.map((c) => (c === cert ? { ...c, sans: c.sans.filter((n) => n !== dropped) } : c)),
          firewallRules: plan.firewallRules.filter((r) => r !== row),
        },
      });
      const faults: Record<string, { ids: string[]; detail: RegExp }> = {
        // The DNS probe of that record.
        "SRV missing": { ids: probeIds((r) => r.probe.kind === "dns" && r.probe.record === srv, report), detail: /answer/ },
        // The TLS probes of that certificate, naming the SANs.
        "SAN missing": { ids: probeIds((r) => r.probe.kind === "tls" && r.probe.certificate.id === cert.id, report), detail: /SANs|ALTNAME/ },
        // The port and TLS probes of that row.
        "internal row missing": {
          ids: probeIds((r) => (r.probe.kind === "port" || r.probe.kind === "tls") && r.probe.rule.id === row.id, report),
          detail: /./,
        },
      };
      const all = Object.values(faults).flatMap((f) => f.ids);
      expect(new Set(all).size).toBe(all.length);
      for (const [name, f] of Object.entries(faults)) expect({ name, probes: f.ids.length > 0 }).toEqual({ name, probes: true });
      expect(failingIds(report).sort()).toEqual([...all].sort());
      for (const [name, f] of Object.entries(faults))
        for (const id of f.ids) {
          const detail = failing(report).find((x) => x.probe.id === id)!.detail;
          expect({ name, id, detail }).toEqual({ name, id, detail: expect.stringMatching(f.detail) });
        }
    },
  );

  test.concurrent("the default gateway on the Edge's internal NIC: Internet-facing Edge probes fail, the internal side still works", async () => {
    const edge = plan.servers.find((s) => s.role === "edge")!;
    const gw = edge.interfaces.find((i) => i.side === "internal")!.routes[0].via;
    const moved = { ...edge, interfaces: edge.interfaces.map((i) => ({ ...i, gateway: i.side === "internal" ? gw : null })) };
    const { report } = await emulateRecording(plan, { buildPlan: { ...plan, servers: plan.servers.map((s) => (s === edge ? moved : s)) } });
    const failed = failing(report);
    const edgeIps = new Set(edge.interfaces.flatMap((i) => i.addresses.flatMap((a) => [a.ip, a.natPublic ?? a.ip])));
    expect(failed.some((f) => f.probe.kind === "port" && f.probe.from.kind === "internet")).toBe(true);
    expect(failed.some((f) => f.probe.kind === "port" && f.probe.toInternet)).toBe(true);
    expect(failed.some((f) => f.probe.kind === "turn")).toBe(true);
    // Only Edge probes: the reverse proxy, DNS and the internal rows are unaffected.
    for (const f of failed) {
      const p = f.probe;
      const touchesEdge = (p.from.kind === "server" && p.from.server === edge.id) || ("address" in p && edgeIps.has(p.address));
      expect({ probe: p.id, touchesEdge }).toEqual({ probe: p.id, touchesEdge: true });
    }
    const internalRows = report.sites[0].results.filter(
      (r) => r.probe.kind === "port" && r.probe.rule.firewall === "internal" && r.probe.rule.table.startsWith("edge-internal"),
    );
    expect(internalRows.length).toBeGreaterThan(0);
    expect(internalRows.filter((r) => !r.pass)).toEqual([]);
  });

  test.concurrent("coturn's relay range outside 50000-59999: the TURN probes fail on the relayed port", async () => {
    const { report } = await emulateRecording(plan, { sabotage: { turnRelayRange: { from: 40000, to: 40999 } } });
    const expected = probeIds((r) => r.probe.kind === "turn", report);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(failingIds(report).sort()).toEqual(expected.sort());
    expect(failing(report).every((f) => /relay port 40\d{3} outside 50000-59999/.test(f.detail))).toBe(true);
  });
});
