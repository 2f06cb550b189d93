/**
 * The test run keeps the machine clean: every temporary file (ours, cdktf's Testing outdirs, Chromium profiles)
 * goes to one directory of the run (test/temp-setup.js), which test/temp-teardown.js removes; nothing is left in the
 * system temp directory.
 */
import { existsSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, dirname } from "node:path";
import { Testing } from "cdktf";

test("temporary files of the run go to the run's own directory inside the system temp directory", () => {
  expect(basename(tmpdir())).toMatch(/^edge-lab-jest-/);
  expect(dirname(tmpdir())).toBe(process.env.EDGE_LAB_SYSTEM_TMPDIR);
  const outdir = Testing.app().outdir; // cdktf makes a fresh folder per test app
  expect(existsSync(outdir)).toBe(true);
  expect(outdir.startsWith(tmpdir() + "/")).toBe(true);
});
