/**
 * Every rule edge-lab enforces on a scenario, with a one-line explanation. Ids LB-, NAT-, NET-, FW-, CERT-, DNS-,
 * FED-, RP-, DIR- and HLB- are the ids of Microsoft's rules in the reference (lync-edge-2013.md §12-13); LAB- ids
 * are edge-lab's own (Azure facts and lab safety, azure-lab.md). "SCHEMA" marks a plain shape error.
 */
export const RULES = {
  SCHEMA: "The scenario file must match the documented format (types, ranges, no unknown keys).",
  "LB-01": "Internal and external Edge interfaces must use the same load balancing type (DNS LB on both or HLB on both).",
  "LB-02": "NAT can only be used with DNS load balancing or a single Edge; it is not supported with a hardware load balancer.",
  "LB-04": "A load-balanced Edge pool needs at least two Edge Servers.",
  "LB-05": "At most 12 Edge Servers per pool are supported (Topology Builder allows 20, but only 12 is tested); deploy more pools.",
  "LB-07":
    "Hardware load balancer VIPs exist only in a hardware-load-balanced Edge pool: one DNS A record per VIP (DNS load balancing publishes every server).",
  "LB-09": "DNS load balancing gives no failover for OCS 2007 federation, public IM connectivity and XMPP: they use the first Edge only.",
  "NAT-01": "NAT is supported only on the external Edge interface, never on the internal interface.",
  "NAT-06": "With NAT, all three external service addresses are private and each is translated 1:1 to its own public address.",
  "NET-03": "The Edge internal interface has no default gateway; internal networks with Lync servers and clients are reached by persistent routes.",
  "NET-04": "The internal and external Edge subnets must be different networks that are not routable to each other.",
  "NET-05": "The external interface has three addresses (Access, Web Conferencing, A/V) with their own FQDNs, or one address in single-IP mode.",
  "NET-08": "FQDNs may use only letters, digits and hyphens; the computer FQDN must match Topology Builder.",
  "NET-11": "Public-IP Edge addresses are routed (no NAT) and lie in the public range; the reverse proxy stays behind NAT.",
  "NET-14": "Single-IP mode uses one FQDN and address with distinct ports per service; otherwise all three services use port 443.",
  "FED-01": "Only one Edge Server or pool in the organisation can be the federation route (Enable federation, port 5061).",
  "FED-02": "XMPP federation is hosted by the federation-route Edge for SIP domains of the organisation.",
  "FED-03": "AOL public IM connectivity needs the client EKU on the Access Edge certificate (and the service ended in 2014).",
  "DNS-01": "External A records for sip/webcon/av must live in a zone of the organisation (one of the SIP domains).",
  "DNS-04": "An SRV record must point to an A record in the same domain as the SRV record.",
  "DNS-05": "The Edge internal FQDN needs an internal DNS zone: the internal domain or a SIP domain.",
  "DNS-08": "Names published by the reverse proxy (web services, simple URLs, lyncdiscover, Office Web Apps) need an external zone: a SIP domain.",
  "DNS-09": "Simple URLs: one meet URL per SIP domain and one dial-in URL for the organisation, each in a SIP domain.",
  "DNS-10": "Web services FQDNs must be unique per pool, and the internal web FQDN must differ from the external one.",
  "CERT-04": "Wildcard certificates are not supported on the Edge: every SIP domain and service needs its own name.",
  "CERT-06": "The internal Edge certificate's subject is the internal pool FQDN, which must differ from the external names.",
  "HLB-12": "A hardware-load-balanced pool in single-IP mode has one VIP (plus one address per server), not three.",
  "DIR-01": "A Director pool must be load balanced with an HLB for web services (DNS LB + HLB, or HLB only); a single Director has none.",
  "RP-06": "The reverse proxy external interface sits in the perimeter external network, apart from the internal perimeter subnet.",
  "RP-08": "Autodiscover over HTTP avoids certificate changes but is unencrypted and not recommended.",
  "LAB-ADDR-01": "Every address must lie inside the subnet or range it belongs to.",
  "LAB-ADDR-02": "Every address may be used once (across all servers, VIPs, NAT mappings and sites).",
  "LAB-ADDR-03": "Azure reserves the first four and the last address of every subnet; a NIC or VIP cannot use them.",
  "LAB-NAME-01": "Server, pool and service FQDNs must be unique across the organisation.",
  "LAB-NET-01": "Subnets must be between /8 and /29 (Azure's smallest subnet is a /29).",
  "LAB-SITE-01": "primarySite must name one of the scenario's sites (the one that carries remote sign-in, simple URLs and autodiscover).",
  "LAB-LATER-01": "A feature planned for later (later:) must not be deployed already: its records and rules are either planned or deployed.",
  "LAB-NET-02": "Sites are peered in the lab, so their networks must not overlap.",
  "LAB-SEC-01": "Administration (RDP/SSH) is allowed only from a declared source range, never from the whole Internet.",
  "LAB-VER-01": "Skype for Business Server 2019 and Subscription Edition have no XMPP gateway or proxy.",
  "SE-01":
    "Lync Server 2013 (extended support ended 2023-04-11) and Skype for Business Server 2015 and 2019 (ended 2025-10-14) are out of support; Subscription Edition is supported under the Modern Lifecycle Policy.",
  "SE-02": "Public IM connectivity with Skype and Windows Live no longer exists (Skype consumer retired in May 2025); Subscription Edition plans none.",
  "HYB-01":
    "Every SIP domain of the Microsoft 365 tenant must be a SIP domain of the on-premises topology (otherwise IM and presence fail one way, ms-diagnostics 1017).",
  "HYB-02": "Hybrid (shared SIP address space) needs SIP federation on the federation-route Edge, with the sipfed.online.lync.com hosting provider.",
  "HYB-03": "Partner discovery on-premises and open federation in the tenant go together (both on or both off).",
  "HYB-04": "The allowed and blocked federation domain lists must be identical on-premises and in the tenant.",
  "HYB-05": "Hybrid voice needs the federation Edge and its next-hop pool on Skype for Business Server 2015 or later.",
  "HYB-06":
    "A Microsoft-owned *.onmicrosoft.com domain is never a SIP domain of the topology: Microsoft holds its DNS, and the Edge certificate carries sip.<domain> of every tenant domain excluding onmicrosoft.com ones (it belongs in hybrid.tenantDomains only).",
  "HYB-07":
    "Teams Only while a SIP domain of the topology stays on-premises: that domain keeps an enabled sipfed.online.lync.com hosting provider (shared address space off), or it loses federation with every Teams organisation.",
  "HYB-08":
    "The Teams Only cutover may not turn sip.<domain> into a CNAME while that name is the Access Edge FQDN (the external certificate's subject) of a site that keeps running for a SIP domain that stays on-premises.",
  "LAB-MODE-01": "The test client lives on the simulated Internet, which exists only in the closed lab mode.",
  "LAB-NET-03": "Azure refuses multicast, broadcast, loopback, link-local, its platform address 168.63.129.16 and other reserved ranges in a virtual network.",
  "LAB-NET-04": "The lab needs a free /24 of 100.64.0.0/10 per site (and one for the simulated Internet) for its firewall and Bastion subnets.",
  "LAB-TZ-01": "The lab's time zone must be a Windows time zone id Azure accepts (azurerm checks the VMs' and the auto-shutdown's time zone against its list).",
  "LAB-VM-01": "The lab's VM size must run the Generation 1 Windows Server images (no Generation 2-only or Arm64 size) and allow two NICs.",
  "LAB-DNS-01": "Azure DNS holds at most 20 records in one record set: at most 20 servers behind one DNS load-balanced name.",
  "LAB-TEXT-01": "No text may contain Terraform template sequences (${ or %{) or cdktf token markers: Terraform or cdktf would evaluate them.",
  "LAB-TEXT-02": "No text may contain control or bidirectional-override characters (only a description may span lines).",
  "LAB-ID-01": "The scenario id names output folders and Terraform stacks; it may not be the name of one of the project's own folders.",
  "LAB-DUP-01": "A list may not hold the same entry twice (it would be duplicated into DNS, routes and firewall rows).",
  "LAB-CERT-01":
    "Every FQDN that becomes a certificate subject (Edge service and pool FQDNs, Director, Front End and reverse proxy names) is at most 64 characters: the common name's upper bound in RFC 5280 (ub-common-name).",
  "LAB-M365-01":
    "Microsoft 365's address ranges (the snapshot or --m365-endpoints) open the Edge's ports: only public unicast prefixes of endpoint sets 11 and 12, each set once, no wider than /12 (IPv4) or /32 (IPv6), at most 500 per address family, none overlapping the scenario's own networks.",
} as const;

