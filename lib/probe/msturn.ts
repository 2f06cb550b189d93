/**
 * MS-TURN client codec for the A/V Edge probe (`edge-lab probe`, issue 21): the bytes of one unauthenticated Allocate
 * request, the parsing of what comes back, and the TCP 443 pseudo-TLS preamble and framing. Pure: no I/O, no clock,
 * no randomness (the caller supplies the transaction ID and the ClientHello random, so tests are deterministic).
 *
 * A real Lync 2013 / Skype for Business A/V Edge speaks Microsoft's MS-TURN, not RFC 5389/5766 (reference:
 * the probe protocol reference (probe-protocols.md) section 2):
 *   - the header is type(2), length(2) and a 128-bit transaction ID: no magic cookie in the header [MS-TURN] 2.2.1;
 *   - every message starts with a MAGIC-COOKIE attribute 0x000F = 0x72C64BC6, otherwise it "MUST be ignored" (over
 *     TCP the connection SHOULD be closed) [MS-TURN] 2.2.2, 2.2.2.8, 3.1.10;
 *   - NONCE is 0x0014 and REALM 0x0015, the opposite of RFC 5389 [MS-TURN] 2.2.2;
 *   - XOR-MAPPED-ADDRESS is 0x8020 and XORed with the first 4 bytes of the transaction ID [MS-TURN] 2.2.2.16, as
 *     libnice's OC2007 mode reads it (stun/usages/turn.c);
 *   - attribute values are not padded to 4 bytes (Wireshark's MS-TURN mode, packet-stun.c).
 *
 * Microsoft clients start the transaction ID with 21 12 A4 42 (the RFC 5389 cookie) [WS] [MSX]; with that prefix the
 * XOR key of XOR-MAPPED-ADDRESS is the RFC 5389 one, so both readings agree. `msTurnTransactionId` builds such an ID.
 *
 * No library is used: npm has RFC 5389/5766 STUN codecs (stun, node-stun, ...) but none speaks MS-TURN (swapped
 * REALM/NONCE, MAGIC-COOKIE attribute, no padding, TID-keyed XOR, pseudo-TLS framing), and bending one would cost
 * more than these few hundred lines. The codec is tested against an independent implementation instead: libnice's
 * STUN library in its OC2007 (MS-TURN) mode, through test/probe/nice-stun.c.
 *
 * No RFC 5389 Binding encoder: the reference (sections 2.1 and summary) says the Edge does not answer Binding ("not a
 * supported type"; no MAGIC-COOKIE attribute, so the message is ignored), only coturn-like stand-ins do. An RFC 5389
 * answer to our Allocate is recognised instead (dialect "rfc5389" below).
 * VERIFY (reference section 8, item 2): the Edge's silence to an RFC 5389 Binding has not been seen.
 *
 * Points nobody has checked against a real Edge carry a `VERIFY` comment naming the reference's open item (section 8).
 */

/** Value of the MAGIC-COOKIE attribute [MS-TURN] 2.2.2.8 (libnice TURN_MAGIC_COOKIE). */
export const MS_TURN_MAGIC_COOKIE = 0x72c64bc6;
/** RFC 5389's magic cookie: header bytes 4-7 of an RFC 5389 message; Microsoft clients start MS-TURN TIDs with it. */
export const RFC5389_MAGIC_COOKIE = 0x2112a442;
export const HEADER_LENGTH = 20;
export const TRANSACTION_ID_LENGTH = 16;

/** Message types [MS-TURN] 2.2.1 (reference section 2.1). Binding (0x0001) is "not a supported type". */
export const MessageType = {
  AllocateRequest: 0x0003,
  AllocateResponse: 0x0103,
  AllocateErrorResponse: 0x0113,
  SendRequest: 0x0004,
  DataIndication: 0x0115,
  SetActiveDestinationRequest: 0x0006,
  SetActiveDestinationResponse: 0x0106,
  SetActiveDestinationErrorResponse: 0x0116,
} as const;

