/**
 * The scenario file format, as zod schemas. A scenario describes one organisation's Edge deployment for a lab;
 * every field has a default derived from the SIP domain or from Microsoft's example values, so a minimal file is
 * `sipDomains: [contoso.com]`. The same shape is exported as TypeScript props (`ScenarioProps`) for users who
 * build scenarios in code.
 *
 * Only the *shape* is checked here (types, ranges, formats, unknown keys). Rules that relate several fields
 * (NAT with a hardware load balancer, overlapping subnets, ...) live in `rules/` and run on the resolved scenario.
 */
import * as z from "zod";
import { DEFAULT_RANGE_PREFIX, defaultRangeDoc, defaultRangeText, PIC_PROVIDERS, SITE_NAME_PATTERN, SITE_NAME_RULE } from "./defaults";
import { forbiddenRangeProblem } from "./lab/networks";
import { timeZoneProblem } from "./lab/time-zones";
import { vmSizeProblem } from "./lab/vm-sizes";
import { parseCidr } from "./net";
import { PRODUCT_IDS } from "./products";
import { withWords } from "./schema-errors";

/** Marks a zod issue with the id of the reference rule it enforces, so the CLI can print it. */
function ruleIssue(rule: string, message: string) {
  return { code: "custom" as const, message, params: { rule } };
}

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A DNS name made of letters, digits and hyphens only (NET-08: no underscores, no Unicode), at least two labels.
 * Names are case-insensitive; they are stored lower-case. `what` and `example` word its type error.
 */
function dnsName(what: string, plural: string, example: string) {
  return withWords(
    z
      .string({ error: `expected ${what} such as ${example}` })
      .transform((value) => value.trim().toLowerCase().replace(/\.$/, ""))
      .superRefine((name, ctx) => {
        if (name.startsWith("*.")) {
          ctx.addIssue(ruleIssue("CERT-04", `"${name}": wildcard names are not supported for Edge FQDNs; give each name explicitly`));
          return;
        }
        const labels = name.split(".");
        if (name.length > 253 || labels.length < 2 || !labels.every((label) => DNS_LABEL.test(label)) || /^\d+$/.test(labels[labels.length - 1])) {
          ctx.addIssue(
            ruleIssue("NET-08", `"${name}" is not a valid FQDN: use two or more labels of letters, digits and hyphens (no underscores), e.g. sip.contoso.com`),
          );
        }
      }),
    { words: what, plural, example },
  );
}

/** A host or service FQDN. */
export const Fqdn = dnsName("a DNS name", "DNS names", "sip.contoso.com");

/** A DNS domain (SIP domain, internal domain): same syntax as an FQDN. */
export const DomainName = dnsName("a DNS domain name", "DNS domain names", "contoso.com");

/** A single host label (computer name). Windows limits NetBIOS computer names to 15 characters. */
export const HostLabel = withWords(
  z
    .string({ error: "expected a computer name such as lsedge01" })
    .transform((value) => value.trim().toLowerCase())
    .superRefine((name, ctx) => {
      if (!DNS_LABEL.test(name) || name.length > 15 || /^\d+$/.test(name)) {
        ctx.addIssue(ruleIssue("NET-08", `"${name}" is not a valid computer name: 1-15 letters, digits or hyphens, not all digits`));
      }
    }),
  { words: "a computer name", plural: "computer names", example: "lsedge01" },
);

/** edge-lab plans IPv4 only: Call Admission Control needs IPv4 on the Edge internal interface (NET-07). */
export const Ipv4 = withWords(z.ipv4({ error: "expected an IPv4 address such as 10.45.16.10" }), {
  words: "an IPv4 address",
  plural: "IPv4 addresses",
  example: "10.45.16.10",
});

