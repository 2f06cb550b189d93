import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parse } from "csv-parse/sync";
import { run } from "../../bin/cli";
import type { FirewallEndpoint, FirewallTable, Plan } from "../../lib/model/plan";
import type { FeatureTag } from "../../lib/model/ports";
import { tableCsv } from "../../lib/render/table";
import msTables from "../fixtures/microsoft/edge-tables.json";
import { renderWorksheetFiles, replaceDirectory, worksheetMarkdown, worksheetTables, writeWorksheets } from "../../lib/render/worksheets";
import { bundledPlan, bundledScenarioFiles, planOf } from "../helpers";
import { markdownTables, records, tableUnder } from "./md-tables";

const ids = bundledScenarioFiles().map((f) => basename(f, ".yaml"));

/** The worksheet's firewall sections, in Microsoft's order, with their headings. */
const FIREWALL_SECTIONS: readonly { table: FirewallTable; title: string }[] = [
  { table: "edge-external", title: "Edge external interface" },
  { table: "edge-internal", title: "Edge internal interface" },
  { table: "edge-external-vip", title: "External VIPs (hardware load balancer)" },
  { table: "edge-internal-vip", title: "Internal VIPs (hardware load balancer)" },
  { table: "edge-m365", title: "Edge <-> Microsoft 365 (hybrid)" },
  { table: "reverse-proxy", title: "Reverse proxy" },
  { table: "director", title: "Director" },
];

/** Microsoft's summary tables (federation, public IM connectivity, XMPP) and the fixture's name for each. */
const FEATURE_SECTIONS: readonly { feature: FeatureTag; title: string }[] = [
  { feature: "federation", title: "Federation summary" },
  { feature: "pic", title: "Public IM connectivity (PIC) summary" },
  { feature: "xmpp", title: "XMPP summary" },
];

interface Expected {
  servers: number;
  nat: number;
  vips: number;
  topology: number;
  publishing: number;
  dns: { external: number; internal: number };
  firewall: Partial<Record<FirewallTable, number>>;
  features: Record<FeatureTag, number>;
  certificates: number;
  ipPlan: number;
  tables: number;
}

/**
 * Independent counts per bundled scenario, by hand from Microsoft's tables (lync-edge-2013.md, rows copied into test/fixtures/microsoft/edge-tables.json) and the scenario files.
 * - firewall, scenarios 1-4: Microsoft's external table 16 rows + the XMPP summary's outbound 5269 (scenario 3's
 *   external table has 17 rows already) = 17, internal 11, reverse proxy §10.2 4 (80, 443 in; 8080, 4443 out);
 *   scenario 5: external 11, internal 8, external VIPs 8, internal VIPs 6 (§7), reverse proxy 4.
 *   contoso-enterprise: hq scenario 3 without OCS 2007 partners (external 14: no inbound RTP rows nor outbound RTP UDP),
 *   dr single Edge without federation or XMPP (external 10, internal 10), reverse proxy hq 6 (Office Web Apps adds
 *   443/80 out) + dr 4, Director pool §11.1 9. hybrid-se: external 12 (no XMPP), internal 10, Microsoft 365 7,
 *   reverse proxy 4, Director 9.
 * - feature summaries, scenarios 1-4: federation 2 (Microsoft's federation summary has the outbound 5061 row; the
 *   inbound 5061 row of the external table serves federation too), PIC 6 and XMPP 3 (Microsoft's summaries, §3-§6);
 *   scenario 5 (no summaries in Microsoft's tables): PIC 7 = the 6 rows with the VIP and per-node STUN UDP 3478 inbound
 *   both. hybrid-se: federation 2 + the 7 Microsoft 365 rows, no PIC or XMPP.
 * - DNS: external 14 = main table 5 + XMPP 2 + reverse proxy 3 (webext, meet, dialin) + fabrikam.com 4; internal
 *   lsedge + pool01 (+ lsedge01/02 in pools). contoso-enterprise 24/16 and hybrid-se 15/15: see checklist.test.ts.
 * - certificates: Microsoft's Edge external + internal (main table) + reverse proxy (§10.4) = 3; with a Director pool
 *   (§11.3) + 2 default + OAuthTokenIssuer + the Front End default; contoso-enterprise adds dr's Edge pair and proxy.
 * - IP plan: per Edge 3 external + 1 internal addresses, per reverse proxy 2, per Director 1, plus the VIPs (HLB 4:
 *   Access, Web Conferencing, A/V, internal; Director web services 1).
 * - NAT mappings: 3 per Edge behind NAT + 1 per reverse proxy listener. Topology settings: see summary.test.ts.
 * - tables: Summary (sites, servers, NAT, VIPs when any, topology), 2 DNS views, one per firewall table and feature
 *   summary present, certificates, IP plan, HOSTS, publishing rules, cmdlets, notes (+3 hybrid tables).
 */
