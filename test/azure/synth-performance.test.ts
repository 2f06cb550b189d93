/**
 * The synthesis speed-ups of lib/azure/synth-performance.ts must not change a byte: the one-pass, fast-path
 * resolution is compared with cdktf's own `TerraformStack.toTerraform()` on every bundled scenario, the internet-mode
 * variants and the 12 x 4 benchmark scenario, and value by value with `Tokenization.resolve` on every kind of token.
 */
import { join } from "node:path";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { App, Aspects, AzurermBackend, DefaultTokenResolver, Fn, Lazy, LocalBackend, StringConcat, TerraformOutput, TerraformStack, Testing, Token, Tokenization } from "cdktf";
import { invokeAspects } from "cdktf/lib/synthesize/synthesizer";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { EdgeLabStack } from "../../lib/azure/scenario";
import * as performance from "../../lib/azure/synth-performance";
import { resolveFast, toTerraformOnce } from "../../lib/azure/synth-performance";
import { loadScenarioFile, loadScenarioText } from "../../lib/model/load";
import type { Plan } from "../../lib/model/plan";
import type { LabOptions } from "../../lib/azure/scenario";
import { bundledPlan } from "../helpers";
import { bundledIds, bundledLab, INTERNET_SCENARIOS } from "./helpers";

function cdktfOwn(stack: TerraformStack): unknown {
  return TerraformStack.prototype.toTerraform.call(stack);
}

function labStack(plan: Plan, lab: LabOptions): EdgeLabStack {
  const stack = new EdgeLabStack(Testing.app(), plan.scenario.id, { plan, lab });
  invokeAspects(stack); // the policy pack runs first, as in a real synth
  return stack;
}

const cases: [string, () => EdgeLabStack][] = [
  ...bundledIds().map((id): [string, () => EdgeLabStack] => [id, () => labStack(bundledPlan(id), bundledLab(id))]),
  // With the two backends bin/synth adds (their blocks and metadata are part of the document).
  ["single-consolidated-nat, local backend", () => {
    const stack = new EdgeLabStack(Testing.app(), "local-state", { plan: bundledPlan("single-consolidated-nat") });
    new LocalBackend(stack, { path: "../../terraform.local-state.tfstate" });
    invokeAspects(stack);
    return stack;
  }],
  ["scaled-hlb, azurerm backend", () => {
    const stack = new EdgeLabStack(Testing.app(), "remote-state", { plan: bundledPlan("scaled-hlb") });
    new AzurermBackend(stack, { resourceGroupName: "rg-state", storageAccountName: "stedgelab", containerName: "tfstate", key: "remote-state.tfstate" });
    invokeAspects(stack);
    return stack;
  }],
  ...Object.entries(INTERNET_SCENARIOS).map(([id, text]): [string, () => EdgeLabStack] => [id, () => labStack(loadScenarioText(text, `${id}.yaml`).plan!, {})]),
  ["large-12x4 (benchmark)", () => {
    const loaded = loadScenarioFile(join(__dirname, "..", "..", "bench", "large-12x4.yaml"));
    return labStack(loaded.plan!, {});
  }],
];

describe("toTerraformOnce gives cdktf's own document", () => {
  test.each(cases)("%s", (_name, make) => {
    const stack = make();
    const fast = toTerraformOnce(stack, {});
    expect(fast).toBeDefined();
    // Key order included: JSON.stringify keeps insertion order.
    expect(JSON.stringify(fast, null, 1)).toBe(JSON.stringify(cdktfOwn(stack), null, 1));
  });

  test("EdgeLabStack.toTerraform uses it; EDGE_LAB_FAST_RESOLVE=0 or raw overrides fall back to cdktf", () => {
    const stack = labStack(bundledPlan("single-consolidated-nat"), {});
    const spy = jest.spyOn(performance, "toTerraformOnce");
    try {
      const json = stack.toTerraform();
      expect(spy).toHaveBeenCalledWith(stack);
      expect(JSON.stringify(json)).toBe(JSON.stringify(cdktfOwn(stack)));
    } finally {
      spy.mockRestore();
    }
    expect(toTerraformOnce(stack, { EDGE_LAB_FAST_RESOLVE: "0" })).toBeUndefined();
    const rg = stack.node.findAll().find((c) => c instanceof ResourceGroup) as ResourceGroup;
    stack.addOverride("locals.rg_id", rg.id); // a token in a raw override needs cdktf's second pass
    expect(toTerraformOnce(stack, {})).toBeUndefined();
    expect((stack.toTerraform() as { locals: { rg_id: string } }).locals.rg_id).toMatch(/^\$\{azurerm_resource_group\.[\w-]+\.id\}$/);
  });
});