export type RuleId = keyof typeof RULES;

/**
 * Where edge-lab's own rules for current products and Microsoft 365 hybrid come from (the 2013 reference's rules cite
 * theirs in lync-edge-2013.md; LAB- rules rest on azure-lab.md).
 */
export const RULE_SOURCES: Partial<Record<RuleId, string>> = {
  "LAB-VER-01":
    "MicrosoftDocs/OfficeDocs-SkypeForBusiness:Skype/SfBServer2019/migration/migrating-xmpp-federation.md (XMPP removed in 2019; SE is the 2019 code base)",
  "SE-01":
    "MicrosoftDocs/lifecycle-data (products/microsoft-lync-server-2013.yml, skype-for-business-server-2015.yml, skype-for-business-server-2019.yml); learn.microsoft.com/lifecycle/policies/modern",
  "SE-02": 'support.microsoft.com, "Skype is retiring in May 2025"; OfficeDocs-SkypeForBusiness PR #2818 (PIC provisioning closed 2019-08-15)',
  "HYB-01": "Skype/SfbHybrid/hybrid/plan-hybrid-connectivity.md; OfficeDocs-Support SkypeHybrid/hybrid-im-presence/sfb-online-users-cant-im.md",
  "HYB-02": "Skype/SfbHybrid/hybrid/plan-hybrid-connectivity.md; configure-federation-with-skype-for-business-online.md",
  "HYB-03": "Skype/SfbHybrid/hybrid/plan-hybrid-connectivity.md (federation requirements)",
  "HYB-04": "Skype/SfbHybrid/hybrid/plan-hybrid-connectivity.md (federation requirements)",
  "HYB-05": "Skype/SfbHybrid/hybrid/plan-hybrid-connectivity.md (topology requirements)",
  "HYB-06": "Skype/SfbHybrid/hybrid/cloud-consolidation-edge-certificates.md (excluding any onmicrosoft.com domains)",
  "HYB-07":
    "Skype/SfbServer/manage/federation-and-external-access/federation-support/configuring-federation-support.md; Skype/SfbHybrid/hybrid/decommission-manage-dns-entries.md (note on hosting providers)",
  "HYB-08":
    "Skype/SfbHybrid/hybrid/decommission-manage-dns-entries.md (cutover table: CNAME sip -> sipdir.online.lync.com); cloud-consolidation-edge-certificates.md",
  "LAB-CERT-01": "RFC 5280, appendix A.1 (ub-common-name INTEGER ::= 64)",
};

/**
 * Rules enforced while parsing (schema.ts marks their zod issues with `params.rule`), because they concern one
 * field as written: wildcard names, FQDN syntax, subnet sizes, VIPs without a load balancer (which resolve would
 * drop). NET-08 and DIR-01 are also checked on the resolved scenario (names.ts, topology.ts).
 */
export const SCHEMA_RULES: readonly RuleId[] = [
  "CERT-04",
  "NET-08",
  "LAB-NET-01",
  "LB-07",
  "DIR-01",
  "LAB-NET-03",
  "LAB-TZ-01",
  "LAB-VM-01",
  "LAB-TEXT-01",
  "LAB-TEXT-02",
  "LAB-ID-01",
  "LAB-DUP-01",
];

export function explain(rule: string): string {
  return (RULES as Record<string, string>)[rule] ?? "";
}
