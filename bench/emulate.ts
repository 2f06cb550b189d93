/**
 * Emulation benchmark (Linux, root, the Debian tools of `edge-lab emulate`): every bundled scenario emulated, up +
 * probes + teardown measured per site, medians over `--runs N` rounds (default 3). Targets from the emulation issue:
 * scaled-hlb <= 30 s, the whole bundled set <= 3 min (on the 2-core machine). Exits 1 if a target is missed.
 *
 *   sudo npm run bench:emulate -- [--runs N] [--json]
 */
import { readdirSync } from "node:fs";
import { join } from "node:path";
import { emulate, passed } from "../lib/emulate";
import { loadScenarioFile } from "../lib/model/load";

const ROOT = [join(__dirname, ".."), join(__dirname, "..", "..")].find((d) => readdirSync(d).includes("scenarios"))!;
const TARGETS = { scaledHlbS: 30, wholeSetS: 180 };

interface Row {
  scenario: string;
  sites: number;
  probes: number;
  upS: number;
  probesS: number;
  downS: number;
  totalS: number;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const round = (x: number) => Math.round(x * 10) / 10;

export async function main(args: readonly string[] = process.argv.slice(2)): Promise<void> {
  const runs = Number(args[args.indexOf("--runs") + 1]) || 3;
  const files = readdirSync(join(ROOT, "scenarios"))
    .filter((f) => f.endsWith(".yaml"))
    .sort();
  const samples = new Map<string, Row[]>();
  for (let i = 0; i < runs; i++) {
    for (const f of files) {
      const plan = loadScenarioFile(join(ROOT, "scenarios", f)).plan!;
      const t0 = Date.now();
      const report = await emulate(plan);
      const total = (Date.now() - t0) / 1000;
      if (!passed(report)) throw new Error(`${f}: probes failed`);
      const sum = (k: "up" | "probes" | "down") => report.sites.reduce((n, s) => n + s.timings[k], 0) / 1000;
      const row = {
        scenario: plan.scenario.id,
        sites: report.sites.length,
        probes: report.sites.reduce((n, s) => n + s.results.length, 0),
        upS: sum("up"),
        probesS: sum("probes"),
        downS: sum("down"),
        totalS: total,
      };
      samples.set(row.scenario, [...(samples.get(row.scenario) ?? []), row]);
    }
  }
  const rows: Row[] = [...samples.values()].map((rs) => ({
    ...rs[0],
    upS: round(median(rs.map((r) => r.upS))),
    probesS: round(median(rs.map((r) => r.probesS))),
    downS: round(median(rs.map((r) => r.downS))),
    totalS: round(median(rs.map((r) => r.totalS))),
  }));
  const whole = round(rows.reduce((n, r) => n + r.totalS, 0));
  if (args.includes("--json")) {
    process.stdout.write(JSON.stringify({ runs, rows, wholeSetS: whole }, null, 2) + "\n");
  } else {
    process.stdout.write(
      `Median of ${runs} run(s):\n\n| Scenario | Sites | Probes | Up (s) | Probes (s) | Teardown (s) | Total (s) |\n|---|---|---|---|---|---|---|\n`,
    );
    for (const r of rows) process.stdout.write(`| ${r.scenario} | ${r.sites} | ${r.probes} | ${r.upS} | ${r.probesS} | ${r.downS} | ${r.totalS} |\n`);
    process.stdout.write(`| whole bundled set | | | | | | ${whole} |\n`);
  }
  const hlb = rows.find((r) => r.scenario === "scaled-hlb");
  const missed = [
    ...(hlb && hlb.totalS > TARGETS.scaledHlbS ? [`scaled-hlb ${hlb.totalS} s > ${TARGETS.scaledHlbS} s`] : []),
    ...(whole > TARGETS.wholeSetS ? [`whole set ${whole} s > ${TARGETS.wholeSetS} s`] : []),
  ];
  if (missed.length) {
    process.stderr.write(`targets missed: ${missed.join("; ")}\n`);
    process.exitCode = 1;
  }
}

if (require.main === module) {
  main().catch((e) => {
    process.stderr.write(`${(e as Error).stack}\n`);
    process.exitCode = 1;
  });
}
