/**
 * Fidelity: for each of Microsoft's five scenarios, every row of Microsoft's DNS, port and certificate tables is
 * produced by the plan of the bundled scenario file (wording normalised; values, ports, transports, directions and
 * names must match). The tables are copied into test/fixtures/microsoft/edge-tables.json with their source.
 * Deliberate deviations (documentation errata) are listed in DEVIATIONS and in the README.
 */
import tables from "../fixtures/microsoft/edge-tables.json";
import type { FirewallRule, Plan } from "../../lib/model/plan";
import { bundledPlan, planOf } from "../helpers";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SCENARIO_DIR } from "../helpers";

type MsFirewallRow = (typeof tables.scenarios)[number]["firewallRules"][number];
type MsDnsRow = { table: string; zone: string; type: string; name: string; value?: string; values?: string[]; port?: number; target?: string };
type Endpoint = "access" | "webConferencing" | "av" | "internal";

/** Documented deviations from Microsoft's published rows (see README "Deviations from Microsoft's tables"). */
const DEVIATIONS = {
  /** Scenario 2 port summary names the Access Edge as source of outbound A/V RTP/TCP 50,000-59,999 (reference §14.1). */
  avRowNamesAccess: { scenario: "single-consolidated-public", table: "external", service: "A/V", transport: "TCP", portFrom: 50000, direction: "outbound" },
  /**
   * Scenario 5's internal VIP table calls the two internal SIP 5061 rows "Access" (reference §7); the internal tables of
   * scenarios 1-4 call the same rows "SIP", as edge-lab does. Service wording only: ports and addresses match.
   */
  internalVipSipService: { table: "internal-vip", from: "Access", to: "SIP", rows: 2 },
  /** XMPP certificate tables show *.contoso.com; CERT-04 forbids wildcards on the Edge: edge-lab uses contoso.com. */
  xmppWildcard: { from: "*.contoso.com", to: "contoso.com" },
  /** Director DNS tables say webdirexternal.contoso.com, reverse proxy tables webdirext.contoso.com: edge-lab uses the latter. */
  webdirexternal: { from: "webdirexternal.contoso.com", to: "webdirext.contoso.com" },
};

/**
 * Rows of Microsoft's port summaries per scenario number, counted in Microsoft's tables (lync-edge-2013.md, rows copied into test/fixtures/microsoft/edge-tables.json) (§3-§7):
 * scenarios 1, 2 and 4: external 16 + internal 11 + federation 1 + PIC 6 + XMPP 3 = 37; scenario 3: its external
 * table has 17 rows (the outbound XMPP row too) = 38; scenario 5: external 11 + internal 8 + external VIPs 8 +
 * internal VIPs 6 = 33 (no summary tables).
 */
const MS_FIREWALL_ROWS: Record<number, number> = { 1: 37, 2: 37, 3: 38, 4: 37, 5: 33 };

/**
 * Distinct Edge firewall rows Microsoft's tables describe (the summaries repeat per-node rows): scenarios 1-4:
 * external 16 + internal 11 + the XMPP summary's outbound 5269 row (in scenario 3's external table already) = 28;
 * scenario 5: 11 + 8 + 8 + 6 = 33.
 */
const MS_DISTINCT_EDGE_ROWS: Record<number, number> = { 1: 28, 2: 28, 3: 28, 4: 28, 5: 33 };

/** Microsoft writes "STUN,MSTURN" in some tables and "STUN/MSTURN" in others. */
const protocolText = (p: string) => p.replace(/,\s*/g, "/");

/** Which Edge service a piece of wording names (Microsoft's Source/Destination column, or the plan's label). */
function edgeServiceNamed(text: string): Endpoint {
  if (/internal/i.test(text)) return "internal";
  if (/A\/V/.test(text)) return "av";
  if (/Web Conferencing/.test(text)) return "webConferencing";
  if (/Access Edge|XMPP Proxy/i.test(text)) return "access";
  throw new Error(`no Edge service named in "${text}"`);
}

/** Microsoft's interface column: "external", "internal", "external-vip", "internal-vip". */
const sideOf = (row: MsFirewallRow) => (row.interface.startsWith("internal") ? "internal" : "external");

