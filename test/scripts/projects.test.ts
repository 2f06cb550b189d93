/**
 * jest.config.js splits the tests into two projects (issue 20): "unit" for the edit loop (`npm run test:unit`) and
 * "system" for the suites with real software (`npm run test:system`); `npm test` runs both. Every test file must be
 * in exactly one of them: a file in neither would never run, a file in both would run twice.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { ROOT } from "../helpers";

/** The test files jest itself selects for `--selectProjects <names>` (jest's own matching, not a copy of it). */
function listTests(...projects: string[]): string[] {
  const args = [join(ROOT, "node_modules", "jest", "bin", "jest.js"), "--listTests", "--json", ...(projects.length ? ["--selectProjects", ...projects] : [])];
  const r = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
  expect({ status: r.status, stderr: r.stderr.replace(/^Running (one project|\d+ projects):.*\n(- .*\n)*/, "") }).toEqual({ status: 0, stderr: "" });
  return (JSON.parse(r.stdout) as string[]).map((f) => f.slice(ROOT.length + 1)).sort();
}

/** Every *.test.ts under test/, found by walking the folder. */
const testFiles = readdirSync(join(ROOT, "test"), { recursive: true, encoding: "utf8" })
  .filter((f) => f.endsWith(".test.ts"))
  .map((f) => `test/${f.split("\\").join("/")}`)
  .sort();

const unit = listTests("unit");
const system = listTests("system");

test("every test file is in exactly one project, and npm test (no selection) runs each once", () => {
  expect(testFiles.length).toBeGreaterThan(50);
  expect(unit.filter((f) => system.includes(f))).toEqual([]);
  expect([...unit, ...system].sort()).toEqual(testFiles);
  expect(listTests()).toEqual(testFiles);
});

test("the system project holds the suites with real software; the unit project none of them", async () => {
  const config = (await import(join(ROOT, "jest.config.js"))) as { projects: { displayName: string; testRegex?: string[] }[] };
  const patterns = config.projects.find((p) => p.displayName === "system")?.testRegex ?? [];
  expect(patterns.length).toBeGreaterThan(5);
  // Each pattern names at least one file: a renamed suite cannot fall back into the unit project unnoticed.
  for (const pattern of patterns) expect({ pattern, files: system.filter((f) => new RegExp(pattern).test(`/${f}`)).length }).not.toEqual({ pattern, files: 0 });
  expect(system).toEqual(
    expect.arrayContaining([
      "test/realtools/dns.test.ts",
      "test/emulate/bundled.test.ts",
      "test/render/diagram-png.test.ts",
      "test/init/terminal.test.ts",
      "test/discover/emulated.test.ts",
    ]),
  );
  // A unit suite that declares a Debian tool would make the edit loop wait on it (or skip where it is missing); the two
  // exceptions ask a local named and openssl a few quick questions, and spend their time on timeouts of their own.
  const withTools = unit.filter((f) => /describe(Each)?WithTools\(/.test(readFileSync(join(ROOT, f), "utf8")));
  expect(withTools.sort()).toEqual(["test/probe/dns.test.ts", "test/probe/tls-probe.test.ts"]);
});
