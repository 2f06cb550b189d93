/**
 * Applies the defaults that depend on other fields (FQDNs from the SIP domain, addresses numbered across a pool)
 * and turns a parsed scenario into a fully explicit `ResolvedScenario`. Pure: no I/O, no validation beyond what the
 * schema did. Every value keeps the path of the field it came from, so that rule checks can name the field.
 *
 * Auto-numbering follows Microsoft's examples: service k (Access, Web Conferencing, A/V) of pool slot j gets host
 * offset 10 + k*stride + j, so a 2-server pool gets .10/.11, .20/.21, .30/.31 and the internal side .10/.11.
 * With a hardware load balancer the VIP takes slot 0 (.10/.20/.30, as in the scenario 5 DNS table) and the
 * servers slots 1..N. The stride is 10, or 20 for pools of 10 or more slots, so blocks never overlap.
 */
import { defaultRangeText, type DefaultRangeField } from "./defaults";
import { Cidr, hostAt, parseCidr } from "./net";
import type { EdgeServiceName } from "./ports";
import type { PicProviderName, ScenarioInput, SiteInput } from "./schema";

export type LoadBalancing = "none" | "dns" | "hardware";
export type Product = ScenarioInput["product"];

/** A value plus the scenario field it came from (for error messages). */
export interface Sourced<T> {
  readonly value: T;
  readonly path: string;
  /** True when edge-lab chose the value (auto-numbered or defaulted). */
  readonly auto: boolean;
}

export interface ResolvedServiceAddress {
  readonly service: EdgeServiceName;
  readonly address: Sourced<string>;
  /** The public address the external firewall translates to `address` (NAT scenarios). */
  readonly natPublic?: Sourced<string>;
}

export interface ResolvedEdgeServer {
  readonly index: number;
  readonly name: string;
  readonly fqdn: string;
  readonly internal: { readonly address: Sourced<string>; readonly natPublic?: Sourced<string> };
  /** Access first (the primary ip configuration), then Web Conferencing and A/V; one entry in single-IP mode. */
  readonly external: readonly ResolvedServiceAddress[];
}

export interface ResolvedVips {
  readonly access: Sourced<string>;
  readonly webConferencing?: Sourced<string>;
  readonly av?: Sourced<string>;
  readonly internal: Sourced<string>;
}

export interface ResolvedEdge {
  readonly path: string;
  readonly servers: readonly ResolvedEdgeServer[];
  readonly pool: boolean;
  readonly loadBalancing: { readonly external: LoadBalancing; readonly internal: LoadBalancing; readonly path: string; readonly given: boolean };
  readonly externalAddressing: "nat" | "public";
  readonly ipMode: "per-service" | "single";
  readonly services: readonly EdgeServiceName[];
  readonly fqdns: Readonly<Record<EdgeServiceName | "internalPool", Sourced<string>>>;
  readonly ports: Readonly<Record<EdgeServiceName, Sourced<number>>>;
  readonly vips?: ResolvedVips;
  /** Paths of Web Conferencing / A/V addresses given in single-IP mode (reported by NET-05, otherwise ignored). */
  readonly unusedInSingleIpMode: readonly string[];
}

export interface ResolvedNetwork {
  readonly perimeterExternal: Sourced<Cidr>;
  readonly perimeterInternal: Sourced<Cidr>;
  readonly publicRange: Sourced<Cidr>;
  readonly reverseProxyExternal: Sourced<Cidr>;
  readonly internalNetworks: readonly Sourced<Cidr>[];
}

export interface ResolvedFrontEnd {
  readonly fqdn: Sourced<string>;
  readonly address: Sourced<string>;
  readonly internalWebFqdn: Sourced<string>;
  readonly externalWebFqdn: Sourced<string>;
}

