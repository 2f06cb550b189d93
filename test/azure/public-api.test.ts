/**
 * The package's public entry (lib/index.ts, package.json "exports"): the constructs, their props, and what composing
 * them needs (a plan, the policy pack). A name added to or dropped from the entry is an API change: this test makes
 * it a deliberate one. The entry's bundle (what `require("edge-lab")` loads) exports the same names.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import * as api from "../../lib";
import { build, ENTRIES, OUTDIR } from "../../scripts/bundle";
import { ROOT } from "../helpers";

/** The values the entry exports (types are erased; the compiler checks those through the examples and docs). */
const EXPORTED = [
  // The constructs.
  "DirectorPool",
  "EdgeDnsZones",
  "EdgeFirewallAppliance",
  "EdgeLabScenario",
  "EdgeLabStack",
  "EdgeLoadBalancer",
  "EdgePerimeterNetwork",
  "EdgePool",
  "EdgeSubnetSecurityGroup",
  "LabAdminPassword",
  "ReverseProxy",
  // The error they throw for invalid props.
  "ConstructError",
  // What composing them needs: a plan, the policy pack.
  "formatProblem",
  "LabPolicyPack",
  "loadScenarioFile",
  "planFromProps",
].sort();

const pkg = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
  main: string;
  types: string;
  exports: Record<string, string | { types: string; default: string }>;
  bin: Record<string, string>;
};

test("the public entry exports exactly the constructs and what composing them needs", () => {
  expect(Object.keys(api).sort()).toEqual(EXPORTED);
});

test("every construct a user composes has a fromPlan helper (all but the whole lab and the password)", () => {
  const withFromPlan = Object.entries(api)
    .filter(([, value]) => typeof value === "function" && typeof (value as { fromPlan?: unknown }).fromPlan === "function")
    .map(([name]) => name)
    .sort();
  expect(withFromPlan).toEqual([
    "DirectorPool",
    "EdgeDnsZones",
    "EdgeFirewallAppliance",
    "EdgeLoadBalancer",
    "EdgePerimeterNetwork",
    "EdgePool",
    "EdgeSubnetSecurityGroup",
    "ReverseProxy",
  ]);
});

test("package.json: exports, main and types point at the library bundle and its declarations; the CLI stays a bin", () => {
  const bundle = `./${relative(ROOT, join(OUTDIR, "index.js"))}`;
  expect(ENTRIES.index).toBe("lib/index.ts");
  expect(pkg.exports["."]).toEqual({ types: "./dist/types/lib/index.d.ts", default: bundle });
  expect(`./${pkg.main}`).toBe(bundle);
  expect(`./${pkg.types}`).toBe("./dist/types/lib/index.d.ts");
  // tsconfig.types.json writes the declarations there: lib/index.ts under its outDir.
  const typesConfig = JSON.parse(readFileSync(join(ROOT, "tsconfig.types.json"), "utf8")) as { compilerOptions: { outDir: string }; files: string[] };
  expect(typesConfig.files).toEqual(["lib/index.ts"]);
  expect(`./${typesConfig.compilerOptions.outDir}/lib/index.d.ts`).toBe(pkg.exports["."] && (pkg.exports["."] as { types: string }).types);
  expect(pkg.bin).toEqual({ "edge-lab": "bin/edge-lab.js" });
});

test("the library bundle loads on its own and exports the same names", async () => {
  // Inside the project, so that its externals (cdktf, constructs, the providers) resolve from node_modules.
  mkdirSync(join(ROOT, "dist"), { recursive: true });
  const outdir = mkdtempSync(join(ROOT, "dist", ".public-api-"));
  try {
    await build("index", outdir);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const bundled = require(join(outdir, "index.js")) as Record<string, unknown>;
    expect(Object.keys(bundled).sort()).toEqual(EXPORTED);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}, 60_000);
