/**
 * Shared by the suites that run `edge-lab probe` and `edge-lab discover` against an emulated perimeter: the CLI as
 * user nobody inside one of its namespaces, with no PATH (it may start no tool: Node only) and no HOME, the run's CA
 * on standard input (nobody cannot read root's run directory).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import type { OutsideView } from "../../lib/emulate";
import type { Plan } from "../../lib/model/plan";
import { tool } from "../../lib/emulate/sys";
import { cliCommand } from "../cli";
import { ROOT } from "../helpers";

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/**
 * `edge-lab <args> --ca -` as nobody inside `view`'s namespace. Asynchronous, so that the emulations of concurrent
 * tests (their probe agents talk to this process) go on while it runs.
 */
export function cliAsNobody(view: OutsideView, args: readonly string[]): Promise<CliRun> {
  const t0 = Date.now();
  const child = spawn(
    tool("ip"),
    [
      ...["netns", "exec", view.namespace],
      ...[tool("setpriv"), "--reuid=nobody", "--regid=nogroup", "--clear-groups"],
      ...cliCommand(),
      ...args,
      ...["--ca", "-"],
    ],
    { env: { PATH: "/nonexistent", HOME: "/nonexistent" }, cwd: ROOT, timeout: 180_000 },
  );
  let stdout = "";
  let stderr = "";
  child.stdout.setEncoding("utf8").on("data", (d: string) => (stdout += d));
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdin.end(readFileSync(view.caFile, "utf8"));
  return new Promise((resolve, reject) => {
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr, ms: Date.now() - t0 }));
  });
}

/** The JSON a run printed, or an error with what it wrote on stderr. */
export function jsonOf<T>(run: CliRun): T {
  try {
    return JSON.parse(run.stdout) as T;
  } catch {
    throw new Error(`no JSON on stdout (exit ${run.status}): ${run.stderr.slice(0, 2000)}`);
  }
}

/** What `edge-lab probe --json` prints. */
export interface ProbeJson {
  summary: string;
  elapsedMs: number;
  results: { id: string; check: string; pass: boolean; skipped?: boolean; observed: string; warnings: string[]; elapsedMs: number }[];
}

/**
 * `edge-lab probe` of the plan's first site through the emulation's resolver. Inside one machine a dropped SYN and an
 * answer are told apart well within 300 ms (the default silence, 1 s, is for real networks), and the rate gate can be
 * opened to its maximum: the bundled scenarios have 100-300 checks.
 */
export const probeArgs = (file: string, plan: Plan, view: OutsideView, extra: readonly string[] = []) => [
  ...["probe", file, "--site", plan.scenario.sites[0].name, "--resolver", view.resolver, "--json", "--timeout", "3000"],
  ...["--silence", "300", "--rate", "200"],
  ...extra,
];

/** The checks that ran (not skipped), and the ids of those that failed. */
export const ran = (j: ProbeJson) => j.results.filter((r) => !r.skipped);
export const failedIds = (j: ProbeJson) => j.results.filter((r) => !r.pass && !r.skipped).map((r) => r.id);
