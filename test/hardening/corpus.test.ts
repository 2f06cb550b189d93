/**
 * Bad input never crashes edge-lab: every file of the generated corpus is rejected by `validate` and `plan` with a
 * clear error (file, field path or line, rule id), exit code 1, no stack trace and nothing on stdout for `plan`.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../bin/cli";
import { badCases } from "./corpus";

const dir = mkdtempSync(join(tmpdir(), "edge-lab-corpus-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const cases = badCases().map((c) => {
  const file = join(dir, `${c.name}.yaml`);
  writeFileSync(file, c.content);
  return { ...c, file };
});

async function cli(args: string[]) {
  let out = "";
  let err = "";
  const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

const PROBLEM_LINE = /^(?<where>[^\s]+?)(?::(?<line>\d+):(?<col>\d+))?: error \[(?<rule>[A-Z]+(?:-[A-Z]+)?(?:-\d+)?)\](?<path> [^\s:]+:)? .+/;
const STACK_FRAME = /^\s+at .+(\(|:\d+:\d+)/m;

test("the corpus has at least 200 distinct bad files", () => {
  expect(cases.length).toBeGreaterThanOrEqual(200);
  expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
});

describe.each(cases.map((c) => [c.name, c] as const))("%s", (_name, c) => {
  // One validate run per file, read by the two tests below (each load is most of a case's time).
  let validated: ReturnType<typeof cli> | undefined;
  const validate = () => (validated ??= cli(["validate", c.file]));

  test("validate: exit 1, every problem names the file, a rule and a field or line; no stack trace", async () => {
    const { code, out, err } = await validate();
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).not.toMatch(STACK_FRAME);
    const problems = err.split("\n").filter((l) => l.includes(": error ["));
    expect(problems.length).toBeGreaterThan(0);
    for (const line of problems) {
      const m = PROBLEM_LINE.exec(line);
      expect(m).not.toBeNull();
      expect(m!.groups!.where).toBe(c.file);
      // A field path or a line number locates every problem, except whole-file problems (empty, too large).
      if (!["FILE"].includes(m!.groups!.rule) && !/empty|binary|bytes/.test(line)) expect(m!.groups!.line ?? m!.groups!.path).toBeDefined();
    }
  });

  test("the expected rule is reported", async () => {
    const { err } = await validate();
    const rules = err
      .split("\n")
      .map((line) => PROBLEM_LINE.exec(line)?.groups?.rule)
      .filter(Boolean);
    expect(rules.length).toBeGreaterThan(0);
    if (c.rule) expect(rules).toContain(c.rule);
  });

  test("plan: exit 1 and nothing on stdout", async () => {
    const { code, out, err } = await cli(["plan", c.file, "--json"]);
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).not.toMatch(STACK_FRAME);
  });
});
