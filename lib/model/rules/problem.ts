import type { RuleId } from "./catalogue";

/** One problem found in a scenario: where (file, field path, line), which rule, and what to do. */
export interface Problem {
  readonly severity: "error" | "warning";
  /** Rule id from the catalogue (e.g. "LB-05"), or "SCHEMA" / "YAML" / "FILE". */
  readonly rule: RuleId | "YAML" | "FILE" | "M365-ENDPOINTS";
  /** Field path in the scenario, e.g. "sites[0].edge.servers"; "" for the whole file. */
  readonly path: string;
  readonly message: string;
  readonly file?: string;
  readonly line?: number;
  readonly column?: number;
}

/** A rule check: pure function from the resolved scenario to its findings. */
export type Finding = Omit<Problem, "file" | "line" | "column">;

export const error = (rule: RuleId, path: string, message: string): Finding => ({ severity: "error", rule, path, message });
export const warning = (rule: RuleId, path: string, message: string): Finding => ({ severity: "warning", rule, path, message });
