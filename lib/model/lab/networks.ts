/**
 * Address ranges Azure refuses in a virtual network's address space or subnets (Azure Virtual Network FAQ, "What
 * address ranges can I use in my VNets?"), plus the other ranges that can never be a routed IPv4 network (RFC 6890:
 * "this network" 0.0.0.0/8 and the reserved 240.0.0.0/4). Every network field of a scenario becomes a VNet address
 * space or subnet in the lab, so each is checked against this list (LAB-NET-03).
 */
import { cidrsOverlap, parseCidr, type Cidr } from "../net";

export const FORBIDDEN_VNET_RANGES: readonly { readonly cidr: string; readonly what: string }[] = [
  { cidr: "0.0.0.0/8", what: '"this network" (RFC 6890)' },
  { cidr: "127.0.0.0/8", what: "loopback" },
  { cidr: "169.254.0.0/16", what: "link-local" },
  { cidr: "168.63.129.16/32", what: "Azure's platform address (DNS, DHCP, health probes)" },
  { cidr: "224.0.0.0/4", what: "multicast" },
  { cidr: "240.0.0.0/4", what: "reserved (RFC 1112), including the broadcast address 255.255.255.255/32" },
];

const PARSED = FORBIDDEN_VNET_RANGES.map((r) => ({ ...r, parsed: parseCidr(r.cidr) }));

/** Why Azure refuses `cidr` in a VNet, or undefined. */
export function forbiddenRangeProblem(cidr: Cidr): string | undefined {
  const hit = PARSED.find((r) => cidrsOverlap(r.parsed, cidr));
  return hit ? `"${cidr.text}" overlaps ${hit.cidr} (${hit.what}), which Azure does not allow in a virtual network` : undefined;
}
