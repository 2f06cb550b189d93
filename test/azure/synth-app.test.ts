/** bin/synth: validates every scenario first, writes nothing when one is invalid, one stack per scenario otherwise. */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scenarioFiles, synthScenarios } from "../../bin/synth";
import { SCENARIO_DIR } from "../helpers";
import { POLICY_RULES } from "../../lib/policy/pack";
import type { PolicyRule } from "../../lib/policy/types";
import { displayPath, localStatePath } from "../../lib/io/paths";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "edge-lab-synth-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("refuses an invalid scenario, prints formatted problems and synthesizes nothing", async () => {
  const bad = join(dir, "bad.yaml");
  writeFileSync(bad, "sipDomains: [contoso.com]\nsites: [{ name: hq, edge: { servers: 2, loadBalancing: hardware, externalAddressing: nat } }]\n");
  const errors: string[] = [];
  const outdir = join(dir, "out");
  const result = await synthScenarios({
    files: [join(SCENARIO_DIR, "single-consolidated-nat.yaml"), bad],
    outdir,
    log: () => undefined,
    error: (l) => errors.push(l),
  });
  expect(result.ok).toBe(false);
  expect(existsSync(outdir)).toBe(false);
  expect(errors.some((e) => e.startsWith(`${bad}:`) && e.includes("error ["))).toBe(true);
  expect(errors[errors.length - 1]).toMatch(/nothing synthesized/);
});

test("refuses duplicate scenario ids", async () => {
  const a = join(dir, "a.yaml");
  const b = join(dir, "b.yaml");
  writeFileSync(a, "id: same\nsipDomains: [contoso.com]\n");
  writeFileSync(b, "id: same\nsipDomains: [fabrikam.com]\n");
  const errors: string[] = [];
  const result = await synthScenarios({ files: [a, b], outdir: join(dir, "out"), log: () => undefined, error: (l) => errors.push(l) });
  expect(result.ok).toBe(false);
  expect(existsSync(join(dir, "out"))).toBe(false);
  expect(errors.join("\n")).toMatch(/scenario id "same"/);
});

test("writes cdktf.out/stacks/<id>/cdk.tf.json and one summary line per stack", async () => {
  const lines: string[] = [];
  const outdir = join(dir, "out");
  const files = [join(SCENARIO_DIR, "scaled-hlb.yaml"), join(SCENARIO_DIR, "single-consolidated-nat.yaml")];
  const result = await synthScenarios({ files, outdir, log: (l) => lines.push(l), error: () => undefined, env: {} });
  expect(result.ok).toBe(true);
  expect(result.stacks.map((s) => s.id)).toEqual(["scaled-hlb", "single-consolidated-nat"]);
  const json = JSON.parse(readFileSync(join(outdir, "stacks", "scaled-hlb", "cdk.tf.json"), "utf8"));
  expect(json.resource.azurerm_lb).toBeDefined();
  // The output folder is outside the current folder: the state stays in the stack folder, no path into the checkout.
  expect(json.terraform.backend).toEqual({ local: { path: "terraform.scaled-hlb.tfstate" } });
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^scaled-hlb: mode=closed sites=1 resources=\d+ \(.*lb=1 /);
  // The counts (taken from the construct tree) are those of the written file, type by type and in total.
  for (const stack of result.stacks) {
    const written = JSON.parse(readFileSync(join(outdir, "stacks", stack.id, "cdk.tf.json"), "utf8")) as { resource: Record<string, Record<string, unknown>> };
    expect(stack.resources).toEqual(Object.fromEntries(Object.entries(written.resource).map(([type, byName]) => [type, Object.keys(byName).length])));
    expect(Object.keys(stack.resources)).toEqual(Object.keys(written.resource)); // same (sorted) order
    const total = Object.values(written.resource).reduce((n, byName) => n + Object.keys(byName).length, 0);
    expect(lines.find((l) => l.startsWith(`${stack.id}:`))).toContain(`resources=${total} `);
  }
}, 30_000); // two full synths: about 2 s alone, past jest's 5 s default when the whole suite shares 2 cores

test("optional azurerm remote state backend from the environment", async () => {
  const outdir = join(dir, "out");
  const env = { EDGE_LAB_STATE_STORAGE_ACCOUNT: "stedgelab", EDGE_LAB_STATE_RESOURCE_GROUP: "rg-state" };
  await synthScenarios({
    files: [join(SCENARIO_DIR, "single-consolidated-nat.yaml")],
    outdir,
    worksheets: false,
    log: () => undefined,
    error: () => undefined,
    env,
  });
  const json = JSON.parse(readFileSync(join(outdir, "stacks", "single-consolidated-nat", "cdk.tf.json"), "utf8"));
  expect(json.terraform.backend.azurerm).toEqual({
    resource_group_name: "rg-state",
    storage_account_name: "stedgelab",
    container_name: "tfstate",
    key: "single-consolidated-nat.tfstate",
  });
});

