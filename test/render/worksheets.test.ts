import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { parse } from "csv-parse/sync";
import { run } from "../../bin/cli";
import type { FirewallEndpoint, Plan } from "../../lib/model/plan";
import { tableCsv } from "../../lib/render/table";
import { FEATURE_SUMMARIES, FIREWALL_TABLES, dnsRecordsOf, featureRowsOf, firewallRowsOf, ipPlanEntries } from "../../lib/render/worksheets/tables";
import { renderWorksheetFiles, replaceDirectory, worksheetMarkdown, worksheetTables, writeWorksheets } from "../../lib/render/worksheets";
import { bundledPlan, bundledScenarioFiles, planOf } from "../helpers";
import { markdownTables, records, tableUnder } from "./md-tables";

const ids = bundledScenarioFiles().map((f) => basename(f, ".yaml"));
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
    const want = dnsRecordsOf(plan, view);
    expect(rows).toHaveLength(want.length);
    rows.forEach((row, i) => {
      const r = want[i];
      expect([row.Site, row.Zone, row.Name, row.Type, row.TTL, row.Purpose]).toEqual([r.site, r.zone, r.name, r.type, String(r.ttl), r.purpose]);
      expect(row.Value).toBe(r.values.join(", ") + (r.assignedAtDeploy ? " (assigned at deploy)" : ""));
    });
  });

  test("each firewall section equals the plan's rows of that table (and absent tables say so)", () => {
    for (const { table, title } of FIREWALL_TABLES) {
      const want = firewallRowsOf(plan, table);
      if (want.length === 0) {
        expect(sectionText(doc, title)).toContain("_None in this scenario._");
        continue;
      }
      const rows = records(tableUnder(doc, title));
      expect(rows).toHaveLength(want.length);
      rows.forEach((row, i) => {
        const r = want[i];
        const port = r.ports.from === r.ports.to ? String(r.ports.from) : `${r.ports.from}-${r.ports.to}`;
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
    for (const { feature, title } of FEATURE_SUMMARIES) {
      const want = featureRowsOf(plan, feature);
      if (want.length === 0) {
        expect(sectionText(doc, title)).toContain("_None in this scenario._");
        continue;
      }
      const rows = records(tableUnder(doc, title));
      expect(rows.map((r) => `${r.Table}|${r.Direction}|${r.Transport}|${r.Port}|${r.Protocol}`)).toEqual(
        want.map(
          (r) => `${r.table}|${r.direction}|${r.transport}|${r.ports.from === r.ports.to ? r.ports.from : `${r.ports.from}-${r.ports.to}`}|${r.protocol}`,
        ),
      );
    }
  });

  test("certificates: subject, SANs in order, EKU, assigned to, shared key", () => {
    const rows = records(tableUnder(doc, "Certificates"));
    expect(rows).toHaveLength(plan.certificates.length);
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
    expect(rows).toHaveLength(nics.length + plan.vips.length);
    expect(ipPlanEntries(plan)).toHaveLength(rows.length);
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
    expect(records(tableUnder(doc, "Servers")).map((r) => r.FQDN)).toEqual(plan.servers.map((s) => s.fqdn));
    const nat = plan.servers.flatMap((s) => s.interfaces.flatMap((n) => n.addresses.filter((a) => a.natPublic)));
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
    expect(tables.length).toBe(mdTables.length);
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
