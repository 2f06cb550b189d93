/**
 * The documentation's code and links (issue 19): README.md, CONTRIBUTING.md and docs/*.md.
 *
 * - ```yaml blocks are scenario files: the project's own loader (loadScenarioText, what `edge-lab validate` runs) must
 *   accept each without an error. A partial one is marked ```yaml fragment and is then only parsed as YAML.
 * - ```ts blocks are type-checked together in one TypeScript program with the project's compiler options, each as a
 *   module of its own; `edge-lab` and `edge-lab/<path>` imports resolve to the checkout, as in a user's project. A
 *   block that cannot compile alone is marked ```ts fragment and is then only parsed.
 * - ```json blocks must parse.
 * - Shell, text and diagram blocks are not checked; any other language fails, so that no snippet goes unchecked.
 * - Every relative link (and image) points at an existing file, and an #anchor into a Markdown file at one of its
 *   headings.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import ts from "typescript";
import { parseDocument } from "yaml";
import { loadScenarioText } from "../../lib/model/load";
import { ROOT } from "../helpers";

/** The documents: the README, the contributor guide and docs/*.md (docs/api/ is generated TypeDoc output). */
export function documents(root: string = ROOT): string[] {
  const docs = join(root, "docs");
  const inDocs = existsSync(docs)
    ? readdirSync(docs)
        .filter((f) => f.endsWith(".md"))
        .map((f) => join(docs, f))
    : [];
  return [join(root, "README.md"), join(root, "CONTRIBUTING.md"), ...inDocs.sort()];
}

export interface Block {
  file: string;
  /** 1-based line of the opening fence. */
  line: number;
  lang: string;
  flags: string[];
  text: string;
}

/** The fenced code blocks of a Markdown text (``` or ~~~ fences, at most three spaces of indentation). */
export function codeBlocks(file: string, markdown: string): Block[] {
  const lines = markdown.split("\n");
  const blocks: Block[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = /^ {0,3}(`{3,}|~{3,})\s*([^`\s]*)\s*(.*)$/.exec(lines[i]);
    if (!open) continue;
    const fence = open[1];
    const body: string[] = [];
    let j = i + 1;
    while (j < lines.length && !new RegExp(`^ {0,3}${fence[0]}{${fence.length},}\\s*$`).test(lines[j])) body.push(lines[j++]);
    blocks.push({ file, line: i + 1, lang: open[2].toLowerCase(), flags: open[3].split(/\s+/).filter(Boolean), text: body.join("\n") + "\n" });
    i = j;
  }
  return blocks;
}

const YAML = new Set(["yaml", "yml"]);
const TYPESCRIPT = new Set(["ts", "typescript"]);
/** Languages that are shown, not checked: shell sessions, program output, diagrams. */
const UNCHECKED = new Set(["", "bash", "sh", "shell", "console", "text", "mermaid"]);

const where = (b: Block) => `${relative(ROOT, b.file)}:${b.line}`;

