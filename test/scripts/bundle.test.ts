/**
 * The programs users run (`npx edge-lab`, `npm run synth`, `npx cdktf synth`) run from esbuild bundles that
 * scripts/bundle.js keeps fresh: the bundles behave byte for byte like the sources the other tests run, an edit to a
 * source shows up in the next run without a build step, and the CLI loads only what a command uses.
 */
import { spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { synthScenarios, scenarioFiles } from "../../bin/synth";
import { BUNDLE_EXTERNALS, build, freshBundle } from "../../scripts/bundle";
import { ROOT, SCENARIO_DIR, fileTree } from "../helpers";

const QUIET = { ...process.env, CHECKPOINT_DISABLE: "1", DISABLE_VERSION_CHECK: "1", EDGE_LAB_SCENARIOS: "" };
let work: string;
let bundleDir: string;

beforeAll(async () => {
  // Inside the project, so that the bundles find cdktf and the other externals in node_modules.
  mkdirSync(join(ROOT, "dist"), { recursive: true });
  work = mkdtempSync(join(ROOT, "dist", ".bundle-test-"));
  bundleDir = join(work, "bundle");
  await build("cli", bundleDir);
  await build("synth", bundleDir);
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
  const run = spawnSync(process.execPath, ["-e", `require(${JSON.stringify(join(bundleDir, "synth.js"))}).main()`], {
    cwd: fromBundle,
    encoding: "utf8",
    env: QUIET,
  });
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
  expect([...bundled.keys()].filter((f) => f.endsWith("cdk.tf.json")).length).toBe(readdirSync(SCENARIO_DIR).length);
  for (const [file, content] of sources) expect({ file, content: bundled.get(file) }).toEqual({ file, content });
  expect(run.stdout.trim().split("\n")).toHaveLength(readdirSync(SCENARIO_DIR).length); // one summary line per stack
}, 120_000);

test("the bundled CLI validates, reports rule violations with exit 1, and prints plans", () => {
  const cli = (args: string[]) =>
    spawnSync(process.execPath, ["-e", `require(${JSON.stringify(join(bundleDir, "cli.js"))}).main(process.argv.slice(1))`, ...args], {
      cwd: work,
      encoding: "utf8",
    });
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

test("the interactive prompts stay out of the CLI's bundle: loaded from node_modules by an interactive init only", () => {
  const cli = readFileSync(join(bundleDir, "cli.js"), "utf8");
  expect(cli).toMatch(/import\("@inquirer\/prompts"\)|require\("@inquirer\/prompts"\)/);
  expect(cli).not.toMatch(/iconv-lite|windows-1252/i); // the editor prompt's encoding tables
  expect(statSync(join(bundleDir, "cli.js")).size).toBeLessThan(1.8 * 1024 * 1024);
});

describe("commands load only what they use", () => {
  /** The modules under node_modules a CLI run loaded, by package (a preload script lists require.cache at exit). */
  function packagesLoaded(args: string[]): { status: number | null; packages: string[]; stderr: string } {
    const list = join(work, `loaded-${args[0]}.json`);
    const preload = join(work, "list-loaded.js");
    writeFileSync(preload, `process.on("exit", () => require("fs").writeFileSync(${JSON.stringify(list)}, JSON.stringify(Object.keys(require.cache))));\n`);
    const r = spawnSync(process.execPath, ["--require", preload, join(ROOT, "bin", "edge-lab.js"), ...args], { cwd: work, encoding: "utf8", env: QUIET });
    const files = JSON.parse(readFileSync(list, "utf8")) as string[];
    const packages = [...new Set(files.map((f) => /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(f)?.[1]).filter((p): p is string => p !== undefined))].sort();
    return { status: r.status, packages, stderr: r.stderr };
  }
  const scenario = join(SCENARIO_DIR, "scaled-dnslb-nat.yaml");

  test.each([
    ["validate", [scenario]],
    ["plan", [scenario]],
    ["zones", [scenario, "--out", "zones-out"]],
    ["checklist", [scenario]],
    ["diff", [scenario, scenario, "--no-terraform"]],
  ])("edge-lab %s does not load cdktf, constructs, the providers or the prompts", (command, args) => {
    const r = packagesLoaded([command, ...args]);
    expect({ status: r.status, stderr: r.stderr }).toEqual({ status: 0, stderr: expect.any(String) });
    expect(r.packages.length).toBeGreaterThan(0); // the listing works: the bundle's own externals show (esbuild)
    expect(r.packages.filter((p) => p === "cdktf" || p === "constructs" || p.startsWith("@cdktf/") || p.startsWith("@inquirer/"))).toEqual([]);
  });

  test("edge-lab diff loads cdktf and the provider bindings when it compares Terraform", () => {
    const r = packagesLoaded(["diff", scenario, scenario]);
    expect(r.status).toBe(0);
    expect(r.packages).toEqual(expect.arrayContaining(["cdktf", "constructs", "@cdktf/provider-azurerm"]));
  });
});

describe("a build that cannot go stale (a copy of the project, an edited construct)", () => {
  let copy: string;
  beforeAll(async () => {
    copy = join(work, "project-copy");
    for (const entry of ["bin", "lib", "scripts", "bench", "scenarios", "package.json", "package-lock.json", "tsconfig.json", "cdktf.json"])
      cpSync(join(ROOT, entry), join(copy, entry), { recursive: true });
    symlinkSync(join(ROOT, "node_modules"), join(copy, "node_modules"), "dir");
  });
  const tagOf = (outdir: string) =>
    (
      JSON.parse(readFileSync(join(copy, outdir, "stacks", "single-consolidated-nat", "cdk.tf.json"), "utf8")) as {
        resource: { azurerm_resource_group: Record<string, { tags: Record<string, string> }> };
      }
    ).resource.azurerm_resource_group;
  const env = { ...QUIET, EDGE_LAB_SCENARIOS: "scenarios/single-consolidated-nat.yaml" };
  /** The copy's own freshness check (scripts/bundle.js hashes the files of the project it lives in). */
  const copyIsFresh = () =>
    spawnSync(process.execPath, ["-e", 'process.stdout.write(String(require("./scripts/bundle").isFresh("synth")))'], { cwd: copy, encoding: "utf8" }).stdout;

  test("npm run synth and npx cdktf synth run an edited source without a build step; an unchanged tree is not rebuilt", () => {
    const first = spawnSync("npm", ["run", "synth", "--silent"], { cwd: copy, encoding: "utf8", env });
    // The bundled Microsoft scenario keeps Lync Server 2013 and Windows Live: its product notices (SE-01, SE-02) are its only output.
    const unexpected = first.stderr.split("\n").filter((l) => l && !/ warning \[SE-0[12]\] |^ {4}SE-0[12]: /.test(l));
    expect({ status: first.status, unexpected }).toEqual({ status: 0, unexpected: [] });
    expect(copyIsFresh()).toBe("true");
    const before = Object.values(tagOf("cdktf.out"))[0].tags;
    expect(before["managed-by"]).toBe("edge-lab");

    // Edit a construct's source: the tags every lab resource carries.
    const names = join(copy, "lib", "azure", "names.ts");
    const text = readFileSync(names, "utf8");
    expect(text).toContain(`"managed-by": "edge-lab"`);
    writeFileSync(names, text.replace(`"managed-by": "edge-lab"`, `"managed-by": "edge-lab-edited"`));
    expect(copyIsFresh()).toBe("false");

    const viaNpm = spawnSync("npm", ["run", "synth", "--silent"], { cwd: copy, encoding: "utf8", env });
    expect(viaNpm.status).toBe(0);
    for (const rg of Object.values(tagOf("cdktf.out"))) expect(rg.tags["managed-by"]).toBe("edge-lab-edited");

    writeFileSync(names, text.replace(`"managed-by": "edge-lab"`, `"managed-by": "edge-lab-cdktf"`));
    const viaCdktf = spawnSync("npx", ["cdktf", "synth", "--output", "cdktf-cli.out"], { cwd: copy, encoding: "utf8", env, timeout: 120_000 });
    expect(viaCdktf.status).toBe(0);
    for (const rg of Object.values(tagOf("cdktf-cli.out"))) expect(rg.tags["managed-by"]).toBe("edge-lab-cdktf");
    expect(copyIsFresh()).toBe("true");
  }, 240_000);

  test("npx edge-lab runs an edited source; a syntax error is reported with its file and line, not a stale run", () => {
    const messages = join(copy, "bin", "commands", "validate.ts");
    const text = readFileSync(messages, "utf8");
    writeFileSync(messages, text.replace(": valid", ": valid (edited)"));
    const edited = spawnSync(process.execPath, [join(copy, "bin", "edge-lab.js"), "validate", join(copy, "scenarios", "scaled-hlb.yaml")], {
      cwd: copy,
      encoding: "utf8",
      env,
    });
    expect(edited.stdout).toMatch(/scaled-hlb\.yaml: valid \(edited\)/);
    writeFileSync(messages, text.replace("export const registerValidate", "export const registerValidate = ;\nconst x"));
    const broken = spawnSync(process.execPath, [join(copy, "bin", "edge-lab.js"), "validate", join(copy, "scenarios", "scaled-hlb.yaml")], {
      cwd: copy,
      encoding: "utf8",
      env,
    });
    expect(broken.status).toBe(1);
    expect(broken.stderr).toMatch(/edge-lab: cannot build cli: .*bin\/commands\/validate\.ts:\d+:\d+/s);
    writeFileSync(messages, text);
  }, 120_000);

  test("an unexpected error prints the error with the TypeScript file and line (source maps) and how to report it", () => {
    const messages = join(copy, "bin", "commands", "validate.ts");
    const text = readFileSync(messages, "utf8");
    const lines = text.split("\n");
    const at = lines.findIndex((l) => l.includes("let errors = 0;"));
    expect(at).toBeGreaterThan(0);
    lines.splice(at + 1, 0, '      if (files.length > 0) throw new TypeError("boom from validate");');
    writeFileSync(messages, lines.join("\n"));
    try {
      const r = spawnSync(process.execPath, [join(copy, "bin", "edge-lab.js"), "validate", join(copy, "scenarios", "scaled-hlb.yaml")], {
        cwd: copy,
        encoding: "utf8",
        env,
      });
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/^edge-lab: internal error: boom from validate$/m);
      // The line of the throw (1-based), relative to the current directory: the copy's own file, not a path beside it.
      expect(r.stderr).toMatch(new RegExp(`^ +at .*\\(bin/commands/validate\\.ts:${at + 2}:\\d+\\)$`, "m"));
      expect(r.stderr).toMatch(/Please report it/);
      expect(r.stderr).not.toMatch(/dist\/bundle\/cli\.js:\d+/); // every frame of edge-lab's code is mapped
    } finally {
      writeFileSync(messages, text);
    }
  }, 120_000);
});

test("freshBundle refuses an unknown program", async () => {
  await expect(freshBundle("nope")).rejects.toThrow(/no program named nope/);
});

test("the manifest records every project file the bundle was made from; the source map's paths lead to the real files", async () => {
  const dir = join(work, "maps", "bundle");
  await build("cli", dir);
  const manifest = JSON.parse(readFileSync(join(dir, "cli.inputs.json"), "utf8")) as { inputs: Record<string, string> };
  expect(Object.keys(manifest.inputs)).toEqual(expect.arrayContaining(["bin/cli.ts", "bin/commands/validate.ts", "lib/model/schema.ts", "tsconfig.json"]));
  for (const [file, recorded] of Object.entries(manifest.inputs))
    expect({ file, recorded }).toEqual({
      file,
      recorded: createHash("sha256")
        .update(readFileSync(join(ROOT, file)))
        .digest("hex"),
    });
  const sources = (JSON.parse(readFileSync(join(dir, "cli.js.map"), "utf8")) as { sources: string[] }).sources.map((s) => resolve(dir, s));
  expect(sources).toContain(join(ROOT, "bin", "cli.ts"));
  expect(sources.filter((s) => !s.includes("/node_modules/") && !existsSync(s))).toEqual([]); // (packages may map to sources they do not ship)
});
