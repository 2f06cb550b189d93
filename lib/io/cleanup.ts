/**
 * Paths to remove however the process ends: staging folders and lock files registered here are deleted on normal
 * exit, on an uncaught error, and on SIGINT / SIGTERM / SIGHUP (after which the signal is raised again, so the exit
 * status is the usual 128 + signal number). Handlers are installed only while something is registered, so commands
 * that never write (or `init`, which handles Ctrl-C itself) keep Node's default behaviour.
 */
import { rmSync } from "node:fs";

const registered = new Set<string>();
const SIGNALS: readonly NodeJS.Signals[] = ["SIGINT", "SIGTERM", "SIGHUP"];

function removeAll(): void {
  for (const path of registered) rmSync(path, { recursive: true, force: true });
  registered.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  removeAll();
  uninstall();
  process.kill(process.pid, signal);
}

function install(): void {
  for (const signal of SIGNALS) process.on(signal, onSignal);
  process.on("exit", removeAll);
}

function uninstall(): void {
  for (const signal of SIGNALS) process.removeListener(signal, onSignal);
  process.removeListener("exit", removeAll);
}

/** Removes `path` (recursively) if the process ends before `release` is called. */
export function removeOnExit(path: string): void {
  if (registered.size === 0) install();
  registered.add(path);
}

/** `path` is taken care of (published or already removed): keep it on exit. */
export function keepOnExit(path: string): void {
  registered.delete(path);
  if (registered.size === 0) uninstall();
}

/** Paths currently registered (for tests). */
export function pendingCleanups(): readonly string[] {
  return [...registered];
}
