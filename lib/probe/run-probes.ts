/**
 * Runs the plan's probes (lib/model/probes) from a vantage (./vantage.ts): each probe becomes requests for the probe
 * agent, sent from the place its origin is, and its replies are judged against the plan; a TURN probe is an agent
 * request too (allocation, channel to the partner, media echoed back). The probes are independent exchanges: they run
 * concurrently, bounded per target address (no stand-in is flooded), the slowest classes first. The emulator's
 * namespaces are one vantage (lib/emulate).
 */
import { carriesTls } from "../model/application";
import { SIPFED_FQDN } from "../model/hybrid";
import {
  expectedDnsAnswers,
  type BlockedProbe,
  type DnsProbe,
  type HostsProbe,
  type PortProbe,
  type Probe,
  type TlsProbe,
  type TurnProbe,
  type WebProbe,
} from "../model/probes";
import { PoliteScheduler } from "./schedule";
import type { AgentItem, AgentReply, Origin, Vantage } from "./vantage";

export interface ProbeResult {
  readonly probe: Probe;
  readonly pass: boolean;
  /** Not run: the vantage has no stand-in for its far end (pass is false, and it is not a failure). */
  readonly skipped?: boolean;
  /** What was observed (the reply, the certificate names, the relayed address, the error). */
  readonly detail: string;
}

/** Positive probes answer in milliseconds; blocked probes wait this long for nothing. */
export const PASS_TIMEOUT_MS = 4000;
export const BLOCKED_TIMEOUT_MS = 800;

type Verdict = { pass: boolean; detail: string };

/** A probe's agent items, sent from one place, and how their replies are judged. */
interface Planned {
  readonly place: string;
  readonly items: AgentItem[];
  judge(replies: AgentReply[]): Verdict;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);
const fail = (r: AgentReply): Verdict => ({ pass: false, detail: r.error ?? JSON.stringify(r.reply ?? {}) });
const one = (o: Origin, item: AgentItem, judge: (r: AgentReply) => Verdict): Planned => ({ place: o.place, items: [item], judge: (r) => judge(r[0]) });

/**
 * The source port of a probe whose row names one: a single port as is; a range (TCP 50000-59999) walked from its
 * second port so that parallel probes from one address never share a port, nor take the first one (where the
 * inbound rows' listeners are: ranges are sampled at their first port).
 */
let sourcePortTurn = 0;
function sourcePortOf(p: PortProbe): number | undefined {
  const range = p.rule.sourcePorts;
  if (!range) return undefined;
  if (range.from === range.to) return range.from;
  return range.from + 1 + (sourcePortTurn++ % (range.to - range.from));
}

function planDns(v: Vantage, o: Origin, p: DnsProbe, timeoutMs: number): Planned {
  const server = v.dnsServer(p.record.view);
  const items: AgentItem[] = [{ type: "dns", server, name: p.record.name, rtype: p.record.type, timeoutMs }];
  // A Teams Only cutover record points at Microsoft 365's own names (sipdir / sipfed.online.lync.com), which no
  // emulated DNS server serves: the record is proven, its target is Microsoft's.
  const targetIsMicrosoft365 = p.record.refs.includes("ms:cutover-dns");
  if (p.record.type === "SRV" && !targetIsMicrosoft365) items.push({ type: "dns", server, name: p.record.srv!.target, rtype: "A", timeoutMs });
  return {
    place: o.place,
    items,
    judge: ([answer, target]) => {
      const got = answer.reply?.answers ?? [];
      if (!answer.ok || !sameSet(got, expectedDnsAnswers(p))) return { pass: false, detail: `answer ${answer.ok ? got.join(", ") || "(none)" : answer.error}` };
      if (target && !(target.ok && (target.reply?.answers ?? []).length))
        return { pass: false, detail: `SRV target ${p.record.srv!.target} does not resolve (${target.error ?? "no A"})` };
      const targetText = target ? `; target ${target.reply!.answers!.join(", ")}` : targetIsMicrosoft365 ? "; target is Microsoft 365's (not emulated)" : "";
      return { pass: true, detail: `answer ${got.join(", ")}${targetText}` };
    },
  };
}

function planHosts(o: Origin, p: HostsProbe, timeoutMs: number): Planned {
  return one(o, { type: "hosts", name: p.fqdn, timeoutMs }, (r) =>
    r.ok && r.reply?.answers?.includes(p.ip) ? { pass: true, detail: `resolves to ${r.reply.answers.join(", ")}` } : fail(r),
  );
}

