/** Paths as edge-lab prints and writes them: relative to the current folder, never the checkout's absolute path. */
import { isAbsolute, join, relative, resolve } from "node:path";

/** `path` relative to `cwd` when it lies below it (shorter messages, no machine-specific prefix), else as given. */
export function displayPath(path: string, cwd = process.cwd()): string {
  const rel = relative(cwd, resolve(cwd, path));
  return rel && !rel.startsWith("..") && !isAbsolute(rel) ? rel : path;
}

/**
 * The local backend's state path for a stack, as Terraform resolves it (relative to the stack folder
 * `<outdir>/stacks/<id>`): the project folder's `terraform.<id>.tfstate` (it survives deleting the output folder)
 * when the output folder lies inside the current folder, else the stack folder's own file, so that the synthesized
 * JSON never holds a path into the checkout (`../../../../home/me/edge-lab/...`).
 */
export function localStatePath(outdir: string, id: string, cwd = process.cwd()): string {
  const file = `terraform.${id}.tfstate`;
  const stackDir = resolve(cwd, outdir, "stacks", id);
  const fromStack = relative(stackDir, cwd);
  const inside = !relative(cwd, resolve(cwd, outdir)).startsWith("..") && !isAbsolute(relative(cwd, resolve(cwd, outdir)));
  return inside && /^(\.\.\/?)+$/.test(fromStack) ? join(fromStack, file) : file;
}
