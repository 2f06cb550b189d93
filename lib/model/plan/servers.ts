/** Servers with their interfaces, addresses, gateways and routes, and the load balancer VIPs. */
import { cidrContains, gatewayOf, type Cidr } from "../net";
import type { EdgeEndpoint } from "../ports";
import type { ResolvedScenario, ResolvedSite } from "../resolve";
import { applicablePortRows, rowPort } from "./firewall";
import { directorId, edgeServerId, isHardware, nextHop, reverseProxyId, serviceSlot } from "./site-facts";
import type { PlanInterface, PlanRoute, PlanServer, PlanVip } from "./types";
import { Port } from "../port";

function routesTo(site: ResolvedSite, via: Cidr): PlanRoute[] {
  return site.network.internalNetworks.map((n) => ({ destination: n.value.text, via: gatewayOf(via) }));
}

function nextHopHosts(site: ResolvedSite): { fqdn: string; ip: string }[] {
  const hop = nextHop(site);
  const hosts = hop.addresses.map((ip) => ({ fqdn: hop.fqdn, ip }));
  if (site.director) hosts.push(...site.director.servers.filter((d) => d.fqdn !== hop.fqdn).map((d) => ({ fqdn: d.fqdn, ip: d.address.value })));
  return hosts;
}

function edgeServers(site: ResolvedSite): PlanServer[] {
  const { edge, network } = site;
  return edge.servers.map((server): PlanServer => {
    const external: PlanInterface = {
      side: "external",
      subnet: network.perimeterExternal.value.text,
      gateway: gatewayOf(network.perimeterExternal.value),
      routes: [],
      addresses: server.external.map((e, i) => ({
        role: e.service,
        ip: e.address.value,
        ...(e.natPublic ? { natPublic: e.natPublic.value } : {}),
        publicIp: e.natPublic?.value ?? e.address.value,
        primary: i === 0,
        fqdn: edge.fqdns[e.service].value,
      })),
    };
    const internal: PlanInterface = {
      side: "internal",
      subnet: network.perimeterInternal.value.text,
      gateway: null,
      routes: routesTo(site, network.perimeterInternal.value),
      addresses: [{ role: "internal", ip: server.internal.address.value, primary: true, fqdn: server.fqdn }],
    };
    return {
      id: edgeServerId(site, server),
      site: site.name,
      role: "edge",
      name: server.name,
      fqdn: server.fqdn,
      pool: edge.fqdns.internalPool.value,
      interfaces: [external, internal], // two network adapters per Edge Server, external and internal (NET-01)
      hosts: nextHopHosts(site),
    };
  });
}

function reverseProxyServer(site: ResolvedSite): PlanServer {
  const rp = site.reverseProxy;
  const n = site.network;
  const hop = nextHop(site);
  const hosts = [
    { fqdn: site.frontEnd.externalWebFqdn.value, ip: site.frontEnd.address.value },
    ...(site.director ? [{ fqdn: site.director.externalWebFqdn.value, ip: hop.webAddress }] : []),
    ...rp.meet.map((m) => ({ fqdn: m.value, ip: hop.webAddress })),
    ...(rp.dialin ? [{ fqdn: rp.dialin.value, ip: hop.webAddress }] : []),
    ...(rp.officeWebApps ? [{ fqdn: rp.officeWebApps.fqdn.value, ip: rp.officeWebApps.address.value }] : []),
  ];
  // Every site with external access gets an Edge and a reverse proxy in its perimeter (RP-01).
  return {
    id: reverseProxyId(site),
    site: site.name,
    role: "reverse-proxy",
    name: rp.name,
    fqdn: rp.fqdn,
    interfaces: [
      {
        side: "external",
        subnet: n.reverseProxyExternal.value.text,
        gateway: gatewayOf(n.reverseProxyExternal.value),
        routes: [],
        addresses: [{ role: "listener", ip: rp.externalAddress.value, natPublic: rp.publicAddress.value, publicIp: rp.publicAddress.value, primary: true }],
      },
      {
        side: "internal",
        subnet: n.perimeterInternal.value.text,
        gateway: null,
        routes: routesTo(site, n.perimeterInternal.value),
        addresses: [{ role: "internal", ip: rp.internalAddress.value, primary: true }],
      },
    ],
    hosts,
  };
}

