/**
 * Worksheets for the Network, PKI and Server Deployment teams: one Markdown document, one CSV per table and the
 * SVG diagram per scenario, all rendered in memory from the plan and then written atomically.
 *
 * `writeWorksheets(plan, dir)` is what `edge-lab worksheets` and `npm run synth` call.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { basename, dirname, join } from "node:path";
import type { Plan } from "../../model/plan";
import { diagramDot, renderSvg } from "../diagram";
import { tableCsv } from "../table";
import { DIAGRAM_FILE, WORKSHEET_FILE, worksheetMarkdown } from "./markdown";
import { worksheetTables } from "./tables";

export { DIAGRAM_FILE, WORKSHEET_FILE, worksheetMarkdown } from "./markdown";
export { worksheetBlocks, worksheetTables } from "./tables";

export const DIAGRAM_DOT_FILE = "diagram.dot";

export interface OutputFile {
  readonly name: string;
  readonly content: string;
}

/** Every output file of one scenario, in a fixed order: worksheet.md, the CSV files, diagram.dot, diagram.svg. */
export async function renderWorksheetFiles(plan: Plan): Promise<OutputFile[]> {
  const dot = diagramDot(plan);
  const svg = await renderSvg(dot);
  return [
    { name: WORKSHEET_FILE, content: worksheetMarkdown(plan) },
    ...worksheetTables(plan).map((t) => ({ name: `${t.id}.csv`, content: tableCsv(t) })),
    { name: DIAGRAM_DOT_FILE, content: dot },
    { name: DIAGRAM_FILE, content: svg },
  ];
}

/**
 * Replaces directory `target` with exactly `files`: writes them into a temporary directory next to it, then renames
 * it into place. A failure before the final rename leaves the previous contents of `target` untouched.
 */
export function replaceDirectory(target: string, files: readonly OutputFile[]): void {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const tmp = mkdtempSync(join(parent, `.${basename(target)}.tmp-`));
  try {
    chmodSync(tmp, 0o755); // mkdtemp makes it private; the result is an ordinary output folder
    for (const f of files) {
      if (f.name !== basename(f.name) || f.name.startsWith(".")) throw new Error(`invalid output file name "${f.name}"`);
      writeFileSync(join(tmp, f.name), f.content);
    }
  } catch (e) {
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  const old = existsSync(target) ? `${tmp}.old` : undefined;
  try {
    if (old) renameSync(target, old);
    renameSync(tmp, target);
  } catch (e) {
    if (old && existsSync(old) && !existsSync(target)) renameSync(old, target);
    rmSync(tmp, { recursive: true, force: true });
    throw e;
  }
  if (old) rmSync(old, { recursive: true, force: true });
}

/**
 * Renders the worksheets of `plan` and writes them to `<dir>/<scenario id>/` (replacing what was there).
 * Returns that directory and the file names written.
 */
export async function writeWorksheets(plan: Plan, dir: string): Promise<{ dir: string; files: string[] }> {
  const files = await renderWorksheetFiles(plan);
  const target = join(dir, plan.scenario.id);
  replaceDirectory(target, files);
  return { dir: target, files: files.map((f) => f.name) };
}
