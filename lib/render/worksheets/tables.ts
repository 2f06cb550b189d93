/**
 * The worksheet's sections and tables, built from the plan only. Every table is a `Table` (lib/render/table.ts):
 * the Markdown worksheet and the CSV files render these same rows.
 */
import type {
  AddressRole,
  Certificate,
  CertificateFeature,
  DnsDeletion,
  DnsRecord,
  LaterFeaturePlan,
  FirewallEndpoint,
  FirewallRule,
  FirewallTable,
  Plan,
  PlanAddress,
  PlanCmdlet,
  PlanInterface,
  PlanNote,
  PlanServer,
  PlanVip,
  PublishingRule,
  TopologySetting,
  View,
} from "../../model/plan";
import { callText } from "../cmdlets";
import type { FeatureTag } from "../../model/ports";
import { coveredRows } from "../../model/plan/coverage";
import { isInternetOnly } from "../../model/peer";
import { makeTable, type Column, type Table } from "../table";

/** One heading of the worksheet, with optional paragraphs and one optional table. */
export interface Block {
  readonly heading: string;
  readonly level: 2 | 3;
  readonly text?: readonly string[];
  readonly table?: Table;
}

const ROLE_NAMES: Record<AddressRole | PlanVip["service"], string> = {
  access: "Access Edge",
  webConferencing: "Web Conferencing Edge",
  av: "A/V Edge",
  internal: "Internal",
  listener: "Listener",
  server: "Server",
  "director-web": "Director web services",
};

const SERVER_ROLES: Record<PlanServer["role"], string> = { edge: "Edge Server", "reverse-proxy": "Reverse proxy", director: "Director" };

export const roleName = (role: AddressRole | PlanVip["service"]): string => ROLE_NAMES[role];
export const serverRoleName = (role: PlanServer["role"]): string => SERVER_ROLES[role];

const refs = (r: readonly string[]) => r.join(", ");
const yesNo = (b: boolean) => (b ? "yes" : "no");

/** "10.45.16.10" or "10.45.16.10 (NAT 131.107.155.10)". */
export function addressText(a: PlanAddress): string {
  return a.natPublic ? `${a.ip} (NAT ${a.natPublic})` : a.ip;
}

function nicAddresses(nic: PlanInterface | undefined): string {
  if (!nic) return "";
  return nic.addresses.map((a) => `${addressText(a)}${a.role === "internal" || a.role === "server" ? "" : ` ${roleName(a.role)}`}`).join("; ");
}

/** Microsoft's wording plus the concrete addresses: "Edge Server Access Edge service: 10.45.16.10 (public 131.107.155.10)". */
export function endpointText(e: FirewallEndpoint): string {
  const addrs = e.addresses.join(", ");
  const pub = e.publicAddresses?.length ? ` (public ${e.publicAddresses.join(", ")})` : "";
  if (e.addresses.length === 1 && isInternetOnly(e)) return e.label === "Any" ? "Any (Internet)" : e.label;
  return `${e.label}: ${addrs}${pub}`;
}

/** DNS value column: A addresses, the SRV "priority weight port target", or the CNAME target. */
export function dnsValueText(r: DnsRecord): string {
  const v = r.values.join(", ");
  return r.assignedAtDeploy ? `${v} (assigned at deploy)` : v;
}

// ---- Summary --------------------------------------------------------------------------------------------------

type Site = Plan["scenario"]["sites"][number];

