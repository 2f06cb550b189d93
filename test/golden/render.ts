/**
 * Golden files: what `npm run synth` writes for every bundled scenario (the Terraform document and the worksheets'
 * text files), committed under test/golden/<scenario id>/ so that a change of output is a diff a reviewer can read,
 * not a digest mismatch. `npm run golden:update` rewrites them deliberately (test/golden/update.ts); golden.test.ts
 * compares them byte for byte.
 *
 * The diagram's SVG is left out (Graphviz's rendering of diagram.dot, which is kept); everything else of the
 * worksheet folder is in: worksheet.md, the CSV tables, zone files, appliance rulesets, cmdlets. The plan's probe list
 * (lib/model/probes) is in too, as <scenario id>/probes.json: what `edge-lab checklist` and `edge-lab emulate` check.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { synthScenarios } from "../../bin/synth";
import { buildProbes } from "../../lib/model/probes";
import { bundledPlan, SCENARIO_DIR } from "../helpers";

export const GOLDEN_DIR = __dirname;

export const LEFT_OUT = new Set(["diagram.svg"]);

function filesBelow(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((n) => (statSync(join(dir, n)).isDirectory() ? filesBelow(join(dir, n)) : [join(dir, n)]));
}

/**
 * The golden files as `npm run synth` writes them in the project folder (so the local state path in the Terraform
 * backend is the same relative path), keyed `<scenario id>/<file>`; `everything` adds what golden leaves out (the
 * diagram's SVG, cdktf's manifest.json), for the determinism test.
 */
export async function renderGolden({ everything = false }: { everything?: boolean } = {}): Promise<Map<string, string>> {
  const work = mkdtempSync(join(tmpdir(), "golden-"));
  const cwd = process.cwd();
  try {
    process.chdir(work);
    const files = readdirSync(SCENARIO_DIR)
      .filter((f) => f.endsWith(".yaml"))
      .sort()
      .map((f) => join(SCENARIO_DIR, f));
    const errors: string[] = [];
    const result = await synthScenarios({ files, outdir: "cdktf.out", env: {}, log: () => undefined, error: (l) => void errors.push(l) });
    if (!result.ok) throw new Error(`synth failed:\n${errors.join("\n")}`);
    const out = new Map<string, string>();
    // cdktf's manifest of the stacks (not a golden file: it names cdktf's version), for the determinism test.
    if (everything) out.set("cdktf.out/manifest.json", readFileSync(join(work, "cdktf.out", "manifest.json"), "utf8"));
    for (const s of result.stacks) {
      out.set(`${s.id}/cdk.tf.json`, readFileSync(join(work, "cdktf.out", "stacks", s.id, "cdk.tf.json"), "utf8"));
      const sheets = join(work, "cdktf.out", "worksheets", s.id);
      for (const f of filesBelow(sheets))
        if (everything || !LEFT_OUT.has(relative(sheets, f))) out.set(`${s.id}/worksheets/${relative(sheets, f)}`, readFileSync(f, "utf8"));
      out.set(`${s.id}/probes.json`, `${JSON.stringify(buildProbes(bundledPlan(s.id)), null, 1)}\n`);
    }
    return out;
  } finally {
    process.chdir(cwd);
    rmSync(work, { recursive: true, force: true });
  }
}

/** The committed golden files, keyed as renderGolden's. */
export function committedGolden(): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of filesBelow(GOLDEN_DIR)) {
    const key = relative(GOLDEN_DIR, f);
    if (key.includes("/")) out.set(key, readFileSync(f, "utf8"));
  }
  return out;
}
