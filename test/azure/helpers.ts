/** Helpers for the Azure lab tests: synthesize a plan into a parsed cdk.tf.json. */
import { Aspects, Testing, type App, type TerraformStack } from "cdktf";
import { buildStack as dnsLbPoolPublicIps } from "../../examples/dns-lb-pool-public-ips/main";
import { buildStack as hlbPoolWithDirectors } from "../../examples/hlb-pool-with-directors/main";
import { buildStack as singleEdgeNatExistingVnet } from "../../examples/single-edge-nat-existing-vnet/main";
import { LabPolicyPack } from "../../lib/policy/pack";
import { EdgeLabStack, type LabOptions } from "../../lib/azure/stack";
import type { Plan } from "../../lib/model/plan";
import { bundledPlan, bundledScenarioFiles, planOf } from "../helpers";

export type Block = Record<string, unknown> & { [k: string]: any };
export interface TfJson {
  resource: Record<string, Record<string, Block>>;
  output?: Record<string, Block>;
  provider?: Record<string, unknown>;
  terraform?: Record<string, unknown>;
}

/** The plan's stack as `npm run synth` builds it (its lab options from the plan); `lab` overrides them. */
export function synthPlan(plan: Plan, lab?: LabOptions): TfJson {
  const app = Testing.app();
  const stack = new EdgeLabStack(app, plan.scenario.id, { plan, ...(lab ? { lab } : {}) });
  return JSON.parse(Testing.synth(stack)) as TfJson;
}

export function bundledIds(): string[] {
  return bundledScenarioFiles().map((f) => f.replace(/^.*\//, "").replace(/\.yaml$/, ""));
}

export function synthBundled(id: string): { plan: Plan; json: TfJson } {
  const plan = bundledPlan(id);
  return { plan, json: synthPlan(plan) };
}

/** Internet-mode variants of Microsoft's scenarios (no bundled file uses internet mode). */
export const INTERNET_SCENARIOS: Record<string, string> = {
  "inet-single-nat": `
id: inet-single-nat
sipDomains: [contoso.com]
sites: [{ name: hq, edge: { servers: 1, externalAddressing: nat } }]
lab: { mode: internet, adminSourceCidr: 203.0.113.0/24 }
`,
  "inet-hlb": `
id: inet-hlb
product: lync2013
sipDomains: [contoso.com, fabrikam.com]
internalDomain: contoso.net
federation: { sip: true, xmpp: { partners: [gmail.com] } }
sites:
  - name: hq
    edge: { servers: 2, loadBalancing: hardware, externalAddressing: public }
    network: { perimeterExternal: 131.107.155.0/24, reverseProxyExternal: 10.45.16.0/24, publicRange: 131.107.155.0/24 }
lab: { mode: internet }
`,
  "inet-dnslb-nat": `
id: inet-dnslb-nat
sipDomains: [contoso.com]
sites: [{ name: hq, edge: { servers: 3, loadBalancing: dns, externalAddressing: nat } }]
lab: { mode: internet }
`,
};

export function synthInternet(id: string): { plan: Plan; json: TfJson } {
  const plan = planOf(INTERNET_SCENARIOS[id]);
  return { plan, json: synthPlan(plan) };
}

export function resources(json: TfJson, type: string): Block[] {
  return Object.values(json.resource[type] ?? {});
}

export function count(json: TfJson, type: string): number {
  return Object.keys(json.resource[type] ?? {}).length;
}

/** The cdktf apps of examples/, by directory name: each builds its stack into the given app. */
export const EXAMPLES: Record<string, (app: App) => TerraformStack> = {
  "single-edge-nat-existing-vnet": singleEdgeNatExistingVnet,
  "dns-lb-pool-public-ips": dnsLbPoolPublicIps,
  "hlb-pool-with-directors": hlbPoolWithDirectors,
};

/** Synthesizes an example with validations on (its policy pack runs, as in `cdktf synth`). */
export function synthExample(name: string): { stack: TerraformStack; json: TfJson; policy: LabPolicyPack } {
  const stack = EXAMPLES[name](Testing.app());
  const json = JSON.parse(Testing.synth(stack, true)) as TfJson;
  const policy = Aspects.of(stack).all.find((a): a is LabPolicyPack => a instanceof LabPolicyPack);
  if (!policy) throw new Error(`example ${name} does not apply the policy pack`);
  return { stack, json, policy };
}
