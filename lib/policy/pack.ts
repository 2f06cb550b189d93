/**
 * The lab policy pack: a cdktf Aspect that runs every policy rule over the stack's resources when the stack is
 * synthesized. Errors become error annotations (cdktf synth then fails with the message), warnings are printed.
 * Expected findings are suppressed on the construct with a written reason, cdk-nag style.
 *
 * Through cdktf's public API only: the Aspect attaches the check to the stack's validations rather than running it
 * during the aspect pass, because aspects run in tree order and one added later (a tagging aspect on a construct, say)
 * would otherwise change resources after they were checked. cdktf validates every stack in `app.synth()` and
 * `Testing.fullSynth()`; with `Testing.synth(stack, true)` in tests; not with `skipValidation: true`. The check
 * resolves the stack with `toTerraform()` (what cdktf then writes); `checkDocument` runs the rules over a document
 * you already have (a cdk.tf.json read back). `EdgeLabStack` does not take the pack as an aspect: it checks the document
 * cdktf writes with `enforce` (one resolution of the stack for both; errors then throw, as annotations would be
 * collected too early).
 */
import { Annotations, TerraformResource, TerraformStack, type IAspect } from "cdktf";
import type { IConstruct } from "constructs";
import { AutoShutdown } from "./rules/auto-shutdown";
import { BootDiagnostics } from "./rules/boot-diagnostics";
import { InboundAllowAll } from "./rules/inbound-allow-all";
import { IpForwarding } from "./rules/ip-forwarding";
import { ManagementPortsFromInternet } from "./rules/management-ports";
import { NoSecretLiterals } from "./rules/no-secrets";
import { StandardSku } from "./rules/standard-sku";
import { SubnetWithoutNsg } from "./rules/subnet-nsg";
import { TraceableInternetRules } from "./rules/traceable-internet-rules";
import { UdpFromInternet } from "./rules/udp-from-internet";
import type { PolicyRule, ResourceView, Suppression } from "./types";

export const POLICY_RULES: readonly PolicyRule[] = [
  ManagementPortsFromInternet,
  InboundAllowAll,
  TraceableInternetRules,
  UdpFromInternet,
  StandardSku,
  BootDiagnostics,
  SubnetWithoutNsg,
  IpForwarding,
  NoSecretLiterals,
  AutoShutdown,
];

const SUPPRESSION_METADATA = "edge-lab/policy-suppression";

/** Suppresses policy rules on a construct (and everything below it). A reason of at least 10 characters is required. */
export function suppressPolicy(construct: IConstruct, suppressions: readonly Suppression[]): void {
  for (const s of suppressions) {
    if (!POLICY_RULES.some((r) => r.id === s.id)) throw new Error(`unknown policy rule ${s.id}`);
    if (s.reason.trim().length < 10) throw new Error(`suppressing ${s.id} needs a written reason (got "${s.reason}")`);
    construct.node.addMetadata(SUPPRESSION_METADATA, { id: s.id, reason: s.reason });
  }
}

function suppressionFor(construct: IConstruct, id: string): string | undefined {
  for (const scope of construct.node.scopes.slice().reverse()) {
    const hit = scope.node.metadata.find((m) => m.type === SUPPRESSION_METADATA && (m.data as Suppression).id === id);
    if (hit) return (hit.data as Suppression).reason;
  }
  return undefined;
}

export interface PolicyFinding {
  readonly rule: string;
  readonly level: "error" | "warning";
  readonly resource: string;
  readonly message: string;
  /** The written reason, when the finding is suppressed. */
  readonly suppressed?: string;
}

/** Unsuppressed policy errors in a document about to be written (`LabPolicyPack.enforce`): the synth stops. */
export class PolicyError extends Error {
  constructor(readonly lines: readonly string[]) {
    // Worded like cdktf's stop for error annotations (the pack as an aspect of another stack ends that way).
    super(`Encountered Annotation with level "ERROR":\n${lines.join("\n")}`);
    this.name = "PolicyError";
  }
}

type StackJson = { resource?: Record<string, Record<string, Record<string, unknown>>> };

export class LabPolicyPack implements IAspect {
  /** The findings of the latest check. */
  readonly findings: PolicyFinding[] = [];
  private readonly attached = new WeakSet<TerraformStack>();
  /** The unsuppressed errors of the latest check, as cdktf lists error annotations: `[construct path] text`. */
  private readonly errorLines: string[] = [];

  constructor(private readonly rules: readonly PolicyRule[] = POLICY_RULES) {}

  visit(node: IConstruct): void {
    if (!(node instanceof TerraformStack) || this.attached.has(node)) return;
    this.attached.add(node);
    node.node.addValidation({
      validate: () => {
        this.check(node);
        return []; // errors are reported as error annotations, which fail the synth with their messages
      },
    });
  }

  /**
   * Runs every rule over a document of `stack` that is about to be written, and throws a `PolicyError` naming every
   * unsuppressed error (what cdktf's synth does with error annotations, which are collected before the document is
   * written). A stack that checks its own output calls this from its `toTerraform()` (`EdgeLabStack`).
   */
  enforce(stack: TerraformStack, document: unknown): void {
    this.checkDocument(stack, document);
    if (this.errorLines.length) throw new PolicyError(this.errorLines);
  }

  /** Runs every rule over the stack's resolved resources (the document cdktf writes, through its public `toTerraform()`). */
  check(stack: TerraformStack): void {
    this.checkDocument(stack, stack.toTerraform());
  }

  /** Runs every rule over a synthesized document of `stack` (its cdk.tf.json), findings on the stack's constructs. */
  checkDocument(stack: TerraformStack, document: unknown): void {
    this.findings.length = 0;
    this.errorLines.length = 0;
    const json = document as StackJson;
    const constructs = stack.node.findAll().filter((c): c is TerraformResource => c instanceof TerraformResource);
    const views: { construct: TerraformResource; view: ResourceView }[] = constructs.map((construct) => {
      const type = construct.terraformResourceType;
      const name = construct.friendlyUniqueId; // the key in the document, overridden logical ids included
      const { "//": _metadata, ...attrs } = json.resource?.[type]?.[name] ?? {};
      return { construct, view: { type, name, address: `${type}.${name}`, attrs } };
    });
    const context = { resources: views.map((v) => v.view) };
    for (const rule of this.rules) {
      for (const { construct, view } of views) {
        for (const detail of rule.check(view, context)) {
          const suppressed = suppressionFor(construct, rule.id);
          const message = `[${rule.id}] ${view.address}: ${rule.info} ${detail}.`;
          this.findings.push({ rule: rule.id, level: rule.level, resource: view.address, message, ...(suppressed ? { suppressed } : {}) });
          const scanners = [...rule.checkov, ...rule.trivy].join(", ");
          const text = `${message} ${rule.explanation}${scanners ? ` (${scanners})` : ""}`;
          if (suppressed) Annotations.of(construct).addInfo(`${message} Suppressed: ${suppressed}`);
          else if (rule.level === "error") {
            Annotations.of(construct).addError(text);
            this.errorLines.push(`[${construct.node.path}] ${text}`);
          } else Annotations.of(construct).addWarning(text);
        }
      }
    }
  }
}

export type { PolicyRule, ResourceView, Suppression } from "./types";