/** Attribute types [MS-TURN] 2.2.2 (mandatory range) and its subsections (optional range 0x8000+); reference section 2.1. */
export const Attr = {
  MAPPED_ADDRESS: 0x0001, // 2.2.2.1: in an Allocate response, the relayed (public) transport address
  USERNAME: 0x0006,
  MESSAGE_INTEGRITY: 0x0008,
  ERROR_CODE: 0x0009,
  UNKNOWN_ATTRIBUTES: 0x000a,
  LIFETIME: 0x000d,
  ALTERNATE_SERVER: 0x000e, // [MST-alt]: in a 401 it "SHOULD be the public transport address of the TURN server"
  MAGIC_COOKIE: 0x000f, // 2.2.2.8, MUST be first
  BANDWIDTH: 0x0010,
  DESTINATION_ADDRESS: 0x0011,
  REMOTE_ADDRESS: 0x0012,
  DATA: 0x0013,
  NONCE: 0x0014, // swapped vs RFC 5389 (0x0015 there)
  REALM: 0x0015, // swapped vs RFC 5389 (0x0014 there); "SHOULD be the domain name of the provider" [MST-realm]
  REQUESTED_ADDRESS_FAMILY: 0x0017, // 2.2.2.15
  MS_VERSION: 0x8008, // 2.2.2.17
  XOR_MAPPED_ADDRESS: 0x8020, // 2.2.2.16: the client's server-reflexive address
  MS_SEQUENCE_NUMBER: 0x8050, // 2.2.2.21
  MS_SERVICE_QUALITY: 0x8055,
  MS_ALT_MAPPED_ADDRESS: 0x8090,
  MS_MULTIPLEXED_TURN_SESSION_ID: 0x8095,
} as const;

const ATTR_NAMES: Record<number, string> = Object.fromEntries(Object.entries(Attr).map(([name, code]) => [code, name.replace(/_/g, "-")]));

/** RFC 5389/5766 names where they differ, to describe what an RFC 5389 server (coturn) sent. */
const RFC5389_NAMES: Record<number, string> = { 0x0014: "REALM", 0x0015: "NONCE", 0x0020: "XOR-MAPPED-ADDRESS", 0x8022: "SOFTWARE", 0x8028: "FINGERPRINT" };

/** "REALM (0x0015)" or "0x8006" for a type this codec does not name; `dialect` "rfc5389" uses RFC 5389's numbering. */
export function attributeName(type: number, dialect: "ms-turn" | "rfc5389" = "ms-turn"): string {
  const name = dialect === "rfc5389" ? (RFC5389_NAMES[type] ?? ATTR_NAMES[type]) : ATTR_NAMES[type];
  return name ? `${name} (${hex16(type)})` : hex16(type);
}

const hex16 = (n: number): string => `0x${n.toString(16).padStart(4, "0")}`;

/** Why a buffer is not a message this codec can read. `code` is stable for programs, `message` says it in words. */
export type ParseErrorCode =
  | "truncated-header"
  | "not-stun"
  | "length-mismatch"
  | "attribute-header-truncated"
  | "attribute-overrun"
  | "no-magic-cookie"
  | "bad-magic-cookie"
  | "bad-attribute"
  | "bad-pseudo-tls"
  | "tls-alert"
  | "bad-frame";

export class MsTurnParseError extends Error {
  constructor(
    readonly code: ParseErrorCode,
    message: string,
  ) {
    super(message);
    this.name = "MsTurnParseError";
  }
}

