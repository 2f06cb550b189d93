/**
 * Machine-readable output stays machine-readable (issue 20): what the build says goes to standard error, so that
 * `npm run bench -- --json` (which builds first) and `edge-lab plan --json` after an edit that triggers a rebuild
 * print only JSON on standard output. Run in a copy of the project, so that its bundles can be built and made stale.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { appendFileSync, cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers";

const QUIET = { ...process.env, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", EDGE_LAB_SCENARIOS: "" };
let copy: string;

beforeAll(() => {
  copy = mkdtempSync(join(tmpdir(), "json-output-"));
  for (const entry of ["bin", "lib", "scripts", "bench", "scenarios", "package.json", "package-lock.json", "tsconfig.json"])
    cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
  symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"), "dir");
});

afterAll(() => {
  if (copy) rmSync(copy, { recursive: true, force: true });
});

/** The copy's own freshness check of the CLI bundle (scripts/bundle.js hashes the files of the project it lives in). */
const cliIsFresh = () =>
  spawnSync(process.execPath, ["-e", 'process.stdout.write(String(require("./scripts/bundle").isFresh("cli")))'], { cwd: copy, encoding: "utf8" }).stdout;

const edgeLab = (...args: string[]) => spawnSync(process.execPath, [join(copy, "bin", "edge-lab.js"), ...args], { cwd: copy, encoding: "utf8", env: QUIET });

/** The scenario's product notices (SE-01, SE-02) are all that may appear on standard error. */
const unexpectedStderr = (stderr: string) => stderr.split("\n").filter((l) => l && !/ warning \[SE-0[12]\] |^ {4}SE-0[12]: /.test(l));

describe("the build says what it did on standard error; standard output stays empty", () => {
  test("node scripts/bundle.js (npm run build, npm ci's prepare, the first step of npm run bench)", () => {
    const r = spawnSync(process.execPath, [join(copy, "scripts", "bundle.js")], { cwd: copy, encoding: "utf8", env: QUIET });
    expect({ status: r.status, stdout: r.stdout }).toEqual({ status: 0, stdout: "" });
    expect(r.stderr).toBe("edge-lab: bundled cli, synth, bench, bench-emulate, crash, index into dist/bundle\n");
    expect(cliIsFresh()).toBe("true");
  }, 120_000);

  test("edge-lab plan --json and diff --json after an edited source: the rebuild is silent, stdout is one JSON document", () => {
    // An edit to a file of the CLI's bundle (a comment: the output must not change, the bundle must be rebuilt).
    const edited = join(copy, "bin", "cli.ts");
    appendFileSync(edited, "\n// edited by test/scripts/json-output.test.ts\n");
    expect(cliIsFresh()).toBe("false");

    const plan = edgeLab("plan", "--json", join(copy, "scenarios", "single-consolidated-nat.yaml"));
    expect({ status: plan.status, unexpected: unexpectedStderr(plan.stderr) }).toEqual({ status: 0, unexpected: [] });
    expect(plan.stdout.startsWith("{")).toBe(true);
    expect((JSON.parse(plan.stdout) as { scenario: { id: string } }).scenario.id).toBe("single-consolidated-nat");
    // It was rebuilt: the manifest records the edited file's bytes, and the bundle is fresh again.
    const manifest = JSON.parse(readFileSync(join(copy, "dist", "bundle", "cli.inputs.json"), "utf8")) as { inputs: Record<string, string> };
    expect(manifest.inputs["bin/cli.ts"]).toBe(createHash("sha256").update(readFileSync(edited)).digest("hex"));
    expect(cliIsFresh()).toBe("true");

    appendFileSync(edited, "// edited again\n");
    const scenario = join(copy, "scenarios", "scaled-hlb.yaml");
    const diff = edgeLab("diff", "--json", "--no-terraform", scenario, scenario);
    expect({ status: diff.status, unexpected: unexpectedStderr(diff.stderr) }).toEqual({ status: 0, unexpected: [] });
    expect(diff.stdout.startsWith("{")).toBe(true);
    expect(JSON.parse(diff.stdout)).toEqual(expect.objectContaining({ changed: false }));
    expect(cliIsFresh()).toBe("true");
  }, 120_000);
});
