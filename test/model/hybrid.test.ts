/**
 * Microsoft 365 federation and hybrid in the plan, checked against Microsoft's tables (copied into
 * test/fixtures/microsoft/hybrid-tables.json with their source): the Edge <-> Microsoft 365 port table, the hosting
 * provider parameters, the Teams Only cutover DNS table; the endpoints snapshot and the override file; DNS and
 * certificates of a hybrid deployment; the diff between the two phases of one organisation.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadScenarioFile, readEndpointsFile } from "../../lib/model/load";
import { ageInDays, parseEndpointsFile, SNAPSHOT, SNAPSHOT_DATE, STALE_AFTER_DAYS } from "../../lib/model/m365-endpoints";
import type { FirewallRule, Plan } from "../../lib/model/plan";
import { Port } from "../../lib/model/port";
import { diffPlans } from "../../lib/render/diff";
import { callText } from "../../lib/render/cmdlets";
import { zoneFiles } from "../../lib/lab/zones";
import { ROOT, bundledPlan, load, planOf } from "../helpers";

const fixture = JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "microsoft", "hybrid-tables.json"), "utf8"));
const capture = JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "microsoft", "m365-teams-endpoints-2026-09-14.json"), "utf8"));
const TEAMS_ONLY = join(ROOT, "docs", "examples", "hybrid-se-teams-only.yaml");
const HYBRID = join(ROOT, "scenarios", "hybrid-se.yaml");
const dir = mkdtempSync(join(tmpdir(), "edge-lab-hybrid-"));

function planOfFile(file: string, options = {}): Plan {
  const result = loadScenarioFile(file, options);
  if (!result.ok || !result.plan) throw new Error(JSON.stringify(result.problems));
  return result.plan;
}

const hybridYaml = (extra = "", phase = "hybrid") =>
  `id: hyb\nproduct: sfbse\nsipDomains: [contoso.com, fabrikam.com]\ninternalDomain: contoso.net\nmobility: true\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com, fabrikam.com], phase: ${phase}}\n${extra}`;

const ROLE: Record<string, string> = { "Access Edge": "Access", "A/V Edge": "A/V" };

describe("Edge <-> Microsoft 365 firewall table (Microsoft's six rows)", () => {
  const plan = bundledPlan("hybrid-se");
  const rows = plan.firewallRules.filter((r) => r.table === "edge-m365");
  const edgeIps = (role: string) =>
    plan.servers
      .filter((s) => s.role === "edge")
      .map((s) => s.interfaces.find((i) => i.side === "external")!.addresses.find((a) => a.role === (role === "Access" ? "access" : "av"))!.ip);

  type PortRow = { protocol: string; transport: string; source: string; destination: string; sourcePorts: string | null; destinationPorts: string[] };
  test.each((fixture.hybridPorts.rows as PortRow[]).map((r): [string, PortRow] => [`${r.protocol} ${r.transport} ${r.source} -> ${r.destination}`, r]))(
    "%s is in the plan, port for port",
    (_title, row) => {
      const inbound = row.source === "Office 365";
      const role = ROLE[inbound ? row.destination : row.source];
      const matching = rows.filter(
        (r) => r.direction === (inbound ? "inbound" : "outbound") && r.protocol === row.protocol && r.transport === row.transport && r.service === role,
      );
      // One plan row per destination port range (Microsoft writes "443, 50000-59999" in one cell).
      expect(matching.map((r) => Port.of(r.transport, r.ports).rangeText).sort()).toEqual([...row.destinationPorts].sort());
      for (const r of matching) {
        expect(r.sourcePorts ? Port.of(r.transport, r.sourcePorts).rangeText : null).toBe(row.sourcePorts);
        const edge = inbound ? r.destination : r.source;
        const far = inbound ? r.source : r.destination;
        expect(edge.addresses).toEqual(edgeIps(role));
        // The prefixes of the set whose ports the row matches, or of both (test/model/m365-endpoints.test.ts).
        expect(far.addresses.length).toBeGreaterThan(0);
        expect([...SNAPSHOT.ipv4, ...SNAPSHOT.ipv6]).toEqual(expect.arrayContaining(far.addresses));
        expect(far.label).toMatch(/^Microsoft 365 .*endpoint sets? 1[12]/);
        expect(r).toMatchObject({ firewall: "external", site: "hq", features: ["federation"] });
        expect(r.refs).toContain("ms:hybrid-ports");
      }
    },
  );

  test("no other rows, none without hybrid, and none on a site that is not the federation route", () => {
    expect(rows).toHaveLength(7); // six rows, the outbound STUN/TCP row split in two
    expect(bundledPlan("scaled-dnslb-nat").firewallRules.filter((r) => r.table === "edge-m365")).toEqual([]);
    const twoSites = planOf(
      `id: two\nproduct: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com]}\nsites:\n  - {name: hq}\n  - {name: dr, federationRoute: true}\n`,
    );
    expect([...new Set(twoSites.firewallRules.filter((r) => r.table === "edge-m365").map((r) => r.site))]).toEqual(["dr"]);
  });

  test("the inbound TCP 50000-59999 row says it is response traffic", () => {
    const response = rows.find((r) => r.direction === "inbound" && r.transport === "TCP" && r.ports.from === 50000)!;
    expect(response.purpose).toMatch(/^Response traffic/);
  });

  test("a hardware-load-balanced pool receives SIP at the Access VIP, media at each A/V Edge", () => {
    const hlb = planOf(
      `id: hlb\nproduct: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com]}\nsites: [{name: hq, edge: {servers: 2, loadBalancing: hardware}}]\n`,
    );
    const m365 = hlb.firewallRules.filter((r) => r.table === "edge-m365");
    const sipIn = m365.find((r) => r.id.endsWith("m365-in-sip-mtls"))!;
    expect(sipIn.destination.addresses).toEqual([hlb.vips.find((v) => v.service === "access")!.ip]);
    expect(m365.find((r) => r.id.endsWith("m365-in-stun-udp"))!.destination.addresses).toHaveLength(2);
  });
});

describe("Microsoft 365 endpoints: the shipped snapshot and the override file", () => {
  test("the snapshot holds exactly the capture's prefixes, with its source and date", () => {
    expect([...SNAPSHOT.ipv4, ...SNAPSHOT.ipv6].sort()).toEqual([...capture.ipRanges].sort());
    expect(SNAPSHOT.date).toBe(capture.updated_at);
    expect(SNAPSHOT.sets.map((s) => s.id)).toEqual([11, 12]);
    expect(SNAPSHOT.source).toMatch(/endpoints\.office\.com.*2026-09-14/);
    const plan = bundledPlan("hybrid-se");
    expect(plan.hybrid!.endpoints).toMatchObject({ date: "2026-09-14", ids: [11, 12], ipv4: ["52.112.0.0/14", "52.122.0.0/15"] });
    expect(plan.hybrid!.endpoints.urls).toEqual(expect.arrayContaining(["*.lync.com", "*.teams.microsoft.com"]));
  });

  const serviceFile = (sets: unknown) => {
    const file = join(dir, `endpoints-${Math.random().toString(36).slice(2)}.json`);
    writeFileSync(file, JSON.stringify(sets));
    return file;
  };
  const current = [
    { id: 1, serviceArea: "Exchange", ips: ["13.107.6.152/31"], tcpPorts: "443" },
    { id: 11, serviceArea: "Skype", ips: ["13.107.64.0/18", "52.112.0.0/14", "52.122.0.0/15", "2603:1063::/38"], udpPorts: "3478,3479,3480,3481" },
    { id: 12, serviceArea: "Skype", urls: ["*.lync.com"], ips: ["52.112.0.0/14"], tcpPorts: "443,80" },
  ];

  test("--m365-endpoints: the rows take the file's prefixes of IDs 11 and 12 (not the other service areas)", () => {
    const read = readEndpointsFile(serviceFile(current));
    expect(read.problem).toBeUndefined();
    const plan = planOfFile(HYBRID, { m365Endpoints: read.endpoints });
    const sipOut = plan.firewallRules.find((r) => r.id === "hq/edge-m365/m365-out-sip-mtls")!;
    expect(sipOut.destination.addresses).toEqual(["13.107.64.0/18", "52.112.0.0/14", "52.122.0.0/15", "2603:1063::/38"]);
    expect(plan.hybrid!.endpoints.date).toBeUndefined();
    expect(plan.hybrid!.endpoints.source).toMatch(/^endpoints file .*endpoints-/);
  });

  test.each([
    ["not JSON", "{", /not JSON/],
    ["not the service's format", JSON.stringify({ ips: [] }), /expected the endpoints web service's JSON/],
    [
      "a bad prefix",
      JSON.stringify([
        { id: 11, ips: ["52.112.0.0/99"] },
        { id: 12, ips: [] },
      ]),
      /\[0\]\.\[ips\]\.\[0\] expected an IPv4 or IPv6 prefix/,
    ],
    ["IDs 11 and 12 missing", JSON.stringify([{ id: 1, ips: ["13.107.6.152/31"] }]), /endpoint sets 11 and 12 missing/],
    ["ID 12 missing", JSON.stringify([{ id: 11, ips: ["52.112.0.0/14"] }]), /endpoint set 12 missing/],
    [
      "a name that is not a host name",
      JSON.stringify([
        { id: 11, ips: ["52.112.0.0/14"] },
        { id: 12, urls: ["*.lync.com", "evil|`name`\n# x"] },
      ]),
      /\[1\]\.\[urls\]\.\[1\] expected a host name/,
    ],
    ["no IPv4 prefix", JSON.stringify([{ id: 11, ips: ["2603:1063::/38"] }, { id: 12 }]), /no IPv4 prefix/],
  ])("a file with %s is refused with the file's name", (_title, text, message) => {
    const file = join(dir, "bad-endpoints.json");
    writeFileSync(file, text);
    const read = readEndpointsFile(file);
    expect(read.endpoints).toBeUndefined();
    expect(read.problem).toMatchObject({ severity: "error", rule: "FILE", file });
    expect(read.problem!.message).toMatch(message);
    expect(read.problem!.message).toMatch(/\(--m365-endpoints\)$/);
  });

  test("a missing file is a FILE problem", () => {
    expect(readEndpointsFile(join(dir, "nope.json")).problem).toMatchObject({ rule: "FILE", message: "no such file (--m365-endpoints)" });
  });

  test("prefixes are normalised to their network and de-duplicated", () => {
    const e = parseEndpointsFile(
      JSON.stringify([
        { id: 11, ips: ["52.112.0.1/14", "52.112.0.0/14"] },
        { id: 12, ips: ["2603:1063:0::/38"] },
      ]),
      "x.json",
    );
    expect(e.ipv4).toEqual(["52.112.0.0/14"]);
    expect(e.ipv6).toEqual(["2603:1063::/38"]);
  });

  test("the snapshot is reported when older than 90 days, for hybrid scenarios only", () => {
    const day = (n: number) => new Date(Date.parse(`${SNAPSHOT_DATE}T12:00:00Z`) + n * 86_400_000);
    expect(ageInDays(SNAPSHOT_DATE, day(STALE_AFTER_DAYS))).toBe(90);
    const fresh = loadScenarioFile(HYBRID, { now: day(STALE_AFTER_DAYS) });
    expect(fresh.problems.filter((p) => p.rule === "M365-ENDPOINTS")).toEqual([]);
    const stale = loadScenarioFile(HYBRID, { now: day(STALE_AFTER_DAYS + 1) });
    const warning = stale.problems.find((p) => p.rule === "M365-ENDPOINTS")!;
    expect(warning).toMatchObject({ severity: "warning", path: "hybrid", file: HYBRID });
    expect(warning.line).toBeGreaterThan(0);
    expect(warning.message).toMatch(/snapshot of 2026-09-14, 91 days old \(more than 90\); download the current list .* --m365-endpoints <file>/);
    expect(stale.ok).toBe(true);
    const onPrem = load("sipDomains: [contoso.com]\nfederation: {sip: true}\n");
    expect(onPrem.problems).toEqual([]);
    // A file the user passes is theirs: no age to report.
    const read = readEndpointsFile(serviceFile(current));
    expect(loadScenarioFile(HYBRID, { m365Endpoints: read.endpoints, now: day(1000) }).problems.filter((p) => p.rule === "M365-ENDPOINTS")).toEqual([]);
  });
});

describe("hosting provider for sipfed.online.lync.com", () => {
  const parameters = (plan: Plan) => {
    const c = plan.cmdlets.find((x) => x.id === "hosting-provider")!;
    return Object.fromEntries(c.call.steps[0].parameters.map((p) => [p.name, p.kind === "switch" ? true : p.value]));
  };

  test("hybrid: Microsoft's parameters (shared address space on, Autodiscover URL)", () => {
    const plan = bundledPlan("hybrid-se");
    expect(parameters(plan)).toEqual(fixture.hostingProvider.hybrid.parameters);
    expect(plan.cmdlets.find((x) => x.id === "hosting-provider")!.source).toContain(fixture.hostingProvider.hybrid.source);
    // Microsoft's command, modulo PowerShell quoting of the string values.
    const normalise = (text: string) => text.replace(/['"]/g, "").replace(/\$True/g, "$true");
    expect(normalise(callText(plan.cmdlets.find((x) => x.id === "hosting-provider")!.call))).toBe(normalise(fixture.hostingProvider.hybrid.command));
    expect(normalise(callText(plan.cmdlets.find((x) => x.id === "access-edge")!.call))).toBe(normalise(fixture.hostingProvider.hybrid.accessEdge));
    expect(callText(plan.cmdlets.find((x) => x.id === "tenant-shared-sip")!.call)).toBe(fixture.hostingProvider.hybrid.tenant);
  });

  test("every organisation with SIP federation gets it with the shared address space off (a topology setting and its cmdlet)", () => {
    const plan = bundledPlan("scaled-dnslb-nat");
    expect(parameters(plan)).toEqual(fixture.hostingProvider.federationOnly.parameters);
    expect(plan.cmdlets.find((x) => x.id === "hosting-provider")!.source).toContain(fixture.hostingProvider.federationOnly.source);
    expect(plan.cmdlets.map((c) => c.id)).toEqual(["access-edge", "hosting-provider-remove", "hosting-provider"]);
    const setting = plan.topologySettings.find((t) => t.item.startsWith("SIP federated providers: hosting provider"))!;
    expect(setting).toMatchObject({ site: "hq", item: "SIP federated providers: hosting provider Office365 (sipfed.online.lync.com)" });
    expect(setting.value).toMatch(/^Enabled; shared SIP address space off; hosts on-premises users no; verification UseSourceVerification$/);
    expect(plan.notes.some((n) => n.refs.includes("ms:hosting-provider") && /cannot federate/.test(n.message))).toBe(true);
  });

  test("no SIP federation: no hosting provider, no cmdlets", () => {
    const plan = planOf("sipDomains: [contoso.com]\n");
    expect(plan.cmdlets).toEqual([]);
    expect(plan.topologySettings.some((t) => t.item.includes("hosting provider"))).toBe(false);
    const xmppOnly = planOf("product: sfb2015\nsipDomains: [contoso.com]\nfederation: {xmpp: true}\n");
    expect(xmppOnly.cmdlets).toEqual([]);
  });

  test("partner discovery off is written as such", () => {
    const plan = planOf("sipDomains: [contoso.com]\nfederation: {sip: {partnerDiscovery: false, allowedDomains: [litwareinc.com]}}\n");
    expect(callText(plan.cmdlets[0].call)).toBe(
      "Set-CsAccessEdgeConfiguration -AllowOutsideUsers $true -AllowFederatedUsers $true -EnablePartnerDiscovery $false -UseDnsSrvRouting",
    );
    expect(plan.cmdlets[0].verify!.expect).toContainEqual({ property: "EnablePartnerDiscovery", value: false });
  });
});

describe("hybrid DNS and certificates", () => {
  const plan = bundledPlan("hybrid-se");
  const find = (view: string, type: string, name: string) => plan.dnsRecords.find((r) => r.view === view && r.type === type && r.name === name);

  test("all external records stay on-premises; _sipfederationtls._tcp of every SIP domain points to the Access Edge", () => {
    for (const domain of ["contoso.com", "fabrikam.com"]) {
      expect(find("external", "SRV", `_sipfederationtls._tcp.${domain}`)!.srv).toEqual({ priority: 0, weight: 0, port: 5061, target: `sip.${domain}` });
      expect(find("external", "A", `sip.${domain}`)!.values).toEqual(["131.107.155.10", "131.107.155.11"]);
    }
    expect(plan.dnsRecords.some((r) => r.type === "CNAME")).toBe(false);
  });

  test("the Web Conferencing Edge A record is also in the internal view, in its own pinpoint zone", () => {
    const internal = find("internal", "A", "webcon.contoso.com")!;
    expect(internal.values).toEqual(find("external", "A", "webcon.contoso.com")!.values);
    // A pinpoint zone answers only for its own name: no other public name of contoso.com is shadowed.
    expect(internal.zone).toBe("webcon.contoso.com");
    expect(internal.refs).toContain("ms:hybrid-dns");
    expect(plan.dnsRecords.some((r) => r.view === "internal" && r.zone === "contoso.com")).toBe(false);
    const onPrem = planOf("id: op\nproduct: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\n");
    expect(onPrem.dnsRecords.some((r) => r.view === "internal" && r.name === "webcon.contoso.com")).toBe(false);
  });

  test("the external Edge certificate carries sip.<domain> for every tenant domain", () => {
    const cert = plan.certificates.find((c) => c.id === "hq-edge-external")!;
    for (const d of plan.hybrid!.tenantDomains) expect(cert.sans).toContain(`sip.${d}`);
    expect(cert.sans.some((s) => s.includes("onmicrosoft"))).toBe(false);
  });

  test("the lists both sides need, and the notes cite their sources", () => {
    expect(plan.hybrid!.tenantFederation).toEqual({ openFederation: true, allowedDomains: ["litwareinc.com", "push.lync.com"], blockedDomains: [] });
    const text = plan.notes.map((n) => n.message).join("\n");
    expect(text).toContain("plan-hybrid-connectivity.md");
    expect(text).toContain("cloud-consolidation-edge-certificates.md");
    expect(text).toContain("ConfigureSkypeforBusinessHybridApplication.ps1");
  });
});

describe("Teams Only cutover", () => {
  const hybrid = planOfFile(HYBRID);
  const teamsOnly = planOfFile(TEAMS_ONLY);

  test("the two files describe the same organisation: only hybrid.phase differs", () => {
    const strip = (text: string) =>
      text
        .split("\n")
        .filter((l) => !l.startsWith("#"))
        .join("\n");
    expect(strip(readFileSync(TEAMS_ONLY, "utf8"))).toBe(strip(readFileSync(HYBRID, "utf8")).replace("phase: hybrid", "phase: teams-only"));
  });

  test.each(["contoso.com", "fabrikam.com"])("%s: the four records of Microsoft's table, TTL 3600, priority 100, weight 1", (domain) => {
    const t = fixture.cutoverDns;
    for (const row of t.rows as { type: string; name: string; port: number | null; value: string }[]) {
      const name = `${row.name}.${domain}`;
      const r = teamsOnly.dnsRecords.find((x) => x.view === "external" && x.name === name)!;
      expect(r).toMatchObject({ type: row.type, ttl: t.ttl, zone: domain });
      if (row.type === "SRV") expect(r.srv).toEqual({ priority: t.priority, weight: t.weight, port: row.port, target: row.value });
      else expect(r.values).toEqual([row.value]);
      // Nothing else answers for the name in the external view (a CNAME cannot coexist with other data).
      expect(teamsOnly.dnsRecords.filter((x) => x.view === "external" && x.name === name)).toHaveLength(1);
    }
    // The hybrid phase previews the same table.
    expect(hybrid.hybrid!.cutoverRecords.filter((r) => r.zone === domain)).toHaveLength(4);
  });

  test("the records to delete, and the plan note on the tenant switch", () => {
    const required = teamsOnly.hybrid!.cutoverDeletions.filter((d) => d.required).map((d) => `${d.view} ${d.type} ${d.name}`);
    expect(required.sort()).toEqual(
      [
        "external A lyncdiscover.contoso.com",
        "external A lyncdiscover.fabrikam.com",
        "external A sip.contoso.com",
        "external A sip.fabrikam.com",
        // Every internal record of the tenant domains (issue 22): the Director's simple URLs and web ticket name, the
        // hybrid Web Conferencing pinpoint zone, internal Autodiscover and sip.
        "internal A dialin.contoso.com",
        "internal A lyncdiscoverinternal.contoso.com",
        "internal A lyncdiscoverinternal.fabrikam.com",
        "internal A meet.contoso.com",
        "internal A meet.fabrikam.com",
        "internal A sip.contoso.com",
        "internal A webcon.contoso.com",
        "internal A webdirext.contoso.com",
      ].sort(),
    );
    const optional = teamsOnly.hybrid!.cutoverDeletions.filter((d) => !d.required).map((d) => d.name);
    expect(optional.sort()).toEqual(["dialin.contoso.com", "meet.contoso.com", "meet.fabrikam.com"]);
    const note = teamsOnly.notes.find((n) => n.refs.includes("ms:cutover-dns"))!;
    expect(note.kind).toBe("warning");
    expect(note.message).toMatch(/tenant switch .* fails while any of these records still points on-premises/);
    expect(hybrid.notes.some((n) => n.refs.includes("ms:cutover-dns"))).toBe(false);
  });

  test("the cutover cmdlets: the tenant to Teams Only, the tenant switch off, then the on-premises hosting providers off", () => {
    expect(teamsOnly.cmdlets.map((c) => [c.shell, callText(c.call)])).toEqual([
      ["tenant", "Grant-CsTeamsUpgradePolicy -PolicyName 'UpgradeToTeams' -Global"],
      ["tenant", fixture.hostingProvider.cutover.tenant],
      ["on-premises", fixture.hostingProvider.cutover.onPremises.replace("|", " | ")],
    ]);
  });

  test("diff between the phases shows exactly the DNS changes (plus the phase, the disabled hosting provider, the cutover commands and the notes)", () => {
    const { sections } = diffPlans(hybrid, teamsOnly);
    expect(sections.map((s) => s.section)).toEqual(["Scenario", "DNS records", "Topology settings", "Configuration cmdlets", "Notes"]);
    const topology = sections.find((s) => s.section === "Topology settings")!.change as { added: unknown[]; removed: unknown[]; changed: { key: string }[] };
    expect({ added: topology.added, removed: topology.removed }).toEqual({ added: [], removed: [] });
    expect(topology.changed.map((c) => c.key)).toEqual([expect.stringContaining("hosting provider Office365 (sipfed.online.lync.com)")]);
    const dns = sections.find((s) => s.section === "DNS records")!.change as {
      added: { key: string }[];
      removed: { key: string }[];
      changed: { key: string }[];
    };
    const key = (r: { key: string }) => r.key;
    const deleted = teamsOnly.hybrid!.cutoverDeletions.filter((d) => d.required).map((d) => `${d.view} ${d.type} ${d.name}`);
    const replaced = teamsOnly.dnsRecords.filter((r) => r.refs.includes("ms:cutover-dns"));
    const srvKeys = replaced
      .filter((r) => r.type === "SRV" && hybrid.dnsRecords.some((h) => h.view === r.view && h.type === "SRV" && h.name === r.name))
      .map((r) => `${r.view} SRV ${r.name}`);
    expect(dns.removed.map(key).sort()).toEqual(deleted.sort());
    expect(dns.changed.map(key).sort()).toEqual(srvKeys.sort());
    expect(dns.added.map(key).sort()).toEqual(
      replaced
        .map((r) => `${r.view} ${r.type} ${r.name}`)
        .filter((k) => !srvKeys.includes(k))
        .sort(),
    );
    const scenario = sections.find((s) => s.section === "Scenario")!.change as { changed: { fields: { path: string }[] }[] };
    expect(scenario.changed[0].fields.map((f) => f.path)).toEqual(["hybrid.phase"]);
  });

  test("zone files for both views: CNAMEs and SRVs point to Microsoft 365", () => {
    const zones = zoneFiles(teamsOnly);
    const ext = zones.find((z) => z.view === "external" && z.zone === "contoso.com")!.content;
    expect(ext).toContain("lyncdiscover.contoso.com.\t3600\tIN\tCNAME\twebdir.online.lync.com.");
    expect(ext).toContain("sip.contoso.com.\t3600\tIN\tCNAME\tsipdir.online.lync.com.");
    expect(ext).toContain("_sipfederationtls._tcp.contoso.com.\t3600\tIN\tSRV\t100 1 5061 sipfed.online.lync.com.");
    expect(ext).toContain("_sip._tls.contoso.com.\t3600\tIN\tSRV\t100 1 443 sipdir.online.lync.com.");
    expect(ext).not.toMatch(/^sip\.contoso\.com\.\t\d+\tIN\tA\t/m);
    // Internal view: the pinpoint zones the cutover replaces are gone (internal clients resolve the public records).
    const internal = zones.filter((z) => z.view === "internal").map((z) => z.zone);
    expect(internal.filter((z) => /^(lyncdiscoverinternal|lyncdiscover|sip)\./.test(z))).toEqual([]);
    // The hybrid-only Web Conferencing pinpoint zone goes too (issue 22).
    expect(internal).not.toContain("webcon.contoso.com");
    expect(
      zoneFiles(hybrid)
        .filter((z) => z.view === "internal")
        .map((z) => z.zone),
    ).toEqual(expect.arrayContaining(["lyncdiscoverinternal.contoso.com", "sip.contoso.com"]));
  });
});

describe("products", () => {
  test("every plan carries its product's support status, lab image and TLS note", () => {
    const lync = bundledPlan("scaled-hlb");
    expect(lync.scenario.support).toMatchObject({ status: "ended", extendedEnd: "2023-04-11" });
    expect(lync.scenario.support.source).toMatch(/microsoft-lync-server-2013\.yml$/);
    expect(lync.scenario.labImage).toEqual({ publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: "2012-R2-Datacenter", from: "product" });
    const se = bundledPlan("hybrid-se");
    expect(se.scenario.support).toMatchObject({ status: "supported" });
    expect(se.scenario.support.text).toMatch(/Modern Lifecycle/);
    expect(se.scenario.labImage.sku).toBe("2019-Datacenter");
    expect(se.notes.find((n) => n.message.startsWith("TLS: "))!.message).toMatch(/Minimum TLS 1\.2.*may break federation with partners/);
    const override = planOf("sipDomains: [contoso.com]\nlab: {imageSku: 2022-datacenter-azure-edition}\n");
    expect(override.scenario.labImage).toMatchObject({ sku: "2022-datacenter-azure-edition", from: "scenario" });
    expect(override.notes.some((n) => n.kind === "fidelity" && n.message.includes("2022-datacenter-azure-edition"))).toBe(true);
  });

  test("lab.imageSku is validated (it reaches Terraform)", () => {
    const bad = load('sipDomains: [contoso.com]\nlab: {imageSku: "2019\\"; rm -rf"}\n');
    expect(bad.ok).toBe(false);
    expect(bad.problems[0]).toMatchObject({ rule: "SCHEMA", path: "lab.imageSku" });
  });

  test("the bundled Microsoft scenarios keep Windows Live and get the retired-service warning and note", () => {
    const result = loadScenarioFile(join(ROOT, "scenarios", "scaled-dnslb-nat.yaml"));
    expect(result.problems.map((p) => `${p.severity} ${p.rule}`)).toEqual(expect.arrayContaining(["warning SE-02", "warning SE-01"]));
    expect(result.plan!.scenario.features.publicIm).toEqual(["windows-live"]);
    expect(result.plan!.notes.some((n) => n.refs.includes("SE-02"))).toBe(true);
  });
});

describe("hybrid scenario fields", () => {
  test("phase defaults to hybrid; voice to false", () => {
    expect(planOf(hybridYaml()).scenario.hybrid).toEqual({ phase: "hybrid", tenantDomains: ["contoso.com", "fabrikam.com"], voice: false });
  });

  test("tenant domains are validated as DNS names (they reach zone files and PowerShell)", () => {
    const bad = load('product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: ["contoso.com\'; Remove-Item C:\\\\"]}\n');
    expect(bad.ok).toBe(false);
    expect(bad.problems[0]).toMatchObject({ rule: "NET-08", path: "hybrid.tenantDomains[0]" });
    const phase = load("product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com], phase: cutover}\n");
    expect(phase.problems[0]).toMatchObject({ rule: "SCHEMA", path: "hybrid.phase", message: 'expected "hybrid" or "teams-only"' });
  });

  test("the rows of a hybrid lab in internet mode keep the Microsoft 365 ranges (no Internet tag)", () => {
    const plan = planOf(hybridYaml("lab: {mode: internet}\n"));
    const rule: FirewallRule = plan.firewallRules.find((r) => r.id === "hq/edge-m365/m365-in-stun-udp")!;
    expect(rule.source.addresses).not.toContain("Internet");
  });
});

describe("one sipfed.online.lync.com hosting provider (integration review)", () => {
  const providersOf = (plan: Plan) =>
    plan.topologySettings.filter((t) => /^SIP federated providers: /.test(t.item) && /sipfed\.online\.lync\.com/.test(`${t.item} ${t.value}`));

  test.each(["hybrid-se", "contoso-enterprise"])("%s (push notifications and SIP federation): one provider entry, which push uses", (id) => {
    const plan = bundledPlan(id);
    expect(providersOf(plan).map((t) => t.item)).toEqual(["SIP federated providers: hosting provider Office365 (sipfed.online.lync.com)"]);
    expect(plan.topologySettings.find((t) => t.item === "Push notifications: hosting provider")?.value).toMatch(/Office365/);
  });

  test("push notifications without SIP federation keep their own Lync Online provider entry", () => {
    const plan = planOf("product: lync2013\nsipDomains: [contoso.com]\nmobility: true\n");
    expect(providersOf(plan).map((t) => t.item)).toEqual(["SIP federated providers: Lync Online (push notifications)"]);
  });

  test("Teams Only: the topology setting says what the cmdlets do (the provider disabled, shared address space off)", () => {
    const plan = planOfFile(join(ROOT, "docs", "examples", "hybrid-se-teams-only.yaml"));
    const provider = providersOf(plan);
    expect(provider).toHaveLength(1);
    expect(provider[0].value).toMatch(/^Disabled, and the tenant.s shared SIP address space off/);
    const off = plan.cmdlets.find((c) => c.id === "onprem-hosting-provider-off");
    expect(off?.verify?.expect).toEqual([{ property: "Enabled", value: false }]);
  });
});

test("hybrid with the federation route on another site than the primary: the route's Edge certificate carries sip.<domain> of every tenant domain", () => {
  const plan = planOf(
    [
      "sipDomains: [contoso.com, fabrikam.com]",
      "federation: {sip: true}",
      "hybrid: {tenantDomains: [contoso.com, fabrikam.com]}",
      "primarySite: dr",
      "sites: [{name: hq, federationRoute: true}, {name: dr, federationRoute: false}]",
      "",
    ].join("\n"),
  );
  const route = plan.certificates.find((c) => c.id === "hq-edge-external")!;
  expect(route.sans).toEqual(expect.arrayContaining(["sip.contoso.com", "sip.fabrikam.com"]));
});

describe("issue 22: Hybrid and Teams Only right in every topology", () => {
  const texts = JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "microsoft", "teams-only-texts.json"), "utf8"));
  const base = (tenantDomains: string, phase = "hybrid", extra = "") =>
    `id: t22\nproduct: sfbse\nsipDomains: [contoso.com, fabrikam.com]\ninternalDomain: contoso.net\nmobility: true\nfederation: {sip: true}\nhybrid: {tenantDomains: [${tenantDomains}], phase: ${phase}}\n${extra}`;
  const inZone = (name: string, zone: string) => name === zone || name.endsWith(`.${zone}`);

  describe("*.onmicrosoft.com tenant domains (Microsoft: the Edge certificate carries sip.<domain> 'excluding any onmicrosoft.com domains')", () => {
    test("the fixture holds Microsoft's exclusion", () => {
      expect(texts.edgeCertificate.text).toContain("(excluding any onmicrosoft.com domains)");
    });

    test.each(["hybrid", "teams-only"])("%s: accepted in tenantDomains, left out of SANs, DNS, zone files and cutover tables, and a note says so", (phase) => {
      const result = load(base("contoso.com, fabrikam.com, contoso.onmicrosoft.com", phase));
      expect(result.problems.map((p) => `${p.rule} ${p.path}`)).toEqual([]);
      const plan = result.plan!;
      const microsoftOwned = (name: string) => inZone(name, "contoso.onmicrosoft.com");
      expect(plan.certificates.flatMap((c) => c.sans).filter(microsoftOwned)).toEqual([]);
      expect(plan.dnsRecords.map((r) => r.name).filter(microsoftOwned)).toEqual([]);
      expect(plan.hybrid!.cutoverRecords.map((r) => r.name).filter(microsoftOwned)).toEqual([]);
      expect(plan.hybrid!.cutoverDeletions.map((r) => r.name).filter(microsoftOwned)).toEqual([]);
      expect(
        zoneFiles(plan)
          .map((z) => z.zone)
          .filter(microsoftOwned),
      ).toEqual([]);
      // The two real domains keep everything.
      expect(plan.certificates.find((c) => c.id === "hq-edge-external")!.sans).toEqual(expect.arrayContaining(["sip.contoso.com", "sip.fabrikam.com"]));
      expect(plan.hybrid!.cutoverRecords.map((r) => r.zone)).toEqual([...Array(4).fill("contoso.com"), ...Array(4).fill("fabrikam.com")]);
      const note = plan.notes.find((n) => n.message.includes("contoso.onmicrosoft.com"))!;
      expect(note.message).toMatch(
        /^contoso\.onmicrosoft\.com is the tenant's Microsoft-owned \(\*\.onmicrosoft\.com\) domain: .*no sip\.contoso\.onmicrosoft\.com SAN, no DNS record/,
      );
      expect(note.message).toContain("cloud-consolidation-edge-certificates.md");
      expect(note.refs).toContain("HYB-06");
      // Every other note lists only the real domains.
      expect(plan.notes.filter((n) => n !== note).some((n) => n.message.includes("onmicrosoft.com") && !/never \*\.onmicrosoft\.com/.test(n.message))).toBe(
        false,
      );
    });
  });

  describe("Teams Only while a SIP domain stays on-premises", () => {
    // fabrikam.com moves to Teams Only; contoso.com (the Access Edge's own domain) stays on-premises.
    const stays = () => load(base("fabrikam.com", "teams-only"));

    test("the sipfed.online.lync.com provider is planned with the shared address space off (Microsoft's federation-only parameters), never disabled", () => {
      const result = stays();
      expect(result.ok).toBe(true);
      const plan = result.plan!;
      const commands = plan.cmdlets.map((c) => callText(c.call));
      expect(commands.some((c) => c.includes("-Enabled $false"))).toBe(false);
      const provider = plan.cmdlets.find((c) => c.id === "hosting-provider")!;
      const parameters = Object.fromEntries(provider.call.steps[0].parameters.map((p) => [p.name, p.kind === "switch" ? true : p.value]));
      expect(parameters).toEqual(fixture.hostingProvider.federationOnly.parameters);
      expect(plan.cmdlets.map((c) => c.id)).toEqual(["teams-only-mode", "tenant-shared-sip-off", "hosting-provider-remove", "hosting-provider"]);
      const setting = plan.topologySettings.find((t) => t.item === "SIP federated providers: hosting provider Office365 (sipfed.online.lync.com)")!;
      expect(setting.value).toBe("Enabled; shared SIP address space off; hosts on-premises users no; verification UseSourceVerification");
    });

    test("a warning names the domain that stays, and the plan note says why the provider stays enabled", () => {
      const result = stays();
      const warning = result.problems.find((p) => p.rule === "HYB-07")!;
      expect(warning).toMatchObject({ severity: "warning", path: "sipDomains[0]" });
      expect(warning.message).toMatch(/^contoso\.com stays on-premises after the Teams Only cutover/);
      const note = result.plan!.notes.find((n) => n.refs.includes("HYB-07"))!;
      expect(note.kind).toBe("warning");
      expect(note.message).toContain("contoso.com");
      expect(note.message).toMatch(/EnabledSharedAddressSpace \$false -HostsOCSUsers \$false/);
      expect(note.message).toContain("configuring-federation-support.md");
      expect(texts.manageDns.hostingProviderNote).toContain("will need to update their configuration to enable that");
    });

    test("refused: the cutover would turn the Access Edge FQDN (and certificate subject) of a running site into a CNAME", () => {
      // contoso.com moves, fabrikam.com stays: sip.contoso.com is the Access Edge FQDN of hq.
      const result = load(base("contoso.com", "teams-only"));
      expect(result.ok).toBe(false);
      const error = result.problems.find((p) => p.rule === "HYB-08")!;
      expect(error).toMatchObject({ severity: "error", path: "hybrid.tenantDomains[0]" });
      expect(error.message).toMatch(
        /^the Teams Only cutover turns sip\.contoso\.com into a CNAME to sipdir\.online\.lync\.com, but it is the Access Edge FQDN and the external certificate's subject of site hq, which keeps running for fabrikam\.com/,
      );
      // The domain that stays listed first names the Access Edge (sip.fabrikam.com): accepted.
      const renamed = load(base("contoso.com", "teams-only").replace("sipDomains: [contoso.com, fabrikam.com]", "sipDomains: [fabrikam.com, contoso.com]"));
      expect(renamed.problems.filter((p) => p.severity === "error")).toEqual([]);
      // Every domain moving: the on-premises deployment is decommissioned, nothing keeps running.
      expect(load(base("contoso.com, fabrikam.com", "teams-only")).problems.filter((p) => p.rule === "HYB-08")).toEqual([]);
    });
  });

  describe("Teams Only removes the hybrid records and notes", () => {
    const twoSites = load(
      base(
        "contoso.com, fabrikam.com",
        "teams-only",
        "sites:\n  - {name: hq, federationRoute: true, director: {servers: 2, loadBalancing: dns-hlb}}\n  - {name: dr}\n",
      ),
    ).plan!;
    const teamsOnly = planOfFile(TEAMS_ONLY);
    const hybrid = planOfFile(HYBRID);

    test("the fixture holds Microsoft's sentence on internal records", () => {
      expect(texts.manageDns.internalRecords).toBe("Finally, any DNS records for Skype for Business in your internal network should be removed.");
    });

    test("no internal record of a tenant domain is left; the deletions table lists each (internal view too)", () => {
      const tenantNames = (plan: Plan) =>
        plan.dnsRecords.filter((r) => r.view === "internal" && ["contoso.com", "fabrikam.com"].some((d) => inZone(r.name, d))).map((r) => r.name);
      expect(tenantNames(twoSites)).toEqual([]);
      expect(tenantNames(teamsOnly)).toEqual([]);
      const internalDeletions = twoSites.hybrid!.cutoverDeletions.filter((d) => d.view === "internal");
      expect(internalDeletions.map((d) => `${d.type} ${d.name}`).sort()).toEqual(
        [
          "A dialin.contoso.com",
          "A lyncdiscoverinternal.contoso.com",
          "A lyncdiscoverinternal.fabrikam.com",
          "A meet.contoso.com",
          "A meet.fabrikam.com",
          "A sip.contoso.com",
          "A webcon-dr.contoso.com",
          "A webcon.contoso.com",
          "A webdirext.contoso.com",
        ].sort(),
      );
      for (const d of internalDeletions) {
        expect(d.required).toBe(true);
        expect(d.reason).toContain("internal network should be removed");
      }
      // The servers' own names (internal domain) stay until the servers are removed.
      expect(twoSites.dnsRecords.filter((r) => r.view === "internal").map((r) => r.name)).toEqual(
        expect.arrayContaining(["lsedge.contoso.net", "pool01.contoso.net", "dirpool01.contoso.net"]),
      );
      expect(teamsOnly.hybrid!.cutoverDeletions.filter((d) => d.view === "internal").map((d) => d.name)).toContain("webcon.contoso.com");
      expect(zoneFiles(teamsOnly).filter((z) => z.view === "internal" && z.zone === "webcon.contoso.com")).toEqual([]);
    });

    test("a server name inside a tenant domain stays (internalDomain defaults to the first SIP domain)", () => {
      const plan = load(base("contoso.com, fabrikam.com", "teams-only").replace("internalDomain: contoso.net\n", "")).plan!;
      expect(plan.dnsRecords.filter((r) => r.view === "internal").map((r) => r.name)).toEqual(
        expect.arrayContaining(["lsedge.contoso.com", "pool01.contoso.com"]),
      );
      expect(plan.dnsRecords.some((r) => r.view === "internal" && r.name === "webcon.contoso.com")).toBe(false);
    });

    test("every note is phase-specific: no hybrid wording after the cutover", () => {
      const text = (plan: Plan) => plan.notes.map((n) => n.message).join("\n");
      for (const plan of [teamsOnly, twoSites]) {
        expect(text(plan)).not.toMatch(/stays on-premises/);
        expect(text(plan)).not.toMatch(/shared SIP address space on/);
        expect(text(plan)).not.toMatch(/presenting in on-premises meetings/);
        expect(plan.dnsRecords.some((r) => /hybrid: online users/.test(r.purpose))).toBe(false);
      }
      expect(text(hybrid)).toMatch(/every external Skype for Business record of contoso\.com, fabrikam\.com stays on-premises/);
      expect(text(hybrid)).toMatch(/shared SIP address space on/);
      expect(text(teamsOnly)).toMatch(/internal network should be removed/);
    });
  });

  describe("Teams Only commands in Microsoft's order", () => {
    const teamsOnly = planOfFile(TEAMS_ONLY);
    const normalise = (text: string) => text.replace(/'/g, "").replace(/ \| /g, "|");

    test("Grant-CsTeamsUpgradePolicy, then the shared SIP address space off, then the on-premises providers off (cloud-consolidation-disabling-hybrid.md)", () => {
      const commands = texts.disableHybrid.commands as { shell: string; command: string }[];
      expect(teamsOnly.cmdlets.map((c) => [c.shell, normalise(callText(c.call))])).toEqual(commands.map((c) => [c.shell, c.command]));
      const grant = teamsOnly.cmdlets.find((c) => c.id === "teams-only-mode")!;
      expect(grant.source).toContain("cloud-consolidation-disabling-hybrid.md");
      expect(grant.source).toContain("decommission-manage-dns-entries.md");
    });

    test("the failure while a record points on-premises is the Teams Only switch's, not the shared SIP address space's", () => {
      expect(texts.disableHybrid.teamsOnlyFails).toMatch(/^Changing the tenant mode to Teams Only will not succeed/);
      const grant = teamsOnly.cmdlets.find((c) => c.id === "teams-only-mode")!;
      expect(grant.purpose).toMatch(/fails while any Skype for Business DNS record of a tenant domain still points on-premises/);
      const sharedOff = teamsOnly.cmdlets.find((c) => c.id === "tenant-shared-sip-off")!;
      expect(sharedOff.purpose).not.toMatch(/fails/);
      const note = teamsOnly.notes.find((n) => n.refs.includes("ms:cutover-dns"))!;
      expect(note.message).toMatch(/Grant-CsTeamsUpgradePolicy -PolicyName UpgradeToTeams -Global\) fails while any of these records still points on-premises/);
      expect(note.message).not.toMatch(/SharedSipAddressSpace \$false[^.]*fails/);
    });
  });

  test("push notifications: push.lync.com is on the on-premises allowed list, so the tenant-side list shows it too (lists 'must exactly match')", () => {
    expect(texts.federationLists.allowed).toMatch(/must exactly match/);
    expect(texts.pushAllowedDomain.command).toBe('New-CsAllowedDomain -Identity "push.lync.com"');
    const plan = bundledPlan("hybrid-se"); // mobility: true plans push notifications
    expect(plan.topologySettings.some((t) => t.item === "SIP federated domains: allow push.lync.com")).toBe(true);
    expect(plan.hybrid!.tenantFederation.allowedDomains).toEqual(["litwareinc.com", "push.lync.com"]);
    expect(plan.notes.find((n) => n.refs.includes("HYB-04"))!.message).toContain("allowed domains litwareinc.com, push.lync.com");
    const noPush = load(base("contoso.com, fabrikam.com").replace("mobility: true", "mobility: {push: false}")).plan!;
    expect(noPush.hybrid!.tenantFederation.allowedDomains).toEqual([]);
    // HYB-04 prints the same list.
    const mismatch = load(base("contoso.com, fabrikam.com").replace("phase: hybrid", "phase: hybrid, online: {allowedDomains: []}"));
    const error = mismatch.problems.find((p) => p.rule === "HYB-04")!;
    expect(error.message).toMatch(/^the tenant allows \(none\) but on-premises allows push\.lync\.com; both sides need the same list: push\.lync\.com/);
    const matching = load(base("contoso.com, fabrikam.com").replace("phase: hybrid", "phase: hybrid, online: {allowedDomains: [push.lync.com]}"));
    expect(matching.problems.filter((p) => p.rule === "HYB-04")).toEqual([]);
  });
});