function fail(code: ParseErrorCode, message: string): never {
  throw new MsTurnParseError(code, message);
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------------------------

/**
 * A 16-byte MS-TURN transaction ID made of the RFC 5389 cookie and 12 caller-supplied bytes (crypto.randomBytes(12) in
 * the transport), as Microsoft clients send them ([WS]: TIDs "seen with MAGIC as well"; the 104-byte packet [GS] too).
 */
export function msTurnTransactionId(random12: Uint8Array): Buffer {
  if (random12.length !== 12) throw new RangeError(`msTurnTransactionId needs 12 random bytes, got ${random12.length}`);
  const id = Buffer.alloc(TRANSACTION_ID_LENGTH);
  id.writeUInt32BE(RFC5389_MAGIC_COOKIE, 0);
  Buffer.from(random12).copy(id, 4);
  return id;
}

export interface AllocateRequestOptions {
  /** 16 bytes ([MS-TURN] 2.2.1); use msTurnTransactionId. */
  transactionId: Uint8Array;
  /**
   * MS-VERSION value [MS-TURN] 2.2.2.17; the reference's recipe (section 2.2) and the 104-byte community packet send 4
   * (MS-ICE2 with SHA256 and IPv6, per Wireshark's table); libnice's OC2007 client sends 1. `null` leaves it out.
   */
  msVersion?: number | null;
}

/**
 * The unauthenticated Allocate request of the reference's UDP 3478 recipe (section 2.2), 36 bytes:
 * header (type 0x0003, length 16, TID), MAGIC-COOKIE 0x72C64BC6, MS-VERSION 4. No USERNAME, no MESSAGE-INTEGRITY:
 * the first Allocate carries no credentials and the server answers 401 with REALM and NONCE [MST-ex].
 *
 * VERIFY (reference section 8, item 1): whether a real Edge answers this minimal request, or only requests that carry a
 * USERNAME like the 104-byte Network Assessment Tool packet, has not been seen.
 */
export function encodeAllocateRequest(options: AllocateRequestOptions): Buffer {
  const tid = options.transactionId;
  if (tid.length !== TRANSACTION_ID_LENGTH) throw new RangeError(`an MS-TURN transaction ID is 16 bytes, got ${tid.length}`);
  const msVersion = options.msVersion === undefined ? 4 : options.msVersion;
  const attributes: Buffer[] = [u32Attribute(Attr.MAGIC_COOKIE, MS_TURN_MAGIC_COOKIE)];
  if (msVersion !== null) attributes.push(u32Attribute(Attr.MS_VERSION, msVersion));
  return encodeMessage(MessageType.AllocateRequest, tid, attributes);
}

function u32Attribute(type: number, value: number): Buffer {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`${attributeName(type)}: ${value} is not a 32-bit unsigned value`);
  const b = Buffer.alloc(8);
  b.writeUInt16BE(type, 0);
  b.writeUInt16BE(4, 2);
  b.writeUInt32BE(value, 4);
  return b;
}

