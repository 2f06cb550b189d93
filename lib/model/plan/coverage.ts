/**
 * Which firewall rows another row already allows, and which rows no firewall of the site sees, from the rows' match
 * sets alone (pure; the worksheets and `edge-lab emulate --mutate` use it).
 *
 * A row's match set: its site's firewall, its direction, its transport, its destination port range, its source port
 * range (absent: any port), its source and destination addresses. Row A is covered by row B when every packet A
 * allows, B allows too: same site, firewall, direction and transport; A's ports within B's; each of A's source and
 * destination addresses inside one of B's ("Internet", any address, holds every address; a prefix holds the
 * addresses and longer prefixes inside it). Removing A then changes nothing the firewall lets through, as long as B
 * stays as broad as the plan writes it.
 *
 * Directions: on the external firewall a row's direction is the firewall's (inbound from the Internet, outbound to
 * it), and the appliance writes inbound and outbound rules differently, so only rows of the same direction cover each
 * other. On the internal firewall the direction is relative to the server whose table holds the row (the Edge's
 * "outbound 5061 to the internal networks" is the Director's "inbound 5061 from the Edge"): the source and
 * destination addresses say which way the packets go, and the direction label is not compared.
 */
import ipaddr from "ipaddr.js";
import { Peer, peersOf } from "../peer";
import { cidrWithin, isIpv4, parseCidr } from "../net";
import type { FirewallRule, PlanSite } from "./types";

/**
 * An address or prefix as [address, prefix length], parsed as the family the peer already knows (ipaddr.js's
 * family-blind parse tries IPv6 first and throws for every IPv4 text: most of the cost of comparing the rows).
 */
function prefixOf(peer: Peer): [ipaddr.IPv4 | ipaddr.IPv6, number] {
  const family = peer.isIpv6 ? ipaddr.IPv6 : ipaddr.IPv4;
  if (peer.text.includes("/")) return family.parseCIDR(peer.text);
  return [family.parse(peer.text), peer.isIpv6 ? 128 : 32];
}

/** True when every address `inner` stands for is one `outer` stands for. */
export function peerWithin(inner: Peer, outer: Peer): boolean {
  if (outer.isInternet) return true;
  if (inner.isInternet) return false;
  const [a, aLength] = prefixOf(inner);
  const [b, bLength] = prefixOf(outer);
  if (a.kind() !== b.kind() || aLength < bLength) return false;
  return a.kind() === "ipv4" ? (a as ipaddr.IPv4).match(b as ipaddr.IPv4, bLength) : (a as ipaddr.IPv6).match(b as ipaddr.IPv6, bLength);
}

/** True when each of the addresses of `inner` lies inside one of the addresses of `outer`. */
export function addressesWithin(inner: { readonly addresses: readonly string[] }, outer: { readonly addresses: readonly string[] }): boolean {
  const broad = peersOf(outer);
  return peersOf(inner).every((p) => broad.some((q) => peerWithin(p, q)));
}

/** True when every packet `row` allows, `broader` allows too (see the file comment); a row covers itself. */
export function covers(broader: FirewallRule, row: FirewallRule): boolean {
  return (
    broader.site === row.site &&
    broader.firewall === row.firewall &&
    (broader.direction === row.direction || row.firewall === "internal") &&
    broader.ports.contains(row.ports) &&
    (!broader.sourcePorts || (row.sourcePorts !== undefined && broader.sourcePorts.contains(row.sourcePorts))) &&
    addressesWithin(row.source, broader.source) &&
    addressesWithin(row.destination, broader.destination)
  );
}

/**
 * The first other row of `rules` that covers `row` (undefined when none does). Rows with the same match set cover
 * each other: removing either alone changes nothing, removing both does.
 */
export function coveringRule(row: FirewallRule, rules: readonly FirewallRule[]): FirewallRule | undefined {
  return rules.find((r) => r.id !== row.id && covers(r, row));
}

/** The plan's rows that another row of the plan covers, each with the first row that covers it (plan order). */
export function coveredRows(rules: readonly FirewallRule[]): { readonly row: FirewallRule; readonly by: FirewallRule }[] {
  return rules.flatMap((row) => {
    const by = coveringRule(row, rules);
    return by ? [{ row, by }] : [];
  });
}

/** An address or prefix inside a network (IPv4 only: the site's networks are IPv4). */
const inNetwork = (address: string, network: string): boolean => {
  const peer = Peer.fromPlanAddress(address);
  if (peer.isInternet || peer.isIpv6) return false;
  return cidrWithin(parseCidr(peer.text.includes("/") ? peer.text : `${peer.text}/32`), parseCidr(network));
};

/**
 * Why an internal-firewall row of the site crosses no firewall: its source and destination addresses all lie on the
 * site's internal networks and none on a perimeter subnet, so its packets stay behind the internal firewall (which
 * stands between the perimeter internal subnet and the internal networks). Undefined for a row that does cross one.
 */
export function staysInternal(row: FirewallRule, site: PlanSite): string | undefined {
  if (row.firewall !== "internal") return undefined;
  const n = site.networks;
  const perimeter = [n.perimeterExternal, n.perimeterInternal, n.reverseProxyExternal].filter((p) => isIpv4(p.split("/")[0]));
  const addresses = [...row.source.addresses, ...row.destination.addresses];
  const inside = (a: string) => n.internalNetworks.some((net) => inNetwork(a, net)) && !perimeter.some((p) => overlaps(a, p));
  if (!addresses.length || !addresses.every(inside)) return undefined;
  const list = (xs: readonly string[]) => xs.join(", ");
  return `${row.source.label} (${list(row.source.addresses)}) and ${row.destination.label} (${list(row.destination.addresses)}) are both on the internal networks (${list(n.internalNetworks)}): the internal firewall stands between the perimeter internal subnet ${n.perimeterInternal} and those networks, so these packets never reach it`;
}

/** True when an address or prefix and a network share an address. */
function overlaps(address: string, network: string): boolean {
  const peer = Peer.fromPlanAddress(address);
  if (peer.isInternet || peer.isIpv6) return false;
  const a = parseCidr(peer.text.includes("/") ? peer.text : `${peer.text}/32`);
  const b = parseCidr(network);
  return cidrWithin(a, b) || cidrWithin(b, a);
}
