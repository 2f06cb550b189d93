/**
 * Atomic output: everything is first written into a staging directory next to the target, and only moved into
 * place (rename, same file system) once all of it was produced. A failure before publishing leaves the previous
 * outputs untouched; each published file or directory appears in one rename.
 */
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { basename, dirname, join, relative } from "node:path";

export interface OutputFile {
  readonly name: string;
  readonly content: string;
}

/** A fresh staging directory next to `target` (same file system, so renames are atomic). */
export function stagingDirFor(target: string): string {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, `.${basename(target)}.staging-`));
  chmodSync(dir, 0o755); // mkdtemp makes it private; the result becomes an ordinary output folder
  return dir;
}

/** Replaces directory `target` by directory `source` (both on one file system), restoring the old one on failure. */
export function swapDirectory(source: string, target: string): void {
  mkdirSync(dirname(target), { recursive: true });
  const old = existsSync(target) ? `${source}.old` : undefined;
  try {
    if (old) renameSync(target, old);
    renameSync(source, target);
  } catch (e) {
    if (old && existsSync(old) && !existsSync(target)) renameSync(old, target);
    throw e;
  }
  if (old) rmSync(old, { recursive: true, force: true });
}

/**
 * A file name, or a relative path with "/" between segments (subdirectories), none of them empty or starting with
 * "." (so no "..", no hidden files, no absolute paths) and no backslash.
 */
function validOutputName(name: string): boolean {
  return name.split("/").every((seg) => seg !== "" && !seg.startsWith(".") && !seg.includes("\\") && seg === basename(seg));
}

/**
 * Replaces directory `target` with exactly `files` (names may contain subdirectories, "a/b.txt"): writes them into a
 * staging directory next to it, then swaps it into place. A failure before the swap leaves the previous contents of
 * `target` untouched.
 */
export function replaceDirectory(target: string, files: readonly OutputFile[]): void {
  const staging = stagingDirFor(target);
  try {
    for (const f of files) {
      if (!validOutputName(f.name)) throw new Error(`invalid output file name "${f.name}"`);
      if (f.name.includes("/")) mkdirSync(dirname(join(staging, f.name)), { recursive: true });
      writeFileSync(join(staging, f.name), f.content);
    }
    swapDirectory(staging, target);
  } catch (e) {
    rmSync(staging, { recursive: true, force: true });
    throw e;
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

/**
 * Moves every file of `staging` to the same relative place under `target` (one rename each), keeping files of
 * `target` that staging does not have (e.g. Terraform's .terraform folders next to cdk.tf.json); directories listed
 * in `replaceDirs` (relative) are swapped whole so that stale files disappear. Removes `staging`.
 */
export function publishStaging(staging: string, target: string, replaceDirs: readonly string[] = []): void {
  for (const dir of replaceDirs) {
    if (existsSync(join(staging, dir))) swapDirectory(join(staging, dir), join(target, dir));
  }
  for (const file of filesUnder(staging)) {
    const dest = join(target, relative(staging, file));
    mkdirSync(dirname(dest), { recursive: true });
    renameSync(file, dest);
  }
  rmSync(staging, { recursive: true, force: true });
}
