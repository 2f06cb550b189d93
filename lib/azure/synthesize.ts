/**
 * In-memory synthesis of one plan to its cdk.tf.json object (for `edge-lab diff` and tools that compare labs),
 * through the same EdgeLabStack and policy pack as `npm run synth`. Uses a throw-away output directory.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import { UserError } from "../io/crash";
import type { Plan } from "../model/plan";
import { EdgeLabStack, type LabOptions } from "./scenario";

export { labOptions } from "./scenario";

export function synthesizeToJson(plan: Plan, lab: LabOptions = {}): Record<string, unknown> {
  const outdir = mkdtempSync(join(tmpdir(), "edge-lab-synth-"));
  try {
    const app = new App({ outdir, stackTraces: false });
    const stack = new EdgeLabStack(app, plan.scenario.id, { plan, lab, policyCheck: "document" });
    app.synth();
    const json = JSON.parse(readFileSync(join(outdir, "stacks", plan.scenario.id, "cdk.tf.json"), "utf8")) as Record<string, unknown>;
    stack.policy.checkDocument(stack, json);
    const refused = stack.policy.findings.filter((f) => f.level === "error" && !f.suppressed);
    if (refused.length) throw new UserError(`the policy pack refused the lab of ${plan.scenario.id}:\n${refused.map((f) => f.message).join("\n")}`);
    return json;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
