/**
 * The Microsoft 365 address ranges edge-lab trusts (issue 22 points 5 and 6, issue 18 point 3): the endpoints file
 * given with --m365-endpoints is checked entry by entry (LAB-M365-01: public unicast prefixes of sets 11 and 12, no
 * wider than Microsoft publishes, each set once, at most MAX_PREFIXES_PER_FAMILY per family, none inside the
 * scenario's own networks); the shipped snapshot is Microsoft's own published rows 11 and 12
 * (test/fixtures/microsoft/m365-worldwide-endpoints-sets-11-12.json); each hybrid row takes the prefixes of the set
 * whose ports it matches.
 */
import { mkdtempSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../bin/cli";
import { synthScenarios } from "../../bin/synth";
import { formatProblem, loadScenarioFile, readEndpointsFile } from "../../lib/model/load";
import {
  MAX_PREFIXES_PER_FAMILY,
  MAX_PREFIX_WIDTH,
  SNAPSHOT,
  SNAPSHOT_SETS,
  SNAPSHOT_SOURCE,
  endpointsOf,
  parseEndpointsFile,
} from "../../lib/model/m365-endpoints";
import { hybridNotes } from "../../lib/model/plan/hybrid";
import { RULES } from "../../lib/model/rules";
import { ROOT, bundledPlan, load } from "../helpers";

const published = JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "microsoft", "m365-worldwide-endpoints-sets-11-12.json"), "utf8"));
const nsgLimits = JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "microsoft", "azure-nsg-limits.json"), "utf8"));
const HYBRID = join(ROOT, "scenarios", "hybrid-se.yaml");
const dir = mkdtempSync(join(tmpdir(), "edge-lab-m365-"));

let n = 0;
const fileOf = (sets: unknown): string => {
  const file = join(dir, `endpoints-${++n}.json`);
  writeFileSync(file, JSON.stringify(sets));
  return file;
};
const good12 = { id: 12, serviceArea: "Skype", urls: ["*.lync.com"], ips: ["52.112.0.0/14"], tcpPorts: "443,80" };
const good11 = { id: 11, serviceArea: "Skype", ips: ["52.112.0.0/14", "52.122.0.0/15", "2603:1063::/38"], udpPorts: "3478,3479,3480,3481" };

