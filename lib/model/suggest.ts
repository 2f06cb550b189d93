/**
 * "Did you mean" for unknown keys: the known keys of the schema object at a field path, and the closest one to a
 * misspelt key (edit distance, case-insensitive), so `mobilty:` or `publicrange:` point at the right field.
 */
import { defOf, type AnySchema, type SchemaDef as Def } from "./zod-def";

/** The object schemas a value at this schema may be (through optional, default, pipes, unions and arrays' elements). */
function objectsOf(schema: AnySchema, depth = 0): Def[] {
  if (depth > 8) return [];
  const def = defOf(schema);
  switch (def.type) {
    case "object":
      return [def];
    case "optional":
    case "default":
    case "prefault":
    case "nullable":
    case "readonly":
      return objectsOf(def.innerType!, depth + 1);
    case "pipe":
      return objectsOf(def.in!, depth + 1);
    case "union":
      return (def.options ?? []).flatMap((o) => objectsOf(o, depth + 1));
    default:
      return [];
  }
}

/** Known keys of the object at `path` (numbers step into arrays). */
export function knownKeysAt(root: AnySchema, path: readonly (string | number)[]): string[] {
  let candidates: AnySchema[] = [root];
  for (const segment of path) {
    candidates = candidates.flatMap((schema): AnySchema[] => {
      if (typeof segment === "number") {
        const unwrap = (s: AnySchema, depth = 0): AnySchema[] => {
          const def = defOf(s);
          if (def.type === "array") return [def.element!];
          if (depth > 8) return [];
          if (def.innerType) return unwrap(def.innerType, depth + 1);
          if (def.type === "pipe") return unwrap(def.in!, depth + 1);
          if (def.type === "union") return (def.options ?? []).flatMap((o) => unwrap(o, depth + 1));
          return [];
        };
        return unwrap(schema);
      }
      return objectsOf(schema).flatMap((def) => (def.shape && segment in def.shape ? [def.shape[segment]] : []));
    });
  }
  return [...new Set(candidates.flatMap((schema) => objectsOf(schema).flatMap((def) => Object.keys(def.shape ?? {}))))];
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = row[j];
      row[j] = Math.min(row[j] + 1, row[j - 1] + 1, diagonal + (a[i - 1] === b[j - 1] ? 0 : 1));
      diagonal = above;
    }
  }
  return row[b.length];
}

/** The known key closest to `key`, if it is close enough to be a typo (at most a third of its letters differ). */
export function closestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  let best: { key: string; d: number } | undefined;
  for (const candidate of known) {
    const d = distance(lower, candidate.toLowerCase());
    if (!best || d < best.d) best = { key: candidate, d };
  }
  return best && best.d <= Math.max(1, Math.floor(key.length / 3)) ? best.key : undefined;
}