function encodeMessage(type: number, tid: Uint8Array, attributes: Buffer[]): Buffer {
  const body = Buffer.concat(attributes);
  const header = Buffer.alloc(4);
  header.writeUInt16BE(type, 0);
  header.writeUInt16BE(body.length, 2);
  return Buffer.concat([header, Buffer.from(tid), body]);
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------------------------

export interface RawAttribute {
  type: number;
  /** Offset of the attribute header in the message. */
  offset: number;
  value: Buffer;
}

export interface DecodedMessage {
  type: number;
  /** STUN class bits: 0 request, 1 indication, 2 success response, 3 error response. */
  messageClass: 0 | 1 | 2 | 3;
  method: number;
  transactionId: Buffer;
  attributes: RawAttribute[];
  /**
   * "ms-turn": MAGIC-COOKIE attribute first [MS-TURN] 3.1.10. "rfc5389": no MAGIC-COOKIE attribute but the RFC 5389
   * cookie in header bytes 4-7 and 4-byte aligned attributes: an RFC 5389/5766 server (coturn), not an A/V Edge.
   */
  dialect: "ms-turn" | "rfc5389";
  /** How attribute values were laid out: "none" as MS-TURN (Wireshark), "4-byte" as RFC 5389 (and libnice by default). */
  padding: "none" | "4-byte";
}

/**
 * Splits one datagram (or one unframed TCP message) into header and attributes, bounds-checking every length.
 * Throws MsTurnParseError, with a sentence naming the offset and the numbers, for anything it cannot read.
 *
 * Padding: MS-TURN does not pad attribute values (Wireshark's MS-TURN mode); libnice pads (with spaces) unless told not
 * to. A walk without padding is tried first; if it does not land exactly on the end of the message, a walk with
 * 4-byte padding is tried; if neither fits, the error of the unpadded walk is reported.
 * VERIFY (reference section 8, item 1): the layout of a real Edge's 401 (padding of REALM/NONCE) has not been seen.
 */
export function decodeMessage(buf: Uint8Array): DecodedMessage {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < HEADER_LENGTH) fail("truncated-header", `${b.length} bytes: shorter than the 20-byte STUN/MS-TURN header`);
  const type = b.readUInt16BE(0);
  if (type & 0xc000) fail("not-stun", `first two bits of the message type ${hex16(type)} are not zero: not a STUN/MS-TURN message`);
  const length = b.readUInt16BE(2);
  if (HEADER_LENGTH + length !== b.length) {
    fail(
      "length-mismatch",
      `header says ${length} attribute bytes (message of ${HEADER_LENGTH + length} bytes) but ${b.length} bytes arrived` +
        (b.length < HEADER_LENGTH + length ? " (truncated)" : " (trailing bytes)"),
    );
  }
  const transactionId = Buffer.from(b.subarray(4, 20));
  const messageClass = (((type & 0x0100) >> 7) | ((type & 0x0010) >> 4)) as 0 | 1 | 2 | 3;
  const method = (type & 0x000f) | ((type & 0x00e0) >> 1) | ((type & 0x3e00) >> 2);

  let attributes: RawAttribute[];
  let padding: DecodedMessage["padding"] = "none";
  try {
    attributes = walkAttributes(b, false);
  } catch (unpadded) {
    try {
      attributes = walkAttributes(b, true);
      padding = "4-byte";
    } catch {
      throw unpadded;
    }
  }

  const first = attributes[0];
  let dialect: DecodedMessage["dialect"] = "ms-turn";
  if (first?.type === Attr.MAGIC_COOKIE) {
    if (first.value.length !== 4) fail("bad-magic-cookie", `MAGIC-COOKIE attribute has ${first.value.length} bytes, expected 4`);
    const cookie = first.value.readUInt32BE(0);
    if (cookie !== MS_TURN_MAGIC_COOKIE) fail("bad-magic-cookie", `MAGIC-COOKIE attribute is 0x${cookie.toString(16).padStart(8, "0")}, expected 0x72c64bc6`);
  } else if (b.readUInt32BE(4) === RFC5389_MAGIC_COOKIE) {
    dialect = "rfc5389";
  } else {
    const what = first ? `the first attribute is ${attributeName(first.type)}` : "the message has no attributes";
    fail("no-magic-cookie", `${what}: an MS-TURN message starts with MAGIC-COOKIE (0x000f), [MS-TURN] 3.1.10 says to ignore it`);
  }
  return { type, messageClass, method, transactionId, attributes, dialect, padding };
}

function walkAttributes(b: Buffer, padded: boolean): RawAttribute[] {
  const out: RawAttribute[] = [];
  let offset = HEADER_LENGTH;
  while (offset < b.length) {
    if (b.length - offset < 4) {
      fail("attribute-header-truncated", `${b.length - offset} bytes left at offset ${offset}: too few for a 4-byte attribute header`);
    }
    const type = b.readUInt16BE(offset);
    const len = b.readUInt16BE(offset + 2);
    if (type === 0x0000) fail("bad-attribute", `attribute type 0x0000 (reserved) at offset ${offset}`);
    const span = padded ? (len + 3) & ~3 : len;
    if (offset + 4 + span > b.length) {
      fail(
        "attribute-overrun",
        `attribute ${attributeName(type)} at offset ${offset} declares ${len} bytes${padded && span !== len ? ` (${span} with padding)` : ""} ` +
          `but only ${b.length - offset - 4} remain in the message`,
      );
    }
    out.push({ type, offset, value: Buffer.from(b.subarray(offset + 4, offset + 4 + len)) });
    offset += 4 + span;
  }
  return out;
}

export interface TransportAddress {
  family: "IPv4" | "IPv6";
  address: string;
  port: number;
}