export interface ResolvedDirector {
  readonly path: string;
  readonly pool: boolean;
  readonly loadBalancing: "none" | "dns-hlb" | "hlb" | "dns";
  readonly servers: readonly { readonly name: string; readonly fqdn: string; readonly address: Sourced<string> }[];
  readonly poolFqdn: Sourced<string>;
  /** Web services VIP (pool only). */
  readonly vip?: Sourced<string>;
  readonly externalWebFqdn: Sourced<string>;
}

export interface ResolvedReverseProxy {
  readonly path: string;
  readonly name: string;
  readonly fqdn: string;
  readonly externalAddress: Sourced<string>;
  readonly publicAddress: Sourced<string>;
  readonly internalAddress: Sourced<string>;
  /** Simple URLs published by this proxy (only the primary site publishes them). */
  readonly meet: readonly Sourced<string>[];
  readonly dialin?: Sourced<string>;
  readonly officeWebApps?: { readonly fqdn: Sourced<string>; readonly address: Sourced<string> };
  readonly autodiscover: "https" | "http";
}

export interface ResolvedSite {
  readonly index: number;
  readonly name: string;
  readonly path: string;
  readonly region: string;
  /** This site's Edge is the organisation's federation route (FED-01). */
  readonly federationRoute: boolean;
  readonly federationRouteGiven: boolean;
  /**
   * The site that carries the organisation-wide records for remote users (_sip._tls, simple URLs, lyncdiscover):
   * `primarySite`, by default the first site. Federation records follow `federationRoute` instead.
   */
  readonly primary: boolean;
  readonly edge: ResolvedEdge;
  readonly network: ResolvedNetwork;
  readonly frontEnd: ResolvedFrontEnd;
  readonly director?: ResolvedDirector;
  readonly reverseProxy: ResolvedReverseProxy;
}

export interface ResolvedFederation {
  readonly sip: {
    readonly enabled: boolean;
    readonly partnerDiscovery: boolean;
    readonly allowedDomains: readonly { domain: string; accessEdgeFqdn?: string }[];
    readonly blockedDomains: readonly string[];
  };
  readonly publicIm: readonly PicProviderName[];
  readonly xmpp: { readonly enabled: boolean; readonly partners: readonly string[]; readonly domains: readonly Sourced<string>[]; readonly path: string };
  readonly ocs2007Partners: boolean;
  /** Mobile push notifications: a federation with the push notification clearing house (FW-07, DNS-03). */
  readonly push: boolean;
  /** Partners connect to the Access Edge on TCP 5061 (SIP federation, public IM connectivity): inbound 5061. */
  readonly sipPartners: boolean;
  /** The Access Edge federates over SIP (partners or push): outbound 5061, _sipfederationtls, "Enable federation". */
  readonly sipFederation: boolean;
  /** Any kind of federation is on (needs a federation route). */
  readonly any: boolean;
}

/** Hybrid with Microsoft 365 (shared SIP address space); `path` is "hybrid". */
export interface ResolvedHybrid {
  readonly path: string;
  readonly tenantDomains: readonly Sourced<string>[];
  readonly phase: "hybrid" | "teams-only";
  readonly voice: boolean;
  readonly online?: { readonly openFederation?: boolean; readonly allowedDomains?: readonly string[]; readonly blockedDomains?: readonly string[] };
}

export interface ResolvedScenario {
  readonly id: string;
  readonly title: string;
  readonly description?: string;
  readonly product: Product;
  readonly sipDomains: readonly Sourced<string>[];
  readonly primaryDomain: string;
  readonly internalDomain: string;
  readonly federation: ResolvedFederation;
  readonly mobility: boolean;
  /** Features planned for later (`later:`): on the certificates now, everywhere else once deployed (lib/model/later.ts). */
  readonly later: { readonly federation: ResolvedFederation; readonly mobility: boolean };
  /** `primarySite` as written (checked against the site names by LAB-SITE-01). */
  readonly primarySite?: Sourced<string>;
  readonly sites: readonly ResolvedSite[];
  readonly hybrid?: ResolvedHybrid;
  readonly lab: ScenarioInput["lab"];
}

