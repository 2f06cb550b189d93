/**
 * TLS records without a TLS library, for `edge-lab probe` on a listener that asks for a client certificate (the Access
 * Edge's federation port 5061 is MTLS): node:tls would fail the handshake when the server aborts after its
 * CertificateRequest and never hand out the peer certificate. In TLS 1.2 the server's first flight (ServerHello,
 * Certificate, ServerKeyExchange, CertificateRequest, ServerHelloDone) is sent in clear before the client answers
 * (RFC 5246 §7.3), so a probe sends {@link buildClientHello}, reads bytes until {@link parseServerFlight} says the
 * flight is complete, and closes: no key exchange, no client certificate, no credentials
 * (docs: the probe protocol reference (probe-protocols.md) §1.1).
 *
 * Pure functions only (no sockets): the caller (tls-probe.ts) owns the I/O. Every length read from the wire is checked
 * against the bytes actually present; malformed input throws {@link TlsParseError} with the offset and what was wrong.
 *
 * Certificates are decoded with node:crypto's X509Certificate where it helps (key type and size, checkIssued / verify
 * for the chain). What X509Certificate in Node 20 does not expose is read from the DER here, with a small bounded
 * ASN.1 reader: the signature algorithm (no accessor in Node 20), SANs as typed values in certificate order (Node gives
 * only a display string whose quoting rules changed between releases), the validity as dates (Node gives display
 * strings), and the extended key usage (Node's `keyUsage` property *is* the EKU OID list despite its name; the
 * KeyUsage bits are not exposed at all). Distinguished names are rendered from the DER as well so the subject and the
 * CertificateRequest's CA names read the same way.
 */
import { X509Certificate, randomBytes } from "node:crypto";
import { isIP } from "node:net";

/** Malformed or unexpected bytes: the message names the structure, the offset and the problem. */
export class TlsParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TlsParseError";
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Names for the numbers on the wire

export const TLS_VERSIONS: Readonly<Record<number, string>> = {
  0x0300: "SSLv3",
  0x0301: "TLSv1",
  0x0302: "TLSv1.1",
  0x0303: "TLSv1.2",
  0x0304: "TLSv1.3",
};

/** Cipher suites offered by {@link buildClientHello} (IANA names), plus the TLS 1.3 ones for reporting. */
export const CIPHER_SUITES: Readonly<Record<number, string>> = {
  0xc02b: "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
  0xc02f: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
  0xc02c: "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
  0xc030: "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
  0xcca9: "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
  0xcca8: "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
  0xc023: "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
  0xc027: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
  0xc024: "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
  0xc028: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
  0xc009: "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
  0xc013: "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
  0xc00a: "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
  0xc014: "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
  0x009e: "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
  0x009f: "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
  0x009c: "TLS_RSA_WITH_AES_128_GCM_SHA256",
  0x009d: "TLS_RSA_WITH_AES_256_GCM_SHA384",
  0x003c: "TLS_RSA_WITH_AES_128_CBC_SHA256",
  0x003d: "TLS_RSA_WITH_AES_256_CBC_SHA256",
  0x002f: "TLS_RSA_WITH_AES_128_CBC_SHA",
  0x0035: "TLS_RSA_WITH_AES_256_CBC_SHA",
  0x000a: "TLS_RSA_WITH_3DES_EDE_CBC_SHA",
  0x1301: "TLS_AES_128_GCM_SHA256",
  0x1302: "TLS_AES_256_GCM_SHA384",
  0x1303: "TLS_CHACHA20_POLY1305_SHA256",
};

/**
 * The suites a probe offers, modern first, then the CBC and plain-RSA suites an unpatched Windows Server 2008 R2 /
 * 2012 Schannel may still insist on (probe-protocols.md §7: "offer TLS 1.0–1.3 and legacy suites when reading
 * certificates"). The handshake is never completed, so offering weak suites exposes nothing.
 */
const OFFERED_SUITES: readonly number[] = [
  0xc02b, 0xc02f, 0xc02c, 0xc030, 0xcca9, 0xcca8, 0xc023, 0xc027, 0xc024, 0xc028, 0xc009, 0xc013, 0xc00a, 0xc014, 0x009e, 0x009f, 0x009c, 0x009d, 0x003c,
  0x003d, 0x002f, 0x0035, 0x000a,
];

export const ALERT_DESCRIPTIONS: Readonly<Record<number, string>> = {
  0: "close_notify",
  10: "unexpected_message",
  20: "bad_record_mac",
  22: "record_overflow",
  40: "handshake_failure",
  42: "bad_certificate",
  43: "unsupported_certificate",
  44: "certificate_revoked",
  45: "certificate_expired",
  46: "certificate_unknown",
  47: "illegal_parameter",
  48: "unknown_ca",
  49: "access_denied",
  50: "decode_error",
  51: "decrypt_error",
  70: "protocol_version",
  71: "insufficient_security",
  80: "internal_error",
  86: "inappropriate_fallback",
  90: "user_canceled",
  100: "no_renegotiation",
  109: "missing_extension",
  110: "unsupported_extension",
  112: "unrecognized_name",
  116: "certificate_required",
  120: "no_application_protocol",
};

