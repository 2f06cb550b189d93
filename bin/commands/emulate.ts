import { assertEdgeLabOutput, replaceDirectory } from "../../lib/io/atomic";
import type { RegisterCommand } from "./context";
import { withEndpointsOption, withPlan } from "./endpoints";

interface EmulateFlags {
  site?: string[];
  out?: string;
  keep?: boolean;
  mutate?: boolean;
  cleanup?: boolean;
  m365Endpoints?: string;
}

export const registerEmulate: RegisterCommand = (program, ctx) => {
  const { io, setExitCode } = ctx;
  withEndpointsOption(
    program
      .command("emulate")
      .description(
        "rehearse a site's perimeter in network namespaces with real software (firewall ruleset, BIND, nginx, coturn, TLS) and prove every planned row with packets (Linux, root)",
      )
      .argument("[file]", "scenario file (YAML)")
      .option("--site <name...>", "emulate only these sites (default: every site, one after another)")
      .option("--out <dir>", "write report.md, report.json and junit.xml to this directory")
      .option("--keep", "leave the namespaces up after the probes and print how to enter them")
      .option(
        "--mutate",
        "remove one firewall rule at a time and report which probe catches each removal, or why none does (covered by another rule, crosses no firewall)",
      )
      .option("--cleanup", "remove what earlier runs recorded (under /run/edge-lab) once their process has ended, then exit"),
  ).action(async (file: string | undefined, options: EmulateFlags) => {
    // Loaded here, not at the top: the other commands never pay for the emulator.
    const emu = await import("../../lib/emulate");
    if (options.cleanup) {
      const removed = emu.removeLeftovers();
      io.out(`removed ${removed.namespaces.length} namespace(s) and ${removed.files.length} file(s) recorded by ended runs\n`);
      for (const n of [...removed.namespaces, ...removed.files]) io.out(`  ${n}\n`);
      return;
    }
    if (!file) {
      io.err("edge-lab emulate: a scenario file is required (or --cleanup)\n");
      setExitCode(1);
      return;
    }
    const missing = emu.missingRequirements();
    if (missing.length) {
      io.err(`edge-lab emulate: cannot run here; missing: ${missing.join("; ")}\n  install the tools with: ${emu.INSTALL_HINT}\n`);
      setExitCode(1);
      return;
    }
    // The same Microsoft 365 address ranges as every other command: the plan is what Azure gets.
    const result = withPlan(file, options, ctx);
    if (!result) return;
    // A site name the scenario does not have is the user's typo: one line, before anything is built.
    const unknown = (options.site ?? []).filter((s) => !result.plan!.scenario.sites.some((x) => x.name === s));
    if (unknown.length) {
      io.err(
        `edge-lab emulate: --site ${unknown.join(", ")}: the scenario has no such site (sites: ${result.plan.scenario.sites.map((x) => x.name).join(", ")})\n`,
      );
      setExitCode(1);
      return;
    }
    // The report folder follows the same rules as every output of edge-lab (only a folder edge-lab made, replaced
    // whole), checked before anything is built so that a refused folder costs no run.
    if (options.out) assertEdgeLabOutput(options.out);
    const { reportJson, reportJunit, reportMarkdown, summaryLine } = await import("../../lib/emulate/report");
    const report = await emu.emulate(result.plan, { sites: options.site, keep: options.keep, mutate: options.mutate, log: (l) => io.err(`${l}\n`) });
    for (const s of report.sites) {
      for (const r of s.results)
        io.out(
          `${r.skipped ? "SKIP" : r.pass ? "PASS" : "FAIL"}  ${r.probe.what}  [${r.probe.refs.slice(0, 3).join(", ")}]${r.pass ? "" : `  -> ${r.detail}`}\n`,
        );
      // Removals no probe noticed: a finding only when neither another rule nor the topology explains it.
      for (const m of s.mutations ?? []) {
        if (m.outcome === "finding") io.out(`FINDING  removing ${m.firewall} rule ${m.ruleId} is noticed by no probe: ${m.reason}\n`);
        else if (m.outcome === "covered") io.out(`COVERED  removing ${m.firewall} rule ${m.ruleId} is noticed by no probe: ${m.reason}\n`);
        else if (m.outcome === "no-firewall") io.out(`NO FIREWALL  removing ${m.firewall} rule ${m.ruleId} is noticed by no probe: ${m.reason}\n`);
      }
      if (s.kept) {
        io.out(`kept up (enter with: sudo ip netns exec <namespace> bash; remove with: edge-lab emulate --cleanup once this process has ended):\n`);
        for (const ns of s.kept) io.out(`  ${ns}\n`);
        if (s.outside)
          io.out(
            `probe it from the simulated Internet: sudo ip netns exec ${s.outside.namespace} edge-lab probe ${file} --site ${s.site} --resolver ${s.outside.resolver} --ca ${s.outside.caFile}\n`,
          );
      }
    }
    if (options.out) {
      replaceDirectory(options.out, [
        { name: "report.md", content: reportMarkdown(report) },
        { name: "report.json", content: reportJson(report) },
        { name: "junit.xml", content: reportJunit(report) },
      ]);
      io.out(`${options.out}: report.md, report.json, junit.xml written\n`);
    }
    io.out(`${summaryLine(report)}\n`);
    if (!emu.passed(report) || (options.mutate && !emu.mutationsCaught(report))) setExitCode(1);
  });
};
