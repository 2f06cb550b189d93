/**
 * THE port table: the Edge Server rows, the reverse proxy rows and the Director rows. It is the single source for
 * the plan's firewall rows, and through them for the NSG rules, the firewall appliance, the load balancer rules,
 * the worksheets and the probes. Nothing else in edge-lab lists Lync ports.
 *
 * Rows follow Microsoft's port summaries for the five scenarios (reference §3-7, rules FW-03, FW-04, FW-05,
 * HLB-03, HLB-17). Directions are from the Edge's point of view: inbound = an Edge address is the destination.
 */

import type { Application } from "./application";
import { Port } from "./port";

export type EdgeServiceName = "access" | "webConferencing" | "av";
/** Which Edge address a row terminates on. */
export type EdgeEndpoint = EdgeServiceName | "internal";
export type Direction = "inbound" | "outbound";

/** When a row applies. FW-02: open only the ports needed for the features offered. */
export type PortCondition =
  | "always"
  /** XMPP federation enabled (FED-02). */
  | "xmpp"
  /** Federation with OCS 2007 partners (FW-05). */
  | "ocs2007"
  /** Only on a hardware-load-balanced pool (Microsoft lists it only in the internal VIP table). */
  | "hlb"
  /** Partners connect to the Access Edge on 5061: SIP federation or public IM connectivity, on the federation route (FED-01). */
  | "sip-partners"
  /** The Access Edge opens SIP/MTLS 5061 connections: partners, public IM or mobile push (FW-07), on the federation route. */
  | "sip-federation";

/** Where the row lands on a hardware-load-balanced pool (HLB-17): on the VIP, on each node, or both. */
export type HlbPlacement = "vip" | "node" | "both";

/** Feature summaries a row also belongs to (Microsoft's federation / PIC / XMPP summary tables). */
export type FeatureTag = "federation" | "pic" | "xmpp";

export interface EdgePortRow {
  /** Stable id, used in rule names and descriptions (e.g. "ext-in-access-sip-tls"). */
  readonly id: string;
  readonly side: "external" | "internal";
  readonly direction: Direction;
  /** Microsoft's "Role/Service" column. */
  readonly service: string;
  /** Microsoft's "Protocol" column. */
  readonly protocol: string;
  /** What the row carries, as a type (lib/model/application.ts). */
  readonly application: Application;
  /** Port or range; `servicePort` means "the external port of that Edge service" (443, or the single-IP port), over TCP. */
  readonly port: Port | { readonly servicePort: EdgeServiceName; readonly transport: "TCP" };
  readonly edge: EdgeEndpoint;
  /** The far end in Microsoft's words (source for inbound rows, destination for outbound rows). */
  readonly peerLabel: string;
  readonly purpose: string;
  readonly when: PortCondition;
  readonly hlb: HlbPlacement;
  /** Summaries this row belongs to, when the feature is on. */
  readonly features: readonly FeatureTag[];
  readonly refs: readonly string[];
}

const INTERNET = "Any";
const CAN_BE_NEXT_HOP = "Any (can be defined as Director, Director pool IP, Front End Server or Front End pool IP)";
const CLS_PURPOSE = "Centralized Logging Service: controller (CLS cmdlets, ClsController.exe) or agent (ClsAgent.exe) commands and log collection";

