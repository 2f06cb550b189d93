/**
 * One TLS listener of a real Edge, seen from outside (`edge-lab probe`, probe-protocols.md §1.1, §3): the certificate
 * (subject, SANs in order, chain, expiry, key, signature algorithm, EKU), the TLS versions the server accepts, and
 * whether it asks for a client certificate.
 *
 * Library choice: node:tls (OpenSSL inside Node, no dependency) for everything a normal handshake gives, with
 * `rejectUnauthorized: false` so that an untrusted or expired certificate is still read and reported, and the chain
 * verdict taken from OpenSSL (`authorized` / `authorizationError`) against the caller's CA list or Node's bundled roots.
 * Versions are tried one connection at a time with minVersion = maxVersion, at OpenSSL security level 0 so that an
 * old Edge (TLS 1.0, SHA-1, small keys) is reported rather than refused by our side (§7: "report, don't fail").
 *
 * The MTLS case (federation, 5061): a server that demands a client certificate aborts the TLS 1.2 handshake after our
 * empty Certificate, and node:tls then gives no peer certificate. The probe then falls back to tls-records.ts: a
 * ClientHello of our own on a plain TCP socket, the server's first flight read up to ServerHelloDone (Certificate and
 * CertificateRequest are in clear in TLS 1.2), then close. `raw: "always"` also runs it on listeners that completed
 * the handshake, to learn whether they send a CertificateRequest anyway (open item 3).
 *
 * Politeness (§0): connections are sequential, one per TLS version plus at most one raw read, each bounded by
 * `timeoutMs`; no retries; a refused / unreachable TCP connection stops the remaining attempts; nothing is sent after
 * the handshake; no client certificate, no credentials.
 *
 * Not verified against a real Edge (probe-protocols.md §8):
 * VERIFY (item 3): whether a real Edge on 5061 aborts or completes without a client certificate, and whether 443 sends
 *   a CertificateRequest at all; both paths are handled, `raw: "always"` records the second.
 * VERIFY (item 3): SNI should not matter (one certificate per IP:port); call twice, with `servername: false` once.
 * VERIFY (§1.1): Schannel offers TLS 1.3 only on Windows Server 2022+, so a 1.3 "refused" is normal on older Edges;
 *   the TLS 1.3 certificate_required detection relies on the server's alert arriving within `verdictWaitMs`.
 * VERIFY (item 6): the EKU is reported (clientAuth matters for federation MTLS); what partners do with serverAuth-only
 *   certificates is not judged here.
 * VERIFY (§1.1, KB2880390): whether the CertificateRequest's CA list is empty on WS2012+ (SendTrustedIssuerList);
 *   `acceptableClientCas` reports what comes, an empty list included.
 *
 * Whether a version was accepted although the handshake then failed is told by node:tls's `keylog` event: OpenSSL
 * derives key material only after it has accepted the server's ServerHello (TLS 1.3: handshake secrets right after
 * ServerHello; TLS 1.2: the master secret after ServerHelloDone), so a keylog line means "the server chose this
 * version". The lines themselves are discarded.
 */
import { connect as netConnect, isIP } from "node:net";
import { connect as tlsConnect, rootCertificates, type DetailedPeerCertificate, type TLSSocket } from "node:tls";
import { X509Certificate } from "node:crypto";
import {
  buildClientHello,
  describeCertificate,
  describeIncompleteFlight,
  parseServerFlight,
  verifyChain,
  type CertificateInfo,
  type ServerFlight,
} from "./tls-records";

export type TlsVersionName = "TLSv1" | "TLSv1.1" | "TLSv1.2" | "TLSv1.3";
export const ALL_TLS_VERSIONS: readonly TlsVersionName[] = ["TLSv1.3", "TLSv1.2", "TLSv1.1", "TLSv1"];
const RAW_VERSION: Readonly<Record<string, 0x0301 | 0x0302 | 0x0303>> = { TLSv1: 0x0301, "TLSv1.1": 0x0302, "TLSv1.2": 0x0303 };

export const DEFAULT_TIMEOUT_MS = 5000;

