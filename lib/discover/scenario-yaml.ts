/**
 * The discovered scenario as a commented YAML file, built with the `yaml` library's Document API so that each comment
 * sits on the key it explains: a header (how the file was made, the questions, what was seen), a note before each
 * inferred key, `QUESTION Qn` placeholders for required answers, and commented-out lines for optional ones (the
 * schema's default applies until they are uncommented).
 */
import { Document, isMap, isSeq, isScalar, stringify, type Node, type YAMLMap } from "yaml";
import type { Inferred } from "./infer";
import type { Observations } from "./observe";
import type { Path, Question } from "./view";

const indent = (text: string, prefix = " ") =>
  text
    .split("\n")
    .map((l) => prefix + l)
    .join("\n");

const appendComment = (existing: string | null | undefined, text: string) => (existing ? `${existing}\n${text}` : text);

/** The node whose comment describes `path`: the key scalar in a map, the item in a list. */
function commentTarget(doc: Document, path: Path): { commentBefore?: string | null } | undefined {
  const parent = path.length > 1 ? doc.getIn(path.slice(0, -1), true) : doc.contents;
  const last = path[path.length - 1];
  if (isMap(parent)) {
    const pair = parent.items.find((p) => isScalar(p.key) && p.key.value === last);
    return pair && isScalar(pair.key) ? pair.key : undefined;
  }
  if (isSeq(parent) && typeof last === "number") return parent.items[last] as Node | undefined;
  return undefined;
}

function note(doc: Document, path: Path, text: string): void {
  const target = commentTarget(doc, path);
  if (target) target.commentBefore = appendComment(target.commentBefore, indent(text));
}

/** Nests `value` under the remaining keys of `path` for a commented-out example. */
function nested(rest: Path, value: unknown): unknown {
  return rest.reduceRight<unknown>((v, key) => (typeof key === "number" ? [v] : { [key]: v }), value);
}

function optional(doc: Document, q: Question): void {
  const head = `${q.id} (optional): ${q.text}`;
  const exists = doc.hasIn(q.path);
  for (let k = q.path.length - 1; k >= 0; k--) {
    const at = k === 0 ? doc.contents : doc.getIn(q.path.slice(0, k), true);
    if (!isMap(at)) continue;
    const example = stringify(nested(q.path.slice(k), q.suggestion), { lineWidth: 0 }).trimEnd();
    const text = `${head}${exists ? "; instead:" : ""}\n${indent(example, " ")}`;
    if (exists) note(doc, q.path, text);
    else (at as YAMLMap).comment = appendComment((at as YAMLMap).comment, indent(text));
    return;
  }
}

function header(inferred: Inferred, o: Observations): string {
  const required = inferred.questions.filter((q) => q.required);
  const lines = [
    `Discovered by \`edge-lab discover ${o.domain}\` on ${o.at} (resolver: ${o.resolver}) from public DNS and TLS only.`,
    "What cannot be seen from outside is asked below. Required questions hold a value QUESTION Qn: ... that",
    "`edge-lab validate` rejects (its line and column point at the placeholder): replace each with your answer.",
    "Optional questions are commented out: the schema's default (Microsoft's example) applies until you uncomment them.",
    "",
    `Questions (${required.length} required, ${inferred.questions.length - required.length} optional):`,
    ...inferred.questions.map((q) => `  ${q.id} ${q.required ? "(required)" : "(optional)"} ${q.path.join(".")}: ${q.text}`),
    "",
    `Findings: ${inferred.findings.length} (${inferred.findings.filter((f) => f.severity === "error").length} errors): ${[...new Set(inferred.findings.map((f) => f.rule))].join(", ") || "none"}`,
    "",
    "Seen:",
    ...inferred.facts.map((f) => `  ${f}`),
  ];
  return indent(lines.join("\n"));
}

/** The scenario file text. */
export function scenarioYaml(inferred: Inferred, o: Observations): string {
  const doc = new Document(inferred.scenario);
  doc.commentBefore = header(inferred, o);
  for (const n of inferred.notes) note(doc, n.path, n.text);
  for (const q of inferred.questions) if (q.required) note(doc, q.path, `${q.id} (required): ${q.text}`);
  for (const q of inferred.questions) if (!q.required) optional(doc, q);
  return doc.toString({ lineWidth: 0 });
}
