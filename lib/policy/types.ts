/**
 * Policy checks on the synthesized lab, cdk-nag style: each rule is a small pure function over the resolved
 * Terraform attributes of the stack's resources, with a stable id, a one-line finding, an explanation and the
 * Checkov / Trivy ids it corresponds to. `LabPolicyPack` (pack.ts) applies them as a cdktf Aspect.
 */

/** One resource of the stack with its resolved attributes (snake_case, references as "${type.name.attr}"). */
export interface ResourceView {
  readonly type: string;
  /** Terraform resource name (logical id). */
  readonly name: string;
  /** "${type}.${name}" */
  readonly address: string;
  readonly attrs: Readonly<Record<string, unknown>>;
}

export interface PolicyContext {
  /** Every resource of the stack, for rules that relate resources (associations, schedules). */
  readonly resources: readonly ResourceView[];
}

export interface PolicyRule {
  /** Stable id, e.g. "LAB-POL-01". */
  readonly id: string;
  readonly level: "error" | "warning";
  /** One-line finding. */
  readonly info: string;
  /** Why it matters. */
  readonly explanation: string;
  /** Checkov and Trivy ids covering the same concern (for reviewers who know those scanners). */
  readonly checkov: readonly string[];
  readonly trivy: readonly string[];
  /** Returns one message per problem found on `resource` (empty = compliant or not applicable). */
  readonly check: (resource: ResourceView, context: PolicyContext) => readonly string[];
}

export interface Suppression {
  readonly id: string;
  /** Mandatory written reason, shown in the synth output. */
  readonly reason: string;
}