export const Cidr = withWords(
  z.string({ error: "expected an IPv4 CIDR block such as 10.45.16.0/24" }).superRefine((text, ctx) => {
    try {
      const cidr = parseCidr(text);
      if (cidr.prefix > 29 || cidr.prefix < 8) {
        ctx.addIssue(ruleIssue("LAB-NET-01", `"${text}": use a prefix between /8 and /29 (Azure's smallest subnet is a /29)`));
      }
      // Every network field becomes a VNet address space or subnet in the lab.
      const forbidden = forbiddenRangeProblem(cidr);
      if (forbidden) ctx.addIssue(ruleIssue("LAB-NET-03", forbidden));
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  }),
  { words: "an IPv4 CIDR block", plural: "IPv4 CIDR blocks", example: "10.45.16.0/24" },
);

/**
 * A list whose entries must be distinct (LAB-DUP-01): each repeat is reported at its own index. `key` gives the
 * identity of an entry (names are compared case-insensitively after the element schema lower-cased them).
 */
function distinctList<T>(key: (item: T) => string, what: string) {
  return (items: readonly T[], ctx: z.RefinementCtx) => {
    const first = new Map<string, number>();
    items.forEach((item, index) => {
      const id = key(item);
      const at = first.get(id);
      if (at === undefined) first.set(id, index);
      else ctx.addIssue({ ...ruleIssue("LAB-DUP-01", `${what} ${id} is listed twice (first as item [${at}] of this list)`), path: [index] });
    });
  };
}

const Port = z.number({ error: "expected a TCP port number (1-65535)" }).int().min(1).max(65535);

/** A server count: 1 is a single server, more is a pool. */
const ServerCount = (what: string) =>
  z
    .number()
    .int({ error: `expected a whole number of ${what}` })
    .min(1, { error: `at least one ${what.replace(/s$/, "")} is needed` })
    .max(64, { error: `at most 64 ${what}` + (what === "Edge Servers" ? "; 12 is the supported maximum per pool (LB-05)" : "") });

/** An address on the Edge external interface; `natPublic` is the public address the external firewall maps to it. */
export const ServiceAddressSchema = z.strictObject({
  address: Ipv4.describe("Address on the server's interface."),
  natPublic: Ipv4.optional().describe("The public address the external firewall translates 1:1 to `address` (NAT only)."),
});

export const EdgeServerSchema = z.strictObject({
  name: HostLabel.optional().describe('Computer name; the server FQDN is `<name>.<internalDomain>`. Default: "<pool host label>NN"'),
  internal: ServiceAddressSchema.optional().describe("Address of the internal interface. `natPublic` is accepted only to report NAT-01."),
  external: z
    .strictObject({
      access: ServiceAddressSchema.describe("Access Edge service address."),
      webConferencing: ServiceAddressSchema.optional().describe("Web Conferencing Edge service address (per-service IP mode)."),
      av: ServiceAddressSchema.optional().describe("A/V Edge service address (per-service IP mode)."),
    })
    .optional()
    .describe("Addresses of the external interface, one per Edge service. Default: numbered as in Microsoft's examples"),
});

export const LoadBalancingKind = z.enum(["dns", "hardware"], { error: 'expected "dns" or "hardware"' });

export const EdgeSchema = z
  .strictObject({
    servers: z
      .union([ServerCount("Edge Servers"), z.array(EdgeServerSchema).min(1, { error: "list at least one Edge Server" }).max(64)], {
        error: "expected a server count (1-12 are supported, LB-05) or a list of servers",
      })
      .default(1)
      .describe(
        "Number of Edge Servers (1 = single consolidated Edge, 2-12 = Edge pool), or a list of servers with explicit names and addresses. Addresses not given are numbered as in Microsoft's examples (.10/.20/.30, then .11/.21/.31). Default: 1",
      ),
    loadBalancing: z
      .union(
        [
          LoadBalancingKind,
          z.strictObject({
            external: LoadBalancingKind.describe("Load balancing of the external interfaces."),
            internal: LoadBalancingKind.describe("Load balancing of the internal interface (must equal external, LB-01)."),
          }),
        ],
        {
          error: 'expected "dns", "hardware" or { external: ..., internal: ... }',
        },
      )
      .optional()
      .describe(
        'Pool load balancing: "dns" or "hardware", or `{ external, internal }` (which must be equal: LB-01). Default: "dns" for a pool, none for a single Edge',
      ),
    externalAddressing: z
      .enum(["nat", "public"], { error: 'expected "nat" or "public"' })
      .optional()
      .describe(
        '"nat": private external addresses translated 1:1 by the external firewall; "public": routed public addresses. Default: "nat" (hardware LB: "public")',
      ),
    ipMode: z
      .enum(["per-service", "single"], { error: 'expected "per-service" or "single"' })
      .default("per-service")
      .describe('"per-service": three external addresses per server (recommended); "single": one address with distinct ports (NET-14). Default: "per-service"'),
    fqdns: z
      .strictObject({
        access: Fqdn.optional().describe("External FQDN of the Access Edge service. Default: sip.<primary SIP domain>"),
        webConferencing: Fqdn.optional().describe(
          "External FQDN of the Web Conferencing Edge service. Default: webcon.<primary SIP domain> (single-IP mode: the access FQDN)",
        ),
        av: Fqdn.optional().describe("External FQDN of the A/V Edge service. Default: av.<primary SIP domain> (single-IP mode: the access FQDN)"),
        internalPool: Fqdn.optional().describe("Internal pool FQDN. Default: lsedge.<internal domain>"),
      })
      .default({})
      .describe("The Edge's FQDNs (certificate names and DNS records)."),
    ports: z
      .strictObject({
        access: Port.optional().describe("Access Edge external TCP port."),
        webConferencing: Port.optional().describe("Web Conferencing Edge external TCP port."),
        av: Port.optional().describe("A/V Edge external TCP port."),
      })
      .optional()
      .describe("External TCP ports of the three services. Default: 443/443/443; single-IP mode 5061/444/443 (Microsoft's planning example)"),
    vips: z
      .strictObject({
        access: Ipv4.optional().describe("Access Edge external VIP."),
        webConferencing: Ipv4.optional().describe("Web Conferencing Edge external VIP."),
        av: Ipv4.optional().describe("A/V Edge external VIP."),
        internal: Ipv4.optional().describe("Edge pool internal VIP."),
      })
      .optional()
      .describe(
        "Hardware load balancer virtual IPs. Default: external VIPs at .10/.20/.30 of the public range, internal VIP at .10 of the perimeter-internal subnet",
      ),
  })
  .superRefine((edge, ctx) => {
    // VIPs given without a hardware load balancer would be silently dropped: DNS load balancing publishes every server.
    const lb = edge.loadBalancing;
    const hardware = lb === "hardware" || (typeof lb === "object" && (lb.external === "hardware" || lb.internal === "hardware"));
    if (edge.vips !== undefined && !hardware) {
      ctx.addIssue({
        ...ruleIssue(
          "LB-07",
          "vips are the addresses of a hardware load balancer; set loadBalancing: hardware, or remove vips (DNS load balancing publishes every server, LB-06)",
        ),
        path: ["vips"],
      });
    }
  });

export const NetworkSchema = z.strictObject({
  perimeterExternal: Cidr.optional().describe(
    `Subnet of the Edge external interfaces. Default: ${defaultRangeDoc("perimeterExternal")} with NAT, the public range with public addressing`,
  ),
  perimeterInternal: Cidr.optional().describe(`Subnet of the Edge internal interfaces. Default: ${defaultRangeDoc("perimeterInternal")}`),
  publicRange: Cidr.optional().describe(
    `Public addresses: NAT mappings, VIPs, public-IP Edge addresses, the reverse proxy listener. Default: ${defaultRangeDoc("publicRange")}`,
  ),
  reverseProxyExternal: Cidr.optional().describe(
    `Subnet of the reverse proxy external interface (always behind NAT, NET-11). Default: perimeterExternal (NAT) or ${defaultRangeText("perimeterExternal", 0)} (public addressing)`,
  ),
  internalNetworks: z
    .array(Cidr)
    .min(1, { error: "NET-03 needs at least one internal network for persistent routes" })
    .max(16)
    .superRefine(distinctList((cidr: string) => cidr, "internal network"))
    .optional()
    .describe(
      `Internal networks with Lync servers and clients; the Edge and reverse proxy get persistent routes to them (NET-03). Default: [${defaultRangeText("internalNetwork", 0)}] (site k: ${DEFAULT_RANGE_PREFIX.internalNetwork}+k.0/24)`,
    ),
});

export const FrontEndPoolSchema = z.strictObject({
  fqdn: Fqdn.optional().describe("Front End pool FQDN: the Edge's next hop without a Director. Default: pool01.<internal domain>"),
  address: Ipv4.optional().describe("Address of the pool (web services VIP when load balanced). Default: .20 of the first internal network"),
  internalWebFqdn: Fqdn.optional().describe("Internal web services FQDN. Default: the pool FQDN"),
  externalWebFqdn: Fqdn.optional().describe("External web services FQDN published by the reverse proxy. Default: webext.<primary SIP domain>"),
});

export const DirectorServerSchema = z.strictObject({
  name: HostLabel.optional().describe("Computer name. Default: dir01, dir02, ..."),
  address: Ipv4.optional().describe("Address in the first internal network. Default: .31, .32, ... (a single Director: .30)"),
});

export const DirectorSchema = z
  .strictObject({
    servers: z
      .union([ServerCount("Directors"), z.array(DirectorServerSchema).min(1, { error: "list at least one Director" }).max(64)], {
        error: "expected a Director count or a list of Directors",
      })
      .default(1)
      .describe("Number of Directors, or a list with names/addresses. Default: 1"),
    loadBalancing: z
      .enum(["dns-hlb", "hlb", "dns"], { error: 'expected "dns-hlb" or "hlb"' })
      .optional()
      .describe('Director pool load balancing: "dns-hlb" (DNS LB for SIP + HLB for web) or "hlb". Required for a pool (DIR-01).'),
    poolFqdn: Fqdn.optional().describe("Director pool FQDN: the Edge's next hop. Default: dirpool01.<internal domain> (pool) or the server FQDN (single)"),
    vip: Ipv4.optional().describe("Web services VIP of a Director pool. Default: .30 of the first internal network"),
    externalWebFqdn: Fqdn.optional().describe(
      "External web services FQDN of the Director, published by the reverse proxy. Default: webdirext.<primary SIP domain>",
    ),
  })
  .superRefine((director, ctx) => {
    // A single Director has no load balancer (DIR-01), so a VIP would be silently dropped.
    const single = director.servers === 1 || (Array.isArray(director.servers) && director.servers.length === 1);
    if (director.vip !== undefined && single) {
      ctx.addIssue({
        ...ruleIssue("DIR-01", "a single Director has no load balancer VIP; remove vip, or give 2 or more servers for a Director pool"),
        path: ["vip"],
      });
    }
  });

export const ReverseProxySchema = z.strictObject({
  name: HostLabel.optional().describe("Computer name. Default: rp01 (site k: <site>rp01)"),
  externalAddress: Ipv4.optional().describe("Private address of the external interface. Default: .40 of the reverse-proxy external subnet"),
  publicAddress: Ipv4.optional().describe("Public listener address (NATed to the external address). Default: .40 of the public range"),
  internalAddress: Ipv4.optional().describe(
    "Address of the internal interface. Default: .40 of the perimeter-internal subnet (Microsoft's example 172.25.33.40)",
  ),
  simpleUrls: z
    .strictObject({
      meet: z
        .array(Fqdn)
        .min(1)
        .max(20)
        .superRefine(distinctList((name: string) => name, "meet URL"))
        .optional()
        .describe("One meet URL per SIP domain (DNS-09). Default: meet.<each SIP domain>"),
      dialin: Fqdn.optional().describe("Dial-in simple URL. Default: dialin.<primary SIP domain>"),
    })
    .default({})
    .describe("Simple URLs published by the reverse proxy."),
  officeWebApps: z
    .union([
      z.boolean(),
      z.strictObject({
        fqdn: Fqdn.optional().describe("Office Web Apps Server FQDN. Default: officewebapps01.<primary SIP domain> (site k: <site>officewebapps01)"),
        address: Ipv4.optional().describe("Its internal address. Default: .25 of the first internal network"),
      }),
    ])
    .default(false)
    .describe(
      "Publish an Office Web Apps Server (443 -> 443, RP-02). `true` uses officewebapps01.<primary SIP domain> (site k: <site>officewebapps01) at .25 of the first internal network (between the Front End pool at .20 and the Directors from .30).",
    ),
  autodiscover: z.enum(["https", "http"]).default("https").describe('How lyncdiscover is published: "https" (recommended) or "http" (RP-08). Default: "https"'),
});

export const SiteSchema = z.strictObject({
  name: z
    .string({ error: "expected a site name such as hq" })
    .regex(SITE_NAME_PATTERN, { error: `${SITE_NAME_RULE} (they become part of computer names)` })
    .describe("Site name: 1-8 lower-case letters or digits (it becomes part of computer names)."),
  region: z
    .string()
    .regex(/^[a-z0-9]+$/, { error: "expected an Azure region name such as westeurope" })
    .optional()
    .describe("Azure region for this site's lab. Default: lab.region"),
  federationRoute: z.boolean().optional().describe("This site's Edge is the organisation's federation route (FED-01). Default: true for the only site"),
  edge: EdgeSchema.prefault({}).describe("The site's Edge Server or Edge pool."),
  network: NetworkSchema.prefault({}).describe("The site's address ranges."),
  frontEndPool: FrontEndPoolSchema.prefault({}).describe("The Front End pool behind the Edge (addresses only; not deployed in the lab)."),
  director: DirectorSchema.optional().describe("Optional Director or Director pool: the Edge's next hop (NET-15). Default: none"),
  reverseProxy: ReverseProxySchema.prefault({}).describe("The reverse proxy publishing web services, simple URLs and lyncdiscover."),
});

export const PicProvider = z.enum(PIC_PROVIDERS, {
  error: `expected one of ${PIC_PROVIDERS.map((p) => `"${p}"`).join(", ")}`,
});

export const FederationSchema = z.strictObject({
  sip: z
    .union([
      z.boolean(),
      z.strictObject({
        enabled: z.boolean().default(true).describe("SIP federation on or off."),
        partnerDiscovery: z.boolean().default(true).describe('"Enable partner domain discovery" (open federation).'),
        allowedDomains: z
          .array(
            z.union([
              DomainName,
              z.strictObject({
                domain: DomainName.describe("Partner SIP domain."),
                accessEdgeFqdn: Fqdn.optional().describe("The partner's Access Edge FQDN (direct federation without DNS SRV discovery)."),
              }),
            ]),
          )
          .max(1000)
          .superRefine(distinctList((entry: string | { domain: string }) => (typeof entry === "string" ? entry : entry.domain), "allowed partner domain"))
          .default([])
          .describe("Allowed partner domains (the federation allow list)."),
        blockedDomains: z
          .array(DomainName)
          .max(500)
          .superRefine(distinctList((name: string) => name, "blocked partner domain"))
          .default([])
          .describe("Blocked partner domains (they matter with partner discovery); a hybrid tenant must block the same ones (HYB-04). Default: []"),
      }),
    ])
    .default(false)
    .describe("SIP federation (Lync / OCS / Office 365 partners). `true` = enabled with partner discovery."),
  publicIm: z
    .array(PicProvider)
    .max(4)
    .superRefine(distinctList((name: string) => name, "public IM provider"))
    .default([])
    .describe("Public IM connectivity providers (a class of federation). Default: []"),
  xmpp: z
    .union([
      z.boolean(),
      z.strictObject({
        enabled: z.boolean().default(true).describe("XMPP federation on or off."),
        partners: z
          .array(DomainName)
          .max(1000)
          .superRefine(distinctList((name: string) => name, "XMPP partner"))
          .default([])
          .describe("XMPP partner domains, e.g. gmail.com."),
        domains: z.array(DomainName).max(20).optional().describe("SIP domains whose users may use XMPP. Default: every SIP domain"),
      }),
    ])
    .default(false)
    .describe("XMPP federation (Lync 2013 / SfB 2015 only). `true` = enabled for every SIP domain."),
  ocs2007Partners: z
    .boolean()
    .default(false)
    .describe("Partners still on OCS 2007: opens TCP/UDP 50,000-59,999 inbound and UDP outbound on the A/V Edge (FW-05). Default: false"),
});

/** Mobility: `true` (with push notifications), `false`, or `{ push }`. */
export const MobilitySchema = z.union(
  [
    z.boolean(),
    z.strictObject({
      push: z.boolean().default(true).describe("Plan mobile push notifications (a federation with the push clearing house, FW-07). Default: true"),
    }),
  ],
  { error: "expected true, false or { push: true | false }" },
);

/**
 * Features planned for later (Microsoft's advice: plan the certificates for every feature the Edge will carry, so that
 * adding federation, XMPP or mobility later needs no new certificate). Their names go on the certificates now (each
 * SAN marked with its feature); DNS records, firewall rows, NSGs, appliance rules and Topology Builder settings contain
 * only what is deployed now. The worksheet lists what each later feature will add.
 */
export const LaterSchema = z.strictObject({
  federation: FederationSchema.prefault({}).describe("Federation types to add later: the same fields as `federation`. Default: none"),
  mobility: MobilitySchema.default(false).describe(
    "Mobility to add later: `true` (with push notifications), `false` or `{ push }`, as `mobility`. Default: false",
  ),
});

const Time = withWords(z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a time such as "19:00"' }), {
  words: 'a time such as "19:00"',
  plural: "times",
  example: '"19:00"',
});

