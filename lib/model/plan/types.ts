/**
 * The logical plan: everything the Network, PKI and Server teams (and the Azure lab) need, derived from a scenario
 * by pure functions. Renderers (Terraform, worksheets, diagram, diff) read only this.
 *
 * Every row carries `refs`: the ids of the reference rules and Microsoft tables it comes from
 * ("FW-03", "DNS-01", "ms:edge-external", ...).
 */
import type { Application } from "../application";
import type { LaterFeatureId } from "../later";
import type { Port, Transport } from "../port";
import type { EdgeServiceName, FeatureTag, HlbPlacement } from "../ports";
import type { ProductId } from "../products";

export type Side = "external" | "internal";
export type View = "external" | "internal";

export interface PlanScenario {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly product: ProductId;
  /** Support status of the product (lib/model/products.ts): shown in `plan`, the worksheet summary and `validate`. */
  readonly support: {
    readonly status: "supported" | "ended";
    readonly text: string;
    readonly extendedEnd?: string;
    readonly source: string;
  };
  /** Windows Server image of the lab's Windows VMs: the product's default, or lab.imageSku. */
  readonly labImage: { readonly publisher: string; readonly offer: string; readonly sku: string; readonly from: "product" | "scenario" };
  readonly sipDomains: readonly string[];
  readonly internalDomain: string;
  readonly labMode: "closed" | "internet";
  /** The scenario's lab options (its `lab` block) that shape the Azure lab beyond the plan's addresses. */
  readonly lab: PlanLabOptions;
  readonly features: {
    readonly sipFederation: boolean;
    readonly partnerDiscovery: boolean;
    readonly allowedDomains: readonly { readonly domain: string; readonly accessEdgeFqdn?: string }[];
    readonly blockedDomains: readonly string[];
    readonly publicIm: readonly string[];
    readonly xmpp: boolean;
    readonly xmppPartners: readonly string[];
    readonly ocs2007Partners: boolean;
    readonly mobility: boolean;
    /** Mobile push notifications (a federation with the push notification clearing house, FW-07). */
    readonly pushNotifications: boolean;
  };
  /** Hybrid with Microsoft 365 (shared SIP address space); absent for an on-premises-only organisation. */
  readonly hybrid?: { readonly phase: "hybrid" | "teams-only"; readonly tenantDomains: readonly string[]; readonly voice: boolean };
  readonly sites: readonly PlanSite[];
}

/** Lab options of the scenario's `lab` block, defaults applied (the Azure lab's `EdgeLabStack` reads them). */
export interface PlanLabOptions {
  /** VM size of the Windows servers. */
  readonly vmSize: string;
  /** RDP/SSH source range; absent: administration through Azure Bastion. */
  readonly adminSourceCidr?: string;
  /** Daily auto-shutdown "HH:MM", or false. */
  readonly autoShutdown: string | false;
  /** Windows time zone id of the VMs and the auto-shutdown. */
  readonly timezone: string;
  /** A Windows test client on the simulated Internet (closed mode). */
  readonly testClient: boolean;
  /** Azure Bastion SKU. */
  readonly bastion: "developer" | "basic" | "none";
}

export interface PlanSite {
  readonly name: string;
  readonly region: string;
  readonly primary: boolean;
  readonly federationRoute: boolean;
  /** Which of Microsoft's five scenarios this site's Edge is (1-5). */
  readonly microsoftScenario: 1 | 2 | 3 | 4 | 5;
  readonly edgeTopology: "single" | "pool";
  readonly edgeServers: number;
  readonly loadBalancing: "none" | "dns" | "hardware";
  readonly externalAddressing: "nat" | "public";
  readonly ipMode: "per-service" | "single";
  readonly nextHop: { readonly kind: "director" | "front-end-pool"; readonly fqdn: string; readonly addresses: readonly string[] };
  readonly networks: {
    readonly perimeterExternal: string;
    readonly perimeterInternal: string;
    readonly publicRange: string;
    readonly reverseProxyExternal: string;
    readonly internalNetworks: readonly string[];
  };
}

export type AddressRole = EdgeServiceName | "internal" | "listener" | "server";

export interface PlanAddress {
  readonly role: AddressRole;
  /** Address configured on the NIC (the guest sees it). */
  readonly ip: string;
  /** Public address the external firewall translates to `ip` (NAT scenarios and reverse proxy). */
  readonly natPublic?: string;
  /** The address the world uses: `natPublic` when translated, else `ip`. */
  readonly publicIp?: string;
  /** First address of the NIC (Access Edge on an Edge external NIC, NET-05). */
  readonly primary: boolean;
  readonly fqdn?: string;
}

export interface PlanRoute {
  readonly destination: string;
  readonly via: string;
}

export interface PlanInterface {
  readonly side: Side;
  readonly subnet: string;
  /** Default gateway; null on internal interfaces (NET-02, NET-03). */
  readonly gateway: string | null;
  /** Persistent routes (internal interface, NET-03 / RP-06). */
  readonly routes: readonly PlanRoute[];
  readonly addresses: readonly PlanAddress[];
}

