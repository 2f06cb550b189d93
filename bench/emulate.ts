/**
 * Emulation benchmark (Linux, root, the Debian tools of `edge-lab emulate`): `edge-lab emulate <scenario>` of every
 * bundled scenario and `edge-lab emulate --mutate scaled-hlb`, each a fresh process as a user types it, in
 * interleaved rounds (median of `--runs N`, default 3). Per scenario: the command's wall time and its phases from the
 * run's report.json (up: namespaces, rulesets, daemons; probes; down: teardown), summed over the sites. Targets of
 * issue 20 (fast feedback): scaled-hlb <= 3 s, the whole bundled set <= 20 s, --mutate scaled-hlb <= 20 s.
 *
 * `npm run bench` runs this next to its command cases (when the machine can emulate); `sudo npm run bench:emulate --
 * [--runs N] [--json]` runs it alone. Both exit 1 when a target is missed.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { missingRequirements } from "../lib/emulate";

const ROOT = [join(__dirname, ".."), join(__dirname, "..", "..")].find((d) => readdirSync(d).includes("scenarios"))!;

export const EMULATION_TARGETS = { scaledHlbS: 3, wholeSetS: 20, mutateScaledHlbS: 20 } as const;

export interface EmulationRow {
  readonly scenario: string;
  readonly sites: number;
  readonly probes: number;
  /** Seconds, summed over the sites (report.json timingsMs). */
  readonly upS: number;
  readonly probesS: number;
  readonly downS: number;
  /** The whole command (Node start, plan, every site), wall seconds. */
  readonly commandS: number;
}

export interface EmulationBench {
  readonly runs: number;
  readonly rows: readonly EmulationRow[];
  /** Sum of the scenarios' command times. */
  readonly wholeSetS: number;
  /** `edge-lab emulate --mutate scaled-hlb`, wall seconds; its rules and how many were caught. */
  readonly mutate: { readonly scenario: string; readonly commandS: number; readonly rules: number; readonly caught: number };
  /** [target, met, measured] */
  readonly checks: readonly [string, boolean, string][];
  readonly loadAverage: readonly number[];
}

/** Why this machine cannot run the emulation benchmark (not root, a tool missing), or undefined when it can. */
export function emulationUnavailable(): string | undefined {
  const missing = missingRequirements();
  return missing.length ? `needs ${missing.join(", ")}` : undefined;
}

interface Report {
  sites: { timingsMs: { up: number; probes: number; down: number }; probes: unknown[]; mutations?: { outcome: string }[] }[];
}

/** One `edge-lab emulate` as a fresh process; fails loudly when it fails (a benchmark of a failing run means nothing). */
function emulateOnce(file: string, out: string, extra: readonly string[] = []): { seconds: number; report: Report } {
  rmSync(out, { recursive: true, force: true });
  const start = performance.now();
  const r = spawnSync(process.execPath, [join(ROOT, "bin", "edge-lab.js"), "emulate", file, "--out", out, ...extra], {
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0) throw new Error(`bench: edge-lab emulate ${extra.join(" ")} ${file} failed (exit ${r.status}): ${r.stderr.slice(-3000)}`);
  return { seconds, report: JSON.parse(readFileSync(join(out, "report.json"), "utf8")) as Report };
}

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number) => Math.round(x * 100) / 100;

