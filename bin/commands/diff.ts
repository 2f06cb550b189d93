import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { MAX_SCENARIO_BYTES, formatProblem, loadScenarioFile, loadScenarioText, type LoadOptions, type LoadResult } from "../../lib/model/load";
import { diffScenarios } from "../../lib/render/diff";
import { formatDiffJson, formatDiffMarkdown, formatDiffText } from "../../lib/render/diff/format";
import type { Io, RegisterCommand } from "./context";
import { loadOptionsFrom, withEndpointsOption } from "./endpoints";

/** A scenario given as a file, or as "<git revision>:<path>" (e.g. HEAD~1:scenarios/scaled-hlb.yaml). */
export function loadSpec(spec: string, options: LoadOptions = {}): LoadResult {
  if (existsSync(spec)) return loadScenarioFile(spec, options);
  const m = /^([^:]+):(.+)$/.exec(spec);
  if (!m) return loadScenarioFile(spec, options); // reports "no such file"
  const fileProblem = (message: string): LoadResult => ({ ok: false, problems: [{ severity: "error", rule: "FILE", path: "", file: spec, message }] });
  const object = `${m[1]}:./${m[2].replace(/^\.\//, "")}`;
  const git = (...args: string[]) => execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], maxBuffer: MAX_SCENARIO_BYTES + 1 });
  let text: string;
  try {
    // The same limits as for a file: a blob (not a tree), no larger than MAX_SCENARIO_BYTES, checked before reading.
    const type = git("cat-file", "-t", object).trim();
    if (type === "tree") return fileProblem("is a directory (git tree), not a scenario file");
    if (type !== "blob") return fileProblem(`is a git ${type}, not a scenario file`);
    const size = Number(git("cat-file", "-s", object).trim());
    if (size > MAX_SCENARIO_BYTES) return fileProblem(`the file is ${size} bytes; scenario files are limited to ${MAX_SCENARIO_BYTES} bytes`);
    text = git("cat-file", "blob", object);
  } catch (e) {
    const stderr = String((e as { stderr?: Buffer | string }).stderr ?? "")
      .trim()
      .split("\n")[0];
    return fileProblem(`cannot read it from git: ${stderr || (e as Error).message}`);
  }
  return loadScenarioText(text, m[2], options);
}

function report(io: Io, spec: string, result: LoadResult): boolean {
  for (const p of result.problems) io.err(formatProblem(p.file ? p : { ...p, file: spec }) + "\n");
  return result.ok;
}

export const registerDiff: RegisterCommand = (program, { io, setExitCode }) => {
  withEndpointsOption(
    program
      .command("diff")
      .description("what changes between two scenarios (files or <git rev>:<path>): plan rows and Terraform resources; exit 0 no change, 2 changes, 1 error")
      .argument("<before>", "scenario file or <git revision>:<path>")
      .argument("<after>", "scenario file or <git revision>:<path>")
      .option("--json", "machine-readable output")
      .option("--markdown", "Markdown for a pull request comment")
      .option("--no-terraform", "compare the plans only (skip synthesizing the two stacks)"),
  ).action(async (beforeSpec: string, afterSpec: string, options: { json?: boolean; markdown?: boolean; terraform: boolean; m365Endpoints?: string }) => {
    const loadOptions = loadOptionsFrom(options, io);
    if (!loadOptions) return setExitCode(1);
    const before = loadSpec(beforeSpec, loadOptions);
    const after = loadSpec(afterSpec, loadOptions);
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
      ...(azure ? { terraform: azure.synthesizeToJson(r.plan!) } : {}),
    });
    const diff = diffScenarios(side(beforeSpec, before), side(afterSpec, after));
    io.out(options.json ? formatDiffJson(diff) : options.markdown ? formatDiffMarkdown(diff) : formatDiffText(diff, io.color === true));
    setExitCode(diff.changed ? 2 : 0);
  });
};