describe("--m365-endpoints: only public unicast prefixes of sets 11 and 12 are accepted (LAB-M365-01)", () => {
  test("a default route, a private range and a duplicate id: one problem per entry, naming file, set and entry", () => {
    const file = fileOf([
      { ...good11, ips: ["0.0.0.0/0", "52.112.0.0/14"] },
      { ...good12, ips: ["52.112.0.0/14", "::/0", "10.0.0.0/8"] },
      { id: 12, serviceArea: "Skype", ips: ["52.122.0.0/15"] },
    ]);
    const read = readEndpointsFile(file);
    expect(read.endpoints).toBeUndefined();
    const problems = read.problems!;
    expect(problems.map((p) => [p.rule, p.path])).toEqual([
      ["LAB-M365-01", "[0].ips[0]"],
      ["LAB-M365-01", "[1].ips[1]"],
      ["LAB-M365-01", "[1].ips[2]"],
      ["LAB-M365-01", "[2].id"],
    ]);
    expect(problems.every((p) => p.file === file && p.severity === "error")).toBe(true);
    expect(problems[0].message).toMatch(/^endpoint set 11: 0\.0\.0\.0\/0 is the default route/);
    expect(problems[1].message).toMatch(/^endpoint set 12: ::\/0 is the default route/);
    expect(problems[2].message).toMatch(/^endpoint set 12: 10\.0\.0\.0\/8 is a private range/);
    expect(problems[3].message).toMatch(/^endpoint set 12 is listed twice \(entries \[1\] and \[2\]\)/);
    expect(read.problem).toEqual(problems[0]);
    // One line per entry (and the rule's explanation under it), the file first.
    expect(formatProblem(problems[0]).split("\n")[0]).toBe(
      `${file}: error [LAB-M365-01] [0].ips[0]: endpoint set 11: 0.0.0.0/0 is the default route (the whole Internet), not a Microsoft 365 range (--m365-endpoints)`,
    );
  });

  test.each([
    ["loopback", "127.0.0.0/8", /loopback/],
    ["link-local", "169.254.0.0/16", /link-local/],
    ["multicast", "224.0.0.0/4", /multicast/],
    ["shared address space (carrier-grade NAT)", "100.64.0.0/10", /carrier-grade NAT/],
    ["documentation", "203.0.113.0/24", /reserved/],
    ["a public prefix containing a reserved range", "198.16.0.0/12", /contains 198\.18\.0\.0\/15/],
    ["IPv4 wider than Microsoft publishes", "52.0.0.0/8", /wider than \/12/],
    ["IPv6 link-local", "fe80::/10", /link-local/],
    ["IPv6 multicast", "ff00::/8", /multicast/],
    ["IPv6 unique local", "fd00::/8", /unique local/],
    ["IPv4-mapped IPv6", "::ffff:0:0/96", /IPv4-mapped/],
    ["IPv6 documentation", "2001:db8::/32", /reserved/],
    ["IPv6 outside the global unicast space", "4000::/32", /not global unicast/],
    ["IPv6 wider than Microsoft publishes", "2603::/16", /wider than \/32/],
  ])("%s (%s) is refused", (_title, prefix, message) => {
    const read = readEndpointsFile(fileOf([{ ...good11, ips: ["52.112.0.0/14", prefix] }, good12]));
    expect(read.problems!.map((p) => p.path)).toEqual(["[0].ips[1]"]);
    expect(read.problems![0]).toMatchObject({ rule: "LAB-M365-01" });
    expect(read.problems![0].message).toMatch(new RegExp(`^endpoint set 11: ${prefix.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")} `));
    expect(read.problems![0].message).toMatch(message);
  });

  test("the widest prefixes allowed are accepted; Microsoft's own widest are narrower", () => {
    const e = parseEndpointsFile(
      JSON.stringify([{ ...good11, ips: [`52.112.0.0/${MAX_PREFIX_WIDTH.ipv4}`, `2603:1000::/${MAX_PREFIX_WIDTH.ipv6}`] }, good12]),
      "x.json",
    );
    expect(e.ipv4).toEqual(["52.112.0.0/12", "52.112.0.0/14"]);
    // The widest prefixes of sets 11 and 12 Microsoft has published (2023 include and 2026 page): /14 and /38.
    const widths = [published.current.rows, published.history.rows].flat().flatMap((r: { addresses: string }) => r.addresses.match(/[0-9a-f:.]+\/\d+/g)!);
    const widest = (v6: boolean) => Math.min(...widths.filter((p: string) => p.includes(":") === v6).map((p: string) => Number(p.split("/")[1])));
    expect([widest(false), widest(true)]).toEqual([14, 38]);
    expect(MAX_PREFIX_WIDTH.ipv4).toBeLessThan(widest(false));
    expect(MAX_PREFIX_WIDTH.ipv6).toBeLessThan(widest(true));
  });

  test("sets of another service area are refused; other sets are not checked (they are not used)", () => {
    const other = readEndpointsFile(fileOf([{ ...good11, serviceArea: "Exchange" }, good12]));
    expect(other.problems!.map((p) => [p.path, p.message])).toEqual([
      ["[0].serviceArea", expect.stringMatching(/^endpoint set 11 is service area "Exchange", not "Skype" \(Teams \/ Skype for Business Online\)/)],
    ]);
    const unused = readEndpointsFile(fileOf([{ id: 1, serviceArea: "Exchange", ips: ["10.0.0.0/8"] }, good11, good12]));
    expect(unused.problems).toBeUndefined();
    expect(unused.endpoints!.ipv4).toEqual(["52.112.0.0/14", "52.122.0.0/15"]);
  });

  test("a bad file is still refused for its shape (FILE), with the file named", () => {
    const read = readEndpointsFile(fileOf({ ips: [] }));
    expect(read.problems).toHaveLength(1);
    expect(read.problems![0]).toMatchObject({ rule: "FILE" });
  });
});

