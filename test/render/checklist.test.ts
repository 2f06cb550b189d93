import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { run } from "../../bin/cli";
import type { FirewallRule, Plan } from "../../lib/model/plan";
import { buildChecklist, checklistMarkdown, checklistPowerShell, probeCommand, resolveCommand } from "../../lib/render/checklist";
import { bundledPlan, bundledScenarioFiles, planOf } from "../helpers";

const ids = bundledScenarioFiles().map((f) => basename(f, ".yaml"));

const portText = (r: FirewallRule) => (r.ports.from === r.ports.to ? String(r.ports.from) : `${r.ports.from}-${r.ports.to}`);
/**
 * Where the test expects a row to be probed: the public address from the Internet or from Microsoft 365 (it reaches
 * the Edge through the NAT, as any Internet host), else the NIC/VIP address.
 */
const targets = (r: FirewallRule) =>
  (r.source.addresses.includes("Internet") || r.table === "edge-m365") && r.destination.publicAddresses?.length
    ? r.destination.publicAddresses
    : r.destination.addresses;
const probed = (r: FirewallRule) => r.transport === "TCP" && r.ports.from === r.ports.to;
const isStun = (r: FirewallRule) => r.transport === "UDP" && r.ports.from === 3478 && r.ports.to === 3478;

/**
 * Independent counts per bundled scenario, by hand from Microsoft's tables for the rows each scenario file enables
 * (Microsoft's tables (lync-edge-2013.md, rows copied into test/fixtures/microsoft/edge-tables.json): port summaries §3-§7, reverse proxy §10.2/§10.3, Director §11.1/§11.2).
 * - inbound rows, Microsoft scenarios 1-4: external 8 (XMPP 5269, Access 443 and 5061, Web Conferencing 443, A/V RTP
 *   TCP and UDP 50000-59999, STUN UDP 3478, TCP 443) + internal 10 (all but the outbound SIP row) + reverse proxy 2
 *   (80, 443) = 20; of these 16 single-port TCP, 2 STUN UDP 3478 (external, internal), 2 port ranges (RTP).
 *   Scenario 5: external per node 4 (RTP TCP/UDP, STUN UDP, TCP 443) + external VIPs 6 + internal per node 8 + internal
 *   VIPs 4 + reverse proxy 2 = 24; STUN 4 (one per table), ranges 2, single-port TCP 18.
 * - outbound rows, scenarios 1-4: external 8 + the XMPP summary's outbound 5269 + internal 1 + reverse proxy 2 (8080,
 *   4443) = 12; scenario 5: external per node 7 + external VIPs 2 + internal VIPs 2 + reverse proxy 2 = 13.
 * - contoso-enterprise: hq (scenario 3 rows without OCS 2007 partners, so no inbound RTP: external 6 in / 8 out,
 *   internal 10 / 1, reverse proxy with Office Web Apps 2 / 4, Director pool 8 / 1) + dr (single Edge, not the
 *   federation route, no XMPP: external 4 / 6, internal 9 / 1, reverse proxy 2 / 2): 41 in, 23 out; STUN 4, no range.
 * - hybrid-se: external 5 / 7 (no XMPP), internal 9 / 1, Microsoft 365 3 / 4 (5061, RTP TCP range, STUN UDP),
 *   reverse proxy 2 / 2, Director 8 / 1: 27 in, 15 out; STUN 3, 1 range.
 * - DNS records, scenarios 1-2: external 14 = Microsoft's main table 5 (sip, webcon, av, _sip._tls, _sipfederationtls)
 *   + XMPP 2 (SRV, A) + reverse proxy 3 (webext, meet, dialin) + fabrikam.com 4 (_sip._tls, _sipfederationtls, sip,
 *   meet); internal 2 (lsedge, the next hop pool01) = 16; scenarios 3-5 add lsedge01/lsedge02 = 18.
 *   contoso-enterprise: external 24 (7 per SIP domain: _sip._tls, _sipfederationtls, _xmpp-server, sip, xmpp, meet,
 *   lyncdiscover; hq webcon, av, webext, webdirext, dialin, officewebapps01; dr sip-dr, webcon-dr, av-dr, webext-dr),
 *   internal 16 (9 server/pool names + sip, meet x2, dialin, webdirext, lyncdiscoverinternal x2) = 40.
 *   hybrid-se: external 15 (5 per SIP domain + webcon, av, webext, webdirext, dialin), internal 15 (7 server/pool
 *   names + sip, webcon, meet x2, dialin, webdirext, lyncdiscoverinternal x2) = 30.
 */