function planPort(v: Vantage, o: Origin, p: PortProbe, timeoutMs: number): Planned {
  const toM365 = p.remote && p.from.kind === "server";
  const host = v.portTarget(p);
  const localPort = sourcePortOf(p);
  // Edge -> Microsoft 365 SIP/MTLS: a TLS handshake with the stand-in and SIP OPTIONS; its answer's Via carries the
  // source address it saw (received=).
  const sipToM365 = toM365 && p.transport === "TCP" && carriesTls(p.rule.application);
  const answers = !sipToM365 && (p.expectSource !== undefined || v.answersWithSource(p));
  const item = sipToM365
    ? { type: "tls", host, port: p.port, servername: SIPFED_FQDN, ca: v.trustAnchor, sip: true, local: o.local, localPort, timeoutMs }
    : {
        type: p.transport === "TCP" ? "tcp" : "udp",
        host,
        port: p.port,
        local: o.local,
        localPort,
        stun: p.stun || (p.transport === "UDP" && p.port === 3478),
        // A far end that says which address it saw (NAT-03 / NAT-04 are judged on it): wait for its answer, not only
        // for the connection.
        ...(answers ? { reply: true } : {}),
        timeoutMs,
      };
  return one(o, item, (r) => {
    if (!r.ok) return fail(r);
    const seen = r.reply?.remote;
    if (p.expectSource && seen !== p.expectSource)
      return { pass: false, detail: `far end saw ${seen ?? "nothing (no answer)"}, plan says ${p.expectSource} (NAT-04)` };
    if (answers && seen === undefined) return { pass: false, detail: "connected, but the far end did not say which address it saw" };
    // From the Internet (or Microsoft 365), the Edge must see the client's own address (NAT-03: no source NAT inbound).
    if ((p.from.kind === "internet" || p.from.kind === "remote") && seen !== undefined && seen !== o.local)
      return { pass: false, detail: `Edge saw ${seen}, not the origin ${o.local} (NAT-03)` };
    return { pass: true, detail: r.reply ? `reply ${r.reply.local ?? r.reply.stun ?? ""} saw ${seen ?? "?"}` : "connected" };
  });
}

function judgeTls(p: TlsProbe, r: AgentReply): Verdict {
  const c = r.reply;
  if (!c?.subject) return fail(r);
  const problems: string[] = [];
  if (c.subject !== p.certificate.subject) problems.push(`subject ${c.subject}, plan ${p.certificate.subject}`);
  if ((c.sans ?? []).join(",") !== p.certificate.sans.join(","))
    problems.push(`SANs ${(c.sans ?? []).join(", ") || "(none)"}, plan ${p.certificate.sans.join(", ") || "(none)"}`);
  const forbidden = (c.sans ?? []).filter((n) => p.forbiddenNames.includes(n));
  if (forbidden.length) problems.push(`must not carry ${forbidden.join(", ")}`);
  if (!r.ok) problems.push(r.error ?? `SIP answer: ${c.sip ?? "none"}`);
  return problems.length
    ? { pass: false, detail: problems.join("; ") }
    : { pass: true, detail: `${c.subject} [${(c.sans ?? []).join(", ")}]${c.sip ? `; ${c.sip}` : ""}` };
}

function planTls(v: Vantage, o: Origin, p: TlsProbe, timeoutMs: number): Planned {
  const item = { type: "tls", host: p.address, port: p.port, servername: p.serverName, ca: v.trustAnchor, sip: p.sipOptions, local: o.local, timeoutMs };
  return one(o, item, (r) => judgeTls(p, r));
}

function planWeb(v: Vantage, o: Origin, p: WebProbe, timeoutMs: number): Planned {
  const ca = p.scheme === "https" ? v.trustAnchor : undefined;
  return one(o, { type: "http", scheme: p.scheme, host: p.address, port: p.port, hostHeader: p.host, ca, timeoutMs }, (r) => {
    if (!r.ok) return fail(r);
    const arrived = String(r.reply?.local ?? "");
    if (r.reply?.host !== p.host || !arrived.endsWith(`:${p.targetPort}`)) return { pass: false, detail: `arrived at ${arrived} with Host ${r.reply?.host}` };
    return { pass: true, detail: `arrived at ${arrived}, Host ${r.reply.host}` };
  });
}

function planBlocked(o: Origin, p: BlockedProbe, silenceMs: number): Planned {
  return one(o, { type: p.transport === "TCP" ? "tcp" : "udp", host: p.address, port: p.port, local: o.local, timeoutMs: silenceMs }, (r) =>
    !r.ok && r.error !== "ECONNREFUSED"
      ? { pass: true, detail: `no answer (${r.error})` }
      : { pass: false, detail: r.ok ? `answered: ${JSON.stringify(r.reply ?? "connected")}` : "refused (a host answered)" },
  );
}

/** The agent items of a probe other than TURN, from its origin. */
function planProbe(v: Vantage, p: Exclude<Probe, TurnProbe>, timeoutMs: number, silenceMs: number): Planned {
  const o = v.origin(p.from);
  switch (p.kind) {
    case "dns":
      return planDns(v, o, p, timeoutMs);
    case "hosts":
      return planHosts(o, p, timeoutMs);
    case "port":
      return planPort(v, o, p, timeoutMs);
    case "tls":
      return planTls(v, o, p, timeoutMs);
    case "web":
      return planWeb(v, o, p, timeoutMs);
    case "blocked":
      return planBlocked(o, p, silenceMs);
  }
}

