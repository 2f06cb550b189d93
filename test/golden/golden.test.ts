/**
 * Byte-for-byte comparison of what `npm run synth` writes with the committed golden files (test/golden/render.ts).
 * A difference names the file and its first differing line; after reviewing it, `npm run golden:update` accepts it.
 */
import { committedGolden, renderGolden } from "./render";

jest.setTimeout(120_000);

/** The first line where two texts differ, with its number, or undefined when they are equal. */
function firstDifference(expected: string, actual: string): string | undefined {
  if (expected === actual) return undefined;
  const a = expected.split("\n");
  const b = actual.split("\n");
  for (let i = 0; i < Math.max(a.length, b.length); i++)
    if (a[i] !== b[i]) return `line ${i + 1}:\n  golden: ${a[i] ?? "(end of file)"}\n  now:    ${b[i] ?? "(end of file)"}`;
  return "line endings differ";
}

let fresh: Map<string, string>;
let committed: Map<string, string>;
beforeAll(async () => {
  fresh = await renderGolden();
  committed = committedGolden();
});

test("every bundled scenario has its golden Terraform document and worksheet files", () => {
  const ids = new Set([...fresh.keys()].map((k) => k.split("/")[0]));
  expect(ids.size).toBeGreaterThanOrEqual(7);
  for (const id of ids) expect(fresh.has(`${id}/cdk.tf.json`) && fresh.has(`${id}/worksheets/worksheet.md`)).toBe(true);
  expect({ missing: [...fresh.keys()].filter((k) => !committed.has(k)), extra: [...committed.keys()].filter((k) => !fresh.has(k)) }).toEqual({
    missing: [],
    extra: [],
  });
});

test("the output is the committed golden files, byte for byte (review the diff, then npm run golden:update)", () => {
  const differences = [...fresh].flatMap(([key, content]) => {
    const d = committed.has(key) ? firstDifference(committed.get(key)!, content) : undefined;
    return d ? [`${key} ${d}`] : [];
  });
  expect(differences).toEqual([]);
});