const COUNTS: Record<string, { dns: number; inbound: number; tcp: number; stun: number; ranges: number; outbound: number }> = {
  "single-consolidated-nat": { dns: 16, inbound: 20, tcp: 16, stun: 2, ranges: 2, outbound: 12 },
  "single-consolidated-public": { dns: 16, inbound: 20, tcp: 16, stun: 2, ranges: 2, outbound: 12 },
  "scaled-dnslb-nat": { dns: 18, inbound: 20, tcp: 16, stun: 2, ranges: 2, outbound: 12 },
  "scaled-dnslb-public": { dns: 18, inbound: 20, tcp: 16, stun: 2, ranges: 2, outbound: 12 },
  "scaled-hlb": { dns: 18, inbound: 24, tcp: 18, stun: 4, ranges: 2, outbound: 13 },
  "contoso-enterprise": { dns: 40, inbound: 41, tcp: 37, stun: 4, ranges: 0, outbound: 23 },
  "hybrid-se": { dns: 30, inbound: 27, tcp: 23, stun: 3, ranges: 1, outbound: 15 },
};

/** Firewall row ids ("<site>/<table>/<row>") the checklist tags its lines with. */
const taggedRows = (md: string) => [...md.matchAll(/\[([\w-]+\/[\w-]+\/[\w-]+)[,\]]/g)].map((m) => m[1]);

/** The Markdown section (## ...) of one -From origin. */
function section(md: string, origin: string): string {
  const start = md.indexOf(`(\`-From ${origin}\`)`);
  if (start < 0) return "";
  const end = md.indexOf("\n## ", start);
  return end < 0 ? md.slice(start) : md.slice(start, end);
}

/** The PowerShell block `if ($From -eq '<origin>') { ... }`. */
function block(ps1: string, origin: string): string {
  const start = ps1.indexOf(`if ($From -eq '${origin}') {`);
  if (start < 0) return "";
  return ps1.slice(start, ps1.indexOf("\r\n}\r\n", start));
}

