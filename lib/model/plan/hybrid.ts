/**
 * Federation with Microsoft 365 and hybrid (shared SIP address space) in the plan:
 * - the sipfed.online.lync.com hosting provider whenever SIP federation is on (topology setting + cmdlet);
 * - the Access Edge configuration and the tenant switch as cmdlets, each with its read-back check;
 * - hybrid: the Edge <-> Microsoft 365 firewall table (edge-m365) with Microsoft 365's address ranges, the Web
 *   Conferencing Edge A records in the internal view, the Teams Only cutover DNS table and what it deletes, notes.
 * Facts and sources come from lib/model/hybrid.ts and lib/model/m365-endpoints.ts.
 */
import {
  CUTOVER_RECORDS,
  CUTOVER_SRV,
  CUTOVER_TTL,
  FEDERATION_HOSTING_PROVIDER,
  HYBRID_HOSTING_PROVIDER,
  HYBRID_PORTS,
  SIPFED_FQDN,
  SOURCES,
  type HostingProviderParameters,
} from "../hybrid";
import { farEndOf, type M365Endpoints } from "../m365-endpoints";
import type { ResolvedScenario, ResolvedSite } from "../resolve";
import { inDomain } from "../rules/names";
import { isHardware, nodeAddresses, vipOf } from "./site-facts";
import type {
  CmdletCall,
  CmdletParameter,
  DnsDeletion,
  DnsRecord,
  FirewallEndpoint,
  FirewallRule,
  PlanCmdlet,
  PlanHybrid,
  PlanNote,
  TopologySetting,
} from "./types";

const routeSite = (s: ResolvedScenario): ResolvedSite | undefined => s.sites.find((site) => site.federationRoute);

// ---- Firewall -------------------------------------------------------------------------------------------------

/** The edge-m365 table: Microsoft's six hybrid rows on the federation-route Edge, toward Microsoft 365's ranges. */
export function hybridFirewallRules(s: ResolvedScenario, endpoints: M365Endpoints): FirewallRule[] {
  const site = routeSite(s);
  if (!s.hybrid || !site) return [];
  return HYBRID_PORTS.map((row): FirewallRule => {
    // The prefixes of the endpoint set whose ports the row matches (or both sets, the label says why).
    const m365: FirewallEndpoint = farEndOf(endpoints, row);
    // SIP reaches a hardware-load-balanced pool at its Access VIP; media always at each A/V Edge (HLB-14).
    const vip = row.edge === "access" && isHardware(site) ? vipOf(site, "access") : undefined;
    const label = row.edge === "access" ? "Edge Server Access Edge service" : "Edge Server A/V Edge service";
    let edge: FirewallEndpoint;
    if (vip) {
      edge = { label: `${label} VIP`, addresses: [vip] };
    } else {
      const { ips, publicIps } = nodeAddresses(site, row.edge);
      edge = { label, addresses: ips, ...(publicIps.some((ip, i) => ip !== ips[i]) ? { publicAddresses: publicIps } : {}) };
    }
    return {
      id: `${site.name}/edge-m365/${row.id}`,
      site: site.name,
      table: "edge-m365",
      firewall: "external",
      direction: row.direction,
      service: row.edge === "access" ? "Access" : "A/V",
      protocol: row.protocol,
      transport: row.transport,
      ports: row.ports,
      ...(row.sourcePorts ? { sourcePorts: row.sourcePorts } : {}),
      source: row.direction === "inbound" ? m365 : edge,
      destination: row.direction === "inbound" ? edge : m365,
      purpose: row.purpose,
      features: ["federation"],
      refs: ["HYB-02", "ms:hybrid-ports"],
    };
  });
}

// ---- Topology settings and cmdlets ----------------------------------------------------------------------------

function hostingProviderOf(s: ResolvedScenario): HostingProviderParameters {
  return s.hybrid ? HYBRID_HOSTING_PROVIDER : FEDERATION_HOSTING_PROVIDER;
}