export const EDGE_PORTS: readonly EdgePortRow[] = [
  // ---- External interface -------------------------------------------------------------------------------
  {
    id: "ext-in-xmpp",
    side: "external",
    direction: "inbound",
    service: "XMPP",
    protocol: "XMPP",
    application: "xmpp",
    port: Port.tcp(5269),
    edge: "access",
    peerLabel: "Any (XMPP federated partners)",
    when: "xmpp",
    hlb: "vip",
    features: ["xmpp"],
    purpose: "XMPP proxy (shares the Access Edge address) accepts traffic from XMPP contacts in defined XMPP federations",
    refs: ["FED-02", "DNS-07"],
  },
  {
    id: "ext-out-xmpp",
    side: "external",
    direction: "outbound",
    service: "XMPP",
    protocol: "XMPP",
    application: "xmpp",
    port: Port.tcp(5269),
    edge: "access",
    peerLabel: "Any (XMPP federated partners)",
    when: "xmpp",
    hlb: "vip",
    features: ["xmpp"],
    purpose: "XMPP proxy sends traffic to XMPP contacts in defined XMPP federations",
    refs: ["FED-02"],
  },
  {
    id: "ext-out-access-http-crl",
    side: "external",
    direction: "outbound",
    service: "Access",
    protocol: "HTTP",
    application: "http",
    port: Port.tcp(80),
    edge: "access",
    peerLabel: INTERNET,
    when: "always",
    hlb: "node",
    features: [],
    purpose: "Certificate revocation / CRL check and retrieval",
    refs: ["FW-03"],
  },
  {
    id: "ext-out-access-dns-tcp",
    side: "external",
    direction: "outbound",
    service: "Access",
    protocol: "DNS",
    application: "dns",
    port: Port.tcp(53),
    edge: "access",
    peerLabel: INTERNET,
    when: "always",
    hlb: "node",
    features: [],
    purpose: "DNS query over TCP",
    refs: ["FW-03"],
  },
  {
    id: "ext-out-access-dns-udp",
    side: "external",
    direction: "outbound",
    service: "Access",
    protocol: "DNS",
    application: "dns",
    port: Port.udp(53),
    edge: "access",
    peerLabel: INTERNET,
    when: "always",
    hlb: "node",
    features: [],
    purpose: "DNS query over UDP",
    refs: ["FW-03"],
  },
  {
    id: "ext-in-access-sip-tls",
    side: "external",
    direction: "inbound",
    service: "Access",
    protocol: "SIP (TLS)",
    application: "sip-tls",
    port: { servicePort: "access", transport: "TCP" },
    edge: "access",
    peerLabel: INTERNET,
    when: "always",
    hlb: "vip",
    features: ["pic"],
    purpose: "Client-to-server SIP traffic for external user access",
    refs: ["FW-03", "FW-01"],
  },
  {
    id: "ext-in-access-sip-mtls",
    side: "external",
    direction: "inbound",
    service: "Access",
    protocol: "SIP (MTLS)",
    application: "sip-mtls",
    port: Port.tcp(5061),
    edge: "access",
    peerLabel: "Any (federated partners, public IM connectivity partners)",
    when: "sip-partners",
    hlb: "vip",
    features: ["federation", "pic"],
    purpose: "SIP signalling for federated and public IM connectivity",
    refs: ["FW-03", "FW-01"],
  },
  {
    id: "ext-out-access-sip-mtls",
    side: "external",
    direction: "outbound",
    service: "Access",
    protocol: "SIP (MTLS)",
    application: "sip-mtls",
    port: Port.tcp(5061),
    edge: "access",
    peerLabel: "Any (federated partners, public IM connectivity partners, push notification clearing house)",
    when: "sip-federation",
    hlb: "vip",
    features: ["federation", "pic"],
    purpose: "SIP signalling for federated and public IM connectivity, and mobile push notifications",
    refs: ["FW-03", "FW-01", "FW-07"],
  },
  {
    id: "ext-in-webconf-psom",
    side: "external",
    direction: "inbound",
    service: "Web Conferencing",
    protocol: "PSOM (TLS)",
    application: "psom",
    port: { servicePort: "webConferencing", transport: "TCP" },
    edge: "webConferencing",
    peerLabel: INTERNET,
    when: "always",
    hlb: "vip",
    features: [],
    purpose: "Web Conferencing media",
    refs: ["FW-03"],
  },
  {
    id: "ext-out-av-rtp-tcp",
    side: "external",
    direction: "outbound",
    service: "A/V",
    protocol: "RTP",
    application: "rtp",
    port: Port.tcpRange(50000, 59999),
    edge: "av",
    peerLabel: INTERNET,
    when: "always",
    hlb: "node",
    features: ["pic"],
    purpose: "Media to federated partners (OCS 2007, OCS 2007 R2, Lync Server 2010 and 2013) and Windows Live Messenger",
    refs: ["FW-03", "FW-05"],
  },
  {
    id: "ext-out-av-rtp-udp",
    side: "external",
    direction: "outbound",
    service: "A/V",
    protocol: "RTP",
    application: "rtp",
    port: Port.udpRange(50000, 59999),
    edge: "av",
    peerLabel: INTERNET,
    when: "ocs2007",
    hlb: "node",
    features: [],
    purpose: "Required only for federation with partners running OCS 2007",
    refs: ["FW-05"],
  },
  {
    id: "ext-in-av-rtp-tcp",
    side: "external",
    direction: "inbound",
    service: "A/V",
    protocol: "RTP",
    application: "rtp",
    port: Port.tcpRange(50000, 59999),
    edge: "av",
    peerLabel: INTERNET,
    when: "ocs2007",
    hlb: "node",
    features: [],
    purpose: "Required only for federation with partners running OCS 2007",
    refs: ["FW-05"],
  },
  {
    id: "ext-in-av-rtp-udp",
    side: "external",
    direction: "inbound",
    service: "A/V",
    protocol: "RTP",
    application: "rtp",
    port: Port.udpRange(50000, 59999),
    edge: "av",
    peerLabel: INTERNET,
    when: "ocs2007",
    hlb: "node",
    features: [],
    purpose: "Required only for federation with partners running OCS 2007",
    refs: ["FW-05"],
  },
  {
    id: "ext-out-av-stun-udp",
    side: "external",
    direction: "outbound",
    service: "A/V",
    protocol: "STUN/MSTURN",
    application: "turn",
    port: Port.udp(3478),
    edge: "av",
    peerLabel: INTERNET,
    when: "always",
    hlb: "node",
    features: ["pic"],
    purpose: "Determines the version of the remote Edge and carries Edge-to-Edge media (federation, Windows Live Messenger, multiple Edge pools)",
    refs: ["FW-03"],
  },
  {
    id: "ext-in-av-stun-udp",
    side: "external",
    direction: "inbound",
    service: "A/V",
    protocol: "STUN/MSTURN",
    application: "turn",
    port: Port.udp(3478),
    edge: "av",
    peerLabel: INTERNET,
    when: "always",
    hlb: "both",
    features: ["pic"],
    purpose: "STUN/TURN negotiation of candidates over UDP/3478",
    refs: ["FW-03"],
  },
  {
    id: "ext-in-av-stun-tcp",
    side: "external",
    direction: "inbound",
    service: "A/V",
    protocol: "STUN/MSTURN",
    application: "turn",
    port: { servicePort: "av", transport: "TCP" },
    edge: "av",
    peerLabel: INTERNET,
    when: "always",
    hlb: "both",
    features: [],
    purpose: "STUN/TURN negotiation of candidates over TCP/443",
    refs: ["FW-03"],
  },
  {
    id: "ext-out-av-stun-tcp",
    side: "external",
    direction: "outbound",
    service: "A/V",
    protocol: "STUN/MSTURN",
    application: "turn",
    port: Port.tcp(443),
    edge: "av",
    peerLabel: INTERNET,
    when: "always",
    hlb: "node",
    features: [],
    purpose: "STUN/TURN negotiation of candidates over TCP/443",
    refs: ["FW-03"],
  },
  // ---- Internal interface -------------------------------------------------------------------------------
  {
    id: "int-in-xmpp-gateway",
    side: "internal",
    direction: "inbound",
    service: "XMPP",
    protocol: "XMPP (MTLS)",
    application: "xmpp-mtls",
    port: Port.tcp(23456),
    edge: "internal",
    peerLabel: "Any (can be defined as the Front End Server or pool running the XMPP Gateway service)",
    when: "xmpp",
    hlb: "node",
    features: ["xmpp"],
    purpose: "Outbound XMPP traffic from the XMPP Gateway service on the Front End Server or pool to each Edge internal address",
    refs: ["FW-04", "FED-02"],
  },
  {
    id: "int-in-sip-mtls",
    side: "internal",
    direction: "inbound",
    service: "SIP",
    protocol: "SIP (MTLS)",
    application: "sip-mtls",
    port: Port.tcp(5061),
    edge: "internal",
    peerLabel: CAN_BE_NEXT_HOP,
    when: "always",
    hlb: "vip",
    features: [],
    purpose: "SIP traffic from the Director / Front End pool to the Edge internal interface",
    refs: ["FW-04"],
  },
  {
    id: "int-out-sip-mtls",
    side: "internal",
    direction: "outbound",
    service: "SIP",
    protocol: "SIP (MTLS)",
    application: "sip-mtls",
    port: Port.tcp(5061),
    edge: "internal",
    peerLabel: CAN_BE_NEXT_HOP,
    when: "always",
    hlb: "vip",
    features: [],
    purpose: "SIP traffic from the Edge internal interface to the Director / Front End pool",
    refs: ["FW-04"],
  },
  {
    id: "int-in-psom",
    side: "internal",
    direction: "inbound",
    service: "Web Conferencing",
    protocol: "PSOM (MTLS)",
    application: "psom",
    port: Port.tcp(8057),
    edge: "internal",
    peerLabel: "Any (can be defined as each Front End Server IP)",
    when: "always",
    hlb: "node",
    features: [],
    purpose: "Web conferencing traffic from each Front End Server to the Edge internal interface",
    refs: ["FW-04", "HLB-03"],
  },
  {
    id: "int-in-av-auth",
    side: "internal",
    direction: "inbound",
    service: "A/V authentication",
    protocol: "SIP (MTLS)",
    application: "sip-mtls",
    port: Port.tcp(5062),
    edge: "internal",
    peerLabel: "Any (can be defined as the Front End pool or any Survivable Branch Appliance/Server using this Edge)",
    when: "always",
    hlb: "vip",
    features: [],
    purpose: "Authentication of A/V users (A/V authentication service)",
    refs: ["FW-04"],
  },
  {
    id: "int-in-av-stun-udp",
    side: "internal",
    direction: "inbound",
    service: "A/V",
    protocol: "STUN/MSTURN",
    application: "turn",
    port: Port.udp(3478),
    edge: "internal",
    peerLabel: "Any",
    when: "always",
    hlb: "both",
    features: [],
    purpose: "Preferred path for A/V media between internal and external users",
    refs: ["FW-04"],
  },
  {
    id: "int-in-av-stun-tcp",
    side: "internal",
    direction: "inbound",
    service: "A/V",
    protocol: "STUN/MSTURN",
    application: "turn",
    port: Port.tcp(443),
    edge: "internal",
    peerLabel: "Any",
    when: "always",
    hlb: "both",
    features: [],
    purpose: "Fallback path for A/V media when UDP cannot be established; file transfer and desktop sharing",
    refs: ["FW-04"],
  },
  {
    id: "int-out-av-stun-tcp",
    side: "internal",
    direction: "outbound",
    service: "A/V",
    protocol: "STUN/MSTURN",
    application: "turn",
    port: Port.tcp(443),
    edge: "internal",
    peerLabel: "Any",
    when: "hlb",
    hlb: "vip",
    features: [],
    purpose: "Fallback path for A/V media from the internal VIP when UDP cannot be established",
    refs: ["HLB-17"],
  },
  {
    id: "int-in-cms",
    side: "internal",
    direction: "inbound",
    service: "Central Management store replication",
    protocol: "HTTPS",
    application: "https",
    port: Port.tcp(4443),
    edge: "internal",
    peerLabel: "Any (can be defined as the Front End Server or pool that holds the Central Management store)",
    when: "always",
    hlb: "node",
    features: [],
    purpose: "Replication of changes from the Central Management store to each Edge Server",
    refs: ["FW-04"],
  },
  ...[50001, 50002, 50003].map((port): EdgePortRow => ({
    id: `int-in-cls-${port}`,
    side: "internal",
    direction: "inbound",
    service: "Centralized Logging Service",
    protocol: "MTLS",
    application: "cls",
    port: Port.tcp(port),
    edge: "internal",
    peerLabel: "Any",
    when: "always",
    hlb: "node",
    features: [],
    purpose: CLS_PURPOSE,
    refs: ["FW-04"],
  })),
];