describe("the document checked by the policy pack is handed to the writer, and only to it", () => {
  const rgOf = (stack: EdgeLabStack) => stack.node.findAll().find((c) => c instanceof ResourceGroup) as ResourceGroup;
  const locationOf = (json: unknown, rg: ResourceGroup) => (json as { resource: Record<string, Record<string, { location: string }>> }).resource.azurerm_resource_group[rg.friendlyUniqueId].location;

  test("plain toTerraform() calls always resolve afresh (a change between two calls shows)", () => {
    const stack = labStack(bundledPlan("single-consolidated-nat"), {});
    const rg = rgOf(stack);
    expect(locationOf(stack.toTerraform(), rg)).toBe("westeurope");
    rg.location = "northeurope";
    expect(locationOf(stack.toTerraform(), rg)).toBe("northeurope");
  });

  test("the policy document is returned once, then resolution is fresh; an override in between drops it", () => {
    const stack = labStack(bundledPlan("single-consolidated-nat"), {});
    const checked = stack.documentForPolicy();
    expect(stack.toTerraform()).toBe(checked); // the writer's call: the same object, no second resolution
    expect(stack.toTerraform()).not.toBe(checked);
    stack.documentForPolicy();
    stack.addOverride("terraform.required_version", ">= 1.5");
    expect((stack.toTerraform() as { terraform: { required_version?: string } }).terraform.required_version).toBe(">= 1.5");
  });

  test("a synth writes what aspects added after the policy pack made of the resources", () => {
    const stack = new EdgeLabStack(Testing.app(), "tagged", { plan: bundledPlan("single-consolidated-nat") });
    Aspects.of(stack).add({
      visit(node) {
        if (node instanceof ResourceGroup) node.tags = { owner: "aspect" };
      },
    });
    const outdir = Testing.fullSynth(stack);
    const written = JSON.parse(readFileSync(join(outdir, "stacks", "tagged", "cdk.tf.json"), "utf8")) as { resource: { azurerm_resource_group: Record<string, { tags: Record<string, string> }> } };
    const groups = Object.values(written.resource.azurerm_resource_group);
    expect(groups.length).toBeGreaterThan(0);
    for (const g of groups) expect(g.tags).toEqual({ owner: "aspect" });
  });
});

/**
 * Digests of each bundled scenario's Terraform document, equal to those of the code before the speed work (commit
 * 009d05e): it must not change a byte. A deliberate change of the lab changes them too: review the diff of the
 * synthesized JSON (`edge-lab diff`), then update with `npx jest -u`.
 */
test.each(bundledIds())("%s: the synthesized document is unchanged (digest)", (id) => {
  const json = Testing.synth(new EdgeLabStack(Testing.app(), id, { plan: bundledPlan(id), lab: bundledLab(id) }));
  expect(createHash("sha256").update(json).digest("hex")).toMatchSnapshot();
});

describe("resolveFast resolves exactly like Tokenization.resolve", () => {
  const stack = new TerraformStack(new App({ outdir: "cdktf.out.unused" }), "tokens");
  new AzurermProvider(stack, "azurerm", { features: [{}] });
  const rg = new ResourceGroup(stack, "rg", { name: "rg-x", location: "westeurope" });
  new TerraformOutput(stack, "o", { value: rg.id });
  const resolver = new DefaultTokenResolver(new StringConcat());
  let slowCalls = 0;
  const slow = (part: unknown) => {
    slowCalls++;
    return Tokenization.resolve(part, { scope: stack, preparing: false, resolver });
  };
  const reference = (v: unknown) => Tokenization.resolve(v, { scope: stack, preparing: false, resolver });
  const numberToken = Token.asNumber(Lazy.numberValue({ produce: () => 42 }));

  const values: [string, unknown][] = [
    ["plain scalars and null", { a: "x", b: 1, c: true, d: null, e: 0, f: -1.5 }],
    ["undefined members dropped in objects and arrays", { a: undefined, b: [1, undefined, "x"], c: { d: undefined } }],
    ["nested plain structure", { rules: [{ name: "a", ports: ["5061", "443"] }, { name: "b", ports: [] }], empty: {} }],
    ["a resource reference", { id: rg.id, name: rg.name }],
    ["a reference inside a longer string", `prefix-${rg.name}-suffix`],
    ["a reference in a list", [rg.id, "literal"]],
    ["a list token", rg.tags ? Fn.keys(rg.tags) : []],
    ["a list token element among strings", Token.asList(Lazy.anyValue({ produce: () => ["a", "b"] }))],
    ["a number token", numberToken],
    ["a number token inside a string", `size ${numberToken}`],
    ["a number list token", Token.asNumberList(Lazy.anyValue({ produce: () => [1, 2] }))],
    ["a map token", Token.asStringMap(Lazy.anyValue({ produce: () => ({ k: "v" }) }))],
    ["a lazy value producing a structure with a reference", Lazy.anyValue({ produce: () => ({ nested: [rg.id], n: undefined }) })],
    ["a Terraform function", Fn.join(",", [rg.name, "x"])],
    ["literal Terraform interpolation is left alone", { expr: "${var.region}", esc: "$${literal}", brace: "}" }],
    ["strings that look like exponents", ["1e5", "-2.5e+10", "vm-e-1", "abc9e9x"]],
    ["huge and special numbers", [1e300, -1e300, Number.MAX_VALUE]],
    ["a Date", new Date(0)],
  ];

  test.each(values)("%s", (_name, value) => {
    expect(resolveFast(value, slow)).toEqual(reference(value));
    expect(JSON.stringify(resolveFast(value, slow))).toBe(JSON.stringify(reference(value)));
  });

  test("the token cases are real tokens (cdktf changes them)", () => {
    expect(reference(`size ${numberToken}`)).toBe("size 42");
    expect(reference(rg.id)).toMatch(/^\$\{azurerm_resource_group\.rg\.id\}$/);
  });

  test("plain values never reach cdktf's resolver; token values do", () => {
    slowCalls = 0;
    resolveFast({ a: "x", b: [1, 2, { c: "d" }], e: undefined }, slow);
    expect(slowCalls).toBe(0);
    resolveFast({ a: rg.id, b: [rg.name] }, slow);
    expect(slowCalls).toBe(2);
  });

  test("values cdktf rejects are still rejected by cdktf", () => {
    expect(() => resolveFast({ f: () => 1 }, slow)).toThrow();
    expect(() => reference({ f: () => 1 })).toThrow();
    expect(() => resolveFast([Token.NUMBER_MAP_TOKEN_VALUE], slow)).toThrow();
    expect(() => resolveFast(Token.STRING_MAP_TOKEN_VALUE, slow)).toThrow();
    expect(() => resolveFast(stack, slow)).toThrow(/construct/i);
  });
});