describe.each(ids)("checklist of %s", (id) => {
  const plan: Plan = bundledPlan(id);
  const md = checklistMarkdown(plan);
  const ps1 = checklistPowerShell(plan);
  const inbound = plan.firewallRules.filter((r) => r.direction === "inbound");
  const counts = COUNTS[id];

  test("the plan has the hand-counted rows and records of the scenario", () => {
    expect(counts).toBeDefined(); // a new bundled scenario needs its counts above
    expect(inbound).toHaveLength(counts.inbound);
    expect(plan.firewallRules.filter((r) => r.direction === "outbound")).toHaveLength(counts.outbound);
    expect(plan.dnsRecords).toHaveLength(counts.dns);
  });

  test("every DNS record appears with its expected answer, in its view's section", () => {
    expect(plan.dnsRecords).toHaveLength(counts.dns);
    for (const r of plan.dnsRecords) {
      const origin = r.view === "external" ? "external-client" : "internal-client";
      expect(section(md, origin)).toContain(`\`${resolveCommand(r)}\` returns ${r.values.join(", ")}`);
      expect(block(ps1, origin)).toContain(`Test-DnsRecord -Name '${r.name}' -Type ${r.type} -Expected @(${r.values.map((v) => `'${v}'`).join(", ")})`);
    }
    const dnsLines = md.split("\n").filter((l) => l.includes("Resolve-DnsName"));
    // Hybrid: each federation-route Edge also resolves every _sipfederationtls._tcp record itself.
    const fromEdge = plan.hybrid
      ? plan.dnsRecords.filter((r) => r.view === "external" && r.name.startsWith("_sipfederationtls._tcp.")).length *
        plan.servers.filter((x) => x.role === "edge" && plan.scenario.sites.find((site) => site.name === x.site)?.federationRoute).length
      : 0;
    expect(dnsLines).toHaveLength(plan.dnsRecords.length + fromEdge);
  });

  test("every inbound single-port TCP row is probed with Test-NetConnection at each target address", () => {
    const tcp = inbound.filter(probed);
    expect(tcp).toHaveLength(counts.tcp);
    for (const r of tcp) {
      for (const a of targets(r)) {
        const line = md.split("\n").find((l) => l.includes(`\`${probeCommand(a, r.ports.from)}\``) && l.includes(`[${r.id}]`));
        expect({ row: r.id, address: a, found: line !== undefined }).toEqual({ row: r.id, address: a, found: true });
        expect(ps1).toContain(`Test-TcpPort -Address '${a}' -Port ${r.ports.from} -What '`);
      }
    }
  });

  test("Internet-facing rows are probed from the external client, internal rows from the inside", () => {
    const rows = inbound.filter(probed);
    expect(rows).toHaveLength(counts.tcp);
    const external = taggedRows(section(md, "external-client"));
    // Every other origin's sections: the internal client, the lab servers, the Management Shell.
    const inside = md
      .split("\n## ")
      .filter((s) => !s.includes("(`-From external-client`)"))
      .flatMap(taggedRows);
    const fromInternet = rows.filter((r) => r.source.addresses.includes("Internet")).map((r) => r.id);
    const fromInside = rows.filter((r) => !r.source.addresses.includes("Internet")).map((r) => r.id);
    // Both kinds exist in every scenario: the Access Edge 443 row from the Internet, the internal 5061 row from inside.
    expect(fromInternet.length).toBeGreaterThan(0);
    expect(fromInside.length).toBeGreaterThan(0);
    expect(fromInternet.filter((r) => !external.includes(r))).toEqual([]);
    expect(fromInside.filter((r) => !inside.includes(r))).toEqual([]);
    expect(fromInside.filter((r) => external.includes(r))).toEqual([]);
  });

  test("UDP 3478 (STUN/TURN) rows are probed with a STUN Binding request at each target address", () => {
    const stun = inbound.filter(isStun);
    expect(stun).toHaveLength(counts.stun);
    for (const r of stun) {
      for (const a of targets(r)) {
        expect(md.split("\n").some((l) => l.includes(`UDP STUN Binding request to ${a}:3478 is answered`) && l.includes(`[${r.id}]`))).toBe(true);
        expect(ps1).toContain(`Test-StunUdp -Address '${a}' -Port 3478 -What '`);
      }
    }
    expect(ps1).toContain("$request = [byte[]](0x00, 0x01, 0x00, 0x00, 0x21, 0x12, 0xA4, 0x42) + $id");
  });

  test("every TLS listener's certificate is checked against the plan's certificate table, the A/V name excluded outside", () => {
    const c = buildChecklist(plan);
    expect(c.tls.length).toBeGreaterThan(0);
    for (const { probe: t } of c.tls) {
      expect(md).toContain(`\`openssl s_client -connect ${t.address}:${t.port} -servername ${t.serverName} `);
      expect(ps1).toContain(`Test-TlsCertificate -Address '${t.address}' -Port ${t.port} -ServerName '${t.serverName}' -Subject '${t.certificate.subject}'`);
      expect([t.certificate.subject, ...t.certificate.sans]).toContain(t.serverName);
    }
    const external = c.tls.filter((t) => t.origin.id === "external-client");
    expect(external.length).toBeGreaterThan(0);
    const avOf = (site: string) =>
      plan.servers.filter((s) => s.site === site).flatMap((s) => s.interfaces.flatMap((i) => i.addresses.filter((a) => a.role === "av").map((a) => a.fqdn!)));
    for (const { probe: t } of external.filter((x) => x.probe.certificate.installedOn.some((id) => id.includes("-edge-")))) {
      expect(t.forbiddenNames).toEqual(expect.arrayContaining([...new Set(avOf(t.site))]));
      expect(t.certificate.sans.filter((n) => t.forbiddenNames.includes(n))).toEqual([]);
    }
  });

  test("other UDP rows and port ranges appear as notes, never as Test-NetConnection probes", () => {
    const notes = inbound.filter((r) => !probed(r) && !isStun(r));
    expect(notes).toHaveLength(counts.ranges);
    for (const r of notes) {
      const lines = md.split("\n").filter((l) => l.includes(`[${r.id}]`));
      for (const a of targets(r)) expect(lines.some((l) => l.includes(` to ${a} `))).toBe(true);
      for (const l of lines) {
        expect(l).toContain(`Note: ${r.transport} ${portText(r)}`);
        expect(l).not.toContain("Test-NetConnection -ComputerName");
      }
      expect(ps1).toContain(`Write-Note '${r.transport} ${portText(r)} to `);
    }
    if (notes.some((r) => r.transport === "UDP")) expect(md).toContain("UDP cannot be probed with Test-NetConnection");
    // Every inbound row is probed one way or another.
    expect(inbound.every((r) => probed(r) || isStun(r) || notes.includes(r))).toBe(true);
  });

  test("outbound rows are not probed: the rows the checklist names are exactly the inbound rows", () => {
    const outbound = plan.firewallRules.filter((x) => x.direction === "outbound");
    expect(outbound).toHaveLength(counts.outbound);
    const tagged = new Set(taggedRows(md));
    expect([...tagged].sort()).toEqual(inbound.map((r) => r.id).sort());
    expect(outbound.filter((r) => tagged.has(r.id)).map((r) => r.id)).toEqual([]);
  });

  test("the script's -From choices are exactly the sections it has", () => {
    const c = buildChecklist(plan);
    const choices = /ValidateSet\(([^)]*)\)/
      .exec(ps1)![1]
      .split(", ")
      .map((s) => s.slice(1, -1));
    expect(choices).toEqual(c.origins.map((o) => o.id));
    // Every scenario has DNS records in both views and Management Shell settings (hosting provider, Access Edge).
    expect(choices).toEqual(expect.arrayContaining(["external-client", "internal-client", "management-shell"]));
    for (const o of c.origins) {
      if (c.dns.some((d) => d.origin.id === o.id) || c.ports.some((p) => p.origin.id === o.id)) expect(block(ps1, o.id)).not.toBe("");
    }
    expect(ps1).toMatch(/\r\nexit 0\r\n$/);
    expect(ps1.replace(/\r\n/g, "")).not.toContain("\n"); // CRLF throughout, for Windows PowerShell
  });
});

