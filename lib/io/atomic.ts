/**
 * Atomic output. Everything is first written into a staging folder next to the target, and the whole target is then
 * replaced in one rename: a reader sees the old tree or the new one, never a mix. Guarantees, in order:
 *
 * - edge-lab writes only into folders it created: each output root holds a marker file (`.edge-lab-output`); an
 *   existing folder without it (e.g. `docs` when a scenario id names it) is refused, not replaced;
 * - no write goes through a symbolic link: a target that is a link is refused, and links inside the old tree are
 *   moved or dropped as links, never followed;
 * - one writer at a time: a lock file next to the target (`.<name>.lock`, with the writer's pid; a stale lock of a
 *   process that is gone is taken over);
 * - the staging folder and the lock are removed on every exit path, including Ctrl-C and SIGTERM (lib/io/cleanup.ts);
 * - a failure while publishing rolls back: the previous tree is put back as it was;
 * - a publish stopped where no handler runs (SIGKILL, power loss) is finished by the next writer, before anything
 *   else: a journal next to the staging folder (`<staging>.publish`) says the staging folder was complete when the
 *   publish began (recoverInterruptedPublish).
 */
import {
  closeSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
  writeSync,
  chmodSync,
} from "node:fs";
import { hostname } from "node:os";
import { basename, dirname, join } from "node:path";
import { keepOnExit, removeOnExit } from "./cleanup";
import { UserError } from "../errors";

export interface OutputFile {
  readonly name: string;
  readonly content: string;
}

/** The file that marks a folder as written by edge-lab (and therefore safe for edge-lab to replace). */
export const OUTPUT_MARKER = ".edge-lab-output";
const MARKER_TEXT = "This folder is written by edge-lab; it is replaced as a whole on the next run. Do not keep your own files here.\n";

/** An output problem for the user: one line, naming the path, no stack trace. */
export class OutputError extends UserError {}

/**
 * Checks that `target` is either absent or a real folder edge-lab wrote: it holds the marker, or (written before
 * markers existed) `legacy` recognises its entries. Throws OutputError otherwise.
 */
