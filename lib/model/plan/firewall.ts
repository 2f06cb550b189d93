/**
 * Firewall rows, derived from the one port table (ports.ts): its Edge, reverse proxy and Director rows.
 * Rows carry concrete addresses so that the NSG renderer and the worksheets need no further derivation. Each row
 * names the firewall that enforces it: Microsoft's recommended design has an external and an internal firewall around
 * the perimeter (NET-10); the closed lab builds both (firewall appliance outside, NSGs inside).
 */
import { PLAN_INTERNET } from "../peer";
import { Port } from "../port";
import { DIRECTOR_PORTS, EDGE_PORTS, REVERSE_PROXY_PORTS, type EdgePortRow, type FeatureTag, type ServiceEndpoint, type ServicePortRow } from "../ports";
import type { ResolvedScenario, ResolvedSite } from "../resolve";
import { isHardware, nextHop, nodeAddresses, vipOf } from "./site-facts";
import type { FirewallEndpoint, FirewallRule, FirewallTable } from "./types";

/** The plan's "any Internet address" (read it back only through `Peer`, lib/model/peer.ts). */
export const INTERNET = PLAN_INTERNET;

/** The port table rows that apply to a site, given the scenario's features (FW-02: only what is needed). */
export function applicablePortRows(s: ResolvedScenario, site: ResolvedSite): EdgePortRow[] {
  return EDGE_PORTS.filter((row) => {
    switch (row.when) {
      case "always":
        return true;
      case "xmpp":
        // XMPP is hosted by the federation route only (FED-02).
        return s.federation.xmpp.enabled && site.federationRoute;
      case "ocs2007":
        return s.federation.ocs2007Partners && site.federationRoute;
      case "hlb":
        return isHardware(site);
      // Port 5061 only where a feature uses it (FW-02), and only on the federation route (FED-01).
      case "sip-partners":
        return s.federation.sipPartners && site.federationRoute;
      case "sip-federation":
        return s.federation.sipFederation && site.federationRoute;
    }
  });
}

/** The port of an Edge port table row at a site: its own, or the site's external port of its Edge service. */
export function rowPort(site: ResolvedSite, row: EdgePortRow): Port {
  // In single-IP mode the address is the Access address but each service keeps its own port (NET-14).
  return row.port instanceof Port ? row.port : Port.tcp(site.edge.ports[row.port.servicePort].value);
}

function enabledFeatures(s: ResolvedScenario, site: ResolvedSite, row: EdgePortRow): FeatureTag[] {
  if (!site.federationRoute) return [];
  return row.features.filter(
    (f) => (f === "xmpp" && s.federation.xmpp.enabled) || (f === "pic" && s.federation.publicIm.length > 0) || (f === "federation" && s.federation.sip.enabled),
  );
}

const EDGE_LABEL: Record<EdgePortRow["edge"], string> = {
  access: "Edge Server Access Edge service",
  webConferencing: "Edge Server Web Conferencing Edge service",
  av: "Edge Server A/V Edge service",
  internal: "Edge Server internal interface",
};

function edgeRows(s: ResolvedScenario, site: ResolvedSite): FirewallRule[] {
  const internalNets = site.network.internalNetworks.map((n) => n.value.text);
  const rows: FirewallRule[] = [];
  for (const row of applicablePortRows(s, site)) {
    const placements: ("node" | "vip")[] = !isHardware(site) ? ["node"] : row.hlb === "both" ? ["node", "vip"] : [row.hlb];
    for (const placement of placements) {
      let edge: FirewallEndpoint;
      if (placement === "vip") {
        edge = { label: `${EDGE_LABEL[row.edge]} VIP`, addresses: [vipOf(site, row.edge)!] };
      } else {
        const { ips, publicIps } = nodeAddresses(site, row.edge);
        const translated = publicIps.some((ip, i) => ip !== ips[i]);
        edge = { label: EDGE_LABEL[row.edge], addresses: ips, ...(translated ? { publicAddresses: publicIps } : {}) };
      }
      const far: FirewallEndpoint =
        row.side === "external" ? { label: row.peerLabel, addresses: [INTERNET] } : { label: row.peerLabel, addresses: internalNets };
      const table: FirewallTable = `edge-${row.side}${placement === "vip" ? "-vip" : ""}`;
      const port = rowPort(site, row);
      rows.push({
        id: `${site.name}/${table}/${row.id}`,
        site: site.name,
        table,
        firewall: row.side,
        direction: row.direction,
        service: row.service,
        protocol: row.protocol,
        application: row.application,
        transport: port.transport,
        ports: port,
        source: row.direction === "inbound" ? far : edge,
        destination: row.direction === "inbound" ? edge : far,
        purpose: row.purpose,
        features: enabledFeatures(s, site, row),
        portRow: row.id,
        hlb: isHardware(site) ? row.hlb : undefined,
        refs: [...row.refs, `ms:${table}`],
      });
    }
  }
  return rows;
}

