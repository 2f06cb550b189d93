/**
 * The one build step: esbuild bundles each program users run (the `edge-lab` CLI, the cdktf app, the benchmark) and
 * the library a cdktf user imports (`edge-lab`: lib/index.ts, package.json "exports") into one file each under
 * dist/bundle/, and every launcher asks `freshBundle()` for it first, so what runs is always the current sources:
 * `npx edge-lab`, `npm run synth` and `npx cdktf synth|diff|deploy` (cdktf.json's app) never run a stale build, and
 * nobody has to remember a build command. Type checking is not part of it (`npm run typecheck`).
 *
 * Why bundles: a synth is a short batch process; one file per program saves module lookups, and esbuild drops what
 * edge-lab does not use (zod's 40 message locales: zod is imported as a namespace). Plain JavaScript, so that it runs
 * on a fresh clone before anything is compiled.
 *
 * Freshness: next to each bundle, <name>.inputs.json records a SHA-256 of every project file esbuild read (hashed
 * from the very bytes handed to esbuild), of package-lock.json (what node_modules holds) and of the build options. A
 * launch re-hashes those files (a few milliseconds) and rebuilds only when one differs or is gone; a source file added
 * to the program shows up as a change to the file that imports it. Bundles are written to a temporary name and
 * renamed, so two launches at once never run half a file. Not covered, by design: hand edits inside node_modules
 * (run `npm run build` after patching a package) and a new file that changes how an unchanged import resolves (e.g.
 * lib/x.ts added beside lib/x/index.ts).
 *
 * Left external (loaded from node_modules): cdktf, constructs and the @cdktf providers (one copy, shared with the
 * provider packages that require cdktf themselves; a second copy would break cdktf's token map and instanceof), and
 * @hpcc-js/wasm-graphviz (read from its package file at run time, lib/render/diagram/graphviz.ts).
 *
 *   node scripts/bundle.js            build every program now (npm ci runs this as `prepare`); says so on stderr
 */
"use strict";
const { createHash } = require("node:crypto");
const { existsSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } = require("node:fs");
const { basename, dirname, extname, join, relative } = require("node:path");

const ROOT = join(__dirname, "..");
const OUTDIR = join(ROOT, "dist", "bundle");

/** The programs: bundle name -> entry point. */
const ENTRIES = {
  cli: "bin/cli.ts",
  synth: "bin/synth.ts",
  bench: "bench/bench.ts",
  "bench-emulate": "bench/emulate.ts",
  // The crash report alone, for a defect that stops a program from loading (scripts/run.js).
  crash: "lib/io/crash.ts",
  // The library: the package's public entry (package.json "exports"; its types come from `npm run build:types`).
  index: "lib/index.ts",
};

// Loaded from node_modules at run time. @inquirer/prompts is asked for only by an interactive `edge-lab init`, and
// with it come its editor prompt's encoding tables (iconv-lite, chardet): a third of the CLI's bundle, read and
// parsed at every command's start while bundled.
const BUNDLE_EXTERNALS = ["cdktf", "@cdktf/*", "constructs", "@hpcc-js/wasm-graphviz", "@inquirer/prompts"];

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
    logLevel: "silent", // errors are reported once, by the caller, with esbuild's file:line:column
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
  if (manifest.environment !== environmentKey(name) || !existsSync(join(outdir, `${name}.js`)) || !existsSync(join(outdir, `${name}.js.map`))) return false;
  return Object.entries(manifest.inputs).every(([file, hash]) => hashFile(join(ROOT, file)) === hash);
}

const LOADERS = { ".ts": "ts", ".js": "js", ".cjs": "js", ".mjs": "js", ".json": "json" };

/**
 * An esbuild plugin that reads every project file itself and records the SHA-256 of exactly the bytes it hands to
 * esbuild: a file saved while the build runs can never be recorded with a hash the bundle does not contain.
 * node_modules is left to esbuild (package-lock.json stands for it).
 */
function hashingLoader(inputs) {
  return {
    name: "edge-lab-input-hashes",
    setup(build) {
      build.onLoad({ filter: /.*/ }, (args) => {
        const rel = relative(ROOT, args.path).split("\\").join("/");
        const loader = LOADERS[extname(args.path)];
        if (rel.startsWith("..") || rel.split("/").includes("node_modules") || !loader) return undefined;
        const contents = readFileSync(args.path);
        inputs[rel] = sha256(contents);
        return { contents, loader };
      });
    },
  };
}

/**
 * Builds one program and records its inputs. The bundle and its map are written into a staging folder at the same
 * depth as the output folder (so the map's relative source paths stay right), then renamed into place: map, program,
 * and last the manifest, so that a reader that sees the manifest sees the rest.
 */
async function build(name, outdir = OUTDIR) {
  const esbuild = require("esbuild");
  mkdirSync(outdir, { recursive: true });
  const staging = join(dirname(outdir), `.${basename(outdir)}-${name}-${process.pid}.tmp`);
  const inputs = {};
  try {
    await esbuild.build({ ...bundleOptions(name, staging), plugins: [hashingLoader(inputs)] });
    inputs["tsconfig.json"] = hashFile(join(ROOT, "tsconfig.json")); // esbuild reads compiler options from it
    renameSync(join(staging, `${name}.js.map`), join(outdir, `${name}.js.map`));
    renameSync(join(staging, `${name}.js`), join(outdir, `${name}.js`));
    const manifest = join(staging, `${name}.inputs.json`);
    writeFileSync(manifest, JSON.stringify({ environment: environmentKey(name), inputs: Object.fromEntries(Object.entries(inputs).sort()) }, null, 1) + "\n");
    renameSync(manifest, manifestPath(name, outdir));
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

/** The path of an up-to-date bundle of `name`, rebuilt first if any of its sources changed. */
async function freshBundle(name, outdir = OUTDIR) {
  if (!(name in ENTRIES)) throw new Error(`no program named ${name} (known: ${Object.keys(ENTRIES).join(", ")})`);
  if (!isFresh(name, outdir)) await build(name, outdir);
  return join(outdir, `${name}.js`);
}

module.exports = { BUNDLE_EXTERNALS, ENTRIES, bundleOptions, build, freshBundle, isFresh, OUTDIR };

if (require.main === module) {
  // The notice goes to standard error: standard output belongs to the data of whatever runs the build (the JSON of
  // `npm run bench -- --json`, which builds first).
  Promise.all(Object.keys(ENTRIES).map((name) => build(name))).then(
    () => console.error(`edge-lab: bundled ${Object.keys(ENTRIES).join(", ")} into ${relative(process.cwd(), OUTDIR) || "."}`),
    (e) => {
      console.error(`edge-lab bundle: ${e.message}`);
      process.exitCode = 1;
    },
  );
}
