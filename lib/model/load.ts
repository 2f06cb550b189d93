/**
 * Scenario loading: YAML text -> zod-validated input -> resolved scenario -> rule checks -> plan.
 * Every failure becomes a `Problem` with file, field path, line/column, rule id and message; nothing throws for
 * bad input. Used by the CLI, the cdktf app and the tests alike.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import { basename, extname } from "node:path";
import { CST, LineCounter, Lexer, isMap, isNode, isPair, isScalar, isSeq, parseDocument, type Document } from "yaml";
import type { z } from "zod";
import { textFindings } from "./lab/text";
import { EndpointsFileError, parseEndpointsFile, scenarioOverlaps, SNAPSHOT, stalenessMessage, type M365Endpoints } from "./m365-endpoints";
import { derivePlan, type Plan } from "./plan";
import { resolveScenario, type ResolvedScenario } from "./resolve";
import { checkScenario, explain, type Problem } from "./rules";
import { ScenarioSchema, type ScenarioProps } from "./schema";
import { flattenIssues, receivedWords, schemaErrorMap } from "./schema-errors";
import { closestKey, knownKeysAt } from "./suggest";
import { UserError } from "../errors";

export const MAX_SCENARIO_BYTES = 1024 * 1024;

/**
 * Bounds on a YAML document, checked by a linear scan of its tokens before it is parsed: the yaml library's parser
 * is quadratic in the keys of one mapping (uniqueness check) and expands aliases, so a 1 MB file of keys or anchors
 * would take minutes. A real scenario has a few hundred tokens, no anchors and a nesting depth under 10.
 */
export const YAML_LIMITS = {
  /** Anchors and aliases (`&a`, `*a`) in one file. */
  anchors: 20,
  aliases: 20,
  /** Mapping keys in the whole file (the largest bundled scenario has about 60, a 12 x 4 pool about 300). */
  keys: 2000,
  /** Scalars (keys and values) in the whole file. */
  scalars: 10000,
  /** Nesting of flow collections ([...], {...}) and block indentation in columns. */
  flowDepth: 32,
  indent: 128,
} as const;

export interface LoadOptions {
  /** Microsoft 365 address ranges (an endpoints file read with `readEndpointsFile`). @default the shipped snapshot */
  readonly m365Endpoints?: M365Endpoints;
  /** The date the snapshot's age is measured at (hybrid scenarios). @default now */
  readonly now?: Date;
}

export interface LoadResult {
  /** True when there is no error (warnings may remain). */
  readonly ok: boolean;
  readonly problems: readonly Problem[];
  readonly scenario?: ResolvedScenario;
  readonly plan?: Plan;
}

type PathSegment = string | number;

/** "sites[0].edge.servers" <-> ["sites", 0, "edge", "servers"]. */
export function formatPath(path: readonly PathSegment[]): string {
  return path.reduce<string>((out, seg) => (typeof seg === "number" ? `${out}[${seg}]` : out ? `${out}.${seg}` : seg), "");
}

export function parsePath(path: string): PathSegment[] {
  const out: PathSegment[] = [];
  for (const m of path.matchAll(/([^.[\]]+)|\[(\d+)\]/g)) out.push(m[2] !== undefined ? Number(m[2]) : m[1]);
  return out;
}

/** Locates a field in the YAML document: the deepest existing node on the path (a key when `key` is given). */
function locate(doc: Document | undefined, lines: LineCounter, path: readonly PathSegment[], key?: string): { line: number; column: number } | undefined {
  if (!doc) return undefined;
  let node: unknown = doc.contents;
  let offset: number | undefined = isNode(node) ? node.range?.[0] : undefined;
  const segments = key === undefined ? path : [...path, key];
  for (const seg of segments) {
    if (isMap(node)) {
      const pair = node.items.find((p) => isPair(p) && isScalar(p.key) && String(p.key.value) === String(seg));
      if (!pair) break;
      offset = isNode(pair.key) ? pair.key.range?.[0] : offset;
      node = pair.value;
      if (isNode(node) && seg !== key) offset = node.range?.[0] ?? offset;
    } else if (isSeq(node) && typeof seg === "number" && node.items[seg] !== undefined) {
      node = node.items[seg];
      if (isNode(node)) offset = node.range?.[0] ?? offset;
    } else {
      break;
    }
  }
  if (offset === undefined) return undefined;
  const pos = lines.linePos(offset);
  return { line: pos.line, column: pos.col };
}

