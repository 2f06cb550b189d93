/**
 * The documentation's TypeScript snippets type-check against the project (issue 19): every ```ts block of README.md,
 * CONTRIBUTING.md and docs/*.md, together in one TypeScript program with the project's compiler options, each as a
 * module of its own, `edge-lab` and `edge-lab/<path>` imports resolved to the checkout as in a user's project. A block
 * that cannot compile alone is marked ```ts fragment and is then only parsed. The program reads the whole project's
 * types (lib/, cdktf, the provider): a build, so it runs in the system project (issue 20), not in the edit loop.
 */
import { readFileSync } from "node:fs";
import { join, relative, resolve } from "node:path";
import ts from "typescript";
import { ROOT } from "../helpers";
import { codeBlocks, documents, TYPESCRIPT, where, type Block } from "./markdown";

/** The project's compiler options, for snippets: no output, `edge-lab/*` mapped to the checkout, every file a module. */
function snippetCompilerOptions(): ts.CompilerOptions {
  const configFile = join(ROOT, "tsconfig.json");
  const { config, error } = ts.readConfigFile(configFile, (f) => ts.sys.readFile(f));
  if (error) throw new Error(ts.flattenDiagnosticMessageText(error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(config, ts.sys, ROOT, undefined, configFile);
  return {
    ...parsed.options,
    noEmit: true,
    declaration: false,
    // A snippet may show a value without using it.
    noUnusedLocals: false,
    noUnusedParameters: false,
    moduleDetection: ts.ModuleDetectionKind.Force,
    baseUrl: ROOT,
    // The package's public entry (package.json "exports") is lib/index.ts in the checkout.
    paths: { "edge-lab": ["lib/index.ts"], "edge-lab/*": ["*"] },
    types: ["node"],
  };
}

/** Type-check TypeScript blocks in one program; the diagnostics, each naming the document and line. */
function typeScriptProblems(blocks: Block[]): string[] {
  const problems: string[] = [];
  const virtual = new Map<string, Block>();
  for (const b of blocks) {
    if (b.flags.includes("fragment")) {
      const source = ts.createSourceFile("fragment.ts", b.text, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
      const syntax = (source as unknown as { parseDiagnostics: ts.Diagnostic[] }).parseDiagnostics ?? [];
      for (const d of syntax) problems.push(`${where(b)}: TypeScript fragment does not parse: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    } else {
      // Inside the checkout (so node_modules resolves), under a name no real file has.
      virtual.set(join(ROOT, ".docs-snippets", `${relative(ROOT, b.file).replace(/[/\\.]/g, "_")}_${b.line}.ts`), b);
    }
  }
  if (virtual.size === 0) return problems;
  const options = snippetCompilerOptions();
  const host = ts.createCompilerHost(options, true);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => virtual.has(resolve(f)) || fileExists.call(host, f);
  host.readFile = (f) => virtual.get(resolve(f))?.text ?? readFile.call(host, f);
  host.getSourceFile = (f, languageVersion, onError, shouldCreate) => {
    const b = virtual.get(resolve(f));
    return b ? ts.createSourceFile(f, b.text, languageVersion, true, ts.ScriptKind.TS) : getSourceFile.call(host, f, languageVersion, onError, shouldCreate);
  };
  const program = ts.createProgram([...virtual.keys()], options, host);
  for (const [name, b] of virtual) {
    const source = program.getSourceFile(name)!;
    for (const d of [...program.getSyntacticDiagnostics(source), ...program.getSemanticDiagnostics(source)]) {
      const line = d.start === undefined ? 0 : source.getLineAndCharacterOfPosition(d.start).line;
      problems.push(`${relative(ROOT, b.file)}:${b.line + 1 + line}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
    }
  }
  return problems;
}

const blocks = documents().flatMap((file) => codeBlocks(file, readFileSync(file, "utf8")));

test("every TypeScript snippet type-checks against the project", () => {
  expect(typeScriptProblems(blocks.filter((b) => TYPESCRIPT.has(b.lang)))).toEqual([]);
}, 180_000);

test("the check catches a type error and a wrong import, and a fragment that does not parse", () => {
  const fake = join(ROOT, "docs", "planted.md");
  const block = (lang: string, text: string, flags: string[] = []): Block => ({ file: fake, line: 1, lang, flags, text });
  const problems = typeScriptProblems([
    block(
      "ts",
      'import { planFromProps } from "edge-lab/lib/model/load";\nconst n: number = planFromProps({ id: "x1", sipDomains: ["contoso.com"] }).scenario.id;\n',
    ),
    { ...block("ts", 'import { NoSuchThing } from "edge-lab/lib/azure";\nnew NoSuchThing();\n'), line: 20 },
    block("ts", "const x = ;\n", ["fragment"]),
    block("ts", "stack.node;\n", ["fragment"]),
  ]);
  expect(problems).toEqual([
    expect.stringMatching(/^docs\/planted\.md:1: TypeScript fragment does not parse/),
    expect.stringMatching(/^docs\/planted\.md:3: TS2322 Type 'string' is not assignable to type 'number'/),
    expect.stringMatching(/^docs\/planted\.md:21: TS2305 Module '"edge-lab\/lib\/azure"' has no exported member 'NoSuchThing'/),
  ]);
}, 180_000);