/** Turns a reverse proxy or Director table row into a plan row of this site, with its endpoints' addresses. */
function serviceRule(site: ResolvedSite, row: ServicePortRow, endpoints: Readonly<Partial<Record<ServiceEndpoint, FirewallEndpoint>>>): FirewallRule {
  const endpoint = (key: ServiceEndpoint) => {
    const found = endpoints[key];
    if (!found) throw new Error(`edge-lab: port table row ${row.id} names ${key}, which site ${site.name} does not have`);
    return found;
  };
  // The reverse proxy's Internet-facing rows are the external firewall's; everything else passes the internal one.
  const firewall = row.table === "reverse-proxy" && row.direction === "inbound" ? "external" : "internal";
  return {
    id: `${site.name}/${row.table}/${row.id}`,
    site: site.name,
    table: row.table,
    firewall,
    direction: row.direction,
    service: row.service,
    protocol: row.protocol,
    application: row.application,
    transport: row.port.transport,
    ports: row.port,
    source: endpoint(row.source),
    destination: endpoint(row.destination),
    purpose: row.purpose,
    features: [],
    refs: [...row.refs],
  };
}

/** Reverse proxy rows (reference §10.2, FW-06, RP-02), from the port table. */
function reverseProxyRows(site: ResolvedSite): FirewallRule[] {
  const rp = site.reverseProxy;
  const hop = nextHop(site);
  const webTargets = [...new Set([site.frontEnd.address.value, ...(site.director ? [hop.webAddress] : [])])];
  const owa = rp.officeWebApps;
  const endpoints: Partial<Record<ServiceEndpoint, FirewallEndpoint>> = {
    internet: { label: "Any", addresses: [INTERNET] },
    "rp-listener": { label: "Reverse proxy listener", addresses: [rp.externalAddress.value], publicAddresses: [rp.publicAddress.value] },
    "rp-internal": { label: "Internal reverse proxy interface", addresses: [rp.internalAddress.value] },
    "published-web": { label: "Front End pool, Director or Director pool (web services)", addresses: webTargets },
    ...(owa ? { "office-web-apps": { label: "Office Web Apps Server", addresses: [owa.address.value] } } : {}),
  };
  return REVERSE_PROXY_PORTS.filter((row) => row.when === "always" || (row.when === "office-web-apps" && owa)).map((row) => serviceRule(site, row, endpoints));
}

/** Director rows (reference §11.1, DIR-02), from the port table; directions relative to the Director. */
function directorRows(site: ResolvedSite): FirewallRule[] {
  const d = site.director;
  if (!d) return [];
  const servers: FirewallEndpoint = { label: d.pool ? "Director pool servers" : "Director", addresses: d.servers.map((x) => x.address.value) };
  const web: FirewallEndpoint = d.vip ? { label: "Director hardware load balancer VIP", addresses: [d.vip.value] } : servers;
  const clients = site.network.internalNetworks.map((n) => n.value.text);
  const endpoints: Partial<Record<ServiceEndpoint, FirewallEndpoint>> = {
    "director-servers": servers,
    "director-web": web,
    "director-sip": d.loadBalancing === "hlb" ? web : servers,
    "rp-internal": { label: "Reverse proxy internal interface", addresses: [site.reverseProxy.internalAddress.value] },
    "internal-clients": { label: "Internal clients", addresses: clients },
    "internal-any": { label: "Any", addresses: clients },
    "edge-internal": { label: "Edge Server internal interface", addresses: nodeAddresses(site, "internal").ips },
    "front-end": { label: "Front End Server or Front End pool", addresses: [site.frontEnd.address.value] },
  };
  return DIRECTOR_PORTS.map((row) => serviceRule(site, row, endpoints));
}

const TABLE_ORDER: readonly FirewallTable[] = ["edge-external", "edge-external-vip", "edge-internal", "edge-internal-vip", "reverse-proxy", "director"];

export function deriveFirewallRules(s: ResolvedScenario): FirewallRule[] {
  return s.sites.flatMap((site) => {
    const rows = [...edgeRows(s, site), ...reverseProxyRows(site), ...directorRows(site)];
    // Stable order: table order, then the order of the source tables (rows are already in table order).
    return TABLE_ORDER.flatMap((table) => rows.filter((r) => r.table === table));
  });
}
