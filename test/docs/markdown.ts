/**
 * Reading the documentation's code and links (issue 19): README.md, CONTRIBUTING.md and docs/*.md. The checks are in
 * test/docs/snippets.test.ts (scenario and JSON snippets, links: unit project) and test/docs/typescript.test.ts (the
 * TypeScript snippets, type-checked by the compiler against the whole project: system project, as a build).
 *
 * - ```yaml blocks are scenario files: the project's own loader (loadScenarioText, what `edge-lab validate` runs) must
 *   accept each without an error. A partial one is marked ```yaml fragment and is then only parsed as YAML.
 * - ```ts blocks are type-checked together in one TypeScript program with the project's compiler options, each as a
 *   module of its own; `edge-lab` and `edge-lab/<path>` imports resolve to the checkout, as in a user's project. A
 *   block that cannot compile alone is marked ```ts fragment and is then only parsed.
 * - ```json blocks must parse.
 * - Shell, text and diagram blocks are not checked; any other language fails, so that no snippet goes unchecked.
 * - Every relative link (and image) points at an existing file, and an #anchor into a Markdown file at one of its
 *   headings.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { parseDocument } from "yaml";
import { loadScenarioText } from "../../lib/model/load";
import { ROOT } from "../helpers";

/** The documents: the README, the contributor guide and docs/*.md (docs/api/ is generated TypeDoc output). */
export function documents(root: string = ROOT): string[] {
  const docs = join(root, "docs");
  const inDocs = existsSync(docs)
    ? readdirSync(docs)
        .filter((f) => f.endsWith(".md"))
        .map((f) => join(docs, f))
    : [];
  return [join(root, "README.md"), join(root, "CONTRIBUTING.md"), ...inDocs.sort()];
}

export interface Block {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  flags: string[];
  text: string;
}

/** The fenced code blocks of a Markdown text (``` or ~~~ fences, at most three spaces of indentation). */
export function codeBlocks(file: string, markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`).test(lines[j])) body.push(lines[j++]);
    blocks.push({ file, line: i + 1, lang: open[2].toLowerCase(), flags: open[3].split(/\s+/).filter(Boolean), text: body.join("\n") + "\n" });
    i = j;
  }
  return blocks;
}

export const YAML = new Set(["yaml", "yml"]);
export const TYPESCRIPT = new Set(["ts", "typescript"]);
/** Languages that are shown, not checked: shell sessions, program output, diagrams. */
export const UNCHECKED = new Set(["", "bash", "sh", "shell", "console", "text", "mermaid"]);

export const where = (b: Block) => `${relative(ROOT, b.file)}:${b.line}`;

/** Why a YAML block fails, or [] when it passes. */
export function yamlProblems(b: Block): string[] {
  if (b.flags.includes("fragment")) {
    const doc = parseDocument(b.text);
    return doc.errors.map((e) => `${where(b)}: YAML fragment does not parse: ${e.message}`);
  }
  // A file name that gives a valid scenario id, as a user's file would.
  const result = loadScenarioText(b.text, "docs-snippet.yaml");
  return result.problems.filter((p) => p.severity === "error").map((p) => `${where(b)}: [${p.rule}] ${p.path}: ${p.message}`);
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .replace(/`/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The anchors of a Markdown file's headings (outside code blocks), with GitHub's -1, -2 for repeated ones. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of withoutCode(markdown, false).split("\n")) {
    const m = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The text with fenced blocks (and inline code) blanked, lines kept, so that they yield no links or headings. */
function withoutCode(markdown: string, inline = true): string {
  const lines = markdown.split("\n");
  let fence: string | undefined;
  return lines
    .map((line) => {
      const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
      if (fence) {
        if (m && m[1][0] === fence[0] && m[1].length >= fence.length) fence = undefined;
        return "";
      }
      if (m) {
        fence = m[1];
        return "";
      }
      return inline ? line.replace(/(`+)[\s\S]*?\1/g, "") : line;
    })
    .join("\n");
}

/** The relative link targets of a Markdown text (inline links and images, and reference definitions), with lines. */
export function relativeLinks(markdown: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = [];
  withoutCode(markdown)
    .split("\n")
    .forEach((text, i) => {
      const targets = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
      const definition = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(text);
      if (definition) targets.push(definition[1]);
      for (const target of targets) if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) out.push({ line: i + 1, target });
    });
  return out;
}

/** Targets that may be missing for now (none: every link must resolve). */
const NOT_YET_WRITTEN: ReadonlySet<string> = new Set();

/** Why each broken link of a document is broken. */
export function linkProblems(file: string, markdown: string, allowMissing: ReadonlySet<string> = NOT_YET_WRITTEN): string[] {
  const problems: string[] = [];
  for (const { line, target } of relativeLinks(markdown)) {
    const [path, anchor] = target.split("#", 2) as [string, string | undefined];
    const resolved = path === "" ? file : resolve(dirname(file), decodeURIComponent(path));
    const at = `${relative(ROOT, file)}:${line}: ${target}`;
    if (path === "") {
      if (anchor !== undefined && !anchors(markdown).has(anchor)) problems.push(`${at}: no heading with the anchor #${anchor}`);
      continue;
    }
    if (!existsSync(resolved)) {
      if (!allowMissing.has(relative(ROOT, resolved).split("\\").join("/"))) problems.push(`${at}: no such file`);
      continue;
    }
    if (anchor !== undefined && resolved.endsWith(".md") && statSync(resolved).isFile() && !anchors(readFileSync(resolved, "utf8")).has(anchor)) {
      problems.push(`${at}: no heading with the anchor #${anchor}`);
    }
  }
  return problems;
}
