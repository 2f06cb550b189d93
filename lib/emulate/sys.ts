/**
 * Processes for the emulation: bounded commands and long-running daemons inside a namespace. `emulate` runs as root,
 * so no command is looked up through the caller's PATH (an empty entry means the current directory, and any user
 * directory in it could plant an `ip` or `openssl`): each tool resolves once to an absolute path in a fixed list of
 * system directories, owned by root and writable by nobody else, and every child gets a fixed, minimal environment.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { closeSync, existsSync, openSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";

/** The system directories tools are taken from, in this order (never the caller's PATH). */
export const SYSTEM_TOOL_DIRS = ["/usr/sbin", "/usr/bin", "/sbin", "/bin", "/usr/local/sbin", "/usr/local/bin"] as const;

/** The environment of every child: the system directories only (`ip netns exec` looks up its command there), C locale. */
export const TOOL_ENV: NodeJS.ProcessEnv = { PATH: SYSTEM_TOOL_DIRS.join(":"), LC_ALL: "C" };

const resolved = new Map<string, string | undefined>();

/** True when a path is root's own file and no group or other user can change it. */
function trustworthy(path: string): boolean {
  try {
    const st = statSync(path);
    return st.isFile() && st.uid === 0 && (st.mode & 0o022) === 0 && (st.mode & 0o111) !== 0;
  } catch {
    return false;
  }
}

/**
 * The absolute path of a system tool, or undefined when no trustworthy copy exists: the first of SYSTEM_TOOL_DIRS
 * holding it as root's own executable, in a directory only root can write.
 */
export function toolPath(name: string): string | undefined {
  if (name.startsWith("/")) return name;
  if (!resolved.has(name)) {
    const found = TOOL_ENV.PATH!.split(":")
      .filter((dir) => {
        const st = statSync(dir, { throwIfNoEntry: false });
        return st !== undefined && st.uid === 0 && (st.mode & 0o022) === 0;
      })
      .map((dir) => join(dir, name))
      .find(trustworthy);
    resolved.set(name, found);
  }
  return resolved.get(name);
}

/** The absolute path of a tool the emulation needs; throws naming it when it is missing. */
export function tool(name: string): string {
  const path = toolPath(name);
  if (!path) throw new CommandError(`${name} not found in ${SYSTEM_TOOL_DIRS.join(", ")} (as root's own executable)`);
  return path;
}

/** Forgets resolved tools (tests change TOOL_ENV.PATH to simulate a missing tool). */
export function forgetToolPaths(): void {
  resolved.clear();
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
  // A missing tool is a failure like any other: reported unless allowFail, then as status -1.
  const path = opts.allowFail ? toolPath(cmd) : tool(cmd);
  if (!path) return { status: -1, stdout: "", stderr: `${cmd}: not found` };
  const r = spawnSync(path, args as string[], { input: opts.input, encoding: "utf8", timeout: opts.timeoutMs ?? 15000, env: TOOL_ENV });
  const status = r.status ?? -1;
  if (!opts.allowFail && (status !== 0 || r.error)) {
    throw new CommandError(`${cmd} ${args.join(" ")} failed (${r.error?.message ?? `exit ${status}`}): ${(r.stderr || r.stdout || "").trim().slice(0, 2000)}`);
  }
  return { status, stdout: r.stdout ?? "", stderr: r.stderr ?? "" };
}

/** Runs a command without blocking the event loop (probes run in parallel across namespaces). */
export function shAsync(cmd: string, args: readonly string[], timeoutMs: number): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const path = toolPath(cmd);
    if (!path) return resolve({ status: -1, stdout: "", stderr: `${cmd}: not found` });
    const p = spawn(path, args as string[], { env: TOOL_ENV, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.stdout.on("data", (d) => (stdout += d));
    p.stderr.on("data", (d) => (stderr += d));
    p.on("error", (e) => (clearTimeout(timer), resolve({ status: -1, stdout, stderr: stderr + e.message })));
    p.on("close", (code) => (clearTimeout(timer), resolve({ status: code ?? -1, stdout, stderr })));
  });
}

/** `ip netns exec <ns> argv...`, the command as an absolute path (ip would look it up through PATH). */
export const inNs = (ns: string, argv: readonly string[]): string[] => ["netns", "exec", ns, tool(argv[0]), ...argv.slice(1)];

export interface Daemon {
  readonly name: string;
  readonly proc: ChildProcess;
  /** The daemon's log (stdout and stderr). */
  readonly logFile: string;
  output(): string;
}

/**
 * True when the network namespace of process `pid` has a UDP socket bound to host:port (/proc/<pid>/net/udp lists
 * the sockets of the process's namespace: addresses as little-endian hex, ports as hex).
 */
export function udpBound(pid: number, host: string, port: number): boolean {
  const ip = host
    .split(".")
    .reverse()
    .map((o) => Number(o).toString(16).padStart(2, "0"))
    .join("");
  const local = `${ip}:${port.toString(16).padStart(4, "0")}`.toUpperCase();
  try {
    return readFileSync(`/proc/${pid}/net/udp`, "utf8")
      .split("\n")
      .some((line) => line.trim().split(/\s+/)[1] === local);
  } catch {
    return false;
  }
}

/**
 * Starts a long-running process with its output in `logFile` (not a pipe: with --keep it outlives this process) in
 * its own process group (a terminal's Ctrl-C reaches only edge-lab, which tears the run down). Resolves when `ready`
 * matches the log, or, for a function, when it returns true for the process's pid (polled: a tool that prints
 * nothing when it starts is ready when its socket is bound), or for a number when it is still running after that
 * many milliseconds; rejects if it exits first or is not ready within `timeoutMs`.
 */
export function startDaemon(
  name: string,
  cmd: string,
  args: readonly string[],
  ready: RegExp | number | ((pid: number) => boolean),
  logFile: string,
  timeoutMs = 15000,
): Promise<Daemon> {
  const fd = openSync(logFile, "wx", 0o600);
  const proc = spawn(tool(cmd), args as string[], { env: TOOL_ENV, stdio: ["ignore", fd, fd], detached: true });
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
      const up = typeof ready === "number" ? Date.now() - started >= ready : typeof ready === "function" ? ready(proc.pid!) : ready.test(output());
      if (up) finish();
    }, 10);
    proc.once("error", (e) => finish(new Error(`${name}: ${e.message}`)));
    proc.once("exit", (code) => finish(new Error(`${name} exited (${code}) before it was ready:\n${output().slice(-2000)}`)));
  });
}