function directorServers(site: ResolvedSite): PlanServer[] {
  const d = site.director;
  if (!d) return [];
  return d.servers.map((server, i): PlanServer => {
    const networks = site.network.internalNetworks.map((n) => n.value);
    const subnet = networks.find((c) => cidrContains(c, server.address.value)) ?? networks[0];
    return {
      id: directorId(site, i),
      site: site.name,
      role: "director",
      name: server.name,
      fqdn: server.fqdn,
      ...(d.pool ? { pool: d.poolFqdn.value } : {}),
      // Directors are not multi-homed (DIR-01): one interface on the internal network.
      interfaces: [
        {
          side: "internal",
          subnet: subnet.text,
          gateway: gatewayOf(subnet),
          routes: [],
          addresses: [{ role: "server", ip: server.address.value, primary: true }],
        },
      ],
      hosts: [],
    };
  });
}

function vips(s: ResolvedScenario, site: ResolvedSite): PlanVip[] {
  const result: PlanVip[] = [];
  if (isHardware(site) && site.edge.vips) {
    const rows = applicablePortRows(s, site).filter((r) => r.direction === "inbound" && r.hlb !== "node");
    const endpoints: EdgeEndpoint[] = [...site.edge.services, "internal"];
    for (const endpoint of endpoints) {
      const ip = endpoint === "internal" ? site.edge.vips.internal.value : site.edge.vips[endpoint]?.value;
      if (!ip) continue;
      const side = endpoint === "internal" ? "internal" : "external";
      const served = rows.filter(
        (r) => r.side === side && (side === "internal" || serviceSlot(site, r.edge as Exclude<EdgeEndpoint, "internal">) === endpoint),
      );
      const ports = Port.list(served.map((r) => rowPort(site, r)));
      result.push({
        id: `${site.name}-vip-${endpoint}`,
        site: site.name,
        service: endpoint,
        side,
        ip,
        fqdn: endpoint === "internal" ? site.edge.fqdns.internalPool.value : site.edge.fqdns[endpoint].value,
        members: site.edge.servers.map((server) => ({
          server: edgeServerId(site, server),
          ip: endpoint === "internal" ? server.internal.address.value : server.external.find((e) => e.service === endpoint)!.address.value,
        })),
        ports,
        refs: endpoint === "internal" ? ["HLB-03", "HLB-17", "LB-07"] : ["HLB-17", "LB-07", "HLB-12"],
      });
    }
  }
  const d = site.director;
  if (d?.vip) {
    result.push({
      id: `${site.name}-vip-director-web`,
      site: site.name,
      service: "director-web",
      side: "internal",
      ip: d.vip.value,
      fqdn: d.poolFqdn.value,
      members: d.servers.map((server, i) => ({ server: directorId(site, i), ip: server.address.value })),
      // Ports the Director firewall table sends to the VIP (DIR-03, HLB-20).
      ports: Port.list([8080, 4443, 80, 443, ...(d.loadBalancing === "hlb" ? [444, 5061] : [])].map(Port.tcp)),
      refs: ["DIR-01", "DIR-03", "HLB-20"],
    });
  }
  return result;
}

export function deriveServers(s: ResolvedScenario): PlanServer[] {
  return s.sites.flatMap((site) => [...edgeServers(site), reverseProxyServer(site), ...directorServers(site)]);
}

export function deriveVips(s: ResolvedScenario): PlanVip[] {
  return s.sites.flatMap((site) => vips(s, site));
}
