/** A failure after validation (here: the worksheet renderer) leaves the previous output untouched. */
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync, mkdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { SCENARIO_DIR } from "../helpers";

jest.mock("../../lib/render/worksheets", () => ({
  renderOutputFiles: () => Promise.reject(new Error("renderer exploded")),
}));

import { synthScenarios } from "../../bin/synth";

test("a failing run writes nothing and keeps the previous cdktf.out", async () => {
  const dir = mkdtempSync(join(tmpdir(), "edge-lab-atomic-"));
  try {
    const outdir = join(dir, "cdktf.out");
    const previous = join(outdir, "stacks", "single-consolidated-nat");
    mkdirSync(previous, { recursive: true });
    writeFileSync(join(previous, "cdk.tf.json"), '{"previous": true}');
    writeFileSync(join(outdir, ".edge-lab-output"), "written by edge-lab\n");
    const errors: string[] = [];
    const result = await synthScenarios({
      files: [join(SCENARIO_DIR, "single-consolidated-nat.yaml")],
      outdir,
      log: () => undefined,
      error: (l) => errors.push(l),
    });
    expect(result.ok).toBe(false);
    expect(errors.join("\n")).toMatch(/renderer exploded[\s\S]*nothing written; the previous output is unchanged/);
    expect(readFileSync(join(previous, "cdk.tf.json"), "utf8")).toBe('{"previous": true}');
    expect(readdirSync(outdir)).toEqual([".edge-lab-output", "stacks"]);
    expect(readdirSync(dir)).toEqual(["cdktf.out"]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
