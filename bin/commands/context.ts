import type { Command } from "commander";

/** Where a command writes, and how it reports its exit code (so tests can run the CLI in-process). */
export interface Io {
  out(text: string): void;
  err(text: string): void;
  /** Colour the output (only when stdout is a terminal and NO_COLOR is unset). @default false */
  readonly color?: boolean;
}

export interface CommandContext {
  readonly io: Io;
  /** Sets the process exit code; the highest code set wins (0 ok, 1 error, 2 "changes found" for diff). */
  setExitCode(code: number): void;
}

/** A subcommand module: adds itself to the program. */
export type RegisterCommand = (program: Command, ctx: CommandContext) => void;
