/**
 * Helpers for the real-software tests (BIND, iptables in network namespaces, nginx): bounded child processes and
 * temporary directories. Which tools are there, and skipping suites without them: test/system-tools.ts.
 */
import { spawn, spawnSync, type ChildProcess, type SpawnSyncReturns } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TOOL_ENV } from "../system-tools";

/** PATH with the sbin directories (named, nginx, iptables live there; a non-login shell may not have them). */
export const ENV = TOOL_ENV;

/** Runs a command to completion (bounded); throws with its output when it fails. */
export function run(cmd: string, args: readonly string[], opts: { input?: string; timeoutMs?: number; allowFail?: boolean } = {}): SpawnSyncReturns<string> {
  const r = spawnSync(cmd, args as string[], { input: opts.input, encoding: "utf8", timeout: opts.timeoutMs ?? 15000, env: ENV });
  if (!opts.allowFail && (r.status !== 0 || r.error)) {
    throw new Error(`${cmd} ${args.join(" ")} failed (${r.error?.message ?? `exit ${r.status}`}):\n${r.stdout}\n${r.stderr}`);
  }
  return r;
}

/** A temporary directory, made on first use of `dir` (a skipped suite's body runs, its hooks do not). */
export function tempDir(prefix: string): { readonly dir: string; remove: () => void } {
  let made: string | undefined;
  return {
    get dir() {
      return (made ??= mkdtempSync(join(tmpdir(), prefix)));
    },
    remove: () => made && rmSync(made, { recursive: true, force: true }),
  };
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
