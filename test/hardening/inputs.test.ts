/**
 * Hostile input that reaches edge-lab's writers or resources (issue 12, "Injection, escape and data loss"):
 * Terraform / cdktf markers in every string field of the schema, free text that must never reach Terraform, FIFOs
 * and devices as scenario files, a git blob over the size limit, YAML built to exhaust the parser, and huge lists of
 * duplicates. Each is refused with file, field or line and a rule id, quickly, without a stack trace.
 */
import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type * as z from "zod";
import { run } from "../../bin/cli";
import { synthesizeToJson } from "../../lib/azure/synthesize";
import { MAX_SCENARIO_BYTES, formatPath, loadScenarioFile, loadScenarioText } from "../../lib/model/load";
import { ScenarioSchema } from "../../lib/model/schema";

const dir = mkdtempSync(join(tmpdir(), "edge-lab-inputs-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function cli(args: string[], cwd?: string) {
  let out = "";
  let err = "";
  const before = process.cwd();
  if (cwd) process.chdir(cwd);
  try {
    const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t) });
    return { code, out, err };
  } finally {
    process.chdir(before);
  }
}

const STACK_FRAME = /^\s+at .+(\(|:\d+:\d+)/m;

type Path = (string | number)[];

/** Every path of the schema where a string is accepted (array elements as index 0, every union option). */
function stringPaths(schema: z.ZodType, path: Path = [], out: Path[] = []): Path[] {
  const def = (schema as unknown as { _zod: { def: Record<string, any> } })._zod.def;
  switch (def.type) {
    case "string":
    case "enum":
    case "literal":
      if (def.type !== "literal" || def.values.some((v: unknown) => typeof v === "string")) out.push(path);
      break;
    case "object":
      for (const [key, child] of Object.entries(def.shape)) stringPaths(child as z.ZodType, [...path, key], out);
      break;
    case "array":
      stringPaths(def.element, [...path, 0], out);
      break;
    case "union":
      for (const option of def.options) stringPaths(option, path, out);
      break;
    case "optional":
    case "default":
    case "prefault":
    case "nullable":
      stringPaths(def.innerType, path, out);
      break;
    case "pipe":
      stringPaths(def.in, path, out);
      break;
  }
  return out;
}

/** A scenario with `value` at `path` (intermediate objects and lists created). */
function withValueAt(path: Path, value: unknown): Record<string, unknown> {
  const root: Record<string, unknown> = { id: "hostile", sipDomains: ["contoso.com"] };
  let node: any = root;
  path.forEach((seg, i) => {
    if (i === path.length - 1) {
      node[seg] = value;
      return;
    }
    const next = path[i + 1];
    if (node[seg] === undefined || typeof node[seg] !== "object") node[seg] = typeof next === "number" ? [] : {};
    node = node[seg];
  });
  return root;
}

describe("Terraform and cdktf markers in every string field of the schema (LAB-TEXT-01)", () => {
  const paths = [...new Map(stringPaths(ScenarioSchema).map((p) => [formatPath(p), p])).values()];

  test("the walk finds the schema's string fields", () => {
    const names = paths.map((p) => formatPath(p));
    expect(names.length).toBeGreaterThan(40);
    expect(names).toEqual(
      expect.arrayContaining([
        "title",
        "description",
        "lab.timezone",
        "lab.region",
        "lab.vmSize",
        "lab.adminSourceCidr",
        "sites[0].name",
        "sites[0].edge.fqdns.access",
        "federation.sip.allowedDomains[0].domain",
        "sites[0].reverseProxy.simpleUrls.meet[0]",
      ]),
    );
  });

  const hostile = ['${file("/etc/passwd")}', "%{ for x in y }x%{ endfor }", "${TfToken[TOKEN.7]}", "#{TfToken[TOKEN.3]}"];
  describe.each(paths.map((p) => [formatPath(p), p] as const))("%s", (name, path) => {
    test.each(hostile)("refuses %s", (value) => {
      const result = loadScenarioText(JSON.stringify(withValueAt(path, value)), "hostile.yaml");
      expect(result.ok).toBe(false);
      expect(result.problems).toContainEqual(expect.objectContaining({ rule: "LAB-TEXT-01", path: name, file: "hostile.yaml", line: expect.any(Number) }));
    });
  });
});

test("free text (title, description) never reaches Terraform; the time zone does, validated", () => {
  const result = loadScenarioText(
    "sipDomains: [contoso.com]\ntitle: 'Title-7f3a <b>bold</b> #> $(calc)'\ndescription: |\n  Description-91c2\n  second line\nlab: {timezone: Tokyo Standard Time}\n",
    "text.yaml",
  );
  expect(result.problems.filter((p) => p.severity === "error")).toEqual([]);
  const json = JSON.stringify(synthesizeToJson(result.plan!));
  expect(json).not.toContain("Title-7f3a");
  expect(json).not.toContain("Description-91c2");
  expect(json).toContain('"timezone":"Tokyo Standard Time"');
});

describe("scenario files that are not regular files", () => {
  test("a FIFO is refused at once, without waiting for a writer", async () => {
    const fifo = join(dir, "scenario.fifo");
    execFileSync("mkfifo", [fifo]);
    const started = Date.now();
    const { code, err } = await cli(["validate", fifo]);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(code).toBe(1);
    expect(err).toContain(`${fifo}: error [FILE] is not a regular file (a FIFO); give a scenario file`);
  });

  test.each(["/dev/zero", "/dev/urandom", "/dev/null"])("the device %s is refused (also through a symlink)", async (device) => {
    const link = join(dir, `link-${device.replace(/\W/g, "")}.yaml`);
    symlinkSync(device, link);
    for (const file of [device, link]) {
      const result = loadScenarioFile(file);
      expect(result.problems).toEqual([expect.objectContaining({ rule: "FILE", file, message: "is not a regular file (a device); give a scenario file" })]);
    }
    const { code, err } = await cli(["plan", link]);
    expect(code).toBe(1);
    expect(err).not.toMatch(STACK_FRAME);
  });

  test("a directory is refused", () => {
    expect(loadScenarioFile(dir).problems).toEqual([expect.objectContaining({ rule: "FILE", message: "is a directory, not a scenario file" })]);
  });
});

describe("diff <rev>:<path> reads git blobs with the same limits", () => {
  const repo = join(dir, "repo");
  beforeAll(() => {
    mkdirSync(join(repo, "scenarios"), { recursive: true });
    const git = (...args: string[]) => execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: repo, stdio: "pipe" });
    git("init", "-q");
    writeFileSync(join(repo, "scenarios", "big.yaml"), `sipDomains: [contoso.com]\n# ${"x".repeat(MAX_SCENARIO_BYTES)}\n`);
    writeFileSync(join(repo, "scenarios", "ok.yaml"), "sipDomains: [contoso.com]\n");
    git("add", ".");
    git("commit", "-qm", "scenarios");
  });

  test("a blob over the size limit is refused before it is read", async () => {
    const { code, err } = await cli(["diff", "--no-terraform", "HEAD:scenarios/big.yaml", "scenarios/ok.yaml"], repo);
    expect(code).toBe(1);
    expect(err).toContain(
      `HEAD:scenarios/big.yaml: error [FILE] the file is ${MAX_SCENARIO_BYTES + 29} bytes; scenario files are limited to ${MAX_SCENARIO_BYTES} bytes`,
    );
  });

  test("a tree is refused", async () => {
    const { code, err } = await cli(["diff", "--no-terraform", "HEAD:scenarios", "scenarios/ok.yaml"], repo);
    expect(code).toBe(1);
    expect(err).toContain("HEAD:scenarios: error [FILE] is a directory (git tree), not a scenario file");
  });
});