export const LabSchema = z.strictObject({
  mode: z
    .enum(["closed", "internet"], { error: 'expected "closed" or "internet"' })
    .default("closed")
    .describe('"closed": simulated Internet, nothing exposed (faithful for all five scenarios); "internet": real public IPs. Default: "closed"'),
  region: z
    .string()
    .regex(/^[a-z0-9]+$/, { error: "expected an Azure region name such as westeurope" })
    .default("westeurope")
    .describe("Azure region of the lab. Default: westeurope"),
  vmSize: z
    .string()
    .regex(/^Standard_[A-Za-z0-9_]+$/, { error: "expected an Azure VM size such as Standard_D4s_v5" })
    .superRefine((size, ctx) => {
      const problem = vmSizeProblem(size);
      if (problem) ctx.addIssue(ruleIssue("LAB-VM-01", problem));
    })
    .default("Standard_D4s_v5")
    .describe(
      "VM size of Edge Servers and Directors: an x64 size that runs the Generation 1 Windows images with two NICs (Bs/Bms, Dv3-Dv5, Ev3-Ev5, Fsv2 families, 2+ vCPUs; LAB-VM-01). Default: Standard_D4s_v5",
    ),
  adminSourceCidr: z.string().optional().describe("Source of RDP/SSH administration; never the whole Internet (LAB-SEC-01). Without it, use Azure Bastion."),
  autoShutdown: z
    .union([Time, z.literal(false)])
    .default("19:00")
    .describe('Daily auto-shutdown time (HH:MM) in `timezone`, or false. Default: "19:00"'),
  timezone: z
    .string({ error: 'expected a Windows time zone id such as "UTC" or "W. Europe Standard Time"' })
    .superRefine((zone, ctx) => {
      const problem = timeZoneProblem(zone);
      if (problem) ctx.addIssue(ruleIssue("LAB-TZ-01", problem));
    })
    .default("UTC")
    .describe('Windows time zone id (e.g. "W. Europe Standard Time", not an IANA name) of the Windows VMs and the auto-shutdown (LAB-TZ-01). Default: "UTC"'),
  bastion: z
    .enum(["developer", "basic", "none"], { error: 'expected "developer", "basic" or "none"' })
    .default("developer")
    .describe(
      'Azure Bastion for administration: "developer" (free, one per VNet with VMs, only in some regions), "basic" (one in the first site\'s VNet, reaches peered sites; a public IP) or "none". Default: "developer"',
    ),
  testClient: z.boolean().default(false).describe("Add a test client VM on the simulated Internet (closed mode). Default: false"),
  imageSku: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/, {
      error: "expected a Windows Server image SKU such as 2022-datacenter-azure-edition (letters, digits, dots, hyphens, underscores)",
    })
    .optional()
    .describe(
      "Windows Server image SKU (MicrosoftWindowsServer / WindowsServer) of the Edge Servers and Directors. Default: the product's image (sfbse and sfb2019 2019-Datacenter, sfb2015 2016-Datacenter, lync2013 2012-R2-Datacenter; lib/model/products.ts)",
    ),
});

