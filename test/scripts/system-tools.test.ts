/**
 * Suites that need Debian tools: skipped with the install command on a machine without them (npm test passes there),
 * failed under EDGE_LAB_REQUIRE_TOOLS=1 (CI). Proven by running jest on a fixture suite whose tool (Chromium) is made
 * unavailable, with this project's jest configuration (skip reporter included).
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { chmodSync, mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { missingNeeds, runs } from "../system-tools";
import { ROOT } from "../helpers";

function jestOnFixture(env: Record<string, string>) {
  const config = JSON.stringify({
    rootDir: ROOT,
    roots: ["<rootDir>/test/fixtures/tools"],
    testMatch: ["**/*.fixture.ts"],
    transform: { "^.+\\.ts$": ["ts-jest", { diagnostics: false }] },
    reporters: ["default", "<rootDir>/test/skip-reporter.js"],
  });
  return spawnSync(process.execPath, [join(ROOT, "node_modules", "jest", "bin", "jest.js"), "--config", config, "--ci"], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, CHROMIUM: "/nonexistent/chromium", ...env },
    timeout: 120_000,
  });
}

test("a tool counts only when it runs: not a missing file, a dangling link, a file that cannot execute, or a failing one", () => {
  const dir = mkdtempSync(join(tmpdir(), "tools-"));
  symlinkSync(join(dir, "gone"), join(dir, "dangling"));
  writeFileSync(join(dir, "text"), "not a program\n");
  writeFileSync(join(dir, "fails"), "#!/bin/sh\nexit 3\n");
  chmodSync(join(dir, "fails"), 0o755);
  expect(runs([process.execPath, "--version"])).toBe(true);
  for (const argv of [[join(dir, "missing")], [join(dir, "dangling")], [join(dir, "text")], [join(dir, "fails")]])
    expect({ argv, runs: runs(argv) }).toEqual({ argv, runs: false });
  expect(missingNeeds([])).toBeUndefined();
});

test("without the tool, the suite is skipped, the rest runs, and the summary names what is missing and how to install it", () => {
  const r = jestOnFixture({ EDGE_LAB_REQUIRE_TOOLS: "0" });
  expect(r.status).toBe(0);
  expect(r.stderr).toMatch(/Tests: +1 skipped, 1 passed, 2 total/);
  expect(r.stderr).toContain("Skipped 1 tests in 1 suites: their tools are missing on this machine.");
  expect(r.stderr).toMatch(
    /needs-chromium\.fixture\.ts: a suite that needs Chromium \[skipped: needs chromium \(Debian: chromium fonts-dejavu-core\); install with: sudo scripts\/install-test-tools\.sh\]/,
  );
}, 120_000);

test("with EDGE_LAB_REQUIRE_TOOLS=1 (CI), a missing tool fails the suite with the install command", () => {
  const r = jestOnFixture({ EDGE_LAB_REQUIRE_TOOLS: "1" });
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/Tests: +1 failed, 1 passed, 2 total/);
  expect(r.stderr).toContain(
    "missing chromium (Debian: chromium fonts-dejavu-core): install with: sudo scripts/install-test-tools.sh (EDGE_LAB_REQUIRE_TOOLS=1 makes this a failure)",
  );
}, 120_000);