const siteColumns: Column<Site>[] = [
  { header: "Site", cell: (s) => s.name },
  { header: "Region", cell: (s) => s.region },
  { header: "Microsoft scenario", cell: (s) => String(s.microsoftScenario) },
  { header: "Edge topology", cell: (s) => (s.edgeTopology === "pool" ? `pool of ${s.edgeServers}` : "single") },
  { header: "Load balancing", cell: (s) => s.loadBalancing },
  { header: "External addressing", cell: (s) => s.externalAddressing },
  { header: "IP mode", cell: (s) => s.ipMode },
  { header: "Next hop", cell: (s) => `${s.nextHop.kind} ${s.nextHop.fqdn} (${s.nextHop.addresses.join(", ")})` },
  { header: "Roles", cell: (s) => [s.primary && "primary", s.federationRoute && "federation route"].filter(Boolean).join(", ") },
  { header: "Perimeter external", cell: (s) => s.networks.perimeterExternal },
  { header: "Perimeter internal", cell: (s) => s.networks.perimeterInternal },
  { header: "Public range", cell: (s) => s.networks.publicRange },
  { header: "Reverse proxy external", cell: (s) => s.networks.reverseProxyExternal },
  { header: "Internal networks", cell: (s) => s.networks.internalNetworks.join(", ") },
];

const nic = (s: PlanServer, side: "external" | "internal") => s.interfaces.find((i) => i.side === side);

const serverColumns: Column<PlanServer>[] = [
  { header: "Site", cell: (s) => s.site },
  { header: "Server", cell: (s) => s.id },
  { header: "Role", cell: (s) => serverRoleName(s.role) },
  { header: "Computer name", cell: (s) => s.name },
  { header: "FQDN", cell: (s) => s.fqdn },
  { header: "Pool", cell: (s) => s.pool ?? "" },
  { header: "External addresses", cell: (s) => nicAddresses(nic(s, "external")) },
  { header: "Internal addresses", cell: (s) => nicAddresses(nic(s, "internal")) },
];

/** One NAT mapping: a NIC address the external firewall translates. */
export interface NatMapping {
  readonly server: PlanServer;
  readonly address: PlanAddress;
}

export function natMappings(plan: Plan): NatMapping[] {
  return plan.servers.flatMap((server) => server.interfaces.flatMap((i) => i.addresses.filter((a) => a.natPublic).map((address) => ({ server, address }))));
}

const natColumns: Column<NatMapping>[] = [
  { header: "Site", cell: (m) => m.server.site },
  { header: "Server", cell: (m) => m.server.id },
  { header: "Service", cell: (m) => roleName(m.address.role) },
  { header: "Public address", cell: (m) => m.address.natPublic ?? "" },
  { header: "Private address", cell: (m) => m.address.ip },
  { header: "FQDN", cell: (m) => m.address.fqdn ?? "" },
];

const portsText = (ports: PlanVip["ports"]) => ports.join(", ");

const vipColumns: Column<PlanVip>[] = [
  { header: "Site", cell: (v) => v.site },
  { header: "VIP", cell: (v) => v.id },
  { header: "Service", cell: (v) => roleName(v.service) },
  { header: "Side", cell: (v) => v.side },
  { header: "Address", cell: (v) => v.ip },
  { header: "FQDN", cell: (v) => v.fqdn },
  { header: "Members", cell: (v) => v.members.map((m) => `${m.server} ${m.ip}`).join("; ") },
  { header: "Ports", cell: (v) => portsText(v.ports) },
  { header: "Refs", cell: (v) => refs(v.refs) },
];

const topologyColumns: Column<TopologySetting>[] = [
  { header: "Site", cell: (t) => t.site },
  { header: "Setting", cell: (t) => t.item },
  { header: "Value", cell: (t) => t.value },
  { header: "Refs", cell: (t) => refs(t.refs) },
];

// ---- DNS ------------------------------------------------------------------------------------------------------

const dnsColumns: Column<DnsRecord>[] = [
  { header: "Site", cell: (r) => r.site },
  { header: "Zone", cell: (r) => r.zone },
  { header: "Name", cell: (r) => r.name },
  { header: "Type", cell: (r) => r.type },
  { header: "Value", cell: dnsValueText },
  { header: "TTL", cell: (r) => String(r.ttl) },
  { header: "Purpose", cell: (r) => r.purpose },
  { header: "Refs", cell: (r) => refs(r.refs) },
];

export const dnsRecordsOf = (plan: Plan, view: View): DnsRecord[] => plan.dnsRecords.filter((r) => r.view === view);

// ---- Firewall -------------------------------------------------------------------------------------------------