const SINGLE_EDGE_FIREWALL = { "edge-external": 17, "edge-internal": 11, "reverse-proxy": 4 };
const MS_FEATURES = { federation: 2, pic: 6, xmpp: 3 };
const EXPECTED: Record<string, Expected> = {
  "single-consolidated-nat": {
    servers: 2,
    nat: 4,
    vips: 0,
    topology: 19,
    publishing: 4,
    dns: { external: 14, internal: 2 },
    firewall: SINGLE_EDGE_FIREWALL,
    features: MS_FEATURES,
    certificates: 3,
    ipPlan: 4 + 2,
    tables: 18,
  },
  "single-consolidated-public": {
    servers: 2,
    nat: 1,
    vips: 0,
    topology: 18,
    publishing: 4,
    dns: { external: 14, internal: 2 },
    firewall: SINGLE_EDGE_FIREWALL,
    features: MS_FEATURES,
    certificates: 3,
    ipPlan: 4 + 2,
    tables: 18,
  },
  "scaled-dnslb-nat": {
    servers: 3,
    nat: 7,
    vips: 0,
    topology: 22,
    publishing: 4,
    dns: { external: 14, internal: 4 },
    firewall: SINGLE_EDGE_FIREWALL,
    features: MS_FEATURES,
    certificates: 3,
    ipPlan: 2 * 4 + 2,
    tables: 18,
  },
  "scaled-dnslb-public": {
    servers: 3,
    nat: 1,
    vips: 0,
    topology: 20,
    publishing: 4,
    dns: { external: 14, internal: 4 },
    firewall: SINGLE_EDGE_FIREWALL,
    features: MS_FEATURES,
    certificates: 3,
    ipPlan: 2 * 4 + 2,
    tables: 18,
  },
  "scaled-hlb": {
    servers: 3,
    nat: 1,
    vips: 4,
    topology: 20,
    publishing: 4,
    dns: { external: 14, internal: 4 },
    firewall: { "edge-external": 11, "edge-internal": 8, "edge-external-vip": 8, "edge-internal-vip": 6, "reverse-proxy": 4 },
    features: { federation: 2, pic: 7, xmpp: 3 },
    certificates: 3,
    ipPlan: 2 * 4 + 2 + 4,
    tables: 21,
  },
  "contoso-enterprise": {
    servers: 7,
    nat: 11,
    vips: 1,
    topology: 40,
    publishing: 9,
    dns: { external: 24, internal: 16 },
    firewall: { "edge-external": 24, "edge-internal": 21, "reverse-proxy": 10, director: 9 },
    features: MS_FEATURES,
    certificates: 10,
    ipPlan: 3 * 4 + 2 * 2 + 2 * 1 + 1,
    tables: 20,
  },
  "hybrid-se": {
    servers: 5,
    nat: 7,
    vips: 1,
    topology: 23,
    publishing: 7,
    dns: { external: 15, internal: 15 },
    firewall: { "edge-external": 12, "edge-internal": 10, "edge-m365": 7, "reverse-proxy": 4, director: 9 },
    features: { federation: 9, pic: 0, xmpp: 0 },
    certificates: 7,
    ipPlan: 2 * 4 + 2 + 2 * 1 + 1,
    tables: 22,
  },
};

