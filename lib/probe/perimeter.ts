/**
 * `edge-lab probe`: the plan's probes (lib/model/probes, the same list `checklist` prints and `emulate` runs) sent
 * from this host to a real perimeter, with the protocols a real Edge speaks (./checks.ts). No root, no Debian tool,
 * no credentials: a probe identity (sip.ts PROBE_USER), one request per check, bounded UDP retries, a global rate
 * limit, one check at a time per target address (./schedule.ts).
 *
 * Only what makes sense from where it runs is sent: from the Internet, the external DNS view and the probes of the
 * simulated Internet client; from an internal client (`from: "internal"`), the internal view and the internal rows.
 * Probes that start on a server, in Microsoft 365, or that need a lab's stand-in (HOSTS files, hairpin NAT, relayed
 * media) are listed as not run from here, with the reason.
 */
import { cidrContains, isIpv4, parseCidr } from "../model/net";
import type { Plan } from "../model/plan";
import { productInfo } from "../model/products";
import { buildProbes, type Probe, type TlsProbe } from "../model/probes";
import { checkOf, checkSipRegister, type CheckContext, type Verdict } from "./checks";
import { PoliteScheduler, RateGate } from "./schedule";

/** What `--only` selects: the kind of check (a TLS probe of the Access Edge's client port also gets a SIP check). */
export const CHECK_KINDS = ["dns", "port", "tls", "sip", "turn", "web", "blocked"] as const;
export type CheckKind = (typeof CHECK_KINDS)[number];

export interface PerimeterOptions {
  /** Where this host stands. @default "internet" */
  readonly from?: "internet" | "internal";
  /** Sites to probe. @default every site */
  readonly sites?: readonly string[];
  /** Check kinds to run. @default all */
  readonly only?: readonly CheckKind[];
  /** DNS server ("ip" or "ip:port"). @default the system's resolvers */
  readonly resolver?: string;
  /** Extra trust anchors, PEM (a lab's private CA). @default Node's root store */
  readonly ca?: readonly string[];
  /** Per check. @default 5000 */
  readonly timeoutMs?: number;
  /** How long a management port must stay silent. @default 1000 */
  readonly blockedTimeoutMs?: number;
  /** Target addresses probed at once. @default 8 */
  readonly concurrency?: number;
  /** Check starts per second, over all targets. @default 50 */
  readonly ratePerSecond?: number;
}

export interface PerimeterResult {
  /** The probe's id, with "/sip-register" for the SIP check of a TLS probe. */
  readonly id: string;
  readonly check: CheckKind;
  readonly probe: Probe;
  readonly pass: boolean;
  /** Not run from here (pass is false, and it is not a failure): `detail` says why. */
  readonly skipped?: boolean;
  readonly detail: string;
  readonly warnings: readonly string[];
  readonly elapsedMs: number;
}

export interface PerimeterReport {
  readonly scenario: string;
  readonly title: string;
  readonly from: "internet" | "internal";
  readonly resolver: string;
  readonly results: readonly PerimeterResult[];
  readonly elapsedMs: number;
}

/** Why a probe is not sent from this vantage, or undefined when it is. */
export function skipReason(p: Probe, from: "internet" | "internal"): string | undefined {
  if (p.kind === "hosts") return "a HOSTS file on a lab server: checked on the server, not from outside";
  if (p.from.kind === "server") return `sent by ${p.from.server}: run it there (edge-lab checklist)`;
  if (p.from.kind === "remote") return "sent by Microsoft 365: not from this host";
  const view = from === "internet" ? "external" : "internal";
  if (p.kind === "dns" && p.record.view !== view)
    return `the ${p.record.view} DNS view: run with --from ${p.record.view === "external" ? "internet" : "internal"}`;
  if (p.kind === "dns") return undefined;
  if (p.from.kind !== from) return `starts on the ${p.from.kind === "internet" ? "Internet" : "internal network"}: run with --from ${p.from.kind}`;
  if (p.kind === "port" && p.hairpin) return "NAT reflection between pool members: from a member only";
  if (from === "internet" && "address" in p && !routableFromInternet(p.address))
    return `${p.address} is a private address, not routable from the Internet: a packet would reach this host's own network, not the perimeter`;
  if (p.kind === "port" && p.transport === "UDP" && p.rule.application !== "turn")
    return `UDP ${p.port} answers only inside a TURN allocation: the MS-TURN checks prove the A/V path (relayed media needs credentials)`;
  return undefined;
}

/** Private (RFC 1918), shared (RFC 6598), loopback and link-local IPv4 addresses are nobody's on the Internet. */
const UNROUTABLE = ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16"].map(parseCidr);
export const routableFromInternet = (address: string) => !isIpv4(address) || !UNROUTABLE.some((c) => cidrContains(c, address));

const checkKindOf = (p: Probe): CheckKind => (p.kind === "hosts" ? "dns" : p.kind);

/** The Access Edge's client SIP port gets one REGISTER (on the first TLS probe of that listener). */
function sipRegisterTargets(probes: readonly Probe[]): Set<TlsProbe> {
  const seen = new Set<string>();
  const out = new Set<TlsProbe>();
  for (const p of probes)
    if (p.kind === "tls" && p.rule.application === "sip-tls" && p.from.kind === "internet" && !seen.has(`${p.address}:${p.port}`)) {
      seen.add(`${p.address}:${p.port}`);
      out.add(p);
    }
  return out;
}

