/**
 * What the emulation does not build: IPv6. The lab is IPv4 only, so the rows a named service on the Internet reaches
 * through its IPv6 prefixes (Microsoft 365's 2603:1027::/48 ...) are reported as "not emulated", neither passed nor
 * failed, so that the summary never counts them as proven. Their IPv4 prefixes are probed against the Microsoft 365
 * stand-in on the simulated Internet (world.ts).
 */
import { Peer } from "../model/peer";
import type { Probe } from "../model/probes";

const isIpv6 = (address: string) => Peer.fromPlanAddress(address).isIpv6;

/** The IPv4 prefixes of a named far end (Microsoft 365), in plan order. */
export const ipv4Prefixes = (prefixes: readonly string[]) => prefixes.filter((p) => !isIpv6(p));

/** Why a probe is not run, or undefined when the emulation runs it. */
export function notEmulated(p: Probe): string | undefined {
  if (p.from.kind === "remote" && ipv4Prefixes(p.from.prefixes).length === 0) return "not emulated: IPv6 prefixes only (the lab is IPv4)";
  if (p.kind === "port" && p.remote && p.address.includes("/") && isIpv6(p.address)) return `not emulated: IPv6 prefix ${p.address} (the lab is IPv4)`;
  return undefined;
}