const HANDSHAKE_TYPES: Readonly<Record<number, string>> = {
  0: "HelloRequest",
  1: "ClientHello",
  2: "ServerHello",
  4: "NewSessionTicket",
  8: "EncryptedExtensions",
  11: "Certificate",
  12: "ServerKeyExchange",
  13: "CertificateRequest",
  14: "ServerHelloDone",
  22: "CertificateStatus",
};

/** SignatureScheme code points (RFC 8446 §4.2.3; the 0x0n01/0x0n03 values are TLS 1.2 hash/signature pairs). */
export const SIGNATURE_SCHEMES: Readonly<Record<number, string>> = {
  0x0201: "rsa_pkcs1_sha1",
  0x0203: "ecdsa_sha1",
  0x0401: "rsa_pkcs1_sha256",
  0x0403: "ecdsa_secp256r1_sha256",
  0x0501: "rsa_pkcs1_sha384",
  0x0503: "ecdsa_secp384r1_sha384",
  0x0601: "rsa_pkcs1_sha512",
  0x0603: "ecdsa_secp521r1_sha512",
  0x0804: "rsa_pss_rsae_sha256",
  0x0805: "rsa_pss_rsae_sha384",
  0x0806: "rsa_pss_rsae_sha512",
  0x0807: "ed25519",
  0x0808: "ed448",
  0x0809: "rsa_pss_pss_sha256",
  0x080a: "rsa_pss_pss_sha384",
  0x080b: "rsa_pss_pss_sha512",
};

const hex4 = (n: number) => `0x${n.toString(16).padStart(4, "0")}`;
export const versionName = (v: number) => TLS_VERSIONS[v] ?? hex4(v);
export const cipherName = (c: number) => CIPHER_SUITES[c] ?? hex4(c);
const alertName = (d: number) => ALERT_DESCRIPTIONS[d] ?? `alert ${d}`;

// ---------------------------------------------------------------------------------------------------------------
// ClientHello

export interface ClientHelloOptions {
  /** Host name for SNI; omitted when undefined, empty or an IP literal (RFC 6066 §3 forbids IP addresses). */
  readonly serverName?: string;
  /** client_version: 0x0303 (TLS 1.2, default), 0x0302 (1.1) or 0x0301 (1.0). TLS 1.3 is not offered (no supported_versions). */
  readonly version?: 0x0301 | 0x0302 | 0x0303;
  /** 32 bytes; random when not given (tests pass a fixed value). */
  readonly random?: Buffer;
}

const u8 = (n: number) => Buffer.from([n & 0xff]);
const u16 = (n: number) => Buffer.from([(n >> 8) & 0xff, n & 0xff]);
const u24 = (n: number) => Buffer.from([(n >> 16) & 0xff, (n >> 8) & 0xff, n & 0xff]);
const vec8 = (b: Buffer) => Buffer.concat([u8(b.length), b]);
const vec16 = (b: Buffer) => Buffer.concat([u16(b.length), b]);
const ext = (type: number, body: Buffer) => Buffer.concat([u16(type), vec16(body)]);
const list16 = (values: readonly number[]) => Buffer.concat(values.map(u16));

const HOSTNAME = /^(?=.{1,253}$)([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9])?)*$/;

/** True for a DNS host name (labels of letters, digits, '-', '_'; no trailing dot): what SNI and SIP URIs accept here. */
export const isHostName = (name: string) => HOSTNAME.test(name);

/**
 * A complete TLS record holding one ClientHello: TLS 1.2 (or the given older version), the suites of
 * {@link CIPHER_SUITES}, SNI, supported_groups x25519/P-256/P-384, uncompressed points, signature_algorithms,
 * extended_master_secret and the renegotiation SCSV. No session ticket, no ALPN, no supported_versions: a server
 * answers with its TLS ≤ 1.2 first flight in clear.
 */
export function buildClientHello(options: ClientHelloOptions = {}): Buffer {
  const version = options.version ?? 0x0303;
  if (![0x0301, 0x0302, 0x0303].includes(version)) throw new TlsParseError(`ClientHello: unsupported version ${hex4(version)}`);
  const random = options.random ?? randomBytes(32);
  if (random.length !== 32) throw new TlsParseError(`ClientHello: random must be 32 bytes, got ${random.length}`);
  const serverName = options.serverName?.replace(/\.$/, "");
  const extensions: Buffer[] = [];
  if (serverName && isIP(serverName) === 0) {
    if (!isHostName(serverName)) throw new TlsParseError(`ClientHello: "${serverName}" is not a host name for SNI`);
    const name = Buffer.from(serverName, "ascii");
    extensions.push(ext(0, vec16(Buffer.concat([u8(0), vec16(name)]))));
  }
  extensions.push(ext(10, vec16(list16([0x001d, 0x0017, 0x0018]))));
  extensions.push(ext(11, vec8(u8(0))));
  extensions.push(ext(13, vec16(list16([0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0403, 0x0503, 0x0603, 0x0201, 0x0203]))));
  extensions.push(ext(23, Buffer.alloc(0)));
  const suites = [...OFFERED_SUITES, 0x00ff];
  const body = Buffer.concat([u16(version), random, vec8(Buffer.alloc(0)), vec16(list16(suites)), vec8(u8(0)), vec16(Buffer.concat(extensions))]);
  const handshake = Buffer.concat([u8(1), u24(body.length), body]);
  // Record version 0x0301 as browsers send it: some old servers drop a first record marked 1.2.
  return Buffer.concat([u8(22), u16(0x0301), u16(handshake.length), handshake]);
}

