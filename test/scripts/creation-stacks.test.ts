/**
 * test/creation-stacks.js (jest setupFilesAfterEnv, issue 20): stacks captured into plain objects (cdktf's and
 * constructs' creation stacks, one per token) are formatted without source maps; an Error's stack is still mapped
 * through them (the TypeScript lines of cdktf's frames), as jest shows it.
 */
import { tmpdir } from "node:os";
import { App, TerraformStack } from "cdktf";

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

test("an Error's stack is still source-mapped: cdktf's frames name its TypeScript sources", () => {
  let error: Error | undefined;
  try {
    new TerraformStack(new App({ outdir: tmpdir() }), "");
  } catch (e) {
    error = e as Error;
  }
  expect(error?.stack).toMatch(/^ {4}at .*\/node_modules\/cdktf\/lib\/[a-z-/]+\.ts:\d+:\d+\)$/m);
});
