/**
 * npm run bench: the commands users run, timed side by side as fresh processes (interleaved rounds, median per
 * case), with their peak memory, against two floors (Node alone; Node + cdktf + the provider modules edge-lab uses).
 *
 *   npm run synth (no change)      the whole command: npm, the freshness check of the bundle, the synth of every
 *                                  bundled scenario with worksheets
 *   synth alone                    the same synth, the bundle required directly (no npm, no freshness check)
 *   npx cdktf synth                cdktf's CLI running cdktf.json's app (its overhead is the difference)
 *   edge-lab validate / plan / worksheets / diff (plan level, Terraform level)
 *
 *   edge-lab emulate of every bundled scenario (up, probes, teardown) and --mutate scaled-hlb: bench/emulate.ts,
 *                                  when the machine can emulate (root, the Debian tools), else reported as not measured
 *
 *   npm run test:unit, npm test     with --tests: one run each (minutes), the edit loop and the whole suite
 *
 * Compares with the targets of the newcomer issue and of issue 20 (fast feedback) and exits 1 if one is missed.
 * `--runs N` (default 5), `--emulate-runs N` (default 3), `--no-emulate`, `--tests`, `--json` for raw numbers (only JSON on
 * standard output; progress goes to standard error), `--no-cdktf-cli` to skip the slow `npx cdktf synth` case. Peak
 * memory: every Node process of a case reports its own maximum RSS (bench/rss-report.js, preloaded through
 * NODE_OPTIONS); the case's peak is the largest.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { emulationTable, emulationUnavailable, measureEmulation, type EmulationBench } from "./emulate";

const ROOT = join(__dirname, "..", "..");
const RSS_REPORT = join(ROOT, "bench", "rss-report.js");

interface Sample {
  seconds: number;
  peakRssMiB: number;
  /** CPU time of all the case's Node processes: less disturbed than wall time when the machine is busy. */
  cpuSeconds: number;
}

interface Case {
  readonly argv: readonly string[];
  readonly cwd: string;
  readonly env?: Readonly<Record<string, string>>;
}

/** Runs one case once; fails loudly if the command fails (a benchmark of a failing command means nothing). */
function runOnce(c: Case, rssFile: string): Sample {
  writeFileSync(rssFile, "");
  const env = {
    ...process.env,
    ...c.env,
    CHECKPOINT_DISABLE: "1",
    DISABLE_VERSION_CHECK: "1",
    NODE_OPTIONS: `--require ${RSS_REPORT}`,
    EDGE_LAB_BENCH_RSS_FILE: rssFile,
  };
  const start = performance.now();
  const r = spawnSync(c.argv[0], c.argv.slice(1), { cwd: c.cwd, encoding: "utf8", env, maxBuffer: 64 * 1024 * 1024 });
  const seconds = (performance.now() - start) / 1000;
  if (r.status !== 0 && !(r.status === 2 && c.argv.includes("diff"))) throw new Error(`bench case ${c.argv.join(" ")} failed (exit ${r.status}): ${r.stderr}`);
  const reports = readFileSync(rssFile, "utf8")
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => line.split(" ").map(Number));
  return { seconds, peakRssMiB: Math.max(0, ...reports.map(([rss]) => rss)) / 1024, cpuSeconds: reports.reduce((sum, [, cpu]) => sum + cpu, 0) / 1000 };
}

/** Every case once per round, rounds repeated, median per case (interleaving spreads a slow spell over all cases). */
function measureAll(cases: Record<string, Case>, runs: number, rssFile: string): Record<string, Sample> {
  const samples: Record<string, Sample[]> = Object.fromEntries(Object.keys(cases).map((k) => [k, []]));
  for (let round = 0; round < runs; round++) for (const [name, c] of Object.entries(cases)) samples[name].push(runOnce(c, rssFile));
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  return Object.fromEntries(
    Object.entries(samples).map(([name, s]) => [
      name,
      { seconds: median(s.map((x) => x.seconds)), peakRssMiB: median(s.map((x) => x.peakRssMiB)), cpuSeconds: median(s.map((x) => x.cpuSeconds)) },
    ]),
  );
}

