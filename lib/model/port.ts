/**
 * `Port`: a transport and a port range as a value object, in the spirit of aws-ec2's `Port`. The port tables
 * (ports.ts) hold `Port`s; every renderer asks the value for the form its target wants (NSG range text, iptables
 * `--dport`, worksheet text, probe target) instead of building text and parsing it back.
 */
import type { Transport } from "./ports";

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

  /** The port of a plan firewall row (`transport` and `ports`). */
  static of(transport: Transport, range: { readonly from: number; readonly to: number }): Port {
    return new Port(transport, range.from, range.to);
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

  /** "443" or "50000-59999": Microsoft's tables, worksheets and Azure NSG port ranges all use this form. */
  get rangeText(): string {
    return this.isSingle ? String(this.from) : `${this.from}-${this.to}`;
  }

  /** iptables `--dport` form: "443" or "50000:59999". */
  get iptablesText(): string {
    return this.isSingle ? String(this.from) : `${this.from}:${this.to}`;
  }

  /** Whether `port` lies in the range. */
  covers(port: number): boolean {
    return port >= this.from && port <= this.to;
  }

  equals(other: Port): boolean {
    return this.transport === other.transport && this.from === other.from && this.to === other.to;
  }

  /** "TCP 443", "UDP 50000-59999". */
  toString(): string {
    return `${this.transport} ${this.rangeText}`;
  }
}
