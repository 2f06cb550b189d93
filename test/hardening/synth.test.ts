/**
 * The synth entry point under bad input (every corpus file: clear error, nothing written, previous output intact)
 * and determinism (two synth runs of the bundled scenarios in one process give byte-identical Terraform JSON,
 * worksheets and diagrams, with no timestamp; test/golden compares with the documents of an earlier run).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthScenarios } from "../../bin/synth";
import { bundledScenarioFiles, fileTree } from "../helpers";
import { badCases } from "./corpus";

const dir = mkdtempSync(join(tmpdir(), "edge-lab-synth-hardening-"));
// The corpus lives beside the watched folder, not in it: each case reads the watched folder back, and re-reading the
// whole corpus there made the suite grow with the square of the corpus.
const corpusDir = mkdtempSync(join(tmpdir(), "edge-lab-synth-corpus-"));
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(corpusDir, { recursive: true, force: true });
});

describe("bad input through the synth entry point", () => {
  const outdir = join(dir, "cdktf.out");
  const sentinel = join(outdir, "stacks", "previous", "cdk.tf.json");
  mkdirSync(join(outdir, "stacks", "previous"), { recursive: true });
  writeFileSync(sentinel, '{"previous": true}\n');
  const before = fileTree(dir);
  const cases = badCases().map((c) => {
    const file = join(corpusDir, `${c.name}.yaml`);
    writeFileSync(file, c.content);
    return [c.name, file] as const;
  });

  test.each(cases)("%s: refused with the file and a rule, nothing written", async (_name, file) => {
    const errors: string[] = [];
    const result = await synthScenarios({ files: [file], outdir, log: () => undefined, error: (l) => errors.push(l), env: {} });
    expect(result.ok).toBe(false);
    const problems = errors.filter((l) => l.includes(": error ["));
    expect(problems.length).toBeGreaterThan(0);
    for (const p of problems) expect(p.startsWith(`${file}`)).toBe(true);
    expect(errors.join("\n")).not.toMatch(/^\s+at .+:\d+:\d+/m);
    expect(errors[errors.length - 1]).toMatch(/nothing synthesized/);
    // The output directory is exactly as before: no new file, no staging leftovers.
    expect([...fileTree(dir).keys()]).toEqual([...before.keys()]);
    expect(readFileSync(sentinel, "utf8")).toBe('{"previous": true}\n');
  });
});

describe("determinism", () => {
  test("two synth runs of the bundled scenarios give byte-identical Terraform JSON, worksheets and diagrams", async () => {
    const runs: Map<string, string>[] = [];
    for (const name of ["run1", "run2"]) {
      const outdir = join(dir, name, "cdktf.out");
      const result = await synthScenarios({ files: bundledScenarioFiles(), outdir, log: () => undefined, error: () => undefined, env: {} });
      expect(result.ok).toBe(true);
      runs.push(fileTree(outdir));
    }
    const [a, b] = runs;
    expect([...a.keys()]).toEqual([...b.keys()]);
    const ids = bundledScenarioFiles().map((f) => f.replace(/^.*\//, "").replace(/\.yaml$/, ""));
    for (const id of ids) {
      expect(a.has(`stacks/${id}/cdk.tf.json`)).toBe(true);
      expect(a.has(`worksheets/${id}/worksheet.md`)).toBe(true);
      expect(a.has(`worksheets/${id}/diagram.svg`)).toBe(true);
    }
    a.forEach((content, path) => expect({ path, same: b.get(path) === content }).toEqual({ path, same: true }));
    // Nothing of the moment the synth ran: no timestamp in any Terraform document.
    for (const id of ids) expect(a.get(`stacks/${id}/cdk.tf.json`)).not.toMatch(/\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/);
  }, 60_000);
});
