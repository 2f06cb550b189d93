/**
 * `edge-lab emulate`: builds one site's perimeter at a time in network namespaces with real software (the appliance
 * ruleset in iptables, nftables for the internal firewall and the hardware load balancer, BIND, nginx, coturn, TLS
 * listeners with certificates from a throwaway CA), runs the plan's probes, and removes everything again on every
 * exit path (success, failure, SIGINT / SIGTERM) unless `keep` is set.
 */
import type { Plan } from "../model/plan";
import { buildProbes, probesOfSite, type Probe } from "../model/probes";
import { removeRun } from "./cleanup";
import { applianceRuleIds, crossesExternalFirewall, explainUncaught, loadedRules, type MutationExplanation, type MutationOutcome } from "./explain";
import { applianceRules, withoutApplianceRule, refusingInsteadOfDropping } from "../lab/rulesets";
import { runProbes, type ProbeResult } from "../probe/run-probes";
import { RunRecord } from "./run-registry";
import { sh } from "./sys";
import { World, type Sabotage } from "./world";

export { removeLeftovers, findLeftovers } from "./cleanup";
export type { ProbeResult } from "../probe/run-probes";
export type { Sabotage } from "./world";
export type { MutationOutcome } from "./explain";

export interface EmulateOptions {
  /** Sites to emulate (default: every site, one after another). */
  readonly sites?: readonly string[];
  /** Leave the namespaces and daemons up after the probes (prints how to enter them). */
  readonly keep?: boolean;
  /** Remove one firewall rule at a time and report which probe catches each removal, or why none does. */
  readonly mutate?: boolean;
  /** Which firewalls --mutate removes rules from. @default ["external", "internal"] */
  readonly mutateFirewalls?: readonly ("external" | "internal")[];
  /**
   * How long a blocked probe waits for silence; tests that build many perimeters wait less (inside one machine an
   * answer comes within milliseconds). @default BLOCKED_TIMEOUT_MS (lib/probe/run-probes.ts)
   */
  readonly silenceMs?: number;
  /** Deliberate faults in what is built (tests). */
  readonly sabotage?: Sabotage;
  /** The plan the world is built from, when it differs from the plan the probes come from (fault tests). */
  readonly buildPlan?: Plan;
  /** Progress lines (one per phase). */
  readonly log?: (line: string) => void;
  /** Base directory of the run directories (tests); must be root's own, mode 0700. @default "/run/edge-lab" */
  readonly runBase?: string;
  /** Called once the site is up, before the probes (tests interrupt a run here). */
  readonly onUp?: (info: {
    site: string;
    tag: string;
    runDir: string;
    namespaces: string[];
    outside: OutsideView;
    inside: OutsideView;
  }) => void | Promise<void>;
}

/**
 * Where `edge-lab probe` runs against the emulated perimeter: the simulated Internet's namespace (the external test
 * client's address), its public DNS server and the run's CA (the lab's certificates chain to it).
 */
export interface OutsideView {
  readonly namespace: string;
  readonly clientIp: string;
  readonly resolver: string;
  readonly caFile: string;
}

export interface MutationResult {
  readonly ruleId: string;
  readonly firewall: "external" | "internal";
  /** Probes that failed with the rule removed (empty: nobody noticed; `outcome` says why). */
  readonly caughtBy: readonly string[];
  /**
   * caught: some probe failed; covered: another rule still allows the same packets (`coveredBy`); no-firewall: the
   * row's packets never reach a firewall in this topology; finding: none of these (the rule is not needed, or a probe
   * is missing).
   */
  readonly outcome: MutationOutcome;
  /** Covered: the rule(s) that still allow the packets. */
  readonly coveredBy?: string;
  /** Not caught: why (covered, no-firewall) or what is missing (finding). */
  readonly reason?: string;
}

export interface SiteReport {
  readonly site: string;
  readonly tag: string;
  readonly results: readonly ProbeResult[];
  readonly mutations?: readonly MutationResult[];
  /** Milliseconds: build + daemons, probes, teardown. */
  readonly timings: { readonly up: number; readonly probes: number; readonly down: number; readonly mutate?: number };
  /** Namespaces left up (--keep). */
  readonly kept?: readonly string[];
  /** With --keep: where to run `edge-lab probe` from (the simulated Internet). */
  readonly outside?: OutsideView;
}

export interface EmulationReport {
  readonly scenario: string;
  readonly title: string;
  readonly sites: readonly SiteReport[];
}

/** Every probe that ran passed (probes the emulation cannot run yet are reported apart, not as passes). */
export const passed = (r: EmulationReport) => r.sites.every((s) => s.results.every((x) => x.pass || x.skipped));
/** No removal is left unexplained: each was caught by a probe, covered by another rule, or crosses no firewall. */
export const mutationsCaught = (r: EmulationReport) => r.sites.every((s) => (s.mutations ?? []).every((m) => m.outcome !== "finding"));

