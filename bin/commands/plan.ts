import { planSummary } from "../../lib/render/summary";
import type { RegisterCommand } from "./context";
import { withEndpointsOption, withPlan } from "./endpoints";

export const registerPlan: RegisterCommand = (program, ctx) => {
  const { io } = ctx;
  withEndpointsOption(
    program
      .command("plan")
      .description("print the logical plan: servers, VIPs, DNS records, firewall rules, certificates, settings")
      .argument("<file>", "scenario file (YAML)")
      .option("--json", "print the plan as stable JSON")
      .option("--preflight", "synthesize the lab and print what it needs from the Azure subscription (vCPUs, public IPs, peerings, Bastion, image support)"),
  ).action(async (file: string, options: { json?: boolean; preflight?: boolean; m365Endpoints?: string }) => {
    const result = withPlan(file, options, ctx);
    if (!result) return;
    if (options.preflight) {
      // Loaded only here: the rest of `plan` needs no cdktf.
      const [{ synthesizeToJson }, { formatPreflight, preflight }] = await Promise.all([
        import("../../lib/azure/synthesize"),
        import("../../lib/azure/preflight"),
      ]);
      const report = preflight(result.plan, synthesizeToJson(result.plan));
      io.out(options.json ? JSON.stringify(report, null, 2) + "\n" : formatPreflight(report));
      return;
    }
    io.out(options.json ? JSON.stringify(result.plan, null, 2) + "\n" : planSummary(result.plan));
  });
};
