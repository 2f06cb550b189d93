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
import { parseCidr } from "./net";

/** Marks a zod issue with the id of the reference rule it enforces, so the CLI can print it. */
function ruleIssue(rule: string, message: string) {
  return { code: "custom" as const, message, params: { rule } };
}

const DNS_LABEL = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

/**
 * A DNS name made of letters, digits and hyphens only (NET-08: no underscores, no Unicode), at least two labels.
 * Names are case-insensitive; they are stored lower-case.
 */
export const Fqdn = z
  .string({ error: "expected a DNS name such as sip.contoso.com" })
  .transform((value) => value.trim().toLowerCase().replace(/\.$/, ""))
  .superRefine((name, ctx) => {
    if (name.startsWith("*.")) {
      ctx.addIssue(ruleIssue("CERT-04", `"${name}": wildcard names are not supported for Edge FQDNs; give each name explicitly`));
      return;
    }
    const labels = name.split(".");
    if (name.length > 253 || labels.length < 2 || !labels.every((label) => DNS_LABEL.test(label)) || /^\d+$/.test(labels[labels.length - 1])) {
      ctx.addIssue(
        ruleIssue(
          "NET-08",
          `"${name}" is not a valid FQDN: use two or more labels of letters, digits and hyphens (no underscores), e.g. sip.contoso.com`,
        ),
      );
    }
  });

/** A DNS domain (SIP domain, internal domain): same syntax as an FQDN. */
export const DomainName = Fqdn;

/** A single host label (computer name). Windows limits NetBIOS computer names to 15 characters. */
export const HostLabel = z
  .string({ error: "expected a computer name such as lsedge01" })
  .transform((value) => value.trim().toLowerCase())
  .superRefine((name, ctx) => {
    if (!DNS_LABEL.test(name) || name.length > 15 || /^\d+$/.test(name)) {
      ctx.addIssue(ruleIssue("NET-08", `"${name}" is not a valid computer name: 1-15 letters, digits or hyphens, not all digits`));
    }
  });

/** edge-lab plans IPv4 only: Call Admission Control needs IPv4 on the Edge internal interface (NET-07). */
export const Ipv4 = z.ipv4({ error: "expected an IPv4 address such as 10.45.16.10" });

export const Cidr = z
  .string({ error: "expected an IPv4 CIDR block such as 10.45.16.0/24" })
  .superRefine((text, ctx) => {
    try {
      const cidr = parseCidr(text);
      if (cidr.prefix > 29 || cidr.prefix < 8) {
        ctx.addIssue(ruleIssue("LAB-NET-01", `"${text}": use a prefix between /8 and /29 (Azure's smallest subnet is a /29)`));
      }
    } catch (error) {
      ctx.addIssue({ code: "custom", message: (error as Error).message });
    }
  });

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
  address: Ipv4,
  natPublic: Ipv4.optional(),
});

export const EdgeServerSchema = z.strictObject({
  /** Computer name; the server FQDN is `<name>.<internalDomain>`. @default "<pool host label>NN" */
  name: HostLabel.optional(),
  /** Address of the internal interface. `natPublic` is accepted only to report NAT-01. */
  internal: ServiceAddressSchema.optional(),
  external: z
    .strictObject({
      access: ServiceAddressSchema,
      webConferencing: ServiceAddressSchema.optional(),
      av: ServiceAddressSchema.optional(),
    })
    .optional(),
});

export const LoadBalancingKind = z.enum(["dns", "hardware"], { error: 'expected "dns" or "hardware"' });