export function assertEdgeLabOutput(target: string, legacy?: (entries: readonly string[]) => boolean): void {
  let stat;
  try {
    stat = lstatSync(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return;
    throw new OutputError(`cannot use ${target}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  if (stat.isSymbolicLink())
    throw new OutputError(`${target} is a symbolic link; edge-lab writes only into real folders it created (remove the link or choose another output folder)`);
  if (!stat.isDirectory()) throw new OutputError(`${target} exists and is not a folder; edge-lab will not replace it`);
  const entries = readdirSync(target);
  if (entries.includes(OUTPUT_MARKER) && lstatSync(join(target, OUTPUT_MARKER)).isFile()) return;
  if (legacy && entries.length > 0 && legacy(entries)) return;
  if (entries.length === 0) return;
  throw new OutputError(
    `${target} exists and was not written by edge-lab (it has no ${OUTPUT_MARKER} file); edge-lab replaces the folders it writes, so it leaves this one alone: choose another output folder or scenario id, or move the folder away`,
  );
}

/** Where a recovered publish is reported: one line on standard error. */
export type Notice = (line: string) => void;
const stderrNotice: Notice = (line) => process.stderr.write(`${line}\n`);

/**
 * Takes the lock of `target` (a file `.<name>.lock` next to it, created exclusively), then finishes a publish of
 * `target` that an earlier run left midway (recoverInterruptedPublish; `notice` gets the one line saying so). Returns
 * the release function. Throws OutputError when another live process holds the lock.
 */
export function lockOutput(target: string, notice: Notice = stderrNotice): () => void {
  const release = takeLock(target);
  try {
    const done = recoverInterruptedPublish(target);
    if (done) notice(done);
  } catch (e) {
    release();
    throw e;
  }
  return release;
}

function takeLock(target: string): () => void {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const lock = join(parent, `.${basename(target)}.lock`);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(lock, "wx");
      try {
        writeSync(fd, `${process.pid} ${hostname()}\n`);
      } finally {
        closeSync(fd);
      }
      removeOnExit(lock);
      return () => {
        rmSync(lock, { force: true });
        keepOnExit(lock);
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST")
        throw new OutputError(`cannot lock ${target} (${lock}): ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
      const holder = lockHolder(lock);
      if (holder !== undefined && holder.alive) {
        throw new OutputError(
          `${target} is being written by another edge-lab run (pid ${holder.pid}${holder.host ? ` on ${holder.host}` : ""}); wait for it to finish, or delete ${lock} if that process is gone`,
        );
      }
      rmSync(lock, { force: true }); // stale: the writer died without cleaning up
    }
  }
  throw new OutputError(`cannot lock ${target}: ${lock} keeps reappearing`);
}

function lockHolder(lock: string): { pid: number; host?: string; alive: boolean } | undefined {
  let text: string;
  try {
    text = readFileSync(lock, "utf8");
  } catch {
    return undefined;
  }
  const [pidText, host] = text.trim().split(/\s+/);
  const pid = Number(pidText);
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  // Another machine's process cannot be checked: treat its lock as held.
  if (host && host !== hostname()) return { pid, host, alive: true };
  try {
    process.kill(pid, 0);
    return { pid, host, alive: true };
  } catch (e) {
    return { pid, host, alive: (e as NodeJS.ErrnoException).code === "EPERM" };
  }
}

/**
 * A fresh staging folder next to `target` (same file system, so the final rename is atomic), holding the marker.
 * It is removed if the process ends before it is published or discarded.
 */
export function stagingDirFor(target: string): string {
  const parent = dirname(target);
  mkdirSync(parent, { recursive: true });
  const dir = mkdtempSync(join(parent, `.${basename(target)}.staging-`));
  removeOnExit(dir);
  chmodSync(dir, 0o755); // mkdtemp makes it private; the result becomes an ordinary output folder
  writeFileSync(join(dir, OUTPUT_MARKER), MARKER_TEXT);
  return dir;
}

/** Removes a staging folder that will not be published. */
export function discardStaging(staging: string): void {
  rmSync(staging, { recursive: true, force: true });
  keepOnExit(staging);
}

const isRealDir = (path: string) => {
  try {
    return lstatSync(path).isDirectory();
  } catch {
    return false;
  }
};

/**
 * Moves into `staging` every entry of `target` that staging does not have (e.g. Terraform's .terraform folders
 * next to cdk.tf.json, stacks of scenarios not synthesized this time), descending into folders both have, except
 * the folders listed in `replaceDirs` (relative), whose old content is dropped. Returns the moves made, in order.
 */
function carryOver(target: string, staging: string, replaceDirs: ReadonlySet<string>, rel = ""): { from: string; to: string }[] {
  const moves: { from: string; to: string }[] = [];
  for (const name of readdirSync(join(target, rel)).sort()) {
    const relPath = rel ? `${rel}/${name}` : name;
    if (replaceDirs.has(relPath) || name === OUTPUT_MARKER) continue;
    const from = join(target, relPath);
    const to = join(staging, relPath);
    if (!existsSync(to) && !isSymlink(to)) {
      renameSync(from, to);
      moves.push({ from, to });
    } else if (isRealDir(from) && isRealDir(to)) {
      moves.push(...carryOver(target, staging, replaceDirs, relPath));
    }
  }
  return moves;
}

function isSymlink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink();
  } catch {
    return false;
  }
}

/** The journal of a publish in progress: written before the first move, removed after the last. */
const journalOf = (staging: string) => `${staging}.publish`;

