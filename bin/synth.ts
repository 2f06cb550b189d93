/**
 * The cdktf app: one Terraform stack per scenario file.
 *
 *   npm run synth                      # every scenarios/*.yaml (relative to the current directory)
 *   npx cdktf synth                    # the same, run by cdktf.json's app (both through scripts/run.js: current sources)
 *   EDGE_LAB_SCENARIOS="a.yaml b.yaml" npm run synth   # only these files (separated by spaces, commas or the path delimiter)
 *
 * Every file is validated first; if any has an error, the problems are printed and nothing is synthesized (exit 1).
 * Output: cdktf.out/stacks/<scenario id>/cdk.tf.json (or $CDKTF_OUTDIR when run by the cdktf CLI). Works offline,
 * without terraform and without Azure credentials.
 *
 * State: local, in terraform.<scenario id>.tfstate of the current directory; or remote (azurerm backend), from the environment: EDGE_LAB_STATE_RESOURCE_GROUP,
 * EDGE_LAB_STATE_STORAGE_ACCOUNT, EDGE_LAB_STATE_CONTAINER (key "<scenario id>.tfstate").
 */
import { existsSync, mkdirSync, readdirSync } from "node:fs";
import { delimiter, join, resolve } from "node:path";
import { App, AzurermBackend, LocalBackend, TerraformResource } from "cdktf";
import { withoutCreationStacks } from "../lib/azure/creation-stacks";
import { EdgeLabStack } from "../lib/azure/stack";
import { OutputError, assertEdgeLabOutput, describeFsError, discardStaging, lockOutput, publishTree, stagingDirFor, writeFilesInto } from "../lib/io/atomic";
import { displayPath, localStatePath } from "../lib/io/paths";
import { guardStandardStreams } from "../lib/io/streams";
import { renderOutputFiles } from "../lib/render/worksheets";
import { formatProblem, loadScenarioFile, readEndpointsFile, type LoadResult } from "../lib/model/load";
import { compareText } from "../lib/model/compare";
import { formatUnexpectedError, isExpectedError, isSystemError } from "../lib/io/crash";

export interface SynthOptions {
  readonly files: readonly string[];
  /** @default process.env.CDKTF_OUTDIR ?? "cdktf.out" */
  readonly outdir?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly log?: (line: string) => void;
  readonly error?: (line: string) => void;
  /** Also write the planning worksheets to <outdir>/worksheets/<id>/. @default true */
  readonly worksheets?: boolean;
}

export interface SynthResult {
  readonly ok: boolean;
  readonly stacks: readonly { readonly id: string; readonly mode: string; readonly resources: Readonly<Record<string, number>> }[];
}

/** The scenario files to synthesize: EDGE_LAB_SCENARIOS, else every *.yaml in ./scenarios. */
export function scenarioFiles(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string[] {
  const given = env.EDGE_LAB_SCENARIOS?.trim();
  if (given)
    return given
      .split(new RegExp(`[\\s,${delimiter === ";" ? ";" : ":"}]+`))
      .filter(Boolean)
      .map((f) => displayPath(resolve(cwd, f)));
  const dir = join(cwd, "scenarios");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => f.endsWith(".yaml") || f.endsWith(".yml"))
    .sort()
    .map((f) => displayPath(join(dir, f)));
}

