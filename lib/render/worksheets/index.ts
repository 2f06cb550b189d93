/**
 * Worksheets for the Network, PKI and Server Deployment teams: one Markdown document, one CSV per table and the
 * SVG diagram per scenario, all rendered in memory from the plan and then written atomically.
 *
 * `writeWorksheets(plan, dir)` is what `edge-lab worksheets` and `npm run synth` call.
 */
import { join } from "node:path";
import { applianceRulesFiles } from "../../lab/guest/iptables";
import { replaceDirectory, type OutputFile } from "../../io/atomic";
import type { Plan } from "../../model/plan";
import { zoneFiles } from "../../lab/zones";
import { CMDLETS_FILE, cmdletsPowerShell } from "../cmdlets";
import { diagramDot, renderSvg } from "../diagram";
import { tableCsv } from "../table";
import { DIAGRAM_FILE, WORKSHEET_FILE, worksheetMarkdown } from "./markdown";
import { worksheetTables } from "./tables";

export { DIAGRAM_FILE, WORKSHEET_FILE, worksheetMarkdown } from "./markdown";
export { worksheetBlocks, worksheetTables } from "./tables";

export const DIAGRAM_DOT_FILE = "diagram.dot";

export { replaceDirectory, type OutputFile } from "../../io/atomic";

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
 * Configuration files for the software the lab runs, next to the worksheets: one RFC 1035 zone file per DNS view and
 * zone ("zone-<view>-<zone>.zone", see lib/lab/zones.ts), in a closed lab the external firewall appliance's
 * iptables-restore ruleset per site ("appliance-<site>.rules", the file cloud-init installs), and with SIP federation
 * the configuration cmdlets ("cmdlets.ps1", lib/render/cmdlets.ts).
 */
export function configurationFiles(plan: Plan): OutputFile[] {
  return [
    ...zoneFiles(plan).map((z) => ({ name: z.flatName, content: z.content })),
    ...applianceRulesFiles(plan).map((f) => ({ name: f.name, content: f.content })),
    // Federation / hybrid cmdlets (Access Edge, hosting provider, tenant switch), when SIP federation is on.
    ...(plan.cmdlets.length > 0 ? [{ name: CMDLETS_FILE, content: cmdletsPowerShell(plan) }] : []),
  ];
}

/** The worksheet files followed by the configuration files: what `edge-lab worksheets` and `npm run synth` write. */
export async function renderOutputFiles(plan: Plan): Promise<OutputFile[]> {
  return [...(await renderWorksheetFiles(plan)), ...configurationFiles(plan)];
}

/**
 * Renders the worksheets and configuration files of `plan` and writes them to `<dir>/<scenario id>/` (replacing what was there).
 * Returns that directory and the file names written.
 */
export async function writeWorksheets(plan: Plan, dir: string): Promise<{ dir: string; files: string[] }> {
  const files = await renderOutputFiles(plan);
  const target = join(dir, plan.scenario.id);
  replaceDirectory(target, files);
  return { dir: target, files: files.map((f) => f.name) };
}
