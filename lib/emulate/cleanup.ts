/**
 * Removing what a run created: its processes, its namespaces, its /etc/netns/<ns> entries (the HOSTS files
 * `ip netns exec` bind-mounts) and its run directory. Synchronous, so that it also runs from a signal handler.
 *
 * Only what a run recorded in its run.json (run-registry.ts) is removed, never anything found by a name pattern: a
 * namespace or directory that merely looks like edge-lab's is left alone, a namespace is deleted only when a record
 * names it, a daemon is signalled only while its pid still belongs to the process that was recorded, and nothing is
 * removed outside the root-owned base directory except the recorded /etc/netns entries (one `hosts` file each).
 */
import { readdirSync, rmdirSync, rmSync, statSync, unlinkSync } from "node:fs";
import { join } from "node:path";
import { ownDirectory, recordedRuns, RUN_BASE, RunRecord, stillRunning } from "./run-registry";
import { sh } from "./sys";

export const NETNS_ETC = "/etc/netns";

export function listNamespaces(): string[] {
  const r = sh("ip", ["netns", "list"], { allowFail: true });
  return r.stdout
    .split("\n")
    .map((l) => l.trim().split(/\s+/)[0])
    .filter(Boolean);
}

/** Where `ip netns add` mounts a named namespace (iproute2's NETNS_RUN_DIR). */
const NETNS_RUN_DIR = "/run/netns";

/** A namespace name as edge-lab makes them ("<tag>-<role>"): a plain file name, safe on one line of `ip -batch`. */
const NAMESPACE_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]*$/;

/** The device and inode of a network namespace's file ("dev:ino"), or undefined when it cannot be read. */
function namespaceId(path: string): string | undefined {
  try {
    const s = statSync(path);
    return `${s.dev}:${s.ino}`;
  } catch {
    return undefined;
  }
}

/**
 * The processes inside the namespaces, found as `ip netns pids` finds them: a process is inside when its
 * /proc/<pid>/ns/net is the namespace's file under /run/netns (the same device and inode). One pass over /proc for
 * all of them, instead of one `ip` process per namespace and round (a teardown took about 40 processes).
 *
 * Only names edge-lab could have made count (`ip` refused a path in a name; so does this), and never this process's
 * own namespace, whatever name it is mounted under: its processes are the machine's, not a run's.
 */
export function pidsInNamespaces(namespaces: readonly string[]): number[] {
  const own = namespaceId("/proc/self/ns/net");
  const ids = new Set(
    namespaces
      .filter((ns) => NAMESPACE_NAME.test(ns))
      .map((ns) => namespaceId(join(NETNS_RUN_DIR, ns)))
      .filter((id): id is string => id !== undefined && id !== own),
  );
  if (!ids.size) return [];
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return []; // as `ip netns pids` failing did: the namespaces are still deleted
  }
  const pids: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const id = namespaceId(`/proc/${entry}/ns/net`); // none for a process that ended meanwhile (or a zombie)
    if (id !== undefined && ids.has(id)) pids.push(Number(entry));
  }
  return pids;
}

function sleepMs(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Stops every process in the namespaces (TERM, then KILL) and deletes the namespaces. */
export function removeNamespaces(namespaces: readonly string[]): void {
  // pidsInNamespaces never counts this process's own namespace, so this process is never among them.
  const signal = (sig: NodeJS.Signals) => {
    const pids = pidsInNamespaces(namespaces);
    for (const pid of pids) {
      try {
        process.kill(pid, sig);
      } catch {
        /* already gone */
      }
    }
    return pids.length > 0;
  };
  if (signal("SIGTERM")) {
    // Up to a second for them to end (checked every 10 ms: a scan of /proc costs about a millisecond).
    for (let i = 0; i < 100 && pidsInNamespaces(namespaces).length > 0; i++) sleepMs(10);
    signal("SIGKILL");
  }
  // One `ip` for all of them (-force: one that fails does not stop the others). A name edge-lab could not have made
  // is not a run's: left alone.
  const names = namespaces.filter((ns) => NAMESPACE_NAME.test(ns));
  if (names.length) sh("ip", ["-force", "-batch", "-"], { allowFail: true, input: names.map((ns) => `netns del ${ns}\n`).join("") });
}

const isRootsOwnDirectory = (path: string) => ownDirectory(path) !== undefined;

/** Signals the daemons a run recorded, each only while its pid still belongs to the recorded process. */
function signalDaemons(run: RunRecord, signal: NodeJS.Signals): void {
  for (const d of run.daemons)
    if (d.pid !== process.pid && stillRunning(d)) {
      try {
        process.kill(d.pid, signal);
      } catch {
        /* gone */
      }
    }
}

/** Removes /etc/netns/<ns> as the run made it: its `hosts` file (unlinked, never followed), then the directory. */
function removeNetnsEtc(ns: string): void {
  const dir = join(NETNS_ETC, ns);
  if (!isRootsOwnDirectory(dir)) return;
  try {
    unlinkSync(join(dir, "hosts"));
  } catch {
    /* not there */
  }
  try {
    rmdirSync(dir);
  } catch {
    /* something else is inside: not ours to remove */
  }
}

/** Removes everything one run recorded (its record is read from memory, or from its run.json). */
export function removeRun(run: RunRecord): void {
  const present = new Set(listNamespaces());
  // Daemons first while their namespaces still exist; then whatever else runs inside the namespaces.
  signalDaemons(run, "SIGTERM");
  removeNamespaces(run.namespaces.filter((ns) => present.has(ns)));
  signalDaemons(run, "SIGKILL");
  for (const ns of run.netnsEtc) removeNetnsEtc(ns);
  // The run directory is below root's private base: nobody else can have placed or swapped anything in it.
  if (isRootsOwnDirectory(run.dir) && run.dir.startsWith(`${RUN_BASE}/`)) rmSync(run.dir, { recursive: true, force: true });
}

/** Runs whose owning process has ended (pid and start time), as recorded under the base directory. */
export function findLeftovers(base: string = RUN_BASE): { namespaces: string[]; files: string[]; runs: RunRecord[]; unrecorded: string[] } {
  const present = new Set(listNamespaces());
  const runs: RunRecord[] = [];
  const unrecorded: string[] = [];
  for (const r of recordedRuns(base)) {
    if (!r.record) unrecorded.push(r.dir);
    else if (!stillRunning(r.record.owner)) runs.push(r.record);
  }
  return {
    runs,
    unrecorded,
    namespaces: runs.flatMap((r) => r.namespaces.filter((ns) => present.has(ns))),
    files: [...runs.flatMap((r) => [...r.netnsEtc.map((ns) => join(NETNS_ETC, ns)), r.dir]), ...unrecorded],
  };
}

/**
 * Removes the leftovers of ended runs. A directory under the base without a readable record (a run stopped between
 * making its directory and writing its record) holds no namespace: only the directory goes, when it is empty of
 * anything but edge-lab's own files.
 */
export function removeLeftovers(base: string = RUN_BASE): { namespaces: string[]; files: string[] } {
  const found = findLeftovers(base);
  for (const run of found.runs) removeRun(run);
  for (const dir of found.unrecorded)
    if (isRootsOwnDirectory(dir) && readdirSync(dir).every((n) => n.startsWith(".run.json"))) rmSync(dir, { recursive: true });
  return { namespaces: found.namespaces, files: found.files };
}