export async function synthScenarios(options: SynthOptions): Promise<SynthResult> {
  const log = options.log ?? ((l: string) => console.log(l));
  const error = options.error ?? ((l: string) => console.error(l));
  const env = options.env ?? process.env;
  if (options.files.length === 0) {
    error("edge-lab synth: no scenario files (put *.yaml in ./scenarios or set EDGE_LAB_SCENARIOS)");
    return { ok: false, stacks: [] };
  }
  // 1. Validate everything before synthesizing anything. EDGE_LAB_M365_ENDPOINTS: Microsoft 365 endpoints file
  // for the hybrid firewall rows (the CLI's --m365-endpoints).
  const endpointsFile = env.EDGE_LAB_M365_ENDPOINTS?.trim();
  const endpoints = endpointsFile ? readEndpointsFile(endpointsFile) : {};
  if (endpoints.problem) {
    for (const p of endpoints.problems ?? [endpoints.problem]) error(formatProblem(p));
    return { ok: false, stacks: [] };
  }
  const loadOptions = endpoints.endpoints ? { m365Endpoints: endpoints.endpoints } : {};
  const loaded: { file: string; result: LoadResult }[] = options.files.map((file) => ({ file, result: loadScenarioFile(file, loadOptions) }));
  let failed = false;
  for (const { result } of loaded) {
    for (const p of result.problems) {
      if (p.severity === "error") failed = true;
      error(formatProblem(p));
    }
  }
  const ids = new Map<string, string>();
  for (const { file, result } of loaded) {
    const id = result.plan?.scenario.id;
    if (!id) continue;
    if (ids.has(id)) {
      error(`${file}: error [FILE] scenario id "${id}" is also used by ${ids.get(id)}; stack ids must be unique`);
      failed = true;
    }
    ids.set(id, file);
  }
  if (failed) {
    error("edge-lab synth: nothing synthesized; fix the errors above");
    return { ok: false, stacks: [] };
  }

  // 2. One stack per scenario, synthesized into a staging directory; the policy pack checks each stack's document as
  //    cdktf writes it (EdgeLabStack.toTerraform), and its errors abort here, before anything reaches the output
  //    directory.
  const outdir = options.outdir ?? env.CDKTF_OUTDIR ?? "cdktf.out";
  let release: () => void;
  try {
    // Only into an output folder edge-lab made (or cdktf's own layout from before the marker), one run at a time.
    assertEdgeLabOutput(outdir, isCdktfOutput);
    release = lockOutput(outdir);
  } catch (e) {
    error(`edge-lab synth: ${(e as Error).message}`);
    return { ok: false, stacks: [] };
  }
  try {
    return await synthLocked(options, loaded, outdir, env, log, error);
  } finally {
    release();
  }
}

/** cdktf.out as cdktf and edge-lab wrote it before output folders had a marker: only cdktf's and edge-lab's entries. */
const isCdktfOutput = (entries: readonly string[]) => entries.every((e) => ["manifest.json", "stacks", "worksheets"].includes(e));

/**
 * A scenario's stack as `npm run synth` makes it. The app holds these stacks and nothing else, and each references
 * only its own resources (the documents are compared with cdktf's own preparing pass in test/azure/prepare and
 * test/golden), so there is no cross-stack reference to register: the preparing pass is left out (about a twentieth
 * of the synth of the seven bundled scenarios). A stack made some other way keeps EdgeLabStack's pass.
 */
class ScenarioStack extends EdgeLabStack {
  override prepareStack(): void {
    this.ensureBackendExists();
  }
}

