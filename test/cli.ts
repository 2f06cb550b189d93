/**
 * The edge-lab CLI in a child process, as users run it: `node bin/edge-lab.js` (its bundle, scripts/bundle.js). The
 * bundle is brought up to date once per test process, as the test's own user (root in CI), before the first child
 * starts: a child running as nobody could not rebuild it, and each child then starts in about 0.2 s instead of the
 * 2-4 s that compiling the sources through ts-node took.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { buildSync } from "esbuild";
import { ROOT } from "./helpers";

let built = false;

/** argv[0..1] of the CLI (`node`, `bin/edge-lab.js`), with the bundle fresh; any working directory and environment work. */
export function cliCommand(): readonly [node: string, script: string] {
  if (!built) {
    // Synchronous, so that it can run at a test's top level; two jest workers building at once is safe (the bundle is
    // written under a temporary name and renamed).
    execFileSync(process.execPath, ["-e", `require(${JSON.stringify(join(ROOT, "scripts", "bundle.js"))}).freshBundle("cli")`], {
      stdio: ["ignore", "ignore", "inherit"],
    });
    built = true;
  }
  return [process.execPath, join(ROOT, "bin", "edge-lab.js")];
}

/**
 * Node options that run `script` as `node -e script` would, when the script requires the project's TypeScript sources
 * (by paths relative to the project): esbuild bundles it first (the packages stay in node_modules) into
 * node_modules/.cache/edge-lab-test/, named by its content, and the child requires that file, so the script's
 * process.argv is the same. About 0.1 s per child instead of the 2-4 s of compiling the sources with ts-node. The
 * bundled file's __dirname is that cache folder: a script must not rely on it (test/helpers.ts does).
 */
export function evalWithSources(script: string): string[] {
  const code = buildSync({
    stdin: { contents: script, resolveDir: ROOT, sourcefile: "child.ts", loader: "ts" },
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    packages: "external",
    write: false,
  }).outputFiles[0].text;
  const dir = join(ROOT, "node_modules", ".cache", "edge-lab-test");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${createHash("sha256").update(code).digest("hex").slice(0, 24)}.js`);
  if (!existsSync(file)) {
    // Written under a temporary name and renamed: another jest worker may be writing the same file.
    const partial = `${file}.${process.pid}.tmp`;
    writeFileSync(partial, code);
    renameSync(partial, file);
  }
  return ["-e", `require(${JSON.stringify(file)})`];
}
