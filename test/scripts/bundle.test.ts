/**
 * The bundled programs (scripts/bundle.ts) are what `npm run synth`, cdktf.json and `npx edge-lab` run, while the
 * other tests run the TypeScript sources: the bundles must behave the same, byte for byte.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { synthScenarios, scenarioFiles } from "../../bin/synth";
import { BUNDLE_EXTERNALS, bundle } from "../../scripts/bundle";
import { ROOT, SCENARIO_DIR, fileTree } from "../helpers";

let work: string;
let bundleDir: string;

beforeAll(async () => {
  // Inside the project, so that the bundles find cdktf and the other externals in node_modules.
  mkdirSync(join(ROOT, "dist"), { recursive: true });
  work = mkdtempSync(join(ROOT, "dist", ".bundle-test-"));
  bundleDir = join(work, "bundle");
  await bundle(bundleDir);
}, 60_000);

afterAll(() => {
  if (work) rmSync(work, { recursive: true, force: true });
});

function project(name: string): string {
  const dir = join(work, name);
  cpSync(SCENARIO_DIR, join(dir, "scenarios"), { recursive: true });
  return dir;
}

test("the bundled cdktf app writes exactly what the sources write (Terraform, manifest, worksheets, diagrams)", async () => {
  const fromBundle = project("from-bundle");
  const run = spawnSync(process.execPath, [join(bundleDir, "synth.js")], { cwd: fromBundle, encoding: "utf8", env: { ...process.env, CHECKPOINT_DISABLE: "1", EDGE_LAB_SCENARIOS: "" } });
  expect(run.stderr).not.toMatch(/Error|at .*\.js:\d+/);
  expect(run.status).toBe(0);

  const fromSources = project("from-sources");
  const cwd = process.cwd();
  process.chdir(fromSources); // synth writes paths relative to the current directory, as a real run does
  try {
    const result = await synthScenarios({ files: scenarioFiles({}), outdir: "cdktf.out", env: {}, log: () => undefined, error: () => undefined });
    expect(result.ok).toBe(true);
  } finally {
    process.chdir(cwd);
  }

  const bundled = fileTree(join(fromBundle, "cdktf.out"));
  const sources = fileTree(join(fromSources, "cdktf.out"));
  expect([...bundled.keys()]).toEqual([...sources.keys()]);
  expect([...bundled.keys()].filter((f) => f.endsWith("cdk.tf.json"))).toHaveLength(6);
  for (const [file, content] of sources) expect({ file, content: bundled.get(file) }).toEqual({ file, content });
  // The summary lines are the same too.
  expect(run.stdout.trim().split("\n")).toHaveLength(6);
}, 120_000);

test("the bundled CLI validates, reports rule violations with exit 1, and prints plans", () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ["-e", `require(${JSON.stringify(join(bundleDir, "cli.js"))}).run(process.argv.slice(1)).then((c) => (process.exitCode = c))`, ...args], { cwd: work, encoding: "utf8" });
  const ok = cli(["validate", join(SCENARIO_DIR, "scaled-hlb.yaml")]);
  expect(ok.status).toBe(0);
  expect(ok.stdout).toMatch(/scaled-hlb\.yaml: valid/);
  const bad = join(work, "pool-of-one.yaml");
  writeFileSync(bad, "sipDomains: [contoso.com]\nsites: [{ name: hq, edge: { servers: 1, loadBalancing: dns } }]\n");
  const refused = cli(["validate", bad]);
  expect(refused.status).toBe(1);
  expect(refused.stdout + refused.stderr).toMatch(/pool-of-one\.yaml:\d+:\d+: error \[LB-0\d\]/);
  const plan = cli(["plan", "--json", join(SCENARIO_DIR, "single-consolidated-nat.yaml")]);
  expect(plan.status).toBe(0);
  expect(JSON.parse(plan.stdout).scenario.id).toBe("single-consolidated-nat");
});

test("cdktf and the providers stay external (one copy, shared with the provider packages); zod's locales are left out", () => {
  expect(BUNDLE_EXTERNALS).toEqual(expect.arrayContaining(["cdktf", "@cdktf/*", "constructs"]));
  const synth = readFileSync(join(bundleDir, "synth.js"), "utf8");
  expect(synth).toMatch(/require\("cdktf"\)/);
  expect(synth).toMatch(/require\("@cdktf\/provider-azurerm\/lib\/network-security-group"\)/);
  expect(synth).not.toMatch(/class TerraformStack\b/); // cdktf's own source is not inside
  expect(synth).toMatch(/class ZodError|ZodError/); // zod is inside...
  expect(synth).not.toMatch(/Ungültige Eingabe/); // ...but not its German (or any other) message locale
});
