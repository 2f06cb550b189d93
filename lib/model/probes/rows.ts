/**
 * What every probe kind reads of the plan's rows: where a row's traffic starts (origins), the addresses it reaches
 * (targets), public addresses behind NAT, the servers answering at an address.
 */
import { answersStun, carriesTls } from "../application";
import type { FirewallRule, Plan, PlanServer } from "../plan";
import { cidrContains, cidrsOverlap, parseCidr } from "../net";
import { includesInternet, Peer, peersOf } from "../peer";
import type { ProbeFrom } from "./types";

/** The plan and its servers indexed by address, built once per probe list. */
export interface ProbeContext {
  readonly plan: Plan;
  readonly servers: ReadonlyMap<string, PlanServer>;
}

export function probeContext(plan: Plan): ProbeContext {
  const servers = new Map<string, PlanServer>();
  for (const s of plan.servers) for (const nic of s.interfaces) for (const a of nic.addresses) servers.set(a.ip, s);
  return { plan, servers };
}

/** The target of an outbound row: any Internet address (the emulator's federated partner). */
export const ANY_INTERNET = Peer.internet().toString();
export const STUN_PORT = 3478;

const isPrefix = (a: string) => a.includes("/");

/** The servers that answer at an address: the server holding it, or the members of the VIP. */
export function answerers({ plan, servers }: ProbeContext, ip: string): PlanServer[] {
  const own = servers.get(ip);
  if (own) return [own];
  const vip = plan.vips.find((v) => v.ip === ip);
  return vip ? vip.members.map((m) => plan.servers.find((s) => s.id === m.server)!).filter(Boolean) : [];
}

/** Public address of a plan address (NAT), or the address itself. */
export function publicOf(plan: Plan, ip: string): string {
  for (const s of plan.servers) for (const nic of s.interfaces) for (const a of nic.addresses) if (a.ip === ip && a.natPublic) return a.natPublic;
  return ip;
}

export const fromInternet = (r: FirewallRule) => includesInternet(r.source);
export const toInternet = (r: FirewallRule) => includesInternet(r.destination);

/** Prefixes of a named far end outside the lab (Microsoft 365): not the Internet marker, not the site's internal networks. */
export function remotePrefixes(plan: Plan, r: FirewallRule, end: FirewallRule["source"]): string[] {
  if (includesInternet(end)) return [];
  const site = plan.scenario.sites.find((s) => s.name === r.site)!;
  const internal = site.networks.internalNetworks.map(parseCidr);
  const peers = peersOf(end).filter((p) => p.text.includes("/"));
  const outside = peers.filter((p) => p.isIpv6 || !internal.some((n) => cidrsOverlap(n, parseCidr(p.text))));
  return outside.length && outside.length === end.addresses.length ? outside.map((p) => p.text) : [];
}

/** The row's traffic comes from outside the lab: the Internet or a named service on it (Microsoft 365). */
export const fromOutside = (plan: Plan, r: FirewallRule) => fromInternet(r) || remotePrefixes(plan, r, r.source).length > 0;

/** Origins of a row: Internet, each lab server address of the source, or the internal network. */
export function originsOf({ plan, servers }: ProbeContext, r: FirewallRule): ProbeFrom[] {
  if (fromInternet(r)) return [{ kind: "internet" }];
  const remote = remotePrefixes(plan, r, r.source);
  if (remote.length) return [{ kind: "remote", prefixes: remote }];
  const own = r.source.addresses
    .filter((a) => !isPrefix(a))
    .flatMap((a) => {
      const s = servers.get(a);
      if (s) return [{ kind: "server" as const, server: s.id, ip: a }];
      // A VIP as source: the traffic leaves a member and the load balancer gives it the VIP (HLB-05).
      const vip = plan.vips.find((v) => v.ip === a);
      return vip ? [{ kind: "server" as const, server: vip.members[0].server, ip: vip.members[0].ip }] : [];
    });
  if (own.length > 0 && own.length === r.source.addresses.length) return own;
  return [{ kind: "internal" }];
}

/**
 * Target addresses of a row as its origin reaches them: public addresses from the Internet or a named service on it
 * (Microsoft 365), the next hop for a prefix.
 */
export function targetsOf(plan: Plan, r: FirewallRule): string[] {
  if (toInternet(r)) return [ANY_INTERNET];
  const addresses = fromOutside(plan, r) && r.destination.publicAddresses?.length ? r.destination.publicAddresses : r.destination.addresses;
  return [
    ...new Set(
      addresses.flatMap((a) => {
        if (!isPrefix(a)) return [a];
        // A prefix (internal networks): the site's next hop inside it stands for the network.
        const site = plan.scenario.sites.find((s) => s.name === r.site)!;
        const inside = Peer.fromPlanAddress(a).isIpv6 ? [] : site.nextHop.addresses.filter((ip) => cidrContains(parseCidr(a), ip));
        return inside.length ? inside : [a];
      }),
    ),
  ];
}

/** The plan address behind a target address (the private address behind a public one). */
export const planAddressOf = (r: FirewallRule, address: string) => r.destination.addresses[r.destination.publicAddresses?.indexOf(address) ?? -1] ?? address;

/** TLS from the first byte (SIP, HTTPS, PSOM, XMPP gateway, CLS), by the row's application. */
export const isTls = (r: FirewallRule) => carriesTls(r.application);
/** STUN or MS-TURN: a STUN Binding request is answered. */
export const isTurn = (r: FirewallRule) => answersStun(r.application);

export function fromText(f: ProbeFrom): string {
  return f.kind === "internet" ? "Internet" : f.kind === "internal" ? "internal network" : f.kind === "remote" ? f.prefixes[0] : f.ip;
}