/** The firewall tables in Microsoft's order, with the worksheet headings. */
export const FIREWALL_TABLES: readonly { readonly table: FirewallTable; readonly title: string }[] = [
  { table: "edge-external", title: "Edge external interface" },
  { table: "edge-internal", title: "Edge internal interface" },
  { table: "edge-external-vip", title: "External VIPs (hardware load balancer)" },
  { table: "edge-internal-vip", title: "Internal VIPs (hardware load balancer)" },
  { table: "edge-m365", title: "Edge <-> Microsoft 365 (hybrid)" },
  { table: "reverse-proxy", title: "Reverse proxy" },
  { table: "director", title: "Director" },
];

export const FEATURE_SUMMARIES: readonly { readonly feature: FeatureTag; readonly title: string }[] = [
  { feature: "federation", title: "Federation summary" },
  { feature: "pic", title: "Public IM connectivity (PIC) summary" },
  { feature: "xmpp", title: "XMPP summary" },
];

export const firewallRowsOf = (plan: Plan, table: FirewallTable): FirewallRule[] => plan.firewallRules.filter((r) => r.table === table);
export const featureRowsOf = (plan: Plan, feature: FeatureTag): FirewallRule[] => plan.firewallRules.filter((r) => r.features.includes(feature));

function firewallColumns(withTable: boolean, withSourcePort = false): Column<FirewallRule>[] {
  return [
    { header: "Site", cell: (r) => r.site },
    ...(withTable ? [{ header: "Table", cell: (r: FirewallRule) => r.table }] : []),
    { header: "Firewall", cell: (r) => r.firewall },
    { header: "Direction", cell: (r) => r.direction },
    { header: "Role/Service", cell: (r) => r.service },
    { header: "Protocol", cell: (r) => r.protocol },
    { header: "Transport", cell: (r) => r.transport },
    ...(withSourcePort ? [{ header: "Source port", cell: (r: FirewallRule) => (r.sourcePorts ? r.sourcePorts.rangeText : "any") }] : []),
    { header: "Port", cell: (r) => r.ports.rangeText },
    { header: "Source", cell: (r) => endpointText(r.source) },
    { header: "Destination", cell: (r) => endpointText(r.destination) },
    { header: "Notes", cell: (r) => r.purpose },
    { header: "Refs", cell: (r) => refs(r.refs) },
  ];
}

