/**
 * Standard output and error of the command-line programs: a reader that goes away (`edge-lab plan --json x | head`)
 * ends the program quietly (exit 0, like any filter whose reader has what it wanted), and any other write error
 * (`> /dev/full`, a full disk) is one line on standard error naming the stream and the reason, exit 1. Without this,
 * Node prints an "Unhandled 'error' event" stack trace.
 */
import { describeFsError } from "./atomic";

export function guardStandardStreams(program = "edge-lab", exit: (code: number) => void = (code) => process.exit(code)): void {
  let failed = false;
  process.stdout.on("error", (err: NodeJS.ErrnoException) => {
    if (failed) return;
    failed = true;
    if (err.code === "EPIPE") return exit(0);
    try {
      process.stderr.write(`${program}: cannot write to standard output: ${describeFsError(err)}\n`);
    } finally {
      exit(1);
    }
  });
  // Nowhere left to report a failure of standard error itself: end with the error status.
  process.stderr.on("error", () => exit(1));
}