describe("at most MAX_PREFIXES_PER_FAMILY prefixes per address family (LAB-M365-01, every renderer loads them)", () => {
  /** `count` distinct public /24s in 20.0.0.0/8 .. (never private, never a lab network). */
  const v4 = (count: number) => Array.from({ length: count }, (_, i) => `20.${Math.floor(i / 256)}.${i % 256}.0/24`);

  test("the cap fits an Azure network security group: four rows of one NSG carry them, 4,000 prefixes per side", () => {
    expect(nsgLimits.prefixesPerSecurityGroupPerSide).toBe(4000);
    // The edge-m365 table has at most four rows with Microsoft 365 on the same side (the four outbound rows).
    const rows = bundledPlan("hybrid-se").firewallRules.filter((r) => r.table === "edge-m365");
    const perSide = Math.max(rows.filter((r) => r.direction === "outbound").length, rows.filter((r) => r.direction === "inbound").length);
    expect(perSide).toBe(4);
    expect(perSide * MAX_PREFIXES_PER_FAMILY).toBeLessThanOrEqual(nsgLimits.prefixesPerSecurityGroupPerSide / 2);
  });

  test("the rule's explanation states the bounds the code applies", () => {
    expect(RULES["LAB-M365-01"]).toContain(`at most ${MAX_PREFIXES_PER_FAMILY} per address family`);
    expect(RULES["LAB-M365-01"]).toContain(`no wider than /${MAX_PREFIX_WIDTH.ipv4} (IPv4) or /${MAX_PREFIX_WIDTH.ipv6} (IPv6)`);
  });

  test("exactly the cap is accepted (the largest file the checks accept)", () => {
    const read = readEndpointsFile(
      fileOf([
        { ...good11, ips: v4(MAX_PREFIXES_PER_FAMILY) },
        { ...good12, ips: v4(1) },
      ]),
    );
    expect(read.problems).toBeUndefined();
    expect(read.endpoints!.ipv4).toHaveLength(MAX_PREFIXES_PER_FAMILY);
    const plan = loadScenarioFile(HYBRID, { m365Endpoints: read.endpoints });
    expect(plan.problems.filter((p) => p.severity === "error")).toEqual([]);
  });

  test("one more is refused with one problem that gives the count and the cap", () => {
    const read = readEndpointsFile(
      fileOf([
        { ...good11, ips: v4(MAX_PREFIXES_PER_FAMILY) },
        { ...good12, ips: ["52.112.0.0/14", "52.122.0.0/15"] },
      ]),
    );
    expect(read.problems!.map((p) => [p.rule, p.path])).toEqual([["LAB-M365-01", ""]]);
    expect(read.problems![0].message).toBe(
      `endpoint sets 11 and 12 list ${MAX_PREFIXES_PER_FAMILY + 2} distinct IPv4 prefixes; edge-lab accepts at most ${MAX_PREFIXES_PER_FAMILY} per address family (each becomes a firewall and NSG entry) (--m365-endpoints)`,
    );
  });
});

