/**
 * Token creation stacks, left out while edge-lab synthesizes (issue 20).
 *
 * cdktf records where every token was created: its `captureStackTrace` helper captures a stack trace of unlimited
 * depth into a plain object and formats its text at once, for every token, every attribute reference and every
 * block of every resource (most of which are never resolved). That text is only ever shown when a token fails to
 * resolve, and costs about a tenth of a synthesis. While edge-lab's own commands build and write their stacks (`synth`,
 * `plan --preflight`, `diff`), those captures are skipped: such a token's `creationStack` is empty. Every other
 * capture (an Error's stack, constructs' metadata) is left as it is.
 *
 * Set `EDGE_LAB_CREATION_STACKS=1` to keep them (a resolution error then names where its token was made).
 * A library user's own app is not affected: nothing here runs unless edge-lab's command calls it.
 */
import { types } from "node:util";

/** The name of cdktf's helper, the `below` it passes to `Error.captureStackTrace` for a token's creation stack. */
const CDKTF_CAPTURE = "captureStackTrace";

type Capture = typeof Error.captureStackTrace;

/**
 * Skips cdktf's token creation stacks until the returned function is called, which puts the previous
 * `Error.captureStackTrace` back if nothing replaced this one since (close nested scopes innermost first, as
 * withoutCreationStacks does); a no-op with `EDGE_LAB_CREATION_STACKS` set. The jest setup calls it once for good.
 */
export function skipCreationStacks(env: NodeJS.ProcessEnv = process.env): () => void {
  if (env.EDGE_LAB_CREATION_STACKS) return () => undefined;
  const capture: Capture = Error.captureStackTrace;
  // eslint-disable-next-line @typescript-eslint/no-unsafe-function-type -- the type of Error.captureStackTrace's own parameter
  const skipping = function captureUnlessCreationStack(target: object, below?: Function): void {
    // cdktf passes its helper itself as `below` and reads `stack` at once: an empty text gives an empty stack.
    if (below?.name === CDKTF_CAPTURE && !types.isNativeError(target)) (target as { stack?: string }).stack = "";
    else capture.call(Error, target, below);
  };
  Error.captureStackTrace = skipping;
  return () => {
    if (Error.captureStackTrace === skipping) Error.captureStackTrace = capture;
  };
}

/** Runs `build` with cdktf's token creation stacks skipped (see skipCreationStacks). */
export function withoutCreationStacks<T>(build: () => T, env: NodeJS.ProcessEnv = process.env): T {
  const restore = skipCreationStacks(env);
  try {
    return build();
  } finally {
    restore();
  }
}
