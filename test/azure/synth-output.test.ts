/**
 * What the lab stacks write, through cdktf's public API only: the policy pack seeing the final resources, and no
 * import of cdktf's private modules anywhere in the project. The documents themselves are compared byte for byte
 * with the committed golden files (test/golden/).
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Aspects, Testing } from "cdktf";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { EdgeLabStack } from "../../lib/azure/stack";
import { bundledPlan, filesUnder } from "../helpers";

const ROOT = join(__dirname, "..", "..");

describe("the policy pack checks the final resources", () => {
  test("a synth writes what an aspect added after the policy pack made of the resources", () => {
    const stack = new EdgeLabStack(Testing.app(), "tagged", { plan: bundledPlan("single-consolidated-nat") });
    Aspects.of(stack).add({
      visit(node) {
        if (node instanceof ResourceGroup) node.tags = { owner: "aspect" };
      },
    });
    const outdir = Testing.fullSynth(stack);
    const written = JSON.parse(readFileSync(join(outdir, "stacks", "tagged", "cdk.tf.json"), "utf8")) as {
      resource: { azurerm_resource_group: Record<string, { tags: Record<string, string> }> };
    };
    const groups = Object.values(written.resource.azurerm_resource_group);
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) expect(g.tags).toEqual({ owner: "aspect" });
  });
});

test("no source imports cdktf's private modules (cdktf/lib/...): public API only, so that moving to CDK Terrain stays a rename", () => {
  const offenders: string[] = [];
  for (const dir of ["lib", "bin", "bench", "scripts", "test", "examples"].filter((d) => existsSync(join(ROOT, d)))) {
    for (const file of filesUnder(join(ROOT, dir)).filter((f) => /\.(ts|js)$/.test(f))) {
      const text = readFileSync(file, "utf8");
      if (/(from\s+|require\(\s*|import\(\s*)["']cdktf\/lib\//.test(text)) offenders.push(relative(ROOT, file));
    }
  }
  expect(offenders).toEqual([]);
});