// ---------------------------------------------------------------------------------------------------------------
// Server flight

export interface ServerHelloInfo {
  /** server_version, or the supported_versions extension's choice when present (TLS 1.3). */
  readonly version: number;
  readonly versionName: string;
  readonly cipherSuite: number;
  readonly cipherName: string;
  readonly compression: number;
  readonly sessionId: Buffer;
  readonly extensionTypes: readonly number[];
}

export interface CertificateRequestInfo {
  /** ClientCertificateType values (1 rsa_sign, 2 dss_sign, 64 ecdsa_sign). */
  readonly certificateTypes: readonly number[];
  /** TLS 1.2 only; empty before. */
  readonly signatureAlgorithms: readonly string[];
  /** The certificate_authorities list: DER distinguished names (what Schannel's "trusted issuer list" sends). */
  readonly authorities: readonly Buffer[];
  /** The same names rendered (see {@link distinguishedName}); unreadable ones as "#<hex>". */
  readonly authorityNames: readonly string[];
}

export interface AlertInfo {
  readonly level: "warning" | "fatal" | number;
  readonly description: number;
  readonly name: string;
}

export interface ServerFlight {
  /** Nothing more to read: ServerHelloDone, a fatal alert, or the server switched to encrypted records. */
  readonly complete: boolean;
  readonly serverHello?: ServerHelloInfo;
  /** The Certificate message's DER certificates in the order sent (leaf first). Empty when none was seen. */
  readonly certificates: readonly Buffer[];
  readonly certificateRequest?: CertificateRequestInfo;
  readonly serverKeyExchange: boolean;
  readonly serverHelloDone: boolean;
  readonly alert?: AlertInfo;
  /** ChangeCipherSpec or application data before ServerHelloDone (TLS 1.3 or a resumed session): nothing more in clear. */
  readonly encrypted: boolean;
  /** Handshake message names in arrival order. */
  readonly messages: readonly string[];
  /** Bytes of complete records consumed. */
  readonly consumed: number;
}

/** Upper bound on what a probe buffers from one server (a long chain is ~10 KiB; CA lists can be a few hundred names). */
export const MAX_FLIGHT_BYTES = 256 * 1024;
/** RFC 5246 §6.2.3: a record's ciphertext is at most 2^14 + 2048 bytes. */
const MAX_RECORD = 16384 + 2048;

function printablePrefix(b: Buffer): string {
  const text = b.subarray(0, 24).toString("latin1");
  return /^[\x20-\x7e\r\n]+$/.test(text) ? JSON.stringify(text) : b.subarray(0, 8).toString("hex");
}

/** Sequential reader over one buffer whose every read is bounds-checked against `end`. */
class Reader {
  constructor(
    private readonly buf: Buffer,
    public pos: number,
    private readonly end: number,
    private readonly what: string,
  ) {}
  get remaining() {
    return this.end - this.pos;
  }
  private need(n: number, field: string) {
    if (n > this.remaining) throw new TlsParseError(`${this.what}: ${field} needs ${n} bytes at offset ${this.pos}, only ${this.remaining} left`);
  }
  u8(field: string) {
    this.need(1, field);
    return this.buf[this.pos++];
  }
  u16(field: string) {
    this.need(2, field);
    const v = this.buf.readUInt16BE(this.pos);
    this.pos += 2;
    return v;
  }
  u24(field: string) {
    this.need(3, field);
    const v = (this.buf[this.pos] << 16) | this.buf.readUInt16BE(this.pos + 1);
    this.pos += 3;
    return v;
  }
  bytes(n: number, field: string) {
    this.need(n, field);
    const b = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return b;
  }
  vec8(field: string) {
    return this.bytes(this.u8(`${field} length`), field);
  }
  vec16(field: string) {
    return this.bytes(this.u16(`${field} length`), field);
  }
  vec24(field: string) {
    return this.bytes(this.u24(`${field} length`), field);
  }
  done(field: string) {
    if (this.remaining !== 0) throw new TlsParseError(`${this.what}: ${this.remaining} unexpected bytes after ${field} at offset ${this.pos}`);
  }
}

