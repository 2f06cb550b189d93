/**
 * test/creation-stacks.js (jest setupFilesAfterEnv, issue 20): tokens made in a test have no creation stack (as in
 * edge-lab's own synth), and an Error's stack is still whole and source-mapped (the TypeScript lines of the frames in
 * constructs' code), as jest shows it.
 */
import { Lazy } from "cdktf";
import { Construct, RootConstruct } from "constructs";

test("a token made in a test has no creation stack (unless EDGE_LAB_CREATION_STACKS asks for them)", () => {
  const stack = Lazy.anyValue({ produce: () => "x" }).creationStack;
  if (process.env.EDGE_LAB_CREATION_STACKS) expect(stack.length).toBeGreaterThan(3);
  else expect(stack).toEqual([]);
});

test("an Error's stack is still source-mapped: the frames of constructs (which cdktf builds on) name its TypeScript sources", () => {
  let error: Error | undefined;
  try {
    new Construct(new RootConstruct(), ""); // "Only root constructs may have an empty ID"
  } catch (e) {
    error = e as Error;
  }
  expect(error?.stack).toMatch(/^ {4}at .*\/node_modules\/constructs\/(lib|src)\/[a-z-/]+\.ts:\d+:\d+\)$/m);
});