// ---- Reverse proxy and Director rows ---------------------------------------------------------------------------

/**
 * Who is at one end of a reverse proxy or Director row, in the table's terms; the plan (firewall.ts) turns each into
 * the site's addresses and Microsoft's wording.
 */
export type ServiceEndpoint =
  | "internet"
  /** The reverse proxy's external listener (behind NAT, NET-11). */
  | "rp-listener"
  | "rp-internal"
  /** The web services the reverse proxy publishes: Front End pool and Director (pool VIP). */
  | "published-web"
  | "office-web-apps"
  | "director-servers"
  /** The Director pool's web VIP (HLB), else its servers. */
  | "director-web"
  /** Where SIP reaches the Director: the web VIP of an HLB-only pool, else the servers. */
  | "director-sip"
  | "front-end"
  | "edge-internal"
  | "internal-clients"
  /** Microsoft's "Any" on the internal side (the CLS rows): the internal networks. */
  | "internal-any";

/** A row of the reverse proxy or Director table (reference §10.2 and §11.1); directions relative to that server. */
export interface ServicePortRow {
  readonly id: string;
  readonly table: "reverse-proxy" | "director";
  readonly direction: Direction;
  /** Microsoft's "Role/Service" column. */
  readonly service: string;
  readonly protocol: string;
  /** What the row carries, as a type (lib/model/application.ts). */
  readonly application: Application;
  readonly port: Port;
  readonly source: ServiceEndpoint;
  readonly destination: ServiceEndpoint;
  /** When the row applies: always, or only when the reverse proxy publishes an Office Web Apps Server. */
  readonly when: "always" | "office-web-apps";
  readonly purpose: string;
  readonly refs: readonly string[];
}