/** MAPPED-ADDRESS layout [MS-TURN] 2.2.2.1 (RFC 3489 11.2.1): 0, family (1 IPv4 / 2 IPv6), port, address. */
export function decodeAddress(type: number, value: Buffer): TransportAddress {
  if (value.length < 4) fail("bad-attribute", `${attributeName(type)} has ${value.length} bytes, an address needs at least 8`);
  const family = value[1];
  if (family === 1 && value.length === 8) {
    return { family: "IPv4", address: [...value.subarray(4, 8)].join("."), port: value.readUInt16BE(2) };
  }
  if (family === 2 && value.length === 20) {
    return { family: "IPv6", address: ipv6(value.subarray(4, 20)), port: value.readUInt16BE(2) };
  }
  return fail("bad-attribute", `${attributeName(type)}: family ${family} with ${value.length} bytes (IPv4 is family 1 with 8, IPv6 family 2 with 20)`);
}

/**
 * XOR-MAPPED-ADDRESS [MS-TURN] 2.2.2.16 (0x8020): port XORed with TID bytes 0-1, IPv4 address with TID bytes 0-3 (libnice
 * OC2007: stun_message_find_xor_addr_full with the TID's first word). IPv6: XORed with the 16-byte TID (libnice
 * stun_xor_address; RFC 5389's cookie + 96-bit TID when the TID starts with the cookie).
 * VERIFY (reference section 8, item 1): an Edge's XOR-MAPPED-ADDRESS has not been seen (it comes only in an
 * authenticated Allocate success); IPv6 (MS-VERSION 4) least of all.
 */
export function decodeXorAddress(type: number, value: Buffer, transactionId: Buffer): TransportAddress {
  const plain = decodeAddress(type, value);
  const v = Buffer.from(value);
  v.writeUInt16BE(v.readUInt16BE(2) ^ transactionId.readUInt16BE(0), 2);
  const keyLength = plain.family === "IPv4" ? 4 : 16;
  for (let i = 0; i < keyLength; i++) v[4 + i] ^= transactionId[i];
  return decodeAddress(type, v);
}

/** The RFC 5389 XOR-MAPPED-ADDRESS (0x0020) of an RFC 5389 server: keyed with the header cookie and the TID. */
function decodeRfc5389XorAddress(value: Buffer, header: Buffer): TransportAddress {
  // header = bytes 4..19 of the message: cookie (4) + 96-bit TID, which is exactly what MS-TURN's TID occupies.
  return decodeXorAddress(0x0020, value, header);
}