/** Schema problems in file order (zod reports them in schema order); problems without a location keep their order, last. */
function byLocation(a: Problem, b: Problem): number {
  return (a.line ?? Infinity) - (b.line ?? Infinity) || (a.column ?? 0) - (b.column ?? 0);
}

/** ": did you mean "x"?" for each unknown key close to a known key of the same object. */
function didYouMean(keys: readonly string[], path: readonly PathSegment[]): string {
  const known = knownKeysAt(ScenarioSchema, path);
  const guesses = keys.map((k) => closestKey(k, known)).filter((g): g is string => g !== undefined);
  return guesses.length ? `: did you mean ${guesses.map((g) => `"${g}"`).join(", ")}?` : "";
}

/** The value at `path` in the parsed file (undefined when absent). */
function valueAt(input: unknown, path: readonly PathSegment[]): unknown {
  let value = input;
  for (const seg of path) {
    if (value === null || typeof value !== "object" || !Object.prototype.hasOwnProperty.call(value, seg)) return undefined;
    value = (value as Record<PathSegment, unknown>)[seg];
  }
  return value;
}

/** A key that looks like a field name (letters, digits, hyphens, underscores): only such keys are quoted in messages. */
const FIELD_NAME_LIKE = /^[A-Za-z][A-Za-z0-9_-]{0,39}$/;

/** The unknown keys of an object, quoted; a key that is no field name (a password hash, a line of text) is not shown. */
function unknownKeysText(keys: readonly string[]): string {
  const shown = keys.filter((k) => FIELD_NAME_LIKE.test(k)).map((k) => JSON.stringify(k));
  const hidden = keys.length - shown.length;
  const hiddenText = hidden ? `${hidden === 1 ? "a key" : `${hidden} keys`} that ${hidden === 1 ? "is" : "are"} no field name, not shown` : "";
  if (shown.length === 0) return `unknown ${hidden === 1 ? "key" : "keys"} (${hiddenText})`;
  return `unknown key${keys.length > 1 ? "s" : ""} ${shown.join(", ")}${hidden ? ` (and ${hiddenText})` : ""}`;
}

function schemaProblems(error: z.ZodError, input: unknown, file: string | undefined, doc: Document | undefined, lines: LineCounter): Problem[] {
  return flattenIssues(error.issues)
    .map((issue): Problem => {
      const path = issue.path.filter((p): p is PathSegment => typeof p !== "symbol");
      const rule = (issue.code === "custom" && (issue.params as { rule?: string } | undefined)?.rule) || "SCHEMA";
      const unknownKey = issue.code === "unrecognized_keys" ? issue.keys[0] : undefined;
      const where = locate(doc, lines, path, unknownKey);
      const message =
        issue.code === "unrecognized_keys"
          ? `${unknownKeysText(issue.keys)}${didYouMean(
              issue.keys.filter((k) => FIELD_NAME_LIKE.test(k)),
              path,
            )} (see the scenario format in docs/scenario.md)`
          : // A field left out: say that it is required, then what it takes.
            ["invalid_type", "invalid_value", "invalid_union"].includes(issue.code) &&
              valueAt(input, path) === undefined &&
              !issue.message.startsWith("required")
            ? `required: ${issue.message}`
            : issue.message;
      return { severity: "error" as const, rule: rule as Problem["rule"], path: formatPath(path), message, ...(file ? { file } : {}), ...where };
    })
    .sort(byLocation);
}

