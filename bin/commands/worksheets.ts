import { writeWorksheets } from "../../lib/render/worksheets";
import type { RegisterCommand } from "./context";
import { withEndpointsOption, withPlan } from "./endpoints";

export const registerWorksheets: RegisterCommand = (program, ctx) => {
  const { io } = ctx;
  withEndpointsOption(
    program
      .command("worksheets")
      .description(
        "write the planning worksheets (Markdown, one CSV per table), the SVG diagram, the DNS zone files and the firewall appliance ruleset to <out>/<scenario id>/",
      )
      .argument("<file>", "scenario file (YAML)")
      .option("--out <dir>", "output directory", "out"),
  ).action(async (file: string, options: { out: string; m365Endpoints?: string }) => {
    const result = withPlan(file, options, ctx);
    if (!result) return;
    const written = await writeWorksheets(result.plan, options.out);
    io.out(`${written.dir}: ${written.files.length} files (${written.files.join(", ")})\n`);
  });
};
