/**
 * test/creation-stacks.js (jest setupFilesAfterEnv, issue 20): stacks captured into plain objects (cdktf's and
 * constructs' creation stacks, one per token) are formatted without source maps; an Error's stack is still mapped
 * through them (the TypeScript lines of the frames in constructs' code), as jest shows it.
 */
import { Construct, RootConstruct } from "constructs";

const frame = (text: string) => ({ toString: () => text }) as unknown as NodeJS.CallSite;

test("a plain object's stack is V8's plain lines, not passed through the source maps", () => {
  const format = Error.prepareStackTrace!;
  expect(format.name).toBe("prepareStackTrace");
  expect(format({ stack: "" } as unknown as Error, [frame("f (/x/y.js:1:2)"), frame("g (/x/z.js:3:4)")])).toBe(
    "Error\n    at f (/x/y.js:1:2)\n    at g (/x/z.js:3:4)",
  );
  const captured = { stack: "" };
  Error.captureStackTrace(captured);
  expect(captured.stack.split("\n")[1]).toMatch(/^ {4}at .*creation-stacks\.test\.ts:\d+:\d+\)$/);
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
