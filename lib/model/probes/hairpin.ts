/**
 * Hairpin (NAT reflection) probes: the members of a DNS load-balanced NAT pool reach each other's public A/V address
 * through the external firewall, and are seen from their own public A/V address. Microsoft's Edge environmental
 * requirements: "Your Edge Servers need to be able to communicate with one another from their public A/V Edge IP
 * addresses"; the NAT stays symmetric (NAT-02) and the source is the public address (NAT-04).
 */
import type { Plan, PlanServer } from "../plan";
import { fromInternet, isTurn, STUN_PORT } from "./rows";
import type { PortProbe } from "./types";

interface AvAddress {
  readonly server: PlanServer;
  readonly ip: string;
  readonly publicIp: string;
}

export function hairpinProbes(plan: Plan): PortProbe[] {
  return plan.scenario.sites.flatMap((site) => hairpinProbesOfSite(plan, site.name));
}

/** The NATed A/V addresses of a site's Edge Servers. */
function natAvAddresses(plan: Plan, site: string): AvAddress[] {
  return plan.servers
    .filter((s) => s.site === site && s.role === "edge")
    .flatMap((s) =>
      s.interfaces
        .filter((i) => i.side === "external")
        .flatMap((i) => i.addresses.filter((a) => a.role === "av" && a.natPublic).map((a) => ({ server: s, ip: a.ip, publicIp: a.natPublic! }))),
    );
}

function hairpinProbesOfSite(plan: Plan, site: string): PortProbe[] {
  const av = natAvAddresses(plan, site);
  if (av.length < 2) return [];
  const stunRow = plan.firewallRules.find(
    (r) =>
      r.site === site &&
      r.direction === "inbound" &&
      fromInternet(r) &&
      isTurn(r) &&
      r.transport === "UDP" &&
      r.ports.covers(STUN_PORT) &&
      av.every((a) => r.destination.addresses.includes(a.ip)),
  );
  if (!stunRow) return [];
  return av.flatMap((from) =>
    av
      .filter((x) => x !== from)
      .map((to): PortProbe => ({
        kind: "port",
        id: `${site}/hairpin/${from.ip}->${to.publicIp}:${STUN_PORT}/UDP`,
        site,
        from: { kind: "server", server: from.server.id, ip: from.ip },
        rule: stunRow,
        transport: "UDP",
        address: to.publicIp,
        port: STUN_PORT,
        toInternet: false,
        expectSource: from.publicIp,
        stun: true,
        remote: false,
        hairpin: true,
        what: `hairpin: ${from.server.fqdn} (A/V ${from.ip}) reaches ${to.server.fqdn}'s public A/V ${to.publicIp}:${STUN_PORT} (STUN) from ${from.publicIp}`,
        refs: [stunRow.id, "NAT-02", "NAT-04"],
      })),
  );
}