export interface PlanServer {
  /** Stable id, unique in the plan: "<site>-edge-01", "<site>-rp-01", "<site>-dir-01". */
  readonly id: string;
  readonly site: string;
  readonly role: "edge" | "reverse-proxy" | "director";
  /** Computer name (host label). */
  readonly name: string;
  readonly fqdn: string;
  /** Pool the server belongs to (Edge internal pool FQDN, Director pool FQDN). */
  readonly pool?: string;
  readonly interfaces: readonly PlanInterface[];
  /** Names the server resolves through its HOSTS file rather than internal DNS (NET-06, RP-06). */
  readonly hosts: readonly { readonly fqdn: string; readonly ip: string }[];
}

export interface PlanVip {
  readonly id: string;
  readonly site: string;
  readonly service: EdgeServiceName | "internal" | "director-web";
  readonly side: Side;
  readonly ip: string;
  readonly fqdn: string;
  readonly members: readonly { readonly server: string; readonly ip: string }[];
  /** Ports the load balancer carries on this VIP (from the port table rows placed on the VIP): single ports, `Port.list`. */
  readonly ports: readonly Port[];
  readonly refs: readonly string[];
}

export interface DnsRecord {
  readonly site: string;
  readonly view: View;
  readonly zone: string;
  /** Fully qualified owner name, e.g. "_sip._tls.contoso.com". */
  readonly name: string;
  readonly type: "A" | "SRV" | "CNAME";
  /** A: addresses (sorted); CNAME: one target. */
  readonly values: readonly string[];
  readonly srv?: { readonly priority: number; readonly weight: number; readonly port: number; readonly target: string };
  readonly ttl: number;
  /** True when the values are public addresses Azure assigns at deploy time (internet lab mode). */
  readonly assignedAtDeploy?: boolean;
  readonly purpose: string;
  readonly refs: readonly string[];
}

export interface FirewallEndpoint {
  /** Microsoft's wording (e.g. "Edge Server Access Edge service"). */
  readonly label: string;
  /** Concrete addresses or prefixes; "Internet" for any Internet address. */
  readonly addresses: readonly string[];
  /** Public addresses of the same endpoint when it is behind NAT (what the external firewall sees before DNAT). */
  readonly publicAddresses?: readonly string[];
}

export type FirewallTable = "edge-external" | "edge-internal" | "edge-external-vip" | "edge-internal-vip" | "edge-m365" | "reverse-proxy" | "director";

export interface FirewallRule {
  /** Stable id: "<site>/<table>/<row id>". */
  readonly id: string;
  readonly site: string;
  readonly table: FirewallTable;
  /** Which firewall enforces it: the external (Internet-facing) or internal one. */
  readonly firewall: "external" | "internal";
  readonly direction: "inbound" | "outbound";
  readonly service: string;
  /** Microsoft's "Protocol" column, as the worksheets print it. Readers that need to know what the row carries use `application`. */
  readonly protocol: string;
  /** What the row carries (SIP over TLS, HTTPS, MS-TURN, RTP, ...), given by the port table row it comes from. */
  readonly application: Application;
  /** The transport of `ports` (and `sourcePorts`), kept beside them as the plan's JSON writes it. */
  readonly transport: Transport;
  /** Destination port or range; JSON `{ from, to }`. */
  readonly ports: Port;
  /** Source port or range when Microsoft's table gives one (Microsoft 365 rows), same transport; absent: any. */
  readonly sourcePorts?: Port;
  readonly source: FirewallEndpoint;
  readonly destination: FirewallEndpoint;
  readonly purpose: string;
  /** Feature summaries the row belongs to (Microsoft's federation / PIC / XMPP tables). */
  readonly features: readonly FeatureTag[];
  /** Port table row id (Edge rows), for renderers that need to know the row. */
  readonly portRow?: string;
  readonly hlb?: HlbPlacement;
  readonly refs: readonly string[];
}

export interface Certificate {
  readonly id: string;
  readonly site: string;
  readonly component: string;
  readonly subject: string;
  /** Subject alternative names in order; empty when none is required. */
  readonly sans: readonly string[];
  readonly eku: readonly ("server" | "client")[];
  readonly issuer: "public CA" | "public or private CA" | "internal or public CA";
  readonly assignedTo: string;
  /** Servers (plan ids) the certificate is installed on; empty for servers outside the lab (Front End pool). */
  readonly installedOn: readonly string[];
  /** One certificate and private key imported on every server in `installedOn` (exportable key, CERT-05). */
  readonly sharedKey: boolean;
  /**
   * SANs that serve one feature, with that feature (e.g. `xmpp.contoso.com: "xmpp"`), whether the feature is deployed
   * or planned for later: the certificate is the same either way. Absent when no SAN is feature-specific.
   */
  readonly sanFeatures?: Readonly<Record<string, CertificateFeature>>;
  readonly notes: string;
  readonly refs: readonly string[];
}

export interface TopologySetting {
  readonly site: string;
  /** Where it is set (Topology Builder page / item). */
  readonly item: string;
  readonly value: string;
  readonly refs: readonly string[];
}