function parseServerHello(body: Buffer): ServerHelloInfo {
  const r = new Reader(body, 0, body.length, "ServerHello");
  let version = r.u16("server_version");
  if (version >> 8 !== 3) throw new TlsParseError(`ServerHello: server_version ${hex4(version)} is not SSL 3 / TLS`);
  r.bytes(32, "random");
  const sessionId = r.vec8("session_id");
  if (sessionId.length > 32) throw new TlsParseError(`ServerHello: session_id of ${sessionId.length} bytes (at most 32)`);
  const cipherSuite = r.u16("cipher_suite");
  const compression = r.u8("compression_method");
  const extensionTypes: number[] = [];
  if (r.remaining > 0) {
    const exts = r.vec16("extensions");
    r.done("extensions");
    const e = new Reader(exts, 0, exts.length, "ServerHello extensions");
    while (e.remaining > 0) {
      const type = e.u16("extension type");
      const data = e.vec16(`extension ${type}`);
      extensionTypes.push(type);
      if (type === 43) {
        if (data.length !== 2) throw new TlsParseError(`ServerHello: supported_versions of ${data.length} bytes (expected 2)`);
        version = data.readUInt16BE(0);
      }
    }
  }
  return { version, versionName: versionName(version), cipherSuite, cipherName: cipherName(cipherSuite), compression, sessionId, extensionTypes };
}

function parseCertificateList(body: Buffer): Buffer[] {
  const r = new Reader(body, 0, body.length, "Certificate");
  const list = r.vec24("certificate_list");
  r.done("certificate_list");
  const l = new Reader(list, 0, list.length, "Certificate list");
  const certs: Buffer[] = [];
  while (l.remaining > 0) {
    const der = l.vec24(`certificate ${certs.length}`);
    if (der.length === 0) throw new TlsParseError(`Certificate: certificate ${certs.length} is empty`);
    certs.push(Buffer.from(der));
  }
  return certs;
}

function parseCertificateRequest(body: Buffer, version: number | undefined): CertificateRequestInfo {
  const r = new Reader(body, 0, body.length, "CertificateRequest");
  const certificateTypes = [...r.vec8("certificate_types")];
  const signatureAlgorithms: string[] = [];
  if (version !== undefined && version >= 0x0303) {
    const algs = r.vec16("supported_signature_algorithms");
    if (algs.length % 2) throw new TlsParseError(`CertificateRequest: supported_signature_algorithms has odd length ${algs.length}`);
    for (let i = 0; i < algs.length; i += 2) signatureAlgorithms.push(SIGNATURE_SCHEMES[algs.readUInt16BE(i)] ?? hex4(algs.readUInt16BE(i)));
  }
  const cas = r.vec16("certificate_authorities");
  r.done("certificate_authorities");
  const c = new Reader(cas, 0, cas.length, "CertificateRequest authorities");
  const authorities: Buffer[] = [];
  while (c.remaining > 0) authorities.push(Buffer.from(c.vec16(`authority ${authorities.length}`)));
  const authorityNames = authorities.map((dn) => {
    try {
      return distinguishedName(dn);
    } catch {
      return `#${dn.toString("hex")}`;
    }
  });
  return { certificateTypes, signatureAlgorithms, authorities, authorityNames };
}

/**
 * Parses the server's bytes received so far (from the first byte the server sent). Returns what was read; `complete`
 * false means "read more" (a record or a handshake message is still partial). Throws TlsParseError for bytes that
 * cannot be a TLS server flight: a record type other than handshake / alert / change_cipher_spec / application_data,
 * a record version not 3.x, a record longer than RFC 5246 allows, a handshake message whose inner lengths disagree,
 * more than {@link MAX_FLIGHT_BYTES} without ServerHelloDone, or a first message that is not a ServerHello.
 */
