/**
 * Sends the MS-TURN Allocate of lib/probe/msturn.ts to an A/V Edge and reports what came back, over UDP 3478
 * (node:dgram) and over TCP 443 with the pseudo-TLS preamble (node:net). No root, no raw sockets, no Debian tools.
 *
 * Politeness (reference section 0): one request per check; over UDP the same request (same transaction ID, as STUN
 * retransmissions are) is repeated at most twice, each wait twice the previous one; over TCP one connection, one
 * request, closed as soon as the answer (or the deadline) is there. Silence is reported as "no-answer", never as
 * "closed" (reference section 2.2: "Silence ≠ closed").
 *
 * VERIFY (reference section 8, item 1): what a real Edge sends back (on UDP, and framed on TCP 443 after the pseudo-TLS
 * hellos) has been checked only against libnice's MS-TURN mode and the spec, not against an Edge.
 * VERIFY (reference section 8, item 6): no Edge flood limit is documented; three datagrams per check are assumed harmless.
 */
import { randomBytes } from "node:crypto";
import { createSocket, Socket as UdpSocket } from "node:dgram";
import { isIPv6, Socket as TcpSocket, connect as tcpConnect } from "node:net";
import {
  AllocateAnswer,
  encodeAllocateRequest,
  encodePseudoTlsClientHello,
  FrameType,
  frameTcp,
  interpretAllocateAnswer,
  msTurnTransactionId,
  MsTurnParseError,
  readPseudoTlsServerHello,
  readTcpFrame,
} from "./msturn";

/** At most two retries (reference section 0). */
export const MAX_UDP_RETRIES = 2;

export interface MsTurnProbeOptions {
  host: string;
  /** UDP default 3478, TCP default 443 (the A/V Edge's external ports). */
  port?: number;
  /** 16-byte transaction ID; default the RFC 5389 cookie + 12 random bytes (msTurnTransactionId). */
  transactionId?: Buffer;
  /** MS-VERSION of the request (default 4, the reference's recipe); null leaves it out. */
  msVersion?: number | null;
  /**
   * UDP: wait after the first send, doubled after each retry (default 500 ms: 0.5 + 1 + 2 s with two retries).
   * TCP: the whole exchange, connect included (default 3000 ms).
   */
  timeoutMs?: number;
  /** UDP only: retries after the first send, 0-2 (default 2); more is refused. */
  retries?: number;
  /** TCP only: the ClientHello's 32 random bytes (default random). */
  clientRandom?: Buffer;
}

/** What the probe saw. */
export type MsTurnProbeOutcome =
  | {
      /** A well-formed STUN/MS-TURN message with our transaction ID: see answer.kind (challenge = the 401 with REALM/NONCE). */
      outcome: "answer";
      answer: AllocateAnswer;
      /** The address:port it came from. */
      from: string;
    }
  | {
      /** Nothing within the deadline(s). UDP: dropped, filtered, or ignored as not MS-TURN; not "closed". */
      outcome: "no-answer";
      detail: string;
    }
  | {
      /** Bytes that are not a readable answer (garbage, a TLS alert on 443, broken framing); detail says why. */
      outcome: "malformed";
      detail: string;
      /** Hex of what arrived (at most 512 bytes). */
      bytes: string;
    }
  | {
      /** UDP: ICMP port unreachable (ECONNREFUSED). TCP: connection refused, reset, or not established in time. */
      outcome: "unreachable";
      detail: string;
    }
  | {
      /** TCP: the server closed the connection before answering. */
      outcome: "closed";
      detail: string;
    };

export type MsTurnProbeResult = MsTurnProbeOutcome & {
  transport: "udp" | "tcp";
  target: string;
  /** Requests sent (UDP: 1 + retries used; TCP: 1). */
  attempts: number;
  elapsedMs: number;
  /** Hex of the Allocate request sent (unframed). */
  request: string;
  transactionId: string;
};

const hexOf = (b: Uint8Array) => Buffer.from(b.subarray(0, 512)).toString("hex");
const targetOf = (host: string, port: number) => (isIPv6(host) ? `[${host}]:${port}` : `${host}:${port}`);

function buildRequest(options: MsTurnProbeOptions): { tid: Buffer; request: Buffer } {
  const tid = options.transactionId ?? msTurnTransactionId(randomBytes(12));
  return { tid, request: encodeAllocateRequest({ transactionId: tid, msVersion: options.msVersion }) };
}

/**
 * UDP 3478: the Allocate, repeated at most `retries` times with doubling waits. An answer whose transaction ID is not
 * ours is ignored (it is not an answer to this request); anything else that arrives from the target ends the probe.
 */
