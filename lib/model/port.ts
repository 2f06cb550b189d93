/**
 * `Port`: a transport and a port range as a value object, in the spirit of aws-ec2's `Port`. The port tables
 * (ports.ts, hybrid.ts) hold `Port`s, and so do the plan's firewall rows and VIPs; every renderer asks the value for
 * the form its target wants (NSG range text, iptables and nftables matches, worksheet text, probe target) instead of
 * building text and parsing it back. This is the one place that formats a port.
 */

import { compareText } from "./compare";

export type Transport = "TCP" | "UDP";

export class Port {
  static tcp(port: number): Port {
    return new Port("TCP", port, port);
  }

  static udp(port: number): Port {
    return new Port("UDP", port, port);
  }

  static tcpRange(from: number, to: number): Port {
    return new Port("TCP", from, to);
  }

  static udpRange(from: number, to: number): Port {
    return new Port("UDP", from, to);
  }

  /** A transport and a range (`{ from, to }`, as the plan's JSON writes it). */
  static of(transport: Transport, range: { readonly from: number; readonly to: number }): Port {
    return new Port(transport, range.from, range.to);
  }

  /**
   * Ports listed one by one (a load balancer VIP's ports): deduplicated, sorted by transport then port, and written
   * in JSON as `{ transport, port }` each, as the plan has always written them. Every port must be a single port.
   */
  static list(ports: readonly Port[]): readonly Port[] {
    const unique = ports.filter((p, i) => ports.findIndex((q) => q.equals(p)) === i).sort((a, b) => compareText(a.transport, b.transport) || a.from - b.from);
    for (const p of unique) if (!p.isSingle) throw new Error(`edge-lab: ${p} is a range; a port list holds single ports`);
    return Object.defineProperty(unique, "toJSON", { value: () => unique.map((p) => ({ transport: p.transport, port: p.from })) });
  }

  private constructor(
    readonly transport: Transport,
    readonly from: number,
    readonly to: number,
  ) {
    if (!Number.isInteger(from) || !Number.isInteger(to) || from < 1 || to > 65535 || from > to) {
      throw new Error(`edge-lab: ${transport} port range ${from}-${to} is not within 1-65535 (from <= to)`);
    }
  }

  /** One port rather than a range. */
  get isSingle(): boolean {
    return this.from === this.to;
  }

  /** The first port of the range, as a single port (a probe samples a range there). */
  get first(): Port {
    return this.isSingle ? this : new Port(this.transport, this.from, this.from);
  }

  /** "443" or "50000-59999": Microsoft's tables, worksheets, Azure NSG port ranges and nftables all use this form. */
  get rangeText(): string {
    return this.isSingle ? String(this.from) : `${this.from}-${this.to}`;
  }

  /** iptables `--dport` form: "443" or "50000:59999". */
  get iptablesText(): string {
    return this.isSingle ? String(this.from) : `${this.from}:${this.to}`;
  }

  /** The transport as iptables `-p` and nftables name it: "tcp", "udp". */
  get protocolName(): "tcp" | "udp" {
    return this.transport === "TCP" ? "tcp" : "udp";
  }

  /** "TCP/443": the short form of VIP port lists. */
  get slashText(): string {
    return `${this.transport}/${this.rangeText}`;
  }

  /** The iptables match of this destination port, with an optional source port: "-p udp --sport 3478 --dport 50000:59999". */
  iptablesMatch(sourcePort?: Port): string {
    return `-p ${this.protocolName}${sourcePort ? ` --sport ${sourcePort.iptablesText}` : ""} --dport ${this.iptablesText}`;
  }

  /** The nftables match of this destination port: "udp dport 50000-59999". */
  get nftMatch(): string {
    return `${this.protocolName} dport ${this.rangeText}`;
  }

  /** A probe target: "131.107.155.30:3478/UDP" (a range as its text). */
  target(address: string): string {
    return `${address}:${this.rangeText}/${this.transport}`;
  }

  /** Whether `port` lies in the range. */
  covers(port: number): boolean {
    return port >= this.from && port <= this.to;
  }

  /** Whether every port of `other` (same transport) lies in this range. */
  contains(other: Port): boolean {
    return this.transport === other.transport && this.from <= other.from && other.to <= this.to;
  }

  equals(other: Port): boolean {
    return this.transport === other.transport && this.from === other.from && this.to === other.to;
  }

  /** "TCP 443", "UDP 50000-59999". */
  toString(): string {
    return `${this.transport} ${this.rangeText}`;
  }

  /** The plan's JSON form of a row's range: `{ "from": 50000, "to": 59999 }` (the transport is the row's). */
  toJSON(): { from: number; to: number } {
    return { from: this.from, to: this.to };
  }
}