/** What is missing on this machine to emulate, with the install hint; empty when ready. */
export function missingRequirements(): string[] {
  const missing: string[] = [];
  if (process.platform !== "linux") missing.push("Linux (network namespaces)");
  if (process.getuid?.() !== 0) missing.push("root (or CAP_NET_ADMIN + CAP_SYS_ADMIN) for network namespaces");
  const tools: [string, string[], string][] = [
    ["ip", ["-V"], "iproute2"],
    ["iptables-restore", ["--version"], "iptables"],
    ["nft", ["--version"], "nftables"],
    ["named", ["-v"], "bind9"],
    ["nginx", ["-v"], "nginx"],
    ["openssl", ["version"], "openssl"],
    ["turnserver", ["--version"], "coturn"],
    ["turnutils_peer", ["-h"], "coturn"],
  ];
  for (const [tool, args, pkg] of tools) {
    const r = sh(tool, args, { allowFail: true, timeoutMs: 5000 });
    // turnutils_peer -h prints its usage and exits non-zero: being found is enough.
    if (r.status < 0 || (r.status === 127 && !r.stdout)) missing.push(`${tool} (Debian package ${pkg})`);
  }
  return missing;
}

export const INSTALL_HINT = "sudo apt-get install -y iproute2 iptables nftables bind9 nginx openssl coturn";

/** Removes one internal-firewall row from the plan the internal firewall is built from. */
const withoutRow = (plan: Plan, ruleId: string): Plan => ({ ...plan, firewallRules: plan.firewallRules.filter((r) => r.id !== ruleId) });

/**
 * Bound of a positive probe during --mutate (answers inside namespaces take milliseconds; the probe that catches a
 * removal waits it out, once per rule). A failure that may not come from the removal is asked again with four times
 * that bound (the ratio of the ordinary bound to the old --mutate bound of 1 s).
 */
const MUTATE_TIMEOUT_MS = 500;
const CONFIRM_TIMEOUT_MS = 4 * MUTATE_TIMEOUT_MS;

const failedIds = (results: readonly ProbeResult[]) => results.filter((r) => !r.pass && !r.skipped).map((r) => r.probe.id);

/** The log line of one mutation. */
function mutationLine(m: MutationResult): string {
  const what = `  mutate ${m.firewall} ${m.ruleId}: `;
  switch (m.outcome) {
    case "caught":
      return `${what}caught by ${m.caughtBy.length} probe(s)`;
    case "covered":
      return `${what}not caught, covered by ${m.coveredBy}`;
    case "no-firewall":
      return `${what}not caught, crosses no firewall in this topology`;
    case "finding":
      return `${what}NOT CAUGHT (finding)`;
  }
}