/** Microsoft's scenario of a bundled file, if it is one of the five (test/fixtures/microsoft/edge-tables.json). */
const msScenario = (id: string) => msTables.scenarios.find((s) => s.id === id);
const portText = (from: number, to: number) => (from === to ? String(from) : `${from}-${to}`);
const plans = new Map<string, Plan>(ids.map((id) => [id, bundledPlan(id)]));
const md = new Map<string, string>(ids.map((id) => [id, worksheetMarkdown(plans.get(id)!)]));

/** The text of the section under a heading (up to the next heading of any level). */
function sectionText(doc: string, heading: string): string {
  const start = doc.indexOf(`\n### ${heading}\n`);
  if (start < 0) throw new Error(`no section ${heading}`);
  const rest = doc.slice(start + heading.length + 6);
  const end = rest.search(/\n#{2,3} /);
  return end < 0 ? rest : rest.slice(0, end);
}

function endpointMentions(cell: string, e: FirewallEndpoint): void {
  for (const a of e.addresses) expect(cell).toContain(a === "Internet" ? "Any" : a);
  for (const a of e.publicAddresses ?? []) expect(cell).toContain(a);
}

describe.each(ids)("worksheet of %s", (id) => {
  const plan = plans.get(id)!;
  const doc = md.get(id)!;
  const expected = EXPECTED[id];

  test("the scenario has hand-counted expectations", () => {
    expect(expected).toBeDefined(); // a new bundled scenario needs its counts above
  });

  test("has every section of the issue, in order", () => {
    const h2 = doc
      .split("\n")
      .filter((l) => l.startsWith("## "))
      .map((l) => l.slice(3));
    // With SIP federation: the configuration commands; hybrid: the Microsoft 365 section.
    const federation = plan.cmdlets.length > 0 ? ["Federation and hybrid configuration"] : [];
    const hybrid = plan.hybrid ? ["Microsoft 365 hybrid"] : [];
    expect(h2).toEqual(["Summary", "DNS", "Firewall", "Certificates", "IP plan", "Reverse proxy publishing rules", ...federation, ...hybrid, "Notes"]);
  });

  test.each(["external", "internal"] as const)("DNS %s view equals the plan's records of that view, row for row", (view) => {
    const rows = records(tableUnder(doc, `${view === "external" ? "External" : "Internal"} view`));
    const want = plan.dnsRecords.filter((r) => r.view === view);
    expect(rows).toHaveLength(expected.dns[view]);
    expect(want).toHaveLength(expected.dns[view]);
    rows.forEach((row, i) => {
      const r = want[i];
      expect([row.Site, row.Zone, row.Name, row.Type, row.TTL, row.Purpose]).toEqual([r.site, r.zone, r.name, r.type, String(r.ttl), r.purpose]);
      expect(row.Value).toBe(r.values.join(", ") + (r.assignedAtDeploy ? " (assigned at deploy)" : ""));
    });
    // Microsoft's own records of this scenario (DNS summaries, §3-§7) with a value: each is a row of this view.
    const ms = (msScenario(id)?.dnsRecords ?? []) as { zone: string; type: string; name: string; values?: string[]; port?: number; target?: string }[];
    const msRows = ms.filter((r) => r.zone === view && (r.values || r.type === "SRV"));
    if (msScenario(id)) expect(msRows.length).toBeGreaterThan(0);
    for (const r of msRows) {
      const value = r.type === "SRV" ? `0 0 ${r.port} ${r.target}` : r.values!.join(", ");
      expect(rows.filter((row) => row.Name === r.name && row.Type === r.type).map((row) => row.Value)).toEqual([value]);
    }
  });

  test("each firewall section equals the plan's rows of that table (and absent tables say so)", () => {
    expect(FIREWALL_SECTIONS.filter((t) => expected.firewall[t.table]).length).toBeGreaterThan(0);
    for (const { table, title } of FIREWALL_SECTIONS) {
      const want = plan.firewallRules.filter((r) => r.table === table);
      expect({ table, rows: want.length }).toEqual({ table, rows: expected.firewall[table] ?? 0 });
      if (want.length === 0) {
        expect(sectionText(doc, title)).toContain("_None in this scenario._");
        continue;
      }
      const rows = records(tableUnder(doc, title));
      expect(rows).toHaveLength(expected.firewall[table]!);
      rows.forEach((row, i) => {
        const r = want[i];
        const port = portText(r.ports.from, r.ports.to);
        expect([row.Site, row.Firewall, row.Direction, row["Role/Service"], row.Protocol, row.Transport, row.Port, row.Notes]).toEqual([
          r.site,
          r.firewall,
          r.direction,
          r.service,
          r.protocol,
          r.transport,
          port,
          r.purpose,
        ]);
        endpointMentions(row.Source, r.source);
        endpointMentions(row.Destination, r.destination);
      });
    }
  });

  test("federation / PIC / XMPP summaries are the plan's rows with that feature tag", () => {
    for (const { feature, title } of FEATURE_SECTIONS) {
      const want = plan.firewallRules.filter((r) => r.features.includes(feature));
      expect({ feature, rows: want.length }).toEqual({ feature, rows: expected.features[feature] });
      if (want.length === 0) {
        expect(sectionText(doc, title)).toContain("_None in this scenario._");
        continue;
      }
      const rows = records(tableUnder(doc, title));
      expect(rows).toHaveLength(expected.features[feature]);
      expect(rows.map((r) => `${r.Table}|${r.Direction}|${r.Transport}|${r.Port}|${r.Protocol}`)).toEqual(
        want.map((r) => `${r.table}|${r.direction}|${r.transport}|${portText(r.ports.from, r.ports.to)}|${r.protocol}`),
      );
      // Microsoft's summary table of this scenario (fixture): each of its rows is in the worksheet's summary.
      const ms = (msScenario(id)?.firewallRules ?? []).filter((r) => r.table === feature);
      const side = (r: Record<string, string>) => (r.Table.startsWith("edge-internal") ? "internal" : "external");
      for (const m of ms) {
        const found = rows.filter(
          (r) =>
            side(r) === m.interface &&
            r.Direction === m.direction &&
            r.Transport === m.transport &&
            r.Port === portText(m.portFrom, m.portTo) &&
            r.Protocol === m.protocol.replace(/,\s*/g, "/"),
        );
        expect({ row: m, found: found.length }).toEqual({ row: m, found: 1 });
      }
      // Scenarios 1-4 have all three summaries; the worksheet has no row beyond Microsoft's but federation's inbound 5061.
      if (msScenario(id) && feature !== "federation" && ms.length) expect(rows).toHaveLength(ms.length);
    }
  });

  test("certificates: subject, SANs in order, EKU, assigned to, shared key", () => {
    const rows = records(tableUnder(doc, "Certificates"));
    expect(rows).toHaveLength(expected.certificates);
    expect(plan.certificates).toHaveLength(expected.certificates);
    rows.forEach((row, i) => {
      const c = plan.certificates[i];
      expect([row.Component, row["Subject name"], row["Assigned to"]]).toEqual([c.component, c.subject, c.assignedTo]);
      expect(row["SANs (in order)"] === "" ? [] : row["SANs (in order)"].split(", ")).toEqual(c.sans);
      expect(row["Key shared across pool members"].startsWith(c.sharedKey ? "yes" : "no")).toBe(true);
      if (c.sharedKey) for (const s of c.installedOn) expect(row["Key shared across pool members"]).toContain(s);
      expect(row.EKU).toContain("Server Authentication");
    });
  });

  test("IP plan lists every NIC address (with its NAT public address) and every VIP", () => {
    const rows = records(tableUnder(doc, "IP plan"));
    const nics = plan.servers.flatMap((s) => s.interfaces.flatMap((n) => n.addresses.map((a) => ({ s, n, a }))));
    expect(rows).toHaveLength(expected.ipPlan);
    expect(nics.length + plan.vips.length).toBe(expected.ipPlan);
    nics.forEach(({ s, n, a }, i) => {
      expect([rows[i].Host, rows[i].NIC, rows[i].Subnet, rows[i].Address, rows[i]["Public address (NAT)"]]).toEqual([
        s.fqdn,
        n.side,
        n.subnet,
        a.ip,
        a.natPublic ?? "",
      ]);
      expect(rows[i]["Default gateway"]).toBe(n.gateway ?? "none");
    });
    expect(rows.slice(nics.length).map((r) => r.Address)).toEqual(plan.vips.map((v) => v.ip));
  });

  test("summary: servers, NAT mappings, VIPs and topology settings come from the plan", () => {
    expect(plan.servers).toHaveLength(expected.servers);
    expect(records(tableUnder(doc, "Servers")).map((r) => r.FQDN)).toEqual(plan.servers.map((s) => s.fqdn));
    const nat = plan.servers.flatMap((s) => s.interfaces.flatMap((n) => n.addresses.filter((a) => a.natPublic)));
    expect(nat).toHaveLength(expected.nat);
    expect(plan.vips).toHaveLength(expected.vips);
    expect(plan.topologySettings).toHaveLength(expected.topology);
    expect(plan.publishingRules).toHaveLength(expected.publishing);
    if (nat.length)
      expect(records(tableUnder(doc, "NAT mappings")).map((r) => `${r["Public address"]}>${r["Private address"]}`)).toEqual(
        nat.map((a) => `${a.natPublic}>${a.ip}`),
      );
    if (plan.vips.length)
      expect(records(tableUnder(doc, "Load balancer VIPs")).map((r) => `${r.Address} ${r.FQDN}`)).toEqual(plan.vips.map((v) => `${v.ip} ${v.fqdn}`));
    expect(records(tableUnder(doc, "Topology settings to enter")).map((r) => [r.Setting, r.Value])).toEqual(
      plan.topologySettings.map((t) => [t.item, t.value]),
    );
    expect(records(tableUnder(doc, "Reverse proxy publishing rules")).map((r) => `${r["Public name"]}>${r["Target address"]}`)).toEqual(
      plan.publishingRules.map((p) => `${p.publicName}>${p.target.ip}`),
    );
  });

  test("every CSV file holds exactly the rows of the Markdown table it belongs to", () => {
    const tables = worksheetTables(plan);
    const mdTables = markdownTables(doc);
    expect(mdTables).toHaveLength(expected.tables);
    expect(tables).toHaveLength(expected.tables);
    for (const [i, t] of tables.entries()) {
      const parsed: string[][] = parse(tableCsv(t));
      expect(parsed[0]).toEqual(t.columns);
      expect(parsed.slice(1)).toEqual(t.rows);
      expect(mdTables[i].columns).toEqual(parsed[0]);
      expect(mdTables[i].rows).toEqual(parsed.slice(1).map((r) => r.map((c) => c.trim())));
    }
  });
});

describe("lab fidelity notes", () => {
  test("internet mode lists its fidelity notes and marks deploy-time addresses", () => {
    const yaml = readFileSync(join(__dirname, "../../scenarios/scaled-dnslb-public.yaml"), "utf8") + "\nlab:\n  mode: internet\n";
    const plan = planOf(yaml);
    const doc = worksheetMarkdown(plan);
    const fidelity = plan.notes.filter((n) => n.kind === "fidelity");
    expect(fidelity.length).toBeGreaterThan(0);
    expect(records(tableUnder(doc, "Lab fidelity (internet mode)")).map((r) => r.Note)).toEqual(fidelity.map((n) => n.message));
    expect(doc).toContain("(assigned at deploy)");
  });

  test("closed mode without fidelity notes says so", () => {
    const plan = plans.get("scaled-hlb")!;
    expect(plan.notes.some((n) => n.kind === "fidelity")).toBe(false);
    expect(sectionText(md.get("scaled-hlb")!, "Lab fidelity (closed mode)")).toContain("_None in this scenario._");
  });
});

describe("output files", () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), "edge-lab-ws-"));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  test("rendering is deterministic (byte-identical files, SVG included)", async () => {
    const plan = plans.get("contoso-enterprise")!;
    const a = await renderWorksheetFiles(plan);
    const b = await renderWorksheetFiles(bundledPlan("contoso-enterprise"));
    expect(b).toEqual(a);
    expect(a.map((f) => f.name)).toEqual(["worksheet.md", ...worksheetTables(plan).map((t) => `${t.id}.csv`), "diagram.dot", "diagram.svg"]);
  });

  test("writeWorksheets writes <dir>/<id>/ and replaces stale files", async () => {
    const plan = plans.get("scaled-hlb")!;
    const stale = join(dir, "scaled-hlb", "old.csv");
    mkdirSync(join(dir, "scaled-hlb"));
    writeFileSync(stale, "x");
    const written = await writeWorksheets(plan, dir);
    expect(written.dir).toBe(join(dir, "scaled-hlb"));
    expect(readdirSync(written.dir).sort()).toEqual([".edge-lab-output", ...written.files].sort());
    expect(existsSync(stale)).toBe(false);
    expect(readFileSync(join(written.dir, "worksheet.md"), "utf8")).toBe(md.get("scaled-hlb"));
    expect(readdirSync(dir)).toEqual(["scaled-hlb"]); // no temporary folders left
    // The CSV files on disk parse back to the worksheet's tables.
    const mdTables = markdownTables(md.get("scaled-hlb")!);
    const csvFiles = written.files.filter((f) => f.endsWith(".csv"));
    expect(mdTables).toHaveLength(EXPECTED["scaled-hlb"].tables);
    expect(csvFiles).toHaveLength(mdTables.length);
    csvFiles.forEach((f, i) => {
      const parsed: string[][] = parse(readFileSync(join(written.dir, f), "utf8"));
      expect([parsed[0], parsed.slice(1).map((r) => r.map((c) => c.trim()))]).toEqual([mdTables[i].columns, mdTables[i].rows]);
    });
  });

  test("a failed write leaves the previous outputs intact and no temporary folder", () => {
    const target = join(dir, "s");
    replaceDirectory(target, [{ name: "worksheet.md", content: "v1" }]);
    expect(() =>
      replaceDirectory(target, [
        { name: "worksheet.md", content: "v2" },
        { name: "../escape.csv", content: "x" },
      ]),
    ).toThrow(/invalid output file name/);
    expect(readFileSync(join(target, "worksheet.md"), "utf8")).toBe("v1");
    expect(readdirSync(dir)).toEqual(["s"]);
  });

  test("edge-lab worksheets writes the files; an invalid scenario writes nothing and exits 1", async () => {
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) };
    const file = join(__dirname, "../../scenarios/single-consolidated-nat.yaml");
    expect(await run(["worksheets", file, "--out", dir], io)).toBe(0);
    const files = readdirSync(join(dir, "single-consolidated-nat"));
    expect(files).toEqual(
      expect.arrayContaining(["worksheet.md", "diagram.svg", "dns-external.csv", "firewall-edge-external.csv", "certificates.csv", "ip-plan.csv"]),
    );
    expect(out.join("")).toContain(join(dir, "single-consolidated-nat"));

    const bad = join(dir, "bad.yaml");
    writeFileSync(bad, "id: bad\nsipDomains: [contoso.com]\nsites: []\nunknownKey: 1\n");
    const before = readdirSync(dir).sort();
    err.length = 0;
    expect(await run(["worksheets", bad, "--out", dir], io)).toBe(1);
    expect(err.join("")).toMatch(/error \[/);
    expect(readdirSync(dir).sort()).toEqual(before);
    expect(existsSync(join(dir, "bad"))).toBe(false);
  });
});