export interface TlsProbeOptions {
  /** Address or name to connect to. */
  readonly host: string;
  readonly port: number;
  /** SNI name; default `host` when it is a name. `false`: send no SNI (open item 3: record both). */
  readonly servername?: string | false;
  /** Trusted CAs (PEM strings or DER buffers) for the chain verdict; default Node's bundled root store. */
  readonly ca?: readonly (string | Buffer)[];
  /** Per connection; default 5000 ms. */
  readonly timeoutMs?: number;
  /** Versions to try, default all four, highest first. */
  readonly versions?: readonly TlsVersionName[];
  /** Read the server flight from raw records: when no handshake completed (default), always, or never. */
  readonly raw?: "fallback" | "always" | "never";
  /**
   * TLS 1.3 only: how long to wait after our Finished for the server's verdict on the empty client certificate
   * (a `certificate_required` alert arrives after the client considers the handshake done). Default 500 ms.
   */
  readonly verdictWaitMs?: number;
}

export interface VersionAttempt {
  readonly version: TlsVersionName;
  /**
   * completed: handshake done; accepted: the server chose this version but the handshake then failed (typically the
   * client certificate it demands); refused: the server (or our OpenSSL) would not use this version; unreachable: no
   * TCP connection; timeout: no verdict within timeoutMs.
   */
  readonly outcome: "completed" | "accepted" | "refused" | "unreachable" | "timeout";
  readonly cipher?: string;
  /** The error message or code when not completed, or a post-handshake abort (TLS 1.3 certificate_required). */
  readonly error?: string;
}

export interface TlsObservation {
  readonly host: string;
  readonly port: number;
  readonly servername?: string;
  /** Where the certificate came from: a completed node:tls handshake, or the raw TLS 1.2 records. */
  readonly source?: "node:tls" | "records";
  /** Highest version that completed (node:tls) or that the raw ServerHello chose. */
  readonly negotiatedVersion?: string;
  readonly cipher?: string;
  readonly certificate?: CertificateInfo;
  /**
   * Leaf first. From raw records: exactly as sent. From node:tls: as OpenSSL reports it (getPeerCertificate(true)),
   * which is the verified chain, trust anchor included, when verification succeeded, and the chain as sent otherwise.
   */
  readonly chain: readonly CertificateInfo[];
  readonly chainOk: boolean;
  readonly chainError?: string;
  readonly trust: "given CAs" | "Node root store";
  /** The servername matches the leaf certificate (SAN, or CN when there is no DNS SAN); undefined without SNI. */
  readonly nameMatches?: boolean;
  /** true: a CertificateRequest was seen or a certificate_required alert came; false: raw flight had none; undefined: not known. */
  readonly clientCertificateRequested?: boolean;
  /** CA names in the CertificateRequest (Schannel's trusted issuer list, KB2464556). */
  readonly acceptableClientCas?: readonly string[];
  readonly versions: readonly VersionAttempt[];
  /** Problems that did not stop the probe (raw read failed, unreadable certificate...). */
  readonly notes: readonly string[];
}

interface NodeAttempt {
  readonly attempt: VersionAttempt;
  readonly chain?: Buffer[];
  readonly authorized?: boolean;
  readonly authorizationError?: string;
  readonly protocol?: string;
  readonly certificateRequired?: boolean;
}

const defaultServername = (host: string) => (isIP(host) === 0 ? host.replace(/\.$/, "") : undefined);

function peerChain(socket: TLSSocket): Buffer[] {
  const chain: Buffer[] = [];
  let cert: DetailedPeerCertificate | undefined = socket.getPeerCertificate(true);
  const seen = new Set<string>();
  while (cert && cert.raw && !seen.has(cert.fingerprint256) && chain.length < 20) {
    seen.add(cert.fingerprint256);
    chain.push(Buffer.from(cert.raw));
    cert = cert.issuerCertificate;
  }
  return chain;
}

