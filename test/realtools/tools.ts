/**
 * Helpers for the real-software tests (BIND, iptables in network namespaces, nginx): tool checks that fail loudly
 * (never skip), bounded child processes, temporary directories.
 *
 * The Debian packages are installed by .ci/run (APT_PACKAGES); on another machine:
 *   apt-get install -y --no-install-recommends bind9 bind9-utils bind9-dnsutils iptables iproute2 util-linux nginx openssl procps
 */
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

/** Command -> Debian package that provides it. */
export const PACKAGE_OF: Record<string, string> = {
  named: "bind9",
  "named-checkzone": "bind9-utils",
  "named-checkconf": "bind9-utils",
  dig: "bind9-dnsutils",
  "iptables-restore": "iptables",
  iptables: "iptables",
  ip: "iproute2",
  unshare: "util-linux",
  sysctl: "procps",
  nginx: "nginx",
  openssl: "openssl",
};

const SBIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** PATH with the sbin directories (named, nginx, iptables live there; a non-login shell may not have them). */
export const ENV = { ...process.env, PATH: `${process.env.PATH ?? ""}:${SBIN_PATH}` };

/** Throws one clear message naming every missing command and its Debian package. */
export function requireTools(commands: readonly string[]): void {
  const missing = commands.filter((c) => spawnSync("sh", ["-c", `command -v ${c}`], { env: ENV }).status !== 0);
  if (missing.length) {
    const pkgs = [...new Set(missing.map((c) => PACKAGE_OF[c] ?? c))];
    throw new Error(
      `real-software test needs ${missing.join(", ")}: install with \`apt-get install -y --no-install-recommends ${pkgs.join(" ")}\` ` +
        "(.ci/run installs APT_PACKAGES before npm test)",
    );
  }
}

/** Throws unless running as root (network namespaces and iptables need CAP_NET_ADMIN; CI runs as root). */
export function requireRoot(): void {
  if (process.getuid?.() !== 0) throw new Error("real-software test needs root (network namespaces, iptables): run it as root, as .ci/run does");
}

/** Runs a command to completion (bounded); throws with its output when it fails. */
export function run(cmd: string, args: readonly string[], opts: { input?: string; timeoutMs?: number; allowFail?: boolean } = {}): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args as string[], { input: opts.input, encoding: "utf8", timeout: opts.timeoutMs ?? 15000, env: ENV });
  if (!opts.allowFail && (r.status !== 0 || r.error)) {
    throw new Error(`${cmd} ${args.join(" ")} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

export function tempDir(prefix: string): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Short random tag for unique namespace / file names. */
export const uniqueTag = () => randomBytes(3).toString("hex");

export interface Child {
  readonly proc: ChildProcess;
  output(): string;
  /** Sends SIGTERM, then SIGKILL after `graceMs`; resolves when the process is gone. */
  stop(graceMs?: number): Promise<void>;
}

/** Starts a long-running child; `ready` resolves when `readyPattern` appears in its stdout/stderr (bounded wait). */
export function startChild(cmd: string, args: readonly string[], readyPattern: RegExp, timeoutMs = 10000): { child: Child; ready: Promise<void> } {
  const proc = spawn(cmd, args as string[], { env: ENV, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let exited = false;
  const gone = new Promise<void>((resolve) => proc.once("exit", () => ((exited = true), resolve())));
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${cmd} not ready after ${timeoutMs} ms:\n${out}`)), timeoutMs);
    const onData = (d: Buffer) => {
      out += d.toString();
      if (readyPattern.test(out)) {
        clearTimeout(timer);
        resolve();
      }
    };
    proc.stdout!.on("data", onData);
    proc.stderr!.on("data", onData);
    proc.once("error", (e) => (clearTimeout(timer), reject(e)));
    proc.once("exit", (code) => (clearTimeout(timer), reject(new Error(`${cmd} exited (${code}) before it was ready:\n${out}`))));
  });
  ready.catch(() => undefined);
  const child: Child = {
    proc,
    output: () => out,
    stop: async (graceMs = 2000) => {
      if (exited) return;
      proc.kill("SIGTERM");
      const timer = setTimeout(() => proc.kill("SIGKILL"), graceMs);
      await gone;
      clearTimeout(timer);
    },
  };
  return { child, ready };
}
