/**
 * A jest reporter that lists, after the summary, every suite skipped because a Debian tool or root was missing
 * (test/system-tools.ts titles such suites "... [skipped: needs X; install with: ...]"), so that `npm test` on a
 * machine with only Node says plainly what it did not run and how to run everything.
 */
class SkipReporter {
  onRunComplete(_contexts, results) {
    const skipped = new Map();
    for (const file of results.testResults) {
      for (const t of file.testResults) {
        if (t.status !== "pending") continue;
        const title = t.ancestorTitles.find((a) => a.includes("[skipped: needs "));
        if (!title) continue;
        const key = `${file.testFilePath.replace(process.cwd() + "/", "")}: ${title}`;
        skipped.set(key, (skipped.get(key) ?? 0) + 1);
      }
    }
    if (skipped.size === 0) return;
    const total = [...skipped.values()].reduce((a, b) => a + b, 0);
    const lines = [`\nSkipped ${total} tests in ${skipped.size} suites: their tools are missing on this machine.`];
    for (const [key, n] of skipped) lines.push(`  ${key} (${n} tests)`);
    lines.push(
      "Run everything (as root): sudo scripts/install-test-tools.sh && sudo npm test   (CI: EDGE_LAB_REQUIRE_TOOLS=1 makes a missing tool a failure)\n",
    );
    process.stderr.write(lines.join("\n") + "\n");
  }
}
module.exports = SkipReporter;