describe("Microsoft 365 ranges inside the scenario's own networks are refused (LAB-M365-01)", () => {
  test("an endpoints file listing the scenario's public range: error at the network, in the scenario file", () => {
    const read = readEndpointsFile(fileOf([{ ...good11, ips: ["52.112.0.0/14", "131.107.0.0/16"] }, good12]));
    expect(read.problems).toBeUndefined();
    const result = loadScenarioFile(HYBRID, { m365Endpoints: read.endpoints });
    expect(result.ok).toBe(false);
    const hits = result.problems.filter((p) => p.rule === "LAB-M365-01");
    expect(hits).toHaveLength(1);
    expect(hits[0]).toMatchObject({ severity: "error", path: "sites[0].network.publicRange", file: HYBRID });
    expect(hits[0].line).toBeGreaterThan(0);
    expect(hits[0].message).toMatch(
      /^public range 131\.107\.155\.0\/24 of site hq lies in Microsoft 365's 131\.107\.0\.0\/16 \(endpoints file endpoints-\d+\.json\)/,
    );
  });

  test("with the shipped snapshot: a hybrid scenario using 52.112.0.0/14 for itself is refused; without hybrid it is not", () => {
    const yaml = (hybrid: boolean) =>
      `product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\n${hybrid ? "hybrid: {tenantDomains: [contoso.com]}\n" : ""}sites:\n  - name: hq\n    network: {publicRange: 52.113.10.0/24}\n`;
    const refused = load(yaml(true));
    expect(refused.problems.filter((p) => p.rule === "LAB-M365-01").map((p) => p.path)).toEqual(["sites[0].network.publicRange"]);
    expect(refused.ok).toBe(false);
    expect(load(yaml(false)).problems.filter((p) => p.rule === "LAB-M365-01")).toEqual([]);
  });
});