const rpRow = (row: Omit<ServicePortRow, "table" | "service" | "when"> & { when?: ServicePortRow["when"] }): ServicePortRow => ({
  table: "reverse-proxy",
  service: "Reverse proxy",
  when: "always",
  ...row,
});

export const REVERSE_PROXY_PORTS: readonly ServicePortRow[] = [
  rpRow({
    id: "rp-in-http",
    direction: "inbound",
    protocol: "HTTP",
    application: "http",
    port: Port.tcp(80),
    source: "internet",
    destination: "rp-listener",
    purpose: "Redirect to HTTPS, Office Web Apps, and mobile Autodiscover over HTTP",
    refs: ["FW-06", "RP-02"],
  }),
  rpRow({
    id: "rp-in-https",
    direction: "inbound",
    protocol: "HTTPS",
    application: "https",
    port: Port.tcp(443),
    source: "internet",
    destination: "rp-listener",
    purpose: "Address book, meetings, dial-in, Autodiscover, client and device updates, group expansion, Office Web Apps",
    refs: ["FW-06", "RP-02"],
  }),
  rpRow({
    id: "rp-out-http-8080",
    direction: "outbound",
    protocol: "HTTP",
    application: "http",
    port: Port.tcp(8080),
    source: "rp-internal",
    destination: "published-web",
    purpose: "External port 80 bridged to 8080 on the pool web services",
    refs: ["FW-06", "RP-02"],
  }),
  rpRow({
    id: "rp-out-https-4443",
    direction: "outbound",
    protocol: "HTTPS",
    application: "https",
    port: Port.tcp(4443),
    source: "rp-internal",
    destination: "published-web",
    purpose: "External port 443 bridged to 4443 on the pool web services",
    refs: ["FW-06", "RP-02"],
  }),
  rpRow({
    id: "rp-out-owa-https",
    direction: "outbound",
    protocol: "HTTPS",
    application: "https",
    port: Port.tcp(443),
    source: "rp-internal",
    destination: "office-web-apps",
    when: "office-web-apps",
    purpose: "Office Web Apps Server expects HTTPS/TCP/443 (no bridging)",
    refs: ["FW-06", "RP-02"],
  }),
  rpRow({
    id: "rp-out-owa-http",
    direction: "outbound",
    protocol: "HTTP",
    application: "http",
    port: Port.tcp(80),
    source: "rp-internal",
    destination: "office-web-apps",
    when: "office-web-apps",
    purpose: "Office Web Apps Server over HTTP (published 80 -> 80)",
    refs: ["RP-02"],
  }),
];

