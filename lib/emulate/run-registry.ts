/**
 * Where an emulation run keeps its files and how it remembers what it created, so that `emulate` (run as root) never
 * uses a directory another user made and `--cleanup` removes only what edge-lab itself recorded.
 *
 * - The base directory `/run/edge-lab` is root's own (mode 0700, not a link, checked on every run): no other user can
 *   create, swap or read anything below it, so TMPDIR and /tmp play no part.
 * - Each run gets a fresh directory made by mkdtemp under the base (`<tag>-XXXXXX`, mode 0700), and every file in it
 *   is created exclusively (`wx`): nothing that already exists is ever opened for writing.
 * - `run.json` in that directory is the run's record: the owning process (pid and start time, so that a reused pid
 *   is not mistaken for the owner), the namespaces and /etc/netns entries it created and the daemons it started. It
 *   is rewritten (new file, then rename) after each creation. `--cleanup` reads only these records.
 */
import { randomBytes } from "node:crypto";
import { closeSync, fsyncSync, lstatSync, type Stats, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, renameSync, writeSync } from "node:fs";
import { join } from "node:path";

/** The root-owned base directory of every run (tmpfs on Linux: nothing survives a reboot, as namespaces do not). */
export const RUN_BASE = "/run/edge-lab";
export const RUN_PREFIX = "elemu";
const RECORD = "run.json";

export interface RecordedProcess {
  readonly pid: number;
  /** Start time in clock ticks since boot (/proc/<pid>/stat field 22): tells a reused pid apart. */
  readonly startTime: number;
}

export interface RunRecordData {
  readonly tag: string;
  readonly owner: RecordedProcess;
  readonly namespaces: string[];
  /** Directories /etc/netns/<ns> made by this run (each holds one `hosts` file). */
  readonly netnsEtc: string[];
  readonly daemons: (RecordedProcess & { readonly name: string })[];
}

/** The start time of a process, or undefined when it does not exist (or is a zombie: it has ended). */
export function processStartTime(pid: number): number | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    return undefined;
  }
  // "pid (comm) state ppid ...": the command may contain spaces and parentheses; fields after it are plain.
  const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  if (fields[0] === "Z" || fields[0] === "X") return undefined;
  return Number(fields[19]);
}

/** True while the recorded process is the one running under its pid. */
export const stillRunning = (p: RecordedProcess): boolean => processStartTime(p.pid) === p.startTime;

/** The current process as a record. */
export function thisProcess(): RecordedProcess {
  return { pid: process.pid, startTime: processStartTime(process.pid) ?? -1 };
}

/**
 * Makes sure `base` exists as root's private directory and returns it; throws when it is a link, not a directory,
 * owned by another user or open to others (it is never "repaired": a directory someone else made is not trusted).
 */
export function ensureBase(base: string = RUN_BASE): string {
  try {
    mkdirSync(base, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
  }
  const st = lstatSync(base);
  if (st.isSymbolicLink() || !st.isDirectory()) throw new Error(`edge-lab emulate: ${base} is a symbolic link or not a directory; remove it and run again`);
  const uid = process.getuid?.() ?? 0;
  if (st.uid !== uid) throw new Error(`edge-lab emulate: ${base} is owned by uid ${st.uid}, not by this user (${uid}); remove it and run again`);
  if ((st.mode & 0o077) !== 0)
    throw new Error(`edge-lab emulate: ${base} is open to other users (mode ${(st.mode & 0o777).toString(8)}, expected 700); remove it and run again`);
  return base;
}

/** The directory's lstat when it is this user's own directory (not a link, not missing); undefined otherwise. */
export function ownDirectory(path: string): Stats | undefined {
  try {
    const st = lstatSync(path);
    return st.isDirectory() && !st.isSymbolicLink() && st.uid === (process.getuid?.() ?? 0) ? st : undefined;
  } catch {
    return undefined;
  }
}

/** Creates a file that must not exist yet (no link or earlier file is ever followed or reused). */
export function writeNewFile(path: string, content: string | Buffer, mode = 0o644): void {
  const fd = openSync(path, "wx", mode);
  try {
    writeSync(fd, typeof content === "string" ? Buffer.from(content) : content);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** A directory that must not exist yet. */
export function makeNewDir(path: string, mode = 0o700): void {
  mkdirSync(path, { mode });
}

/** One run: its private directory and its record of everything it created. */
export class RunRecord {
  readonly dir: string;
  private readonly data: RunRecordData;

  /** A new run directory under the base with a fresh tag (`elemu-<pid>-<4 hex>`, also the namespace prefix). */
  static create(base: string = RUN_BASE): RunRecord {
    const tag = `${RUN_PREFIX}-${process.pid}-${randomBytes(2).toString("hex")}`;
    const dir = mkdtempSync(join(ensureBase(base), `${tag}-`));
    const record = new RunRecord(dir, { tag, owner: thisProcess(), namespaces: [], netnsEtc: [], daemons: [] });
    record.save();
    return record;
  }

  /** The record of an earlier run, or undefined when the directory holds none that parses. */
  static read(dir: string): RunRecord | undefined {
    try {
      const data = JSON.parse(readFileSync(join(dir, RECORD), "utf8")) as RunRecordData;
      if (typeof data.tag !== "string" || typeof data.owner?.pid !== "number" || !Array.isArray(data.namespaces)) return undefined;
      return new RunRecord(dir, { ...data, netnsEtc: data.netnsEtc ?? [], daemons: data.daemons ?? [] });
    } catch {
      return undefined;
    }
  }

  private constructor(dir: string, data: RunRecordData) {
    this.dir = dir;
    this.data = data;
  }

  get tag(): string {
    return this.data.tag;
  }
  get owner(): RecordedProcess {
    return this.data.owner;
  }
  get namespaces(): readonly string[] {
    return this.data.namespaces;
  }
  get netnsEtc(): readonly string[] {
    return this.data.netnsEtc;
  }
  get daemons(): readonly (RecordedProcess & { readonly name: string })[] {
    return this.data.daemons;
  }

  addNamespace(ns: string): void {
    this.data.namespaces.push(ns);
    this.save();
  }
  addNetnsEtc(dir: string): void {
    this.data.netnsEtc.push(dir);
    this.save();
  }
  addDaemon(name: string, pid: number): void {
    const startTime = processStartTime(pid);
    if (startTime === undefined) return;
    this.data.daemons.push({ name, pid, startTime });
    this.save();
  }

  /** Rewrites run.json: a new file beside it, then an atomic rename (the directory is private to root). */
  private save(): void {
    const next = join(this.dir, `.${RECORD}.${randomBytes(4).toString("hex")}`);
    writeNewFile(next, JSON.stringify(this.data, null, 2) + "\n", 0o600);
    renameSync(next, join(this.dir, RECORD));
  }
}

/** Run directories under the base (directories only, never links), with their records; none when there is no base. */
export function recordedRuns(base: string = RUN_BASE): { dir: string; record?: RunRecord }[] {
  let names: string[];
  try {
    ensureBaseExisting(base);
    names = readdirSync(base);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.startsWith(`${RUN_PREFIX}-`))
    .map((n) => join(base, n))
    .filter((dir) => ownDirectory(dir) !== undefined)
    .map((dir) => ({ dir, record: RunRecord.read(dir) }));
}

/** Like ensureBase, without creating it. */
function ensureBaseExisting(base: string): void {
  lstatSync(base);
  ensureBase(base);
}
