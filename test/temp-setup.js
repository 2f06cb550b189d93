/**
 * jest globalSetup: points TMPDIR (and so os.tmpdir() in every worker, cdktf's Testing outdirs included) at a fresh
 * directory of this run under the system temp directory; test/temp-teardown.js removes it.
 */
const { mkdtempSync } = require("node:fs");
const { tmpdir } = require("node:os");
const { join } = require("node:path");

module.exports = async () => {
  const systemTemp = tmpdir();
  process.env.EDGE_LAB_SYSTEM_TMPDIR = systemTemp;
  const runTemp = mkdtempSync(join(systemTemp, "edge-lab-jest-"));
  process.env.TMPDIR = runTemp;
  // Also when the run is interrupted (Ctrl-C skips globalTeardown): the parent process removes it on its way out.
  process.once("exit", () => require("node:fs").rmSync(runTemp, { recursive: true, force: true }));
};