function endpointOf(row: MsFirewallRow): Endpoint {
  if (sideOf(row) === "internal") return "internal";
  if (row.service === "A/V") return "av";
  if (row.service === "Web Conferencing") return "webConferencing";
  if (row.service === "Access" || row.service === "XMPP") return "access";
  throw new Error(`unexpected service ${row.service}`);
}

/** Addresses of one Edge endpoint on the servers of the plan (node addresses). */
function nodeAddresses(plan: Plan, endpoint: Endpoint): string[] {
  return plan.servers
    .filter((s) => s.role === "edge")
    .map((s) => {
      const nic = s.interfaces.find((i) => i.side === (endpoint === "internal" ? "internal" : "external"))!;
      return nic.addresses.find((a) => a.role === endpoint)!.ip;
    });
}

function vipAddress(plan: Plan, endpoint: Endpoint): string {
  return plan.vips.find((v) => v.service === endpoint)!.ip;
}

const edgeSide = (rule: FirewallRule) => (rule.direction === "inbound" ? rule.destination : rule.source);
const farSide = (rule: FirewallRule) => (rule.direction === "inbound" ? rule.source : rule.destination);

function planTableFor(row: MsFirewallRow, hlb: boolean): string {
  const vip = row.table === "external-vip" || row.table === "internal-vip";
  if (hlb && !vip && ["federation", "pic", "xmpp"].includes(row.table)) throw new Error("HLB scenario has no summary tables");
  return `edge-${sideOf(row)}${vip ? "-vip" : ""}`;
}

function matchFirewallRow(plan: Plan, row: MsFirewallRow): FirewallRule[] {
  const hlb = plan.scenario.sites[0].loadBalancing === "hardware";
  const table = planTableFor(row, hlb);
  const endpoint = endpointOf(row);
  const expectedEdge = table.endsWith("-vip") ? [vipAddress(plan, endpoint)] : nodeAddresses(plan, endpoint);
  const internalNets = plan.scenario.sites[0].networks.internalNetworks;
  return plan.firewallRules.filter(
    (r) =>
      r.table === table &&
      r.direction === row.direction &&
      r.transport === row.transport &&
      r.ports.from === row.portFrom &&
      r.ports.to === row.portTo &&
      JSON.stringify(edgeSide(r).addresses) === JSON.stringify(expectedEdge) &&
      JSON.stringify(farSide(r).addresses) === JSON.stringify(sideOf(row) === "external" ? ["Internet"] : internalNets),
  );
}

const SCENARIOS = tables.scenarios.map((s) => [s.id, s] as const);