describe("the CLI and synth print every bad entry and exit 1", () => {
  const bad = () =>
    fileOf([
      { ...good11, ips: ["0.0.0.0/0"] },
      { ...good12, ips: ["52.112.0.0/14", "192.168.0.0/16"] },
      { id: 11, serviceArea: "Skype", ips: ["52.112.0.0/14"] },
    ]);
  const errorLines = (text: string) => text.split("\n").filter((l) => / error \[/.test(l));

  test("edge-lab validate --m365-endpoints: one line per entry", async () => {
    const file = bad();
    let out = "";
    let err = "";
    const code = await run(["validate", HYBRID, "--m365-endpoints", file], { out: (t) => (out += t), err: (t) => (err += t) });
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(errorLines(err)).toEqual([
      expect.stringMatching(
        new RegExp(
          `^${file.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}: error \\[LAB-M365-01\\] \\[0\\]\\.ips\\[0\\]: endpoint set 11: 0\\.0\\.0\\.0/0 is the default route`,
        ),
      ),
      expect.stringMatching(/ \[1\]\.ips\[1\]: endpoint set 12: 192\.168\.0\.0\/16 is a private range/),
      expect.stringMatching(/ \[2\]\.id: endpoint set 11 is listed twice/),
    ]);
  });

  test("npm run synth (EDGE_LAB_M365_ENDPOINTS): one line per entry, nothing synthesized", async () => {
    const errors: string[] = [];
    const outdir = join(dir, "synth-out");
    const result = await synthScenarios({
      files: [HYBRID],
      outdir,
      log: () => undefined,
      error: (l) => errors.push(l),
      env: { EDGE_LAB_M365_ENDPOINTS: bad() },
    });
    expect(result.ok).toBe(false);
    expect(errorLines(errors.join("\n")).map((l) => l.replace(/^.*error \[LAB-M365-01\] /, "").split(":")[0])).toEqual(["[0].ips[0]", "[1].ips[1]", "[2].id"]);
  });
});

describe("--m365-endpoints messages", () => {
  test("a folder is refused as a folder, not as 'not a scenario file'", () => {
    const folder = join(dir, "a-folder");
    mkdirSync(folder);
    const read = readEndpointsFile(folder);
    expect(read.problem!.message).toBe("is a directory; give the endpoints JSON file (--m365-endpoints)");
  });

  test("the note asks for the current file only when the snapshot is used", () => {
    const scenario = load("product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com]}\n").scenario!;
    const ranges = (e: typeof SNAPSHOT) => hybridNotes(scenario, e).find((x) => x.message.startsWith("Microsoft 365 address ranges"))!.message;
    expect(ranges(SNAPSHOT)).toMatch(/They change: pass the current endpoints file with --m365-endpoints <file>/);
    const given = readEndpointsFile(fileOf([good11, good12])).endpoints!;
    expect(ranges(given)).not.toMatch(/pass the current endpoints file/);
    expect(ranges(given)).toMatch(
      /^Microsoft 365 address ranges \(edge-m365 firewall rows\): endpoints file endpoints-\d+\.json, given with --m365-endpoints\./,
    );
  });
});

describe("the shipped snapshot is Microsoft's own rows 11 and 12", () => {
  const cell = (row: { addresses: string }) => row.addresses.split("<br>").map((part) => part.replace(/`/g, "").trim().split(", "));
  const ports = (row: { ports: string }, proto: string) =>
    row.ports
      .split("<br>")
      .map((p) => p.trim())
      .find((p) => p.startsWith(`**${proto}:**`))
      ?.replace(`**${proto}:** `, "")
      .split(", ")
      .join(",");

  test.each([11, 12])("set %i: prefixes, names and ports as Microsoft publishes them", (id) => {
    const row = published.current.rows.find((r: { id: number }) => r.id === id);
    const parts = cell(row);
    const set = SNAPSHOT_SETS.find((s) => s.id === id)!;
    expect(set.ips).toEqual(parts[parts.length - 1]);
    expect(set.urls).toEqual(parts.length > 1 ? parts[0] : []);
    expect(set.tcpPorts).toBe(ports(row, "TCP"));
    expect(set.udpPorts).toBe(ports(row, "UDP"));
  });

  test("the label says where the set ids come from, and that the web service capture has none", () => {
    expect(SNAPSHOT_SOURCE).toContain(published.current.url.replace("https://", "").replace("?view=o365-worldwide", ""));
    expect(SNAPSHOT_SOURCE).toContain(`last updated ${published.current.lastUpdated}`);
    expect(SNAPSHOT_SOURCE).toMatch(/captured 2026-09-14 .*without endpoint set ids/);
  });

  test("docs/hybrid.md states the snapshot's prefix counts", () => {
    const readme = readFileSync(join(ROOT, "docs", "hybrid.md"), "utf8");
    const words = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"];
    const stated = readme.match(/52\.112\.0\.0\/14, 52\.122\.0\.0\/15 and (\w+) IPv6 prefixes/)![1];
    expect(stated).toBe(words[SNAPSHOT.ipv6.length]);
    expect(SNAPSHOT.ipv6).toHaveLength(7);
  });
});

describe("each hybrid row takes the prefixes of the endpoint set whose ports it matches", () => {
  const plan = bundledPlan("hybrid-se");
  const far = (id: string) => {
    const r = plan.firewallRules.find((x) => x.id === `hq/edge-m365/${id}`)!;
    return r.direction === "inbound" ? r.source : r.destination;
  };
  const set = (id: number) => endpointsOf("t", undefined, [SNAPSHOT_SETS.find((s) => s.id === id)!]);

  test("UDP 3478 (to, and from source port 3478): set 11, the media set (UDP 3478-3481)", () => {
    for (const id of ["m365-out-stun-udp", "m365-in-stun-udp"]) {
      expect(far(id).addresses).toEqual([...set(11).ipv4, ...set(11).ipv6]);
      expect(far(id).label).toMatch(/endpoint set 11 \(UDP 3478-3481\)/);
    }
  });

  test("TCP 443 (to, and from source port 443): set 12 (TCP 443, 80)", () => {
    for (const id of ["m365-out-stun-tcp-443", "m365-in-stun-tcp-50000"]) {
      expect(far(id).addresses).toEqual([...set(12).ipv4, ...set(12).ipv6]);
      expect(far(id).label).toMatch(/endpoint set 12 \(TCP 443, 80\)/);
    }
  });

  test("ports no set lists (SIP 5061, TCP 50000-59999, any source port): both sets, and the label says why", () => {
    for (const id of ["m365-out-sip-mtls", "m365-in-sip-mtls", "m365-out-stun-tcp-50000"]) {
      expect(far(id).addresses).toEqual([...SNAPSHOT.ipv4, ...SNAPSHOT.ipv6]);
      expect(far(id).label).toMatch(/endpoint sets 11 and 12: no set lists (TCP 5061|TCP 50000-59999|the source port)/);
    }
  });
});
