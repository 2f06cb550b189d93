import { Option } from "commander";
import { replaceFile } from "../../lib/io/atomic";
import { formatProblem, loadScenarioFile } from "../../lib/model/load";
import { checklistMarkdown, checklistPowerShell } from "../../lib/render/checklist";
import type { RegisterCommand } from "./context";
import { loadOptionsFrom, withEndpointsOption } from "./endpoints";

export const registerChecklist: RegisterCommand = (program, { io, setExitCode }) => {
  withEndpointsOption(
    program
      .command("checklist")
      .description("print the post-deploy connectivity checks (DNS answers per view, port probes) as Markdown or a PowerShell script")
      .argument("<file>", "scenario file (YAML)")
      .addOption(new Option("--format <format>", "md: Markdown checklist; ps1: PowerShell script for the test client").choices(["md", "ps1"]).default("md"))
      .option("--out <file>", "write to this file instead of standard output"),
  ).action((file: string, options: { format: "md" | "ps1"; out?: string; m365Endpoints?: string }) => {
    const loadOptions = loadOptionsFrom(options, io);
    if (!loadOptions) return setExitCode(1);
    const result = loadScenarioFile(file, loadOptions);
    for (const p of result.problems) io.err(formatProblem(p) + "\n");
    if (!result.ok || !result.plan) {
      setExitCode(1);
      return;
    }
    const text = options.format === "ps1" ? checklistPowerShell(result.plan) : checklistMarkdown(result.plan);
    if (!options.out) {
      io.out(text);
      return;
    }
    replaceFile(options.out, text);
    io.out(`${options.out}: written\n`);
  });
};