/** Every bundled scenario and --mutate scaled-hlb, `runs` interleaved rounds, medians. */
export function measureEmulation(runs: number, progress: (line: string) => void = () => undefined): EmulationBench {
  const files = readdirSync(join(ROOT, "scenarios"))
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  const work = mkdtempSync(join(tmpdir(), "edge-lab-bench-emulate-"));
  try {
    const samples = new Map<string, { commandS: number; upS: number; probesS: number; downS: number; sites: number; probes: number }[]>();
    const mutateS: number[] = [];
    let mutated = { rules: 0, caught: 0 };
    for (let round = 0; round < runs; round++) {
      for (const f of files) {
        const { seconds, report } = emulateOnce(join(ROOT, "scenarios", f), join(work, "out"));
        const sum = (k: "up" | "probes" | "down") => report.sites.reduce((n, s) => n + s.timingsMs[k], 0) / 1000;
        const id = f.replace(/\.yaml$/, "");
        const sample = {
          commandS: seconds,
          upS: sum("up"),
          probesS: sum("probes"),
          downS: sum("down"),
          sites: report.sites.length,
          probes: report.sites.reduce((n, s) => n + s.probes.length, 0),
        };
        samples.set(id, [...(samples.get(id) ?? []), sample]);
        progress(`bench: emulate ${id} ${seconds.toFixed(2)} s (round ${round + 1} of ${runs})`);
      }
      const { seconds, report } = emulateOnce(join(ROOT, "scenarios", "scaled-hlb.yaml"), join(work, "out"), ["--mutate"]);
      mutateS.push(seconds);
      const mutations = report.sites.flatMap((s) => s.mutations ?? []);
      mutated = { rules: mutations.length, caught: mutations.filter((m) => m.outcome === "caught").length };
      progress(`bench: emulate --mutate scaled-hlb ${seconds.toFixed(2)} s (round ${round + 1} of ${runs})`);
    }
    const rows: EmulationRow[] = [...samples.entries()].map(([scenario, s]) => ({
      scenario,
      sites: s[0].sites,
      probes: s[0].probes,
      upS: round(median(s.map((x) => x.upS))),
      probesS: round(median(s.map((x) => x.probesS))),
      downS: round(median(s.map((x) => x.downS))),
      commandS: round(median(s.map((x) => x.commandS))),
    }));
    const wholeSetS = round(rows.reduce((n, r) => n + r.commandS, 0));
    const mutate = { scenario: "scaled-hlb", commandS: round(median(mutateS)), ...mutated };
    const hlb = rows.find((r) => r.scenario === "scaled-hlb")!;
    const t = EMULATION_TARGETS;
    const checks: [string, boolean, string][] = [
      [`edge-lab emulate scaled-hlb (up + ${hlb.probes} probes + down) <= ${t.scaledHlbS} s`, hlb.commandS <= t.scaledHlbS, `${hlb.commandS.toFixed(2)} s`],
      [`whole bundled set through edge-lab emulate <= ${t.wholeSetS} s`, wholeSetS <= t.wholeSetS, `${wholeSetS.toFixed(2)} s`],
      [
        `edge-lab emulate --mutate scaled-hlb (${mutate.rules} rules) <= ${t.mutateScaledHlbS} s`,
        mutate.commandS <= t.mutateScaledHlbS,
        `${mutate.commandS.toFixed(2)} s`,
      ],
    ];
    return { runs, rows, wholeSetS, mutate, checks, loadAverage: loadavg().map((x) => round(x)) };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** The Markdown tables of an emulation benchmark (the targets go to the caller's targets table). */
export function emulationTable(b: EmulationBench): string {
  const lines = [
    `edge-lab emulate, each a fresh process: median of ${b.runs} interleaved rounds (load average at the end ${b.loadAverage.map((x) => x.toFixed(1)).join(" ")} on ${cpus().length} cores)`,
    "",
    "| Scenario | Sites | Probes | Up | Probes | Teardown | Command |",
    "|---|---|---|---|---|---|---|",
    ...b.rows.map(
      (r) =>
        `| ${r.scenario} | ${r.sites} | ${r.probes} | ${r.upS.toFixed(2)} s | ${r.probesS.toFixed(2)} s | ${r.downS.toFixed(2)} s | ${r.commandS.toFixed(2)} s |`,
    ),
    `| whole bundled set | | | | | | ${b.wholeSetS.toFixed(2)} s |`,
    `| --mutate ${b.mutate.scenario} (${b.mutate.rules} rules, ${b.mutate.caught} caught) | | | | | | ${b.mutate.commandS.toFixed(2)} s |`,
  ];
  return lines.join("\n");
}

export function main(args: readonly string[] = process.argv.slice(2)): void {
  const runs = Number(args[args.indexOf("--runs") + 1]) || 3;
  const why = emulationUnavailable();
  if (why) {
    process.stderr.write(`bench:emulate: this machine cannot emulate: ${why}\n`);
    process.exitCode = 1;
    return;
  }
  const b = measureEmulation(runs, (line) => process.stderr.write(`${line}\n`));
  if (args.includes("--json")) process.stdout.write(JSON.stringify(b, null, 2) + "\n");
  else {
    process.stdout.write(`${emulationTable(b)}\n\n| Target | Result | Met |\n|---|---|---|\n`);
    for (const [name, ok, value] of b.checks) process.stdout.write(`| ${name} | ${value} | ${ok ? "yes" : "NO"} |\n`);
  }
  if (!b.checks.every(([, ok]) => ok)) process.exitCode = 1;
}