const SERVICES: readonly EdgeServiceName[] = ["access", "webConferencing", "av"];
const FQDN_PREFIX: Record<EdgeServiceName, string> = { access: "sip", webConferencing: "webcon", av: "av" };

const given = <T>(value: T, path: string): Sourced<T> => ({ value, path, auto: false });
const auto = <T>(value: T, path: string): Sourced<T> => ({ value, path, auto: true });
function pick<T>(value: T | undefined, path: string, fallback: () => T, fallbackPath = path): Sourced<T> {
  return value === undefined ? auto(fallback(), fallbackPath) : given(value, path);
}

/** Per-site default ranges: site k shifts the third octet of Microsoft's example ranges by k (lib/model/defaults.ts). */
function defaultRange(field: DefaultRangeField, siteIndex: number): Cidr {
  return parseCidr(defaultRangeText(field, siteIndex));
}

/** Host offset of Edge service `serviceIndex`, pool slot `slot`. */
export function edgeOffset(serviceIndex: number, slot: number, stride: number): number {
  return 10 + serviceIndex * stride + slot;
}

export function strideFor(slots: number): number {
  return 10 * Math.max(1, Math.ceil(slots / 10));
}

interface EdgeTopology {
  readonly loadBalancing: ResolvedEdge["loadBalancing"];
  readonly hardware: boolean;
  readonly externalAddressing: "nat" | "public";
}

/** Load balancing and external addressing of a site's Edge (the network defaults depend on them too). */
function resolveTopology(site: SiteInput, path: string): EdgeTopology {
  const serverCount = typeof site.edge.servers === "number" ? site.edge.servers : site.edge.servers.length;
  const loadBalancing = resolveLoadBalancing(site, path, serverCount);
  const hardware = loadBalancing.external === "hardware" || loadBalancing.internal === "hardware";
  return { loadBalancing, hardware, externalAddressing: site.edge.externalAddressing ?? (hardware ? "public" : "nat") };
}

function resolveLoadBalancing(site: SiteInput, path: string, serverCount: number): ResolvedEdge["loadBalancing"] {
  const lb = site.edge.loadBalancing;
  const lbPath = `${path}.edge.loadBalancing`;
  if (lb === undefined) {
    const kind: LoadBalancing = serverCount > 1 ? "dns" : "none";
    return { external: kind, internal: kind, path: lbPath, given: false };
  }
  if (typeof lb === "string") return { external: lb, internal: lb, path: lbPath, given: true };
  return { external: lb.external, internal: lb.internal, path: lbPath, given: true };
}

function resolveNetwork(site: SiteInput, index: number, path: string, addressing: "nat" | "public"): ResolvedNetwork {
  const n = site.network;
  const p = `${path}.network`;
  const cidr = (text: string | undefined, field: string, fallback: () => Cidr): Sourced<Cidr> =>
    text === undefined ? auto(fallback(), `${p}.${field}`) : given(parseCidr(text), `${p}.${field}`);
  // Defaults are Microsoft's example ranges for the first site; site k shifts their third octet by k.
  const publicRange = cidr(n.publicRange, "publicRange", () => defaultRange("publicRange", index));
  const perimeterInternal = cidr(n.perimeterInternal, "perimeterInternal", () => defaultRange("perimeterInternal", index));
  const privateExternal = () => defaultRange("perimeterExternal", index);
  const perimeterExternal = cidr(n.perimeterExternal, "perimeterExternal", () => (addressing === "public" ? publicRange.value : privateExternal()));
  const reverseProxyExternal = cidr(n.reverseProxyExternal, "reverseProxyExternal", () =>
    addressing === "public" ? privateExternal() : perimeterExternal.value,
  );
  const internalNetworks = n.internalNetworks
    ? n.internalNetworks.map((text, i) => given(parseCidr(text), `${p}.internalNetworks[${i}]`))
    : [auto(defaultRange("internalNetwork", index), `${p}.internalNetworks`)];
  return { perimeterExternal, perimeterInternal, publicRange, reverseProxyExternal, internalNetworks };
}

