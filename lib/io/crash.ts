/**
 * Expected failures and crashes. Bad input, refused designs and I/O problems are expected: the user gets today's
 * one-line message. Anything else is a defect of edge-lab: the user gets the error with the TypeScript file and line
 * of every frame (mapped through the bundle's source map, dist/bundle/*.js.map, with Node's public `SourceMap`) and
 * how to report it.
 *
 * The source map is read only on this path: turning Node's --enable-source-maps on for every run would make cdktf's
 * token creation traces (one per reference) pay for the mapping.
 */
import { existsSync, readFileSync } from "node:fs";
import { SourceMap } from "node:module";
import { dirname, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { displayPath } from "./paths";

import { UserError } from "../errors";

export { UserError } from "../errors";

/** Node's errors from the operating system (ENOENT, EACCES, ENOSPC, EPIPE...): about the user's files, not a defect. */
export function isSystemError(e: unknown): e is NodeJS.ErrnoException {
  return e instanceof Error && typeof (e as NodeJS.ErrnoException).code === "string" && typeof (e as NodeJS.ErrnoException).syscall === "string";
}

/** Errors that carry their own clear message: the user's input or environment, never edge-lab's code. */
export function isExpectedError(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  return e instanceof UserError || isSystemError(e);
}

const maps = new Map<string, SourceMap | undefined>();

function sourceMapOf(file: string): SourceMap | undefined {
  if (!maps.has(file)) {
    let map: SourceMap | undefined;
    try {
      if (existsSync(`${file}.map`)) map = new SourceMap(JSON.parse(readFileSync(`${file}.map`, "utf8")));
    } catch {
      map = undefined; // an unreadable map: keep the bundle's location
    }
    maps.set(file, map);
  }
  return maps.get(file);
}

/** One stack frame's location mapped to the TypeScript source when a source map is next to its file. */
function mapLocation(file: string, line: number, column: number): string {
  const entry = sourceMapOf(file)?.findEntry(line - 1, column - 1) as { originalSource?: string; originalLine?: number; originalColumn?: number } | undefined;
  if (!entry?.originalSource || entry.originalLine === undefined) return `${displayPath(file)}:${line}:${column}`;
  const source = entry.originalSource.startsWith("file://") ? fileURLToPath(entry.originalSource) : resolve(dirname(file), entry.originalSource);
  return `${displayPath(source)}:${entry.originalLine + 1}:${(entry.originalColumn ?? 0) + 1}`;
}

/** The error's stack with bundle locations replaced by source locations. */
export function sourceMappedStack(e: Error): string {
  const stack = e.stack ?? `${e.name}: ${e.message}`;
  // A frame ends in "(<file>:<line>:<column>)" or is "at <file>:<line>:<column>"; the file may hold parentheses.
  const frame = /^(\s*at (?:.*? \()?)((?:\/|[A-Za-z]:\\|file:\/\/).*?\.c?js):(\d+):(\d+)(\)?)$/;
  return stack
    .split("\n")
    .map((line) =>
      line.replace(frame, (_m, pre: string, file: string, l: string, c: string, close: string) => {
        const path = file.startsWith("file://") ? fileURLToPath(file) : file;
        return `${pre}${mapLocation(path, Number(l), Number(c))}${close}`;
      }),
    )
    .join("\n");
}

/** What the user sees for an unexpected error: the error with source locations, and how to report it. */
export function formatUnexpectedError(e: unknown, program: string): string {
  const error = e instanceof Error ? e : new Error(String(e));
  return [
    `${program}: internal error: ${error.message}`,
    sourceMappedStack(error),
    "",
    "This is a defect of edge-lab, not of your scenario. Please report it (the project's issue tracker) with the command",
    "you ran, the scenario file and the lines above.",
  ].join("\n");
}