/** One node:tls handshake pinned to one version. */
function tryVersion(o: TlsProbeOptions, version: TlsVersionName, servername: string | undefined): Promise<NodeAttempt> {
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve) => {
    let tcpConnected = false;
    let accepted = false;
    let completed: Omit<NodeAttempt, "attempt"> | undefined;
    let cipher: string | undefined;
    let ticketSeen = false;
    let settled = false;
    const finish = (r: NodeAttempt) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(verdictTimer);
      socket.destroy();
      resolve(r);
    };
    const socket = tlsConnect({
      host: o.host,
      port: o.port,
      servername,
      minVersion: version,
      maxVersion: version,
      // Level 0: read what the server offers even when today's defaults would refuse it (legacy Edge, §7).
      ciphers: "DEFAULT:@SECLEVEL=0",
      rejectUnauthorized: false,
      // The chain verdict alone: the host name is judged separately (nameMatches), against every SAN.
      checkServerIdentity: () => undefined,
      ca: o.ca ? [...o.ca] : undefined,
    });
    let verdictTimer: NodeJS.Timeout | undefined;
    // The handshake's result as the attempt's outcome (with the cipher as agreed by then).
    const finishCompleted = (done: Omit<NodeAttempt, "attempt">) => finish({ attempt: { version, outcome: "completed", cipher }, ...done });
    const timer = setTimeout(() => {
      if (completed) finishCompleted(completed);
      else finish({ attempt: { version, outcome: tcpConnected ? "timeout" : "unreachable", error: `no answer within ${timeoutMs} ms` } });
    }, timeoutMs);
    socket.once("connect", () => (tcpConnected = true));
    socket.on("keylog", () => (accepted = true));
    socket.once("secureConnect", () => {
      cipher = socket.getCipher()?.standardName ?? socket.getCipher()?.name;
      completed = {
        chain: peerChain(socket),
        authorized: socket.authorized,
        authorizationError: socket.authorizationError ? String(socket.authorizationError) : undefined,
        protocol: socket.getProtocol() ?? undefined,
      };
      const done = completed;
      // TLS 1.3: a server demanding a client certificate answers our empty one with an alert after this point. A
      // session ticket is its verdict the other way: a server sends NewSessionTicket only after it has taken our
      // Finished (and the empty certificate before it), so no alert can follow it. Servers that send no ticket are
      // given verdictWaitMs.
      if (version === "TLSv1.3" && !ticketSeen) verdictTimer = setTimeout(() => finishCompleted(done), o.verdictWaitMs ?? 500);
      else finishCompleted(done);
    });
    socket.on("session", () => {
      ticketSeen = true;
      if (completed) finishCompleted(completed);
    });
    socket.on("data", () => undefined); // keep reading so that a post-handshake alert surfaces as an error
    socket.once("error", (e: NodeJS.ErrnoException) => {
      // OpenSSL errors carry a short `reason` ("tlsv13 alert certificate required"); the message adds file and line noise.
      const reason = (e as { reason?: string }).reason;
      const error = e.code && reason ? `${e.code} (${reason})` : e.message;
      const certificateRequired = /CERTIFICATE_REQUIRED|certificate required/i.test(error);
      if (completed) finish({ attempt: { version, outcome: "completed", cipher, error }, ...completed, certificateRequired });
      else if (!tcpConnected) finish({ attempt: { version, outcome: "unreachable", error } });
      else finish({ attempt: { version, outcome: accepted ? "accepted" : "refused", error }, certificateRequired });
    });
    socket.once("close", () => {
      if (completed) finishCompleted(completed);
      else
        finish({ attempt: { version, outcome: accepted ? "accepted" : tcpConnected ? "refused" : "unreachable", error: "connection closed by the server" } });
    });
  });
}

/**
 * Sends one ClientHello (TLS ≤ 1.2) on a plain TCP connection and reads the server's first flight up to
 * ServerHelloDone or an alert, then closes. Rejects with a message on timeout, early close or malformed records.
 */
export function readServerFlight(o: {
  host: string;
  port: number;
  servername?: string;
  version?: 0x0301 | 0x0302 | 0x0303;
  timeoutMs?: number;
}): Promise<ServerFlight> {
  const timeoutMs = o.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  return new Promise((resolve, reject) => {
    let data = Buffer.alloc(0);
    let settled = false;
    const where = `${o.host}:${o.port}`;
    const done = (err: Error | undefined, flight?: ServerFlight) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (err) reject(err);
      else resolve(flight as ServerFlight);
    };
    const socket = netConnect({ host: o.host, port: o.port }, () => socket.write(buildClientHello({ serverName: o.servername, version: o.version })));
    const timer = setTimeout(
      () => done(new Error(`${where}: no complete TLS server flight within ${timeoutMs} ms (${describeIncompleteFlight(data)})`)),
      timeoutMs,
    );
    socket.on("data", (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      try {
        const flight = parseServerFlight(data);
        if (flight.complete) done(undefined, flight);
      } catch (e) {
        done(new Error(`${where}: ${(e as Error).message}`));
      }
    });
    socket.once("error", (e) => done(new Error(`${where}: ${e.message}`)));
    socket.once("end", () => {
      try {
        const flight = parseServerFlight(data);
        if (flight.complete) return done(undefined, flight);
      } catch (e) {
        return done(new Error(`${where}: ${(e as Error).message}`));
      }
      done(new Error(`${where}: the server closed the connection ${describeIncompleteFlight(data)}`));
    });
  });
}