test("rows from a lab server (Edge -> Director, reverse proxy -> Director) are probed on that server", () => {
  const plan = bundledPlan("contoso-enterprise");
  const c = buildChecklist(plan);
  const fromEdge = c.ports.filter((p) => p.origin.id === "hq-edge-01");
  expect(fromEdge.length).toBeGreaterThan(0);
  // Besides the Director rows: the hairpin STUN probe to the other pool member's public A/V address.
  expect(fromEdge.every((p) => p.rule.table === "director" || (p.probe.kind === "stun" && p.address === "131.107.155.31"))).toBe(true);
  expect(checklistMarkdown(plan)).toContain("## From lsedge01.contoso.net (hq-edge-01) (`-From hq-edge-01`)");
});

test("internet mode: deploy-time addresses are flagged and can be mapped with -PublicAddress", () => {
  const yaml = readFileSync(join(__dirname, "../../scenarios/single-consolidated-nat.yaml"), "utf8") + "\nlab:\n  mode: internet\n";
  const plan = planOf(yaml);
  const md = checklistMarkdown(plan);
  expect(md).toContain("*(assigned at deploy)*");
  expect(checklistPowerShell(plan)).toContain("[hashtable]$PublicAddress = @{}");
});

describe("edge-lab checklist", () => {
  const file = join(__dirname, "../../scenarios/scaled-hlb.yaml");
  const io = () => {
    const out: string[] = [];
    const err: string[] = [];
    return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) } };
  };

  test("prints Markdown by default and the script with --format ps1", async () => {
    const a = io();
    expect(await run(["checklist", file], a.io)).toBe(0);
    expect(a.out.join("")).toBe(checklistMarkdown(bundledPlan("scaled-hlb")));
    const b = io();
    expect(await run(["checklist", file, "--format", "ps1"], b.io)).toBe(0);
    expect(b.out.join("")).toBe(checklistPowerShell(bundledPlan("scaled-hlb")));
  });

  test("--out writes the file; a bad format or scenario exits 1", async () => {
    const dir = mkdtempSync(join(tmpdir(), "edge-lab-cl-"));
    try {
      const a = io();
      expect(await run(["checklist", file, "--format", "ps1", "--out", join(dir, "checks.ps1")], a.io)).toBe(0);
      expect(readFileSync(join(dir, "checks.ps1"), "utf8")).toBe(checklistPowerShell(bundledPlan("scaled-hlb")));
      const b = io();
      expect(await run(["checklist", file, "--format", "sh"], b.io)).toBe(1);
      const c = io();
      expect(await run(["checklist", join(dir, "missing.yaml")], c.io)).toBe(1);
      expect(c.err.join("")).toContain("no such file");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
