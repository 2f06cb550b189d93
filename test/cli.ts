/**
 * The edge-lab CLI in a child process, as users run it: `node bin/edge-lab.js` (its bundle, scripts/bundle.js). The
 * bundle is brought up to date once per test process, as the test's own user (root in CI), before the first child
 * starts: a child running as nobody could not rebuild it, and each child then starts in about 0.2 s instead of the
 * 2-4 s that compiling the sources through ts-node took.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
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
