/**
 * A small structural differ for plan rows and Terraform resources: reports changed leaves as dotted paths, and for
 * arrays of plain values the added and removed elements (so "values: +131.107.155.12" rather than index noise).
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

export interface FieldChange {
  /** Dotted path, e.g. "destination.addresses" or "ip_configuration.1.private_ip_address". */
  readonly path: string;
  readonly before?: Json;
  readonly after?: Json;
  /** For arrays of plain values: elements only in `after` / only in `before`. */
  readonly added?: Json[];
  readonly removed?: Json[];
}

const isPlain = (v: unknown): v is string | number | boolean | null => v === null || ["string", "number", "boolean"].includes(typeof v);
const isObject = (v: unknown): v is { [key: string]: Json } => typeof v === "object" && v !== null && !Array.isArray(v);

/** Long texts (scripts, cloud-init, base64 custom data) are compared line by line. */
const LONG_TEXT = 120;

function textLines(value: string): { lines: string[]; decoded: boolean } {
  if (/^[A-Za-z0-9+/]+={0,2}$/.test(value) && value.length % 4 === 0) {
    const text = Buffer.from(value, "base64").toString("utf8");
    // Control characters mean binary data, not text: keep the base64 as it is.
    // eslint-disable-next-line no-control-regex
    if (!/[\u0000-\u0008\u000e-\u001f\ufffd]/.test(text)) return { lines: text.split("\n"), decoded: true };
  }
  return { lines: value.split("\n"), decoded: false };
}

export function diffValues(before: Json | undefined, after: Json | undefined, path = ""): FieldChange[] {
  if (JSON.stringify(before) === JSON.stringify(after)) return [];
  if (typeof before === "string" && typeof after === "string" && Math.max(before.length, after.length) > LONG_TEXT) {
    const b = textLines(before);
    const a = textLines(after);
    const added = a.lines.filter((l) => !b.lines.includes(l));
    const removed = b.lines.filter((l) => !a.lines.includes(l));
    if (added.length || removed.length) return [{ path: `${path}${a.decoded && b.decoded ? " (base64-decoded lines)" : " (lines)"}`, added, removed }];
  }
  if (Array.isArray(before) && Array.isArray(after) && before.every(isPlain) && after.every(isPlain)) {
    const key = (v: Json) => JSON.stringify(v);
    const b = new Set(before.map(key));
    const a = new Set(after.map(key));
    const added = after.filter((v) => !b.has(key(v)));
    const removed = before.filter((v) => !a.has(key(v)));
    // Same elements in another order: report as a plain change.
    if (added.length === 0 && removed.length === 0) return [{ path, before, after }];
    return [{ path, added, removed }];
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    const out: FieldChange[] = [];
    for (let i = 0; i < Math.max(before.length, after.length); i++) out.push(...diffValues(before[i], after[i], path ? `${path}.${i}` : String(i)));
    return out;
  }
  if (isObject(before) && isObject(after)) {
    const keys = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
    return keys.flatMap((k) => diffValues(before[k], after[k], path ? `${path}.${k}` : k));
  }
  return [{ path, ...(before !== undefined ? { before } : {}), ...(after !== undefined ? { after } : {}) }];
}

export interface KeyedChange<T> {
  readonly added: { key: string; item: T }[];
  readonly removed: { key: string; item: T }[];
  readonly changed: { key: string; before: T; after: T; fields: FieldChange[] }[];
}

/** Matches items of two lists by key and reports added, removed and changed items (in key order). */
export function diffKeyed<T>(before: readonly T[], after: readonly T[], keyOf: (item: T) => string, ignore: readonly string[] = []): KeyedChange<T> {
  const b = new Map(before.map((item) => [keyOf(item), item]));
  const a = new Map(after.map((item) => [keyOf(item), item]));
  // Items are compared as the plan's JSON writes them (value objects such as `Port` through their `toJSON`).
  const strip = (item: T): Json => {
    const copy = { ...(item as Record<string, Json>) };
    for (const k of ignore) delete copy[k];
    return JSON.parse(JSON.stringify(copy)) as Json;
  };
  const result: KeyedChange<T> = { added: [], removed: [], changed: [] };
  for (const key of [...new Set([...b.keys(), ...a.keys()])].sort()) {
    const x = b.get(key);
    const y = a.get(key);
    if (x === undefined) result.added.push({ key, item: y! });
    else if (y === undefined) result.removed.push({ key, item: x });
    else {
      const fields = diffValues(strip(x), strip(y));
      if (fields.length) result.changed.push({ key, before: x, after: y, fields });
    }
  }
  return result;
}

export function isEmpty(change: KeyedChange<unknown>): boolean {
  return change.added.length === 0 && change.removed.length === 0 && change.changed.length === 0;
}
