/**
 * Bundles the two programs users run, the `edge-lab` CLI (bin/cli.ts) and the cdktf app (bin/synth.ts), into one
 * file each under dist/bundle/ (run by `npm run build`, `npm ci` and `npm run synth`).
 *
 * Why: a synth is a short batch process, and after cdktf itself most of its start-up went into loading about 230
 * small modules of edge-lab, zod and yaml. One file per program removes the module lookups, and esbuild drops what
 * edge-lab does not use, notably zod's 40 message locales (zod is imported as a namespace,
 * `import * as z from "zod"`, so that esbuild can see which members are used). About 60 ms of a 0.5 s synth.
 *
 * Left external (loaded from node_modules as usual):
 * - cdktf, constructs and the @cdktf providers: the provider packages require cdktf themselves, and a second copy
 *   inside the bundle would break cdktf's singletons (token map) and `instanceof` checks. They are also the
 *   benchmark's floor.
 * - @hpcc-js/wasm-graphviz: read from its package file at run time (lib/render/diagram/graphviz.ts).
 *
 * Tests run the TypeScript sources; test/scripts/bundle.test.ts checks that the bundled programs give byte-identical
 * output. Source maps are written next to the bundles: `node --enable-source-maps dist/bundle/cli.js` maps stack
 * traces back to the TypeScript when debugging.
 */
import { build, type BuildOptions } from "esbuild";
import { existsSync } from "node:fs";
import { join } from "node:path";

/** The project root, from scripts/ (sources, under ts-jest) or dist/scripts/ (compiled). */
const ROOT = existsSync(join(__dirname, "..", "package.json")) ? join(__dirname, "..") : join(__dirname, "..", "..");

export const BUNDLE_EXTERNALS = ["cdktf", "@cdktf/*", "constructs", "@hpcc-js/wasm-graphviz"];

export function bundleOptions(outdir = join(ROOT, "dist", "bundle")): BuildOptions {
  return {
    absWorkingDir: ROOT,
    entryPoints: { cli: "bin/cli.ts", synth: "bin/synth.ts" },
    outdir,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    external: BUNDLE_EXTERNALS,
    sourcemap: true,
    logLevel: "warning",
  };
}

/** Writes dist/bundle/cli.js and dist/bundle/synth.js (or into `outdir`). */
export async function bundle(outdir?: string): Promise<void> {
  await build(bundleOptions(outdir));
}

if (require.main === module) {
  bundle().catch((e: Error) => {
    console.error(`edge-lab bundle: ${e.message}`);
    process.exitCode = 1;
  });
}