function finish(
  input: unknown,
  file: string | undefined,
  doc: Document | undefined,
  lines: LineCounter,
  defaultedId?: string,
  options: LoadOptions = {},
): LoadResult {
  // Strings that would be evaluated by Terraform / cdktf or break a line-oriented output, in any field (LAB-TEXT-*).
  const text = textFindings(input).map((f): Problem => ({
    severity: "error",
    rule: f.rule,
    path: formatPath(f.path),
    message: f.message,
    ...(file ? { file } : {}),
    ...locate(doc, lines, f.path),
  }));
  // zod's texts name types ("expected object, received boolean"); the error map says what the field takes, in words.
  const parsed = ScenarioSchema.safeParse(input, { error: schemaErrorMap });
  if (text.length > 0)
    return { ok: false, problems: [...text, ...(parsed.success ? [] : schemaProblems(parsed.error, input, file, doc, lines))].sort(byLocation) };
  if (!parsed.success) {
    const problems = schemaProblems(parsed.error, input, file, doc, lines).map((p) =>
      // The id was not written in the file: say where the bad value came from.
      defaultedId !== undefined && p.path === "id"
        ? { ...p, message: `no id given, and the file name gives "${defaultedId}", which is not a valid id (${p.message}); add an id: line or rename the file` }
        : p,
    );
    return { ok: false, problems };
  }
  const scenario = resolveScenario(parsed.data);
  const problems: Problem[] = checkScenario(scenario).map((finding) => ({
    ...finding,
    ...(file ? { file } : {}),
    ...locate(doc, lines, parsePath(finding.path)),
  }));
  if (problems.some((p) => p.severity === "error")) return { ok: false, problems, scenario };
  const endpoints = options.m365Endpoints ?? SNAPSHOT;
  // LAB-M365-01: Microsoft 365's ranges (snapshot or --m365-endpoints) inside the scenario's own networks.
  const overlaps = scenarioOverlaps(scenario, endpoints).map((f): Problem => ({ ...f, ...(file ? { file } : {}), ...locate(doc, lines, parsePath(f.path)) }));
  if (overlaps.length > 0) return { ok: false, problems: [...problems, ...overlaps], scenario };
  const stale = scenario.hybrid ? stalenessMessage(endpoints, options.now ?? new Date()) : undefined;
  if (stale)
    problems.push({
      severity: "warning",
      rule: "M365-ENDPOINTS",
      path: "hybrid",
      message: stale,
      ...(file ? { file } : {}),
      ...locate(doc, lines, ["hybrid"]),
    });
  return { ok: true, problems, scenario, plan: derivePlan(scenario, { m365Endpoints: endpoints }) };
}

/**
 * Reads a file of Microsoft's endpoints web service (`--m365-endpoints`); problems name the file, one per bad entry
 * (`problems`; `problem` is the first).
 */
export function readEndpointsFile(file: string): { endpoints?: M365Endpoints; problem?: Problem; problems?: readonly Problem[] } {
  const problem = (message: string): { problem: Problem; problems: Problem[] } => {
    const p: Problem = { severity: "error", rule: "FILE", path: "", message, file };
    return { problem: p, problems: [p] };
  };
  let text: string;
  try {
    // The same reader as for scenarios: regular files only, at most MAX_SCENARIO_BYTES (the service's whole answer is
    // about 100 KB).
    text = readScenarioBytes(file).toString("utf8");
  } catch (e) {
    if (!(e instanceof ScenarioFileError)) throw e;
    return problem(
      `${e.message
        .replace("scenario files are", "endpoints files are")
        .replace("give a scenario file", "give the endpoints JSON file")
        .replace("is a directory, not a scenario file", "is a directory; give the endpoints JSON file")} (--m365-endpoints)`,
    );
  }
  try {
    return { endpoints: parseEndpointsFile(text, file) };
  } catch (e) {
    if (e instanceof EndpointsFileError) {
      const problems = e.problems.map((p): Problem => ({ severity: "error", rule: p.rule, path: p.path, message: `${p.message} (--m365-endpoints)`, file }));
      return { problem: problems[0], problems };
    }
    throw e;
  }
}

/**
 * The first YAML_LIMITS bound the text breaks, with where, or undefined. One pass of the yaml library's lexer:
 * linear in the size of the text (under 0.2 s for 1 MB), unlike parsing.
 */
