/**
 * The federation / hybrid configuration commands of a plan as a PowerShell file (`cmdlets.ps1` next to the
 * worksheets): every command preceded by comments saying what it does, where it runs and the document it comes from.
 * Values are quoted for PowerShell here and only here (single-quoted literals, `'` doubled; booleans as $true/$false;
 * parameter and cmdlet names checked against a strict pattern), so nothing from a scenario can break out of its argument.
 */
import type { CmdletCall, CmdletParameter, Plan, PlanCmdlet } from "../model/plan";
import { powerShellCommentText } from "../lab/escape";

export const CMDLETS_FILE = "cmdlets.ps1";

const NAME = /^[A-Za-z][A-Za-z0-9-]*$/;

/** A PowerShell single-quoted string literal: no expansion; a quote is doubled (also the typographic ones PowerShell treats as quotes). */
export function psLiteral(value: string): string {
  if ([...value].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f))
    throw new Error(`edge-lab: control character in a PowerShell value: ${JSON.stringify(value)}`);
  return `'${value.replace(/['\u2018\u2019\u201a\u201b]/g, (q) => q + q)}'`;
}

/** A comment line: one line, and nothing that would close or open a block comment (escape.ts). */
export function psComment(text: string): string {
  return `# ${powerShellCommentText(text)}`;
}

function checkedName(name: string): string {
  if (!NAME.test(name)) throw new Error(`edge-lab: not a PowerShell command or parameter name: ${JSON.stringify(name)}`);
  return name;
}

function parameterText(p: CmdletParameter): string {
  const name = `-${checkedName(p.name)}`;
  switch (p.kind) {
    case "switch":
      return name;
    case "boolean":
      return `${name} ${p.value ? "$true" : "$false"}`;
    case "string":
      return `${name} ${psLiteral(p.value)}`;
  }
}

/** One pipeline: `Get-CsHostingProvider | Where-Object -Property ProxyFqdn -EQ -Value '...' | Remove-CsHostingProvider`. */
export function callText(call: CmdletCall): string {
  return call.steps.map((step) => [checkedName(step.cmdlet), ...step.parameters.map(parameterText)].join(" ")).join(" | ");
}

/** Where a command runs; Lync Server 2013 names its shell the Lync Server Management Shell. */
export function shellName(product: Plan["scenario"]["product"], shell: PlanCmdlet["shell"]): string {
  if (shell === "tenant") return "Microsoft Teams PowerShell module (Connect-MicrosoftTeams as a Teams administrator)";
  return `${product === "lync2013" ? "Lync Server Management Shell" : "Skype for Business Server Management Shell"}, on a Front End Server of the federation route`;
}

export function cmdletsPowerShell(plan: Plan): string {
  const s = plan.scenario;
  const out: string[] = [
    psComment(`edge-lab: federation${plan.hybrid ? " and Microsoft 365 hybrid" : ""} configuration for ${s.title} (${s.id}).`),
    psComment("Generated from the scenario's plan; review, then run each block in the shell it names. Read-back checks: edge-lab checklist."),
  ];
  if (plan.hybrid?.phase === "teams-only") {
    out.push(psComment('Teams Only cutover: change the external DNS to the cutover table (worksheet, "Teams Only cutover") BEFORE these commands.'));
  }
  for (const c of plan.cmdlets) {
    out.push(
      "",
      psComment(`[${c.id}] ${c.purpose}.`),
      psComment(`Runs in: ${shellName(s.product, c.shell)}.`),
      psComment(`Source: ${c.source}${c.refs.length ? ` (${c.refs.join(", ")})` : ""}.`),
      callText(c.call),
    );
  }
  return `${out.join("\r\n")}\r\n`;
}