function ipv6(bytes: Buffer): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(bytes.readUInt16BE(i).toString(16));
  // Longest run of zero groups (at least two) becomes "::" (RFC 5952).
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen && j - i >= 2) {
      best = i;
      bestLen = j - i;
    }
    i = j;
  }
  if (best < 0) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLen).join(":")}`;
}

export interface ErrorCode {
  code: number;
  reason: string;
}

/** ERROR-CODE (RFC 3489 11.2.9 layout, [MS-TURN] 2.2.2): 21 zero bits, class (3 bits, 3-6), number (0-99), reason. */
export function decodeErrorCode(value: Buffer): ErrorCode {
  if (value.length < 4) fail("bad-attribute", `ERROR-CODE has ${value.length} bytes, needs at least 4`);
  const cls = value[2] & 0x07;
  const number = value[3];
  if (cls < 3 || cls > 6 || number > 99) fail("bad-attribute", `ERROR-CODE class ${cls} number ${number} is not a code 300-699`);
  // RFC 3489 padded the reason phrase to 4 bytes (libnice pads with spaces, others with NULs).
  const reason = value
    .subarray(4)
    .toString("utf8")
    .replace(/[\0 ]+$/, "");
  return { code: cls * 100 + number, reason };
}

function decodeU32(type: number, value: Buffer): number {
  if (value.length !== 4) fail("bad-attribute", `${attributeName(type)} has ${value.length} bytes, expected 4`);
  return value.readUInt32BE(0);
}

/** The text of REALM / NONCE: MS-TURN sends it unpadded; a padded one may end in NULs or spaces (libnice). */
function decodeText(value: Buffer): string {
  return value.toString("utf8").replace(/\0+$/, "");
}

/** What an Allocate answer says, in the terms the probe reports. */
export type AllocateAnswer =
  | {
      /** 401 with REALM and NONCE: the path works and an MS-TURN server asked for credentials [MST-ex]. */
      kind: "challenge";
      code: number;
      reason: string;
      realm: string;
      nonce: string;
      /** [MST-alt]: SHOULD be the TURN server's public address. VERIFY (reference section 8, item 1): NAT public IP? */
      alternateServer?: TransportAddress;
      /** VERIFY (reference section 8, item 1): whether the Edge echoes MS-VERSION has not been seen. */
      msVersion?: number;
      attributes: string[];
    }
  | {
      /** Allocate success (only with credentials; not expected from the probe). */
      kind: "allocated";
      /** MAPPED-ADDRESS: the relayed transport address the server allocated [MS-TURN] 3.2.5.1. */
      relayed?: TransportAddress;
      /** XOR-MAPPED-ADDRESS 0x8020: the client's public (server-reflexive) address. */
      reflexive?: TransportAddress;
      lifetime?: number;
      msVersion?: number;
      attributes: string[];
    }
  | {
      /** Any other error response (or a 401 without REALM/NONCE). */
      kind: "error";
      code: number;
      reason: string;
      realm?: string;
      nonce?: string;
      alternateServer?: TransportAddress;
      attributes: string[];
    }
  | {
      /** Parsed, but not an MS-TURN Allocate answer: a coturn-like RFC 5389 server, a request, another method. */
      kind: "unexpected";
      /** transaction-id: not an answer to our request; rfc5389: an RFC 5389/5766 server; message-type: another message. */
      cause: "transaction-id" | "rfc5389" | "message-type";
      detail: string;
      attributes: string[];
    };

/**
 * Reads an answer to our Allocate (already unframed). Throws MsTurnParseError for malformed bytes; returns
 * `unexpected` for a well-formed message that is not an MS-TURN Allocate answer. A transaction ID that is not ours is
 * reported as `unexpected` too (the transport ignores it and keeps waiting).
 */
export function interpretAllocateAnswer(buf: Uint8Array, transactionId: Uint8Array): AllocateAnswer {
  const msg = decodeMessage(buf);
  const names = msg.attributes.map((a) => attributeName(a.type, msg.dialect));
  if (!msg.transactionId.equals(Buffer.from(transactionId))) {
    return {
      kind: "unexpected",
      cause: "transaction-id",
      detail: `transaction ID ${msg.transactionId.toString("hex")} is not the one sent`,
      attributes: names,
    };
  }
  if (msg.dialect === "rfc5389") {
    return { kind: "unexpected", cause: "rfc5389", detail: describeRfc5389(msg), attributes: names };
  }
  if (msg.type !== MessageType.AllocateResponse && msg.type !== MessageType.AllocateErrorResponse) {
    return {
      kind: "unexpected",
      cause: "message-type",
      detail: `MS-TURN message type ${hex16(msg.type)} is not an Allocate response (0x0103) or error (0x0113)`,
      attributes: names,
    };
  }
  const find = (type: number) => msg.attributes.find((a) => a.type === type)?.value;
  const opt = <T>(type: number, read: (v: Buffer) => T): T | undefined => {
    const v = find(type);
    return v === undefined ? undefined : read(v);
  };
  const msVersion = opt(Attr.MS_VERSION, (v) => decodeU32(Attr.MS_VERSION, v));
  if (msg.type === MessageType.AllocateResponse) {
    return {
      kind: "allocated",
      relayed: opt(Attr.MAPPED_ADDRESS, (v) => decodeAddress(Attr.MAPPED_ADDRESS, v)),
      reflexive: opt(Attr.XOR_MAPPED_ADDRESS, (v) => decodeXorAddress(Attr.XOR_MAPPED_ADDRESS, v, msg.transactionId)),
      lifetime: opt(Attr.LIFETIME, (v) => decodeU32(Attr.LIFETIME, v)),
      msVersion,
      attributes: names,
    };
  }
  const errorValue = find(Attr.ERROR_CODE);
  if (errorValue === undefined) fail("bad-attribute", "Allocate error response (0x0113) without ERROR-CODE (0x0009)");
  const { code, reason } = decodeErrorCode(errorValue);
  const realm = opt(Attr.REALM, decodeText);
  const nonce = opt(Attr.NONCE, decodeText);
  const alternateServer = opt(Attr.ALTERNATE_SERVER, (v) => decodeAddress(Attr.ALTERNATE_SERVER, v));
  if (code === 401 && realm !== undefined && nonce !== undefined) {
    return { kind: "challenge", code, reason, realm, nonce, alternateServer, msVersion, attributes: names };
  }
  return { kind: "error", code, reason, realm, nonce, alternateServer, attributes: names };
}

/** One line on an RFC 5389 answer: what it is, and what coturn-like servers say (error code, realm, mapped address). */
function describeRfc5389(msg: DecodedMessage): string {
  const parts = [`RFC 5389/5766 STUN answer (type ${hex16(msg.type)}, cookie in the header, no MAGIC-COOKIE attribute): not an MS-TURN A/V Edge`];
  for (const a of msg.attributes) {
    try {
      if (a.type === 0x0009) {
        const e = decodeErrorCode(a.value);
        parts.push(`error ${e.code}${e.reason ? ` ${e.reason}` : ""}`);
      } else if (a.type === 0x0014)
        parts.push(`realm "${decodeText(a.value)}"`); // RFC 5389 numbering
      else if (a.type === 0x0020) {
        const x = decodeRfc5389XorAddress(a.value, msg.transactionId);
        parts.push(`mapped ${x.address}:${x.port}`);
      }
    } catch {
      // A malformed attribute in a foreign answer does not change the verdict.
    }
  }
  return parts.join("; ");
}

// ---------------------------------------------------------------------------------------------------------------
// TCP 443: pseudo-TLS preamble, then framing ([MS-TURN] 2.1.1, 2.1.4; reference section 2.3)
// ---------------------------------------------------------------------------------------------------------------

/** Cipher suite the pseudo-TLS hello offers and the server picks: TLS_DH_anon_WITH_RC4_128_MD5 (libnice pseudossl.c). */
export const PSEUDO_TLS_CIPHER_SUITE = 0x0018;
export const PSEUDO_TLS_CLIENT_HELLO_LENGTH = 50;
export const PSEUDO_TLS_SERVER_HELLO_LENGTH = 83;

/**
 * The client's pseudo-TLS ClientHello [MS-TURN] 2.1.1, byte for byte libnice's SSL_CLIENT_MSOC_HANDSHAKE (50 bytes)
 * with the caller's 32 random bytes: record 16 03 01 00 2d; ClientHello 01 00 00 29, version 03 01, random, empty
 * session ID, one cipher suite 0x0018, one compression method (null).
 */
export function encodePseudoTlsClientHello(random32: Uint8Array): Buffer {
  if (random32.length !== 32) throw new RangeError(`the pseudo-TLS ClientHello random is 32 bytes, got ${random32.length}`);
  return Buffer.concat([
    Buffer.from([0x16, 0x03, 0x01, 0x00, 0x2d, 0x01, 0x00, 0x00, 0x29, 0x03, 0x01]),
    Buffer.from(random32),
    Buffer.from([0x00, 0x00, 0x02, 0x00, 0x18, 0x01, 0x00]),
  ]);
}

export type StreamRead<T> = { complete: false; needed: number } | ({ complete: true; consumed: number } & T);

/**
 * Reads the server's pseudo-TLS answer from the start of the TCP stream: one handshake record (83 bytes, libnice
 * SSL_SERVER_MSOC_HANDSHAKE) holding a ServerHello (version 3.1, 32-byte random, 32-byte session ID, cipher 0x0018,
 * null compression) and a ServerHelloDone; no Certificate [MS-TURN] 2.1.1. The random and session ID are not checked
 * (libnice ignores them). A TLS alert record (what a real TLS server sends to this hello) is refused with its numbers.
 * VERIFY (reference section 8, item 2): the Edge's answer to a real TLS ClientHello (alert or close) has not been seen;
 * this hello's answer is the spec's and libnice's.
 */
export function readPseudoTlsServerHello(buf: Uint8Array): StreamRead<{ cipherSuite: number; serverRandom: Buffer }> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 5) return { complete: false, needed: 5 - b.length };
  const recordType = b[0];
  const recordLength = b.readUInt16BE(3);
  if (recordType === 0x15) {
    if (b.length < 7) return { complete: false, needed: 7 - b.length };
    fail("tls-alert", `TLS alert instead of the pseudo-TLS ServerHello (level ${b[5]}, description ${b[6]}): a real TLS server, not an MS-TURN A/V Edge`);
  }
  if (recordType !== 0x16) fail("bad-pseudo-tls", `first byte 0x${recordType.toString(16).padStart(2, "0")} is not a TLS handshake record (0x16)`);
  if (b[1] !== 0x03) fail("bad-pseudo-tls", `record version ${b[1]}.${b[2]} is not TLS (3.x)`);
  if (recordLength !== PSEUDO_TLS_SERVER_HELLO_LENGTH - 5) {
    fail(
      "bad-pseudo-tls",
      `handshake record of ${recordLength} bytes; the pseudo-TLS ServerHello + ServerHelloDone record is 78 (a Certificate would make it longer)`,
    );
  }
  if (b.length < PSEUDO_TLS_SERVER_HELLO_LENGTH) return { complete: false, needed: PSEUDO_TLS_SERVER_HELLO_LENGTH - b.length };
  const expect = (offset: number, bytes: number[], what: string) => {
    const got = b.subarray(offset, offset + bytes.length);
    if (!got.equals(Buffer.from(bytes)))
      fail("bad-pseudo-tls", `${what}: expected ${Buffer.from(bytes).toString("hex")} at offset ${offset}, got ${got.toString("hex")}`);
  };
  expect(5, [0x02, 0x00, 0x00, 0x46], "ServerHello header (type 2, length 70)");
  expect(9, [0x03, 0x01], "ServerHello version");
  expect(43, [0x20], "session ID length");
  const cipherSuite = b.readUInt16BE(76);
  if (cipherSuite !== PSEUDO_TLS_CIPHER_SUITE)
    fail("bad-pseudo-tls", `cipher suite 0x${cipherSuite.toString(16).padStart(4, "0")}, the pseudo-TLS one is 0x0018`);
  expect(78, [0x00], "compression method");
  expect(79, [0x0e, 0x00, 0x00, 0x00], "ServerHelloDone");
  return { complete: true, consumed: PSEUDO_TLS_SERVER_HELLO_LENGTH, cipherSuite, serverRandom: Buffer.from(b.subarray(11, 43)) };
}

/** TCP frame types [MS-TURN] 2.1.4: 0x02 TURN control message, 0x03 end-to-end data. */
export const FrameType = { Control: 0x02, Data: 0x03 } as const;

/**
 * Frames one TURN message for TCP [MS-TURN] 2.1.4: Type(1), Reserved(1) = 0, Length(2) of the message, then the message
 * (no padding; libnice udp-turn-over-tcp.c). Never applied to the pseudo-TLS hellos. Framed 36-byte Allocate: 02 00 00 24 ...
 */
export function frameTcp(message: Uint8Array, type: number = FrameType.Control): Buffer {
  if (message.length > 0xffff) throw new RangeError(`${message.length} bytes do not fit a 16-bit frame length`);
  const header = Buffer.from([type, 0x00, message.length >> 8, message.length & 0xff]);
  return Buffer.concat([header, Buffer.from(message)]);
}

/** Reads one frame from the start of the (post-pseudo-TLS) TCP stream; a type other than 2/3 is a broken stream. */
export function readTcpFrame(buf: Uint8Array): StreamRead<{ type: number; payload: Buffer }> {
  const b = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 4) return { complete: false, needed: 4 - b.length };
  const type = b[0];
  if (type !== FrameType.Control && type !== FrameType.Data)
    fail("bad-frame", `frame type 0x${type.toString(16).padStart(2, "0")} is neither control (0x02) nor data (0x03)`);
  if (b[1] !== 0) fail("bad-frame", `frame reserved byte is 0x${b[1].toString(16).padStart(2, "0")}, must be 0`);
  const length = b.readUInt16BE(2);
  if (b.length < 4 + length) return { complete: false, needed: 4 + length - b.length };
  return { complete: true, consumed: 4 + length, type, payload: Buffer.from(b.subarray(4, 4 + length)) };
}