test("scenario files come from EDGE_LAB_SCENARIOS or ./scenarios", () => {
  expect(scenarioFiles({ EDGE_LAB_SCENARIOS: "a.yaml, b.yaml" }, "/x")).toEqual(["/x/a.yaml", "/x/b.yaml"]);
  const bundled = scenarioFiles({}, join(SCENARIO_DIR, ".."));
  expect(bundled.length).toBeGreaterThanOrEqual(6);
  expect(bundled.every((f) => f.endsWith(".yaml"))).toBe(true);
});

test("writes the planning worksheets next to the Terraform, and keeps files it does not own", async () => {
  const outdir = join(dir, "out");
  const files = [join(SCENARIO_DIR, "single-consolidated-nat.yaml")];
  await synthScenarios({ files, outdir, log: () => undefined, error: () => undefined, env: {} });
  // Terraform's working files next to cdk.tf.json survive a new synth (only edge-lab's own files are replaced).
  writeFileSync(join(outdir, "stacks", "single-consolidated-nat", ".terraform.lock.hcl"), "# kept\n");
  const result = await synthScenarios({ files, outdir, log: () => undefined, error: () => undefined, env: {} });
  expect(result.ok).toBe(true);
  expect(readFileSync(join(outdir, "worksheets", "single-consolidated-nat", "worksheet.md"), "utf8")).toMatch(/sip\.contoso\.com/);
  expect(existsSync(join(outdir, "worksheets", "single-consolidated-nat", "diagram.svg"))).toBe(true);
  expect(readFileSync(join(outdir, "stacks", "single-consolidated-nat", ".terraform.lock.hcl"), "utf8")).toBe("# kept\n");
  expect(readdirSync(dir).filter((f) => f.includes("staging"))).toEqual([]);
});

test("the policy pack checks the written documents before they are published: an error finding fails the synth and nothing is written", async () => {
  // A rule that refuses every resource group, added for this test only: the synth checks cdk.tf.json in staging.
  const rules = POLICY_RULES as PolicyRule[];
  rules.push({
    id: "TEST-POL-99",
    level: "error",
    info: "resource groups refused by the test",
    explanation: "test rule",
    checkov: [],
    trivy: [],
    check: (r) => (r.type === "azurerm_resource_group" ? [`location ${String(r.attrs.location)}`] : []),
  });
  try {
    const errors: string[] = [];
    const outdir = join(dir, "out");
    const result = await synthScenarios({
      files: [join(SCENARIO_DIR, "single-consolidated-nat.yaml")],
      outdir,
      log: () => undefined,
      error: (l) => errors.push(l),
      env: {},
    });
    expect(result.ok).toBe(false);
    expect(existsSync(outdir)).toBe(false);
    expect(readdirSync(dir)).toEqual([]); // no staging folder left either
    expect(errors.filter((e) => e.includes("[TEST-POL-99]")).length).toBeGreaterThan(0);
    expect(errors.find((e) => e.includes("[TEST-POL-99]"))).toMatch(
      /^single-consolidated-nat: error \[TEST-POL-99\] azurerm_resource_group\.\S+: resource groups refused by the test location westeurope\./,
    );
    expect(errors[errors.length - 1]).toMatch(/nothing written/);
  } finally {
    rules.pop();
  }
});

describe("paths in the output and the logs (issue 12)", () => {
  test("the local state path is relative and holds no part of the checkout's absolute path", () => {
    expect(localStatePath("cdktf.out", "x", "/home/me/edge-lab")).toBe("../../../terraform.x.tfstate");
    expect(localStatePath("build/cdktf.out", "x", "/home/me/edge-lab")).toBe("../../../../terraform.x.tfstate");
    expect(localStatePath("/tmp/elsewhere", "x", "/home/me/edge-lab")).toBe("terraform.x.tfstate");
    expect(localStatePath("../sibling", "x", "/home/me/edge-lab")).toBe("terraform.x.tfstate");
    expect(displayPath("/home/me/edge-lab/scenarios/a.yaml", "/home/me/edge-lab")).toBe("scenarios/a.yaml");
    expect(displayPath("/tmp/a.yaml", "/home/me/edge-lab")).toBe("/tmp/a.yaml");
  });

  test("EDGE_LAB_SCENARIOS files are reported relative to the current folder", () => {
    expect(scenarioFiles({ EDGE_LAB_SCENARIOS: "scenarios/scaled-hlb.yaml" }, process.cwd())).toEqual([join("scenarios", "scaled-hlb.yaml")]);
  });
});
