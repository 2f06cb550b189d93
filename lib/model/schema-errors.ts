/**
 * Schema errors in words (issue 22). zod's own texts ("Invalid input", "expected object, received boolean") name
 * types, not scenario fields, and a union reports only that no branch matched. Two parts, both generic:
 *
 * - `schemaErrorMap`, the per-parse error map: a type error or a failed union without a message of its own says what
 *   the field expects in words (from the schema itself: "a mapping of tenantDomains, phase, ...", "true or false",
 *   "a list of DNS domain names"), what it got (a type, never the value), and an example built from the schema;
 * - `flattenIssues`: a failed union whose input matched one branch's type (a mapping given to a boolean-or-mapping
 *   field) is replaced by that branch's own issues, so the path names the bad element inside it.
 */
import type { z } from "zod";
import { defOf, type AnySchema } from "./zod-def";

/** Words and an example for a leaf schema (names, addresses): registered where the schema is defined. */
export interface SchemaWords {
  /** "a DNS domain name" */
  readonly words: string;
  /** The plural, for a list of them: "DNS domain names". */
  readonly plural: string;
  /** As written in a YAML file: "contoso.com". */
  readonly example: string;
}

const WORDS = new WeakMap<object, SchemaWords>();

/** Registers the words and example of `schema` (returned unchanged). */
export function withWords<T extends object>(schema: T, words: SchemaWords): T {
  WORDS.set(schema, words);
  return schema;
}

const optionalIn = (schema: AnySchema): boolean => (schema as unknown as { _zod: { optin?: string } })._zod.optin !== undefined;
const minimumOf = (schema: AnySchema): number | undefined => (schema as unknown as { _zod: { bag?: { minimum?: number } } })._zod.bag?.minimum;

/** The schema a value is checked against first: through optional, default, pipes (their input side) and the like. */
function unwrap(schema: AnySchema): AnySchema {
  for (let depth = 0; depth < 10 && !WORDS.has(schema); depth++) {
    const def = defOf(schema);
    if (["optional", "default", "prefault", "nullable", "readonly", "catch", "nonoptional"].includes(def.type) && def.innerType) schema = def.innerType;
    else if (def.type === "pipe" && def.in) schema = def.in;
    else break;
  }
  return schema;
}

const quote = (value: unknown) => (typeof value === "string" ? JSON.stringify(value) : String(value));
const alternatives = (items: readonly string[]) => (items.length <= 2 ? items.join(" or ") : `one of ${items.join(", ")}`);

/** What a value of `schema` is, in words: "a mapping of fqdn, address", "true or false", "a list of ...". */
export function schemaWords(schema: AnySchema, depth = 0): string {
  const s = unwrap(schema);
  const registered = WORDS.get(s);
  if (registered) return registered.words;
  const def = defOf(s);
  switch (def.type) {
    case "object": {
      const keys = Object.keys(def.shape ?? {});
      return keys.length ? `a mapping of ${keys.slice(0, 4).join(", ")}${keys.length > 4 ? ", ..." : ""}` : "a mapping";
    }
    case "array": {
      const element = def.element ? WORDS.get(unwrap(def.element)) : undefined;
      return element ? `a list of ${element.plural}` : "a list";
    }
    case "boolean":
      return "true or false";
    case "number":
      return "a number";
    case "string":
      return "a text";
    case "enum":
      return alternatives(Object.values(def.entries ?? {}).map(quote));
    case "literal":
      return alternatives((def.values ?? []).map(quote));
    case "union":
      return depth > 2 ? "another value" : (def.options ?? []).map((o) => schemaWords(o, depth + 1)).join(" or ");
    default:
      return "another value";
  }
}

