/**
 * What a firewall row carries, as a type: the application of Microsoft's "Protocol" column (which stays Microsoft's
 * text, for the worksheets). The port tables (ports.ts, hybrid.ts) give it with every row; probes, the emulator and
 * any other reader ask these traits instead of matching the protocol text.
 */
export type Application =
  /** SIP over TLS (client and federation Access Edge, Director): "SIP (TLS)". */
  | "sip-tls"
  /** SIP over mutual TLS (server to server, federation, Microsoft 365): "SIP (MTLS)". */
  | "sip-mtls"
  | "https"
  | "http"
  /** Web conferencing PSOM over TLS or mutual TLS: "PSOM (TLS)", "PSOM (MTLS)". */
  | "psom"
  /** XMPP federation from the Internet: "XMPP". */
  | "xmpp"
  /** The XMPP gateway behind the Edge over mutual TLS: "XMPP (MTLS)". */
  | "xmpp-mtls"
  /** Centralized Logging Service agent and controller over mutual TLS: "MTLS". */
  | "cls"
  | "dns"
  /** STUN/MS-TURN on the A/V Edge: allocations and relayed media (a STUN Binding request answers). */
  | "turn"
  /** STUN to and from Microsoft 365's media relays (a STUN Binding request answers). */
  | "stun"
  /** Media: the A/V Edge's RTP port range. */
  | "rtp";

interface Traits {
  /** The connection is TLS (mutual or not) from its first byte: a TLS handshake answers. */
  readonly tls: boolean;
  /** SIP: a SIP OPTIONS request over the connection is answered. */
  readonly sip: boolean;
  /** A STUN Binding request is answered (STUN, MS-TURN). */
  readonly stun: boolean;
}

const TRAITS: Readonly<Record<Application, Traits>> = {
  "sip-tls": { tls: true, sip: true, stun: false },
  "sip-mtls": { tls: true, sip: true, stun: false },
  https: { tls: true, sip: false, stun: false },
  http: { tls: false, sip: false, stun: false },
  psom: { tls: true, sip: false, stun: false },
  xmpp: { tls: false, sip: false, stun: false },
  "xmpp-mtls": { tls: true, sip: false, stun: false },
  cls: { tls: true, sip: false, stun: false },
  dns: { tls: false, sip: false, stun: false },
  turn: { tls: false, sip: false, stun: true },
  stun: { tls: false, sip: false, stun: true },
  rtp: { tls: false, sip: false, stun: false },
};

/** TLS from the first byte (the probes check the certificate; the emulator listens with TLS). */
export const carriesTls = (a: Application) => TRAITS[a].tls;
/** SIP (over TLS): SIP OPTIONS are answered. */
export const carriesSip = (a: Application) => TRAITS[a].sip;
/** STUN or MS-TURN: a STUN Binding request is answered. */
export const answersStun = (a: Application) => TRAITS[a].stun;
