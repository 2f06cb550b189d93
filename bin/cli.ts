/**
 * The edge-lab command line. `run()` takes argv and an output sink and returns the exit code, so tests drive the
 * real CLI in-process; `bin/edge-lab.js` calls `main()` for `npx edge-lab`. Each subcommand lives in bin/commands/.
 * A command loads only what it uses: none loads cdktf except `diff` when it compares Terraform.
 */
import { Command, CommanderError } from "commander";
import { formatUnexpectedError, isExpectedError } from "../lib/io/crash";
import type { CommandContext, Io } from "./commands/context";
import { registerChecklist } from "./commands/checklist";
import { registerDiff } from "./commands/diff";
import { registerDiscover } from "./commands/discover";
import { registerEmulate } from "./commands/emulate";
import { registerInit } from "./commands/init";
import { registerPlan } from "./commands/plan";
import { registerProbe } from "./commands/probe";
import { registerSchema } from "./commands/schema";
import { registerValidate } from "./commands/validate";
import { registerWorksheets } from "./commands/worksheets";
import { registerZones } from "./commands/zones";
import { guardStandardStreams } from "../lib/io/streams";

export type { Io } from "./commands/context";

const processIo: Io = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
  color: Boolean(process.stdout.isTTY) && process.env.NO_COLOR === undefined,
};

/** Subcommands in the order `edge-lab --help` lists them. */
const COMMANDS = [
  registerInit,
  registerValidate,
  registerPlan,
  registerWorksheets,
  registerZones,
  registerChecklist,
  registerDiff,
  registerDiscover,
  registerSchema,
  registerEmulate,
  registerProbe,
];

export async function run(argv: readonly string[], io: Io = processIo): Promise<number> {
  let exitCode = 0;
  const ctx: CommandContext = { io, setExitCode: (code) => (exitCode = Math.max(exitCode, code)) };
  const program = new Command()
    .name("edge-lab")
    .description("Plan and build Lync Server 2013 / Skype for Business Edge perimeter labs from scenario files.")
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err });
  for (const register of COMMANDS) register(program, ctx);

  try {
    await program.parseAsync(argv as string[], { from: "user" });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode === 0 ? 0 : 1;
    io.err(isExpectedError(e) ? `edge-lab: ${(e as Error).message}\n` : `${formatUnexpectedError(e, "edge-lab")}\n`);
    return 1;
  }
  return exitCode;
}

/** `npx edge-lab`: runs the command line and sets the process exit code. */
export function main(argv: readonly string[] = process.argv.slice(2)): Promise<void> {
  guardStandardStreams();
  return run(argv).then((code) => {
    process.exitCode = code;
  });
}

if (require.main === module) void main();
