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
  isMicrosoftOwnedDomain,
  PUSH_DOMAIN,
  SIPFED_FQDN,
  SOURCES,
  TEAMS_ONLY_POLICY,
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
      application: row.application,
      transport: row.ports.transport,
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

// ---- Domains --------------------------------------------------------------------------------------------------

/** Tenant domains with names of their own: every tenant domain but the Microsoft-owned *.onmicrosoft.com ones. */
export function hostedTenantDomains(s: ResolvedScenario): string[] {
  return (s.hybrid?.tenantDomains ?? []).map((d) => d.value).filter((d) => !isMicrosoftOwnedDomain(d));
}

/** SIP domains of the topology that are not tenant domains: after the Teams Only cutover they stay on-premises. */
export function onPremisesOnlyDomains(s: ResolvedScenario): ResolvedScenario["sipDomains"] {
  const tenant = new Set((s.hybrid?.tenantDomains ?? []).map((d) => d.value));
  return s.sipDomains.filter((d) => !tenant.has(d.value) && !isMicrosoftOwnedDomain(d.value));
}

/** Teams Only with every SIP domain in the tenant: the cutover cuts the on-premises deployment off Microsoft 365. */
const decommissioned = (s: ResolvedScenario) => s.hybrid?.phase === "teams-only" && onPremisesOnlyDomains(s).length === 0;

/**
 * The on-premises allowed domain list: the partners, and push.lync.com when push notifications are planned (its
 * New-CsAllowedDomain, topology.ts). The tenant's list must be the same (HYB-04: the lists "must exactly match").
 */
export function onPremisesAllowedDomains(s: ResolvedScenario): string[] {
  return [...s.federation.sip.allowedDomains.map((d) => d.domain), ...(s.federation.push ? [PUSH_DOMAIN] : [])];
}

// ---- Topology settings and cmdlets ----------------------------------------------------------------------------

/** Hybrid: shared address space on. Otherwise (no hybrid, or Teams Only with a domain that stays): off (HYB-07). */
function hostingProviderOf(s: ResolvedScenario): HostingProviderParameters {
  return s.hybrid?.phase === "hybrid" ? HYBRID_HOSTING_PROVIDER : FEDERATION_HOSTING_PROVIDER;
}

function hostingProviderRefs(s: ResolvedScenario): string[] {
  if (!s.hybrid) return ["FED-05", "ms:hosting-provider"];
  return s.hybrid.phase === "hybrid" || decommissioned(s) ? ["HYB-02", "ms:hosting-provider"] : ["HYB-07", "ms:hosting-provider"];
}

/** The hosting provider entry for sipfed.online.lync.com, on the federation route, whenever SIP federation is on. */
export function federationTopologySettings(s: ResolvedScenario): TopologySetting[] {
  const site = routeSite(s);
  if (!site || !s.federation.sip.enabled) return [];
  const hp = hostingProviderOf(s);
  // Teams Only for every domain: the cutover disables the provider and the shared address space (federationCmdlets).
  const value = decommissioned(s)
    ? "Disabled, and the tenant's shared SIP address space off (both in the cutover, after the DNS records point to Microsoft 365)"
    : `Enabled; shared SIP address space ${hp.enabledSharedAddressSpace ? "on" : "off"}; hosts on-premises users ${hp.hostsOCSUsers ? "yes" : "no"}; verification ${hp.verificationLevel}${hp.autodiscoverUrl ? `; Autodiscover URL ${hp.autodiscoverUrl}` : ""}`;
  return [{ site: site.name, item: `SIP federated providers: hosting provider ${hp.identity} (${hp.proxyFqdn})`, value, refs: hostingProviderRefs(s) }];
}

const str = (name: string, value: string): CmdletParameter => ({ name, kind: "string", value });
const bool = (name: string, value: boolean): CmdletParameter => ({ name, kind: "boolean", value });
const flag = (name: string): CmdletParameter => ({ name, kind: "switch" });
const call = (...steps: [string, CmdletParameter[]][]): CmdletCall => ({ steps: steps.map(([cmdlet, parameters]) => ({ cmdlet, parameters })) });