async function mutate(
  world: World,
  site: string,
  probes: readonly Probe[],
  baseline: readonly ProbeResult[],
  firewalls: readonly ("external" | "internal")[],
  log: (l: string) => void,
): Promise<MutationResult[]> {
  // While a rule is removed, the firewall refuses what it would drop (lib/lab/rulesets.ts, refusingInsteadOfDropping):
  // the same probes pass and fail, and the one that crossed the removed rule fails at once (a TCP reset, an ICMP
  // error) instead of waiting out its bound.
  // Probes that already fail cannot catch anything; DNS and HOSTS never cross a firewall.
  // Blocked probes cannot fail when an accept rule goes. Every row has its own port probe, so the quick probes run
  // first and the slower TURN allocations only when they noticed nothing. A removal no probe catches is explained
  // (explain.ts): covered by another rule, crossing no firewall in this topology, or a finding.
  const failing = new Set(failedIds(baseline.filter((r) => !r.skipped)));
  const skipped = new Set(baseline.filter((r) => r.skipped).map((r) => r.probe.id));
  const watched = probes.filter((p) => p.kind !== "dns" && p.kind !== "hosts" && p.kind !== "blocked" && !failing.has(p.id));
  // A removal nobody noticed is explained from the plan: the rules the same firewall still holds, the site's
  // networks, the packets the row's probes send (explain.ts).
  const planSite = world.plan.scenario.sites.find((s) => s.name === site)!;
  const ran = probes.filter((p) => !skipped.has(p.id));
  const base = applianceRules(world.plan, site);
  const loaded = {
    external: loadedRules(world.plan.firewallRules, site, "external", applianceRuleIds(base, site)),
    internal: loadedRules(world.plan.firewallRules, site, "internal", []),
  };
  const explain = (ruleId: string, firewall: "external" | "internal"): MutationExplanation => {
    const row = world.plan.firewallRules.find((r) => r.id === ruleId);
    return row ? explainUncaught(row, loaded[firewall], planSite, ran, world.internalClientIp) : { outcome: "finding" };
  };
  // The two firewalls are mutated side by side, each one rule at a time. A probe that crosses both (the reverse
  // proxy's web probes: Internet -> external firewall -> nginx -> internal firewall -> pool) runs in an external step
  // only while the internal firewall holds its whole ruleset: such runs and the internal steps take turns (one lock).
  const internalWhole = new Lock();
  const runProbesOf = async (firewall: "external" | "internal", list: readonly Probe[], timeoutMs: number) => {
    const alone = firewall === "internal" ? list : list.filter((p) => !crossesInternalFirewallToo(p));
    const both = list.filter((p) => !alone.includes(p));
    const [a, b] = await Promise.all([
      runProbes(world, alone, { timeoutMs }),
      both.length ? internalWhole.hold(() => runProbes(world, both, { timeoutMs })) : [],
    ]);
    const failed = new Set(failedIds([...a, ...b]));
    return list.filter((p) => failed.has(p.id)).map((p) => p.id);
  };
  const caught = async (firewall: "external" | "internal", ruleId: string, explained: boolean) => {
    // Only probes that cross the firewall being changed (Internet, Microsoft 365, NAT reflection: the external one).
    const mine = watched.filter((p) => crossesExternalFirewall(p) === (firewall === "external"));
    const run = (list: readonly Probe[], timeoutMs = MUTATE_TIMEOUT_MS) => runProbesOf(firewall, list, timeoutMs);
    const own = (id: string) => probes.find((p) => p.id === id)?.refs.includes(ruleId) ?? false;
    for (const batch of [mine.filter((p) => p.kind !== "turn"), mine.filter((p) => p.kind === "turn")]) {
      const failed = await run(batch);
      if (!failed.length) continue;
      // The row's own probes failing is what a removal should do. A failure that may not come from the removal (a
      // probe of another row, or any probe when the plan says the removal changes nothing the firewall lets
      // through) is asked again, the rule still removed, with a longer bound: a probe that passes now failed for
      // another reason (an answer slower than the short bound on a loaded machine, even between two hosts of the
      // internal network) and caught nothing. The probes run in parallel: the second run costs one bound.
      if (!explained && failed.every(own)) return failed;
      const again = new Set(
        await run(
          batch.filter((p) => failed.includes(p.id)),
          CONFIRM_TIMEOUT_MS,
        ),
      );
      const confirmed = failed.filter((id) => again.has(id));
      if (confirmed.length) return confirmed;
    }
    return [];
  };
  const result = async (ruleId: string, firewall: "external" | "internal"): Promise<MutationResult> => {
    const why = explain(ruleId, firewall);
    const caughtBy = await caught(firewall, ruleId, why.outcome !== "finding");
    const m: MutationResult = caughtBy.length ? { ruleId, firewall, caughtBy, outcome: "caught" } : { ruleId, firewall, caughtBy, ...why };
    log(mutationLine(m));
    return m;
  };
  const externalChain = async () => {
    const out: MutationResult[] = [];
    try {
      for (const ruleId of firewalls.includes("external") ? applianceRuleIds(base, site) : []) {
        world.loadExternalRules(refusingInsteadOfDropping(withoutApplianceRule(base, ruleId)));
        out.push(await result(ruleId, "external"));
      }
    } finally {
      // The real ruleset is back before anything else happens, also when a step failed.
      world.loadExternalRules(base);
    }
    return out;
  };
  const internalChain = async () => {
    const out: MutationResult[] = [];
    for (const row of world.plan.firewallRules.filter((r) => r.site === site && r.firewall === "internal" && firewalls.includes("internal"))) {
      // The whole ruleset is back before the lock is released.
      out.push(
        await internalWhole.hold(async () => {
          world.loadInternalRules(withoutRow(world.plan, row.id), true);
          try {
            return await result(row.id, "internal");
          } finally {
            world.loadInternalRules(world.plan);
          }
        }),
      );
    }
    return out;
  };
  // Both chains end (and restore their firewall) before an error of either is passed on to the teardown.
  const [external, internal] = await Promise.allSettled([externalChain(), internalChain()]);
  if (external.status === "rejected") throw external.reason;
  if (internal.status === "rejected") throw internal.reason;
  return [...external.value, ...internal.value];
}

/**
 * True when an external-firewall probe crosses the internal firewall too: the reverse proxy's web probes reach the
 * pool behind it. (The internal firewall's probes never cross the external one: crossesExternalFirewall.)
 */
const crossesInternalFirewallToo = (p: Probe) => p.kind === "web";

/** Runs functions one at a time, in the order they asked. */
class Lock {
  private tail: Promise<unknown> = Promise.resolve();
  hold<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.tail.then(fn);
    this.tail = run.catch(() => undefined);
    return run;
  }
}

