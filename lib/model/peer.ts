/**
 * `Peer`: the far end of a firewall row as a value object, in the spirit of aws-ec2's `Peer`. A plan endpoint lists
 * addresses and prefixes, and one marker for "any Internet address"; `Peer.fromPlanAddress` is the one place that
 * reads that marker, so renderers ask `peer.isInternet` (and choose their own meaning: Azure's `Internet` service
 * tag, the closed lab's simulated Internet, the external test client) instead of comparing strings.
 */
import { isIpv4, parseCidr } from "./net";

/** How the plan writes "any Internet address" in a firewall endpoint (`FirewallEndpoint.addresses`). */
export const PLAN_INTERNET = "Internet";

export class Peer {
  private static readonly INTERNET = new Peer("internet", PLAN_INTERNET);

  /** Any address on the Internet (Microsoft's "Any" in the external port tables). */
  static internet(): Peer {
    return Peer.INTERNET;
  }

  /** One IPv4 address ("10.45.16.10") or prefix ("192.168.10.0/24"). Throws on anything else. */
  static ipv4(addressOrCidr: string): Peer {
    if (addressOrCidr.includes("/")) parseCidr(addressOrCidr);
    else if (!isIpv4(addressOrCidr)) throw new Error(`edge-lab: "${addressOrCidr}" is not an IPv4 address or CIDR block`);
    return new Peer("ipv4", addressOrCidr);
  }

  /**
   * A plan endpoint address: the Internet marker, or an address or prefix the model has already validated (IPv4; IPv6
   * only in Microsoft 365's ranges on hybrid rows, which the IPv4 lab leaves out).
   */
  static fromPlanAddress(text: string): Peer {
    return text === PLAN_INTERNET ? Peer.INTERNET : new Peer(text.includes(":") ? "ipv6" : "ipv4", text);
  }

  private constructor(
    readonly kind: "internet" | "ipv4" | "ipv6",
    /** The address or prefix; for the Internet, the plan's marker. */
    readonly text: string,
  ) {}

  get isInternet(): boolean {
    return this.kind === "internet";
  }

  /** An IPv6 prefix (Microsoft 365's ranges): kept in the plan and worksheets, left out of the IPv4 lab. */
  get isIpv6(): boolean {
    return this.kind === "ipv6";
  }

  toString(): string {
    return this.isInternet ? "any Internet address" : this.text;
  }
}

/** The peers of a plan endpoint (anything with the plan's `addresses` list). */
export function peersOf(endpoint: { readonly addresses: readonly string[] }): Peer[] {
  return endpoint.addresses.map(Peer.fromPlanAddress);
}

/** True when a plan endpoint includes any Internet address. */
export function includesInternet(endpoint: { readonly addresses: readonly string[] }): boolean {
  return endpoint.addresses.some((a) => Peer.fromPlanAddress(a).isInternet);
}

/** True when a plan endpoint is exactly "any Internet address". */
export function isInternetOnly(endpoint: { readonly addresses: readonly string[] }): boolean {
  return endpoint.addresses.length > 0 && endpoint.addresses.every((a) => Peer.fromPlanAddress(a).isInternet);
}