/** The hosting provider entry for sipfed.online.lync.com, on the federation route, whenever SIP federation is on. */
export function federationTopologySettings(s: ResolvedScenario): TopologySetting[] {
  const site = routeSite(s);
  if (!site || !s.federation.sip.enabled) return [];
  const hp = hostingProviderOf(s);
  // Teams Only: the cutover disables the provider and the shared address space (federationCmdlets, disableHybrid).
  const value =
    s.hybrid?.phase === "teams-only"
      ? "Disabled, and the tenant's shared SIP address space off (both in the cutover, after the DNS records point to Microsoft 365)"
      : `Enabled; shared SIP address space ${hp.enabledSharedAddressSpace ? "on" : "off"}; hosts on-premises users ${hp.hostsOCSUsers ? "yes" : "no"}; verification ${hp.verificationLevel}${hp.autodiscoverUrl ? `; Autodiscover URL ${hp.autodiscoverUrl}` : ""}`;
  return [
    {
      site: site.name,
      item: `SIP federated providers: hosting provider ${hp.identity} (${hp.proxyFqdn})`,
      value,
      refs: s.hybrid ? ["HYB-02", "ms:hosting-provider"] : ["FED-05", "ms:hosting-provider"],
    },
  ];
}

const str = (name: string, value: string): CmdletParameter => ({ name, kind: "string", value });
const bool = (name: string, value: boolean): CmdletParameter => ({ name, kind: "boolean", value });
const flag = (name: string): CmdletParameter => ({ name, kind: "switch" });
const call = (...steps: [string, CmdletParameter[]][]): CmdletCall => ({ steps: steps.map(([cmdlet, parameters]) => ({ cmdlet, parameters })) });

export function federationCmdlets(s: ResolvedScenario): PlanCmdlet[] {
  if (!s.federation.sip.enabled || !routeSite(s)) return [];
  const hp = hostingProviderOf(s);
  const partnerDiscovery = s.federation.sip.partnerDiscovery;
  const source = s.hybrid ? SOURCES.configureFederation : SOURCES.federationSupport;
  const refs = s.hybrid ? ["HYB-02", "ms:hosting-provider"] : ["FED-05", "ms:hosting-provider"];
  if (s.hybrid?.phase === "teams-only") {
    // The cutover: DNS first (the cutover table), then these two, together (cloud-consolidation-disabling-hybrid).
    return [
      {
        id: "tenant-shared-sip-off",
        shell: "tenant",
        purpose:
          "Disable the shared SIP address space in the tenant (after the cutover DNS records are in place; it fails while any record points on-premises)",
        call: call(["Set-CsTenantFederationConfiguration", [bool("SharedSipAddressSpace", false)]]),
        verify: { call: call(["Get-CsTenantFederationConfiguration", []]), expect: [{ property: "SharedSipAddressSpace", value: false }] },
        source: `${SOURCES.disableHybrid}; ${SOURCES.tenantModule}`,
        refs: ["HYB-02", "ms:cutover-dns"],
      },
      {
        id: "onprem-hosting-provider-off",
        shell: "on-premises",
        purpose: "Stop the on-premises deployment communicating with Microsoft 365",
        call: call(["Get-CsHostingProvider", []], ["Set-CsHostingProvider", [bool("Enabled", false)]]),
        verify: { call: call(["Get-CsHostingProvider", [str("Identity", hp.identity)]]), expect: [{ property: "Enabled", value: false }] },
        source: SOURCES.disableHybrid,
        refs: ["HYB-02", "ms:cutover-dns"],
      },
    ];
  }
  const cmdlets: PlanCmdlet[] = [
    {
      id: "access-edge",
      shell: "on-premises",
      purpose: "Access Edge configuration: remote users, federation, partner discovery, DNS SRV routing",
      call: call([
        "Set-CsAccessEdgeConfiguration",
        [bool("AllowOutsideUsers", true), bool("AllowFederatedUsers", true), bool("EnablePartnerDiscovery", partnerDiscovery), flag("UseDnsSrvRouting")],
      ]),
      verify: {
        call: call(["Get-CsAccessEdgeConfiguration", []]),
        expect: [
          { property: "AllowOutsideUsers", value: true },
          { property: "AllowFederatedUsers", value: true },
          { property: "EnablePartnerDiscovery", value: partnerDiscovery },
          { property: "RoutingMethod", value: "UseDnsSrvRouting" },
        ],
      },
      source: SOURCES.configureFederation,
      refs: s.hybrid ? ["HYB-03", "FED-05"] : ["FED-05"],
    },
    {
      id: "hosting-provider-remove",
      shell: "on-premises",
      purpose: `Remove any existing hosting provider for ${SIPFED_FQDN} (the next command creates it with the right settings)`,
      call: call(
        ["Get-CsHostingProvider", []],
        ["Where-Object", [str("Property", "ProxyFqdn"), flag("EQ"), str("Value", SIPFED_FQDN)]],
        ["Remove-CsHostingProvider", []],
      ),
      source,
      refs,
    },
    {
      id: "hosting-provider",
      shell: "on-premises",
      purpose: s.hybrid
        ? "Hosting provider for Microsoft 365 with the shared SIP address space (hybrid)"
        : "Hosting provider for Microsoft 365 tenants (federation with Teams / Skype for Business Online organisations; shared address space off)",
      call: call([
        "New-CsHostingProvider",
        [
          str("Identity", hp.identity),
          str("ProxyFqdn", hp.proxyFqdn),
          bool("Enabled", hp.enabled),
          bool("EnabledSharedAddressSpace", hp.enabledSharedAddressSpace),
          bool("HostsOCSUsers", hp.hostsOCSUsers),
          str("VerificationLevel", hp.verificationLevel),
          bool("IsLocal", hp.isLocal),
          ...(hp.autodiscoverUrl ? [str("AutodiscoverUrl", hp.autodiscoverUrl)] : []),
        ],
      ]),
      verify: {
        call: call(["Get-CsHostingProvider", [str("Identity", hp.identity)]]),
        expect: [
          { property: "ProxyFqdn", value: hp.proxyFqdn },
          { property: "Enabled", value: hp.enabled },
          { property: "EnabledSharedAddressSpace", value: hp.enabledSharedAddressSpace },
          { property: "HostsOCSUsers", value: hp.hostsOCSUsers },
          { property: "VerificationLevel", value: hp.verificationLevel },
          ...(hp.autodiscoverUrl ? [{ property: "AutodiscoverUrl", value: hp.autodiscoverUrl }] : []),
        ],
      },
      source: hp.source,
      refs,
    },
  ];
  if (s.hybrid) {
    cmdlets.push({
      id: "tenant-shared-sip",
      shell: "tenant",
      purpose: "Enable the shared SIP address space in the Microsoft 365 tenant (Teams PowerShell module, Connect-MicrosoftTeams first)",
      call: call(["Set-CsTenantFederationConfiguration", [bool("SharedSipAddressSpace", true)]]),
      verify: { call: call(["Get-CsTenantFederationConfiguration", []]), expect: [{ property: "SharedSipAddressSpace", value: true }] },
      source: `${SOURCES.configureFederation}; ${SOURCES.tenantModule}`,
      refs: ["HYB-02"],
    });
  }
  return cmdlets;
}

