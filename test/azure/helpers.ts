/** Helpers for the Azure lab tests: synthesize a plan into a parsed cdk.tf.json. */
import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { Aspects, Testing, type App, type TerraformStack } from "cdktf";
import { buildStack as dnsLbPoolPublicIps } from "../../examples/dns-lb-pool-public-ips/main";
import { buildStack as hlbPoolWithDirectors } from "../../examples/hlb-pool-with-directors/main";
import { buildStack as singleEdgeNatExistingVnet } from "../../examples/single-edge-nat-existing-vnet/main";
import { LabPolicyPack } from "../../lib/policy/pack";
import { EdgeLabStack, type LabOptions } from "../../lib/azure/stack";
import type { Plan } from "../../lib/model/plan";
import { bundledPlan, filesUnder, planOf, ROOT } from "../helpers";

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

/**
 * The synthesis cache of a jest run (issue 20): the bundled scenarios, the internet-mode variants and the examples
 * are synthesized once per run, by the first suite that asks, and every suite that only reads the document parses
 * that file (jest gives each test file its own module registry, so an in-memory cache would not be shared). It lives
 * in the run's temporary directory (test/temp-setup.js), keyed by a hash of everything a synthesis depends on (lib/,
 * examples/, scenarios/, these helpers, the lock file), and is written atomically (a worker that loses the race
 * writes the same bytes). Outside a jest run with that directory, or with EDGE_LAB_SYNTH_CACHE=0, it is off: every
 * call synthesizes. The tests of synthesis itself (synth-*, policy, test/hardening/synth)
 * never read it; `synthExample` (always fresh: its callers check the policy pack's run) stores what it synthesized.
 */
let cacheDir: string | null | undefined;
function synthCacheDir(): string | null {
  if (cacheDir !== undefined) return cacheDir;
  const system = process.env.EDGE_LAB_SYSTEM_TMPDIR;
  const runTemp = tmpdir();
  if (process.env.EDGE_LAB_SYNTH_CACHE === "0" || !system || runTemp === system || !relative(system, runTemp).startsWith("edge-lab-jest-"))
    return (cacheDir = null);
  const hash = createHash("sha256");
  const inputs = [
    ...["lib", "examples", "scenarios"].flatMap((d) => filesUnder(join(ROOT, d))),
    join(ROOT, "package-lock.json"),
    join(ROOT, "test", "helpers.ts"),
    __filename,
  ];
  for (const file of inputs)
    hash
      .update(`${relative(ROOT, file)}\0`)
      .update(readFileSync(file))
      .update("\0");
  cacheDir = join(runTemp, "edge-lab-synth-cache", hash.digest("hex").slice(0, 16));
  mkdirSync(cacheDir, { recursive: true });
  return cacheDir;
}

/** The document `synth` gives, from the run's cache when another suite already synthesized it (a fresh parse each call). */
function cachedSynth(key: string, synth: () => TfJson): TfJson {
  const dir = synthCacheDir();
  if (!dir) return synth();
  const file = join(dir, `${key}.json`);
  try {
    return JSON.parse(readFileSync(file, "utf8")) as TfJson;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  const json = synth();
  storeSynth(dir, key, json);
  return json;
}

/** Writes a document into the run's cache, atomically (a worker that loses the race writes the same bytes). */
function storeSynth(dir: string, key: string, json: TfJson): void {
  const file = join(dir, `${key}.json`);
  const temp = `${file}.${process.pid}.tmp`;
  writeFileSync(temp, JSON.stringify(json));
  renameSync(temp, file);
}

/** A bundled scenario's plan and stack (read-only: the document may come from the run's synthesis cache). */
export function synthBundled(id: string): { plan: Plan; json: TfJson } {
  const plan = bundledPlan(id);
  return { plan, json: cachedSynth(`bundled-${id}`, () => synthPlan(plan)) };
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

/** An internet-mode variant's plan and stack (read-only: the document may come from the run's synthesis cache). */
export function synthInternet(id: string): { plan: Plan; json: TfJson } {
  const plan = planOf(INTERNET_SCENARIOS[id]);
  return { plan, json: cachedSynth(`internet-${id}`, () => synthPlan(plan)) };
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
  const dir = synthCacheDir();
  if (dir) storeSynth(dir, `example-${name}`, json);
  return { stack, json, policy };
}

/** An example's document only, synthesized with validations on (read-only: it may come from the run's synthesis cache). */
export function synthExampleJson(name: string): TfJson {
  return cachedSynth(`example-${name}`, () => synthExample(name).json);
}
