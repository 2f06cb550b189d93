/**
 * Processes and namespaces for the emulation: bounded commands, long-running daemons inside a namespace, and the
 * run's name prefix. Every name the emulator creates (namespace, run directory, /etc/netns entry) starts with
 * `elemu-<pid>-<random>-`, so that two runs never collide and `--cleanup` can tell a dead run's leftovers (its pid is
 * gone) from a live one's.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { closeSync, existsSync, openSync, readFileSync } from "node:fs";

const SBIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** PATH with the sbin directories (ip, nft, named, nginx, turnserver live there; a non-login shell may lack them). */
export const TOOL_ENV: NodeJS.ProcessEnv = { ...process.env, PATH: `${process.env.PATH ?? ""}:${SBIN_PATH}` };

export const RUN_PREFIX = "elemu";
/** `elemu-<pid>-<4 hex>`: the owning process id makes leftovers of dead runs recognisable. */
export const newRunTag = (): string => `${RUN_PREFIX}-${process.pid}-${randomBytes(2).toString("hex")}`;
/** The owning pid of a run tag / namespace / directory name made by newRunTag, if it is one. */
export function ownerPid(name: string): number | undefined {
  const m = new RegExp(`^${RUN_PREFIX}-(\\d+)-[0-9a-f]{4}(-|$)`).exec(name);
  return m ? Number(m[1]) : undefined;
}
/** True while the process runs (a zombie, exited but not yet reaped by its parent, counts as ended). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "EPERM") return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) state ..."; the command may contain spaces and parentheses.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return process.platform !== "linux";
  }
}

export class CommandError extends Error {}

/** Runs a command to completion (bounded); throws with its output when it fails unless allowFail. */
export function sh(
  cmd: string,
  args: readonly string[],
  opts: { input?: string; timeoutMs?: number; allowFail?: boolean } = {},
): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args as string[], { input: opts.input, encoding: "utf8", timeout: opts.timeoutMs ?? 15000, env: TOOL_ENV });
  const status = r.status ?? -1;
  if (!opts.allowFail && (status !== 0 || r.error)) {
    throw new CommandError(`${cmd} ${args.join(" ")} failed (${r.error?.message ?? `exit ${status}`}): ${(r.stderr || r.stdout || "").trim().slice(0, 2000)}`);
  }
  return { status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** Runs a command without blocking the event loop (probes run in parallel across namespaces). */
export function shAsync(cmd: string, args: readonly string[], timeoutMs: number): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const p = spawn(cmd, args as string[], { env: TOOL_ENV, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("error", (e) => (clearTimeout(timer), resolve({ status: -1, stdout, stderr: stderr + e.message })));
    p.on("close", (code) => (clearTimeout(timer), resolve({ status: code ?? -1, stdout, stderr })));
  });
}

/** `ip netns exec <ns> argv...` */
export const inNs = (ns: string, argv: readonly string[]): string[] => ["netns", "exec", ns, ...argv];

export interface Daemon {
  readonly name: string;
  readonly proc: ChildProcess;
  /** The daemon's log (stdout and stderr). */
  readonly logFile: string;
  output(): string;
}

/**
 * Starts a long-running process with its output in `logFile` (not a pipe: with --keep it outlives this process) in
 * its own process group (a terminal's Ctrl-C reaches only edge-lab, which tears the run down). Resolves when `ready`
 * matches the log, or, for a number, when it is still running after that many milliseconds (tools that print nothing
 * when they start); rejects if it exits first or is not ready within `timeoutMs`.
 */
export function startDaemon(name: string, cmd: string, args: readonly string[], ready: RegExp | number, logFile: string, timeoutMs = 15000): Promise<Daemon> {
  const fd = openSync(logFile, "a");
  const proc = spawn(cmd, args as string[], { env: TOOL_ENV, stdio: ["ignore", fd, fd], detached: true });
  closeSync(fd);
  proc.unref();
  const output = () => (existsSync(logFile) ? readFileSync(logFile, "utf8") : "");
  const daemon: Daemon = { name, proc, logFile, output };
  return new Promise((resolve, reject) => {
    let settled = false;
    const finish = (err?: Error) => {
      if (settled) return;
      settled = true;
      clearInterval(poll);
      clearTimeout(timer);
      if (err) reject(err);
      else resolve(daemon);
    };
    const started = Date.now();
    const timer = setTimeout(() => finish(new Error(`${name} not ready after ${timeoutMs} ms:\n${output().slice(-2000)}`)), timeoutMs);
    const poll = setInterval(() => {
      if (typeof ready === "number" ? Date.now() - started >= ready : ready.test(output())) finish();
    }, 25);
    proc.once("error", (e) => finish(new Error(`${name}: ${e.message}`)));
    proc.once("exit", (code) => finish(new Error(`${name} exited (${code}) before it was ready:\n${output().slice(-2000)}`)));
  });
}