export function parseServerFlight(data: Buffer): ServerFlight {
  let pos = 0;
  let handshake = Buffer.alloc(0);
  let hsPos = 0;
  const messages: string[] = [];
  let serverHello: ServerHelloInfo | undefined;
  let certificates: Buffer[] = [];
  let certificateRequest: CertificateRequestInfo | undefined;
  let serverKeyExchange = false;
  let serverHelloDone = false;
  let alert: AlertInfo | undefined;
  let encrypted = false;
  const result = (complete: boolean): ServerFlight => ({
    complete,
    serverHello,
    certificates,
    certificateRequest,
    serverKeyExchange,
    serverHelloDone,
    alert,
    encrypted,
    messages,
    consumed: pos,
  });

  while (pos + 5 <= data.length) {
    const type = data[pos];
    const major = data[pos + 1];
    const length = data.readUInt16BE(pos + 3);
    if (![20, 21, 22, 23].includes(type)) {
      throw new TlsParseError(`not a TLS record at offset ${pos}: content type ${type} (the server sent ${printablePrefix(data.subarray(pos))})`);
    }
    if (major !== 3) throw new TlsParseError(`TLS record at offset ${pos}: version ${hex4(data.readUInt16BE(pos + 1))} is not 3.x`);
    if (length > MAX_RECORD) throw new TlsParseError(`TLS record at offset ${pos}: length ${length} exceeds ${MAX_RECORD}`);
    if (length === 0 && type !== 23) throw new TlsParseError(`TLS record at offset ${pos}: empty ${type === 21 ? "alert" : "handshake"} record`);
    if (pos + 5 + length > data.length) break; // partial record: read more
    const fragment = data.subarray(pos + 5, pos + 5 + length);
    pos += 5 + length;

    if (type === 21) {
      if (length !== 2) throw new TlsParseError(`alert record of ${length} bytes (expected 2; an encrypted alert?)`);
      const level = fragment[0] === 1 ? "warning" : fragment[0] === 2 ? "fatal" : fragment[0];
      alert = { level, description: fragment[1], name: alertName(fragment[1]) };
      if (level !== "warning" || fragment[1] === 0) return result(true);
      continue;
    }
    if (type === 20 || type === 23) {
      encrypted = true;
      return result(true);
    }
    // Handshake: messages may span records and records may hold several messages.
    handshake = Buffer.concat([handshake.subarray(hsPos), fragment]);
    hsPos = 0;
    while (hsPos + 4 <= handshake.length) {
      const msgType = handshake[hsPos];
      const msgLen = (handshake[hsPos + 1] << 16) | handshake.readUInt16BE(hsPos + 2);
      if (msgLen > MAX_FLIGHT_BYTES)
        throw new TlsParseError(`handshake message ${HANDSHAKE_TYPES[msgType] ?? msgType} claims ${msgLen} bytes (limit ${MAX_FLIGHT_BYTES})`);
      if (hsPos + 4 + msgLen > handshake.length) break;
      const body = handshake.subarray(hsPos + 4, hsPos + 4 + msgLen);
      hsPos += 4 + msgLen;
      const name = HANDSHAKE_TYPES[msgType] ?? `handshake type ${msgType}`;
      if (messages.length === 0 && msgType !== 2) throw new TlsParseError(`the server's first handshake message is ${name}, not ServerHello`);
      messages.push(name);
      if (msgType === 2) {
        if (serverHello) throw new TlsParseError("a second ServerHello");
        serverHello = parseServerHello(body);
        if (serverHello.version >= 0x0304) {
          // TLS 1.3 (a server that ignores our missing supported_versions): everything after ServerHello is encrypted.
          encrypted = true;
          return result(true);
        }
      } else if (msgType === 11) certificates = parseCertificateList(body);
      else if (msgType === 12) serverKeyExchange = true;
      else if (msgType === 13) certificateRequest = parseCertificateRequest(body, serverHello?.version);
      else if (msgType === 14) {
        if (msgLen !== 0) throw new TlsParseError(`ServerHelloDone with ${msgLen} bytes of body (expected 0)`);
        serverHelloDone = true;
        return result(true);
      }
    }
    if (pos > MAX_FLIGHT_BYTES) throw new TlsParseError(`no ServerHelloDone within ${MAX_FLIGHT_BYTES} bytes`);
  }
  if (data.length > MAX_FLIGHT_BYTES) throw new TlsParseError(`no ServerHelloDone within ${MAX_FLIGHT_BYTES} bytes`);
  return result(false);
}

