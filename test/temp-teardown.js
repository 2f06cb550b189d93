/** jest globalTeardown: removes the run's temporary directory (test/temp-setup.js) and restores TMPDIR. */
const { rmSync } = require("node:fs");

module.exports = async () => {
  const runTemp = process.env.TMPDIR;
  if (runTemp && process.env.EDGE_LAB_SYSTEM_TMPDIR && runTemp.startsWith(process.env.EDGE_LAB_SYSTEM_TMPDIR)) {
    rmSync(runTemp, { recursive: true, force: true });
    process.env.TMPDIR = process.env.EDGE_LAB_SYSTEM_TMPDIR;
  }
};