function yamlLimitProblem(text: string): { message: string; line?: number; column?: number } | undefined {
  const counts = { anchors: 0, aliases: 0, keys: 0, scalars: 0 };
  let depth = 0;
  let offset = 0;
  let line = 1;
  let lineOffset = 0;
  const at = (message: string) => ({
    message: `YAML: ${message}; a scenario file needs none of this (limits: ${YAML_LIMITS.anchors} anchors, ${YAML_LIMITS.aliases} aliases, ${YAML_LIMITS.keys} keys, nesting ${YAML_LIMITS.flowDepth} deep)`,
    line,
    column: offset - lineOffset + 1,
  });
  let lineStart = true;
  for (const token of new Lexer().lex(text)) {
    const type = CST.tokenType(token);
    switch (type) {
      case "anchor":
        if (++counts.anchors > YAML_LIMITS.anchors) return at(`more than ${YAML_LIMITS.anchors} anchors (&name)`);
        break;
      case "alias":
        if (++counts.aliases > YAML_LIMITS.aliases) return at(`more than ${YAML_LIMITS.aliases} aliases (*name)`);
        break;
      case "map-value-ind":
      case "explicit-key-ind":
        if (++counts.keys > YAML_LIMITS.keys) return at(`more than ${YAML_LIMITS.keys} keys`);
        break;
      case "scalar":
      case "single-quoted-scalar":
      case "double-quoted-scalar":
      case "block-scalar-header":
        if (++counts.scalars > YAML_LIMITS.scalars) return at(`more than ${YAML_LIMITS.scalars} values`);
        break;
      case "flow-map-start":
      case "flow-seq-start":
        if (++depth > YAML_LIMITS.flowDepth) return at(`brackets nested more than ${YAML_LIMITS.flowDepth} deep`);
        break;
      case "flow-map-end":
      case "flow-seq-end":
        depth = Math.max(0, depth - 1);
        break;
      case "space":
        if (lineStart && token.length > YAML_LIMITS.indent) return at(`a line indented by more than ${YAML_LIMITS.indent} columns (nesting too deep)`);
        break;
    }
    lineStart = type === "newline";
    offset += token.length;
    if (lineStart) {
      line++;
      lineOffset = offset;
    }
  }
  return undefined;
}

/** Default scenario id from a file name: "scenario-1-single-nat.yaml" -> "scenario-1-single-nat". */
export function idFromFileName(file: string): string {
  return basename(file, extname(file)).toLowerCase();
}

/**
 * Why `input` (a parsed file) is not a scenario, or undefined: not a mapping, or a mapping with no scenario field
 * among its top-level keys (a misspelt field counts as one), or with five or more other keys outnumbering them.
 */
function notAScenario(input: unknown): string | undefined {
  if (input === null || typeof input !== "object" || Array.isArray(input))
    return `it holds ${receivedWords(input)}, not a mapping of scenario fields such as sipDomains: [contoso.com]`;
  const known = knownKeysAt(ScenarioSchema, []);
  const keys = Object.keys(input);
  const fields = keys.filter((k) => known.includes(k) || closestKey(k, known) !== undefined).length;
  const others = keys.length - fields;
  if (fields === 0 && keys.length > 0)
    return `none of its ${keys.length} top-level key${keys.length === 1 ? " is a" : "s is a"} scenario field (such as sipDomains, sites, federation)`;
  if (others >= 5 && others > fields) return `${others} of its ${keys.length} top-level keys are not scenario fields (such as sipDomains, sites, federation)`;
  return undefined;
}

/** Loads scenario text (YAML or JSON). `file` is used in messages and for the default id. */
export function loadScenarioText(text: string, file?: string, options: LoadOptions = {}): LoadResult {
  const lines = new LineCounter();
  const fileProblem = (message: string, rule: Problem["rule"] = "YAML", line?: number, column?: number): Problem => ({
    severity: "error",
    rule,
    path: "",
    message,
    ...(file ? { file } : {}),
    ...(line ? { line, column } : {}),
  });
  if (text.includes("\u0000")) return { ok: false, problems: [fileProblem("the file contains binary data (NUL bytes); expected a YAML scenario")] };
  const tooComplex = yamlLimitProblem(text);
  if (tooComplex) return { ok: false, problems: [fileProblem(tooComplex.message, "YAML", tooComplex.line, tooComplex.column)] };
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true, prettyErrors: true, strict: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      problems: doc.errors.map((e) => {
        // Without prettyErrors the yaml library leaves `linePos` unset; compute it from the error offset.
        const pos = e.linePos?.[0] ?? lines.linePos(Math.min(e.pos[0], text.length));
        const text0 = e.message.split("\n")[0].replace(/ at line \d+, column \d+:?$/, "");
        // The yaml library's advice ("use YAML.parseAllDocuments()") is meant for programmers, not scenario authors.
        const message = /multiple documents/.test(text0) ? 'a scenario file holds one YAML document; remove the second "---" and what follows' : text0;
        return fileProblem(`YAML syntax: ${message}`, "YAML", pos.line, pos.col);
      }),
    };
  }
  // A document of nothing but comments, "---" or a bare null has no scenario in it.
  if (doc.contents === null || (isScalar(doc.contents) && doc.contents.value === null))
    return { ok: false, problems: [fileProblem("the file is empty; a scenario needs at least sipDomains")] };
  let input: unknown;
  try {
    input = doc.toJS({ maxAliasCount: 50 });
  } catch (e) {
    return { ok: false, problems: [fileProblem(`YAML: ${(e as Error).message}`)] };
  }
  // A file that is not a scenario at all (a list, a text, someone's /etc/shadow) is named, its content never shown.
  const notScenario = notAScenario(input);
  if (notScenario) return { ok: false, problems: [fileProblem(`the file is not a scenario: ${notScenario}; its content is not shown`, "SCHEMA", 1, 1)] };
  let defaultedId: string | undefined;
  if (input !== null && typeof input === "object" && !Array.isArray(input) && !("id" in input) && file) {
    defaultedId = idFromFileName(file);
    input = { id: defaultedId, ...input };
  }
  return finish(input, file, doc, lines, defaultedId, options);
}

