/**
 * The layers of lib/ (issue 19): model <- lab <- {azure, emulate, render} <- bin. Every import of every source file
 * in lib/ and bin/ is read from its syntax tree (import and export declarations, require(), import(), import types)
 * and checked against the table below; a new folder in lib/ fails until it has a place in it.
 *
 * - errors (lib/errors.ts): the base class of user-fixable failures, below every layer; imports nothing.
 * - model: the scenario and the plan; imports errors only.
 * - io: atomic output, paths, streams, the crash handler; beside the model at the bottom (imports errors only), used
 *   by the layers that write (render, bin). The model and the lab never use it: they do no I/O.
 * - lab: what runs inside the lab, as text (address layout, guest configuration, zone files, rulesets, escaping);
 *   imports the model only, no cdktf, and of node's built-ins only those that do no I/O; no `process.*`, no fetch.
 * - azure, emulate, render: the three users of the lab; each imports model and lab (and errors, io), never one of the
 *   other two. azure also uses policy (its cdktf policy pack); emulate also uses probe (the prober it runs).
 * - policy: the Azure policy pack (cdktf aspects) below lib/azure; imports the model at most.
 * - probe: the outside prober; imports model and lab, and node's built-ins, no other package.
 * - discover: `edge-lab discover`, an existing deployment seen from outside (observations -> a scenario); beside
 *   emulate, it runs the prober: imports model, lab and probe (and errors, io), never azure, emulate or render.
 * - init: the scenario wizard behind `edge-lab init`, a front end like bin; imports model (and errors, io).
 * - bin: the commands; may import every layer. Nothing in lib imports bin.
 * - entry (lib/index.ts): the package's public entry for cdktf users: the constructs and what builds a plan for them
 *   (azure, model, policy, errors); nothing imports it.
 */
import { readFileSync } from "node:fs";
import { builtinModules } from "node:module";
import { posix, relative } from "node:path";
import ts from "typescript";
import { ROOT, sourceFiles } from "../helpers";

type Layer = "errors" | "model" | "io" | "lab" | "azure" | "emulate" | "render" | "policy" | "probe" | "discover" | "init" | "bin" | "entry";

/** What each layer may import besides itself. */
const ALLOWED: Record<Layer, readonly Layer[]> = {
  errors: [],
  model: ["errors"],
  io: ["errors"],
  lab: ["model", "errors"],
  policy: ["model", "errors"],
  probe: ["model", "lab", "errors"],
  discover: ["model", "lab", "probe", "errors", "io"],
  azure: ["model", "lab", "policy", "errors", "io"],
  emulate: ["model", "lab", "probe", "errors", "io"],
  render: ["model", "lab", "errors", "io"],
  init: ["model", "errors", "io"],
  bin: ["errors", "model", "io", "lab", "azure", "emulate", "render", "policy", "probe", "discover", "init"],
  entry: ["azure", "model", "policy", "errors"],
};

/** Node built-ins the lab may use: none of them reads or writes files, processes or the network. */
const LAB_BUILTINS = new Set(["assert", "buffer", "crypto", "path", "querystring", "string_decoder", "url", "util"]);
/** Packages the lab must not use: it is no Azure construct. */
const CDKTF = /^(?:cdktf|constructs|@cdktf\/)/;

const isBuiltin = (spec: string) => spec.startsWith("node:") || builtinModules.includes(spec.split("/")[0]);
const builtinName = (spec: string) => spec.replace(/^node:/, "").split("/")[0];

/** The layer of a project file ("lib/model/plan/types.ts" -> "model"), or undefined outside lib/ and bin/. */
function layerOf(file: string): Layer | "unknown" | undefined {
  if (file.startsWith("bin/")) return "bin";
  if (file === "lib/errors.ts" || file === "lib/errors") return "errors";
  if (file === "lib/index.ts" || file === "lib/index") return "entry";
  const m = /^lib\/([^/]+)\//.exec(file);
  if (!m) return file.startsWith("lib/") ? "unknown" : undefined;
  return (m[1] in ALLOWED ? m[1] : "unknown") as Layer | "unknown";
}

/** Every module specifier a source file names, and the uses of `process.*` and `fetch()` in it. */
function scan(file: string, text: string): { specs: string[]; io: string[] } {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const specs: string[] = [];
  const io: string[] = [];
  const visit = (node: ts.Node): void => {
    if ((ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) && node.moduleSpecifier && ts.isStringLiteral(node.moduleSpecifier)) {
      specs.push(node.moduleSpecifier.text);
    } else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      const e = node.moduleReference.expression;
      if (ts.isStringLiteral(e)) specs.push(e.text);
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument) && ts.isStringLiteral(node.argument.literal)) {
      specs.push(node.argument.literal.text);
    } else if (ts.isCallExpression(node)) {
      const callee = node.expression;
      const arg = node.arguments[0];
      const isRequire = ts.isIdentifier(callee) && callee.text === "require";
      if ((isRequire || callee.kind === ts.SyntaxKind.ImportKeyword) && arg) {
        specs.push(ts.isStringLiteralLike(arg) ? arg.text : `<computed: ${arg.getText(source)}>`);
      }
      if (ts.isIdentifier(callee) && callee.text === "fetch") io.push("fetch()");
    } else if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "process") {
      io.push(`process.${node.name.text}`);
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return { specs, io };
}

