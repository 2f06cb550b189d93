/**
 * test/creation-stacks.js (jest setupFilesAfterEnv, issue 20): stacks captured into plain objects (cdktf's and
 * constructs' creation stacks, one per token) are formatted without source maps; an Error's stack is still mapped
 * through them (the TypeScript lines of the frames in constructs' code), as jest shows it.
 */
import { Construct, RootConstruct } from "constructs";

const frame = (text: string) => ({ toString: () => text }) as unknown as NodeJS.CallSite;

test("a plain object's stack is V8's plain lines: the frames in constructs' code name its JavaScript files", () => {
  // Captured inside constructs' code (Node.validate calls the validation), as cdktf captures every token's.
  const captured = { stack: "" };
  const scope = new Construct(new RootConstruct(), "scope");
  scope.node.addValidation({ validate: () => (Error.captureStackTrace(captured), []) });
  scope.node.validate();
  const lines = captured.stack.split("\n");
  expect(lines[0]).toBe("Error: ");
  expect(lines[1]).toMatch(/^ {4}at .*creation-stacks\.test\.ts:\d+:\d+\)$/);
  const inConstructs = lines.filter((l) => l.includes("/node_modules/constructs/"));
  expect(inConstructs.length).toBeGreaterThan(0);
  for (const l of inConstructs) expect(l).toMatch(/\/node_modules\/constructs\/lib\/[a-z-/]+\.js:\d+:\d+\)?$/);
  // An object's own name and message head it, as source-map-support writes them.
  expect(Error.prepareStackTrace!({ name: "Named", message: "said", stack: "" } as Error, [frame("f (/x/y.js:1:2)")])).toBe(
    "Named: said\n    at f (/x/y.js:1:2)",
  );
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
