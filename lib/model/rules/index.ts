/** All scenario rule checks, applied in a fixed order so that the problem list is deterministic. */
import type { ResolvedScenario } from "../resolve";
import { addressingChecks } from "./addressing";
import { federationChecks } from "./federation";
import { hybridChecks, productChecks } from "./hybrid";
import { labLimitChecks } from "./lab-limits";
import { nameChecks } from "./names";
import type { Finding } from "./problem";
import { topologyChecks } from "./topology";
import type { RuleCheck } from "./types";

export const RULE_CHECKS: readonly RuleCheck[] = [
  ...topologyChecks,
  ...addressingChecks,
  ...nameChecks,
  ...federationChecks,
  ...labLimitChecks,
  ...productChecks,
  ...hybridChecks,
];

export function checkScenario(scenario: ResolvedScenario): Finding[] {
  return RULE_CHECKS.flatMap((rule) => rule.check(scenario));
}

export { RULES, RULE_SOURCES, SCHEMA_RULES, explain, type RuleId } from "./catalogue";
export type { Finding, Problem } from "./problem";