/** A TURN probe: the relayed address and port as the plan says, and media relayed back from the partner. */
function planTurn(v: Vantage, o: Origin, p: TurnProbe, timeoutMs: number): Planned {
  const { user, password, peer } = v.turnAccount(p);
  const item = {
    type: "turn",
    transport: p.transport === "TCP" ? "tcp" : "udp",
    host: p.address,
    port: p.port,
    local: o.local,
    user,
    password,
    peer,
    messages: 2,
    timeoutMs,
  };
  return one(o, item, (r) => {
    const relay = /^([\d.]+):(\d+)$/.exec(r.reply?.relay ?? "");
    if (!r.ok || !relay) return { pass: false, detail: `no allocation (${r.error ?? "no relayed address"})` };
    const [ip, port] = [relay[1], Number(relay[2])];
    const expected = p.relayAddress.split(",");
    const problems: string[] = [];
    if (!expected.includes(ip)) problems.push(`relay address ${ip}, plan ${expected.join(" or ")}`);
    if (!p.relayRange.covers(port)) problems.push(`relay port ${port} outside ${p.relayRange.rangeText}`);
    const received = r.reply?.received ?? 0;
    if (received === 0) problems.push("no media relayed back from the partner");
    return problems.length
      ? { pass: false, detail: problems.join("; ") }
      : { pass: true, detail: `relay ${ip}:${port}, ${received} media packets relayed back` };
  });
}

export interface RunOptions {
  /**
   * Bound of each positive probe (inside namespaces an answer takes milliseconds; --mutate uses a shorter bound
   * because the probe that catches a removed rule waits it out). @default PASS_TIMEOUT_MS
   */
  readonly timeoutMs?: number;
  /** How long a blocked probe waits for silence (a shorter wait for runs that compare outcomes). @default BLOCKED_TIMEOUT_MS */
  readonly silenceMs?: number;
  /** Probes in flight at once towards one target address (so that no stand-in is flooded). @default PER_TARGET */
  readonly perTarget?: number;
  /** Probes in flight at once in all (1: one after another, as the equivalence test runs them). @default unbounded */
  readonly inFlight?: number;
}

/** Probes in flight towards one address at once. */
export const PER_TARGET = 8;

/** The slowest classes start first: TURN (allocation and relayed media), then the blocked probes (which wait it out). */
const classOrder = (p: Probe) => (p.kind === "turn" ? 0 : p.kind === "blocked" ? 1 : 2);

/** The address a probe's exchange goes to (its DNS server for a DNS probe): the key of the per-target bound. */
const targetOf = (planned: Planned) => String(planned.items[0].host ?? planned.items[0].server ?? planned.place);

/**
 * Runs the probes; results in probe order. Every probe is one exchange with the vantage (its items sent from its
 * origin's place), all of them concurrent within two bounds: `perTarget` probes towards one address, `inFlight` in
 * all; TURN probes first, then the blocked ones, then the rest, each class in probe order.
 */
export async function runProbes(vantage: Vantage, probes: readonly Probe[], options: RunOptions = {}): Promise<ProbeResult[]> {
  const timeoutMs = options.timeoutMs ?? PASS_TIMEOUT_MS;
  const silenceMs = options.silenceMs ?? BLOCKED_TIMEOUT_MS;
  const perTarget = options.perTarget ?? PER_TARGET;
  const inFlight = options.inFlight ?? Infinity;
  const results = new Map<Probe, ProbeResult>();
  const queue: { probe: Probe; planned: Planned; target: string }[] = [];
  for (const p of probes) {
    const why = vantage.skipReason(p);
    if (why) {
      results.set(p, { probe: p, pass: false, skipped: true, detail: why });
      continue;
    }
    const planned = p.kind === "turn" ? planTurn(vantage, vantage.origin(p.from), p, timeoutMs) : planProbe(vantage, p, timeoutMs, silenceMs);
    queue.push({ probe: p, planned, target: targetOf(planned) });
  }
  queue.sort((a, b) => classOrder(a.probe) - classOrder(b.probe));
  // Inside namespaces no politeness is owed, only no flooding of a stand-in: several per address, no rate.
  const scheduler = new PoliteScheduler({ perKey: perTarget, concurrency: inFlight, ratePerSecond: Infinity });
  await Promise.all(
    queue.map(({ probe, planned, target }) =>
      scheduler.run(target, async () => {
        const verdict = await vantage.send(planned.place, planned.items).then(
          (replies) => planned.judge(replies),
          (e: Error) => ({ pass: false, detail: `not sent: ${e.message}` }),
        );
        results.set(probe, { probe, ...verdict });
      }),
    ),
  );
  return probes.map((p) => results.get(p)!);
}
