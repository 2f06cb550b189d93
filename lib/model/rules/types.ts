import type { ResolvedScenario } from "../resolve";
import type { RuleId } from "./catalogue";
import type { Finding } from "./problem";

/** A rule check, cdk-nag style: the rule ids it enforces and a pure function producing findings. */
export interface RuleCheck {
  readonly rules: readonly RuleId[];
  readonly check: (scenario: ResolvedScenario) => readonly Finding[];
}