/** Slowest first, so that waiting overlaps: TURN (retries), blocked (silence), TLS (several versions), then the rest. */
const ORDER: Readonly<Record<CheckKind, number>> = { turn: 0, blocked: 1, tls: 2, sip: 3, web: 4, port: 5, dns: 6 };

interface Job {
  readonly id: string;
  readonly check: CheckKind;
  readonly probe: Probe;
  readonly key: string;
  readonly run: () => Promise<Verdict>;
}

function contextFor(plan: Plan, o: PerimeterOptions): CheckContext {
  const addresses = new Map<string, string>();
  for (const r of plan.dnsRecords) if (r.view === "external" && r.type === "A" && r.values[0]) addresses.set(r.name.toLowerCase(), r.values[0]);
  const site = plan.scenario.sites.find((s) => s.primary) ?? plan.scenario.sites[0];
  return {
    resolver: o.resolver,
    ca: o.ca,
    timeoutMs: o.timeoutMs ?? 5000,
    blockedTimeoutMs: o.blockedTimeoutMs ?? 1000,
    sipDomain: plan.scenario.sipDomains[0],
    nextHopFqdn: site.nextHop.fqdn,
    sipServer: productInfo(plan.scenario.product).sipServer,
    addressOf: (host) => addresses.get(host.toLowerCase()),
    shared: new Map(),
    tlsVersions: new Map(),
  };
}

function jobsFor(probes: readonly Probe[], ctx: CheckContext, only: ReadonlySet<CheckKind>): Job[] {
  const registers = sipRegisterTargets(probes);
  const jobs: Job[] = [];
  for (const p of probes) {
    if (p.kind === "hosts") continue;
    const target = "address" in p ? p.address : `dns ${ctx.resolver ?? "system"}`;
    const check = checkKindOf(p);
    // Blocked probes are one SYN (or datagram) each that waits for silence: one at a time per address (no parallel
    // connections to one IP), in their own queue so that they do not hold the answering checks.
    const key = p.kind === "blocked" ? `blocked ${target}` : target;
    if (only.has(check)) jobs.push({ id: p.id, check, probe: p, key, run: () => checkOf(ctx, p) });
    if (p.kind === "tls" && registers.has(p) && only.has("sip"))
      jobs.push({ id: `${p.id}/sip-register`, check: "sip", probe: p, key: target, run: () => checkSipRegister(ctx, p) });
  }
  return jobs.sort((a, b) => ORDER[a.check] - ORDER[b.check]);
}

/** Runs the probes of a plan against the real addresses; results in the plan's probe order. */
export async function probePerimeter(plan: Plan, o: PerimeterOptions = {}): Promise<PerimeterReport> {
  const started = Date.now();
  const from = o.from ?? "internet";
  const only = new Set<CheckKind>(o.only ?? CHECK_KINDS);
  const probes = buildProbes(plan).filter((p) => !o.sites || o.sites.includes(p.site));
  const ctx = contextFor(plan, o);
  const skipped: PerimeterResult[] = [];
  const runnable: Probe[] = [];
  for (const p of probes) {
    const why = skipReason(p, from);
    if (!why) runnable.push(p);
    else if (only.has(checkKindOf(p)))
      skipped.push({ id: p.id, check: checkKindOf(p), probe: p, pass: false, skipped: true, detail: why, warnings: [], elapsedMs: 0 });
  }
  // Answering checks share the concurrency bound; blocked checks (one SYN or datagram each, then silence) get their
  // own, wider one so that their waiting does not hold the others. Both pass the same rate gate.
  const gate = new RateGate(o.ratePerSecond);
  const scheduler = new PoliteScheduler({ concurrency: o.concurrency, gate });
  const silent = new PoliteScheduler({ concurrency: 64, gate });
  const ran = await Promise.all(
    jobsFor(runnable, ctx, only).map((job) =>
      (job.check === "blocked" ? silent : scheduler).run(job.key, async (): Promise<PerimeterResult> => {
        const t0 = Date.now();
        const v = await job.run().catch((e: Error): Verdict => ({ pass: false, detail: `probe error: ${e.message}` }));
        return { id: job.id, check: job.check, probe: job.probe, pass: v.pass, detail: v.detail, warnings: v.warnings ?? [], elapsedMs: Date.now() - t0 };
      }),
    ),
  );
  const position = new Map(probes.map((p, i) => [p, i]));
  const results = [...ran, ...skipped].sort((a, b) => position.get(a.probe)! - position.get(b.probe)! || a.id.length - b.id.length);
  return {
    scenario: plan.scenario.id,
    title: plan.scenario.title,
    from,
    resolver: o.resolver ?? "system resolver",
    results,
    elapsedMs: Date.now() - started,
  };
}

/** Something ran and every check that ran passed (not-run probes are reported apart; nothing run is no proof). */
export const perimeterPassed = (r: PerimeterReport) => r.results.some((x) => !x.skipped) && r.results.every((x) => x.pass || x.skipped);
