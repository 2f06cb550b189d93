/**
 * IPv4 address and CIDR arithmetic for the address plan.
 *
 * Parsing and validation come from ipaddr.js (strict dotted-quad, no "010.1" surprises); the arithmetic is
 * done on unsigned 32-bit integers so that host offsets ("the 10th address of the subnet") stay exact.
 * IPv6 is out of scope: Microsoft's five scenarios are all IPv4 (NET-12 lists IPv6 as optional).
 */
import ipaddr from "ipaddr.js";

export interface Cidr {
  /** Network address as an unsigned 32-bit integer. */
  readonly network: number;
  readonly prefix: number;
  /** Canonical text, e.g. "10.45.16.0/24". */
  readonly text: string;
}

export function isIpv4(text: string): boolean {
  return ipaddr.IPv4.isValidFourPartDecimal(text);
}

export function ipToInt(ip: string): number {
  const bytes = ipaddr.IPv4.parse(ip).toByteArray();
  return ((bytes[0] << 24) | (bytes[1] << 16) | (bytes[2] << 8) | bytes[3]) >>> 0;
}

export function intToIp(value: number): string {
  const v = value >>> 0;
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join(".");
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parsed blocks by text: a synth of the bundled scenarios asks for the same few dozen blocks about 1,900 times. */
const parsedCidrs = new Map<string, Cidr>();

/** Parses "a.b.c.d/n". Throws when the text is not a CIDR block or has host bits set. */
export function parseCidr(text: string): Cidr {
  const known = parsedCidrs.get(text);
  if (known) return known;
  const slash = text.indexOf("/");
  if (slash < 0 || !isIpv4(text.slice(0, slash)) || !/^\d{1,2}$/.test(text.slice(slash + 1))) {
    throw new Error(`"${text}" is not an IPv4 CIDR block such as 10.45.16.0/24`);
  }
  const prefix = Number(text.slice(slash + 1));
  if (prefix > 32) throw new Error(`"${text}": prefix length must be 0-32`);
  const address = ipToInt(text.slice(0, slash));
  const network = (address & mask(prefix)) >>> 0;
  if (network !== address) {
    throw new Error(`"${text}" has host bits set; did you mean ${intToIp(network)}/${prefix}?`);
  }
  const cidr: Cidr = Object.freeze({ network, prefix, text: `${intToIp(network)}/${prefix}` });
  parsedCidrs.set(text, cidr);
  return cidr;
}

export function cidrSize(cidr: Cidr): number {
  return 2 ** (32 - cidr.prefix);
}

export function cidrContains(cidr: Cidr, ip: string): boolean {
  return (ipToInt(ip) & mask(cidr.prefix)) >>> 0 === cidr.network;
}

/** True when `inner` lies entirely inside `outer`. */
export function cidrWithin(inner: Cidr, outer: Cidr): boolean {
  return inner.prefix >= outer.prefix && (inner.network & mask(outer.prefix)) >>> 0 === outer.network;
}

export function cidrsOverlap(a: Cidr, b: Cidr): boolean {
  return cidrWithin(a, b) || cidrWithin(b, a);
}

/** The address `offset` places after the network address (offset 1 = ".1" in a /24). */
export function hostAt(cidr: Cidr, offset: number): string {
  return intToIp(cidr.network + offset);
}

/** Offset of `ip` from the network address of `cidr` (undefined when outside). */
export function offsetIn(cidr: Cidr, ip: string): number | undefined {
  return cidrContains(cidr, ip) ? ipToInt(ip) - cidr.network : undefined;
}

/**
 * Azure reserves five addresses in every subnet: the network address, .1 (default gateway), .2 and .3 (Azure
 * DNS mapping) and the broadcast address (azure-lab.md, "Azure facts"). A lab NIC may not use them.
 */
export function isAzureReserved(cidr: Cidr, ip: string): boolean {
  const offset = offsetIn(cidr, ip);
  if (offset === undefined) return false;
  return offset <= 3 || offset === cidrSize(cidr) - 1;
}

/** The default gateway Azure gives a subnet (and Microsoft's examples use): the first host, ".1". */
export function gatewayOf(cidr: Cidr): string {
  return hostAt(cidr, 1);
}

/** Sorts dotted-quad addresses numerically (for deterministic output). */
export function compareIps(a: string, b: string): number {
  return ipToInt(a) - ipToInt(b);
}