/** Why a flight that ended early is incomplete, for error messages: "after ServerHello, Certificate (12 bytes of a partial record)". */
export function describeIncompleteFlight(data: Buffer): string {
  try {
    const f = parseServerFlight(data);
    const seen = f.messages.length ? `after ${f.messages.join(", ")}` : "before any handshake message";
    const partial = data.length - f.consumed;
    return `${seen}${partial ? ` (${partial} bytes of a partial record)` : ""}`;
  } catch (e) {
    return (e as Error).message;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// DER (just enough for certificates and distinguished names)

interface Tlv {
  readonly tag: number;
  /** Offset of the value. */
  readonly start: number;
  /** Offset after the value. */
  readonly end: number;
}

function readTlv(buf: Buffer, pos: number, end: number, what: string): Tlv {
  if (pos + 2 > end) throw new TlsParseError(`DER ${what}: truncated header at offset ${pos}`);
  const tag = buf[pos];
  if ((tag & 0x1f) === 0x1f) throw new TlsParseError(`DER ${what}: multi-byte tag at offset ${pos} not supported`);
  let len = buf[pos + 1];
  let start = pos + 2;
  if (len & 0x80) {
    const n = len & 0x7f;
    if (n === 0) throw new TlsParseError(`DER ${what}: indefinite length at offset ${pos} (not DER)`);
    if (n > 4) throw new TlsParseError(`DER ${what}: ${n}-byte length at offset ${pos}`);
    if (start + n > end) throw new TlsParseError(`DER ${what}: truncated length at offset ${pos}`);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + buf[start + i];
    start += n;
  }
  if (start + len > end) throw new TlsParseError(`DER ${what}: value of ${len} bytes at offset ${start} runs past the end (${end})`);
  return { tag, start, end: start + len };
}

function children(buf: Buffer, tlv: Tlv, what: string): Tlv[] {
  const out: Tlv[] = [];
  for (let p = tlv.start; p < tlv.end;) {
    const c = readTlv(buf, p, tlv.end, what);
    out.push(c);
    p = c.end;
  }
  return out;
}

function expectTag(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (!t) throw new TlsParseError(`DER ${what}: missing`);
  if (t.tag !== tag) throw new TlsParseError(`DER ${what}: tag 0x${t.tag.toString(16)} (expected 0x${tag.toString(16)})`);
  return t;
}

function oid(buf: Buffer, t: Tlv): string {
  const b = buf.subarray(t.start, t.end);
  if (b.length === 0) throw new TlsParseError("DER OID: empty");
  const parts: number[] = [];
  let v = 0;
  for (let i = 0; i < b.length; i++) {
    v = v * 128 + (b[i] & 0x7f);
    if (v > Number.MAX_SAFE_INTEGER / 128) throw new TlsParseError("DER OID: component too large");
    if (!(b[i] & 0x80)) {
      if (parts.length === 0) parts.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else parts.push(v);
      v = 0;
    } else if (i === b.length - 1) throw new TlsParseError("DER OID: last byte has the continuation bit");
  }
  return parts.join(".");
}

const NAME_ATTRIBUTES: Readonly<Record<string, string>> = {
  "2.5.4.3": "CN",
  "2.5.4.5": "serialNumber",
  "2.5.4.6": "C",
  "2.5.4.7": "L",
  "2.5.4.8": "ST",
  "2.5.4.9": "street",
  "2.5.4.10": "O",
  "2.5.4.11": "OU",
  "0.9.2342.19200300.100.1.25": "DC",
  "1.2.840.113549.1.9.1": "emailAddress",
};

function directoryString(buf: Buffer, t: Tlv): string {
  const b = buf.subarray(t.start, t.end);
  switch (t.tag) {
    case 0x0c: // UTF8String
      return b.toString("utf8");
    case 0x13: // PrintableString
    case 0x16: // IA5String
    case 0x12: // NumericString
      return b.toString("ascii");
    case 0x14: // TeletexString: treated as Latin-1, as most software does
      return b.toString("latin1");
    case 0x1e: {
      // BMPString: UTF-16BE
      if (b.length % 2) throw new TlsParseError("DER BMPString of odd length");
      const le = Buffer.from(b);
      le.swap16();
      return le.toString("utf16le");
    }
    default:
      return `#${b.toString("hex")}`;
  }
}

/** Renders a DER Name ("C=US, O=Contoso, CN=sip.contoso.com", in certificate order, as `openssl -nameopt oneline`). */
export function distinguishedName(der: Buffer, tlv?: Tlv): string {
  const name = expectTag(tlv ?? readTlv(der, 0, der.length, "Name"), 0x30, "Name");
  return children(der, name, "Name RDN")
    .flatMap((rdn) =>
      children(der, expectTag(rdn, 0x31, "RDN"), "RDN attribute").map((atv) => {
        const [type, value] = children(der, expectTag(atv, 0x30, "AttributeTypeAndValue"), "AttributeTypeAndValue");
        const id = oid(der, expectTag(type, 0x06, "attribute type"));
        if (!value) throw new TlsParseError("DER AttributeTypeAndValue: missing value");
        return `${NAME_ATTRIBUTES[id] ?? id}=${directoryString(der, value)}`;
      }),
    )
    .join(", ");
}

function commonName(der: Buffer, tlv: Tlv): string | undefined {
  const cns = distinguishedName(der, tlv)
    .split(", ")
    .filter((p) => p.startsWith("CN="));
  return cns.length ? cns[cns.length - 1].slice(3) : undefined;
}

function derTime(buf: Buffer, t: Tlv): Date {
  const s = buf.subarray(t.start, t.end).toString("ascii");
  const m =
    t.tag === 0x17 ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : t.tag === 0x18 ? /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/.exec(s) : null;
  if (!m) throw new TlsParseError(`DER time: "${s}" is not a UTCTime / GeneralizedTime in Z form`);
  let year = Number(m[1]);
  if (t.tag === 0x17) year += year < 50 ? 2000 : 1900; // RFC 5280 §4.1.2.5.1
  return new Date(Date.UTC(year, Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6])));
}

export const SIGNATURE_ALGORITHMS: Readonly<Record<string, string>> = {
  "1.2.840.113549.1.1.4": "md5WithRSAEncryption",
  "1.2.840.113549.1.1.5": "sha1WithRSAEncryption",
  "1.2.840.113549.1.1.10": "rsassaPss",
  "1.2.840.113549.1.1.11": "sha256WithRSAEncryption",
  "1.2.840.113549.1.1.12": "sha384WithRSAEncryption",
  "1.2.840.113549.1.1.13": "sha512WithRSAEncryption",
  "1.2.840.113549.1.1.14": "sha224WithRSAEncryption",
  "1.2.840.10045.4.1": "ecdsa-with-SHA1",
  "1.2.840.10045.4.3.2": "ecdsa-with-SHA256",
  "1.2.840.10045.4.3.3": "ecdsa-with-SHA384",
  "1.2.840.10045.4.3.4": "ecdsa-with-SHA512",
  "1.3.101.112": "ED25519",
  "1.3.101.113": "ED448",
};