export function probeUdp(options: MsTurnProbeOptions): Promise<MsTurnProbeResult> {
  const port = options.port ?? 3478;
  const retries = options.retries ?? MAX_UDP_RETRIES;
  if (!Number.isInteger(retries) || retries < 0 || retries > MAX_UDP_RETRIES) {
    return Promise.reject(new RangeError(`retries must be 0-${MAX_UDP_RETRIES} (one request per check, at most two retries), got ${retries}`));
  }
  const firstWait = options.timeoutMs ?? 500;
  const { tid, request } = buildRequest(options);
  const started = Date.now();
  const base = { transport: "udp" as const, target: targetOf(options.host, port), request: request.toString("hex"), transactionId: tid.toString("hex") };

  return new Promise((resolve) => {
    const socket: UdpSocket = createSocket(isIPv6(options.host) ? "udp6" : "udp4");
    let attempts = 0;
    let timer: NodeJS.Timeout | undefined;
    let done = false;
    const finish = (outcome: MsTurnProbeOutcome) => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      socket.close();
      resolve({ ...outcome, ...base, attempts, elapsedMs: Date.now() - started });
    };
    const send = () => {
      attempts++;
      socket.send(request, (err) => {
        if (err) finish(errorOutcome(err, "udp"));
      });
      const wait = firstWait * 2 ** (attempts - 1);
      timer = setTimeout(() => {
        if (attempts <= retries) send();
        else
          finish({
            outcome: "no-answer",
            detail: `no answer to ${attempts} request(s) within ${totalWait(firstWait, attempts)} ms (dropped, filtered, or ignored)`,
          });
      }, wait);
    };
    socket.on("error", (err) => finish(errorOutcome(err, "udp")));
    socket.on("message", (msg, rinfo) => {
      const from = targetOf(rinfo.address, rinfo.port);
      try {
        const answer = interpretAllocateAnswer(msg, tid);
        if (answer.kind === "unexpected" && answer.cause === "transaction-id") return; // not ours: keep waiting
        finish({ outcome: "answer", answer, from });
      } catch (e) {
        if (!(e instanceof MsTurnParseError)) throw e;
        finish({ outcome: "malformed", detail: e.message, bytes: hexOf(msg) });
      }
    });
    // connect(): only the target's datagrams are delivered, and ICMP port unreachable surfaces as ECONNREFUSED.
    socket.connect(port, options.host, () => send());
  });
}

const totalWait = (first: number, attempts: number) => first * (2 ** attempts - 1);

function errorOutcome(err: NodeJS.ErrnoException, transport: "udp" | "tcp"): MsTurnProbeOutcome {
  if (err.code === "ECONNREFUSED") {
    return {
      outcome: "unreachable",
      detail: transport === "udp" ? "ICMP port unreachable: nothing listens on that UDP port (or a firewall rejects)" : "TCP connection refused",
    };
  }
  if (err.code === "ECONNRESET") return { outcome: "unreachable", detail: "TCP connection reset" };
  return { outcome: "unreachable", detail: `${err.code ?? "error"}: ${err.message}` };
}

/**
 * TCP 443: connect, pseudo-TLS ClientHello, wait for the 83-byte ServerHello + ServerHelloDone, then the framed
 * Allocate; the first control frame with our transaction ID is the answer. Data frames are skipped.
 */
export function probeTcp(options: MsTurnProbeOptions): Promise<MsTurnProbeResult> {
  const port = options.port ?? 443;
  const timeoutMs = options.timeoutMs ?? 3000;
  const { tid, request } = buildRequest(options);
  const hello = encodePseudoTlsClientHello(options.clientRandom ?? randomBytes(32));
  const started = Date.now();
  const base = { transport: "tcp" as const, target: targetOf(options.host, port), request: request.toString("hex"), transactionId: tid.toString("hex") };

  return new Promise((resolve) => {
    let stage: "connecting" | "pseudo-tls" | "framed" = "connecting";
    let attempts = 0;
    let buffered = Buffer.alloc(0);
    let done = false;
    const socket: TcpSocket = tcpConnect({ host: options.host, port });
    const finish = (outcome: MsTurnProbeOutcome) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...outcome, ...base, attempts, elapsedMs: Date.now() - started });
    };
    const timer = setTimeout(() => {
      if (stage === "connecting") finish({ outcome: "unreachable", detail: `no TCP connection within ${timeoutMs} ms (filtered?)` });
      else if (stage === "pseudo-tls") finish({ outcome: "no-answer", detail: `connected, but no pseudo-TLS ServerHello within ${timeoutMs} ms` });
      else finish({ outcome: "no-answer", detail: `pseudo-TLS done, but no framed answer to the Allocate within ${timeoutMs} ms` });
    }, timeoutMs);

    socket.on("connect", () => {
      stage = "pseudo-tls";
      socket.write(hello);
    });
    socket.on("error", (err) => finish(errorOutcome(err, "tcp")));
    socket.on("close", () =>
      finish({
        outcome: "closed",
        detail:
          stage === "pseudo-tls"
            ? "the server closed the connection instead of answering the pseudo-TLS ClientHello"
            : "the server closed the connection before answering the Allocate",
      }),
    );
    socket.on("data", (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      try {
        if (stage === "pseudo-tls") {
          const r = readPseudoTlsServerHello(buffered);
          if (!r.complete) return;
          buffered = buffered.subarray(r.consumed);
          stage = "framed";
          attempts = 1;
          socket.write(frameTcp(request, FrameType.Control));
        }
        for (;;) {
          const f = readTcpFrame(buffered);
          if (!f.complete) return;
          buffered = buffered.subarray(f.consumed);
          if (f.type !== FrameType.Control) continue;
          const answer = interpretAllocateAnswer(f.payload, tid);
          if (answer.kind === "unexpected" && answer.cause === "transaction-id") continue;
          finish({ outcome: "answer", answer, from: targetOf(socket.remoteAddress ?? options.host, socket.remotePort ?? port) });
          return;
        }
      } catch (e) {
        if (!(e instanceof MsTurnParseError)) throw e;
        finish({ outcome: "malformed", detail: `${stage === "pseudo-tls" ? "pseudo-TLS" : "framed answer"}: ${e.message}`, bytes: hexOf(buffered) });
      }
    });
  });
}