/**
 * Hybrid with Microsoft 365 / Teams (shared SIP address space): the tenant's domains and the migration phase.
 * Sources: Skype/SfbHybrid/hybrid/plan-hybrid-connectivity.md and decommission-manage-dns-entries.md.
 */
export const HybridSchema = z.strictObject({
  tenantDomains: z
    .array(DomainName)
    .min(1, { error: "list the tenant's SIP domains (at least one)" })
    .max(20)
    .superRefine(distinctList((name: string) => name, "tenant domain"))
    .describe(
      "Every SIP domain of the Microsoft 365 tenant; each must be a SIP domain of the topology (HYB-01), except the tenant's *.onmicrosoft.com domain, which is listed here only and never planned (no SAN, no DNS record; HYB-06).",
    ),
  phase: z
    .enum(["hybrid", "teams-only"], { error: 'expected "hybrid" or "teams-only"' })
    .default("hybrid")
    .describe(
      '"hybrid": users on-premises and online, all external DNS points on-premises; "teams-only": after the cutover, external DNS points to Microsoft 365 (the cutover DNS table). Default: "hybrid"',
    ),
  voice: z
    .boolean()
    .default(false)
    .describe("Hybrid voice: needs the federation Edge and its next hop on Skype for Business Server 2015 or later (HYB-05). Default: false"),
  online: z
    .strictObject({
      openFederation: z.boolean().optional().describe("Open federation in the tenant (any external domain allowed)."),
      allowedDomains: z
        .array(DomainName)
        .max(500)
        .superRefine(distinctList((name: string) => name, "tenant allowed domain"))
        .optional()
        .describe("The tenant's allowed domains."),
      blockedDomains: z
        .array(DomainName)
        .max(500)
        .superRefine(distinctList((name: string) => name, "tenant blocked domain"))
        .optional()
        .describe("The tenant's blocked domains."),
    })
    .optional()
    .describe(
      "The tenant's federation settings as they are today, when known; edge-lab compares them with on-premises (HYB-03, HYB-04). Default: not compared",
    ),
});

