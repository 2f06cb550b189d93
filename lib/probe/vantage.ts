/**
 * A vantage: where the plan's probes (lib/model/probes) are sent from. The runner (./run-probes.ts) turns each probe
 * into requests for the probe agent and judges the replies; a vantage places the origins, sends the requests and
 * names the far ends the plan leaves abstract (any Internet address, Microsoft 365, an internal network). The
 * emulator's network namespaces (lib/emulate/world.ts) are one vantage; a vantage for the local host needs only
 * these methods, no change to the probe list or the runner.
 */
import type { PortProbe, Probe, ProbeFrom, TurnProbe } from "../model/probes";

/** One request for the probe agent (lib/emulate/agent.ts): a DNS or HOSTS look-up, a TCP / UDP / TLS / HTTP exchange. */
export type AgentItem = Readonly<Record<string, unknown>>;

/** The agent's answer to one item. */
export interface AgentReply {
  readonly ok: boolean;
  readonly error?: string;
  readonly reply?: Record<string, unknown> & {
    local?: string;
    remote?: string;
    answers?: string[];
    subject?: string;
    sans?: string[];
    sip?: string;
    host?: string;
    status?: number;
    /** TURN: the relayed transport address ("ip:port") and how many media packets came back through it. */
    relay?: string;
    received?: number;
  };
}

/** Where one probe starts, as the vantage places it. */
export interface Origin {
  /** Where the requests are sent from; probes of one place go to the agent together (a network namespace). */
  readonly place: string;
  /** The local address to send from (absent: the place's own choice). */
  readonly local?: string;
}

export interface Vantage {
  /** Where a probe starting at `from` is sent from. */
  origin(from: ProbeFrom): Origin;
  /** Why a probe cannot be run from this vantage (no stand-in for its far end), or undefined when it can. */
  skipReason(p: Probe): string | undefined;
  /** The DNS server that answers a view's records. */
  dnsServer(view: "external" | "internal"): string;
  /** The address a port probe connects to: its own, or the stand-in for an abstract far end. */
  portTarget(p: PortProbe): string;
  /** True when every far end of a port probe says which address it saw (the runner then waits for that answer). */
  answersWithSource(p: Probe): boolean;
  /** The CA certificate (PEM) the TLS and HTTPS probes trust. */
  readonly trustAnchor: string;
  /** Sends agent items from one place, all at once; the replies in item order. Called again while earlier calls run. */
  send(place: string, items: readonly AgentItem[]): Promise<AgentReply[]>;
  /**
   * What a TURN probe needs besides its target: the long-term credentials the TURN server takes and the partner that
   * echoes media sent through the relay (the agent's `turn` item allocates, binds a channel and counts the echoes).
   */
  turnAccount(p: TurnProbe): TurnAccount;
}

export interface TurnAccount {
  readonly user: string;
  readonly password: string;
  readonly peer: { readonly host: string; readonly port: number };
}