export interface PlanNote {
  readonly kind: "info" | "warning" | "fidelity";
  readonly site?: string;
  readonly message: string;
  readonly refs: readonly string[];
}

/** A reverse proxy publishing rule (RP-02, RP-03, RP-04): one per published FQDN. */
export interface PublishingRule {
  readonly site: string;
  readonly publicName: string;
  readonly target: { readonly fqdn: string; readonly ip: string };
  /** Listener port -> target port pairs (443 -> 4443 and 80 -> 8080 for Lync web services). */
  readonly bridges: readonly { readonly scheme: "https" | "http"; readonly listen: number; readonly target: number }[];
  readonly path: "/*";
  readonly forwardHostHeader: true;
  readonly authentication: "none";
  readonly purpose: string;
  readonly refs: readonly string[];
}

/** Features a certificate name can be for: federation (partners, public IM, push), XMPP, mobility. */
export type CertificateFeature = "federation" | "xmpp" | "mobility";

/** What one feature planned for later will add once deployed (its certificate names are planned already). */
export interface LaterFeaturePlan {
  readonly feature: LaterFeatureId;
  readonly title: string;
  readonly dnsRecords: readonly DnsRecord[];
  readonly firewallRules: readonly FirewallRule[];
  readonly vips: readonly PlanVip[];
  readonly publishingRules: readonly PublishingRule[];
  /** New settings and settings whose value changes (e.g. "Enable XMPP federation": Yes). */
  readonly topologySettings: readonly TopologySetting[];
  readonly notes: readonly PlanNote[];
}

/** One PowerShell parameter: a string (quoted when rendered), a boolean ($true / $false) or a switch. */
export type CmdletParameter =
  | { readonly name: string; readonly kind: "string"; readonly value: string }
  | { readonly name: string; readonly kind: "boolean"; readonly value: boolean }
  | { readonly name: string; readonly kind: "switch" };

/** One cmdlet call; `steps` are piped into each other (`Get-CsHostingProvider | Where-Object ... | Remove-...`). */
export interface CmdletCall {
  readonly steps: readonly { readonly cmdlet: string; readonly parameters: readonly CmdletParameter[] }[];
}

/** A configuration command the plan asks for, with the check that verifies it (`edge-lab checklist`). */
export interface PlanCmdlet {
  readonly id: string;
  /** Where it runs: the Skype for Business Server Management Shell, or the Teams PowerShell module (tenant). */
  readonly shell: "on-premises" | "tenant";
  readonly purpose: string;
  readonly call: CmdletCall;
  /** Read-back: a Get- cmdlet and the property values it must show. */
  readonly verify?: { readonly call: CmdletCall; readonly expect: readonly { readonly property: string; readonly value: string | boolean }[] };
  /** Document the command comes from. */
  readonly source: string;
  readonly refs: readonly string[];
}

/** A DNS record the cutover removes (or, for meet / dialin, may remove). */
export interface DnsDeletion {
  readonly view: View;
  readonly name: string;
  readonly type: DnsRecord["type"];
  readonly values: readonly string[];
  readonly required: boolean;
  readonly reason: string;
}

/** Hybrid facts that are not rows of the other tables. */
export interface PlanHybrid {
  readonly phase: "hybrid" | "teams-only";
  readonly tenantDomains: readonly string[];
  /** Microsoft 365 address ranges used by the edge-m365 firewall rows. */
  readonly endpoints: {
    readonly source: string;
    readonly date?: string;
    readonly ids: readonly number[];
    readonly ipv4: readonly string[];
    readonly ipv6: readonly string[];
    readonly urls: readonly string[];
  };
  /** The federation settings the tenant must have to match on-premises (HYB-03, HYB-04). */
  readonly tenantFederation: { readonly openFederation: boolean; readonly allowedDomains: readonly string[]; readonly blockedDomains: readonly string[] };
  /** The Teams Only cutover DNS table (external view, per tenant domain): the records after the cutover. */
  readonly cutoverRecords: readonly DnsRecord[];
  /** What the cutover deletes (required) or may delete (meet, dialin). */
  readonly cutoverDeletions: readonly DnsDeletion[];
}

export interface Plan {
  readonly scenario: PlanScenario;
  readonly servers: readonly PlanServer[];
  readonly vips: readonly PlanVip[];
  readonly dnsRecords: readonly DnsRecord[];
  readonly firewallRules: readonly FirewallRule[];
  readonly certificates: readonly Certificate[];
  readonly publishingRules: readonly PublishingRule[];
  readonly topologySettings: readonly TopologySetting[];
  /** Federation and hybrid configuration commands (Access Edge, hosting provider, tenant switch); empty without SIP federation. */
  readonly cmdlets: readonly PlanCmdlet[];
  readonly hybrid?: PlanHybrid;
  readonly notes: readonly PlanNote[];
  /** Features planned for later, each with what it will add (`later:` in the scenario). */
  readonly later: readonly LaterFeaturePlan[];
}