// ---- DNS ------------------------------------------------------------------------------------------------------

const recordKey = (r: { view: string; type: string; name: string }) => `${r.view} ${r.type} ${r.name}`;

/**
 * Hybrid: the Web Conferencing Edge A records in the internal view (online users presenting in on-premises meetings
 * fail without them), each in its own pinpoint zone like every internal name of a SIP domain (dns.ts), so no other
 * public name is shadowed.
 */
function internalWebConferencingRecords(s: ResolvedScenario, onPrem: readonly DnsRecord[]): DnsRecord[] {
  const out: DnsRecord[] = [];
  for (const site of s.sites) {
    const name = site.edge.fqdns.webConferencing.value;
    const external = onPrem.find((r) => r.view === "external" && r.type === "A" && r.name === name);
    if (!external || onPrem.some((r) => r.view === "internal" && r.name === name) || out.some((r) => r.name === name)) continue;
    // In internet mode the values stay placeholders (assignedAtDeploy), as in the external view.
    out.push({
      ...external,
      view: "internal",
      zone: name,
      purpose: "Web Conferencing Edge external address, resolvable by internal clients (hybrid: online users presenting in on-premises meetings)",
      refs: ["HYB-01", "ms:hybrid-dns"],
    });
  }
  return out;
}

function cutoverRecord(site: string, view: DnsRecord["view"], zone: string, domain: string, c: (typeof CUTOVER_RECORDS)[number]): DnsRecord {
  const name = `${c.label}.${domain}`;
  const purpose = "Teams Only cutover: points to Microsoft 365";
  if (c.type === "SRV") {
    const srv = { priority: CUTOVER_SRV.priority, weight: CUTOVER_SRV.weight, port: c.port!, target: c.target };
    return {
      site,
      view,
      zone,
      name,
      type: "SRV",
      values: [`${srv.priority} ${srv.weight} ${srv.port} ${srv.target}`],
      srv,
      ttl: CUTOVER_TTL,
      purpose,
      refs: ["ms:cutover-dns"],
    };
  }
  return { site, view, zone, name, type: "CNAME", values: [c.target], ttl: CUTOVER_TTL, purpose, refs: ["ms:cutover-dns"] };
}

