/**
 * The probe types: what must be true of a built perimeter, each probe naming the plan row (and Microsoft table row /
 * rule id) it proves. The list itself is derived from the plan in ./index.ts.
 */
import type { Certificate, DnsRecord, FirewallRule } from "../plan";
import type { Port } from "../port";

/** Where a probe starts. */
export type ProbeFrom =
  /** The external test client on the (simulated) Internet. */
  | { readonly kind: "internet" }
  /** A client (or the Front End pool) on the internal network. */
  | { readonly kind: "internal" }
  /** A lab server, from one of its own addresses (or a VIP it answers for). */
  | { readonly kind: "server"; readonly server: string; readonly ip: string }
  /** A named service on the Internet the row lists by its prefixes (Microsoft 365 for hybrid): it opens the connection. */
  | { readonly kind: "remote"; readonly prefixes: readonly string[] };

interface ProbeBase {
  /** Stable id, unique in the list. */
  readonly id: string;
  readonly site: string;
  readonly from: ProbeFrom;
  /** One line: what the probe checks. */
  readonly what: string;
  /** Plan row ids and reference rule ids it proves. */
  readonly refs: readonly string[];
}

export interface DnsProbe extends ProbeBase {
  readonly kind: "dns";
  readonly record: DnsRecord;
}

/** The lab server resolves a name through its HOSTS file (NET-06, RP-06). */
export interface HostsProbe extends ProbeBase {
  readonly kind: "hosts";
  readonly fqdn: string;
  readonly ip: string;
}

export interface PortProbe extends ProbeBase {
  readonly kind: "port";
  readonly rule: FirewallRule;
  readonly transport: "TCP" | "UDP";
  /** Target address as the origin addresses it (public address from the Internet). */
  readonly address: string;
  /** The port probed: the row's port, or the first port of a range (sampled). */
  readonly port: number;
  /** Target "internet": the far end is any Internet address (outbound rows); the emulator uses the federated partner. */
  readonly toInternet: boolean;
  /** Outbound to the Internet or Microsoft 365: the source address the far end must see (NAT-04; the VIP for VIP rows). */
  readonly expectSource?: string;
  /** UDP 3478: a STUN Binding request (any reply means reachable, as Test-EdgeConnectivity does). */
  readonly stun: boolean;
  /** The far end is a named service on the Internet (Microsoft 365 prefixes), not any address or the lab. */
  readonly remote: boolean;
  /**
   * NAT reflection between members of a DNS load-balanced NAT pool: from one member to another's public address
   * through the external firewall (`rule` is the inbound row it relies on, not a row this origin opens).
   */
  readonly hairpin?: boolean;
}

export interface TlsProbe extends ProbeBase {
  readonly kind: "tls";
  readonly rule: FirewallRule;
  readonly address: string;
  readonly port: number;
  /** SNI and the name the certificate must be valid for. */
  readonly serverName: string;
  readonly certificate: Certificate;
  /** Names that must NOT be on the certificate (CERT-03: the A/V FQDN is not a SAN of the external certificate). */
  readonly forbiddenNames: readonly string[];
  /** SIP rows: a SIP OPTIONS request over the TLS connection must be answered. */
  readonly sipOptions: boolean;
}

export interface TurnProbe extends ProbeBase {
  readonly kind: "turn";
  readonly rule: FirewallRule;
  readonly transport: "TCP" | "UDP";
  readonly address: string;
  readonly port: number;
  /** The relayed address must be inside this range (the A/V media row). */
  readonly relayRange: Port;
  /** The public address the relayed address must carry (NAT: the A/V public address, NAT-02). */
  readonly relayAddress: string;
}

export interface WebProbe extends ProbeBase {
  readonly kind: "web";
  readonly scheme: "https" | "http";
  readonly address: string;
  readonly port: number;
  readonly host: string;
  /** The pool web port the request must arrive at, with the Host header kept (RP-02, RP-04). */
  readonly targetPort: number;
  readonly certificate?: Certificate;
}

/** Something that must NOT be reachable (management ports, unplanned ports, perimeter internal from outside). */
export interface BlockedProbe extends ProbeBase {
  readonly kind: "blocked";
  readonly transport: "TCP" | "UDP";
  readonly address: string;
  readonly port: number;
}

export type Probe = DnsProbe | HostsProbe | PortProbe | TlsProbe | TurnProbe | WebProbe | BlockedProbe;
