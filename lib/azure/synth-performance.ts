/**
 * Synthesis speed-ups for edge-lab's own stacks. cdktf 0.21.0 is archived and pinned exactly, so these rely on
 * its internals knowingly; each can be switched off for debugging. test/azure/synth-performance.test.ts compares
 * the resolution with cdktf's own path byte for byte; the stack traces only matter when a token fails to resolve.
 *
 * 1. Token creation stack traces. cdktf records a full, unlimited-depth stack trace for every token it creates
 *    (every `.id`, `.name` reference), only to print it when a token fails to resolve. That is a quarter of the
 *    synth time of a lab. edge-lab's references are all to resources of the same stack, so the traces are not
 *    needed; set EDGE_LAB_TOKEN_TRACES=1 to keep them when debugging a "cannot resolve" error.
 * 2. Resolution (`toTerraformOnce`). cdktf's `TerraformStack.toTerraform()` resolves every element's JSON, merges
 *    the fragments, then resolves the merged document a second time (only so that stack-level raw overrides may
 *    hold tokens; edge-lab adds none). Its resolver also builds a context object with closures for every key and
 *    value, although most of a lab's ~20,000 values are plain strings, numbers and undefined. `toTerraformOnce`
 *    resolves once, hands cdktf's resolver only the values that may hold a token, and resolves each token string
 *    once per pass; everything else is copied as cdktf would copy it (undefined dropped). Set
 *    EDGE_LAB_FAST_RESOLVE=0 to use cdktf's path throughout.
 */
import { DefaultTokenResolver, StringConcat, TerraformElement, TerraformOutput, Token, Tokenization, type TerraformStack } from "cdktf";
import stackTrace = require("cdktf/lib/tokens/private/stack-trace");
import { deepMerge } from "cdktf/lib/util";
import { unableToResolveCircularReference } from "cdktf/lib/errors";

let disabled = false;

export function disableTokenStackTraces(env: NodeJS.ProcessEnv = process.env): void {
  if (disabled || env.EDGE_LAB_TOKEN_TRACES === "1") return;
  // The module is compiled CommonJS; cdktf calls the function through its exports object at every token creation.
  (stackTrace as { captureStackTrace: (below?: unknown) => string[] }).captureStackTrace = () => [];
  disabled = true;
}

/** The resolver cdktf's `TerraformStack` uses (cdktf/lib/_tokens.ts). */
const RESOLVER = new DefaultTokenResolver(new StringConcat());

/**
 * True when cdktf's resolver could change or reject this string: it holds a string, list or map token marker
 * (`${TfToken[`, `#{TfToken[`, `&{TfToken[`), a stringified number token, or one of the map-token placeholder
 * values cdktf refuses in scalar position. Number tokens are doubles near -8e298, so in a string they always read
 * "<digit>e+<digits>"; cdktf's own number regex matches more (e.g. "-e-"), but it can only ever find a token in
 * such a text, and any other match is put back unchanged.
 */
function mayHoldToken(s: string): boolean {
  return s.includes("{TfToken[") || /\de[+-]?\d/.test(s) || s === Token.STRING_MAP_TOKEN_VALUE || s === Token.ANY_MAP_TOKEN_VALUE;
}

/** Number tokens are doubles with a fixed top-16-bit tag (about -8e298); NUMBER_MAP_TOKEN_VALUE is rejected. */
function mayBeNumberToken(n: number): boolean {
  return !Number.isFinite(n) || Math.abs(n) > 1e280 || n === Token.NUMBER_MAP_TOKEN_VALUE;
}

/**
 * `Tokenization.resolve(value)` with the result cdktf would give, calling cdktf's resolver only for the parts
 * that may hold a token (a token string, a resolvable object, a list or map token, anything unusual); plain
 * parts are copied with undefined members dropped, exactly as cdktf's `resolve` copies them. Resolving a part
 * on its own is equivalent because cdktf passes no context down through plain objects and arrays.
 */