/** Why a YAML block fails, or [] when it passes. */
export function yamlProblems(b: Block): string[] {
  if (b.flags.includes("fragment")) {
    const doc = parseDocument(b.text);
    return doc.errors.map((e) => `${where(b)}: YAML fragment does not parse: ${e.message}`);
  }
  // A file name that gives a valid scenario id, as a user's file would.
  const result = loadScenarioText(b.text, "docs-snippet.yaml");
  return result.problems.filter((p) => p.severity === "error").map((p) => `${where(b)}: [${p.rule}] ${p.path}: ${p.message}`);
}

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
export function typeScriptProblems(blocks: Block[]): string[] {
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

/** GitHub's anchor of a heading: lower case, punctuation dropped, spaces to hyphens. */
export function slug(heading: string): string {
  return heading
    .replace(/`/g, "")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, "")
    .replace(/\s/g, "-");
}

/** The anchors of a Markdown file's headings (outside code blocks), with GitHub's -1, -2 for repeated ones. */
export function anchors(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  for (const line of withoutCode(markdown, false).split("\n")) {
    const m = /^ {0,3}#{1,6}\s+(.*?)\s*#*\s*$/.exec(line);
    if (!m) continue;
    const base = slug(m[1]);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

/** The text with fenced blocks (and inline code) blanked, lines kept, so that they yield no links or headings. */
function withoutCode(markdown: string, inline = true): string {
  const lines = markdown.split("\n");
  let fence: string | undefined;
  return lines
    .map((line) => {
      const m = /^ {0,3}(`{3,}|~{3,})/.exec(line);
      if (fence) {
        if (m && m[1][0] === fence[0] && m[1].length >= fence.length) fence = undefined;
        return "";
      }
      if (m) {
        fence = m[1];
        return "";
      }
      return inline ? line.replace(/(`+)[\s\S]*?\1/g, "") : line;
    })
    .join("\n");
}

/** The relative link targets of a Markdown text (inline links and images, and reference definitions), with lines. */
export function relativeLinks(markdown: string): { line: number; target: string }[] {
  const out: { line: number; target: string }[] = [];
  withoutCode(markdown)
    .split("\n")
    .forEach((text, i) => {
      const targets = [...text.matchAll(/\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)].map((m) => m[1]);
      const definition = /^ {0,3}\[[^\]]+\]:\s*<?(\S+?)>?(?:\s|$)/.exec(text);
      if (definition) targets.push(definition[1]);
      for (const target of targets) if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) out.push({ line: i + 1, target });
    });
  return out;
}

/** Targets that may be missing for now (none: every link must resolve). */
const NOT_YET_WRITTEN: ReadonlySet<string> = new Set();

/** Why each broken link of a document is broken. */
export function linkProblems(file: string, markdown: string, allowMissing: ReadonlySet<string> = NOT_YET_WRITTEN): string[] {
  const problems: string[] = [];
  for (const { line, target } of relativeLinks(markdown)) {
    const [path, anchor] = target.split("#", 2) as [string, string | undefined];
    const resolved = path === "" ? file : resolve(dirname(file), decodeURIComponent(path));
    const at = `${relative(ROOT, file)}:${line}: ${target}`;
    if (path === "") {
      if (anchor !== undefined && !anchors(markdown).has(anchor)) problems.push(`${at}: no heading with the anchor #${anchor}`);
      continue;
    }
    if (!existsSync(resolved)) {
      if (!allowMissing.has(relative(ROOT, resolved).split("\\").join("/"))) problems.push(`${at}: no such file`);
      continue;
    }
    if (anchor !== undefined && resolved.endsWith(".md") && statSync(resolved).isFile() && !anchors(readFileSync(resolved, "utf8")).has(anchor)) {
      problems.push(`${at}: no heading with the anchor #${anchor}`);
    }
  }
  return problems;
}

const docs = documents();
const blocks = docs.flatMap((file) => codeBlocks(file, readFileSync(file, "utf8")));

test("the documents are there and hold scenario and TypeScript snippets", () => {
  for (const file of ["README.md", "CONTRIBUTING.md", "docs/scenario.md", "docs/architecture.md"]) expect(docs).toContain(join(ROOT, file));
  expect(blocks.filter((b) => YAML.has(b.lang) && !b.flags.includes("fragment")).length).toBeGreaterThanOrEqual(5);
  expect(blocks.filter((b) => TYPESCRIPT.has(b.lang) && !b.flags.includes("fragment")).length).toBeGreaterThanOrEqual(2);
});

test("every code block is in a checked language, or one that is only shown (shell, text, diagrams)", () => {
  const unknown = blocks.filter((b) => !YAML.has(b.lang) && !TYPESCRIPT.has(b.lang) && b.lang !== "json" && !UNCHECKED.has(b.lang));
  expect(unknown.map((b) => `${where(b)}: \`\`\`${b.lang}`)).toEqual([]);
});

test.each(docs.map((f) => [relative(ROOT, f)]))("every YAML snippet of %s is a valid scenario file (or a parsing fragment)", (name) => {
  const mine = blocks.filter((b) => relative(ROOT, b.file) === name && YAML.has(b.lang));
  expect(mine.flatMap(yamlProblems)).toEqual([]);
});

test("every JSON snippet parses", () => {
  const bad = blocks
    .filter((b) => b.lang === "json")
    .flatMap((b) => {
      try {
        JSON.parse(b.text);
        return [];
      } catch (e) {
        return [`${where(b)}: ${(e as Error).message}`];
      }
    });
  expect(bad).toEqual([]);
});

test("every TypeScript snippet type-checks against the project", () => {
  expect(typeScriptProblems(blocks.filter((b) => TYPESCRIPT.has(b.lang)))).toEqual([]);
}, 180_000);

test.each(docs.map((f) => [relative(ROOT, f)]))("every relative link of %s points at an existing file and heading", (name) => {
  const file = join(ROOT, name);
  expect(linkProblems(file, readFileSync(file, "utf8"))).toEqual([]);
});

describe("the checks catch what they are for", () => {
  const fake = join(ROOT, "docs", "planted.md");
  const block = (lang: string, text: string, flags: string[] = []): Block => ({ file: fake, line: 1, lang, flags, text });

  test("a scenario snippet with a broken rule or an unknown key, and a fragment that is no YAML", () => {
    expect(yamlProblems(block("yaml", "sipDomains: [contoso.com]\nmobilty: true\n")).join("\n")).toMatch(/mobilty.*did you mean "mobility"/);
    expect(yamlProblems(block("yaml", "sipDomains: [contoso.com]\nsites: [{ name: hq, edge: { servers: 13 } }]\n")).join("\n")).toMatch(/LB-05/);
    expect(yamlProblems(block("yaml", "  mobility: true\n", ["fragment"]))).toEqual([]);
    expect(yamlProblems(block("yaml", "a: [b\n", ["fragment"]))).not.toEqual([]);
  });

  test("a TypeScript snippet with a type error, a wrong import, and a fragment that does not parse", () => {
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

  test("links to missing files and headings; external links, code and the one allowed missing file are left alone", () => {
    const text = [
      "# Title",
      "## Some `code` heading (here)",
      "[ok](scenario.md#every-field) [self](#some-code-heading-here) [img](images/scaled-dnslb-nat.png) [web](https://example.com/x)",
      "[gone](nothere.md) [bad anchor](scenario.md#no-such-heading) `[code](nothere.md)` [probe](probe.md)",
      "```",
      "[in a block](nothere.md)",
      "```",
      "[ref]: ../lib/nothere.ts",
    ].join("\n");
    expect(linkProblems(fake, text)).toEqual([
      "docs/planted.md:4: nothere.md: no such file",
      "docs/planted.md:4: scenario.md#no-such-heading: no heading with the anchor #no-such-heading",
      "docs/planted.md:8: ../lib/nothere.ts: no such file",
    ]);
    expect(linkProblems(fake, "[probe](probe.md)", new Set())).toEqual(
      existsSync(join(ROOT, "docs", "probe.md")) ? [] : ["docs/planted.md:1: probe.md: no such file"],
    );
  });

  test("GitHub's heading anchors", () => {
    expect(slug("Rehearsal without Azure: `edge-lab emulate`")).toBe("rehearsal-without-azure-edge-lab-emulate");
    expect(slug("Compose the constructs in your own cdktf app (TypeScript)")).toBe("compose-the-constructs-in-your-own-cdktf-app-typescript");
    expect(slug("The plan (`edge-lab plan --json`)")).toBe("the-plan-edge-lab-plan---json");
    expect([...anchors("# A\n## A\n```\n# B\n```\n")]).toEqual(["a", "a-1"]);
  });
});