function siteLabel(site: ResolvedSiteContext, base: string, firstSite: string): string {
  return site.index === 0 ? firstSite : `${site.name}${base}`;
}

interface ResolvedSiteContext {
  readonly index: number;
  readonly name: string;
}

function resolveEdge(
  site: SiteInput,
  ctx: ResolvedSiteContext,
  path: string,
  network: ResolvedNetwork,
  topology: EdgeTopology,
  primaryDomain: string,
  internalDomain: string,
): ResolvedEdge {
  const e = site.edge;
  const ep = `${path}.edge`;
  const serverInputs = typeof e.servers === "number" ? Array.from({ length: e.servers }, () => undefined) : e.servers;
  const pool = serverInputs.length > 1;
  const { loadBalancing, hardware, externalAddressing } = topology;
  const ipMode = e.ipMode;
  const services = ipMode === "single" ? SERVICES.slice(0, 1) : SERVICES;

  const fqdnSuffix = ctx.index === 0 ? "" : `-${ctx.name}`;
  const accessFqdn = pick(e.fqdns.access, `${ep}.fqdns.access`, () => `sip${fqdnSuffix}.${primaryDomain}`);
  const serviceFqdn = (service: EdgeServiceName): Sourced<string> =>
    service === "access"
      ? accessFqdn
      : pick(e.fqdns[service], `${ep}.fqdns.${service}`, () =>
          ipMode === "single" ? accessFqdn.value : `${FQDN_PREFIX[service]}${fqdnSuffix}.${primaryDomain}`,
        );
  const poolLabel = siteLabel(ctx, "edge", "lsedge");
  const fqdns = {
    access: accessFqdn,
    webConferencing: serviceFqdn("webConferencing"),
    av: serviceFqdn("av"),
    internalPool: pick(e.fqdns.internalPool, `${ep}.fqdns.internalPool`, () => `${poolLabel}.${internalDomain}`),
  };
  // Single-IP mode needs distinct ports (NET-14); Microsoft's planning example is 5061 / 444 / 443.
  const defaultPorts: Record<EdgeServiceName, number> =
    ipMode === "single" ? { access: 5061, webConferencing: 444, av: 443 } : { access: 443, webConferencing: 443, av: 443 };
  const ports = Object.fromEntries(SERVICES.map((s) => [s, pick(e.ports?.[s], `${ep}.ports.${s}`, () => defaultPorts[s])])) as Record<
    EdgeServiceName,
    Sourced<number>
  >;

  const slots = hardware ? serverInputs.length + 1 : serverInputs.length;
  const stride = strideFor(slots);
  const firstServerSlot = hardware ? 1 : 0;
  const serversPath = `${ep}.servers`;
  const hostLabel = fqdns.internalPool.value.split(".")[0];

  const servers = serverInputs.map((input, i): ResolvedEdgeServer => {
    const slot = firstServerSlot + i;
    const sp = typeof e.servers === "number" ? serversPath : `${serversPath}[${i}]`;
    const name = input?.name ?? (pool ? `${hostLabel}${String(i + 1).padStart(2, "0")}` : hostLabel);
    const external = services.map((service, k): ResolvedServiceAddress => {
      const explicit = service === "access" ? input?.external?.access : input?.external?.[service];
      const offset = edgeOffset(k, slot, stride);
      const address = explicit ? given(explicit.address, `${sp}.external.${service}.address`) : auto(hostAt(network.perimeterExternal.value, offset), sp);
      let natPublic: Sourced<string> | undefined;
      if (explicit) {
        natPublic = explicit.natPublic === undefined ? undefined : given(explicit.natPublic, `${sp}.external.${service}.natPublic`);
      } else if (externalAddressing === "nat") {
        natPublic = auto(hostAt(network.publicRange.value, offset), sp);
      }
      return { service, address, natPublic };
    });
    const internal = input?.internal
      ? {
          address: given(input.internal.address, `${sp}.internal.address`),
          natPublic: input.internal.natPublic === undefined ? undefined : given(input.internal.natPublic, `${sp}.internal.natPublic`),
        }
      : { address: auto(hostAt(network.perimeterInternal.value, 10 + slot), sp) };
    return { index: i, name, fqdn: pool || input?.name ? `${name}.${internalDomain}` : fqdns.internalPool.value, internal, external };
  });

  let vips: ResolvedVips | undefined;
  if (hardware) {
    const vp = `${ep}.vips`;
    // External VIPs are load balancer frontends in the Edge external subnet (public addresses, NET-11 / HLB-09).
    const vipAt = (k: number) => hostAt(network.perimeterExternal.value, edgeOffset(k, 0, stride));
    vips = {
      access: pick(e.vips?.access, `${vp}.access`, () => vipAt(0)),
      webConferencing:
        ipMode === "single" && e.vips?.webConferencing === undefined ? undefined : pick(e.vips?.webConferencing, `${vp}.webConferencing`, () => vipAt(1)),
      av: ipMode === "single" && e.vips?.av === undefined ? undefined : pick(e.vips?.av, `${vp}.av`, () => vipAt(2)),
      internal: pick(e.vips?.internal, `${vp}.internal`, () => hostAt(network.perimeterInternal.value, 10)),
    };
  }

  const unusedInSingleIpMode =
    ipMode === "single" && typeof e.servers !== "number"
      ? e.servers.flatMap((input, i) =>
          (["webConferencing", "av"] as const).filter((s) => input.external?.[s]).map((s) => `${serversPath}[${i}].external.${s}`),
        )
      : [];
  return { path: ep, servers, pool, loadBalancing, externalAddressing, ipMode, services, fqdns, ports, vips, unusedInSingleIpMode };
}

