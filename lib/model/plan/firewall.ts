/**
 * Firewall rows, derived from the one Edge port table (ports.ts) plus the reverse proxy and Director tables.
 * Rows carry concrete addresses so that the NSG renderer and the worksheets need no further derivation. Each row
 * names the firewall that enforces it: Microsoft's recommended design has an external and an internal firewall around
 * the perimeter (NET-10); the closed lab builds both (firewall appliance outside, NSGs inside).
 */
import { PLAN_INTERNET } from "../peer";
import { EDGE_PORTS, type EdgePortRow, type FeatureTag } from "../ports";
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
    }
  });
}

export function rowPorts(site: ResolvedSite, row: EdgePortRow): { from: number; to: number } {
  if ("servicePort" in row.port) {
    // In single-IP mode the address is the Access address but each service keeps its own port (NET-14).
    const port = site.edge.ports[row.port.servicePort].value;
    return { from: port, to: port };
  }
  return row.port;
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
      const far: FirewallEndpoint = row.side === "external" ? { label: row.peerLabel, addresses: [INTERNET] } : { label: row.peerLabel, addresses: internalNets };
      const table: FirewallTable = `edge-${row.side}${placement === "vip" ? "-vip" : ""}`;
      rows.push({
        id: `${site.name}/${table}/${row.id}`,
        site: site.name,
        table,
        firewall: row.side,
        direction: row.direction,
        service: row.service,
        protocol: row.protocol,
        transport: row.transport,
        ports: rowPorts(site, row),
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

interface SimpleRow {
  id: string;
  table: FirewallTable;
  direction: "inbound" | "outbound";
  service: string;
  protocol: string;
  transport: "TCP" | "UDP";
  port: number | [number, number];
  source: FirewallEndpoint;
  destination: FirewallEndpoint;
  purpose: string;
  refs: string[];
}

function toRule(site: ResolvedSite, firewall: "external" | "internal", r: SimpleRow): FirewallRule {
  const ports = typeof r.port === "number" ? { from: r.port, to: r.port } : { from: r.port[0], to: r.port[1] };
  return { ...r, id: `${site.name}/${r.table}/${r.id}`, site: site.name, firewall, ports, features: [] };
}

/** Reverse proxy rows (reference §10.2, FW-06, RP-02). */
function reverseProxyRows(site: ResolvedSite): FirewallRule[] {
  const rp = site.reverseProxy;
  const listener: FirewallEndpoint = { label: "Reverse proxy listener", addresses: [rp.externalAddress.value], publicAddresses: [rp.publicAddress.value] };
  const internalSide: FirewallEndpoint = { label: "Internal reverse proxy interface", addresses: [rp.internalAddress.value] };
  const hop = nextHop(site);
  const webTargets = [...new Set([site.frontEnd.address.value, ...(site.director ? [hop.webAddress] : [])])];
  const pools: FirewallEndpoint = { label: "Front End pool, Director or Director pool (web services)", addresses: webTargets };
  const internet: FirewallEndpoint = { label: "Any", addresses: [INTERNET] };
  const rows: SimpleRow[] = [
    { id: "rp-in-http", table: "reverse-proxy", direction: "inbound", service: "Reverse proxy", protocol: "HTTP", transport: "TCP", port: 80, source: internet, destination: listener,
      purpose: "Redirect to HTTPS, Office Web Apps, and mobile Autodiscover over HTTP", refs: ["FW-06", "RP-02"] },
    { id: "rp-in-https", table: "reverse-proxy", direction: "inbound", service: "Reverse proxy", protocol: "HTTPS", transport: "TCP", port: 443, source: internet, destination: listener,
      purpose: "Address book, meetings, dial-in, Autodiscover, client and device updates, group expansion, Office Web Apps", refs: ["FW-06", "RP-02"] },
    { id: "rp-out-http-8080", table: "reverse-proxy", direction: "outbound", service: "Reverse proxy", protocol: "HTTP", transport: "TCP", port: 8080, source: internalSide, destination: pools,
      purpose: "External port 80 bridged to 8080 on the pool web services", refs: ["FW-06", "RP-02"] },
    { id: "rp-out-https-4443", table: "reverse-proxy", direction: "outbound", service: "Reverse proxy", protocol: "HTTPS", transport: "TCP", port: 4443, source: internalSide, destination: pools,
      purpose: "External port 443 bridged to 4443 on the pool web services", refs: ["FW-06", "RP-02"] },
  ];
  const owa = rp.officeWebApps;
  if (owa) {
    const owaEnd: FirewallEndpoint = { label: "Office Web Apps Server", addresses: [owa.address.value] };
    rows.push(
      { id: "rp-out-owa-https", table: "reverse-proxy", direction: "outbound", service: "Reverse proxy", protocol: "HTTPS", transport: "TCP", port: 443, source: internalSide, destination: owaEnd,
        purpose: "Office Web Apps Server expects HTTPS/TCP/443 (no bridging)", refs: ["FW-06", "RP-02"] },
      { id: "rp-out-owa-http", table: "reverse-proxy", direction: "outbound", service: "Reverse proxy", protocol: "HTTP", transport: "TCP", port: 80, source: internalSide, destination: owaEnd,
        purpose: "Office Web Apps Server over HTTP (published 80 -> 80)", refs: ["RP-02"] },
    );
  }
  return rows.map((r) => toRule(site, r.table === "reverse-proxy" && r.direction === "inbound" ? "external" : "internal", r));
}

/** Director rows (reference §11.1, DIR-02), directions relative to the Director. */
function directorRows(site: ResolvedSite): FirewallRule[] {
  const d = site.director;
  if (!d) return [];
  const members: FirewallEndpoint = { label: d.pool ? "Director pool servers" : "Director", addresses: d.servers.map((x) => x.address.value) };
  const web: FirewallEndpoint = d.vip ? { label: "Director hardware load balancer VIP", addresses: [d.vip.value] } : members;
  const sipTarget = d.loadBalancing === "hlb" ? web : members;
  const rp: FirewallEndpoint = { label: "Reverse proxy internal interface", addresses: [site.reverseProxy.internalAddress.value] };
  const clients: FirewallEndpoint = { label: "Internal clients", addresses: site.network.internalNetworks.map((n) => n.value.text) };
  const edgeInternal: FirewallEndpoint = { label: "Edge Server internal interface", addresses: nodeAddresses(site, "internal").ips };
  const fe: FirewallEndpoint = { label: "Front End Server or Front End pool", addresses: [site.frontEnd.address.value] };
  const any: FirewallEndpoint = { label: "Any", addresses: clients.addresses };
  const base = { table: "director" as const, transport: "TCP" as const };
  const rows: SimpleRow[] = [
    { ...base, id: "dir-in-http-8080", direction: "inbound", service: "Web", protocol: "HTTP", port: 8080, source: rp, destination: web, purpose: "Published web services from the reverse proxy (80 bridged to 8080)", refs: ["DIR-02"] },
    { ...base, id: "dir-in-https-4443", direction: "inbound", service: "Web", protocol: "HTTPS", port: 4443, source: rp, destination: web, purpose: "Published web services from the reverse proxy (443 bridged to 4443)", refs: ["DIR-02"] },
    { ...base, id: "dir-out-https-444", direction: "outbound", service: "Inter-server", protocol: "HTTPS", port: 444, source: members, destination: fe, purpose: "Inter-server communication Director <-> Front End", refs: ["DIR-02"] },
    { ...base, id: "dir-in-http-80", direction: "inbound", service: "Web", protocol: "HTTP", port: 80, source: clients, destination: web, purpose: "Director web services for internal clients", refs: ["DIR-02"] },
    { ...base, id: "dir-in-https-443", direction: "inbound", service: "Web", protocol: "HTTPS", port: 443, source: clients, destination: web, purpose: "Director web services for internal clients", refs: ["DIR-02"] },
    { ...base, id: "dir-in-sip-5061", direction: "inbound", service: "SIP", protocol: "SIP (MTLS)", port: 5061, source: edgeInternal, destination: sipTarget, purpose: "SIP from the Edge internal interface to the Director", refs: ["DIR-02"] },
    ...[50001, 50002, 50003].map((port): SimpleRow => ({
      ...base, id: `dir-in-cls-${port}`, direction: "inbound", service: "Centralized Logging Service", protocol: "MTLS", port, source: any, destination: members,
      purpose: "Centralized Logging Service commands and log collection", refs: ["DIR-02"],
    })),
  ];
  return rows.map((r) => toRule(site, "internal", r));
}

const TABLE_ORDER: readonly FirewallTable[] = ["edge-external", "edge-external-vip", "edge-internal", "edge-internal-vip", "reverse-proxy", "director"];

export function deriveFirewallRules(s: ResolvedScenario): FirewallRule[] {
  return s.sites.flatMap((site) => {
    const rows = [...edgeRows(s, site), ...reverseProxyRows(site), ...directorRows(site)];
    // Stable order: table order, then the order of the source tables (rows are already in table order).
    return TABLE_ORDER.flatMap((table) => rows.filter((r) => r.table === table));
  });
}
