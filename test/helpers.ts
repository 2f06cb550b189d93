/** Shared test helpers: load bundled scenarios and build scenarios from YAML text. */
import { readdirSync, readFileSync, statSync } from "node:fs";
import { basename, join, relative } from "node:path";
import { loadScenarioFile, loadScenarioText, type LoadResult } from "../lib/model/load";
import type { Plan } from "../lib/model/plan";

export const ROOT = join(__dirname, "..");
export const SCENARIO_DIR = join(ROOT, "scenarios");

/** Every file below `dir`, recursively, in sorted order (absolute paths). */
export function filesUnder(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? filesUnder(path) : [path];
    });
}

/** Every file under `root` with its content, as a sorted map of relative path -> content (output comparisons). */
export function fileTree(root: string): Map<string, string> {
  return new Map(filesUnder(root).map((path) => [relative(root, path), readFileSync(path, "utf8")]));
}

/** The TypeScript sources of lib/ and bin/ (for checks that scan the code itself). */
export function sourceFiles(dirs: readonly string[] = ["lib", "bin"]): string[] {
  return dirs.flatMap((d) => filesUnder(join(ROOT, d)).filter((path) => path.endsWith(".ts")));
}

export function bundledScenarioFiles(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith(".yaml"))
    .sort()
    .map((f) => join(SCENARIO_DIR, f));
}

/** The bundled scenarios' ids (file names without .yaml), sorted. */
export const bundledScenarioIds = (): string[] => bundledScenarioFiles().map((f) => basename(f, ".yaml"));

/** Loads a bundled scenario by id and fails loudly if it does not validate. */
export function bundledPlan(id: string): Plan {
  const result = loadScenarioFile(join(SCENARIO_DIR, `${id}.yaml`));
  if (!result.ok || !result.plan) throw new Error(`${id} does not validate: ${JSON.stringify(result.problems)}`);
  return result.plan;
}

/** Loads YAML text as a scenario (file name "test.yaml" unless given). */
export function load(yaml: string, file = "test.yaml"): LoadResult {
  return loadScenarioText(yaml, file);
}

export function planOf(yaml: string): Plan {
  const result = load(yaml);
  if (!result.ok || !result.plan) throw new Error(`scenario does not validate: ${JSON.stringify(result.problems, null, 1)}`);
  return result.plan;
}

export function errorRules(result: LoadResult): string[] {
  return result.problems.filter((p) => p.severity === "error").map((p) => p.rule);
}

/**
 * hybrid-se's Microsoft 365 rows that a broader row of Microsoft's Edge tables already allows, and that row (site hq):
 * read by the coverage tests of the model and of the worksheet note.
 */
export const HYBRID_SE_COVERED_M365_ROWS: readonly (readonly [m365Row: string, broaderRow: string])[] = [
  ["m365-out-sip-mtls", "edge-external/ext-out-access-sip-mtls"],
  ["m365-in-sip-mtls", "edge-external/ext-in-access-sip-mtls"],
  ["m365-out-stun-tcp-443", "edge-external/ext-out-av-stun-tcp"],
  ["m365-out-stun-tcp-50000", "edge-external/ext-out-av-rtp-tcp"],
  ["m365-out-stun-udp", "edge-external/ext-out-av-stun-udp"],
  ["m365-in-stun-udp", "edge-external/ext-in-av-stun-udp"],
];
