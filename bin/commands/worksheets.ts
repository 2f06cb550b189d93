import { formatProblem, loadScenarioFile } from "../../lib/model/load";
import { writeWorksheets } from "../../lib/render/worksheets";
import type { RegisterCommand } from "./context";
import { loadOptionsFrom, withEndpointsOption } from "./endpoints";

export const registerWorksheets: RegisterCommand = (program, { io, setExitCode }) => {
  withEndpointsOption(
    program
      .command("worksheets")
      .description(
        "write the planning worksheets (Markdown, one CSV per table), the SVG diagram, the DNS zone files and the firewall appliance ruleset to <out>/<scenario id>/",
      )
      .argument("<file>", "scenario file (YAML)")
      .option("--out <dir>", "output directory", "out"),
  ).action(async (file: string, options: { out: string; m365Endpoints?: string }) => {
    const loadOptions = loadOptionsFrom(options, io);
    if (!loadOptions) return setExitCode(1);
    const result = loadScenarioFile(file, loadOptions);
    for (const p of result.problems) io.err(formatProblem(p) + "\n");
    if (!result.ok || !result.plan) {
      setExitCode(1);
      return;
    }
    const written = await writeWorksheets(result.plan, options.out);
    io.out(`${written.dir}: ${written.files.length} files (${written.files.join(", ")})\n`);
  });
};
