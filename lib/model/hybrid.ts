/**
 * Microsoft 365 (Teams / Skype for Business Online) facts the plan needs, as data with their sources:
 * - the Edge <-> Microsoft 365 port table of a hybrid (shared SIP address space) deployment,
 * - the hosting provider entry for sipfed.online.lync.com (federation with tenants; hybrid),
 * - the DNS records of the Teams Only cutover.
 * The renderers never list these themselves: they read the plan rows derived from these tables.
 */
import type { Application } from "./application";
import { Port } from "./port";
import type { EdgeServiceName } from "./ports";

export const SOURCES = {
  hybridPlanning: "MicrosoftDocs/OfficeDocs-SkypeForBusiness:Skype/SfbHybrid/hybrid/plan-hybrid-connectivity.md",
  hybridPorts: "MicrosoftDocs/OfficeDocs-SkypeForBusiness:Skype/SfBServer2019/hybrid/plan-hybrid-connectivity.md (Port and protocol requirements)",
  configureFederation: "MicrosoftDocs/OfficeDocs-SkypeForBusiness:Skype/SfbHybrid/hybrid/configure-federation-with-skype-for-business-online.md",
  federationSupport:
    "MicrosoftDocs/OfficeDocs-SkypeForBusiness:Skype/SfbServer/manage/federation-and-external-access/federation-support/configuring-federation-support.md",
  cutoverDns: "MicrosoftDocs/OfficeDocs-SkypeForBusiness:Skype/SfbHybrid/hybrid/decommission-manage-dns-entries.md",
  disableHybrid: "MicrosoftDocs/OfficeDocs-SkypeForBusiness:Skype/SfbHybrid/hybrid/cloud-consolidation-disabling-hybrid.md",
  teamsOnlyMode:
    "MicrosoftDocs/OfficeDocs-SkypeForBusiness:Skype/SfbHybrid/hybrid/cloud-consolidation-disabling-hybrid.md (Change the coexistence mode for your organization to Teams Only); decommission-manage-dns-entries.md",
  pushAllowedDomain:
    "MicrosoftDocs/OfficeDocs-SkypeForBusiness:Skype/SfbServer/deploy/deploy-mobility/deploy-and-configure-mobility.md (Configure for push notifications: New-CsAllowedDomain push.lync.com)",
  edgeCertificates: "MicrosoftDocs/OfficeDocs-SkypeForBusiness:Skype/SfbHybrid/hybrid/cloud-consolidation-edge-certificates.md",
  webconInternal: "MicrosoftDocs/OfficeDocs-Support:SkypeforBusiness/SkypeHybrid/hybrid-meetings/present-content-on-premises-meeting.md",
  tenantModule: "Microsoft Teams PowerShell module (Set-CsTenantFederationConfiguration); replaces the retired New-CsOnlineSession connector",
} as const;

/**
 * The tenant's initial domain (`<tenant>.onmicrosoft.com`): Microsoft owns its DNS zone, so it never gets a
 * sip.<domain> SAN (Microsoft: "excluding any onmicrosoft.com domains"), a DNS record or a cutover record.
 */
export function isMicrosoftOwnedDomain(domain: string): boolean {
  return /(^|\.)onmicrosoft\.com$/i.test(domain);
}

/** The domain Lync Online's push notification clearing house federates from (an allowed domain when push is planned). */
export const PUSH_DOMAIN = "push.lync.com";

/** The tenant-wide Teams Only coexistence mode (Grant-CsTeamsUpgradePolicy -PolicyName UpgradeToTeams -Global). */
export const TEAMS_ONLY_POLICY = "UpgradeToTeams";

/** One row of Microsoft's hybrid port table. Directions are from the Edge's point of view. */
export interface HybridPortRow {
  readonly id: string;
  readonly direction: "inbound" | "outbound";
  readonly protocol: string;
  /** What the row carries, as a type (lib/model/application.ts). */
  readonly application: Application;
  readonly edge: EdgeServiceName;
  /** Source port range as Microsoft gives it, same transport as `ports` (absent: any). */
  readonly sourcePorts?: Port;
  readonly ports: Port;
  readonly purpose: string;
}

/**
 * Microsoft's six rows. The outbound STUN/TCP row lists two destination ports (443, 50000-59999): it becomes two
 * plan rows. The inbound TCP 50000-59999 row is response traffic (a Microsoft contributor: "TCP is only required for
 * outgoing connections", OfficeDocs-SkypeForBusiness PR #208); it is kept, marked as such.
 */
