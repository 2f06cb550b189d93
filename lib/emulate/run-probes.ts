/**
 * Runs the plan's probes (lib/model/probes) against a built World: one agent process per origin namespace runs
 * that namespace's probes in parallel; TURN probes run turnutils_uclient (coturn's client) from the simulated Internet.
 */
import { randomBytes } from "node:crypto";
import { join } from "node:path";
import { carriesTls } from "../model/application";
import { SIPFED_FQDN } from "../model/hybrid";
import type { DnsProbe, PortProbe, Probe, TurnProbe } from "../model/probes";
import { notEmulated } from "./scope";
import { writeNewFile } from "./run-registry";
import { inNs, shAsync } from "./sys";
import { TURN_PASSWORD, TURN_USER, type World } from "./world";

export interface ProbeResult {
  readonly probe: Probe;
  readonly pass: boolean;
  /** Not run: the emulation has no stand-in for its far end (pass is false, and it is not a failure). */
  readonly skipped?: boolean;
  /** What was observed (the reply, the certificate names, the relayed address, the error). */
  readonly detail: string;
}

interface AgentReply {
  readonly ok: boolean;
  readonly error?: string;
  readonly reply?: Record<string, unknown> & {
    local?: string;
    remote?: string;
    answers?: string[];
    subject?: string;
    sans?: string[];
    sip?: string;
    host?: string;
    status?: number;
  };
}

/** Positive probes answer in milliseconds; blocked probes wait this long for nothing. */
export const PASS_TIMEOUT_MS = 4000;
export const BLOCKED_TIMEOUT_MS = 800;

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().every((x, i) => x === [...b].sort()[i]);

function expectedAnswers(p: DnsProbe): string[] {
  const r = p.record;
  if (r.type === "SRV") return [`${r.srv!.priority} ${r.srv!.weight} ${r.srv!.port} ${r.srv!.target}`];
  return [...r.values];
}

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

interface Planned {
  readonly ns: string;
  readonly items: Record<string, unknown>[];
  judge(replies: AgentReply[]): { pass: boolean; detail: string };
}