/** Thrown by `readScenarioBytes` with a message for the user (no stack trace, no errno text). */
export class ScenarioFileError extends UserError {}

/**
 * Reads a scenario file: regular files only (a FIFO, socket or device would block or never end), opened without
 * blocking and without following a FIFO's writer, and at most MAX_SCENARIO_BYTES read whatever size the file claims
 * (it may grow while read).
 */
export function readScenarioBytes(file: string): Buffer {
  let fd: number;
  try {
    fd = openSync(file, constants.O_RDONLY | constants.O_NONBLOCK | (constants.O_NOCTTY ?? 0));
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    throw new ScenarioFileError(
      err.code === "ENOENT"
        ? "no such file"
        : err.code === "EACCES"
          ? "permission denied"
          : err.code === "EISDIR"
            ? "is a directory, not a scenario file"
            : `cannot read: ${err.code ?? err.message}`,
    );
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) throw new ScenarioFileError("is a directory, not a scenario file");
    if (!stat.isFile())
      throw new ScenarioFileError(
        `is not a regular file (${stat.isFIFO() ? "a FIFO" : stat.isSocket() ? "a socket" : stat.isCharacterDevice() || stat.isBlockDevice() ? "a device" : "a special file"}); give a scenario file`,
      );
    if (stat.size > MAX_SCENARIO_BYTES)
      throw new ScenarioFileError(`the file is ${stat.size} bytes; scenario files are limited to ${MAX_SCENARIO_BYTES} bytes`);
    const buffer = Buffer.alloc(MAX_SCENARIO_BYTES + 1);
    let length = 0;
    for (;;) {
      const n = readSync(fd, buffer, length, buffer.length - length, null);
      if (n === 0) break;
      length += n;
      if (length > MAX_SCENARIO_BYTES)
        throw new ScenarioFileError(`the file is larger than ${MAX_SCENARIO_BYTES} bytes; scenario files are limited to ${MAX_SCENARIO_BYTES} bytes`);
    }
    return buffer.subarray(0, length);
  } catch (e) {
    if (e instanceof ScenarioFileError) throw e;
    throw new ScenarioFileError(`cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  } finally {
    closeSync(fd);
  }
}

export function loadScenarioFile(file: string, options: LoadOptions = {}): LoadResult {
  let text: string;
  try {
    text = readScenarioBytes(file).toString("utf8");
  } catch (e) {
    if (!(e instanceof ScenarioFileError)) throw e;
    return { ok: false, problems: [{ severity: "error", rule: "FILE", path: "", message: e.message, file }] };
  }
  return loadScenarioText(text, file, options);
}

/** For TypeScript users: validates props and returns the plan, or throws `ScenarioError` listing every problem. */
export function planFromProps(props: ScenarioProps, options: LoadOptions = {}): Plan {
  const result = finish(props, undefined, undefined, new LineCounter(), undefined, options);
  if (!result.ok || !result.plan) throw new ScenarioError(result.problems);
  return result.plan;
}

export class ScenarioError extends UserError {
  constructor(readonly problems: readonly Problem[]) {
    super(
      problems
        .filter((p) => p.severity === "error")
        .map(formatProblem)
        .join("\n"),
    );
  }
}

/** One problem as a line (plus the rule's explanation): "file:line:col: error [RULE] path: message". */
export function formatProblem(p: Problem): string {
  const where = [p.file, p.line, p.column].filter((x) => x !== undefined).join(":");
  const head = `${where ? `${where}: ` : ""}${p.severity} [${p.rule}]${p.path ? ` ${p.path}:` : ""} ${p.message}`;
  const why = explain(p.rule);
  return why && p.rule !== "SCHEMA" ? `${head}\n    ${p.rule}: ${why}` : head;
}
