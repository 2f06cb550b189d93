/**
 * The probe runner talks to a vantage through its interface only (lib/probe/vantage.ts): a fake vantage, no
 * namespaces and no root, receives every probe's agent items with their place and has its replies judged; the
 * runner's bounds (per target address, in all) and its order (TURN first) are seen from there.
 */
import { buildProbes, probesOfSite, type Probe, type ProbeFrom, type TurnProbe } from "../../lib/model/probes";
import { PER_TARGET, runProbes } from "../../lib/probe/run-probes";
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
  /** Exchanges in flight per target address now, and the most seen at once. */
  readonly inFlight = new Map<string, number>();
  maxInFlight = 0;
  readonly order: string[] = [];
  async send(place: string, items: readonly AgentItem[]): Promise<AgentReply[]> {
    this.sent.set(place, [...(this.sent.get(place) ?? []), ...items]);
    for (const i of items) if (i.type === "turn") this.turns.push(String(i.host));
    this.order.push(String(items[0].type));
    const target = String(items[0].host ?? items[0].server ?? place);
    this.inFlight.set(target, (this.inFlight.get(target) ?? 0) + 1);
    this.maxInFlight = Math.max(this.maxInFlight, ...this.inFlight.values());
    await new Promise((r) => setTimeout(r, 1));
    this.inFlight.set(target, this.inFlight.get(target)! - 1);
    return items.map(this.answer);
  }
  turnAccount() {
    return { user: "u", password: "p", peer: { host: "192.0.2.20", port: 3478 } };
  }
}

test("every probe is sent from its origin's place, skipped ones are not sent, TURN goes to the vantage's TURN client", async () => {
  const v = new FakeVantage(() => ({ ok: false, error: "ETIMEDOUT" }));
  const results = await runProbes(v, probes);
  expect(results.map((r) => r.probe)).toEqual(probes);
  expect(results.filter((r) => r.skipped).map((r) => r.probe.kind)).toEqual(probes.filter((p) => p.kind === "web").map((p) => p.kind));
  const sentItems = [...v.sent.values()].flat();
  expect(sentItems.length).toBeGreaterThanOrEqual(probes.filter((p) => p.kind !== "web").length);
  expect([...v.sent.keys()].sort()).toEqual([...new Set(probes.filter((p) => p.kind !== "web").map((p) => v.origin(p.from).place))].sort());
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

test("probes run concurrently, at most PER_TARGET towards one address, TURN first", async () => {
  const v = new FakeVantage(() => ({ ok: false, error: "ETIMEDOUT" }));
  await runProbes(v, probes);
  expect(v.maxInFlight).toBeGreaterThan(1);
  expect(v.maxInFlight).toBeLessThanOrEqual(PER_TARGET);
  const turns = probes.filter((p) => p.kind === "turn").length;
  expect(turns).toBeGreaterThan(0);
  expect(v.order.slice(0, turns)).toEqual(Array(turns).fill("turn"));
  const one = new FakeVantage(() => ({ ok: false, error: "ETIMEDOUT" }));
  await runProbes(one, probes, { perTarget: 1, inFlight: 1 });
  expect(one.maxInFlight).toBe(1);
});

test("a TURN probe passes on a relayed address of the plan inside the media range with media back, and says what is wrong otherwise", async () => {
  const turn = probes.filter((p): p is TurnProbe => p.kind === "turn");
  const relay = (p: TurnProbe, port: number) => `${p.relayAddress.split(",")[0]}:${port}`;
  const run = async (reply: (p: TurnProbe) => AgentReply) => {
    const v = new FakeVantage((item) => reply(turn.find((p) => p.address === item.host && p.port === item.port)!));
    return (await runProbes(v, turn)).map((r) => r.detail);
  };
  expect(await run((p) => ({ ok: true, reply: { relay: relay(p, p.relayRange.from), received: 2 } }))).toEqual(
    turn.map((p) => `relay ${relay(p, p.relayRange.from)}, 2 media packets relayed back`),
  );
  for (const d of await run((p) => ({ ok: true, reply: { relay: relay(p, p.relayRange.from - 1), received: 0 } })))
    expect(d).toMatch(/^relay port \d+ outside \d+-\d+; no media relayed back from the partner$/);
  for (const d of await run(() => ({ ok: true, reply: { relay: "198.51.100.9:50001", received: 1 } }))) expect(d).toMatch(/^relay address 198.51.100.9, plan /);
  expect(await run(() => ({ ok: false, error: "timeout" }))).toEqual(turn.map(() => "no allocation (timeout)"));
});