/** Remove any sipfed.online.lync.com provider, then create it with `hp` (configure-federation-with-skype-for-business-online.md). */
function hostingProviderCmdlets(s: ResolvedScenario, hp: HostingProviderParameters): PlanCmdlet[] {
  const refs = hostingProviderRefs(s);
  return [
    {
      id: "hosting-provider-remove",
      shell: "on-premises",
      purpose: `Remove any existing hosting provider for ${SIPFED_FQDN} (the next command creates it with the right settings)`,
      call: call(
        ["Get-CsHostingProvider", []],
        ["Where-Object", [str("Property", "ProxyFqdn"), flag("EQ"), str("Value", SIPFED_FQDN)]],
        ["Remove-CsHostingProvider", []],
      ),
      source: s.hybrid?.phase === "hybrid" ? SOURCES.configureFederation : SOURCES.federationSupport,
      refs,
    },
    {
      id: "hosting-provider",
      shell: "on-premises",
      purpose:
        s.hybrid?.phase === "hybrid"
          ? "Hosting provider for Microsoft 365 with the shared SIP address space (hybrid)"
          : s.hybrid
            ? `Hosting provider for Microsoft 365 tenants, shared address space off: ${onPremisesOnlyDomains(s)
                .map((d) => d.value)
                .join(", ")} keep${onPremisesOnlyDomains(s).length > 1 ? "" : "s"} federating with Teams organisations after the cutover`
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
}

/**
 * The Teams Only cutover in Microsoft's order (cloud-consolidation-disabling-hybrid.md): DNS first (the cutover
 * table), then the tenant's coexistence mode, the shared SIP address space off, and on-premises the providers off;
 * with a SIP domain that stays on-premises, its provider is recreated with the shared address space off instead (HYB-07).
 */
function cutoverCmdlets(s: ResolvedScenario): PlanCmdlet[] {
  const cmdlets: PlanCmdlet[] = [
    {
      id: "teams-only-mode",
      shell: "tenant",
      purpose:
        "Change the tenant's coexistence mode to Teams Only (after the cutover DNS records are in place: it fails while any Skype for Business DNS record of a tenant domain still points on-premises)",
      call: call(["Grant-CsTeamsUpgradePolicy", [str("PolicyName", TEAMS_ONLY_POLICY), flag("Global")]]),
      source: `${SOURCES.teamsOnlyMode}; ${SOURCES.tenantModule}`,
      refs: ["ms:cutover-dns"],
    },
    {
      id: "tenant-shared-sip-off",
      shell: "tenant",
      purpose: "Disable the shared SIP address space in the tenant (after the tenant is Teams Only)",
      call: call(["Set-CsTenantFederationConfiguration", [bool("SharedSipAddressSpace", false)]]),
      verify: { call: call(["Get-CsTenantFederationConfiguration", []]), expect: [{ property: "SharedSipAddressSpace", value: false }] },
      source: `${SOURCES.disableHybrid}; ${SOURCES.tenantModule}`,
      refs: ["HYB-02", "ms:cutover-dns"],
    },
  ];
  if (!decommissioned(s)) return [...cmdlets, ...hostingProviderCmdlets(s, FEDERATION_HOSTING_PROVIDER)];
  return [
    ...cmdlets,
    {
      id: "onprem-hosting-provider-off",
      shell: "on-premises",
      purpose: "Stop the on-premises deployment communicating with Microsoft 365",
      call: call(["Get-CsHostingProvider", []], ["Set-CsHostingProvider", [bool("Enabled", false)]]),
      verify: { call: call(["Get-CsHostingProvider", [str("Identity", HYBRID_HOSTING_PROVIDER.identity)]]), expect: [{ property: "Enabled", value: false }] },
      source: SOURCES.disableHybrid,
      refs: ["HYB-02", "ms:cutover-dns"],
    },
  ];
}

export function federationCmdlets(s: ResolvedScenario): PlanCmdlet[] {
  if (!s.federation.sip.enabled || !routeSite(s)) return [];
  if (s.hybrid?.phase === "teams-only") return cutoverCmdlets(s);
  const partnerDiscovery = s.federation.sip.partnerDiscovery;
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
    ...hostingProviderCmdlets(s, hostingProviderOf(s)),
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

const HYBRID_WEBCON_PURPOSE =
  "Web Conferencing Edge external address, resolvable by internal clients (hybrid: online users presenting in on-premises meetings)";

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
    out.push({ ...external, view: "internal", zone: name, purpose: HYBRID_WEBCON_PURPOSE, refs: ["HYB-01", "ms:hybrid-dns"] });
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

/** The servers' own names (Edge, Front End and Director pools and members): they stay until the servers are removed. */
function serverNames(s: ResolvedScenario): Set<string> {
  return new Set(
    s.sites.flatMap((site) => [
      site.edge.fqdns.internalPool.value,
      ...site.edge.servers.map((x) => x.fqdn),
      site.frontEnd.fqdn.value,
      ...(site.director ? [site.director.poolFqdn.value, ...site.director.servers.map((x) => x.fqdn)] : []),
    ]),
  );
}

export interface HybridDns {
  readonly records: DnsRecord[];
  readonly cutoverRecords: DnsRecord[];
  readonly cutoverDeletions: DnsDeletion[];
}

/**
 * The DNS records of the phase. `onPrem` are the records of an on-premises deployment (all external records point
 * on-premises, as hybrid requires). The Teams Only phase replaces, for every tenant domain (not *.onmicrosoft.com),
 * the four names of the cutover table in the external view, and removes every internal record of those domains but
 * the servers' own names (decommission-manage-dns-entries.md: "any DNS records for Skype for Business in your
 * internal network should be removed"), and the hybrid-only Web Conferencing records of the internal view.
 */
export function hybridDns(s: ResolvedScenario, onPrem: readonly DnsRecord[]): HybridDns {
  const hybrid = s.hybrid;
  if (!hybrid) return { records: [...onPrem], cutoverRecords: [], cutoverDeletions: [] };
  const hybridWebcon = internalWebConferencingRecords(s, onPrem);
  const inHybrid = [...onPrem, ...hybridWebcon];
  const site = (s.sites.find((x) => x.primary) ?? s.sites[0]).name;
  const domains = hostedTenantDomains(s);
  const cutoverRecords = domains.flatMap((d) => CUTOVER_RECORDS.map((c) => cutoverRecord(site, "external", d, d, c)));
  const cutoverNames = new Set(domains.flatMap((d) => CUTOVER_RECORDS.map((c) => `${c.label}.${d}`)));
  const servers = serverNames(s);
  // Why each record goes at the cutover (undefined: it stays). Internal clients then resolve the public cutover records.
  const deletionReason = (r: DnsRecord): string | undefined => {
    if (r.view === "external") return cutoverNames.has(r.name) ? "replaced by the cutover record of the same name" : undefined;
    const domain = domains.find((d) => inDomain(r.name, d));
    if (domain && !servers.has(r.name)) {
      return `internal Skype for Business record of ${domain}: Microsoft: "any DNS records for Skype for Business in your internal network should be removed" (internal clients resolve the public records)`;
    }
    return hybridWebcon.includes(r)
      ? "hybrid only (online users presenting in on-premises meetings): not needed once the shared SIP address space is off"
      : undefined;
  };
  const afterCutover = [...inHybrid.filter((r) => deletionReason(r) === undefined), ...cutoverRecords];
  const kept = new Set(afterCutover.map(recordKey));
  const required: DnsDeletion[] = inHybrid
    .filter((r) => !kept.has(recordKey(r)))
    .map((r) => ({ view: r.view, name: r.name, type: r.type, values: r.values, required: true, reason: deletionReason(r)! }));
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
    tenantFederation: { openFederation: sip.partnerDiscovery, allowedDomains: onPremisesAllowedDomains(s), blockedDomains: sip.blockedDomains },
    cutoverRecords: dns.cutoverRecords,
    cutoverDeletions: dns.cutoverDeletions,
  };
}

/** The sipfed.online.lync.com note, for the phase. */
function hostingProviderNote(s: ResolvedScenario): PlanNote {
  const source = hostingProviderOf(s).source;
  if (!s.hybrid) {
    return {
      kind: "info",
      message: `Federation with Teams / Skype for Business Online organisations needs the hosting provider ${SIPFED_FQDN} with the shared address space off; without an enabled entry, partners that moved to the cloud cannot federate with this organisation. Source: ${source}.`,
      refs: ["FED-05", "ms:hosting-provider"],
    };
  }
  if (s.hybrid.phase === "hybrid") {
    return {
      kind: "info",
      message: `Federation with Teams / Skype for Business Online organisations needs the hosting provider ${SIPFED_FQDN} (shared SIP address space on, for the hybrid tenant); without an enabled entry, partners that moved to the cloud cannot federate with this organisation. Source: ${source}.`,
      refs: ["HYB-02", "ms:hosting-provider"],
    };
  }
  const domains = hostedTenantDomains(s).join(", ");
  if (decommissioned(s)) {
    return {
      kind: "info",
      message: `Teams Only: the cutover disables the hosting provider ${SIPFED_FQDN} on-premises (every SIP domain is in the tenant, so the deployment no longer talks to Microsoft 365); the users of ${domains} federate from Microsoft 365. Source: ${SOURCES.disableHybrid}.`,
      refs: ["HYB-02", "ms:hosting-provider"],
    };
  }
  const staying = onPremisesOnlyDomains(s).map((d) => d.value);
  return {
    kind: "warning",
    message: `${staying.join(", ")} stay${staying.length > 1 ? "" : "s"} on-premises after the Teams Only cutover: the hosting provider ${SIPFED_FQDN} is recreated with the shared address space off (New-CsHostingProvider ... -Enabled $true -EnabledSharedAddressSpace $false -HostsOCSUsers $false), not disabled; without an enabled entry ${staying.join(", ")} would lose federation with every Teams organisation, the users of ${domains} included. Source: ${source}; ${SOURCES.cutoverDns} (note on hosting providers).`,
    refs: ["HYB-07", "ms:hosting-provider"],
  };
}

export function hybridNotes(s: ResolvedScenario, endpoints: M365Endpoints): PlanNote[] {
  const hybrid = s.hybrid;
  const notes: PlanNote[] = [];
  if (s.federation.sip.enabled && routeSite(s)) notes.push(hostingProviderNote(s));
  if (!hybrid) return notes;
  const domains = hostedTenantDomains(s);
  for (const d of hybrid.tenantDomains.filter((x) => isMicrosoftOwnedDomain(x.value))) {
    notes.push({
      kind: "info",
      message: `${d.value} is the tenant's Microsoft-owned (*.onmicrosoft.com) domain: Microsoft holds its DNS, so the plan gives it no sip.${d.value} SAN, no DNS record, zone file or cutover record (Microsoft: the Edge certificate carries sip.<domain> of every tenant SIP domain "excluding any onmicrosoft.com domains"). Source: ${SOURCES.edgeCertificates}.`,
      refs: ["HYB-06", "HYB-01"],
    });
  }
  const teamsOnly = hybrid.phase === "teams-only";
  if (!teamsOnly) {
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
    );
  } else {
    const onPremises = decommissioned(s)
      ? "the on-premises hosting providers disabled (Get-CsHostingProvider | Set-CsHostingProvider -Enabled $false)"
      : `on-premises the hosting provider recreated with the shared address space off for ${onPremisesOnlyDomains(s)
          .map((d) => d.value)
          .join(", ")}`;
    notes.push({
      kind: "warning",
      message: `Teams Only cutover: update the external DNS of ${domains.join(", ")} to the cutover table first and remove the internal records listed; the tenant switch to Teams Only (Grant-CsTeamsUpgradePolicy -PolicyName ${TEAMS_ONLY_POLICY} -Global) fails while any of these records still points on-premises. Then the shared SIP address space off (Set-CsTenantFederationConfiguration -SharedSipAddressSpace $false) and ${onPremises}. Partners using direct federation (allowed partner server) must update their entries. Source: ${SOURCES.cutoverDns}; ${SOURCES.disableHybrid}.`,
      refs: ["ms:cutover-dns"],
    });
    notes.push(
      {
        kind: "info",
        message: `Teams Only DNS: the cutover table replaces the external records of ${domains.join(", ")} named in it, and every internal Skype for Business record of these domains is removed (Microsoft: "any DNS records for Skype for Business in your internal network should be removed"; the servers' own names go with the servers). Source: ${SOURCES.cutoverDns}.`,
        refs: ["ms:cutover-dns"],
      },
      {
        kind: "info",
        message: `Certificates: the cutover changes no certificate; the names ${domains.map((d) => `sip.${d}`).join(", ")} on the Edge certificate are no longer used once they point to Microsoft 365. Source: ${SOURCES.edgeCertificates}.`,
        refs: ["HYB-01"],
      },
    );
  }
  notes.push({
    kind: "info",
    message: `Microsoft 365 address ranges (edge-m365 firewall rows): ${endpoints.source}${endpoints.date ? `, dated ${endpoints.date}. They change: pass the current endpoints file with --m365-endpoints <file>.` : ", given with --m365-endpoints."} The lab's NSGs and appliance use the IPv4 prefixes (${endpoints.ipv4.join(", ")}); IPv6 prefixes are listed for the production firewall.`,
    refs: ["ms:hybrid-ports"],
  });
  if (!teamsOnly) {
    notes.push({
      kind: "info",
      message: `The tenant's federation settings must match on-premises exactly: ${s.federation.sip.partnerDiscovery ? "open federation (partner discovery on-premises)" : "closed federation (no partner discovery on-premises)"}; allowed domains ${onPremisesAllowedDomains(s).join(", ") || "(none)"}; blocked domains ${s.federation.sip.blockedDomains.join(", ") || "(none)"}. Source: ${SOURCES.hybridPlanning}.`,
      refs: ["HYB-03", "HYB-04"],
    });
  }
  if (s.product === "sfbse" && !teamsOnly) {
    notes.push({
      kind: "info",
      message:
        "Subscription Edition hybrid: install the August 2025 cumulative update (or later) and run ConfigureSkypeforBusinessHybridApplication.ps1 on a Front End for the dedicated hybrid application (without it, Exchange Online archiving, calendar presence and photos stop working). A Front End task for the hybrid checklist.",
      refs: ["SE-01"],
    });
  }
  return notes;
}