function resolveDirector(site: SiteInput, ctx: ResolvedSiteContext, path: string, network: ResolvedNetwork, primaryDomain: string, internalDomain: string) {
  const d = site.director;
  if (!d) return undefined;
  const dp = `${path}.director`;
  const inputs = typeof d.servers === "number" ? Array.from({ length: d.servers }, () => undefined) : d.servers;
  const pool = inputs.length > 1;
  const internal0 = network.internalNetworks[0].value;
  const servers = inputs.map((input, i) => {
    const name = input?.name ?? `${siteLabel(ctx, "dir", "dir")}${String(i + 1).padStart(2, "0")}`;
    const sp = typeof d.servers === "number" ? `${dp}.servers` : `${dp}.servers[${i}]`;
    return {
      name,
      fqdn: `${name}.${internalDomain}`,
      address: pick(input?.address, `${sp}.address`, () => hostAt(internal0, 30 + (pool ? i + 1 : 0)), sp),
    };
  });
  const fqdnSuffix = ctx.index === 0 ? "" : `-${ctx.name}`;
  return {
    path: dp,
    pool,
    loadBalancing: d.loadBalancing ?? (pool ? "dns-hlb" : "none"),
    servers,
    poolFqdn: pick(d.poolFqdn, `${dp}.poolFqdn`, () => (pool ? `${siteLabel(ctx, "dirpool", "dirpool01")}.${internalDomain}` : servers[0].fqdn)),
    vip: pool ? pick(d.vip, `${dp}.vip`, () => hostAt(internal0, 30)) : undefined,
    externalWebFqdn: pick(d.externalWebFqdn, `${dp}.externalWebFqdn`, () => `webdirext${fqdnSuffix}.${primaryDomain}`),
  } satisfies ResolvedDirector;
}

