import { Option } from "commander";
import { replaceFile } from "../../lib/io/atomic";
import { checklistMarkdown, checklistPowerShell } from "../../lib/render/checklist";
import type { RegisterCommand } from "./context";
import { withEndpointsOption, withPlan } from "./endpoints";

export const registerChecklist: RegisterCommand = (program, ctx) => {
  const { io } = ctx;
  withEndpointsOption(
    program
      .command("checklist")
      .description("print the post-deploy connectivity checks (DNS answers per view, port probes) as Markdown or a PowerShell script")
      .argument("<file>", "scenario file (YAML)")
      .addOption(new Option("--format <format>", "md: Markdown checklist; ps1: PowerShell script for the test client").choices(["md", "ps1"]).default("md"))
      .option("--out <file>", "write to this file instead of standard output"),
  ).action((file: string, options: { format: "md" | "ps1"; out?: string; m365Endpoints?: string }) => {
    const result = withPlan(file, options, ctx);
    if (!result) return;
    const text = options.format === "ps1" ? checklistPowerShell(result.plan) : checklistMarkdown(result.plan);
    if (!options.out) {
      io.out(text);
      return;
    }
    replaceFile(options.out, text);
    io.out(`${options.out}: written\n`);
  });
};
