/**
 * Loading scenario files: shape and format errors (SCHEMA, YAML, FILE) with field paths and line/column, the
 * problem format, and the CLI `validate` / `plan` commands driven in-process.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../bin/cli";
import { MAX_SCENARIO_BYTES, ScenarioError, formatProblem, idFromFileName, loadScenarioFile, planFromProps, type LoadResult } from "../../lib/model/load";
import type { Problem } from "../../lib/model/rules";
import { badCases } from "../hardening/corpus";
import { bundledScenarioFiles, load } from "../helpers";

const dir = mkdtempSync(join(tmpdir(), "edge-lab-load-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function cli(args: string[]) {
  let out = "";
  let err = "";
  const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

/** The only problem of a result (fails with the whole list otherwise). */
function only(result: LoadResult): Problem {
  expect(result.problems.map((p) => `[${p.rule}] ${p.path}: ${p.message}`)).toHaveLength(1);
  expect(result.ok).toBe(false);
  return result.problems[0];
}

describe("unknown keys", () => {
  test("point at the key: path of the enclosing object, line and column of the key", () => {
    const p = only(load("sipDomains: [contoso.com]\nsites:\n  - name: hq\n    edge:\n      servers: 2\n      loadBlancing: dns\n"));
    expect(p).toMatchObject({ rule: "SCHEMA", path: "sites[0].edge", line: 6, column: 7, file: "test.yaml" });
    expect(p.message).toBe('unknown key "loadBlancing": did you mean "loadBalancing"? (see the scenario format in docs/scenario.md)');
  });

  test("several unknown keys at the top level are named together, located at the first", () => {
    const p = only(load("sipDomains: [contoso.com]\nfoo: 1\nbar: 2\n"));
    expect(p).toMatchObject({ rule: "SCHEMA", path: "", line: 2, column: 1 });
    expect(p.message).toMatch(/^unknown keys "foo", "bar"/);
  });

  test("inside a list item", () => {
    const p = only(load("sipDomains: [contoso.com]\nsites:\n  - name: hq\n    edge:\n      servers:\n        - name: edge01\n          nic: 2\n"));
    expect(p).toMatchObject({ path: "sites[0].edge.servers[0]", line: 7, column: 11 });
  });
});