export const EXTENDED_KEY_USAGES: Readonly<Record<string, string>> = {
  "1.3.6.1.5.5.7.3.1": "serverAuth",
  "1.3.6.1.5.5.7.3.2": "clientAuth",
  "1.3.6.1.5.5.7.3.3": "codeSigning",
  "1.3.6.1.5.5.7.3.4": "emailProtection",
  "1.3.6.1.5.5.7.3.8": "timeStamping",
  "1.3.6.1.5.5.7.3.9": "OCSPSigning",
  "2.5.29.37.0": "anyExtendedKeyUsage",
};

export interface SubjectAltName {
  readonly type: "DNS" | "IP" | "email" | "URI" | "other";
  readonly value: string;
}

interface CertificateFields {
  readonly subject: string;
  readonly subjectCommonName?: string;
  readonly issuer: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly signatureAlgorithmOid: string;
  readonly subjectAltNames: readonly SubjectAltName[];
  /** undefined: no EKU extension (any usage); otherwise the OIDs in certificate order. */
  readonly extendedKeyUsageOids?: readonly string[];
}

function generalName(buf: Buffer, t: Tlv): SubjectAltName {
  const b = buf.subarray(t.start, t.end);
  switch (t.tag) {
    case 0x82:
      return { type: "DNS", value: b.toString("ascii") };
    case 0x81:
      return { type: "email", value: b.toString("ascii") };
    case 0x86:
      return { type: "URI", value: b.toString("ascii") };
    case 0x87:
      if (b.length === 4) return { type: "IP", value: [...b].join(".") };
      if (b.length === 16) return { type: "IP", value: (b.toString("hex").match(/.{4}/g) ?? []).join(":").replace(/\b0{1,3}/g, "") };
      throw new TlsParseError(`DER SAN: iPAddress of ${b.length} bytes`);
    default:
      return { type: "other", value: `[${t.tag & 0x1f}]#${b.toString("hex")}` };
  }
}

/** Reads the fields X509Certificate does not give in a usable form (see the file comment). */
function certificateFields(der: Buffer): CertificateFields {
  const cert = expectTag(readTlv(der, 0, der.length, "Certificate"), 0x30, "Certificate");
  if (cert.end !== der.length) throw new TlsParseError(`DER Certificate: ${der.length - cert.end} bytes after the certificate`);
  const [tbs, sigAlg] = children(der, cert, "Certificate");
  const tbsParts = children(der, expectTag(tbs, 0x30, "tbsCertificate"), "tbsCertificate");
  let i = tbsParts[0]?.tag === 0xa0 ? 1 : 0; // [0] version
  i++; // serialNumber
  i++; // signature
  const issuer = expectTag(tbsParts[i++], 0x30, "issuer");
  const validity = children(der, expectTag(tbsParts[i++], 0x30, "validity"), "validity");
  const subject = expectTag(tbsParts[i++], 0x30, "subject");
  i++; // subjectPublicKeyInfo
  let subjectAltNames: SubjectAltName[] = [];
  let extendedKeyUsageOids: string[] | undefined;
  for (; i < tbsParts.length; i++) {
    if (tbsParts[i].tag !== 0xa3) continue; // [1]/[2] unique identifiers
    const [exts] = children(der, tbsParts[i], "extensions");
    for (const e of children(der, expectTag(exts, 0x30, "Extensions"), "Extension")) {
      const parts = children(der, expectTag(e, 0x30, "Extension"), "Extension");
      const id = oid(der, expectTag(parts[0], 0x06, "extnID"));
      const value = expectTag(parts[parts.length - 1], 0x04, "extnValue");
      if (id === "2.5.29.17") {
        const seq = expectTag(readTlv(der, value.start, value.end, "subjectAltName"), 0x30, "subjectAltName");
        subjectAltNames = children(der, seq, "GeneralName").map((g) => generalName(der, g));
      } else if (id === "2.5.29.37") {
        const seq = expectTag(readTlv(der, value.start, value.end, "extKeyUsage"), 0x30, "extKeyUsage");
        extendedKeyUsageOids = children(der, seq, "KeyPurposeId").map((k) => oid(der, expectTag(k, 0x06, "KeyPurposeId")));
      }
    }
  }
  const [algOid] = children(der, expectTag(sigAlg, 0x30, "signatureAlgorithm"), "signatureAlgorithm");
  if (validity.length !== 2) throw new TlsParseError(`DER validity: ${validity.length} elements (expected 2)`);
  return {
    subject: distinguishedName(der, subject),
    subjectCommonName: commonName(der, subject),
    issuer: distinguishedName(der, issuer),
    notBefore: derTime(der, validity[0]),
    notAfter: derTime(der, validity[1]),
    signatureAlgorithmOid: oid(der, expectTag(algOid, 0x06, "signature algorithm OID")),
    subjectAltNames,
    extendedKeyUsageOids,
  };
}

