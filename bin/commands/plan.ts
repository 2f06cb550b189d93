import { formatProblem, loadScenarioFile } from "../../lib/model/load";
import { planSummary } from "../../lib/render/summary";
import type { RegisterCommand } from "./context";

export const registerPlan: RegisterCommand = (program, { io, setExitCode }) => {
  program
    .command("plan")
    .description("print the logical plan: servers, VIPs, DNS records, firewall rules, certificates, settings")
    .argument("<file>", "scenario file (YAML)")
    .option("--json", "print the plan as stable JSON")
    .action((file: string, options: { json?: boolean }) => {
      const result = loadScenarioFile(file);
      for (const p of result.problems) io.err(formatProblem(p) + "\n");
      if (!result.ok || !result.plan) {
        setExitCode(1);
        return;
      }
      io.out(options.json ? JSON.stringify(result.plan, null, 2) + "\n" : planSummary(result.plan));
    });
};