/**
 * Ids that would name a folder of the project or of its output trees (`worksheets --out .` writes <id>/ into the
 * current folder; cdktf.out holds stacks/ and worksheets/).
 */
export const RESERVED_IDS: readonly string[] = ["bench", "bin", "dist", "docs", "lib", "out", "scenarios", "scripts", "stacks", "worksheets", "zones"];

export const ScenarioSchema = z.strictObject({
  id: z
    .string({ error: "expected a scenario id" })
    .regex(/^[a-z][a-z0-9-]{1,39}$/, {
      error: "scenario ids are 2-40 lower-case letters, digits or hyphens, starting with a letter",
    })
    .superRefine((id, ctx) => {
      if (RESERVED_IDS.includes(id)) {
        ctx.addIssue(
          ruleIssue(
            "LAB-ID-01",
            `"${id}" is the name of one of edge-lab's own folders (${RESERVED_IDS.join(", ")}); outputs are written to <out>/<id>/, so choose another id`,
          ),
        );
      }
    })
    .describe("Stack id: lower-case letters, digits and hyphens. Default: the scenario file's base name"),
  title: z.string().max(200).optional().describe("One-line title, shown in worksheets and the plan."),
  description: z.string().max(4000).optional().describe("Free text about the scenario, shown in the worksheet."),
  product: z
    .enum(PRODUCT_IDS, { error: 'expected "sfbse", "sfb2019", "sfb2015" or "lync2013"' })
    .default("sfbse")
    .describe(
      "Server product: sfbse (Skype for Business Server Subscription Edition, supported), sfb2019, sfb2015 or lync2013 (out of support, SE-01); sfbse and sfb2019 have no XMPP, sfbse no public IM connectivity. Support dates, lab image and TLS notes: lib/model/products.ts. Default: sfbse",
    ),
  sipDomains: z
    .array(DomainName)
    .min(1, { error: "at least one SIP domain is required" })
    .max(20)
    .describe("SIP domains, primary first. Each adds certificate SANs and DNS records."),
  internalDomain: DomainName.optional().describe("Internal DNS domain of servers (Microsoft's example: contoso.net). Default: the primary SIP domain"),
  federation: FederationSchema.prefault({}).describe("Federation and public IM connectivity. Default: none"),
  mobility: MobilitySchema.default(false).describe(
    'Mobility / Autodiscover (lyncdiscover and lyncdiscoverinternal records, reverse proxy publishing). `true` plans push notifications too (`{ push: true }`): they are a federation with Microsoft\'s push notification clearing house, so the federation route gets "Enable federation", a hosting provider for sipfed.online.lync.com (the Office365 one when SIP federation is planned), push.lync.com as an allowed domain, the _sipfederationtls SRV record and outbound TCP 5061 (FW-07, DNS-03). `{ push: false }` for clients that do not use push. Default: false',
  ),
  later: LaterSchema.prefault({}).describe("Features planned for later: certificate names now, everything else when they are deployed. Default: nothing"),
  primarySite: z
    .string({ error: "expected a site name such as hq" })
    .optional()
    .describe(
      "The site whose Edge and reverse proxy carry the organisation-wide records for remote users: _sip._tls (remote sign-in), the simple URLs (meet, dialin) and lyncdiscover / lyncdiscoverinternal (autodiscover). Independent of the federation route (FED-01), which decides only federation (_sipfederationtls, XMPP, port 5061). Default: the first site",
    ),
  sites: z
    .array(SiteSchema)
    .min(1, { error: "at least one site is needed (or leave sites out for one site named hq)" })
    .max(8, { error: "at most 8 sites" })
    .prefault([{ name: "hq" }])
    .describe('One or more sites, each with its own Edge deployment. Default: one site named "hq"'),
  hybrid: HybridSchema.optional().describe("Hybrid with Microsoft 365 / Teams (shared SIP address space). Default: none (on-premises only)"),
  lab: LabSchema.prefault({}).describe("The Azure lab built from the scenario."),
});

/** Scenario as written in a file or passed as props (defaults not yet applied). */
export type ScenarioProps = z.input<typeof ScenarioSchema>;
/** Scenario after schema parsing (schema defaults applied; derived defaults are applied by `resolve`). */
export type ScenarioInput = z.output<typeof ScenarioSchema>;
export type SiteInput = ScenarioInput["sites"][number];
export type EdgeInput = SiteInput["edge"];
export type EdgeServerInput = z.output<typeof EdgeServerSchema>;
export type PicProviderName = z.output<typeof PicProvider>;
export type HybridInput = z.output<typeof HybridSchema>;