export const EdgeSchema = z.strictObject({
  /**
   * Number of Edge Servers (1 = single consolidated Edge, 2-12 = Edge pool), or a list of servers with explicit
   * names and addresses. Addresses not given are numbered as in Microsoft's examples (.10/.20/.30, then .11/.21/.31).
   * @default 1
   */
  servers: z
    .union([ServerCount("Edge Servers"), z.array(EdgeServerSchema).min(1, { error: "list at least one Edge Server" }).max(64)], {
      error: "expected a server count (1-12 are supported, LB-05) or a list of servers",
    })
    .default(1),
  /**
   * Pool load balancing: "dns" or "hardware", or `{ external, internal }` (which must be equal: LB-01).
   * @default "dns" for a pool, none for a single Edge
   */
  loadBalancing: z
    .union([LoadBalancingKind, z.strictObject({ external: LoadBalancingKind, internal: LoadBalancingKind })], {
      error: 'expected "dns", "hardware" or { external: ..., internal: ... }',
    })
    .optional(),
  /** "nat": private external addresses translated 1:1 by the external firewall; "public": routed public addresses. @default "nat" (hardware LB: "public") */
  externalAddressing: z.enum(["nat", "public"], { error: 'expected "nat" or "public"' }).optional(),
  /** "per-service": three external addresses per server (recommended); "single": one address with distinct ports (NET-14). @default "per-service" */
  ipMode: z.enum(["per-service", "single"], { error: 'expected "per-service" or "single"' }).default("per-service"),
  fqdns: z
    .strictObject({
      /** @default sip.<primary SIP domain> */
      access: Fqdn.optional(),
      /** @default webcon.<primary SIP domain> (single-IP mode: the access FQDN) */
      webConferencing: Fqdn.optional(),
      /** @default av.<primary SIP domain> (single-IP mode: the access FQDN) */
      av: Fqdn.optional(),
      /** Internal pool FQDN. @default lsedge.<internal domain> */
      internalPool: Fqdn.optional(),
    })
    .default({}),
  /** External TCP ports of the three services. @default 443/443/443; single-IP mode 5061/444/443 (Microsoft's planning example) */
  ports: z.strictObject({ access: Port.optional(), webConferencing: Port.optional(), av: Port.optional() }).optional(),
  /** Hardware load balancer virtual IPs. @default external VIPs at .10/.20/.30 of the public range, internal VIP at .10 of the perimeter-internal subnet */
  vips: z.strictObject({ access: Ipv4.optional(), webConferencing: Ipv4.optional(), av: Ipv4.optional(), internal: Ipv4.optional() }).optional(),
}).superRefine((edge, ctx) => {
  // VIPs given without a hardware load balancer would be silently dropped: DNS load balancing publishes every server.
  const lb = edge.loadBalancing;
  const hardware = lb === "hardware" || (typeof lb === "object" && (lb.external === "hardware" || lb.internal === "hardware"));
  if (edge.vips !== undefined && !hardware) {
    ctx.addIssue({
      ...ruleIssue("LB-07", "vips are the addresses of a hardware load balancer; set loadBalancing: hardware, or remove vips (DNS load balancing publishes every server, LB-06)"),
      path: ["vips"],
    });
  }
});

export const NetworkSchema = z.strictObject({
  /** Subnet of the Edge external interfaces. @default 10.45.16.0/24 (site k: 10.45.16+k.0/24) with NAT, the public range with public addressing */
  perimeterExternal: Cidr.optional(),
  /** Subnet of the Edge internal interfaces. @default 172.25.33.0/24 (site k: 172.25.33+k.0/24) */
  perimeterInternal: Cidr.optional(),
  /** Public addresses: NAT mappings, VIPs, public-IP Edge addresses, the reverse proxy listener. @default 131.107.155.0/24 (site k: 131.107.155+k.0/24) */
  publicRange: Cidr.optional(),
  /** Subnet of the reverse proxy external interface (always behind NAT, NET-11). @default perimeterExternal (NAT) or 10.45.16.0/24 (public addressing) */
  reverseProxyExternal: Cidr.optional(),
  /** Internal networks with Lync servers and clients; the Edge and reverse proxy get persistent routes to them (NET-03). @default [192.168.10.0/24] (site k: 192.168.10+k.0/24) */
  internalNetworks: z.array(Cidr).min(1, { error: "NET-03 needs at least one internal network for persistent routes" }).max(16).optional(),
});

export const FrontEndPoolSchema = z.strictObject({
  /** @default pool01.<internal domain> */
  fqdn: Fqdn.optional(),
  /** Address of the pool (web services VIP when load balanced). @default .20 of the first internal network */
  address: Ipv4.optional(),
  /** @default the pool FQDN */
  internalWebFqdn: Fqdn.optional(),
  /** External web services FQDN published by the reverse proxy. @default webext.<primary SIP domain> */
  externalWebFqdn: Fqdn.optional(),
});

export const DirectorServerSchema = z.strictObject({ name: HostLabel.optional(), address: Ipv4.optional() });

