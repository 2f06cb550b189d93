/**
 * The synth entry point under bad input: every corpus file gets a clear error, nothing is written, and the previous
 * output stays intact. (Determinism of the synth: test/golden.)
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { synthScenarios } from "../../bin/synth";
import { fileTree } from "../helpers";
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
