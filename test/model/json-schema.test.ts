/**
 * The JSON Schema of the scenario format (edge-lab schema): generated from the zod schema, complete (every field
 * described), committed in schema/scenario.schema.json for editors, accepted by a real JSON Schema validator (Ajv,
 * draft-07, as the YAML language server uses it) on every bundled scenario and refusing what zod refuses in shape;
 * the field table of docs/scenario.md is rendered from the same descriptions; init points new files at it.
 */
import { readFileSync, rmSync } from "node:fs";
import { isIPv4 } from "node:net";
import { dirname, join, resolve } from "node:path";
import Ajv from "ajv";
import { parse } from "yaml";
import { run } from "../../bin/cli";
import {
  FIELD_TABLE_END,
  FIELD_TABLE_START,
  fieldTableMarkdown,
  installedSchemaFile,
  scenarioFields,
  scenarioJsonSchema,
  SCHEMA_FILE,
} from "../../lib/model/json-schema";
import { bundledScenarioFiles, ROOT } from "../helpers";

const schema = scenarioJsonSchema();
// The one string format zod writes into the schema; checked as the YAML language server would check it.
const validate = new Ajv({ strict: false, allErrors: true, formats: { ipv4: { validate: (s: string) => isIPv4(s) } } }).compile(schema);

test("the committed schema file is the generated one (regenerate: npx edge-lab schema --out schema/scenario.schema.json)", () => {
  expect(readFileSync(join(ROOT, SCHEMA_FILE), "utf8")).toBe(JSON.stringify(schema, null, 2) + "\n");
  expect(installedSchemaFile()).toBe(join(ROOT, SCHEMA_FILE));
});

test("every field of the format is described (the one place that documents it), with its default where it has one", () => {
  const fields = scenarioFields();
  expect(fields.length).toBeGreaterThan(80);
  expect(fields.filter((f) => f.description.length < 10).map((f) => f.path)).toEqual([]);
  const byPath = new Map(fields.map((f) => [f.path, f]));
  expect(byPath.get("sites[].edge.servers")).toMatchObject({ type: "integer | list of object", default: "1" });
  expect(byPath.get("lab.mode")?.default).toBe('"closed"');
  expect(byPath.get("sites[].edge.fqdns.access")?.default).toBe("sip.<primary SIP domain>");
});

test.each(bundledScenarioFiles())("%s satisfies the JSON Schema and names it for editors", (file) => {
  const text = readFileSync(file, "utf8");
  expect(text.split("\n")[0]).toBe("# yaml-language-server: $schema=../schema/scenario.schema.json");
  const ok = validate(parse(text));
  expect(validate.errors ?? []).toEqual([]);
  expect(ok).toBe(true);
});

test.each([
  ["an unknown key", "sipDomains: [contoso.com]\nmobilty: true\n", "additionalProperties"],
  ["a wrong type", "sipDomains: contoso.com\n", "type"],
  ["a value outside an enum", "sipDomains: [contoso.com]\nlab: { mode: public }\n", "enum"],
  ["no SIP domain", "mobility: true\n", "required"],
  ["an address that is not IPv4", "sipDomains: [contoso.com]\nsites: [{ name: hq, frontEndPool: { address: 10.0.0.300 } }]\n", "format"],
])("the JSON Schema refuses %s, as validate does", async (_what, text, keyword) => {
  expect(validate(parse(text))).toBe(false);
  expect(validate.errors!.map((e) => e.keyword)).toContain(keyword);
});

test("the field table of docs/scenario.md is the generated one (regenerate: npx edge-lab schema --markdown)", () => {
  const readme = readFileSync(join(ROOT, "docs", "scenario.md"), "utf8");
  const start = readme.indexOf(FIELD_TABLE_START);
  const end = readme.indexOf(FIELD_TABLE_END);
  expect(start).toBeGreaterThan(0);
  expect(readme.slice(start, end + FIELD_TABLE_END.length) + "\n").toBe(fieldTableMarkdown());
  expect(fieldTableMarkdown()).toContain(
    "| `sites[].edge.fqdns.access` | string | External FQDN of the Access Edge service. | sip.&lt;primary SIP domain&gt; |",
  );
});

test("edge-lab schema prints the schema and the table", async () => {
  let out = "";
  expect(await run(["schema"], { out: (t) => (out += t), err: () => undefined })).toBe(0);
  expect(JSON.parse(out)).toEqual(schema);
  out = "";
  expect(await run(["schema", "--markdown"], { out: (t) => (out += t), err: () => undefined })).toBe(0);
  expect(out).toBe(fieldTableMarkdown());
});

test("edge-lab init writes the YAML language server's modeline pointing at the schema file", async () => {
  const dir = join(ROOT, "dist", `.schema-test-${process.pid}`);
  const file = join(dir, "nested", "lab.yaml");
  try {
    expect(await run(["init", file, "--yes", "--sip-domain", "fabrikam.com"], { out: () => undefined, err: () => undefined })).toBe(0);
    const first = readFileSync(file, "utf8").split("\n")[0];
    const m = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
    expect(m).not.toBeNull();
    expect(resolve(dirname(file), m![1])).toBe(join(ROOT, SCHEMA_FILE));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test("init comments a field with the first sentence of its description", async () => {
  const dir = join(ROOT, "dist", `.schema-summary-${process.pid}`);
  const file = join(dir, "lab.yaml");
  try {
    expect(await run(["init", file, "--yes", "--sip-domain", "fabrikam.com", "--mobility"], { out: () => undefined, err: () => undefined })).toBe(0);
    const line = readFileSync(file, "utf8")
      .split("\n")
      .find((l) => l.startsWith("mobility:"));
    expect(line).toBe("mobility: true # Mobility / Autodiscover (lyncdiscover and lyncdiscoverinternal records, reverse proxy publishing).");
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