/** Names the cutover replaces in domain `d`: the cutover table's names, and the internal Autodiscover name. */
function replacedBy(domain: string, r: DnsRecord): boolean {
  const names = [...CUTOVER_RECORDS.map((c) => `${c.label}.${domain}`), `lyncdiscoverinternal.${domain}`];
  return names.includes(r.name);
}

export interface HybridDns {
  readonly records: DnsRecord[];
  readonly cutoverRecords: DnsRecord[];
  readonly cutoverDeletions: DnsDeletion[];
}

/**
 * The DNS records of the phase. `onPrem` are the records of an on-premises deployment (all external records point
 * on-premises, as hybrid requires). The Teams Only phase replaces, for every tenant domain, the four names of the
 * cutover table in the external view, and deletes the internal pinpoint zones of those names and of
 * lyncdiscoverinternal.
 */
export function hybridDns(s: ResolvedScenario, onPrem: readonly DnsRecord[]): HybridDns {
  const hybrid = s.hybrid;
  if (!hybrid) return { records: [...onPrem], cutoverRecords: [], cutoverDeletions: [] };
  const inHybrid = [...onPrem, ...internalWebConferencingRecords(s, onPrem)];
  const site = (s.sites.find((x) => x.primary) ?? s.sites[0]).name;
  const domains = hybrid.tenantDomains.map((d) => d.value);
  const cutoverRecords = domains.flatMap((d) => CUTOVER_RECORDS.map((c) => cutoverRecord(site, "external", d, d, c)));
  // Internal names of a SIP domain live in pinpoint zones: deleting the ones the cutover replaces lets internal
  // clients resolve the cutover records from public DNS, so the internal view needs no copy of them.
  const replaced = (r: DnsRecord) => domains.some((d) => inDomain(r.name, d) && replacedBy(d, r));
  const afterCutover = [...inHybrid.filter((r) => !replaced(r)), ...cutoverRecords];
  const kept = new Set(afterCutover.map(recordKey));
  const required: DnsDeletion[] = inHybrid
    .filter((r) => !kept.has(recordKey(r)))
    .map((r) => ({
      view: r.view,
      name: r.name,
      type: r.type,
      values: r.values,
      required: true,
      reason: r.name.startsWith("lyncdiscoverinternal.")
        ? "internal Autodiscover must not point on-premises after the cutover"
        : "replaced by the cutover record of the same name",
    }));
  const simpleUrls = s.sites.flatMap((x) => [...x.reverseProxy.meet.map((m) => m.value), ...(x.reverseProxy.dialin ? [x.reverseProxy.dialin.value] : [])]);
  const optional: DnsDeletion[] = inHybrid
    .filter((r) => simpleUrls.includes(r.name) && r.view === "external" && domains.some((d) => inDomain(r.name, d)))
    .map((r) => ({
      view: r.view,
      name: r.name,
      type: r.type,
      values: r.values,
      required: false,
      reason: "meeting / dial-in simple URL: may be deleted once no meeting is hosted on-premises",
    }));
  return { records: hybrid.phase === "teams-only" ? afterCutover : inHybrid, cutoverRecords, cutoverDeletions: [...required, ...optional] };
}

// ---- Hybrid summary and notes ---------------------------------------------------------------------------------