export function resolveFast(value: unknown, slow: (part: unknown) => unknown, depth = 0): unknown {
  switch (typeof value) {
    case "undefined":
    case "boolean":
      return value;
    case "string":
      return mayHoldToken(value) ? slow(value) : value;
    case "number":
      return mayBeNumberToken(value) ? slow(value) : value;
    case "object": {
      if (value === null) return null;
      // cdktf's guard against circular structures, at the same depth.
      if (depth > 200) throw unableToResolveCircularReference(`(depth ${depth})`);
      if (Array.isArray(value)) {
        // A list token element or a number list token makes cdktf resolve the array as a whole.
        if (value.some((x) => (typeof x === "string" && x.includes("{TfToken[")) || (typeof x === "number" && mayBeNumberToken(x)))) return slow(value);
        const out: unknown[] = [];
        for (const x of value) {
          const r = resolveFast(x, slow, depth + 1);
          if (r !== undefined) out.push(r);
        }
        return out;
      }
      // Any non-plain object (resolvable, construct, Date, ...) goes to cdktf.
      const proto = Object.getPrototypeOf(value) as unknown;
      if ((proto !== Object.prototype && proto !== null) || Tokenization.isResolvable(value)) return slow(value);
      const keys = Object.keys(value);
      if (keys.some(mayHoldToken)) return slow(value);
      const out: Record<string, unknown> = {};
      for (const key of keys) {
        const r = resolveFast((value as Record<string, unknown>)[key], slow, depth + 1);
        if (r !== undefined) out[key] = r;
      }
      return out;
    }
    default:
      // Functions, symbols, bigints: cdktf decides (it rejects functions with its own message).
      return slow(value);
  }
}

/**
 * cdktf 0.21.0's `TerraformStack.toTerraform()` with one resolution pass (see 2. above), or undefined when the
 * stack has raw overrides or EDGE_LAB_FAST_RESOLVE=0 (the caller then uses cdktf's own method).
 */
export function toTerraformOnce(stack: TerraformStack, env: NodeJS.ProcessEnv = process.env): Record<string, unknown> | undefined {
  // `rawOverrides` is private in cdktf's typings; it holds what `stack.addOverride()` was given.
  const rawOverrides = (stack as unknown as { rawOverrides?: Record<string, unknown> }).rawOverrides;
  if (env.EDGE_LAB_FAST_RESOLVE === "0" || !rawOverrides || Object.keys(rawOverrides).length > 0) return undefined;
  // Labs pass the same reference (a resource group name, a subnet id) to many resources: a token string stands for
  // one token, so its text is resolved once per pass. Assumes tokens resolve to the same text within a pass (true of
  // references, functions and edge-lab's values; a Lazy that counts its calls would see one call). Only text
  // results are kept, so no object or array is shared between places of the document.
  const resolvedStrings = new Map<string, string>();
  const slow = (part: unknown): unknown => {
    if (typeof part === "string") {
      const known = resolvedStrings.get(part);
      if (known !== undefined) return known;
    }
    const resolved = Tokenization.resolve(part, { scope: stack, preparing: false, resolver: RESOLVER });
    if (typeof part === "string" && typeof resolved === "string") resolvedStrings.set(part, resolved);
    return resolved;
  };
  const resolve = <T>(value: T): T => resolveFast(value, slow) as T;
  // cdktf's terraformElements(): pre-order, not descending into nested stacks (edge-lab has none).
  const elements = stack.node.findAll().filter((c): c is TerraformElement => TerraformElement.isTerraformElement(c) && c.cdktfStack === stack);
  const metadata: Record<string, unknown> = { version: stack.node.tryGetContext("cdktfVersion") as unknown, stackName: stack.node.id, backend: "local" };
  for (const e of elements) deepMerge(metadata, resolve(e.toMetadata()));
  const outputs: Record<string, unknown> = {};
  for (const e of elements) {
    if (!TerraformOutput.isTerraformOutput(e)) continue;
    deepMerge(outputs, e.node.path.split("/").reduceRight<Record<string, unknown>>((inner, part) => (Object.keys(inner).length === 0 ? { [part]: e.friendlyUniqueId } : { [part]: inner }), {}));
  }
  const tf: Record<string, unknown> = { "//": { metadata, outputs } };
  for (const e of elements) deepMerge(tf, resolve(e.toTerraform()));
  return tf;
}