describe.each(SCENARIOS)("Microsoft scenario %s", (id, ms) => {
  const plan = bundledPlan(id);

  test("the bundled file is the matching Microsoft scenario", () => {
    expect(plan.scenario.sites[0].microsoftScenario).toBe(ms.number);
    expect(plan.scenario.sites[0].edgeServers).toBe(ms.number <= 2 ? 1 : 2);
  });

  test.each(ms.firewallRules.map((r, i) => [`${r.table}#${i + 1} ${r.direction} ${r.transport}/${r.portFrom}-${r.portTo} ${r.service}`, r] as const))(
    "firewall row %s is produced",
    (_label, row) => {
      expect(matchFirewallRow(plan, row)).toHaveLength(1);
    },
  );

  test("every Edge firewall row of the plan comes from one of Microsoft's rows (no extra ports)", () => {
    const edgeRows = plan.firewallRules.filter((r) => r.table.startsWith("edge-"));
    expect(edgeRows).toHaveLength(MS_DISTINCT_EDGE_ROWS[ms.number]);
    const matched = new Set(ms.firewallRules.flatMap((row) => matchFirewallRow(plan, row)).map((r) => r.id));
    expect(edgeRows.filter((r) => !matched.has(r.id)).map((r) => r.id)).toEqual([]);
  });

  test("each Microsoft row's plan row has Microsoft's service and protocol, and names the Edge service Microsoft names (documented erratum aside)", () => {
    // Count first: Microsoft's port summaries for this scenario (reference §3-§7), all tables together.
    expect(ms.firewallRules).toHaveLength(MS_FIREWALL_ROWS[ms.number]);
    const { scenario, ...erratum } = DEVIATIONS.avRowNamesAccess;
    const isErratum = (row: MsFirewallRow) => id === scenario && Object.entries(erratum).every(([k, v]) => row[k as keyof MsFirewallRow] === v);
    // Microsoft's row as published vs. what the plan holds for it.
    const planned = ms.firewallRules.map((row) => {
      const rules = matchFirewallRow(plan, row);
      return rules.map((r) => ({ service: r.service, protocol: protocolText(r.protocol), names: edgeServiceNamed(edgeSide(r).label) }));
    });
    const published = ms.firewallRules.map((row) => {
      const wording = edgeServiceNamed(row.direction === "inbound" ? row.destination : row.source);
      // The erratum row names the Access Edge as the source of A/V media; edge-lab (and Microsoft's other scenarios) use the A/V Edge.
      if (isErratum(row)) expect(wording).toBe("access");
      const { table, from, to } = DEVIATIONS.internalVipSipService;
      const service = row.table === table && row.service === from ? to : row.service;
      return [{ service, protocol: protocolText(row.protocol), names: isErratum(row) ? "av" : wording }];
    });
    expect(planned).toEqual(published);
    const vipSip = ms.firewallRules.filter(
      (row) => row.table === DEVIATIONS.internalVipSipService.table && row.service === DEVIATIONS.internalVipSipService.from,
    );
    expect(vipSip).toHaveLength(ms.number === 5 ? DEVIATIONS.internalVipSipService.rows : 0);
    expect(ms.firewallRules.filter(isErratum)).toHaveLength(id === DEVIATIONS.avRowNamesAccess.scenario ? 1 : 0);
  });

  test.each((ms.dnsRecords as MsDnsRow[]).map((r, i) => [`${r.table}#${i + 1} ${r.zone} ${r.type} ${r.name}`, r] as const))(
    "DNS record %s is produced",
    (_label, row) => {
      const candidates = plan.dnsRecords.filter((r) => r.view === row.zone && r.type === row.type && r.name === row.name);
      expect(candidates).toHaveLength(1);
      const record = candidates[0];
      if (row.type === "SRV") {
        expect(record.srv).toEqual({ priority: 0, weight: 0, port: row.port, target: row.target });
      } else if (row.values) {
        expect(record.values).toEqual(row.values);
      } else {
        // Textual value: "IP address of the Access Edge service ..." / "Access Edge service interface": the addresses
        // of Microsoft's own sip.contoso.com A row(s) in this scenario's main table.
        expect(row.value).toMatch(/Access Edge service/);
        const access = (ms.dnsRecords as MsDnsRow[]).filter((r) => r.zone === "external" && r.type === "A" && r.name === "sip.contoso.com" && r.values);
        expect(access).toHaveLength(1);
        expect(record.values).toEqual(access[0].values);
      }
    },
  );

  test("Edge certificates: subject and SANs in order", () => {
    const external = plan.certificates.find((c) => c.id === "hq-edge-external")!;
    const internal = plan.certificates.find((c) => c.id === "hq-edge-internal")!;
    // Microsoft's certificate tables of every scenario (reference §3-§7): main (external, internal), PIC, XMPP.
    expect(ms.certificates.map((r) => r.table)).toEqual(["main", "main", "pic", "xmpp"]);
    for (const row of ms.certificates) {
      if (row.table === "main" && /Internal/.test(row.component)) {
        expect(internal.subject).toBe(row.subject);
        expect(internal.sans).toEqual(row.sans);
        continue;
      }
      expect(external.subject).toBe(row.subject);
      if (row.table === "main") {
        // The main table has no XMPP names: they are appended after Microsoft's three.
        expect(external.sans.slice(0, row.sans.length)).toEqual(row.sans);
      } else if (row.table === "xmpp") {
        expect(external.sans).toEqual(row.sans.map((n) => (n === DEVIATIONS.xmppWildcard.from ? DEVIATIONS.xmppWildcard.to : n)));
      } else if (row.table === "pic") {
        // The PIC summary lists the same names in another order than the main table (documented).
        expect([...row.sans].sort()).toEqual([...external.sans.slice(0, row.sans.length)].sort());
      } else {
        throw new Error(`unexpected certificate table ${row.table}`);
      }
    }
    expect(external.sharedKey).toBe(ms.number > 2);
    expect(external.installedOn).toHaveLength(ms.number <= 2 ? 1 : 2);
  });
});

