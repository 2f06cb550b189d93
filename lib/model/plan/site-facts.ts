/** Facts about one site that several parts of the plan need (addresses per Edge service, next hop, ids). */
import { compareIps } from "../net";
import type { EdgeEndpoint, EdgeServiceName } from "../ports";
import type { ResolvedEdgeServer, ResolvedSite } from "../resolve";
import { inDomain } from "../rules/names";

export const edgeServerId = (site: ResolvedSite, server: ResolvedEdgeServer) => `${site.name}-edge-${String(server.index + 1).padStart(2, "0")}`;
export const reverseProxyId = (site: ResolvedSite) => `${site.name}-rp-01`;
export const directorId = (site: ResolvedSite, index: number) => `${site.name}-dir-${String(index + 1).padStart(2, "0")}`;

export const byIp = (a: string, b: string) => compareIps(a, b);

/** In single-IP mode every service lives on the Access address. */
export function serviceSlot(site: ResolvedSite, endpoint: EdgeServiceName): EdgeServiceName {
  return site.edge.ipMode === "single" ? "access" : endpoint;
}

export function isHardware(site: ResolvedSite): boolean {
  return site.edge.loadBalancing.external === "hardware";
}

/** Per-node addresses of an Edge endpoint: what the NICs hold and what the Internet sees. */
export function nodeAddresses(site: ResolvedSite, endpoint: EdgeEndpoint): { ips: string[]; publicIps: string[] } {
  if (endpoint === "internal") return { ips: site.edge.servers.map((s) => s.internal.address.value), publicIps: [] };
  const slot = serviceSlot(site, endpoint);
  const ext = site.edge.servers.map((s) => s.external.find((e) => e.service === slot)!);
  return { ips: ext.map((e) => e.address.value), publicIps: ext.map((e) => e.natPublic?.value ?? e.address.value) };
}

/** The VIP of an endpoint on a hardware-load-balanced pool. */
export function vipOf(site: ResolvedSite, endpoint: EdgeEndpoint): string | undefined {
  const vips = site.edge.vips;
  if (!vips) return undefined;
  return endpoint === "internal" ? vips.internal.value : vips[serviceSlot(site, endpoint)]?.value;
}

/** What DNS publishes for an Edge service FQDN: the VIP (HLB, LB-07) or every member's public address (LB-06). */
export function publishedValues(site: ResolvedSite, endpoint: EdgeEndpoint): string[] {
  const vip = vipOf(site, endpoint);
  if (vip) return [vip];
  const { ips, publicIps } = nodeAddresses(site, endpoint);
  return [...new Set(endpoint === "internal" ? ips : publicIps)].sort(byIp);
}

/** The Edge next hop (NET-15): the Director pool if deployed, else the Front End pool. */
export function nextHop(site: ResolvedSite): { kind: "director" | "front-end-pool"; fqdn: string; addresses: string[]; webAddress: string } {
  const d = site.director;
  if (d) {
    const members = d.servers.map((s) => s.address.value);
    const webAddress = d.vip?.value ?? members[0];
    // An HLB-only Director pool is reached at its VIP; a DNS-load-balanced one at every member (DIR-01).
    const addresses = d.loadBalancing === "hlb" ? [webAddress] : members;
    return { kind: "director", fqdn: d.poolFqdn.value, addresses, webAddress };
  }
  return { kind: "front-end-pool", fqdn: site.frontEnd.fqdn.value, addresses: [site.frontEnd.address.value], webAddress: site.frontEnd.address.value };
}

/** Microsoft scenario number (1-5) of a site's Edge. */
export function microsoftScenario(site: ResolvedSite): 1 | 2 | 3 | 4 | 5 {
  if (isHardware(site)) return 5;
  const nat = site.edge.externalAddressing === "nat";
  if (!site.edge.pool) return nat ? 1 : 2;
  return nat ? 3 : 4;
}

/**
 * The name of a site's Access Edge inside SIP domain `domain`: SRV records must point into their own domain (DNS-04),
 * so every other SIP domain gets an A record of its own. The primary site uses Microsoft's `sip.<domain>`; a federation
 * route on another site uses the first label of its own Access Edge FQDN (`sip-dr.<domain>`), so the two never clash.
 */
export function accessNameIn(site: ResolvedSite, domain: string): string {
  const access = site.edge.fqdns.access.value;
  if (inDomain(access, domain)) return access;
  if (site.primary) return `sip.${domain}`;
  const label = access.split(".")[0];
  return `${label === "sip" ? `sip-${site.name}` : label}.${domain}`;
}