export function planHybrid(s: ResolvedScenario, endpoints: M365Endpoints, dns: HybridDns): PlanHybrid | undefined {
  const hybrid = s.hybrid;
  if (!hybrid) return undefined;
  const sip = s.federation.sip;
  return {
    phase: hybrid.phase,
    tenantDomains: hybrid.tenantDomains.map((d) => d.value),
    endpoints: {
      source: endpoints.source,
      ...(endpoints.date ? { date: endpoints.date } : {}),
      ids: endpoints.sets.map((x) => x.id),
      ipv4: endpoints.ipv4,
      ipv6: endpoints.ipv6,
      urls: [...new Set(endpoints.sets.flatMap((x) => x.urls))],
    },
    tenantFederation: { openFederation: sip.partnerDiscovery, allowedDomains: sip.allowedDomains.map((d) => d.domain), blockedDomains: sip.blockedDomains },
    cutoverRecords: dns.cutoverRecords,
    cutoverDeletions: dns.cutoverDeletions,
  };
}

export function hybridNotes(s: ResolvedScenario, endpoints: M365Endpoints): PlanNote[] {
  const hybrid = s.hybrid;
  const notes: PlanNote[] = [];
  if (s.federation.sip.enabled && routeSite(s)) {
    notes.push({
      kind: "info",
      message: `Federation with Teams / Skype for Business Online organisations needs the hosting provider ${SIPFED_FQDN}${s.hybrid ? " (shared SIP address space on, for the hybrid tenant)" : " with the shared address space off"}; without an enabled entry, partners that moved to the cloud cannot federate with this organisation. Source: ${hostingProviderOf(s).source}.`,
      refs: [s.hybrid ? "HYB-02" : "FED-05", "ms:hosting-provider"],
    });
  }
  if (!hybrid) return notes;
  const domains = hybrid.tenantDomains.map((d) => d.value);
  notes.push(
    {
      kind: "info",
      message: `Hybrid DNS: every external Skype for Business record of ${domains.join(", ")} stays on-premises; the Edge must resolve _sipfederationtls._tcp of every SIP domain to the Access Edge (strict name matching), and internal clients must resolve the Web Conferencing Edge name to its external address. Source: ${SOURCES.hybridPlanning}; ${SOURCES.webconInternal}.`,
      refs: ["HYB-01", "DNS-03", "ms:hybrid-dns"],
    },
    {
      kind: "info",
      message: `Certificates: the external Edge certificate carries sip.<domain> for every tenant SIP domain (${domains.map((d) => `sip.${d}`).join(", ")}; never *.onmicrosoft.com) before the first user moves. Source: ${SOURCES.edgeCertificates}.`,
      refs: ["HYB-01"],
    },
    {
      kind: "info",
      message: `Microsoft 365 address ranges (edge-m365 firewall rows): ${endpoints.source}${endpoints.date ? `, dated ${endpoints.date}. They change: pass the current endpoints file with --m365-endpoints <file>.` : ", given with --m365-endpoints."} The lab's NSGs and appliance use the IPv4 prefixes (${endpoints.ipv4.join(", ")}); IPv6 prefixes are listed for the production firewall.`,
      refs: ["ms:hybrid-ports"],
    },
    {
      kind: "info",
      message: `The tenant's federation settings must match on-premises exactly: ${s.federation.sip.partnerDiscovery ? "open federation (partner discovery on-premises)" : "closed federation (no partner discovery on-premises)"}; allowed domains ${s.federation.sip.allowedDomains.map((d) => d.domain).join(", ") || "(none)"}; blocked domains ${s.federation.sip.blockedDomains.join(", ") || "(none)"}. Source: ${SOURCES.hybridPlanning}.`,
      refs: ["HYB-03", "HYB-04"],
    },
  );
  if (hybrid.phase === "teams-only") {
    notes.push({
      kind: "warning",
      message: `Teams Only cutover: update the external DNS of ${domains.join(", ")} to the cutover table first; the tenant switch (Set-CsTenantFederationConfiguration -SharedSipAddressSpace $false, and TeamsOnly for the tenant) fails while any of these records still points on-premises. Partners using direct federation (allowed partner server) must update their entries. Source: ${SOURCES.cutoverDns}; ${SOURCES.disableHybrid}.`,
      refs: ["ms:cutover-dns"],
    });
  }
  if (s.product === "sfbse") {
    notes.push({
      kind: "info",
      message:
        "Subscription Edition hybrid: install the August 2025 cumulative update (or later) and run ConfigureSkypeforBusinessHybridApplication.ps1 on a Front End for the dedicated hybrid application (without it, Exchange Online archiving, calendar presence and photos stop working). A Front End task for the hybrid checklist.",
      refs: ["SE-01"],
    });
  }
  return notes;
}
