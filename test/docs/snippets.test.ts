/**
 * The documentation's scenario and JSON snippets and its links (issue 19); the TypeScript snippets are type-checked in
 * test/docs/typescript.test.ts. What each check accepts is described in ./markdown.ts.
 */
import { existsSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { ROOT } from "../helpers";
import { anchors, codeBlocks, documents, linkProblems, slug, TYPESCRIPT, UNCHECKED, where, YAML, yamlProblems, type Block } from "./markdown";

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
