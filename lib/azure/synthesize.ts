/**
 * In-memory synthesis of one plan to its cdk.tf.json object (for `edge-lab diff` and tools that compare labs),
 * through the same EdgeLabStack and policy pack as `npm run synth` (and, as it, without token creation stacks:
 * ./creation-stacks.ts). Uses a throw-away output directory.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { App } from "cdktf";
import type { Plan } from "../model/plan";
import { withoutCreationStacks } from "./creation-stacks";
import { EdgeLabStack, type LabOptions } from "./stack";

/** The plan's lab as `npm run synth` writes it; `lab` overrides the plan's lab options (`plan.scenario.lab`). */
export function synthesizeToJson(plan: Plan, lab?: LabOptions): Record<string, unknown> {
  const outdir = mkdtempSync(join(tmpdir(), "edge-lab-synth-"));
  try {
    withoutCreationStacks(() => {
      const app = new App({ outdir, stackTraces: false });
      new EdgeLabStack(app, plan.scenario.id, { plan, ...(lab ? { lab } : {}) });
      app.synth(); // the policy pack checks the document as it is written: an error finding throws with its message
    });
    return JSON.parse(readFileSync(join(outdir, "stacks", plan.scenario.id, "cdk.tf.json"), "utf8")) as Record<string, unknown>;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
