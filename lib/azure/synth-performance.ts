/**
 * Synthesis speed-ups for edge-lab's own stacks. cdktf 0.21.0 is archived and pinned exactly, so these rely on
 * its internals knowingly; each can be switched off for debugging.
 *
 * 1. Token creation stack traces. cdktf records a full, unlimited-depth stack trace for every token it creates
 *    (every `.id`, `.name` reference), only to print it when a token fails to resolve. That is a quarter of the
 *    synth time of a lab. edge-lab's references are all to resources of the same stack, so the traces are not
 *    needed; set EDGE_LAB_TOKEN_TRACES=1 to keep them when debugging a "cannot resolve" error.
 */
import * as stackTrace from "cdktf/lib/tokens/private/stack-trace";

let disabled = false;

export function disableTokenStackTraces(env: NodeJS.ProcessEnv = process.env): void {
  if (disabled || env.EDGE_LAB_TOKEN_TRACES === "1") return;
  // The module is compiled CommonJS; cdktf calls the function through its exports object at every token creation.
  (stackTrace as { captureStackTrace: (below?: unknown) => string[] }).captureStackTrace = () => [];
  disabled = true;
}