function resolveReverseProxy(
  site: SiteInput,
  ctx: ResolvedSiteContext,
  path: string,
  network: ResolvedNetwork,
  edge: ResolvedEdge,
  primary: boolean,
  sipDomains: readonly string[],
  primaryDomain: string,
  internalDomain: string,
): ResolvedReverseProxy {
  const r = site.reverseProxy;
  const rp = `${path}.reverseProxy`;
  const stride = strideFor(edge.vips ? edge.servers.length + 1 : edge.servers.length);
  const offset = edgeOffset(3, 0, stride); // the block after the three Edge service blocks: .40 for small pools
  const name = r.name ?? siteLabel(ctx, "rp01", "rp01");
  const meetPath = `${rp}.simpleUrls.meet`;
  // Simple URLs are organisation-wide (DNS-09): the primary site publishes them. Values given on another site are
  // kept so that the DNS-09 check can report them.
  const meet = r.simpleUrls.meet
    ? r.simpleUrls.meet.map((m, i) => given(m, `${meetPath}[${i}]`))
    : primary
      ? sipDomains.map((d) => auto(`meet.${d}`, meetPath))
      : [];
  const dialinPath = `${rp}.simpleUrls.dialin`;
  const dialin = r.simpleUrls.dialin !== undefined ? given(r.simpleUrls.dialin, dialinPath) : primary ? auto(`dialin.${primaryDomain}`, dialinPath) : undefined;
  const owa = r.officeWebApps;
  const owaPath = `${rp}.officeWebApps`;
  const officeWebApps =
    owa === false
      ? undefined
      : {
          // One name per site (each site's reverse proxy publishes its own server): one external A record each.
          fqdn: pick(owa === true ? undefined : owa.fqdn, `${owaPath}.fqdn`, () => `${siteLabel(ctx, "officewebapps01", "officewebapps01")}.${primaryDomain}`),
          address: pick(owa === true ? undefined : owa.address, `${owaPath}.address`, () => hostAt(network.internalNetworks[0].value, 25)),
        };
  return {
    path: rp,
    name,
    fqdn: `${name}.${internalDomain}`,
    externalAddress: pick(r.externalAddress, `${rp}.externalAddress`, () => hostAt(network.reverseProxyExternal.value, offset)),
    publicAddress: pick(r.publicAddress, `${rp}.publicAddress`, () => hostAt(network.publicRange.value, offset)),
    internalAddress: pick(r.internalAddress, `${rp}.internalAddress`, () => hostAt(network.perimeterInternal.value, offset)),
    meet,
    dialin,
    officeWebApps,
    autodiscover: r.autodiscover,
  };
}

/** The derived flags of a federation (which ports, records and settings it needs). */
export function federationOf(parts: Omit<ResolvedFederation, "sipPartners" | "sipFederation" | "any">): ResolvedFederation {
  const sipPartners = parts.sip.enabled || parts.publicIm.length > 0;
  return { ...parts, sipPartners, sipFederation: sipPartners || parts.push, any: sipPartners || parts.xmpp.enabled || parts.push };
}

/** `federation` and `mobility` (deployed, at the top level) or `later.federation` and `later.mobility`. */
function resolveFederation(
  f: ScenarioInput["federation"],
  mobility: ScenarioInput["mobility"],
  sipDomains: readonly string[],
  prefix: string,
): ResolvedFederation {
  const push = mobility === true || (typeof mobility === "object" && mobility.push);
  const sip = typeof f.sip === "boolean" ? { enabled: f.sip, partnerDiscovery: true, allowedDomains: [], blockedDomains: [] as string[] } : f.sip;
  const xmppInput = typeof f.xmpp === "boolean" ? { enabled: f.xmpp, partners: [] as string[], domains: undefined } : f.xmpp;
  const xmppPath = `${prefix}federation.xmpp`;
  const xmppDomains = xmppInput.domains ? xmppInput.domains.map((d, i) => given(d, `${xmppPath}.domains[${i}]`)) : sipDomains.map((d) => auto(d, "sipDomains"));
  return federationOf({
    sip: {
      enabled: sip.enabled,
      partnerDiscovery: sip.partnerDiscovery,
      allowedDomains: sip.allowedDomains.map((d) => (typeof d === "string" ? { domain: d } : d)),
      blockedDomains: [...new Set(sip.blockedDomains)],
    },
    publicIm: [...new Set(f.publicIm)],
    xmpp: { enabled: xmppInput.enabled, partners: xmppInput.partners, domains: xmppInput.enabled ? xmppDomains : [], path: xmppPath },
    ocs2007Partners: f.ocs2007Partners,
    push,
  });
}