/** `--tests`: the test commands as a developer types them, one run each (they take minutes), against issue 20's targets. */
function measureTests(): { rows: Record<string, number>; checks: [string, boolean, string][] } {
  const time = (script: string) => {
    const start = performance.now();
    // The tests' own output goes to standard error: standard output is the report.
    const r = spawnSync("npm", ["--prefix", ROOT, "run", "-s", script], { cwd: ROOT, stdio: ["ignore", 2, 2], env: process.env });
    return { seconds: (performance.now() - start) / 1000, ok: r.status === 0 };
  };
  const unit = time("test:unit");
  const all = time("test");
  const result = (t: { seconds: number; ok: boolean }) => `${t.seconds.toFixed(0)} s${t.ok ? "" : " (tests failed)"}`;
  return {
    rows: { "npm run test:unit": unit.seconds, "npm test": all.seconds },
    checks: [
      ["npm run test:unit (the edit loop) <= 30 s", unit.ok && unit.seconds <= 30, result(unit)],
      ["npm test, everything installed, <= 90 s", all.ok && all.seconds <= 90, result(all)],
    ],
  };
}

export function main(argv: readonly string[] = process.argv.slice(2)): void {
  const runs = Number(argv[argv.indexOf("--runs") + 1]) || 5;
  const node = process.execPath;
  const work = mkdtempSync(join(tmpdir(), "edge-lab-bench-"));
  try {
    // A copy of the bundled scenarios in a scratch project folder: the synth writes its cdktf.out there.
    cpSync(join(ROOT, "scenarios"), join(work, "scenarios"), { recursive: true });
    writeFileSync(
      join(work, "cdktf.json"),
      JSON.stringify({ language: "typescript", app: `${node} --max-semi-space-size=16 ${join(ROOT, "scripts", "run.js")} synth`, output: "cdktf.out" }),
    );
    const scenario = (id: string) => join(work, "scenarios", `${id}.yaml`);
    const scenarioList = readdirSync(join(work, "scenarios"))
      .filter((f) => f.endsWith(".yaml"))
      .sort()
      .map((f) => join(work, "scenarios", f))
      .join(" ");
    const edgeLab = (...args: string[]): Case => ({ argv: [node, join(ROOT, "bin", "edge-lab.js"), ...args], cwd: work });
    const providerModules = [
      ...new Set(
        readdirSync(join(ROOT, "lib"), { recursive: true, encoding: "utf8" })
          .filter((f) => f.endsWith(".ts"))
          .flatMap((f) => [...readFileSync(join(ROOT, "lib", f), "utf8").matchAll(/from "(@cdktf\/provider-[a-z]+\/lib\/[a-z0-9-]+)"/g)].map((m) => m[1])),
      ),
    ].sort();
    const before = join(work, "before.yaml");
    writeFileSync(before, readFileSync(scenario("scaled-dnslb-nat"), "utf8").replace(/servers: \d+/, "servers: 2"));

    // The bundles are brought up to date once, before anything is timed (the "no change" cases measure the check).
    // Whatever the build says goes to standard error: standard output is the report (JSON with --json).
    spawnSync(node, [join(ROOT, "scripts", "bundle.js")], { cwd: ROOT, stdio: ["ignore", 2, 2] });
    const cases: Record<string, Case> = {
      "node alone": { argv: [node, "-e", "0"], cwd: work },
      "node + cdktf + providers": {
        argv: [node, "-e", ["cdktf", "constructs", ...providerModules].map((m) => `require(${JSON.stringify(m)})`).join(";")],
        cwd: ROOT,
      },
      // npm runs a package's scripts in the package's folder: the scenarios and the output are named explicitly.
      "npm run synth (no change)": {
        argv: ["npm", "--prefix", ROOT, "run", "synth", "--silent"],
        cwd: work,
        env: { EDGE_LAB_SCENARIOS: scenarioList, CDKTF_OUTDIR: join(work, "cdktf.out") },
      },
      "synth alone": {
        argv: [node, "--max-semi-space-size=16", "-e", `require(${JSON.stringify(join(ROOT, "dist", "bundle", "synth.js"))}).main()`],
        cwd: work,
      },
      // The same without the worksheets (diagrams through Graphviz WASM): what cdktf's synthesis itself costs.
      "synth alone, Terraform only": {
        argv: [
          node,
          "--max-semi-space-size=16",
          "-e",
          `require(${JSON.stringify(join(ROOT, "dist", "bundle", "synth.js"))}).synthScenarios({ files: require(${JSON.stringify(join(ROOT, "dist", "bundle", "synth.js"))}).scenarioFiles(), worksheets: false, log: () => {} }).then((r) => process.exit(r.ok ? 0 : 1))`,
        ],
        cwd: work,
      },
      ...(argv.includes("--no-cdktf-cli") ? {} : { "npx cdktf synth": { argv: ["npx", "--prefix", ROOT, "cdktf", "synth"], cwd: work } }),
      "edge-lab validate": edgeLab("validate", scenario("scaled-hlb")),
      "edge-lab plan": edgeLab("plan", scenario("scaled-hlb")),
      "edge-lab worksheets": edgeLab("worksheets", scenario("scaled-hlb"), "--out", join(work, "ws")),
      "edge-lab diff --no-terraform": edgeLab("diff", before, scenario("scaled-dnslb-nat"), "--no-terraform"),
      "edge-lab diff (Terraform)": edgeLab("diff", before, scenario("scaled-dnslb-nat")),
    };
    const r = measureAll(cases, runs, join(work, "rss.txt"));
    const floor = r["node + cdktf + providers"].seconds;
    // cdktf's own CLI is not edge-lab's to slim down: its memory is reported, not targeted.
    const edgeLabPeak = Math.max(
      ...Object.entries(r)
        .filter(([name]) => name !== "npx cdktf synth")
        .map(([, s]) => s.peakRssMiB),
    );
    const checks: [string, boolean, string][] = [
      ["edge-lab validate of one scenario <= 0.3 s", r["edge-lab validate"].seconds <= 0.3, `${r["edge-lab validate"].seconds.toFixed(2)} s`],
      ["edge-lab plan of one scenario <= 0.3 s", r["edge-lab plan"].seconds <= 0.3, `${r["edge-lab plan"].seconds.toFixed(2)} s`],
      [
        "npm run synth (no change) of all bundled scenarios <= 3 s",
        r["npm run synth (no change)"].seconds <= 3,
        `${r["npm run synth (no change)"].seconds.toFixed(2)} s`,
      ],
      [
        "synth alone (Terraform only) <= 3x the cdktf floor",
        r["synth alone, Terraform only"].seconds <= 3 * floor,
        `${(r["synth alone, Terraform only"].seconds / floor).toFixed(2)}x`,
      ],
      ["synth alone (with worksheets) <= 3x the cdktf floor", r["synth alone"].seconds <= 3 * floor, `${(r["synth alone"].seconds / floor).toFixed(2)}x`],
      ["peak memory of edge-lab's commands <= 200 MiB", edgeLabPeak <= 200, `${edgeLabPeak.toFixed(0)} MiB`],
    ];
    // The emulation rows (root and the Debian tools): their targets join the others.
    const cannotEmulate = argv.includes("--no-emulate") ? "--no-emulate" : emulationUnavailable();
    let emulation: EmulationBench | undefined;
    if (!cannotEmulate) {
      emulation = measureEmulation(Number(argv[argv.indexOf("--emulate-runs") + 1]) || 3, (line) => process.stderr.write(`${line}\n`));
      checks.push(...emulation.checks);
    }
    const tests = argv.includes("--tests") ? measureTests() : undefined;
    if (tests) checks.push(...tests.checks);
    process.exitCode = checks.every(([, ok]) => ok) ? 0 : 1;
    if (argv.includes("--json")) {
      process.stdout.write(
        JSON.stringify(
          {
            runs,
            node: process.version,
            results: r,
            checks,
            emulation: emulation ?? { notMeasured: cannotEmulate },
            tests: tests?.rows ?? { notMeasured: "--tests" },
          },
          null,
          2,
        ) + "\n",
      );
      return;
    }
    console.log(`edge-lab benchmark: median of ${runs} interleaved runs, each a fresh process (Node ${process.version})\n`);
    console.log("| Command | Time | CPU (Node processes) | Peak RSS |\n|---|---|---|---|");
    for (const [name, s] of Object.entries(r))
      console.log(`| ${name} | ${s.seconds.toFixed(2)} s | ${s.cpuSeconds.toFixed(2)} s | ${s.peakRssMiB.toFixed(0)} MiB |`);
    console.log(
      `\nload average at the end: ${loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")} on ${cpus().length} cores (wall times inflate on a busy machine; CPU times much less)`,
    );
    console.log(`\nnpm run synth (no change) / synth alone: ${(r["npm run synth (no change)"].seconds / r["synth alone"].seconds).toFixed(2)}x`);
    if (r["npx cdktf synth"])
      console.log(`npx cdktf synth overhead over the synth alone: ${(r["npx cdktf synth"].seconds - r["synth alone"].seconds).toFixed(2)} s`);
    console.log(emulation ? `\n${emulationTable(emulation)}` : `\nedge-lab emulate: not measured (${cannotEmulate})`);
    console.log("\n| Target | Result | Met |\n|---|---|---|");
    for (const [name, ok, value] of checks) console.log(`| ${name} | ${value} | ${ok ? "yes" : "NO"} |`);
    if (!emulation) console.log(`| edge-lab emulate targets (scaled-hlb <= 3 s, bundled set <= 20 s, --mutate <= 20 s) | not measured: ${cannotEmulate} | - |`);
    if (!tests) console.log("| test suite targets (test:unit <= 30 s, npm test <= 90 s) | not measured: add --tests (minutes) | - |");
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