/** Microsoft 365 rows a broader row of the plan already allows (lib/model/plan/coverage.ts), as one paragraph. */
function m365CoverageNote(plan: Plan): string[] | undefined {
  const covered = coveredRows(plan.firewallRules).filter((c) => c.row.table === "edge-m365");
  if (!covered.length) return undefined;
  return [
    `Already allowed by a broader row (its addresses, transport and ports hold the Microsoft 365 row's): ${covered.map((c) => `\`${c.row.id}\` by \`${c.by.id}\``).join("; ")}. Keep each of these rows if your firewall restricts the broader row (for example to named federation partners): then only this row lets Microsoft 365 through.`,
  ];
}

// ---- Certificates ---------------------------------------------------------------------------------------------

function sharedKeyText(c: Certificate): string {
  if (c.sharedKey) return `yes: one certificate and exportable private key imported on ${c.installedOn.join(", ")}`;
  return c.installedOn.length > 1 ? `no: a certificate per server (${c.installedOn.join(", ")})` : "no";
}

const FEATURE_NAMES: Record<CertificateFeature, string> = { federation: "federation", xmpp: "XMPP", mobility: "mobility" };

const certificateColumns: Column<Certificate>[] = [
  { header: "Site", cell: (c) => c.site },
  { header: "Component", cell: (c) => c.component },
  { header: "Subject name", cell: (c) => c.subject },
  { header: "SANs (in order)", cell: (c) => c.sans.join(", ") },
  {
    header: "SANs by feature",
    cell: (c) =>
      Object.entries(c.sanFeatures ?? {})
        .map(([name, feature]) => `${name}: ${FEATURE_NAMES[feature]}`)
        .join("; "),
  },
  { header: "EKU", cell: (c) => c.eku.map((e) => (e === "server" ? "Server Authentication" : "Client Authentication")).join(", ") },
  { header: "Issuer", cell: (c) => c.issuer },
  { header: "Assigned to", cell: (c) => c.assignedTo },
  { header: "Installed on", cell: (c) => (c.installedOn.length ? c.installedOn.join(", ") : "(outside the lab)") },
  { header: "Key shared across pool members", cell: sharedKeyText },
  { header: "Notes", cell: (c) => c.notes },
  { header: "Refs", cell: (c) => refs(c.refs) },
];

// ---- Planned for later -----------------------------------------------------------------------------------------

interface LaterItem {
  readonly what: string;
  readonly site: string;
  readonly item: string;
  readonly details: string;
  readonly refs: readonly string[];
}

/** One row per thing a later feature adds, in plan order: DNS, firewall, VIP, publishing, settings, notes. */
function laterItems(later: LaterFeaturePlan): LaterItem[] {
  return [
    ...later.dnsRecords.map((r) => ({
      what: `DNS ${r.view}`,
      site: r.site,
      item: `${r.type} ${r.name}`,
      details: `${dnsValueText(r)} (${r.purpose})`,
      refs: r.refs,
    })),
    ...later.firewallRules.map((r) => ({
      what: `Firewall ${r.table}`,
      site: r.site,
      item: `${r.direction} ${r.ports} ${r.protocol}`,
      details: `${endpointText(r.source)} -> ${endpointText(r.destination)} (${r.purpose})`,
      refs: r.refs,
    })),
    ...later.vips.map((v) => ({
      what: "VIP",
      site: v.site,
      item: `${roleName(v.service)} ${v.ip}`,
      details: `ports ${v.ports.map((p) => p.slashText).join(", ")}`,
      refs: v.refs,
    })),
    ...later.publishingRules.map((r) => ({
      what: "Publishing rule",
      site: r.site,
      item: r.publicName,
      details: `${r.target.fqdn} (${r.target.ip}) ${r.bridges.map((b) => `${b.listen}->${b.target}`).join(", ")}`,
      refs: r.refs,
    })),
    ...later.topologySettings.map((t) => ({ what: "Topology setting", site: t.site, item: `${t.item}: ${t.value}`, details: "", refs: t.refs })),
    ...later.notes.map((n) => ({ what: "Note", site: n.site ?? "", item: n.message, details: "", refs: n.refs })),
  ];
}

const laterColumns: Column<LaterItem>[] = [
  { header: "Adds", cell: (i) => i.what },
  { header: "Site", cell: (i) => i.site },
  { header: "Item", cell: (i) => i.item },
  { header: "Details", cell: (i) => i.details },
  { header: "Refs", cell: (i) => refs(i.refs) },
];

// ---- IP plan --------------------------------------------------------------------------------------------------

/** One row of the IP plan: a NIC address of a server, or a load balancer VIP. */
export type IpPlanEntry =
  | { readonly kind: "nic"; readonly server: PlanServer; readonly nic: PlanInterface; readonly address: PlanAddress }
  | { readonly kind: "vip"; readonly vip: PlanVip };

export function ipPlanEntries(plan: Plan): IpPlanEntry[] {
  const nics: IpPlanEntry[] = plan.servers.flatMap((server) =>
    server.interfaces.flatMap((nic) => nic.addresses.map((address) => ({ kind: "nic" as const, server, nic, address }))),
  );
  return [...nics, ...plan.vips.map((vip) => ({ kind: "vip" as const, vip }))];
}

const ipColumns: Column<IpPlanEntry>[] = [
  { header: "Site", cell: (e) => (e.kind === "nic" ? e.server.site : e.vip.site) },
  { header: "Host", cell: (e) => (e.kind === "nic" ? e.server.fqdn : `load balancer VIP ${e.vip.id}`) },
  { header: "NIC", cell: (e) => (e.kind === "nic" ? e.nic.side : e.vip.side) },
  { header: "Subnet", cell: (e) => (e.kind === "nic" ? e.nic.subnet : "") },
  { header: "Address", cell: (e) => (e.kind === "nic" ? e.address.ip : e.vip.ip) },
  { header: "Use", cell: (e) => (e.kind === "nic" ? `${roleName(e.address.role)}${e.address.primary ? " (primary)" : ""}` : roleName(e.vip.service)) },
  { header: "Public address (NAT)", cell: (e) => (e.kind === "nic" ? (e.address.natPublic ?? "") : "") },
  { header: "FQDN", cell: (e) => (e.kind === "nic" ? (e.address.fqdn ?? "") : e.vip.fqdn) },
  { header: "Default gateway", cell: (e) => (e.kind === "nic" ? (e.nic.gateway ?? "none") : "") },
  { header: "Persistent routes", cell: (e) => (e.kind === "nic" ? e.nic.routes.map((r) => `${r.destination} via ${r.via}`).join("; ") : "") },
];

interface HostsEntry {
  readonly server: PlanServer;
  readonly fqdn: string;
  readonly ip: string;
}

const hostsColumns: Column<HostsEntry>[] = [
  { header: "Site", cell: (h) => h.server.site },
  { header: "Server", cell: (h) => h.server.fqdn },
  { header: "HOSTS name", cell: (h) => h.fqdn },
  { header: "Address", cell: (h) => h.ip },
];

// ---- Reverse proxy, notes -------------------------------------------------------------------------------------

const publishingColumns: Column<PublishingRule>[] = [
  { header: "Site", cell: (r) => r.site },
  { header: "Public name", cell: (r) => r.publicName },
  { header: "Target FQDN", cell: (r) => r.target.fqdn },
  { header: "Target address", cell: (r) => r.target.ip },
  { header: "Bridging", cell: (r) => r.bridges.map((b) => `${b.scheme} ${b.listen} -> ${b.target}`).join("; ") },
  { header: "Path", cell: (r) => r.path },
  { header: "Forward host header", cell: (r) => yesNo(r.forwardHostHeader) },
  { header: "Authentication", cell: (r) => r.authentication },
  { header: "Purpose", cell: (r) => r.purpose },
  { header: "Refs", cell: (r) => refs(r.refs) },
];

const cmdletColumns = (product: Plan["scenario"]["product"]): Column<PlanCmdlet>[] => [
  { header: "Step", cell: (c) => c.id },
  // Lync Server 2013 names its shell the Lync Server Management Shell.
  {
    header: "Runs in",
    cell: (c) =>
      c.shell === "tenant"
        ? "Teams PowerShell (tenant)"
        : product === "lync2013"
          ? "Lync Server Management Shell"
          : "Skype for Business Server Management Shell",
  },
  { header: "Command", cell: (c) => callText(c.call) },
  { header: "Purpose", cell: (c) => c.purpose },
  {
    header: "Check",
    cell: (c) => (c.verify ? `${callText(c.verify.call)}: ${c.verify.expect.map((e) => `${e.property} = ${String(e.value)}`).join(", ")}` : ""),
  },
  { header: "Source", cell: (c) => c.source },
  { header: "Refs", cell: (c) => refs(c.refs) },
];

type FederationSide = { side: string; openFederation: boolean; allowedDomains: readonly string[]; blockedDomains: readonly string[] };
const federationListColumns: Column<FederationSide>[] = [
  { header: "Side", cell: (f) => f.side },
  { header: "Open federation / partner discovery", cell: (f) => yesNo(f.openFederation) },
  { header: "Allowed domains", cell: (f) => f.allowedDomains.join(", ") || "(none)" },
  { header: "Blocked domains", cell: (f) => f.blockedDomains.join(", ") || "(none)" },
];

const deletionColumns: Column<DnsDeletion>[] = [
  { header: "View", cell: (d) => d.view },
  { header: "Name", cell: (d) => d.name },
  { header: "Type", cell: (d) => d.type },
  { header: "Current value", cell: (d) => d.values.join(", ") },
  { header: "Delete", cell: (d) => (d.required ? "required" : "optional") },
  { header: "Why", cell: (d) => d.reason },
];

const noteColumns: Column<PlanNote>[] = [
  { header: "Kind", cell: (n) => n.kind },
  { header: "Site", cell: (n) => n.site ?? "all" },
  { header: "Note", cell: (n) => n.message },
  { header: "Refs", cell: (n) => refs(n.refs) },
];

// ---- The document ---------------------------------------------------------------------------------------------

/** The worksheet as an ordered list of blocks; `worksheetTables` lists the non-empty tables (one CSV each). */
export function worksheetBlocks(plan: Plan): Block[] {
  const s = plan.scenario;
  const blocks: Block[] = [];
  const add = (heading: string, level: 2 | 3, table?: Table, text?: readonly string[]) =>
    blocks.push({ heading, level, ...(table ? { table } : {}), ...(text ? { text } : {}) });

  add("Summary", 2, undefined, [
    `Product ${s.product}; SIP domains ${s.sipDomains.join(", ")}; internal domain ${s.internalDomain}; lab mode ${s.labMode}.`,
    `Support: ${s.support.text} (source: ${s.support.source})`,
    `Features: ${featureList(plan).join(", ") || "remote access only"}.`,
    `Lab image: ${s.labImage.publisher} / ${s.labImage.offer} / ${s.labImage.sku}${s.labImage.from === "scenario" ? " (lab.imageSku)" : ""}.`,
  ]);
  add("Sites", 3, makeTable("sites", "Sites", siteColumns, s.sites), [
    "Load balancing is a design decision, not a Topology Builder setting: Topology Builder has no field for it. A hardware load balancer shows as VIPs (addresses and DNS records of the VIPs), DNS load balancing as one DNS record per pool member (LB-06, LB-07).",
  ]);
  add("Servers", 3, makeTable("servers", "Servers", serverColumns, plan.servers));
  add("NAT mappings", 3, makeTable("nat", "NAT mappings", natColumns, natMappings(plan)));
  add("Load balancer VIPs", 3, makeTable("vips", "Load balancer VIPs", vipColumns, plan.vips));
  add("Topology settings to enter", 3, makeTable("topology-settings", "Topology settings to enter", topologyColumns, plan.topologySettings));

  add("DNS", 2);
  for (const view of ["external", "internal"] as const) {
    const title = `${view === "external" ? "External" : "Internal"} view`;
    add(title, 3, makeTable(`dns-${view}`, `DNS ${title.toLowerCase()}`, dnsColumns, dnsRecordsOf(plan, view)));
  }

  add("Firewall", 2, undefined, [
    "Microsoft's columns: role/protocol/transport/port, source, destination, notes. Directions are from the Edge Server's (or reverse proxy's, Director's) point of view.",
  ]);
  for (const { table, title } of FIREWALL_TABLES)
    add(
      title,
      3,
      makeTable(`firewall-${table}`, `Firewall: ${title}`, firewallColumns(false, table === "edge-m365"), firewallRowsOf(plan, table)),
      table === "edge-m365" ? m365CoverageNote(plan) : undefined,
    );
  for (const { feature, title } of FEATURE_SUMMARIES)
    add(title, 3, makeTable(`firewall-${feature}`, `Firewall: ${title}`, firewallColumns(true), featureRowsOf(plan, feature)));

  add("Certificates", 2, makeTable("certificates", "Certificates", certificateColumns, plan.certificates));

  add("IP plan", 2, makeTable("ip-plan", "IP plan", ipColumns, ipPlanEntries(plan)));
  const hosts = plan.servers.flatMap((server) => server.hosts.map((h) => ({ server, ...h })));
  add("HOSTS file entries", 3, makeTable("hosts", "HOSTS file entries", hostsColumns, hosts));

  add("Reverse proxy publishing rules", 2, makeTable("publishing-rules", "Reverse proxy publishing rules", publishingColumns, plan.publishingRules));

  if (plan.cmdlets.length > 0) {
    add(
      "Federation and hybrid configuration",
      2,
      makeTable("cmdlets", "Federation and hybrid configuration", cmdletColumns(plan.scenario.product), plan.cmdlets),
      ["The same commands, each commented with its source, are in cmdlets.ps1; `edge-lab checklist` reads them back."],
    );
  }
  const h = plan.hybrid;
  if (h) {
    add("Microsoft 365 hybrid", 2, undefined, [
      `Phase ${h.phase}; tenant SIP domains ${h.tenantDomains.join(", ")}.`,
      `Microsoft 365 address ranges (endpoint sets ${h.endpoints.ids.join(", ")}): ${h.endpoints.source}${h.endpoints.date ? `, dated ${h.endpoints.date}` : ""}. IPv4 ${h.endpoints.ipv4.join(", ")}; IPv6 ${h.endpoints.ipv6.join(", ") || "(none)"}; names ${h.endpoints.urls.map((u) => `\`${u}\``).join(", ") || "(none)"}.`,
    ]);
    const sides = [
      { side: "on-premises (Set-CsAccessEdgeConfiguration, Allowed / Blocked domains)", ...h.tenantFederation },
      { side: "tenant (Set-CsTenantFederationConfiguration)", ...h.tenantFederation },
    ];
    add("Federation lists both sides need", 3, makeTable("hybrid-federation", "Federation lists both sides need", federationListColumns, sides));
    add(
      h.phase === "teams-only" ? "Teams Only cutover DNS (in effect)" : "Teams Only cutover DNS (at the cutover)",
      3,
      makeTable("cutover-dns", "Teams Only cutover DNS", dnsColumns, h.cutoverRecords),
    );
    add("Records the cutover deletes", 3, makeTable("cutover-deletions", "Records the cutover deletes", deletionColumns, h.cutoverDeletions));
  }
  if (plan.later.length) {
    add("Planned for later", 2, undefined, [
      `Features planned for later: ${plan.later.map((l) => l.title).join(", ")}. The certificates above already carry their names (marked in "SANs by feature"), so deploying them needs no new certificate. Each table below lists what that feature adds once deployed: DNS records, firewall rows (and so NSG and appliance rules), VIP ports, publishing rules, Topology Builder settings and notes. A record, row or setting already present here appears when the feature changes it.`,
    ]);
    for (const later of plan.later)
      add(`Later: ${later.title}`, 3, makeTable(`later-${later.feature}`, `Later: ${later.title}`, laterColumns, laterItems(later)));
  }

  add("Notes", 2);
  const fidelity = plan.notes.filter((n) => n.kind === "fidelity");
  add(`Lab fidelity (${s.labMode} mode)`, 3, makeTable("notes-fidelity", `Lab fidelity (${s.labMode} mode)`, noteColumns, fidelity));
  add(
    "Planning notes",
    3,
    makeTable(
      "notes",
      "Planning notes",
      noteColumns,
      plan.notes.filter((n) => n.kind !== "fidelity"),
    ),
  );
  return blocks;
}

export function featureList(plan: Plan): string[] {
  const f = plan.scenario.features;
  return [
    f.sipFederation && `SIP federation${f.partnerDiscovery ? " (partner discovery)" : ""}`,
    f.allowedDomains.length > 0 && `allowed domains ${f.allowedDomains.map((d) => d.domain).join(", ")}`,
    f.publicIm.length > 0 && `public IM (${f.publicIm.join(", ")})`,
    f.xmpp && `XMPP${f.xmppPartners.length ? ` (${f.xmppPartners.join(", ")})` : ""}`,
    f.ocs2007Partners && "OCS 2007 partners",
    f.mobility && `mobility${f.pushNotifications ? " (with push notifications)" : ""}`,
  ].filter((x): x is string => typeof x === "string");
}

/** The tables that have rows, in worksheet order: one CSV file each. */
export function worksheetTables(plan: Plan): Table[] {
  return worksheetBlocks(plan).flatMap((b) => (b.table && b.table.rows.length > 0 ? [b.table] : []));
}
