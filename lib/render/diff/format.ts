/** Text (optionally coloured), Markdown and JSON renderings of a ScenarioDiff. */
import type { CmdletCall } from "../../model/plan";
import { Port } from "../../model/port";
import { callText } from "../cmdlets";
import type { ScenarioDiff } from "./index";
import type { FieldChange, Json, KeyedChange } from "./structural";

const show = (v: Json | undefined) => (v === undefined ? "(none)" : typeof v === "string" ? v : JSON.stringify(v));

function fieldText(f: FieldChange, lineIndent?: string): string {
  const path = f.path || "(value)";
  if (lineIndent !== undefined && f.path.endsWith("lines)")) {
    // Text compared line by line (scripts, cloud-init): one line each, like a unified diff.
    return [
      `${path}:`,
      ...(f.added ?? []).map((l) => `${lineIndent}+ ${show(l).trim()}`),
      ...(f.removed ?? []).map((l) => `${lineIndent}- ${show(l).trim()}`),
    ].join("\n");
  }
  if (f.added || f.removed) {
    return `${path}: ${[...(f.added ?? []).map((v) => `+${show(v)}`), ...(f.removed ?? []).map((v) => `-${show(v)}`)].join(" ")}`;
  }
  return `${path}: ${show(f.before)} -> ${show(f.after)}`;
}

/** One-line description of an added/removed item (rows are objects; pick the fields a reader recognises). */
function itemText(item: unknown): string {
  const o = item as Record<string, unknown>;
  if (typeof o !== "object" || o === null) return String(item);
  if ("call" in o && "shell" in o) return callText(o.call as CmdletCall);
  if ("values" in o && "name" in o) return `${(o.values as string[]).join(", ")}`;
  if ("direction" in o && o.ports instanceof Port) {
    const src = (o.source as { addresses: string[] }).addresses.join(", ");
    const dst = (o.destination as { addresses: string[] }).addresses.join(", ");
    return `${o.direction} ${o.ports} ${src} -> ${dst}`;
  }
  if ("addresses" in o && Array.isArray(o.addresses)) return (o.addresses as string[]).join("; ");
  if ("ip" in o && "service" in o) return `${o.service} ${o.ip}`;
  if ("subject" in o) return `subject ${o.subject}, SANs ${(o.sans as string[]).join(", ")}`;
  if ("value" in o && "item" in o) return String(o.value);
  return "";
}

interface Style {
  heading(text: string): string;
  added(text: string): string;
  removed(text: string): string;
  changed(text: string): string;
}

const plain: Style = { heading: (t) => t, added: (t) => t, removed: (t) => t, changed: (t) => t };
const ansi: Style = {
  heading: (t) => `\u001b[1m${t}\u001b[0m`,
  added: (t) => `\u001b[32m${t}\u001b[0m`,
  removed: (t) => `\u001b[31m${t}\u001b[0m`,
  changed: (t) => `\u001b[33m${t}\u001b[0m`,
};

function sectionLines(change: KeyedChange<unknown>, style: Style, indent: string): string[] {
  const out: string[] = [];
  for (const a of change.added) out.push(style.added(`${indent}+ ${a.key}${itemText(a.item) ? `: ${itemText(a.item)}` : ""}`));
  for (const r of change.removed) out.push(style.removed(`${indent}- ${r.key}${itemText(r.item) ? `: ${itemText(r.item)}` : ""}`));
  for (const c of change.changed) {
    out.push(style.changed(`${indent}~ ${c.key}`));
    for (const f of c.fields) out.push(`${indent}    ${fieldText(f, `${indent}      `)}`);
  }
  return out;
}

export function formatDiffText(diff: ScenarioDiff, color = false): string {
  const style = color ? ansi : plain;
  if (!diff.changed) return `No changes: ${diff.before} and ${diff.after} give the same plan${diff.terraform ? " and Terraform" : ""}.\n`;
  const out = [style.heading(`edge-lab diff ${diff.before} -> ${diff.after}`), ""];
  out.push(style.heading("Plan"));
  for (const s of diff.plan) {
    out.push(`  ${s.section}`);
    out.push(...sectionLines(s.change, style, "    "));
  }
  if (diff.actions.length) {
    out.push("", style.heading("Actions"));
    for (const a of diff.actions) out.push(`  * ${a}`);
  }
  if (diff.terraform) {
    const t = diff.terraform;
    out.push("", style.heading(`Terraform: ${t.added.length} to add, ${t.changed.length} to change, ${t.removed.length} to destroy`));
    out.push(
      ...sectionLines(
        { added: t.added.map((a) => ({ key: a.key, item: "" })), removed: t.removed.map((r) => ({ key: r.key, item: "" })), changed: t.changed },
        style,
        "  ",
      ),
    );
  }
  return out.join("\n") + "\n";
}

const md = (text: string) => text.replace(/\|/g, "\\|");

export function formatDiffMarkdown(diff: ScenarioDiff): string {
  if (!diff.changed) return `**edge-lab diff**: no changes between \`${diff.before}\` and \`${diff.after}\`.\n`;
  const out = [`### edge-lab diff \`${diff.before}\` -> \`${diff.after}\``, ""];
  for (const s of diff.plan) {
    out.push(`#### ${s.section}`, "", "| | Item | Change |", "|---|---|---|");
    for (const a of s.change.added) out.push(`| + | ${md(a.key)} | ${md(itemText(a.item))} |`);
    for (const r of s.change.removed) out.push(`| - | ${md(r.key)} | ${md(itemText(r.item))} |`);
    for (const c of s.change.changed) out.push(`| ~ | ${md(c.key)} | ${c.fields.map((f) => md(fieldText(f))).join("<br>")} |`);
    out.push("");
  }
  if (diff.actions.length) out.push("#### Actions", "", ...diff.actions.map((a) => `- ${a}`), "");
  if (diff.terraform) {
    const t = diff.terraform;
    out.push(`#### Terraform: ${t.added.length} to add, ${t.changed.length} to change, ${t.removed.length} to destroy`, "");
    out.push("<details><summary>Resources</summary>", "");
    for (const a of t.added) out.push(`- \`+ ${a.key}\``);
    for (const r of t.removed) out.push(`- \`- ${r.key}\``);
    for (const c of t.changed) out.push(`- \`~ ${c.key}\`: ${c.fields.map((f) => md(fieldText(f))).join("; ")}`);
    out.push("", "</details>", "");
  }
  return out.join("\n");
}

export function formatDiffJson(diff: ScenarioDiff): string {
  return JSON.stringify(diff, null, 2) + "\n";
}
