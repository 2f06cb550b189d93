import { formatProblem, loadScenarioFile } from "../../lib/model/load";
import { writeWorksheets } from "../../lib/render/worksheets";
import type { RegisterCommand } from "./context";

export const registerWorksheets: RegisterCommand = (program, { io, setExitCode }) => {
  program
    .command("worksheets")
    .description("write the planning worksheets (Markdown, one CSV per table), the SVG diagram, the DNS zone files and the firewall appliance ruleset to <out>/<scenario id>/")
    .argument("<file>", "scenario file (YAML)")
    .option("--out <dir>", "output directory", "out")
    .action(async (file: string, options: { out: string }) => {
      const result = loadScenarioFile(file);
      for (const p of result.problems) io.err(formatProblem(p) + "\n");
      if (!result.ok || !result.plan) {
        setExitCode(1);
        return;
      }
      const written = await writeWorksheets(result.plan, options.out);
      io.out(`${written.dir}: ${written.files.length} files (${written.files.join(", ")})\n`);
    });
};