/** The folders of `replaceDirs` a journal holds, or undefined for a missing or unreadable (half-written) journal. */
function readJournal(journal: string): string[] | undefined {
  try {
    const data = JSON.parse(readFileSync(journal, "utf8")) as { replaceDirs?: unknown };
    return Array.isArray(data.replaceDirs) && data.replaceDirs.every((d) => typeof d === "string") ? (data.replaceDirs as string[]) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Finishes a publish of `target` that an earlier run left midway (killed where no handler runs), to be called with
 * the lock held: the writer that left them is gone. From what is on disk next to `target`:
 * - a staging folder whose journal says it was complete: the rest of the previous tree is carried into it, and it
 *   replaces `target` (when the previous tree is already in `<staging>.old`, only the last rename is left);
 * - the previous tree alone in `<staging>.old`, no output folder: it is put back;
 * - a staging folder without journal (the run died while writing it): removed, `target` was not touched yet.
 * Returns the line that says what was done, or undefined when there was nothing to restore.
 */
export function recoverInterruptedPublish(target: string): string | undefined {
  const parent = dirname(target);
  const prefix = `.${basename(target)}.staging-`;
  let entries: string[];
  try {
    entries = readdirSync(parent);
  } catch {
    return undefined;
  }
  const stopped = "(an earlier run was stopped while publishing it)";
  let said: string | undefined;
  const bases = [...new Set(entries.filter((e) => e.startsWith(prefix)).map((e) => e.replace(/\.(old|publish)$/, "")))].sort();
  for (const base of bases) {
    const staging = join(parent, base);
    const old = `${staging}.old`;
    const journal = journalOf(staging);
    const replaceDirs = readJournal(journal);
    const hasStaging = isRealDir(staging);
    const hasOld = isRealDir(old);
    const hasTarget = existsSync(target) || isSymlink(target);
    try {
      if (hasStaging && (replaceDirs !== undefined || hasOld) && !(hasTarget && hasOld)) {
        if (hasTarget) {
          assertEdgeLabOutput(target, () => true);
          if (!replaceDirs!.includes(".")) carryOver(target, staging, new Set(replaceDirs));
          renameSync(target, old);
        }
        renameSync(staging, target);
        said = `edge-lab: finished the interrupted publish of ${target} ${stopped}`;
      } else if (!hasStaging && hasOld && !hasTarget) {
        renameSync(old, target);
        said = `edge-lab: restored the previous ${target} ${stopped}`;
      } else if (hasStaging && hasOld && hasTarget) {
        // Written again since (by a version without this recovery): which tree is wanted is not ours to decide.
        said = `edge-lab: ${staging} and ${old} are left from an interrupted publish of ${target}, which was written again since; remove them when they are not needed`;
        continue;
      } else if (hasStaging) {
        rmSync(staging, { recursive: true, force: true });
      }
      rmSync(old, { recursive: true, force: true });
      rmSync(journal, { force: true });
    } catch (e) {
      if (e instanceof OutputError) throw e;
      throw new OutputError(
        `cannot finish the interrupted publish of ${target}: ${describeFsError(e as NodeJS.ErrnoException)}; the new tree is in ${staging}, the previous one in ${existsSync(old) ? old : target}`,
      );
    }
  }
  return said;
}

/**
 * Publishes `staging` as `target` in one rename. Entries of the old target that staging lacks are carried over
 * (see carryOver; `replaceDirs` are replaced whole, "." replaces everything). On any failure the old target is
 * restored exactly and OutputError names the path; staging is removed either way.
 */
export function publishTree(staging: string, target: string, replaceDirs: readonly string[] = []): void {
  const old = `${staging}.old`;
  const journal = journalOf(staging);
  const moves: { from: string; to: string }[] = [];
  let swapped = false;
  try {
    assertEdgeLabOutput(target, () => true); // the caller checked ownership; here only links and files are refused
    const exists = existsSync(target);
    // From the first move on, the staging folder is the new tree: if this process dies before the last rename, the
    // next writer finishes the publish from it (recoverInterruptedPublish), so nothing removes it on exit.
    writeFileSync(journal, JSON.stringify({ target: basename(target), replaceDirs }) + "\n", { flag: "wx" });
    keepOnExit(staging);
    if (exists && !replaceDirs.includes(".")) moves.push(...carryOver(target, staging, new Set(replaceDirs)));
    if (exists) renameSync(target, old);
    swapped = true;
    renameSync(staging, target);
  } catch (e) {
    // Roll back: the old tree returns to its place, then the carried entries return into it.
    try {
      if (swapped && existsSync(old) && !existsSync(target)) renameSync(old, target);
      for (const { from, to } of moves.reverse()) if (existsSync(to) || isSymlink(to)) renameSync(to, from);
    } catch (rollback) {
      // The journal stays: the next run finishes this publish.
      throw new OutputError(
        `cannot publish ${target}: ${describeFsError(e as NodeJS.ErrnoException)}, and restoring it failed (${describeFsError(rollback as NodeJS.ErrnoException)}): the previous output is in ${existsSync(old) ? old : target}, the new one in ${staging}`,
      );
    }
    discardStaging(staging);
    rmSync(journal, { force: true });
    if (e instanceof OutputError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new OutputError(
      `cannot publish ${target}${err.path && err.path !== target ? ` (${err.path})` : ""}: ${describeFsError(err)}; the previous output is unchanged`,
    );
  }
  rmSync(old, { recursive: true, force: true });
  rmSync(journal, { force: true });
}

/** A short reason for a file system error ("no space left on device (ENOSPC)"). */
export function describeFsError(err: NodeJS.ErrnoException): string {
  const reasons: Record<string, string> = {
    ENOSPC: "no space left on device",
    EDQUOT: "disk quota exceeded",
    EACCES: "permission denied",
    EPERM: "operation not permitted",
    EROFS: "read-only file system",
    EXDEV: "it spans two file systems (a link or mount point inside the output folder)",
    ENOTDIR: "a path component is not a folder",
    EISDIR: "is a folder",
    EBUSY: "busy (a mount point or open elsewhere)",
    EIO: "input/output error",
  };
  return err.code ? `${reasons[err.code] ?? err.message.replace(/^[A-Z]+: /, "").split(",")[0]} (${err.code})` : err.message;
}

/**
 * A file name, or a relative path with "/" between segments (subdirectories), none of them empty or starting with
 * "." (so no "..", no hidden files, no absolute paths) and no backslash.
 */
function validOutputName(name: string): boolean {
  return name.split("/").every((seg) => seg !== "" && !seg.startsWith(".") && !seg.includes("\\") && seg === basename(seg));
}

/** Writes `files` into the fresh folder `staging` (names may contain subfolders, "a/b.txt"). */
export function writeFilesInto(staging: string, files: readonly OutputFile[]): void {
  for (const f of files) {
    if (!validOutputName(f.name)) throw new OutputError(`invalid output file name "${f.name}"`);
    const path = join(staging, f.name);
    if (f.name.includes("/")) mkdirSync(dirname(path), { recursive: true });
    try {
      writeFileSync(path, f.content, { flag: "wx" }); // never through an existing file or link
    } catch (e) {
      throw new OutputError(`cannot write ${path}: ${describeFsError(e as NodeJS.ErrnoException)}`);
    }
  }
}

/** File names `edge-lab worksheets` and `edge-lab zones` wrote before output folders had a marker. */
const LEGACY_OUTPUT_NAME = /^(worksheet\.md|diagram\.(dot|svg)|[a-z0-9-]+\.csv|zone-.+\.zone|appliance-[a-z0-9]+\.rules|cmdlets\.ps1|external|internal)$/;
export const isLegacyEdgeLabFolder = (entries: readonly string[]) => entries.every((name) => LEGACY_OUTPUT_NAME.test(name));

/**
 * Replaces folder `target` with exactly `files` (plus the marker): refuses a folder edge-lab did not write, takes
 * the lock, writes a staging folder next to it and swaps it into place. A failure leaves the previous contents of
 * `target` untouched and no staging folder or lock behind.
 */
export function replaceDirectory(target: string, files: readonly OutputFile[], notice: Notice = stderrNotice): void {
  assertEdgeLabOutput(target, isLegacyEdgeLabFolder);
  const release = lockOutput(target, notice);
  try {
    const staging = stagingDirFor(target);
    try {
      writeFilesInto(staging, files);
    } catch (e) {
      discardStaging(staging);
      throw e;
    }
    publishTree(staging, target, ["."]);
  } finally {
    release();
  }
}

/**
 * Writes one file atomically (a temporary file next to it, then a rename): refuses a target that is a symbolic link
 * or not a regular file (a device such as /dev/full would be replaced by the rename), and reports a failure as one
 * OutputError naming the path.
 */
export function replaceFile(path: string, content: string): void {
  try {
    const stat = lstatSync(path);
    if (stat.isSymbolicLink()) throw new OutputError(`${path} is a symbolic link; edge-lab writes no file through a link`);
    if (!stat.isFile()) throw new OutputError(`${path} exists and is not a regular file; edge-lab will not replace it`);
  } catch (e) {
    if (e instanceof OutputError) throw e;
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw new OutputError(`cannot write ${path}: ${describeFsError(e as NodeJS.ErrnoException)}`);
  }
  const tmp = join(dirname(path), `.${basename(path)}.tmp-${process.pid}`);
  removeOnExit(tmp);
  try {
    writeFileSync(tmp, content, { flag: "wx" });
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw new OutputError(`cannot write ${path}: ${describeFsError(e as NodeJS.ErrnoException)}`);
  } finally {
    keepOnExit(tmp);
  }
}