function plan(world: World, p: Probe, PASS_TIMEOUT_MS: number): Planned | undefined {
  const o = world.origin(p.from);
  const one = (item: Record<string, unknown>, judge: (r: AgentReply) => { pass: boolean; detail: string }): Planned => ({
    ns: o.ns,
    items: [item],
    judge: (r) => judge(r[0]),
  });
  const fail = (r: AgentReply) => ({ pass: false, detail: r.error ?? JSON.stringify(r.reply ?? {}) });
  switch (p.kind) {
    case "dns": {
      const server = p.record.view === "external" ? world.publicDnsIp : world.internalDnsIp;
      const items: Record<string, unknown>[] = [{ type: "dns", server, name: p.record.name, rtype: p.record.type, timeoutMs: PASS_TIMEOUT_MS }];
      // A Teams Only cutover record points at Microsoft 365's own names (sipdir / sipfed.online.lync.com), which no
      // emulated DNS server serves: the record is proven, its target is Microsoft's.
      const targetIsMicrosoft365 = p.record.refs.includes("ms:cutover-dns");
      if (p.record.type === "SRV" && !targetIsMicrosoft365)
        items.push({ type: "dns", server, name: p.record.srv!.target, rtype: "A", timeoutMs: PASS_TIMEOUT_MS });
      return {
        ns: o.ns,
        items,
        judge: ([answer, target]) => {
          const got = answer.reply?.answers ?? [];
          if (!answer.ok || !sameSet(got, expectedAnswers(p)))
            return { pass: false, detail: `answer ${answer.ok ? got.join(", ") || "(none)" : answer.error}` };
          if (target && !(target.ok && (target.reply?.answers ?? []).length))
            return { pass: false, detail: `SRV target ${p.record.srv!.target} does not resolve (${target.error ?? "no A"})` };
          const targetText = target
            ? `; target ${target.reply!.answers!.join(", ")}`
            : targetIsMicrosoft365
              ? "; target is Microsoft 365's (not emulated)"
              : "";
          return { pass: true, detail: `answer ${got.join(", ")}${targetText}` };
        },
      };
    }
    case "hosts":
      return one({ type: "hosts", name: p.fqdn, timeoutMs: PASS_TIMEOUT_MS }, (r) =>
        r.ok && r.reply?.answers?.includes(p.ip) ? { pass: true, detail: `resolves to ${r.reply.answers.join(", ")}` } : fail(r),
      );
    case "port": {
      const toM365 = p.remote && p.from.kind === "server";
      const host = p.toInternet ? world.partnerIp : toM365 ? world.m365ServiceIp(p.address) : p.address.includes("/") ? world.internalClientIp : p.address;
      const localPort = sourcePortOf(p);
      // Edge -> Microsoft 365 SIP/MTLS: a TLS handshake with the stand-in and SIP OPTIONS; its answer's Via carries
      // the source address it saw (received=).
      const sipToM365 = toM365 && p.transport === "TCP" && carriesTls(p.rule.application);
      const answers = !sipToM365 && (p.expectSource !== undefined || world.answersWithSource(p));
      const item = sipToM365
        ? { type: "tls", host, port: p.port, servername: SIPFED_FQDN, ca: world.ca.caCert, sip: true, local: o.local, localPort, timeoutMs: PASS_TIMEOUT_MS }
        : {
            type: p.transport === "TCP" ? "tcp" : "udp",
            host,
            port: p.port,
            local: o.local,
            localPort,
            stun: p.stun || (p.transport === "UDP" && p.port === 3478),
            // A far end that says which address it saw (NAT-03 / NAT-04 are judged on it): wait for its answer, not
            // only for the connection.
            ...(answers ? { reply: true } : {}),
            timeoutMs: PASS_TIMEOUT_MS,
          };
      return one(item, (r) => {
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
    case "tls":
      return one(
        {
          type: "tls",
          host: p.address,
          port: p.port,
          servername: p.serverName,
          ca: world.ca.caCert,
          sip: p.sipOptions,
          local: o.local,
          timeoutMs: PASS_TIMEOUT_MS,
        },
        (r) => {
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
        },
      );
    case "web":
      return one(
        {
          type: "http",
          scheme: p.scheme,
          host: p.address,
          port: p.port,
          hostHeader: p.host,
          ca: p.scheme === "https" ? world.ca.caCert : undefined,
          timeoutMs: PASS_TIMEOUT_MS,
        },
        (r) => {
          if (!r.ok) return fail(r);
          const arrived = String(r.reply?.local ?? "");
          if (r.reply?.host !== p.host || !arrived.endsWith(`:${p.targetPort}`))
            return { pass: false, detail: `arrived at ${arrived} with Host ${r.reply?.host}` };
          return { pass: true, detail: `arrived at ${arrived}, Host ${r.reply.host}` };
        },
      );
    case "blocked":
      return one({ type: p.transport === "TCP" ? "tcp" : "udp", host: p.address, port: p.port, local: o.local, timeoutMs: BLOCKED_TIMEOUT_MS }, (r) =>
        !r.ok && r.error !== "ECONNREFUSED"
          ? { pass: true, detail: `no answer (${r.error})` }
          : { pass: false, detail: r.ok ? `answered: ${JSON.stringify(r.reply ?? "connected")}` : "refused (a host answered)" },
      );
    case "turn":
      return undefined;
  }
}

async function runTurn(world: World, p: TurnProbe): Promise<ProbeResult> {
  const args = [
    "-v",
    ...(p.transport === "TCP" ? ["-t"] : []),
    "-p",
    String(p.port),
    "-u",
    TURN_USER,
    "-w",
    TURN_PASSWORD,
    "-e",
    world.peerIp,
    "-r",
    String(world.peerPort),
    "-n",
    "2",
    "-m",
    "1",
    "-c",
    "-L",
    world.clientIp,
    p.address,
  ];
  const started = Date.now();
  const r = await shAsync("ip", inNs(world.ns("inet"), ["turnutils_uclient", ...args]), 10000);
  if (process.env.EDGE_LAB_EMULATE_DEBUG) process.stderr.write(`turn ${p.address}:${p.port}/${p.transport}: ${Date.now() - started} ms\n`);
  const out = r.stdout + r.stderr;
  const relays = [...out.matchAll(/Received relay addr: ([\d.]+):(\d+)/g)].map((m) => ({ ip: m[1], port: Number(m[2]) }));
  const received = Math.max(0, ...[...out.matchAll(/tot_recv_msgs=(\d+)/g)].map((m) => Number(m[1])));
  const expected = p.relayAddress.split(",");
  const problems: string[] = [];
  if (!relays.length)
    problems.push(
      `no allocation (${
        out
          .split("\n")
          .filter((l) => /error|fail|cannot/i.test(l))
          .slice(0, 2)
          .join(" | ") || `exit ${r.status}`
      })`,
    );
  for (const a of relays) {
    if (!expected.includes(a.ip)) problems.push(`relay address ${a.ip}, plan ${expected.join(" or ")}`);
    if (a.port < p.relayRange.from || a.port > p.relayRange.to) problems.push(`relay port ${a.port} outside ${p.relayRange.from}-${p.relayRange.to}`);
  }
  if (relays.length && received === 0) problems.push("no media relayed back from the partner");
  const relayText = relays.map((a) => `${a.ip}:${a.port}`).join(", ");
  return {
    probe: p,
    pass: problems.length === 0,
    detail: problems.length ? problems.join("; ") : `relay ${relayText}, ${received} media packets relayed back`,
  };
}

/**
 * Runs the probes; results in probe order. `timeoutMs` bounds each positive probe (inside namespaces an answer takes
 * milliseconds; --mutate uses a shorter bound because the probe that catches a removed rule waits it out).
 */
export async function runProbes(world: World, probes: readonly Probe[], timeoutMs = PASS_TIMEOUT_MS): Promise<ProbeResult[]> {
  const results = new Map<Probe, ProbeResult>();
  const byNs = new Map<string, { probe: Probe; planned: Planned }[]>();
  for (const p of probes) {
    const why = notEmulated(p);
    if (why) {
      results.set(p, { probe: p, pass: false, skipped: true, detail: why });
      continue;
    }
    if (p.kind === "turn") continue;
    const planned = plan(world, p, timeoutMs)!;
    const list = byNs.get(planned.ns) ?? [];
    list.push({ probe: p, planned });
    byNs.set(planned.ns, list);
  }
  const agentRuns = [...byNs.entries()].map(async ([ns, list], i) => {
    const items = list.flatMap((x) => x.planned.items);
    const file = join(world.dir, `probe-${ns}-${i}-${randomBytes(6).toString("hex")}.json`);
    writeNewFile(file, JSON.stringify(items), 0o600);
    const started = Date.now();
    const r = await shAsync("ip", inNs(ns, [process.execPath, world.agentFile, "probe", file]), 60000);
    if (process.env.EDGE_LAB_EMULATE_DEBUG) process.stderr.write(`agent ${ns}: ${items.length} items in ${Date.now() - started} ms\n`);
    let replies: AgentReply[];
    try {
      replies = JSON.parse(r.stdout) as AgentReply[];
    } catch {
      replies = items.map(() => ({ ok: false, error: `agent failed: ${r.stderr.trim().slice(0, 300)}` }));
    }
    let at = 0;
    for (const { probe, planned } of list) {
      const mine = replies.slice(at, at + planned.items.length);
      at += planned.items.length;
      results.set(probe, { probe, ...planned.judge(mine) });
    }
  });
  const turnRuns = probes.filter((p): p is TurnProbe => p.kind === "turn").map(async (p) => results.set(p, await runTurn(world, p)));
  await Promise.all([...agentRuns, ...turnRuns]);
  return probes.map((p) => results.get(p)!);
}
