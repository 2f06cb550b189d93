/**
 * Byte-for-byte comparison of what `npm run synth` writes with the committed golden files (test/golden/render.ts).
 * A difference names the file and its first differing line; after reviewing it, `npm run golden:update` accepts it.
 * And determinism: two synth runs of the bundled scenarios in one process give byte-identical Terraform JSON,
 * manifest, worksheets and diagrams, with no timestamp (the golden comparison is the same check across processes).
 */
import { committedGolden, LEFT_OUT, renderGolden } from "./render";

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

/** Two runs, everything they wrote (the diagrams and the manifest too); `fresh` is the first without what golden leaves out. */
let runs: Map<string, string>[];
let fresh: Map<string, string>;
let committed: Map<string, string>;
beforeAll(async () => {
  runs = [await renderGolden({ everything: true }), await renderGolden({ everything: true })];
  fresh = new Map([...runs[0]].filter(([key]) => key !== "cdktf.out/manifest.json" && !LEFT_OUT.has(key.replace(/^[^/]+\/worksheets\//, ""))));
  committed = committedGolden();
});

test("determinism: two synth runs give byte-identical Terraform JSON, manifest, worksheets and diagrams, with no timestamp", () => {
  const [a, b] = runs;
  expect([...a.keys()]).toEqual([...b.keys()]);
  expect(a.has("cdktf.out/manifest.json")).toBe(true);
  const ids = [...a.keys()].filter((k) => k.endsWith("/cdk.tf.json")).map((k) => k.split("/")[0]);
  expect(ids.length).toBeGreaterThanOrEqual(7);
  for (const id of ids) expect([`${id}/cdk.tf.json`, `${id}/worksheets/worksheet.md`, `${id}/worksheets/diagram.svg`].filter((k) => !a.has(k))).toEqual([]);
  a.forEach((content, path) => expect({ path, same: b.get(path) === content }).toEqual({ path, same: true }));
  // Nothing of the moment the synth ran: no timestamp in any Terraform document.
  for (const id of ids) expect(a.get(`${id}/cdk.tf.json`)).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
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