describe("YAML built to exhaust the parser, under the size limit: refused in well under 2 s", () => {
  const keysInOneMap = `sipDomains: [contoso.com]\nx:\n${Array.from({ length: 90000 }, (_, i) => `  ${i.toString(36)}: 1`).join("\n")}\n`;
  const flowKeys = `sipDomains: [contoso.com]\nx: {${Array.from({ length: 60000 }, (_, i) => `k${i}: 1`).join(", ")}}\n`;
  let anchors = "sipDomains: [contoso.com]\n";
  for (let i = 0; anchors.length < 790000; i++) anchors += `a${i}: &a${i} {v: ${i > 0 ? `*a${i - 1}` : 1}}\n`;
  const aliasFanOut = `sipDomains: [contoso.com]\nx: &a [${Array(9000).fill("1").join(",")}]\ny: [${Array(19).fill("*a").join(", ")}]\n`;
  const deepFlow = `sipDomains: [contoso.com]\nx: ${"[".repeat(100000)}${"]".repeat(100000)}\n`;
  const deepBlock = `sipDomains: [contoso.com]\n${Array.from({ length: 400 }, (_, i) => `${" ".repeat(i)}k${i}:`).join("\n")} 1\n`;
  const scalars = `sipDomains: [contoso.com]\nx: [${Array(60000).fill("a").join(",")}]\n`;
  const cases: [string, string, RegExp][] = [
    ["90,000 keys in one mapping", keysInOneMap, /YAML: more than 2000 keys/],
    ["60,000 keys in one flow mapping", flowKeys, /YAML: more than 2000 keys/],
    ["a chain of anchors and aliases", anchors, /YAML: more than 20 anchors/],
    ["aliases of a large anchor", aliasFanOut, /unknown keys "x", "y"/],
    ["brackets 100,000 deep", deepFlow, /YAML: brackets nested more than 32 deep/],
    ["a mapping 400 levels deep", deepBlock, /YAML: a line indented by more than 128 columns/],
    ["60,000 values", scalars, /YAML: more than 10000 values/],
  ];
  test.each(cases)("%s", async (_name, content, message) => {
    expect(Buffer.byteLength(content)).toBeLessThanOrEqual(MAX_SCENARIO_BYTES);
    const file = join(dir, `bomb-${_name.replace(/\W+/g, "-")}.yaml`);
    writeFileSync(file, content);
    for (const command of ["validate", "plan"]) {
      const started = Date.now();
      const { code, err } = await cli([command, file]);
      expect(Date.now() - started).toBeLessThan(1500);
      expect(code).toBe(1);
      expect(err).toMatch(message);
      expect(err).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}(:\\d+:\\d+)?: error \\[(YAML|SCHEMA)\\]`, "m"));
      expect(err).not.toMatch(STACK_FRAME);
    }
  });
});

test("5,000 copies of one meet URL are refused without exhausting the stack", async () => {
  const file = join(dir, "meet-5000.yaml");
  writeFileSync(
    file,
    `sipDomains: [contoso.com]\nsites:\n  - name: hq\n    reverseProxy:\n      simpleUrls:\n        meet: [${Array(5000).fill("meet.contoso.com").join(", ")}]\n`,
  );
  const { code, err } = await cli(["validate", file]);
  expect(code).toBe(1);
  expect(err).toContain("sites[0].reverseProxy.simpleUrls.meet: at most 20 entries");
  expect(err).not.toMatch(/call stack/);
});