const dirRow = (row: Omit<ServicePortRow, "table" | "when" | "refs">): ServicePortRow => ({ table: "director", when: "always", refs: ["DIR-02"], ...row });

export const DIRECTOR_PORTS: readonly ServicePortRow[] = [
  dirRow({
    id: "dir-in-http-8080",
    direction: "inbound",
    service: "Web",
    protocol: "HTTP",
    application: "http",
    port: Port.tcp(8080),
    source: "rp-internal",
    destination: "director-web",
    purpose: "Published web services from the reverse proxy (80 bridged to 8080)",
  }),
  dirRow({
    id: "dir-in-https-4443",
    direction: "inbound",
    service: "Web",
    protocol: "HTTPS",
    application: "https",
    port: Port.tcp(4443),
    source: "rp-internal",
    destination: "director-web",
    purpose: "Published web services from the reverse proxy (443 bridged to 4443)",
  }),
  dirRow({
    id: "dir-out-https-444",
    direction: "outbound",
    service: "Inter-server",
    protocol: "HTTPS",
    application: "https",
    port: Port.tcp(444),
    source: "director-servers",
    destination: "front-end",
    purpose: "Inter-server communication Director <-> Front End",
  }),
  dirRow({
    id: "dir-in-http-80",
    direction: "inbound",
    service: "Web",
    protocol: "HTTP",
    application: "http",
    port: Port.tcp(80),
    source: "internal-clients",
    destination: "director-web",
    purpose: "Director web services for internal clients",
  }),
  dirRow({
    id: "dir-in-https-443",
    direction: "inbound",
    service: "Web",
    protocol: "HTTPS",
    application: "https",
    port: Port.tcp(443),
    source: "internal-clients",
    destination: "director-web",
    purpose: "Director web services for internal clients",
  }),
  dirRow({
    id: "dir-in-sip-5061",
    direction: "inbound",
    service: "SIP",
    protocol: "SIP (MTLS)",
    application: "sip-mtls",
    port: Port.tcp(5061),
    source: "edge-internal",
    destination: "director-sip",
    purpose: "SIP from the Edge internal interface to the Director",
  }),
  ...[50001, 50002, 50003].map((port) =>
    dirRow({
      id: `dir-in-cls-${port}`,
      direction: "inbound",
      service: "Centralized Logging Service",
      protocol: "MTLS",
      application: "cls",
      port: Port.tcp(port),
      source: "internal-any",
      destination: "director-servers",
      purpose: "Centralized Logging Service commands and log collection",
    }),
  ),
];