export function resolveScenario(input: ScenarioInput): ResolvedScenario {
  const sipDomains = input.sipDomains.map((d, i) => given(d, `sipDomains[${i}]`));
  const primaryDomain = input.sipDomains[0];
  const internalDomain = input.internalDomain ?? primaryDomain;
  const federation = resolveFederation(input.federation, input.mobility, input.sipDomains, "");
  const later = {
    federation: resolveFederation(input.later.federation, input.later.mobility, input.sipDomains, "later."),
    mobility: input.later.mobility !== false,
  };
  const singleSite = input.sites.length === 1;
  // Remote sign-in, simple URLs and autodiscover live on `primarySite` (default: the first site), never implicitly
  // on the federation route: the route decides only federation (FED-01).
  const namedPrimary = input.primarySite === undefined ? -1 : input.sites.findIndex((s) => s.name === input.primarySite);
  const primaryIndex = namedPrimary >= 0 ? namedPrimary : 0;

  const sites = input.sites.map((site, index): ResolvedSite => {
    const path = `sites[${index}]`;
    const ctx = { index, name: site.name };
    const topology = resolveTopology(site, path);
    const network = resolveNetwork(site, index, path, topology.externalAddressing);
    const edge = resolveEdge(site, ctx, path, network, topology, primaryDomain, internalDomain);
    const fe = site.frontEndPool;
    const fp = `${path}.frontEndPool`;
    const fqdnSuffix = index === 0 ? "" : `-${site.name}`;
    const feFqdn = pick(fe.fqdn, `${fp}.fqdn`, () => `${siteLabel(ctx, "pool01", "pool01")}.${internalDomain}`);
    const frontEnd: ResolvedFrontEnd = {
      fqdn: feFqdn,
      address: pick(fe.address, `${fp}.address`, () => hostAt(network.internalNetworks[0].value, 20)),
      internalWebFqdn: pick(fe.internalWebFqdn, `${fp}.internalWebFqdn`, () => feFqdn.value),
      externalWebFqdn: pick(fe.externalWebFqdn, `${fp}.externalWebFqdn`, () => `webext${fqdnSuffix}.${primaryDomain}`),
    };
    const primary = index === primaryIndex;
    return {
      index,
      name: site.name,
      path,
      region: site.region ?? input.lab.region,
      // Federation planned for later needs its route now: the certificate names are planned on it.
      federationRoute: site.federationRoute ?? (singleSite && (federation.any || later.federation.any)),
      federationRouteGiven: site.federationRoute !== undefined,
      primary,
      edge,
      network,
      frontEnd,
      director: resolveDirector(site, ctx, path, network, primaryDomain, internalDomain),
      reverseProxy: resolveReverseProxy(site, ctx, path, network, edge, primary, input.sipDomains, primaryDomain, internalDomain),
    };
  });

  return {
    id: input.id,
    title: input.title ?? input.id,
    description: input.description,
    product: input.product,
    sipDomains,
    primaryDomain,
    internalDomain,
    federation,
    mobility: input.mobility !== false,
    later,
    ...(input.primarySite === undefined ? {} : { primarySite: given(input.primarySite, "primarySite") }),
    sites,
    ...(input.hybrid
      ? {
          hybrid: {
            path: "hybrid",
            tenantDomains: input.hybrid.tenantDomains.map((d, i) => given(d, `hybrid.tenantDomains[${i}]`)),
            phase: input.hybrid.phase,
            voice: input.hybrid.voice,
            ...(input.hybrid.online ? { online: input.hybrid.online } : {}),
          },
        }
      : {}),
    lab: input.lab,
  };
}