describe("wrong types and out-of-range values", () => {
  test.each([
    ["sipDomains: contoso.com\n", "sipDomains", /^expected a list of DNS domain names, not a text; e\.g\. sipDomains: \[contoso\.com\]$/, 1, 13],
    ['sipDomains: [contoso.com]\nmobility: "yes"\n', "mobility", /expected true, false or \{ push: true \| false \}/, 2, 11],
    ["sipDomains: [contoso.com]\ntitle: 5\n", "title", /^expected a text, not a number; e\.g\. title: "\.\.\."$/, 2, 8],
    ["sipDomains: [contoso.com]\nproduct: lync2010\n", "product", /expected "sfbse", "sfb2019", "sfb2015" or "lync2013"/, 2, 10],
    [
      "sipDomains: [contoso.com]\nsites: [{name: hq, edge: {servers: two}}]\n",
      "sites[0].edge.servers",
      /expected a server count .* or a list of servers/,
      2,
      36,
    ],
    [
      "sipDomains: [contoso.com]\nsites: [{name: hq, edge: {loadBalancing: banana}}]\n",
      "sites[0].edge.loadBalancing",
      /expected "dns", "hardware" or \{ external/,
      2,
      42,
    ],
    ["sipDomains: [contoso.com]\nsites: [{name: hq, edge: {servers: 0}}]\n", "sites[0].edge.servers", /at least one Edge Server is needed/, 2, 36],
    [
      "sipDomains: [contoso.com]\nsites: [{name: hq, edge: {servers: 65}}]\n",
      "sites[0].edge.servers",
      /at most 64 Edge Servers; 12 is the supported maximum per pool \(LB-05\)/,
      2,
      36,
    ],
    [
      "sipDomains: [contoso.com]\nsites: [{name: hq, edge: {ports: {access: 70000}}}]\n",
      "sites[0].edge.ports.access",
      /expected a TCP port number \(1-65535\)/,
      2,
      43,
    ],
    [
      "sipDomains: [contoso.com]\nsites: [{name: hq, edge: {ports: {access: 0}}}]\n",
      "sites[0].edge.ports.access",
      /expected a TCP port number \(1-65535\)/,
      2,
      43,
    ],
    ["sipDomains: [contoso.com]\nsites: []\n", "sites", /at least one site is needed/, 2, 8],
    ["sipDomains: []\n", "sipDomains", /at least one SIP domain is required/, 1, 13],
    ["sipDomains: [contoso.com]\nsites: [{name: HQ}]\n", "sites[0].name", /site names are 1-8 lower-case letters or digits/, 2, 16],
    [
      "sipDomains: [contoso.com]\nsites: [{name: hq, director: {loadBalancing: round-robin}}]\n",
      "sites[0].director.loadBalancing",
      /expected "dns-hlb" or "hlb"/,
      2,
      46,
    ],
    ["sipDomains: [contoso.com]\nlab: {autoShutdown: 7pm}\n", "lab.autoShutdown", /./, 2, 21],
    [
      "sipDomains: [contoso.com]\nsites: [{name: hq, network: {internalNetworks: []}}]\n",
      "sites[0].network.internalNetworks",
      /NET-03 needs at least one internal network/,
      2,
      48,
    ],
  ])("%j -> %s", (text, path, message, line, column) => {
    const p = only(load(text));
    expect(p).toMatchObject({ severity: "error", rule: "SCHEMA", path, line, column });
    expect(p.message).toMatch(message);
  });

  test("every shape error of a file is reported, not just the first, in file order", () => {
    const result = load('sipDomains: [contoso.com]\ntitle: 5\nmobility: "yes"\nsites: [{name: hq, edge: {servers: 0, ipMode: dual}}]\n');
    expect(result.problems.map((p) => p.path)).toEqual(["title", "mobility", "sites[0].edge.servers", "sites[0].edge.ipMode"]);
  });

  test("a top-level list or scalar is not a scenario", () => {
    expect(only(load("- sipDomains: [contoso.com]\n"))).toMatchObject({
      rule: "SCHEMA",
      path: "",
      line: 1,
      column: 1,
      message: "the file is not a scenario: it holds a list, not a mapping of scenario fields such as sipDomains: [contoso.com]; its content is not shown",
    });
    expect(only(load("just a string\n")).message).toBe(
      "the file is not a scenario: it holds a text, not a mapping of scenario fields such as sipDomains: [contoso.com]; its content is not shown",
    );
  });
});

describe("union and object fields: the path of the bad element and what is expected, in words, with an example (issue 22)", () => {
  test.each([
    [
      "hybrid: true",
      "sipDomains: [contoso.com]\nhybrid: true\n",
      "hybrid",
      "expected a mapping of tenantDomains, phase, voice, online, not true; e.g. hybrid: { tenantDomains: [contoso.com] }",
    ],
    [
      "a bad entry of federation.sip.allowedDomains",
      "sipDomains: [contoso.com]\nfederation:\n  sip:\n    allowedDomains: [fabrikam.com, 3]\n",
      "federation.sip.allowedDomains[1]",
      "expected a DNS domain name or a mapping of domain, accessEdgeFqdn, not a number; e.g. contoso.com",
    ],
    [
      "federation.sip: 3",
      "sipDomains: [contoso.com]\nfederation: {sip: 3}\n",
      "federation.sip",
      /^expected true or false or a mapping of enabled, partnerDiscovery, allowedDomains, blockedDomains, not a number; e\.g\. sip: true$/,
    ],
    [
      "a bad XMPP partner",
      "sipDomains: [contoso.com]\nfederation: {xmpp: {partners: [1]}}\n",
      "federation.xmpp.partners[0]",
      "expected a DNS domain name such as contoso.com",
    ],
    ["mobility.push: 3", "sipDomains: [contoso.com]\nmobility: {push: 3}\n", "mobility.push", "expected true or false, not a number; e.g. push: true"],
    [
      "an Edge that is a number",
      "sipDomains: [contoso.com]\nsites: [{name: hq, edge: 3}]\n",
      "sites[0].edge",
      /^expected a mapping of servers, loadBalancing, externalAddressing, ipMode, \.\.\., not a number; e\.g\. edge: \{ servers: 1 \}$/,
    ],
    [
      "a server list entry that is a number",
      "sipDomains: [contoso.com]\nsites: [{name: hq, edge: {servers: [{name: edge01}, 3]}}]\n",
      "sites[0].edge.servers[1]",
      /^expected a mapping of name, internal, external, not a number; e\.g\. \{ name: lsedge01 \}$/,
    ],
    [
      "loadBalancing: {external: dns}",
      "sipDomains: [contoso.com]\nsites: [{name: hq, edge: {loadBalancing: {external: dns}}}]\n",
      "sites[0].edge.loadBalancing.internal",
      /^required: expected "dns" or "hardware"$/,
    ],
    [
      "autoShutdown: true",
      "sipDomains: [contoso.com]\nlab: {autoShutdown: true}\n",
      "lab.autoShutdown",
      /^expected a time such as "19:00" or false, not true; e\.g\. autoShutdown: "19:00"$/,
    ],
    [
      "officeWebApps: 'yes'",
      "sipDomains: [contoso.com]\nsites: [{name: hq, reverseProxy: {officeWebApps: 'yes'}}]\n",
      "sites[0].reverseProxy.officeWebApps",
      /^expected true or false or a mapping of fqdn, address, not a text; e\.g\. officeWebApps: true$/,
    ],
    ["no sipDomains", "title: x\n", "sipDomains", "required: expected a list of DNS domain names; e.g. sipDomains: [contoso.com]"],
    [
      "an unknown key in the mapping form of mobility",
      "sipDomains: [contoso.com]\nmobility: {push: true, pus: true}\n",
      "mobility",
      /^unknown key "pus": did you mean "push"\?/,
    ],
    [
      "an unknown key in the mapping form of loadBalancing",
      "sipDomains: [contoso.com]\nsites: [{name: hq, edge: {servers: 2, loadBalancing: {external: dns, internal: dns, vip: x}}}]\n",
      "sites[0].edge.loadBalancing",
      /^unknown key "vip"/,
    ],
  ])("%s", (_, text, path, message) => {
    const p = only(load(text));
    expect(p).toMatchObject({ rule: "SCHEMA", path });
    expect(p.message).toEqual(typeof message === "string" ? message : expect.stringMatching(message));
    expect(p.message).not.toMatch(/Invalid input|received/);
  });
});

test("no problem of the malformed-input corpus carries zod's raw texts (types, Invalid input, Too big)", () => {
  const raw = badCases()
    .flatMap((c) => load(typeof c.content === "string" ? c.content : c.content.toString("utf8"), `${c.name}.yaml`).problems)
    .map((p) => `[${p.rule}] ${p.path}: ${p.message}`)
    .filter((line) => /Invalid input|Invalid option|received|Too (big|small)|expected (object|array|string|number|boolean)\b/.test(line));
  expect(raw).toEqual([]);
});

describe("a file that is not a scenario is named, its content never shown (issue 18)", () => {
  const HASH = "$6$abcdEFGH$Zm9vYmFyYmF6cXV4aGFzaGhhc2hoYXNo0123456789abcdefghijklmnopqrstu";
  const shadow = `root:${HASH}:19000:0:99999:7:::\ndaemon:*:19000:0:99999:7:::\nbin:*:19000:0:99999:7:::\nwww-data:!:19000:0:99999:7:::\n`;

  test("a shadow-like file: the file and the problem, not the hash, in validate and plan", async () => {
    const path = file("shadow", shadow);
    const validate = await cli(["validate", path]);
    const plan = await cli(["plan", path]);
    for (const r of [validate, plan]) {
      expect(r.code).toBe(1);
      expect(r.out + r.err).not.toContain("abcdEFGH");
      expect(r.out + r.err).not.toContain("19000");
      expect(r.out + r.err).not.toContain("daemon");
    }
    expect(validate.err).toContain(
      `${path}:1:1: error [SCHEMA] the file is not a scenario: none of its 4 top-level keys is a scenario field (such as sipDomains, sites, federation); its content is not shown`,
    );
  });

  test.each([
    ["a mapping of unknown keys", "user: admin\npassword: hunter2\n", "none of its 2 top-level keys is a scenario field"],
    [
      "a mapping of mostly unknown keys",
      "sipDomains: [contoso.com]\nk1: hunter2\nk2: hunter2\nk3: hunter2\nk4: hunter2\nk5: hunter2\n",
      "5 of its 6 top-level keys are not scenario fields",
    ],
    ["a number", "42\n", "it holds a number"],
  ])("%s", (_, text, message) => {
    const result = load(text);
    const p = only(result);
    expect(p.message).toContain(message);
    expect(p.message).toContain("its content is not shown");
    expect(p.message).not.toMatch(/hunter2|admin|42/);
  });

  test("a scenario with one misspelt or unknown key still names that key", () => {
    expect(only(load("sipDomains: [contoso.com]\nmobilty: true\n")).message).toMatch(/^unknown key "mobilty": did you mean "mobility"\?/);
    expect(only(load("sipDomains: [contoso.com]\npassword: x\n")).message).toMatch(/^unknown key "password"/);
  });

  test("an unknown key that is no field name is not echoed", () => {
    const p = only(load(`sipDomains: [contoso.com]\nroot:${HASH}: 1\n`));
    expect(p.message).toBe("unknown key (a key that is no field name, not shown) (see the scenario format in docs/scenario.md)");
  });
});

describe("addresses and CIDR blocks", () => {
  const network = (field: string, value: string) => load(`sipDomains: [contoso.com]\nsites:\n  - name: hq\n    network:\n      ${field}: ${value}\n`);

  test("host bits set: suggests the network address", () => {
    const p = only(network("perimeterExternal", "10.45.16.5/24"));
    expect(p).toMatchObject({ rule: "SCHEMA", path: "sites[0].network.perimeterExternal", line: 5, column: 26 });
    expect(p.message).toBe('"10.45.16.5/24" has host bits set; did you mean 10.45.16.0/24?');
  });

  test.each([
    ["10.45.16.0", /is not an IPv4 CIDR block such as 10.45.16.0\/24/],
    ["10.45.16.0/33", /prefix length must be 0-32/],
    ["10.45.256.0/24", /is not an IPv4 CIDR block/],
    ["fe80::/64", /is not an IPv4 CIDR block/],
  ])("%s is rejected", (value, message) => {
    const p = only(network("publicRange", `"${value}"`));
    expect(p).toMatchObject({ rule: "SCHEMA", path: "sites[0].network.publicRange" });
    expect(p.message).toMatch(message);
  });

  test.each(["192.168.10.256", "192.168.010.20", "1.2.3", "::1", "192.168.10.20/32"])("IPv4 address %s is rejected", (value) => {
    const p = only(load(`sipDomains: [contoso.com]\nsites: [{name: hq, frontEndPool: {address: "${value}"}}]\n`));
    expect(p).toMatchObject({ rule: "SCHEMA", path: "sites[0].frontEndPool.address", message: "expected an IPv4 address such as 10.45.16.10" });
  });

  test("a valid address and CIDR block are accepted (the neighbour of the cases above)", () => {
    const result = load("sipDomains: [contoso.com]\nsites: [{name: hq, frontEndPool: {address: 192.168.10.25}, network: {publicRange: 131.107.155.0/24}}]\n");
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
  });
});

describe("broken files", () => {
  test.each(["", "\n\n", "# only a comment\n", "---\n", "~\n"])("empty file %j", (text) => {
    expect(only(load(text))).toMatchObject({ rule: "YAML", path: "", message: "the file is empty; a scenario needs at least sipDomains" });
  });

  test("truncated YAML: syntax error with line and column", () => {
    const p = only(load("sipDomains: [contoso.com]\nsites:\n  - name: hq\n    edge: {servers: 2\n"));
    expect(p.rule).toBe("YAML");
    expect(p.message).toMatch(/^YAML syntax: /);
    expect(p.line).toBeGreaterThanOrEqual(4);
    expect(p.column).toBeGreaterThan(0);
  });

  test("tab indentation: syntax error at the tab", () => {
    const p = only(load("sipDomains: [contoso.com]\nsites:\n\t- name: hq\n"));
    expect(p).toMatchObject({ rule: "YAML", line: 3, column: 1 });
    expect(p.message).toMatch(/^YAML syntax: .*[Tt]ab/);
  });

  test("several YAML documents in one file", () => {
    const p = only(load("sipDomains: [contoso.com]\n---\nsipDomains: [fabrikam.com]\n"));
    expect(p).toMatchObject({
      rule: "YAML",
      line: 2,
      column: 1,
      message: 'YAML syntax: a scenario file holds one YAML document; remove the second "---" and what follows',
    });
  });

  test("binary junk (NUL bytes)", () => {
    expect(only(load("sipDomains: [contoso.com]\u0000\u0001\u0002"))).toMatchObject({
      rule: "YAML",
      message: expect.stringMatching(/binary data \(NUL bytes\)/),
    });
  });

  test("duplicate keys are an error at the second key", () => {
    const p = only(load("sipDomains: [contoso.com]\nmobility: true\nsipDomains: [fabrikam.com]\n"));
    expect(p).toMatchObject({ rule: "YAML", line: 3, column: 1 });
    expect(p.message).toMatch(/Map keys must be unique/);
  });

  test("huge alias expansion is refused", () => {
    const laughs = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (const [prev, name] of [
      ["a", "b"],
      ["b", "c"],
      ["c", "d"],
      ["d", "e"],
      ["e", "f"],
    ])
      laughs.push(`${name}: &${name} [${Array(10).fill(`*${prev}`).join(", ")}]`);
    const p = only(load(`${laughs.join("\n")}\nsipDomains: [contoso.com]\n`));
    expect(p.rule).toBe("YAML");
    expect(p.message).toMatch(/alias/i);
  });

  test("a few aliases are fine", () => {
    const result = load("sipDomains: &d [contoso.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: *d}\n");
    expect(result.problems).toEqual([]);
  });

  test("JSON and CRLF line endings are accepted", () => {
    expect(load('{"sipDomains": ["contoso.com"], "mobility": true}').ok).toBe(true);
    const crlf = only(load("sipDomains: [contoso.com]\r\nsites:\r\n  - name: hq\r\n    edge: {servers: 0}\r\n"));
    expect(crlf).toMatchObject({ path: "sites[0].edge.servers", line: 4, column: 21 });
  });
});

describe("files", () => {
  test("file not found", () => {
    const missing = join(dir, "missing.yaml");
    expect(only(loadScenarioFile(missing))).toEqual({ severity: "error", rule: "FILE", path: "", message: "no such file", file: missing });
  });

  test("a directory instead of a file", () => {
    const sub = join(dir, "a-directory.yaml");
    mkdirSync(sub);
    expect(only(loadScenarioFile(sub))).toMatchObject({ rule: "FILE", message: "is a directory, not a scenario file", file: sub });
  });

  test("a file over the size limit is not read", () => {
    const big = file("big.yaml", `sipDomains: [contoso.com]\n#${"x".repeat(MAX_SCENARIO_BYTES)}\n`);
    expect(only(loadScenarioFile(big))).toMatchObject({ rule: "FILE", message: expect.stringMatching(/scenario files are limited to 1048576 bytes/) });
  });

  test("NUL bytes in a file on disk", () => {
    const junk = file("junk.yaml", Buffer.from([0x73, 0x69, 0x70, 0x00, 0xff, 0xfe, 0x00, 0x01]));
    expect(only(loadScenarioFile(junk))).toMatchObject({ rule: "YAML", file: junk });
  });

  test("the id defaults to the file name", () => {
    const result = loadScenarioFile(file("my-lab-01.yaml", "sipDomains: [contoso.com]\n"));
    expect(result.problems).toEqual([]);
    expect(result.scenario?.id).toBe("my-lab-01");
    expect(result.plan).toBeDefined();
    expect(idFromFileName("/x/y/Scenario-1.YAML")).toBe("scenario-1");
  });

  test("an id in the file wins over the file name", () => {
    expect(loadScenarioFile(file("other.yaml", "id: given-id\nsipDomains: [contoso.com]\n")).scenario?.id).toBe("given-id");
  });

  test("a file name that is not a valid id is explained", () => {
    const p = only(loadScenarioFile(file("my lab.yaml", "sipDomains: [contoso.com]\n")));
    expect(p).toMatchObject({ rule: "SCHEMA", path: "id" });
    expect(p.message).toMatch(/^no id given, and the file name gives "my lab", which is not a valid id \(.*\); add an id: line or rename the file$/);
  });

  test("an invalid id written in the file keeps the plain message", () => {
    const p = only(load("id: My_Lab\nsipDomains: [contoso.com]\n"));
    expect(p).toMatchObject({ rule: "SCHEMA", path: "id", line: 1, column: 5 });
    expect(p.message).toMatch(/^scenario ids are 2-40 lower-case letters/);
  });
});

describe("formatProblem", () => {
  test("file:line:col: severity [RULE] path: message, then the rule's explanation", () => {
    const p = only(load("sipDomains: [contoso.com]\nsites:\n  - name: hq\n    edge: {servers: 13}\n"));
    expect(formatProblem(p)).toBe(
      "test.yaml:4:21: error [LB-05] sites[0].edge.servers: 13 Edge Servers in one pool; the supported maximum is 12\n" +
        "    LB-05: At most 12 Edge Servers per pool are supported (Topology Builder allows 20, but only 12 is tested); deploy more pools.",
    );
  });

  test("SCHEMA problems have no explanation line; problems without a path or location stay on one line", () => {
    expect(formatProblem({ severity: "error", rule: "SCHEMA", path: "title", message: "m", file: "f.yaml", line: 2, column: 8 })).toBe(
      "f.yaml:2:8: error [SCHEMA] title: m",
    );
    expect(formatProblem({ severity: "error", rule: "FILE", path: "", message: "no such file", file: "f.yaml" })).toBe("f.yaml: error [FILE] no such file");
    expect(formatProblem({ severity: "warning", rule: "YAML", path: "", message: "m" })).toBe("warning [YAML] m");
  });

  test("warnings carry their severity", () => {
    const result = load(
      "sipDomains: [contoso.com]\nproduct: sfbse\nfederation: {sip: {partnerDiscovery: false}}\nhybrid: {tenantDomains: [contoso.com], online: {openFederation: true}}\n",
    );
    expect(result.ok).toBe(true);
    expect(result.problems).toHaveLength(1);
    expect(formatProblem(result.problems[0])).toMatch(
      /^test.yaml:4:65: warning \[HYB-03\] hybrid.online.openFederation: the tenant's federation is open .*\n {4}HYB-03: /,
    );
    const older = load("sipDomains: [contoso.com]\nproduct: sfb2015\nfederation: {publicIm: [yahoo]}\n");
    expect(older.ok).toBe(true);
    expect(older.problems.map((p) => `${p.severity} ${p.rule}`)).toEqual(["warning FED-03", "warning SE-01"]);
    expect(formatProblem(older.problems[0])).toMatch(/^test.yaml:3:\d+: warning \[FED-03\] federation.publicIm: yahoo: .*\n {4}FED-03: /);
  });

  test("a product's support status is a warning with its dates; Subscription Edition gets none", () => {
    const lync = load("sipDomains: [contoso.com]\nproduct: lync2013\n");
    expect(lync.ok).toBe(true);
    expect(lync.problems.map((p) => formatProblem(p))).toEqual([
      expect.stringMatching(
        /^test.yaml:2:\d+: warning \[SE-01\] product: Lync Server 2013: out of support; mainstream support ended on 2018-04-10, extended support on 2023-04-11/,
      ),
    ]);
    expect(load("sipDomains: [contoso.com]\nproduct: sfbse\n").problems).toEqual([]);
    expect(load("sipDomains: [contoso.com]\n").scenario?.product).toBe("sfbse");
  });
});

describe("planFromProps", () => {
  test("returns the plan of valid props", () => {
    expect(planFromProps({ id: "props-lab", sipDomains: ["contoso.com"] }).servers.length).toBeGreaterThan(0);
  });

  test("throws a ScenarioError listing every error", () => {
    let caught: unknown;
    try {
      planFromProps({
        id: "props-lab",
        sipDomains: ["contoso.com"],
        sites: [{ name: "hq", edge: { servers: 13, loadBalancing: { external: "dns", internal: "hardware" } } }],
      });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(ScenarioError);
    const error = caught as ScenarioError;
    expect(error.problems.map((p) => p.rule).sort()).toEqual(["LB-01", "LB-05"]);
    expect(error.message).toMatch(/error \[LB-01\] sites\[0\].edge.loadBalancing: /);
    expect(error.message).toMatch(/error \[LB-05\] sites\[0\].edge.servers: /);
  });
});

describe("CLI validate", () => {
  test("prints every problem of several files, not just the first, and exits 1", async () => {
    const a = file(
      "bad-a.yaml",
      "sipDomains: [contoso.com]\nsites:\n  - name: hq\n    edge: {servers: 13, loadBalancing: {external: dns, internal: hardware}}\n",
    );
    const b = file("bad-b.yaml", "sipDomains: [contoso.com]\nfoo: 1\nlab: {mode: sometimes}\n");
    const good = file("good.yaml", "sipDomains: [contoso.com]\n");
    const { code, out, err } = await cli(["validate", a, good, b]);
    expect(code).toBe(1);
    expect(out).toBe(`${good}: valid\n`);
    const heads = err.split("\n").filter((l) => / (error|warning) \[/.test(l));
    expect(heads).toEqual([
      expect.stringMatching(new RegExp(`^${a}:4:\\d+: error \\[LB-01\\] sites\\[0\\]\\.edge\\.loadBalancing: `)),
      expect.stringMatching(new RegExp(`^${a}:4:\\d+: error \\[LB-05\\] sites\\[0\\]\\.edge\\.servers: `)),
      expect.stringMatching(new RegExp(`^${b}:2:1: error \\[SCHEMA\\] unknown key "foo"`)),
      expect.stringMatching(new RegExp(`^${b}:3:\\d+: error \\[SCHEMA\\] lab\\.mode: expected "closed" or "internet"`)),
    ]);
    expect(err).toMatch(/\n {4}LB-01: Internal and external Edge interfaces must use the same load balancing type/);
    expect(err.endsWith("4 errors in 3 files\n")).toBe(true);
  });

  test("a missing file is reported with the others", async () => {
    const missing = join(dir, "nope.yaml");
    const { code, err } = await cli(["validate", missing, file("bad-c.yaml", "sipDomains: []\n")]);
    expect(code).toBe(1);
    expect(err).toContain(`${missing}: error [FILE] no such file`);
    expect(err).toContain("error [SCHEMA] sipDomains: at least one SIP domain is required");
    expect(err.endsWith("2 errors in 2 files\n")).toBe(true);
  });

  test("warnings alone do not fail validation", async () => {
    const warn = file("warn.yaml", "product: lync2013\nsipDomains: [contoso.com]\nfederation: {publicIm: [aol, yahoo]}\n");
    const { code, out, err } = await cli(["validate", warn]);
    expect(code).toBe(0);
    expect(out).toBe(`${warn}: valid (3 warnings)\n`);
    expect(err.match(/warning \[FED-03\]/g)).toHaveLength(2);
    expect(err.match(/warning \[SE-01\] product: Lync Server 2013: out of support/g)).toHaveLength(1);
  });

  test("exits 0 on the bundled scenarios", async () => {
    const files = bundledScenarioFiles();
    const { code, out, err } = await cli(["validate", ...files]);
    expect(err).not.toMatch(/error \[/);
    expect(code).toBe(0);
    expect(out.trim().split("\n")).toHaveLength(files.length);
    for (const f of files) expect(out).toContain(`${f}: valid`);
  });
});

describe("CLI plan", () => {
  test("--json parses, and two runs are byte-identical", async () => {
    const scenario = bundledScenarioFiles().find((f) => f.endsWith("contoso-enterprise.yaml"))!;
    const first = await cli(["plan", "--json", scenario]);
    const second = await cli(["plan", "--json", scenario]);
    expect(first.code).toBe(0);
    expect(second.code).toBe(0);
    expect(second.out).toBe(first.out);
    const plan = JSON.parse(first.out);
    expect(plan.servers.length).toBeGreaterThan(0);
    expect(Array.isArray(plan.dnsRecords)).toBe(true);
  });

  test("an invalid file exits 1 with nothing on stdout and the problems on stderr", async () => {
    const bad = file("bad-plan.yaml", "sipDomains: [contoso.com]\nsites:\n  - name: hq\n    edge: {servers: 1, loadBalancing: dns}\n");
    for (const args of [
      ["plan", bad],
      ["plan", "--json", bad],
    ]) {
      const { code, out, err } = await cli(args);
      expect(code).toBe(1);
      expect(out).toBe("");
      expect(err).toContain(`${bad}:4:21: error [LB-04] sites[0].edge.servers: a load-balanced pool of 1 Edge Server`);
    }
  });

  test("a file that cannot be parsed exits 1 with nothing on stdout", async () => {
    const { code, out, err } = await cli(["plan", "--json", file("broken.yaml", "sipDomains: [contoso.com\n")]);
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toMatch(/error \[YAML\] YAML syntax: /);
  });
});
