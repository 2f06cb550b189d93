/**
 * Removing what a run created: its processes (every process inside its namespaces), its namespaces, its
 * /etc/netns/<ns> files (the HOSTS files `ip netns exec` bind-mounts) and its run directory. Synchronous, so that it
 * also runs from a signal handler. `removeLeftovers` does the same for earlier runs whose owning process is dead, and
 * touches nothing else: only names that start with `elemu-<pid>-<hex>` and whose pid is gone.
 */
import { existsSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ownerPid, processAlive, RUN_PREFIX, sh } from "./sys";

export const NETNS_ETC = "/etc/netns";

export function listNamespaces(): string[] {
  const r = sh("ip", ["netns", "list"], { allowFail: true });
  return r.stdout
    .split("\n")
    .map((l) => l.trim().split(/\s+/)[0])
    .filter(Boolean);
}

function pidsIn(ns: string): number[] {
  return sh("ip", ["netns", "pids", ns], { allowFail: true }).stdout.split(/\s+/).filter(Boolean).map(Number);
}

function sleepMs(ms: number) {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Stops every process in the namespaces (TERM, then KILL), deletes them and their /etc/netns entries. */
export function removeNamespaces(namespaces: readonly string[]): void {
  const signal = (sig: NodeJS.Signals) => {
    let any = false;
    for (const ns of namespaces) {
      for (const pid of pidsIn(ns)) {
        if (pid === process.pid) continue;
        any = true;
        try {
          process.kill(pid, sig);
        } catch {
          /* already gone */
        }
      }
    }
    return any;
  };
  if (signal("SIGTERM")) {
    for (let i = 0; i < 20 && namespaces.some((ns) => pidsIn(ns).length > 0); i++) sleepMs(50);
    signal("SIGKILL");
  }
  for (const ns of namespaces) {
    sh("ip", ["netns", "del", ns], { allowFail: true });
    rmSync(join(NETNS_ETC, ns), { recursive: true, force: true });
  }
}

/** Removes everything a run with this tag created (namespaces `<tag>-*`, /etc/netns/<tag>-*, the run directory). */
export function removeRun(tag: string, runDir?: string): void {
  removeNamespaces(listNamespaces().filter((ns) => ns.startsWith(`${tag}-`)));
  if (existsSync(NETNS_ETC)) for (const n of readdirSync(NETNS_ETC)) if (n.startsWith(`${tag}-`)) rmSync(join(NETNS_ETC, n), { recursive: true, force: true });
  if (runDir) rmSync(runDir, { recursive: true, force: true });
}

/** Leftovers of earlier runs whose owning process is dead: namespaces, /etc/netns entries, run directories. */
export function findLeftovers(): { namespaces: string[]; files: string[] } {
  const dead = (name: string) => {
    const pid = ownerPid(name);
    return pid !== undefined && !processAlive(pid);
  };
  const namespaces = listNamespaces().filter(dead);
  const files = [
    ...(existsSync(NETNS_ETC)
      ? readdirSync(NETNS_ETC)
          .filter((n) => n.startsWith(`${RUN_PREFIX}-`) && dead(n))
          .map((n) => join(NETNS_ETC, n))
      : []),
    ...readdirSync(tmpdir())
      .filter((n) => n.startsWith(`${RUN_PREFIX}-`) && dead(n))
      .map((n) => join(tmpdir(), n)),
  ];
  return { namespaces, files };
}

export function removeLeftovers(): { namespaces: string[]; files: string[] } {
  const found = findLeftovers();
  removeNamespaces(found.namespaces);
  for (const f of found.files) rmSync(f, { recursive: true, force: true });
  return found;
}
