import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { formatProblem, loadScenarioFile, loadScenarioText, type LoadResult } from "../../lib/model/load";
import { diffScenarios } from "../../lib/render/diff";
import { formatDiffJson, formatDiffMarkdown, formatDiffText } from "../../lib/render/diff/format";
import type { Io, RegisterCommand } from "./context";

/** A scenario given as a file, or as "<git revision>:<path>" (e.g. HEAD~1:scenarios/scaled-hlb.yaml). */
export function loadSpec(spec: string): LoadResult {
  if (existsSync(spec)) return loadScenarioFile(spec);
  const m = /^([^:]+):(.+)$/.exec(spec);
  if (!m) return loadScenarioFile(spec); // reports "no such file"
  let text: string;
  try {
    text = execFileSync("git", ["show", `${m[1]}:./${m[2].replace(/^\.\//, "")}`], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: 4 * 1024 * 1024 });
  } catch (e) {
    const stderr = String((e as { stderr?: Buffer | string }).stderr ?? "").trim().split("\n")[0];
    return { ok: false, problems: [{ severity: "error", rule: "FILE", path: "", file: spec, message: `cannot read it from git: ${stderr || (e as Error).message}` }] };
  }
  return loadScenarioText(text, m[2]);
}

function report(io: Io, spec: string, result: LoadResult): boolean {
  for (const p of result.problems) io.err(formatProblem(p.file ? p : { ...p, file: spec }) + "\n");
  return result.ok;
}

export const registerDiff: RegisterCommand = (program, { io, setExitCode }) => {
  program
    .command("diff")
    .description("what changes between two scenarios (files or <git rev>:<path>): plan rows and Terraform resources; exit 0 no change, 2 changes, 1 error")
    .argument("<before>", "scenario file or <git revision>:<path>")
    .argument("<after>", "scenario file or <git revision>:<path>")
    .option("--json", "machine-readable output")
    .option("--markdown", "Markdown for a pull request comment")
    .option("--no-terraform", "compare the plans only (skip synthesizing the two stacks)")
    .action(async (beforeSpec: string, afterSpec: string, options: { json?: boolean; markdown?: boolean; terraform: boolean }) => {
      const before = loadSpec(beforeSpec);
      const after = loadSpec(afterSpec);
      const ok = [report(io, beforeSpec, before), report(io, afterSpec, after)].every(Boolean);
      if (!ok || !before.plan || !after.plan) {
        setExitCode(1);
        return;
      }
      // cdktf and the providers are loaded only here, for the Terraform comparison.
      const azure = options.terraform ? await import("../../lib/azure/synthesize") : undefined;
      const side = (label: string, r: LoadResult) => ({
        label,
        plan: r.plan!,
        ...(azure ? { terraform: azure.synthesizeToJson(r.plan!, azure.labOptions(r.scenario!.lab)) } : {}),
      });
      const diff = diffScenarios(side(beforeSpec, before), side(afterSpec, after));
      io.out(options.json ? formatDiffJson(diff) : options.markdown ? formatDiffMarkdown(diff) : formatDiffText(diff, io.color === true));
      setExitCode(diff.changed ? 2 : 0);
    });
};
