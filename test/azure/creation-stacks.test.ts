/**
 * lib/azure/creation-stacks.ts: while edge-lab synthesizes, cdktf's token creation stacks are skipped and nothing
 * else changes. Checked in a plain Node process (jest's setup skips them for every test: test/creation-stacks.js):
 * a token made outside the scope has its stack, one made inside has none, EDGE_LAB_CREATION_STACKS=1 keeps them, an
 * Error's stack is whole inside the scope, the scope ends also when the build throws, and the synthesized document is
 * byte-identical either way.
 */
import { execFileSync } from "node:child_process";
import { join } from "node:path";
import { evalWithSources } from "../cli";
import { SCENARIO_DIR } from "../helpers";

const SCRIPT = `
import { createHash } from "node:crypto";
import { Lazy } from "cdktf";
import { withoutCreationStacks } from "./lib/azure/creation-stacks";
import { synthesizeToJson } from "./lib/azure/synthesize";
import { loadScenarioFile } from "./lib/model/load";

const tokenStack = () => Lazy.anyValue({ produce: () => "x" }).creationStack;
const original = Error.captureStackTrace;
let afterThrow = "";
try {
  withoutCreationStacks(() => { throw new Error("build failed"); });
} catch (e) {
  afterThrow = (e as Error).message;
}
const plan = loadScenarioFile(${JSON.stringify(join(SCENARIO_DIR, "scaled-hlb.yaml"))}).plan!;
const digest = () => createHash("sha256").update(JSON.stringify(synthesizeToJson(plan))).digest("hex");
const skippedDigest = digest();
process.env.EDGE_LAB_CREATION_STACKS = "1";
const keptDigest = digest();
console.log(JSON.stringify({
  outside: tokenStack().length,
  inside: withoutCreationStacks(() => tokenStack().length, {}),
  kept: withoutCreationStacks(() => tokenStack().length, { EDGE_LAB_CREATION_STACKS: "1" }),
  errorInside: withoutCreationStacks(() => new Error("whole").stack!.split("\\n").length, {}),
  restored: Error.captureStackTrace === original,
  afterThrow,
  skippedDigest,
  keptDigest,
}));
`;

test("token creation stacks are skipped only inside the scope, errors keep theirs, and the synthesized document is the same", () => {
  const out = JSON.parse(execFileSync(process.execPath, evalWithSources(SCRIPT), { cwd: SCENARIO_DIR, encoding: "utf8" })) as Record<string, unknown>;
  expect(out.outside).toBeGreaterThan(3);
  expect(out.inside).toBe(0);
  expect(out.kept).toBeGreaterThan(3);
  expect(out.errorInside).toBeGreaterThan(3);
  expect(out.restored).toBe(true);
  expect(out.afterThrow).toBe("build failed");
  expect(out.skippedDigest).toBe(out.keptDigest);
});