export const HYBRID_PORTS: readonly HybridPortRow[] = [
  {
    id: "m365-out-sip-mtls",
    direction: "outbound",
    protocol: "SIP (MTLS)",
    application: "sip-mtls",
    edge: "access",
    ports: Port.tcp(5061),
    purpose: "SIP signalling from the Access Edge to Microsoft 365 (shared SIP address space)",
  },
  {
    id: "m365-in-sip-mtls",
    direction: "inbound",
    protocol: "SIP (MTLS)",
    application: "sip-mtls",
    edge: "access",
    ports: Port.tcp(5061),
    purpose: "SIP signalling from Microsoft 365 to the Access Edge (shared SIP address space)",
  },
  {
    id: "m365-out-stun-tcp-443",
    direction: "outbound",
    protocol: "STUN",
    application: "stun",
    edge: "av",
    sourcePorts: Port.tcpRange(50000, 59999),
    ports: Port.tcp(443),
    purpose: "Media relay from the A/V Edge to Microsoft 365",
  },
  {
    id: "m365-out-stun-tcp-50000",
    direction: "outbound",
    protocol: "STUN",
    application: "stun",
    edge: "av",
    sourcePorts: Port.tcpRange(50000, 59999),
    ports: Port.tcpRange(50000, 59999),
    purpose: "Media relay from the A/V Edge to Microsoft 365",
  },
  {
    id: "m365-in-stun-tcp-50000",
    direction: "inbound",
    protocol: "STUN",
    application: "stun",
    edge: "av",
    sourcePorts: Port.tcp(443),
    ports: Port.tcpRange(50000, 59999),
    purpose:
      "Response traffic of the outbound media relay (TCP from Microsoft 365 source port 443); Microsoft lists it, its contributors note TCP is only needed outbound",
  },
  {
    id: "m365-out-stun-udp",
    direction: "outbound",
    protocol: "STUN",
    application: "stun",
    edge: "av",
    sourcePorts: Port.udp(3478),
    ports: Port.udp(3478),
    purpose: "Media (STUN/TURN over UDP) from the A/V Edge to Microsoft 365",
  },
  {
    id: "m365-in-stun-udp",
    direction: "inbound",
    protocol: "STUN",
    application: "stun",
    edge: "av",
    sourcePorts: Port.udp(3478),
    ports: Port.udp(3478),
    purpose: "Media (STUN/TURN over UDP) from Microsoft 365 to the A/V Edge",
  },
];

/** Microsoft 365's federation edge: the hosting provider every on-premises organisation that federates needs. */
export const SIPFED_FQDN = "sipfed.online.lync.com";
export const M365_AUTODISCOVER_URL = "https://webdir.online.lync.com/Autodiscover/AutodiscoverService.svc/root";

/** New-CsHostingProvider parameters (identity Office365). */
export interface HostingProviderParameters {
  readonly identity: string;
  readonly proxyFqdn: string;
  readonly enabled: boolean;
  readonly enabledSharedAddressSpace: boolean;
  readonly hostsOCSUsers: boolean;
  readonly verificationLevel: "UseSourceVerification";
  readonly isLocal: boolean;
  readonly autodiscoverUrl?: string;
  readonly source: string;
}

/** Hybrid (shared SIP address space on), from "Configure federation with Skype for Business Online". */
export const HYBRID_HOSTING_PROVIDER: HostingProviderParameters = {
  identity: "Office365",
  proxyFqdn: SIPFED_FQDN,
  enabled: true,
  enabledSharedAddressSpace: true,
  hostsOCSUsers: true,
  verificationLevel: "UseSourceVerification",
  isLocal: false,
  autodiscoverUrl: M365_AUTODISCOVER_URL,
  source: SOURCES.configureFederation,
};

/** On-premises only, federating with Teams / Skype for Business Online tenants (shared address space off). */
export const FEDERATION_HOSTING_PROVIDER: HostingProviderParameters = {
  identity: "Office365",
  proxyFqdn: SIPFED_FQDN,
  enabled: true,
  enabledSharedAddressSpace: false,
  hostsOCSUsers: false,
  verificationLevel: "UseSourceVerification",
  isLocal: false,
  source: SOURCES.federationSupport,
};

/** One record of the Teams Only cutover table (relative name; one set per SIP domain). */
export interface CutoverRecord {
  readonly type: "SRV" | "CNAME";
  /** Label(s) below the SIP domain. */
  readonly label: string;
  readonly target: string;
  readonly port?: number;
}

/** The cutover table: TTL 3600, SRV priority 100, weight 1 (decommission page; its once-typoed names corrected, #7743). */
export const CUTOVER_RECORDS: readonly CutoverRecord[] = [
  { type: "SRV", label: "_sipfederationtls._tcp", port: 5061, target: "sipfed.online.lync.com" },
  { type: "SRV", label: "_sip._tls", port: 443, target: "sipdir.online.lync.com" },
  { type: "CNAME", label: "lyncdiscover", target: "webdir.online.lync.com" },
  { type: "CNAME", label: "sip", target: "sipdir.online.lync.com" },
];
export const CUTOVER_TTL = 3600;
export const CUTOVER_SRV = { priority: 100, weight: 1 } as const;

export type HybridPhase = "hybrid" | "teams-only";