async function synthLocked(
  options: SynthOptions,
  loaded: readonly { file: string; result: LoadResult }[],
  outdir: string,
  env: NodeJS.ProcessEnv,
  log: (line: string) => void,
  error: (line: string) => void,
): Promise<SynthResult> {
  const staging = stagingDirFor(outdir);
  const stacks: EdgeLabStack[] = [];
  try {
    // No construct stack traces in the metadata: faster synth and no machine-specific paths in the output. No token
    // creation stacks either while the stacks are built and written (lib/azure/creation-stacks.ts).
    withoutCreationStacks(() => {
      const app = new App({ outdir: staging, skipValidation: false, stackTraces: false });
      for (const { result } of loaded) {
        const plan = result.plan!;
        const stack = new ScenarioStack(app, plan.scenario.id, { plan });
        stacks.push(stack);
        if (env.EDGE_LAB_STATE_STORAGE_ACCOUNT) {
          new AzurermBackend(stack, {
            resourceGroupName: env.EDGE_LAB_STATE_RESOURCE_GROUP ?? "rg-edge-lab-state",
            storageAccountName: env.EDGE_LAB_STATE_STORAGE_ACCOUNT,
            containerName: env.EDGE_LAB_STATE_CONTAINER ?? "tfstate",
            key: `${plan.scenario.id}.tfstate`,
          });
        } else {
          // Local state in the project folder (survives deleting cdktf.out) by a relative path; never a checkout path.
          new LocalBackend(stack, { path: localStatePath(outdir, plan.scenario.id) });
        }
      }
      app.synth();
    }, env);
    for (const stack of stacks) {
      for (const f of stack.policy.findings.filter((x) => x.level === "warning" && !x.suppressed)) error(`${stack.node.id}: warning ${f.message}`);
    }
    // 3. The planning worksheets of every scenario next to the Terraform (cdktf.out/worksheets/<id>/).
    if (options.worksheets !== false) {
      for (const { result } of loaded) {
        const plan = result.plan!;
        const dir = join(staging, "worksheets", plan.scenario.id);
        mkdirSync(dir, { recursive: true });
        writeFilesInto(dir, await renderOutputFiles(plan));
      }
    }
  } catch (e) {
    discardStaging(staging);
    const policyErrors = stacks.flatMap((stack) =>
      stack.policy.findings.filter((f) => f.level === "error" && !f.suppressed).map((f) => `${stack.node.id}: error ${f.message}`),
    );
    if (policyErrors.length) for (const line of policyErrors) error(line);
    // A file system error (full disk, ...) as one line naming the output folder.
    else if (isSystemError(e)) error(`edge-lab synth: cannot write ${outdir}: ${describeFsError(e)}`);
    else if (isExpectedError(e)) error(`edge-lab synth: ${(e as Error).message.split("\n")[0]}`);
    else error(formatUnexpectedError(e, "edge-lab synth"));
    error("edge-lab synth: nothing written; the previous output is unchanged");
    return { ok: false, stacks: [] };
  }
  try {
    // The whole tree in one rename; Terraform's .terraform folders and stacks not synthesized this time are kept.
    publishTree(
      staging,
      outdir,
      loaded.map(({ result }) => `worksheets/${result.plan!.scenario.id}`),
    );
  } catch (e) {
    error(`edge-lab synth: ${e instanceof OutputError ? e.message : (e as Error).message}`);
    return { ok: false, stacks: [] };
  }

  // 4. One summary line per stack (resources counted on the construct tree: one construct per resource block).
  const summaries = stacks.map((stack, i) => {
    const plan = loaded[i].result.plan!;
    const counts = new Map<string, number>();
    for (const c of stack.node.findAll())
      if (c instanceof TerraformResource) counts.set(c.terraformResourceType, (counts.get(c.terraformResourceType) ?? 0) + 1);
    const resources = Object.fromEntries([...counts].sort(([a], [b]) => compareText(a, b)));
    const total = Object.values(resources).reduce((a, b) => a + b, 0);
    const byType = Object.entries(resources)
      .map(([t, n]) => `${t.replace(/^azurerm_/, "")}=${n}`)
      .join(" ");
    log(`${plan.scenario.id}: mode=${plan.scenario.labMode} sites=${plan.scenario.sites.length} resources=${total} (${byType})`);
    for (const n of plan.notes.filter((x) => x.kind === "fidelity"))
      error(`${plan.scenario.id}: warning [fidelity]${n.site ? ` ${n.site}:` : ""} ${n.message}`);
    return { id: plan.scenario.id, mode: plan.scenario.labMode, resources };
  });
  return { ok: true, stacks: summaries };
}

/** `npm run synth` and cdktf.json's app: synthesizes the scenario files and sets the process exit code. */
export function main(): Promise<void> {
  guardStandardStreams("edge-lab synth");
  return synthScenarios({ files: scenarioFiles() }).then(
    (result) => void (process.exitCode = result.ok ? 0 : 1),
    (e: unknown) => {
      console.error(isExpectedError(e) ? `edge-lab synth: ${(e as Error).message}` : formatUnexpectedError(e, "edge-lab synth"));
      process.exitCode = 1;
    },
  );
}

if (require.main === module) void main();