/** Signals that end a run, with the exit code each gives (128 + the signal's number). */
const ENDING_SIGNALS = { SIGINT: 130, SIGTERM: 143, SIGHUP: 129, SIGQUIT: 131 } as const;

/**
 * Tears the run down on any ending signal, then exits with the signal's code. The handlers stay installed until the
 * returned function removes them, teardown included: a repeated Ctrl-C is ignored instead of killing the process
 * halfway through the teardown (with no handler left, Node would fall back to the signal's default action).
 */
function guardRun(run: RunRecord, log: (line: string) => void): () => void {
  let ending = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (ending) return;
    ending = true;
    log(`${sig}: tearing down run ${run.tag} (further signals are ignored until it is done)`);
    removeRun(run);
    process.exit(ENDING_SIGNALS[sig as keyof typeof ENDING_SIGNALS]);
  };
  for (const sig of Object.keys(ENDING_SIGNALS)) process.on(sig, onSignal);
  return () => {
    for (const sig of Object.keys(ENDING_SIGNALS)) process.removeListener(sig, onSignal);
  };
}

/** Emulates the plan's sites one after another and runs the probes; never leaves anything behind unless `keep`. */
export async function emulate(plan: Plan, options: EmulateOptions = {}): Promise<EmulationReport> {
  const log = options.log ?? (() => undefined);
  const allProbes = buildProbes(plan);
  const sites = options.sites?.length ? options.sites : plan.scenario.sites.map((s) => s.name);
  for (const s of sites)
    if (!plan.scenario.sites.some((x) => x.name === s))
      throw new Error(`edge-lab emulate: the scenario has no site "${s}" (sites: ${plan.scenario.sites.map((x) => x.name).join(", ")})`);
  const reports: SiteReport[] = [];
  for (const site of sites) {
    const probes = probesOfSite(allProbes, site);
    // The run's private directory under root's base and its record of what it creates (run-registry.ts).
    const run = RunRecord.create(options.runBase);
    const tag = run.tag;
    let kept = false;
    const unguard = guardRun(run, log);
    try {
      const t0 = Date.now();
      log(`${site}: building the perimeter (run ${tag})`);
      const world = new World(options.buildPlan ?? plan, site, run, probes, options.sabotage);
      world.buildNetwork();
      await world.startServices();
      const namespaces = [...world.nodes.values()].map((n) => n.ns);
      const up = Date.now() - t0;
      log(`${site}: up in ${(up / 1000).toFixed(1)} s (${namespaces.length} namespaces, ${world.daemons.length} daemons); running ${probes.length} probes`);
      const outside: OutsideView = { namespace: world.ns("inet"), clientIp: world.clientIp, resolver: world.publicDnsIp, caFile: world.ca.caCert };
      // The internal client's namespace and DNS server: where `edge-lab probe --from internal` runs.
      const inside: OutsideView = { namespace: world.ns("lan"), clientIp: world.internalClientIp, resolver: world.internalDnsIp, caFile: world.ca.caCert };
      await options.onUp?.({ site, tag, runDir: run.dir, namespaces, outside, inside });
      const t1 = Date.now();
      const results = await runProbes(world, probes, options.silenceMs === undefined ? {} : { silenceMs: options.silenceMs });
      const probeMs = Date.now() - t1;
      const ran = results.filter((r) => !r.skipped);
      log(
        `${site}: ${ran.filter((r) => r.pass).length}/${ran.length} probes pass in ${(probeMs / 1000).toFixed(1)} s${ran.length < results.length ? ` (${results.length - ran.length} not emulated)` : ""}`,
      );
      let mutations: MutationResult[] | undefined;
      let mutateMs: number | undefined;
      if (options.mutate) {
        const t2 = Date.now();
        mutations = await mutate(world, site, probes, results, options.mutateFirewalls ?? ["external", "internal"], log);
        mutateMs = Date.now() - t2;
      }
      const t3 = Date.now();
      if (options.keep) {
        kept = true;
        world.closeAgents();
        reports.push({
          site,
          tag,
          results,
          mutations,
          timings: { up, probes: probeMs, down: 0, ...(mutateMs ? { mutate: mutateMs } : {}) },
          kept: namespaces,
          outside,
        });
        continue;
      }
      removeRun(run);
      reports.push({ site, tag, results, mutations, timings: { up, probes: probeMs, down: Date.now() - t3, ...(mutateMs ? { mutate: mutateMs } : {}) } });
    } finally {
      // Still guarded while the teardown runs; unguarded only once it is done.
      if (!kept) removeRun(run);
      unguard();
    }
  }
  return { scenario: plan.scenario.id, title: plan.scenario.title, sites: reports };
}
