/** Shared by the emulation suites (split in files so that jest runs them on both cores). */
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { emulate, type EmulationReport } from "../../lib/emulate";
import { listNamespaces, NETNS_ETC } from "../../lib/emulate/cleanup";
import { RUN_BASE } from "../../lib/emulate/run-registry";
import { sh } from "../../lib/emulate/sys";
import type { Plan } from "../../lib/model/plan";
import { PoliteScheduler } from "../../lib/probe/schedule";
import { cliCommand } from "../cli";
import { ROOT } from "../helpers";
import type { Need } from "../system-tools";

export const NEEDS: Need[] = ["root", "netns", "ip", "iptables-restore", "nft", "named", "nginx", "openssl", "turnserver", "turnutils_uclient"];
export const NAT = "single-consolidated-nat";

/** Probes that ran and failed (probes the emulation cannot run yet are "skipped", not failures). */
export const failing = (r: EmulationReport) => r.sites.flatMap((s) => s.results.filter((x) => !x.pass && !x.skipped));
export const failingIds = (r: EmulationReport) => failing(r).map((x) => x.probe.id);

/** Everything a run with this tag could have left: namespaces, /etc/netns entries, run directories (and any in TMPDIR). */
export function leftoversOf(tag: string): string[] {
  return [
    ...listNamespaces().filter((n) => n.startsWith(tag)),
    ...(existsSync(NETNS_ETC) ? readdirSync(NETNS_ETC).filter((n) => n.startsWith(tag)) : []),
    ...readdirSync(tmpdir()).filter((n) => n.startsWith(tag)),
    ...(existsSync(RUN_BASE) ? readdirSync(RUN_BASE).filter((n) => n.startsWith(tag)) : []),
  ];
}

/** The processes inside a run's namespaces, as `ip netns pids` lists them: a check independent of the teardown's own scan. */
export const pidsIn = (namespaces: readonly string[]) =>
  namespaces.flatMap((ns) => sh("ip", ["netns", "pids", ns]).stdout.split(/\s+/).filter(Boolean).map(Number));

/**
 * How long the blocked probes of the suites' emulations wait for silence: the CLI's 800 ms is for a loaded machine
 * and a user who must not be misled; here an answer from inside one machine takes milliseconds, and about 45
 * perimeters are built per run. The CLI runs (cliChild) keep the default.
 */
export const TEST_SILENCE_MS = 250;

/** Runs an emulation (blocked probes waiting TEST_SILENCE_MS) and records the processes inside its namespaces once it is up. */
export async function emulateRecording(plan: Plan, options: Parameters<typeof emulate>[1] = {}) {
  const pids: number[] = [];
  const tags: string[] = [];
  const report = await emulate(plan, {
    silenceMs: TEST_SILENCE_MS,
    ...options,
    onUp: async (info) => {
      tags.push(info.tag);
      pids.push(...pidsIn(info.namespaces));
      await options.onUp?.(info);
    },
  });
  return { report, pids, tags };
}

/**
 * The CLI in a child process (test/cli.ts), so that it can be signalled. `env` replaces the environment; `cwd` defaults
 * to the project (the CLI is named by its absolute path, so another working directory works too).
 */
export function cliChild(args: readonly string[], opts: { env?: NodeJS.ProcessEnv; cwd?: string } = {}) {
  const [node, script] = cliCommand();
  const child = spawn(node, [script, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: opts.env ?? process.env,
    stdio: ["ignore", "pipe", "pipe"],
  });
  let out = "";
  child.stdout.on("data", (d) => (out += d));
  child.stderr.on("data", (d) => (out += d));
  const exited = new Promise<number | null>((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? -1 : null))));
  const waitFor = (pattern: RegExp, ms: number) =>
    new Promise<void>((resolve, reject) => {
      const timer = setInterval(() => pattern.test(out) && (clearInterval(timer), clearTimeout(limit), resolve()), 20);
      const limit = setTimeout(() => (clearInterval(timer), reject(new Error(`no ${pattern} within ${ms} ms:\n${out}`))), ms);
    });
  return { child, exited, waitFor, output: () => out };
}

/**
 * At most `n` of the calls run at once (the others wait their turn, in order): emulations side by side in
 * test.concurrent suites, bounded against the probes' timing margins on a loaded 2-core machine. The probers'
 * scheduler (lib/probe/schedule.ts) with one key and no rate gate.
 */
export function limitConcurrency(n: number): <T>(work: () => Promise<T>) => Promise<T> {
  const scheduler = new PoliteScheduler({ concurrency: n, perKey: n, ratePerSecond: Infinity });
  return (work) => scheduler.run("emulations", work);
}