export const DirectorSchema = z.strictObject({
  /** Number of Directors, or a list with names/addresses. @default 1 */
  servers: z
    .union([ServerCount("Directors"), z.array(DirectorServerSchema).min(1, { error: "list at least one Director" }).max(64)], {
      error: "expected a Director count or a list of Directors",
    })
    .default(1),
  /** Director pool load balancing: "dns-hlb" (DNS LB for SIP + HLB for web) or "hlb". Required for a pool (DIR-01). */
  loadBalancing: z.enum(["dns-hlb", "hlb", "dns"], { error: 'expected "dns-hlb" or "hlb"' }).optional(),
  /** @default dirpool01.<internal domain> (pool) or the server FQDN (single) */
  poolFqdn: Fqdn.optional(),
  /** Web services VIP of a Director pool. @default .30 of the first internal network */
  vip: Ipv4.optional(),
  /** @default webdirext.<primary SIP domain> */
  externalWebFqdn: Fqdn.optional(),
}).superRefine((director, ctx) => {
  // A single Director has no load balancer (DIR-01), so a VIP would be silently dropped.
  const single = director.servers === 1 || (Array.isArray(director.servers) && director.servers.length === 1);
  if (director.vip !== undefined && single) {
    ctx.addIssue({ ...ruleIssue("DIR-01", "a single Director has no load balancer VIP; remove vip, or give 2 or more servers for a Director pool"), path: ["vip"] });
  }
});

export const ReverseProxySchema = z.strictObject({
  /** Computer name. @default rp01 (site k: <site>rp01) */
  name: HostLabel.optional(),
  /** Private address of the external interface. @default .40 of the reverse-proxy external subnet */
  externalAddress: Ipv4.optional(),
  /** Public listener address (NATed to the external address). @default .40 of the public range */
  publicAddress: Ipv4.optional(),
  /** @default .40 of the perimeter-internal subnet (Microsoft's example 172.25.33.40) */
  internalAddress: Ipv4.optional(),
  simpleUrls: z
    .strictObject({
      /** One meet URL per SIP domain (DNS-09). @default meet.<each SIP domain> */
      meet: z.array(Fqdn).min(1).optional(),
      /** @default dialin.<primary SIP domain> */
      dialin: Fqdn.optional(),
    })
    .default({}),
  /** Publish an Office Web Apps Server (443 -> 443, RP-02). `true` uses officewebapps01.<primary SIP domain> at .25 of the first internal network (between the Front End pool at .20 and the Directors from .30). */
  officeWebApps: z.union([z.boolean(), z.strictObject({ fqdn: Fqdn.optional(), address: Ipv4.optional() })]).default(false),
  /** How lyncdiscover is published: "https" (recommended) or "http" (RP-08). @default "https" */
  autodiscover: z.enum(["https", "http"]).default("https"),
});

export const SiteSchema = z.strictObject({
  /** Site name: 1-8 lower-case letters or digits (it becomes part of computer names). */
  name: z
    .string({ error: "expected a site name such as hq" })
    .regex(/^[a-z][a-z0-9]{0,7}$/, { error: "site names are 1-8 lower-case letters or digits, starting with a letter (they become part of computer names)" }),
  /** Azure region for this site's lab. @default lab.region */
  region: z.string().regex(/^[a-z0-9]+$/, { error: "expected an Azure region name such as westeurope" }).optional(),
  /** This site's Edge is the organisation's federation route (FED-01). @default true for the only site */
  federationRoute: z.boolean().optional(),
  edge: EdgeSchema.prefault({}),
  network: NetworkSchema.prefault({}),
  frontEndPool: FrontEndPoolSchema.prefault({}),
  director: DirectorSchema.optional(),
  reverseProxy: ReverseProxySchema.prefault({}),
});

export const PicProvider = z.enum(["skype", "windows-live", "aol", "yahoo"], {
  error: 'expected one of "skype", "windows-live", "aol", "yahoo"',
});

