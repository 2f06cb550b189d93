/** bin/synth: validates every scenario first, writes nothing when one is invalid, one stack per scenario otherwise. */
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { scenarioFiles, synthScenarios } from "../../bin/synth";
import { SCENARIO_DIR } from "../helpers";

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "edge-lab-synth-"));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

test("refuses an invalid scenario, prints formatted problems and synthesizes nothing", () => {
  const bad = join(dir, "bad.yaml");
  writeFileSync(bad, "sipDomains: [contoso.com]\nsites: [{ name: hq, edge: { servers: 2, loadBalancing: hardware, externalAddressing: nat } }]\n");
  const errors: string[] = [];
  const outdir = join(dir, "out");
  const result = synthScenarios({ files: [join(SCENARIO_DIR, "single-consolidated-nat.yaml"), bad], outdir, log: () => undefined, error: (l) => errors.push(l) });
  expect(result.ok).toBe(false);
  expect(existsSync(outdir)).toBe(false);
  expect(errors.some((e) => e.startsWith(`${bad}:`) && e.includes("error ["))).toBe(true);
  expect(errors[errors.length - 1]).toMatch(/nothing synthesized/);
});

test("refuses duplicate scenario ids", () => {
  const a = join(dir, "a.yaml");
  const b = join(dir, "b.yaml");
  writeFileSync(a, "id: same\nsipDomains: [contoso.com]\n");
  writeFileSync(b, "id: same\nsipDomains: [fabrikam.com]\n");
  const errors: string[] = [];
  const result = synthScenarios({ files: [a, b], outdir: join(dir, "out"), log: () => undefined, error: (l) => errors.push(l) });
  expect(result.ok).toBe(false);
  expect(existsSync(join(dir, "out"))).toBe(false);
  expect(errors.join("\n")).toMatch(/scenario id "same"/);
});

test("writes cdktf.out/stacks/<id>/cdk.tf.json and one summary line per stack", () => {
  const lines: string[] = [];
  const outdir = join(dir, "out");
  const files = [join(SCENARIO_DIR, "scaled-hlb.yaml"), join(SCENARIO_DIR, "single-consolidated-nat.yaml")];
  const result = synthScenarios({ files, outdir, log: (l) => lines.push(l), error: () => undefined, env: {} });
  expect(result.ok).toBe(true);
  expect(result.stacks.map((s) => s.id)).toEqual(["scaled-hlb", "single-consolidated-nat"]);
  const json = JSON.parse(readFileSync(join(outdir, "stacks", "scaled-hlb", "cdk.tf.json"), "utf8"));
  expect(json.resource.azurerm_lb).toBeDefined();
  expect(json.terraform.backend).toEqual({ local: { path: expect.stringMatching(/^(\.\.\/)+.*terraform\.scaled-hlb\.tfstate$/) } });
  expect(lines).toHaveLength(2);
  expect(lines[0]).toMatch(/^scaled-hlb: mode=closed sites=1 resources=\d+ \(.*lb=1 /);
});

test("optional azurerm remote state backend from the environment", () => {
  const outdir = join(dir, "out");
  const env = { EDGE_LAB_STATE_STORAGE_ACCOUNT: "stedgelab", EDGE_LAB_STATE_RESOURCE_GROUP: "rg-state" };
  synthScenarios({ files: [join(SCENARIO_DIR, "single-consolidated-nat.yaml")], outdir, log: () => undefined, error: () => undefined, env });
  const json = JSON.parse(readFileSync(join(outdir, "stacks", "single-consolidated-nat", "cdk.tf.json"), "utf8"));
  expect(json.terraform.backend.azurerm).toEqual({ resource_group_name: "rg-state", storage_account_name: "stedgelab", container_name: "tfstate", key: "single-consolidated-nat.tfstate" });
});

test("scenario files come from EDGE_LAB_SCENARIOS or ./scenarios", () => {
  expect(scenarioFiles({ EDGE_LAB_SCENARIOS: "a.yaml, b.yaml" }, "/x")).toEqual(["/x/a.yaml", "/x/b.yaml"]);
  const bundled = scenarioFiles({}, join(SCENARIO_DIR, ".."));
  expect(bundled.length).toBeGreaterThanOrEqual(6);
  expect(bundled.every((f) => f.endsWith(".yaml"))).toBe(true);
});
