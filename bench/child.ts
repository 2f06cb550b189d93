/**
 * One measured process for bench/bench.ts: loads what the case needs, does the work once, and prints its own
 * elapsed time (from process start) and peak memory as JSON on stdout.
 *   floor                  load cdktf and the provider modules edge-lab uses, nothing else
 *   synth <file...>        validate + plan + synthesize the files into one app (no worksheets), with the bundled
 *                          cdktf app that `npm run synth` runs (dist/bundle/synth.js, scripts/bundle.ts)
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

const ROOT = join(__dirname, "..", "..");

/** The provider submodules imported anywhere in lib/ and bin/ (what a synth really loads). */
function providerModules(): string[] {
  const found = new Set<string>();
  const walk = (dir: string) => {
    for (const name of readdirSync(dir, { withFileTypes: true })) {
      const path = join(dir, name.name);
      if (name.isDirectory()) walk(path);
      else if (name.name.endsWith(".ts")) for (const m of readFileSync(path, "utf8").matchAll(/from "(@cdktf\/provider-[a-z]+\/lib\/[a-z0-9-]+)"/g)) found.add(m[1]);
    }
  };
  walk(join(ROOT, "lib"));
  walk(join(ROOT, "bin"));
  return [...found].sort();
}

async function main() {
  const [mode, ...files] = process.argv.slice(2);
  let resources = 0;
  if (mode === "floor") {
    require("cdktf");
    for (const m of providerModules()) require(m);
  } else if (mode === "synth") {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { synthScenarios } = require("../bundle/synth") as typeof import("../bin/synth");
    const outdir = mkdtempSync(join(tmpdir(), "edge-lab-bench-"));
    try {
      const result = await synthScenarios({ files, outdir: join(outdir, "out"), worksheets: false, log: () => undefined, error: () => undefined, env: {} });
      if (!result.ok) throw new Error("synth failed");
      resources = result.stacks.reduce((n, s) => n + Object.values(s.resources).reduce((a, b) => a + b, 0), 0);
    } finally {
      rmSync(outdir, { recursive: true, force: true });
    }
  } else {
    throw new Error(`unknown mode ${mode}`);
  }
  const elapsed = performance.now() / 1000;
  process.stdout.write(JSON.stringify({ elapsed, maxRssMiB: process.resourceUsage().maxRSS / 1024, resources }) + "\n");
}

main().catch((e: Error) => {
  console.error(e.message);
  process.exit(1);
});