describe("reverse proxy tables (reference §10) on the richer scenario", () => {
  const plan = bundledPlan("contoso-enterprise");
  const rp = tables.reverseProxy;

  test.each(rp.firewallRules.map((r) => [`${r.table} ${r.direction} ${r.protocol} ${r.portFrom}`, r] as const))(
    "firewall row %s is produced",
    (_label, row) => {
      const found = plan.firewallRules.filter(
        (r) =>
          r.site === "hq" && r.table === "reverse-proxy" && r.direction === row.direction && r.transport === row.transport && r.ports.from === row.portFrom,
      );
      const owa = /Office Web Apps/.test(row.destination);
      const matching = found.filter((r) => (owa ? r.destination.label === "Office Web Apps Server" : r.destination.label !== "Office Web Apps Server"));
      expect(matching).toHaveLength(1);
    },
  );

  test.each((rp.dnsRecords as MsDnsRow[]).map((r) => [r.name, r] as const))("external A record %s points at the listener", (name) => {
    const listener = plan.servers.find((s) => s.id === "hq-rp-01")!.interfaces[0].addresses[0].publicIp;
    const record = plan.dnsRecords.find((r) => r.view === "external" && r.type === "A" && r.name === name);
    expect(record?.values).toEqual([listener]);
  });

  test("certificate: subject and Microsoft's SANs in Microsoft's order (plus the second SIP domain's names)", () => {
    const cert = plan.certificates.find((c) => c.id === "hq-reverse-proxy")!;
    const ms = rp.certificates[0];
    expect(cert.subject).toBe(ms.subject);
    const required = ms.sans.filter((n) => !n.startsWith("(Optional)"));
    expect(cert.sans.filter((n) => required.includes(n))).toEqual(required);
    expect(cert.sans).toEqual(expect.arrayContaining(["meet.fabrikam.com", "lyncdiscover.fabrikam.com"]));
  });

  test("publishing rules bridge 443->4443 and 80->8080, Office Web Apps keeps 443/80 (RP-02)", () => {
    const rules = plan.publishingRules.filter((r) => r.site === "hq");
    expect(rules.map((r) => r.publicName)).toEqual([
      "webext.contoso.com",
      "webdirext.contoso.com",
      "meet.contoso.com",
      "meet.fabrikam.com",
      "dialin.contoso.com",
      "lyncdiscover.contoso.com",
      "lyncdiscover.fabrikam.com",
      "officewebapps01.contoso.com",
    ]);
    for (const r of rules) {
      expect(r.forwardHostHeader).toBe(true);
      const expected = r.publicName.startsWith("officewebapps")
        ? [
            { scheme: "https", listen: 443, target: 443 },
            { scheme: "http", listen: 80, target: 80 },
          ]
        : [
            { scheme: "https", listen: 443, target: 4443 },
            { scheme: "http", listen: 80, target: 8080 },
          ];
      expect(r.bridges).toEqual(expected);
    }
  });
});

/** The richer scenario with its Director section replaced. */
function withDirector(director: string): Plan {
  const text = readFileSync(join(SCENARIO_DIR, "contoso-enterprise.yaml"), "utf8");
  const original = "    director:\n      servers: 2\n      loadBalancing: dns-hlb\n";
  if (!text.includes(original)) throw new Error("contoso-enterprise.yaml no longer has the expected director block");
  return planOf(text.replace(original, director));
}

