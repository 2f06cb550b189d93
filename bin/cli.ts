/**
 * The edge-lab command line. `run()` takes argv and an output sink and returns the exit code, so tests drive the
 * real CLI in-process; `bin/edge-lab.js` calls it for `npx edge-lab`.
 */
import { Command, CommanderError } from "commander";
import { formatProblem, loadScenarioFile } from "../lib/model/load";
import { planSummary } from "../lib/render/summary";

export interface Io {
  out(text: string): void;
  err(text: string): void;
}

const processIo: Io = { out: (t) => process.stdout.write(t), err: (t) => process.stderr.write(t) };

export async function run(argv: readonly string[], io: Io = processIo): Promise<number> {
  let exitCode = 0;
  const program = new Command()
    .name("edge-lab")
    .description("Plan and build Lync Server 2013 / Skype for Business Edge perimeter labs from scenario files.")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });

  program
    .command("validate")
    .description("check scenario files against the format and Microsoft's Edge rules; exit 1 on any error")
    .argument("<files...>", "scenario files (YAML)")
    .action((files: string[]) => {
      let errors = 0;
      for (const file of files) {
        const result = loadScenarioFile(file);
        for (const p of result.problems) io.err(formatProblem(p) + "\n");
        if (result.ok) io.out(`${file}: valid${result.problems.length ? ` (${result.problems.length} warning${result.problems.length > 1 ? "s" : ""})` : ""}\n`);
        errors += result.problems.filter((p) => p.severity === "error").length;
      }
      if (errors > 0) {
        io.err(`${errors} error${errors > 1 ? "s" : ""} in ${files.length} file${files.length > 1 ? "s" : ""}\n`);
        exitCode = 1;
      }
    });

  program
    .command("plan")
    .description("print the logical plan: servers, VIPs, DNS records, firewall rules, certificates, settings")
    .argument("<file>", "scenario file (YAML)")
    .option("--json", "print the plan as stable JSON")
    .action((file: string, options: { json?: boolean }) => {
      const result = loadScenarioFile(file);
      for (const p of result.problems) io.err(formatProblem(p) + "\n");
      if (!result.ok || !result.plan) {
        exitCode = 1;
        return;
      }
      io.out(options.json ? JSON.stringify(result.plan, null, 2) + "\n" : planSummary(result.plan));
    });

  try {
    await program.parseAsync(argv as string[], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    io.err(`edge-lab: ${(e as Error).message}\n`);
    return 1;
  }
  return exitCode;
}

if (require.main === module) {
  run(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  });
}
