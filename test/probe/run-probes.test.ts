/**
 * The probe runner talks to a vantage through its interface only (lib/probe/vantage.ts): a fake vantage, no
 * namespaces and no root, receives every probe's agent items grouped by place and has its replies judged.
 */
import { buildProbes, probesOfSite, type Probe, type ProbeFrom } from "../../lib/model/probes";
import { runProbes } from "../../lib/probe/run-probes";
import type { AgentItem, AgentReply, Origin, Vantage } from "../../lib/probe/vantage";
import { bundledPlan } from "../helpers";

const probes = probesOfSite(buildProbes(bundledPlan("single-consolidated-nat")), "hq");

/** A vantage whose places are the origin kinds, which answers every item with `answer` and records what it sent. */
class FakeVantage implements Vantage {
  readonly sent = new Map<string, AgentItem[]>();
  readonly turns: string[] = [];
  constructor(private readonly answer: (item: AgentItem) => AgentReply) {}
  origin(from: ProbeFrom): Origin {
    return from.kind === "server" ? { place: `server:${from.server}`, local: from.ip } : { place: from.kind, local: "192.0.2.1" };
  }
  skipReason(p: Probe): string | undefined {
    return p.kind === "web" ? "not here" : undefined;
  }
  dnsServer(view: "external" | "internal"): string {
    return view === "external" ? "192.0.2.53" : "10.0.0.53";
  }
  portTarget(p: { address: string }): string {
    return p.address;
  }
  answersWithSource(): boolean {
    return false;
  }
  readonly trustAnchor = "CA";
  async send(place: string, items: readonly AgentItem[]): Promise<AgentReply[]> {
    this.sent.set(place, [...(this.sent.get(place) ?? []), ...items]);
    return items.map(this.answer);
  }
  async turn(p: { address: string }): Promise<{ output: string; status: number }> {
    this.turns.push(p.address);
    return { output: "", status: 1 };
  }
}

test("every probe is sent from its origin's place, skipped ones are not sent, TURN goes to the vantage's TURN client", async () => {
  const v = new FakeVantage(() => ({ ok: false, error: "ETIMEDOUT" }));
  const results = await runProbes(v, probes);
  expect(results.map((r) => r.probe)).toEqual(probes);
  expect(results.filter((r) => r.skipped).map((r) => r.probe.kind)).toEqual(probes.filter((p) => p.kind === "web").map((p) => p.kind));
  const sentItems = [...v.sent.values()].flat();
  expect(sentItems.length).toBeGreaterThanOrEqual(probes.filter((p) => p.kind !== "web" && p.kind !== "turn").length);
  expect([...v.sent.keys()].sort()).toEqual(
    [...new Set(probes.filter((p) => p.kind !== "web" && p.kind !== "turn").map((p) => v.origin(p.from).place))].sort(),
  );
  expect(v.turns.length).toBe(probes.filter((p) => p.kind === "turn").length);
  // No answer anywhere: blocked probes pass, every other probe that ran fails.
  for (const r of results.filter((x) => !x.skipped)) expect([r.probe.id, r.pass]).toEqual([r.probe.id, r.probe.kind === "blocked"]);
});

test("DNS probes ask the vantage's server of their view and pass on the planned answer", async () => {
  const dns = probes.filter((p) => p.kind === "dns" && p.record.type === "A");
  const v = new FakeVantage((item) => {
    const probe = dns.find((p) => p.kind === "dns" && p.record.name === item.name)!;
    return { ok: true, reply: { answers: probe.kind === "dns" ? [...probe.record.values] : [] } };
  });
  const results = await runProbes(v, dns);
  expect(results.every((r) => r.pass)).toBe(true);
  const servers = [...v.sent.values()].flat().map((i) => i.server);
  expect(new Set(servers)).toEqual(new Set(dns.map((p) => (p.kind === "dns" && p.record.view === "external" ? "192.0.2.53" : "10.0.0.53"))));
});