export const FederationSchema = z.strictObject({
  /** SIP federation (Lync / OCS / Office 365 partners). `true` = enabled with partner discovery. */
  sip: z
    .union([
      z.boolean(),
      z.strictObject({
        enabled: z.boolean().default(true),
        /** "Enable partner domain discovery" (open federation). @default true */
        partnerDiscovery: z.boolean().default(true),
        allowedDomains: z
          .array(z.union([DomainName, z.strictObject({ domain: DomainName, accessEdgeFqdn: Fqdn.optional() })]))
          .default([]),
      }),
    ])
    .default(false),
  /** Public IM connectivity providers (a class of federation). @default [] */
  publicIm: z.array(PicProvider).default([]),
  /** XMPP federation (Lync 2013 / SfB 2015 only). `true` = enabled for every SIP domain. */
  xmpp: z
    .union([
      z.boolean(),
      z.strictObject({
        enabled: z.boolean().default(true),
        /** XMPP partner domains, e.g. gmail.com. */
        partners: z.array(DomainName).default([]),
        /** SIP domains whose users may use XMPP. @default every SIP domain */
        domains: z.array(DomainName).optional(),
      }),
    ])
    .default(false),
  /** Partners still on OCS 2007: opens TCP/UDP 50,000-59,999 inbound and UDP outbound on the A/V Edge (FW-05). @default false */
  ocs2007Partners: z.boolean().default(false),
});

const Time = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, { error: 'expected a time such as "19:00"' });

export const LabSchema = z.strictObject({
  /** "closed": simulated Internet, nothing exposed (faithful for all five scenarios); "internet": real public IPs. @default "closed" */
  mode: z.enum(["closed", "internet"], { error: 'expected "closed" or "internet"' }).default("closed"),
  /** @default westeurope */
  region: z.string().regex(/^[a-z0-9]+$/, { error: "expected an Azure region name such as westeurope" }).default("westeurope"),
  /** VM size of Edge Servers and Directors (must allow two NICs). @default Standard_D4s_v5 */
  vmSize: z.string().regex(/^Standard_[A-Za-z0-9_]+$/, { error: "expected an Azure VM size such as Standard_D4s_v5" }).default("Standard_D4s_v5"),
  /** Source of RDP/SSH administration; never the whole Internet (LAB-SEC-01). Without it, use Azure Bastion. */
  adminSourceCidr: z.string().optional(),
  /** Daily auto-shutdown time (HH:MM) in `timezone`, or false. @default "19:00" */
  autoShutdown: z.union([Time, z.literal(false)]).default("19:00"),
  /** Windows time zone id for auto-shutdown. @default "UTC" */
  timezone: z.string().min(1).default("UTC"),
  /** Add a test client VM on the simulated Internet (closed mode). @default false */
  testClient: z.boolean().default(false),
});

export const ScenarioSchema = z.strictObject({
  /** Stack id: lower-case letters, digits and hyphens. @default the scenario file's base name */
  id: z.string({ error: "expected a scenario id" }).regex(/^[a-z][a-z0-9-]{1,39}$/, {
    error: "scenario ids are 2-40 lower-case letters, digits or hyphens, starting with a letter",
  }),
  title: z.string().max(200).optional(),
  description: z.string().max(4000).optional(),
  /** @default lync2013 */
  product: z.enum(["lync2013", "sfb2015", "sfb2019"], { error: 'expected "lync2013", "sfb2015" or "sfb2019"' }).default("lync2013"),
  /** SIP domains, primary first. Each adds certificate SANs and DNS records. */
  sipDomains: z.array(DomainName).min(1, { error: "at least one SIP domain is required" }).max(20),
  /** Internal DNS domain of servers (Microsoft's example: contoso.net). @default the primary SIP domain */
  internalDomain: DomainName.optional(),
  federation: FederationSchema.prefault({}),
  /** Mobility / Autodiscover (lyncdiscover and lyncdiscoverinternal records, reverse proxy publishing). @default false */
  mobility: z.boolean().default(false),
  /** One or more sites, each with its own Edge deployment. @default one site named "hq" */
  sites: z
    .array(SiteSchema)
    .min(1, { error: "at least one site is needed (or leave sites out for one site named hq)" })
    .max(8, { error: "at most 8 sites" })
    .prefault([{ name: "hq" }]),
  lab: LabSchema.prefault({}),
});

/** Scenario as written in a file or passed as props (defaults not yet applied). */
export type ScenarioProps = z.input<typeof ScenarioSchema>;
/** Scenario after schema parsing (schema defaults applied; derived defaults are applied by `resolve`). */
export type ScenarioInput = z.output<typeof ScenarioSchema>;
export type SiteInput = ScenarioInput["sites"][number];
export type EdgeInput = SiteInput["edge"];
export type EdgeServerInput = z.output<typeof EdgeServerSchema>;
export type PicProviderName = z.output<typeof PicProvider>;