/** The layer rule's violations in one file (`file` relative to the project root, with forward slashes). */
function violations(file: string, text: string): string[] {
  const from = layerOf(file);
  if (from === undefined) return [];
  if (from === "unknown") return [`${file}: lib/${file.split("/")[1]} has no place in the layer rule`];
  const out: string[] = [];
  const { specs, io } = scan(file, text);
  for (const spec of specs) {
    if (spec.startsWith("<computed")) {
      out.push(`${file}: import of a computed module name ${spec}`);
    } else if (spec.startsWith(".")) {
      const target = posix.normalize(posix.join(posix.dirname(file), spec));
      // "lib/model/net", "lib/model/plan" (a folder's index), "lib/errors", "bin/cli": the layer is the first folder.
      const layer = layerOf(`${target}/`);
      if (layer === undefined || layer === from) continue;
      if (layer === "unknown" || !ALLOWED[from].includes(layer)) out.push(`${file}: ${from} imports ${layer} (${spec})`);
    } else if (from === "lab") {
      if (isBuiltin(spec) ? !LAB_BUILTINS.has(builtinName(spec)) : CDKTF.test(spec)) out.push(`${file}: lab imports ${spec}`);
    } else if (from === "probe" && !isBuiltin(spec)) {
      out.push(`${file}: probe imports the package ${spec} (node built-ins only)`);
    }
  }
  if (from === "lab") for (const use of io) out.push(`${file}: lab uses ${use}`);
  return out;
}

describe("layers", () => {
  test("the check itself recognises each kind of violation", () => {
    const bad: [string, string][] = [
      ["lib/model/json-schema.ts", 'import { markdownCell } from "../render/table";'],
      ["lib/model/plan/types.ts", 'import type { LabLayout } from "../../lab/layout";'],
      ["lib/model/x.ts", 'type T = import("../azure/scenario").Foo;'],
      ["lib/model/x.ts", 'const b = require("../../bin/cli");'],
      ["lib/lab/x.ts", 'import { readFileSync } from "node:fs";'],
      ["lib/lab/guest/x.ts", 'import { spawn } from "child_process";'],
      ["lib/lab/x.ts", 'import { Construct } from "constructs";'],
      ["lib/lab/x.ts", 'import { atomic } from "../io/atomic";'],
      ["lib/lab/x.ts", 'import { pack } from "../policy/pack";'],
      ["lib/lab/x.ts", "export const home = process.env.HOME;"],
      ["lib/emulate/x.ts", 'import { zoneFiles } from "../render/worksheets";'],
      ["lib/emulate/x.ts", 'export { labLayout } from "../azure/index";'],
      ["lib/render/x.ts", 'import { emulate } from "../emulate";'],
      ["lib/azure/x.ts", 'const m = await import("../render/table");'],
      ["lib/azure/x.ts", 'import { probe } from "../probe/run-probes";'],
      ["lib/probe/x.ts", 'import { labLayout } from "../azure/layout";'],
      ["lib/probe/x.ts", 'import yaml from "yaml";'],
      ["lib/probe/x.ts", 'import { infer } from "../discover/infer";'],
      ["lib/discover/x.ts", 'import { zoneFiles } from "../render/worksheets";'],
      ["lib/io/x.ts", 'import type { Plan } from "../model/plan";'],
      ["lib/init/x.ts", 'import { run } from "../../bin/cli";'],
      ["lib/errors.ts", 'import { x } from "./model/plan";'],
      ["lib/newlayer/x.ts", ""],
    ];
    for (const [file, text] of bad) expect({ file, text, found: violations(file, text).length }).toEqual({ file, text, found: 1 });
    const good: [string, string][] = [
      ["lib/model/load.ts", 'import { UserError } from "../errors";\nimport { z } from "zod";'],
      ["lib/lab/x.ts", 'import { join } from "node:path";\nimport type { Plan } from "../model/plan";\nimport { yaml } from "./escape";'],
      ["lib/emulate/x.ts", 'import { vantage } from "../probe/vantage";\nimport { zoneFiles } from "../lab/zones";\nimport { mkdirSync } from "node:fs";'],
      ["lib/render/x.ts", 'import { replaceFile } from "../io/atomic";\nimport { zoneFiles } from "../lab/zones";'],
      ["lib/azure/x.ts", 'import { pack } from "../policy/pack";\nimport { TerraformStack } from "cdktf";'],
      ["lib/probe/x.ts", 'import { connect } from "node:tls";\nimport type { Probe } from "../model/probes";'],
      ["bin/commands/x.ts", 'import { emulate } from "../../lib/emulate";\nimport { synth } from "../../lib/azure";'],
      ["lib/lab/x.ts", "// process.env is not read here\nconst s = 'process.exit';"],
    ];
    for (const [file, text] of good) expect({ file, text, found: violations(file, text) }).toEqual({ file, text, found: [] });
  });

  test("lib and bin follow the layer rule", () => {
    const files = sourceFiles(["lib", "bin"]).map((f) => relative(ROOT, f).split("\\").join("/"));
    expect(files.filter((f) => f.startsWith("lib/lab/")).length).toBeGreaterThan(5);
    expect(files.flatMap((f) => violations(f, readFileSync(`${ROOT}/${f}`, "utf8")))).toEqual([]);
  });
});