export interface CertificateInfo {
  /** Distinguished name in certificate order, "C=US, O=Contoso, CN=sip.contoso.com". */
  readonly subject: string;
  readonly subjectCommonName?: string;
  readonly issuer: string;
  readonly serialNumber: string;
  /** Every SAN in certificate order (the plan compares order: Access Edge FQDN, webconf FQDN, sip.<domain>...). */
  readonly subjectAltNames: readonly SubjectAltName[];
  /** The DNS SANs only, in certificate order. */
  readonly dnsNames: readonly string[];
  readonly notBefore: string;
  readonly notAfter: string;
  /** "rsa", "ec", "ed25519", ... (X509Certificate publicKey.asymmetricKeyType). */
  readonly keyType: string;
  /** RSA modulus bits, EC curve bits; undefined when unknown. */
  readonly keyBits?: number;
  readonly curve?: string;
  readonly signatureAlgorithm: string;
  readonly signatureAlgorithmOid: string;
  /** EKU names ("serverAuth", "clientAuth", or the OID); undefined when the certificate has no EKU extension. */
  readonly extendedKeyUsage?: readonly string[];
  readonly isCa: boolean;
  readonly selfIssued: boolean;
  readonly fingerprint256: string;
}

const CURVE_BITS: Readonly<Record<string, number>> = { prime256v1: 256, secp256r1: 256, secp384r1: 384, secp521r1: 521 };

/** Decodes one DER certificate; TlsParseError when it is not one. */
export function describeCertificate(der: Buffer): CertificateInfo {
  let x: X509Certificate;
  try {
    x = new X509Certificate(der);
  } catch (e) {
    throw new TlsParseError(`not a certificate (${der.length} bytes): ${(e as Error).message}`);
  }
  const f = certificateFields(der);
  const key = x.publicKey;
  const details = key.asymmetricKeyDetails ?? {};
  const keyBits =
    details.modulusLength ?? (details.namedCurve ? CURVE_BITS[details.namedCurve] : undefined) ?? (key.asymmetricKeyType === "ed25519" ? 256 : undefined);
  return {
    subject: f.subject,
    subjectCommonName: f.subjectCommonName,
    issuer: f.issuer,
    serialNumber: x.serialNumber,
    subjectAltNames: f.subjectAltNames,
    dnsNames: f.subjectAltNames.filter((s) => s.type === "DNS").map((s) => s.value),
    notBefore: f.notBefore.toISOString(),
    notAfter: f.notAfter.toISOString(),
    keyType: key.asymmetricKeyType ?? "unknown",
    keyBits,
    curve: details.namedCurve,
    signatureAlgorithm: SIGNATURE_ALGORITHMS[f.signatureAlgorithmOid] ?? f.signatureAlgorithmOid,
    signatureAlgorithmOid: f.signatureAlgorithmOid,
    extendedKeyUsage: f.extendedKeyUsageOids?.map((o) => EXTENDED_KEY_USAGES[o] ?? o),
    isCa: x.ca,
    selfIssued: f.subject === f.issuer,
    fingerprint256: x.fingerprint256,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Chain check for certificates read from records (node:tls does its own for completed handshakes)

export interface ChainVerdict {
  readonly ok: boolean;
  /** The first problem found, in words. */
  readonly error?: string;
}

/**
 * Checks a chain as sent (leaf first): each certificate valid at `at`, issued and signed by the next one (which must
 * be a CA), and the last one either trusted itself or issued and signed by a trusted certificate. `trusted` is the
 * caller's CA list (PEM or DER) or, when undefined, node:tls's bundled root store (`tls.rootCertificates`, passed in
 * by the caller). Limits, said plainly: no path building (the chain must be in order), no revocation, no name
 * constraints or policy checks; it answers "would a client with these roots accept this chain", not more.
 */
export function verifyChain(chain: readonly Buffer[], trusted: readonly (string | Buffer)[], at: Date = new Date()): ChainVerdict {
  if (chain.length === 0) return { ok: false, error: "the server sent no certificate" };
  const certs = chain.map((der, i) => {
    try {
      return new X509Certificate(der);
    } catch (e) {
      throw new TlsParseError(`certificate ${i} of the chain is not a certificate: ${(e as Error).message}`);
    }
  });
  const label = (i: number) => `certificate ${i} (${certs[i].subject.replace(/\n/g, ", ")})`;
  for (let i = 0; i < certs.length; i++) {
    const { notBefore, notAfter } = certificateFields(chain[i]);
    if (at < notBefore) return { ok: false, error: `${label(i)} is not valid before ${notBefore.toISOString()}` };
    if (at > notAfter) return { ok: false, error: `${label(i)} expired ${notAfter.toISOString()}` };
    if (i + 1 < certs.length) {
      const issuer = certs[i + 1];
      if (!certs[i].checkIssued(issuer) || !certs[i].verify(issuer.publicKey)) return { ok: false, error: `${label(i)} is not signed by ${label(i + 1)}` };
      if (!issuer.ca) return { ok: false, error: `${label(i + 1)} signs ${label(i)} but is not a CA` };
    }
  }
  const roots = trusted.map((t) => new X509Certificate(t));
  const last = certs[certs.length - 1];
  for (const root of roots) {
    if (root.fingerprint256 === last.fingerprint256) return { ok: true };
    if (root.ca && last.checkIssued(root) && last.verify(root.publicKey)) return { ok: true };
  }
  return { ok: false, error: `${label(certs.length - 1)} is not issued by a trusted CA (issuer ${last.issuer.replace(/\n/g, ", ")})` };
}
