/**
 * EdgeLabStack's preparing pass (lib/azure/prepare.ts) resolves only the stack's tokens: it must register exactly
 * what cdktf's own pass (every value) registers. Compared with a stack that runs cdktf's pass, on bundled scenarios
 * and on a lab whose resources a user pointed at another stack's (a cross-stack reference: an output in the
 * origin stack, a remote state in the lab's). A lab alone in its app needs no pass at all, nor do the stacks of
 * `npm run synth` (bin/synth), which reference nothing outside themselves.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { App, Fn, Lazy, TerraformOutput, TerraformStack, Token, Tokenization } from "cdktf";
import { EdgeLabStack, type EdgeLabStackProps } from "../../lib/azure/stack";
import { synthScenarios } from "../../bin/synth";
import { bundledPlan, SCENARIO_DIR } from "../helpers";

/** The same stack with cdktf's own preparing pass. */
class CdktfPrepared extends EdgeLabStack {
  override prepareStack(): void {
    TerraformStack.prototype.prepareStack.call(this);
  }
}

type Build = (app: App, Lab: new (scope: App, id: string, props: EdgeLabStackProps) => EdgeLabStack) => void;

/** Every stack's cdk.tf.json, as `app.synth()` writes them, with the lab stacks of the given class. */
function documents(build: Build, Lab: typeof EdgeLabStack): Record<string, string> {
  const outdir = mkdtempSync(join(tmpdir(), "edge-lab-prepare-"));
  const app = new App({ outdir, stackTraces: false });
  build(app, Lab);
  app.synth();
  return Object.fromEntries(app.node.children.map((s) => [s.node.id, readFileSync(join(outdir, "stacks", s.node.id, "cdk.tf.json"), "utf8")]));
}

test("the largest bundled scenarios in one app: the same documents as with cdktf's preparing pass", () => {
  // Two sites with a Director, and an HLB pool; every bundled scenario's document is also compared with the golden
  // files written with cdktf's own pass (test/golden).
  const ids = ["contoso-enterprise", "scaled-hlb"];
  const build: Build = (app, Lab) => {
    for (const id of ids) new Lab(app, id, { plan: bundledPlan(id) });
  };
  const ours = documents(build, EdgeLabStack);
  expect(Object.keys(ours)).toEqual(ids);
  expect(ours).toEqual(documents(build, CdktfPrepared));
});

test("a lab pointed at another stack's resource: the cross-stack output and remote state, as cdktf's pass makes them", () => {
  const build: Build = (app, Lab) => {
    const shared = new TerraformStack(app, "shared");
    new AzurermProvider(shared, "azurerm", { features: [{}] });
    const group = new ResourceGroup(shared, "group", { name: "rg-shared", location: "westeurope" });
    const lab = new Lab(app, "lab", { plan: bundledPlan("single-consolidated-nat") });
    // What a user might add to the lab after building it: references to the other stack, in every form a token takes.
    new TerraformOutput(lab, "shared_group_id", { value: group.id }); // a string token
    new ResourceGroup(lab, "beside-shared", {
      name: "rg-beside",
      location: group.location,
      tags: group.tags, // a map token
    });
    new ResourceGroup(lab, "keyed", { name: "rg-keyed", location: "westeurope", tags: { [group.id]: "keyed by a token" } }); // a token as a key
    new TerraformOutput(lab, "mixed_list", { value: ["plain", Fn.upper(group.location), Token.asNumber(group.managedBy)] }); // a string and a number token in a list
    new TerraformOutput(lab, "lazy", { value: Lazy.anyValue({ produce: () => ({ nested: [group.id] }) }) }); // produced late
  };
  const ours = documents(build, EdgeLabStack);
  for (const attribute of ["id", "location", "tags", "managed_by"])
    expect({ attribute, output: ours.shared.includes(`"cross-stack-output-azurerm_resource_groupgroup${attribute}"`) }).toEqual({ attribute, output: true });
  expect(ours.lab).toMatch(/"terraform_remote_state"/);
  expect(ours.lab).toMatch(/data\.terraform_remote_state\.cross-stack-reference-input-shared\.outputs\.cross-stack-output-azurerm_resource_groupgroupid/);
  expect(ours).toEqual(documents(build, CdktfPrepared));
});

/** How many resolutions `run` asks for with `preparing` set (cdktf's preparing pass, or EdgeLabStack's). */
async function preparingResolutions(run: () => unknown): Promise<number> {
  const resolveSpy = jest.spyOn(Tokenization, "resolve");
  try {
    await run();
    return resolveSpy.mock.calls.filter(([, options]) => options?.preparing === true).length;
  } finally {
    resolveSpy.mockRestore();
  }
}

test("a lab alone in its app: no preparing resolution at all (there is no other stack to reference), the same document", async () => {
  const alone: Build = (app, Lab) => void new Lab(app, "lab", { plan: bundledPlan("scaled-hlb") });
  let ours: Record<string, string> = {};
  expect(await preparingResolutions(() => (ours = documents(alone, EdgeLabStack)))).toBe(0);
  expect(ours).toEqual(documents(alone, CdktfPrepared));
  // With a second stack in the app the pass runs (the cross-stack test above shows what it registers).
  const withOther: Build = (app, Lab) => {
    alone(app, Lab);
    new TerraformStack(app, "other");
  };
  expect(await preparingResolutions(() => documents(withOther, EdgeLabStack))).toBeGreaterThan(100);
});

test("npm run synth's app (bin/synth: the scenarios' stacks and nothing else) runs no preparing pass", async () => {
  const outdir = mkdtempSync(join(tmpdir(), "edge-lab-prepare-synth-"));
  try {
    const files = ["contoso-enterprise", "scaled-hlb"].map((id) => join(SCENARIO_DIR, `${id}.yaml`));
    let ids: string[] = [];
    const synth = async () => {
      const result = await synthScenarios({ files, outdir, worksheets: false, log: () => undefined, error: () => undefined });
      ids = result.stacks.map((s) => s.id);
    };
    // Two stacks in one app: EdgeLabStack would prepare them (the first test); the documents are test/golden's.
    expect(await preparingResolutions(synth)).toBe(0);
    expect(ids).toEqual(["contoso-enterprise", "scaled-hlb"]);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
});
