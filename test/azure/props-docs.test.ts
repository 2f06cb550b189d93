/**
 * Construct props are documented interfaces (aws-cdk style): every property of an exported `*Props` or `*Settings`
 * interface in lib/azure has a TSDoc comment, and every optional one says its `@default`. This is what the API
 * reference (`npm run docs`, TypeDoc) shows a user.
 */
import { readFileSync } from "node:fs";
import { relative } from "node:path";
import ts from "typescript";
import { ROOT, sourceFiles } from "../helpers";

interface PropDoc {
  readonly where: string;
  readonly documented: boolean;
  readonly optional: boolean;
  readonly hasDefault: boolean;
}

function propsOf(file: string): PropDoc[] {
  const source = ts.createSourceFile(file, readFileSync(file, "utf8"), ts.ScriptTarget.ES2022, true);
  const out: PropDoc[] = [];
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || !/(Props|Settings)$/.test(node.name.text)) return;
    if (!node.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) return;
    for (const member of node.members) {
      if (!ts.isPropertySignature(member)) continue;
      const docs = ts
        .getJSDocCommentsAndTags(member)
        .map((d) => d.getText(source))
        .join("\n");
      out.push({
        where: `${relative(ROOT, file)} ${node.name.text}.${member.name.getText(source)}`,
        documented: docs.trim().length > 0,
        optional: member.questionToken !== undefined,
        hasDefault: /@default\b/.test(docs),
      });
    }
  });
  return out;
}

const props = sourceFiles(["lib/azure"]).flatMap(propsOf);

test("the construct props are found", () => {
  expect(props.filter((p) => /EdgePoolProps|EdgePerimeterNetworkProps|EdgeDnsZonesProps|LabVmSettings/.test(p.where)).length).toBeGreaterThan(15);
});

test("every prop has a TSDoc comment", () => {
  expect(props.filter((p) => !p.documented).map((p) => p.where)).toEqual([]);
});

test("every optional prop documents its @default", () => {
  expect(props.filter((p) => p.optional && !p.hasDefault).map((p) => p.where)).toEqual([]);
});
