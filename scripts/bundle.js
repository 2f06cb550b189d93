/**
 * The one build step: esbuild bundles each program users run (the `edge-lab` CLI, the cdktf app, the benchmark)
 * into one file under dist/bundle/, and every launcher asks `freshBundle()` for it first, so what runs is always the
 * current sources: `npx edge-lab`, `npm run synth` and `npx cdktf synth|diff|deploy` (cdktf.json's app) never run a
 * stale build, and nobody has to remember a build command. Type checking is not part of it (`npm run typecheck`).
 *
 * Why bundles: a synth is a short batch process; one file per program saves module lookups, and esbuild drops what
 * edge-lab does not use (zod's 40 message locales: zod is imported as a namespace). Plain JavaScript, so that it runs
 * on a fresh clone before anything is compiled.
 *
 * Freshness: next to each bundle, <name>.inputs.json records a SHA-256 of every project file esbuild read (from its
 * metafile), of package-lock.json (what node_modules holds) and of the build options. A launch re-hashes those
 * files (a few milliseconds) and rebuilds only when one differs or is gone; a source file added to the program shows
 * up as a change to the file that imports it. Bundles are written to a temporary name and renamed, so two launches
 * at once never run half a file.
 *
 * Left external (loaded from node_modules): cdktf, constructs and the @cdktf providers (one copy, shared with the
 * provider packages that require cdktf themselves; a second copy would break cdktf's token map and instanceof), and
 * @hpcc-js/wasm-graphviz (read from its package file at run time, lib/render/diagram/graphviz.ts).
 *
 *   node scripts/bundle.js            build every program now (npm ci runs this as `prepare`)
 */
"use strict";
const { createHash } = require("node:crypto");
const { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } = require("node:fs");
const { join, relative } = require("node:path");

const ROOT = join(__dirname, "..");
const OUTDIR = join(ROOT, "dist", "bundle");

/** The programs: bundle name -> entry point. */
const ENTRIES = {
  cli: "bin/cli.ts",
  synth: "bin/synth.ts",
  bench: "bench/bench.ts",
};

const BUNDLE_EXTERNALS = ["cdktf", "@cdktf/*", "constructs", "@hpcc-js/wasm-graphviz"];

/** esbuild options for one program (source maps for the crash report of lib/io/crash.ts). */
function bundleOptions(name, outdir = OUTDIR) {
  return {
    absWorkingDir: ROOT,
    entryPoints: { [name]: ENTRIES[name] },
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

const sha256 = (data) => createHash("sha256").update(data).digest("hex");

function hashFile(path) {
  try {
    return sha256(readFileSync(path));
  } catch {
    return "missing";
  }
}

/** What a bundle depends on besides its project files: the build options and the installed packages. */
function environmentKey(name) {
  const { version } = require("esbuild/package.json");
  return sha256(JSON.stringify({ esbuild: version, options: bundleOptions(name), lock: hashFile(join(ROOT, "package-lock.json")) }));
}

function manifestPath(name, outdir) {
  return join(outdir, `${name}.inputs.json`);
}

/** True when the bundle exists and every file it was built from is unchanged. */
function isFresh(name, outdir = OUTDIR) {
  let manifest;
  try {
    manifest = JSON.parse(readFileSync(manifestPath(name, outdir), "utf8"));
  } catch {
    return false;
  }
  if (manifest.environment !== environmentKey(name) || !existsSync(join(outdir, `${name}.js`))) return false;
  return Object.entries(manifest.inputs).every(([file, hash]) => hashFile(join(ROOT, file)) === hash);
}

/** Builds one program and records its inputs (project files only: node_modules is covered by package-lock.json). */
function build(name, outdir = OUTDIR) {
  const esbuild = require("esbuild");
  mkdirSync(outdir, { recursive: true });
  const staging = join(outdir, `.${name}.${process.pid}.tmp`);
  const result = esbuild.buildSync({ ...bundleOptions(name, staging), metafile: true });
  const inputs = {};
  for (const file of Object.keys(result.metafile.inputs).sort()) {
    if (file.startsWith("node_modules/") || file.includes("/node_modules/")) continue;
    inputs[file] = hashFile(join(ROOT, file));
  }
  inputs["tsconfig.json"] = hashFile(join(ROOT, "tsconfig.json")); // esbuild reads compiler options from it
  // The map first, then the program, then the manifest: a reader that sees the manifest sees the rest.
  renameSync(join(staging, `${name}.js.map`), join(outdir, `${name}.js.map`));
  renameSync(join(staging, `${name}.js`), join(outdir, `${name}.js`));
  require("node:fs").rmSync(staging, { recursive: true, force: true });
  const manifest = join(outdir, `.${name}.inputs.${process.pid}.tmp`);
  writeFileSync(manifest, JSON.stringify({ environment: environmentKey(name), inputs }, null, 1) + "\n");
  renameSync(manifest, manifestPath(name, outdir));
}

/** The path of an up-to-date bundle of `name`, rebuilt first if any of its sources changed. */
function freshBundle(name, outdir = OUTDIR) {
  if (!(name in ENTRIES)) throw new Error(`no program named ${name} (known: ${Object.keys(ENTRIES).join(", ")})`);
  if (!isFresh(name, outdir)) build(name, outdir);
  return join(outdir, `${name}.js`);
}

module.exports = { BUNDLE_EXTERNALS, ENTRIES, bundleOptions, build, freshBundle, isFresh, OUTDIR };

if (require.main === module) {
  try {
    for (const name of Object.keys(ENTRIES)) build(name);
    console.log(`edge-lab: bundled ${Object.keys(ENTRIES).join(", ")} into ${relative(process.cwd(), OUTDIR) || "."}`);
  } catch (e) {
    console.error(`edge-lab bundle: ${e.message}`);
    process.exitCode = 1;
  }
}