/** An example value of `schema` as written in YAML (flow style): "{ tenantDomains: [contoso.com] }", "true". */
export function schemaExample(schema: AnySchema, depth = 0): string {
  const s = unwrap(schema);
  const registered = WORDS.get(s);
  if (registered) return registered.example;
  const def = defOf(s);
  switch (def.type) {
    case "object": {
      const shape = def.shape ?? {};
      const keys = Object.keys(shape);
      // The required keys, or the first one when every key is optional.
      const shown = keys.filter((k) => !optionalIn(shape[k]));
      const fields = (shown.length ? shown : keys.slice(0, 1)).slice(0, 3);
      return depth > 2 || fields.length === 0 ? "{ ... }" : `{ ${fields.map((k) => `${k}: ${schemaExample(shape[k], depth + 1)}`).join(", ")} }`;
    }
    case "array":
      return depth > 2 || !def.element ? "[...]" : `[${schemaExample(def.element, depth + 1)}]`;
    case "boolean":
      return "true";
    case "number":
      return String(minimumOf(s) ?? 1);
    case "enum":
      return String(Object.values(def.entries ?? {})[0]);
    case "literal":
      return String((def.values ?? [])[0]);
    case "union":
      return def.options?.length ? schemaExample(def.options[0], depth + 1) : "...";
    default:
      return '"..."';
  }
}

/** What the file holds instead, as a type in words; never the value itself (it may be anything, a password too). */
export function receivedWords(input: unknown): string {
  if (input === null) return "an empty value";
  if (Array.isArray(input)) return "a list";
  switch (typeof input) {
    case "boolean":
      return String(input); // true or false: a YAML word, not content
    case "number":
    case "bigint":
      return "a number";
    case "string":
      return "a text";
    case "object":
      return "a mapping";
    default:
      return "another value";
  }
}

type RawIssue = z.core.$ZodRawIssue & { readonly inst?: unknown; readonly path?: readonly PropertyKey[] };

/** "e.g. key: example" (the field's own key when the issue has one), "e.g. example" for a list entry. */
function exampleText(schema: AnySchema, path: readonly PropertyKey[] | undefined): string {
  const key = path?.length ? path[path.length - 1] : undefined;
  const example = schemaExample(schema);
  return `e.g. ${typeof key === "string" ? `${key}: ${example}` : example}`;
}

/**
 * The per-parse error map (`safeParse(input, { error: schemaErrorMap })`): only issues whose schema gave no message
 * of its own come here. Returns undefined for the rest (zod's text is kept).
 */
export function schemaErrorMap(issue: RawIssue): string | undefined {
  const schema = issue.inst as AnySchema | undefined;
  if (!schema || typeof schema !== "object" || !("_zod" in schema)) return undefined;
  switch (issue.code) {
    case "invalid_type":
    case "invalid_union":
    case "invalid_value": {
      const got = issue.code === "invalid_value" ? "" : issue.input === undefined ? "" : `, not ${receivedWords(issue.input)}`;
      return `expected ${schemaWords(schema)}${got}; ${exampleText(schema, issue.path)}`;
    }
    case "too_big":
    case "too_small": {
      const bound = issue.code === "too_big" ? `at most ${String(issue.maximum)}` : `at least ${String(issue.minimum)}`;
      const unit = issue.origin === "array" ? " entries" : issue.origin === "string" ? " characters" : "";
      return `${bound}${unit}`;
    }
    default:
      return undefined;
  }
}

/** A finalized issue as the loader reads it (nested union errors included). */
export type SchemaIssue = z.core.$ZodIssue;

const depthOf = (issues: readonly SchemaIssue[]) => Math.max(...issues.map((i) => i.path.length));

/**
 * Replaces each failed union whose input matched a branch's type by that branch's issues (paths made absolute); a
 * union where every branch failed at its root stays one issue, with the union's message.
 */
export function flattenIssues(issues: readonly SchemaIssue[], prefix: readonly PropertyKey[] = []): SchemaIssue[] {
  return issues.flatMap((issue): SchemaIssue[] => {
    const path = [...prefix, ...issue.path];
    if (issue.code === "invalid_union" && issue.errors.length > 0) {
      const branches = issue.errors.filter((b) => b.length > 0).map((b) => flattenIssues(b));
      // The branch the input went furthest into: the one whose type matched (its issues are below its root).
      const best = branches.reduce<SchemaIssue[] | undefined>((a, b) => (a === undefined || depthOf(b) > depthOf(a) ? b : a), undefined);
      if (best && depthOf(best) > 0) return best.map((i) => ({ ...i, path: [...path, ...i.path] }) as SchemaIssue);
    }
    return [{ ...issue, path } as SchemaIssue];
  });
}