function describeChain(ders: readonly Buffer[], notes: string[]): CertificateInfo[] {
  const out: CertificateInfo[] = [];
  for (const [i, der] of ders.entries()) {
    try {
      out.push(describeCertificate(der));
    } catch (e) {
      notes.push(`certificate ${i}: ${(e as Error).message}`);
    }
  }
  return out;
}

/** Probes one TLS listener (see the file comment); never throws for network problems, they are in the observation. */
export async function probeTls(o: TlsProbeOptions): Promise<TlsObservation> {
  const servername = o.servername === false ? undefined : (o.servername ?? defaultServername(o.host));
  const notes: string[] = [];
  const versions: VersionAttempt[] = [];
  const attempts: NodeAttempt[] = [];
  for (const v of o.versions ?? ALL_TLS_VERSIONS) {
    const a = await tryVersion(o, v, servername);
    attempts.push(a);
    versions.push(a.attempt);
    if (a.attempt.outcome === "unreachable") break; // no TCP connection: the other versions would not get one either
  }
  const best = attempts.find((a) => a.attempt.outcome === "completed" && a.chain && a.chain.length > 0);
  let clientCertificateRequested: boolean | undefined = attempts.some((a) => a.certificateRequired) ? true : undefined;
  let acceptableClientCas: string[] | undefined;
  const trust = o.ca ? "given CAs" : "Node root store";

  // The raw read: TLS 1.2 (or the highest older version the server accepted).
  const rawVersionName = (["TLSv1.2", "TLSv1.1", "TLSv1"] as const).find((v) =>
    versions.some((a) => a.version === v && (a.outcome === "accepted" || a.outcome === "completed")),
  );
  const wantRaw = o.raw === "always" || ((o.raw ?? "fallback") === "fallback" && !best);
  let flight: ServerFlight | undefined;
  if (wantRaw && versions.some((a) => a.outcome !== "unreachable")) {
    try {
      flight = await readServerFlight({ host: o.host, port: o.port, servername, version: RAW_VERSION[rawVersionName ?? "TLSv1.2"], timeoutMs: o.timeoutMs });
      if (flight.serverHello) {
        clientCertificateRequested = clientCertificateRequested || flight.certificateRequest !== undefined;
        acceptableClientCas = flight.certificateRequest ? [...flight.certificateRequest.authorityNames] : undefined;
      }
      if (flight.alert && !flight.serverHello) notes.push(`raw ClientHello answered with alert ${flight.alert.name}`);
      if (flight.encrypted) notes.push("raw ClientHello: the server went to encrypted records (TLS 1.3?), no certificate in clear");
    } catch (e) {
      notes.push(`raw read: ${(e as Error).message}`);
    }
  }

  const base = { host: o.host, port: o.port, servername, trust, versions, notes, clientCertificateRequested, acceptableClientCas } as const;
  if (best) {
    const chain = describeChain(best.chain ?? [], notes);
    return {
      ...base,
      source: "node:tls",
      negotiatedVersion: best.protocol,
      cipher: best.attempt.cipher,
      certificate: chain[0],
      chain,
      chainOk: best.authorized === true,
      chainError: best.authorized ? undefined : best.authorizationError,
      nameMatches: nameMatches(best.chain?.[0], servername),
    };
  }
  if (flight && flight.certificates.length > 0) {
    const chain = describeChain(flight.certificates, notes);
    let verdict: { ok: boolean; error?: string };
    try {
      verdict = verifyChain(flight.certificates, o.ca ?? rootCertificates);
    } catch (e) {
      verdict = { ok: false, error: (e as Error).message };
    }
    return {
      ...base,
      source: "records",
      negotiatedVersion: flight.serverHello?.versionName,
      cipher: flight.serverHello?.cipherName,
      certificate: chain[0],
      chain,
      chainOk: verdict.ok,
      chainError: verdict.error,
      nameMatches: nameMatches(flight.certificates[0], servername),
    };
  }
  return { ...base, chain: [], chainOk: false, chainError: "no certificate was read" };
}

function nameMatches(leaf: Buffer | undefined, servername: string | undefined): boolean | undefined {
  if (!leaf || !servername) return undefined;
  try {
    return new X509Certificate(leaf).checkHost(servername) !== undefined;
  } catch {
    return false;
  }
}