describe.each([
  ["single", "    director:\n      servers: 1\n"],
  ["pool-dns-hlb", "    director:\n      servers: 2\n      loadBalancing: dns-hlb\n"],
  ["pool-hlb", "    director:\n      servers: 2\n      loadBalancing: hlb\n"],
] as const)("Director tables (reference §11), %s", (mode, block) => {
  const plan = withDirector(block);
  const d = tables.director;
  const directors = plan.servers.filter((s) => s.role === "director" && s.site === "hq").map((s) => s.interfaces[0].addresses[0].ip);
  const vip = plan.vips.find((v) => v.service === "director-web")?.ip;

  const frontEnd = plan.publishingRules.find((r) => r.publicName === "webext.contoso.com")!.target.ip;
  const rpInternal = plan.servers.find((s) => s.id === "hq-rp-01")!.interfaces.find((i) => i.side === "internal")!.addresses[0].ip;
  const edgeInternal = plan.servers
    .filter((s) => s.site === "hq" && s.role === "edge")
    .map((s) => s.interfaces.find((i) => i.side === "internal")!.addresses[0].ip);
  const internalNetworks = plan.scenario.sites[0].networks.internalNetworks;

  /** Microsoft's wording of an endpoint -> the plan's addresses for it. */
  function expectedAddresses(text: string): string[] {
    if (/Load Balancer VIP|HLB VIP/.test(text)) return [vip!];
    if (/Front End/.test(text)) return [frontEnd];
    if (/Reverse proxy internal/.test(text)) return [rpInternal];
    if (/Edge Server internal interface/.test(text)) return edgeInternal;
    if (/Internal clients|^Any$/.test(text)) return internalNetworks as string[];
    if (/^Director/.test(text)) return directors;
    throw new Error(`no address mapping for "${text}"`);
  }

  test.each(d.firewallRules[mode].map((r) => [`${r.direction} ${r.protocol} ${r.portFrom}`, r] as const))(
    "firewall row %s is produced with the right source and target",
    (_label, row) => {
      const rules = plan.firewallRules.filter(
        (r) => r.site === "hq" && r.table === "director" && r.direction === row.direction && r.ports.from === row.portFrom,
      );
      expect(rules).toHaveLength(1);
      // The single-Director CLS rows print "Edge Server internal interface" as destination (erratum): they go to the Director.
      const destination = /\[as printed\]/.test(row.destination) ? "Director" : row.destination;
      expect(rules[0].destination.addresses).toEqual(expectedAddresses(destination));
      expect(rules[0].source.addresses).toEqual(expectedAddresses(row.source));
    },
  );

  const dnsKey = mode === "single" ? "single" : mode === "pool-hlb" ? "pool-hlb" : "pool-dns-hlb";
  test.each((d.dnsRecords[dnsKey] as MsDnsRow[]).map((r) => [r.name, r] as const))("internal A record %s is produced", (name, row) => {
    const planName = name === DEVIATIONS.webdirexternal.from ? DEVIATIONS.webdirexternal.to : name;
    const record = plan.dnsRecords.find((r) => r.view === "internal" && r.type === "A" && r.name === planName);
    expect(record).toBeDefined();
    const value = row.value!;
    const expected = /HLB VIP/.test(value)
      ? [vip]
      : value === "Director pool"
        ? directors
        : name === "dir01.contoso.net"
          ? [directors[0]]
          : value === "Director"
            ? mode === "single"
              ? directors
              : [vip]
            : [];
    expect(record!.values).toEqual(expected);
  });

  test("Director certificates: default (subject, Microsoft's SANs in order) and OAuthTokenIssuer", () => {
    const ms = d.certificates[mode === "single" ? "single" : "pool"];
    // "Default (one per Director in the pool)": one certificate per Director, its own name after the pool name.
    const defaults = plan.certificates.filter((c) => c.id.startsWith("hq-director-default"));
    const oauth = plan.certificates.find((c) => c.id === "hq-director-oauth")!;
    const directors = plan.servers.filter((s) => s.role === "director");
    // The block above asks for 1 or 2 Directors; one default certificate each.
    expect(directors).toHaveLength(mode === "single" ? 1 : 2);
    expect(defaults).toHaveLength(mode === "single" ? 1 : 2);
    const required = ms[0].sans.filter((n) => !n.startsWith("(Optional"));
    defaults.forEach((def, i) => {
      expect(def.subject).toBe(ms[0].subject);
      expect(def.installedOn).toEqual([directors[i].id]);
      // Microsoft's row is the first Director's certificate; the others carry their own server name instead.
      const own = required.map((n) => (n === directors[0].fqdn ? directors[i].fqdn : n));
      expect(def.sans.filter((n) => own.includes(n))).toEqual(own);
    });
    expect(oauth.subject).toBe(ms[1].subject);
    expect(oauth.sans).toEqual([]);
  });
});
