/**
 * The MS-TURN client codec and transport of `edge-lab probe` (issue 21), checked against an independent implementation
 * and the published bytes, not against itself:
 *   - libnice's STUN library in OC2007 (MS-TURN) mode, through test/probe/nice-stun.c compiled here, validates the
 *     Allocate we encode and builds the 401 and success replies our parser must read;
 *   - the reference's byte examples (the probe protocol reference (probe-protocols.md) section 2.2): the 36-byte minimal Allocate
 *     and the community 104-byte packet (Frank Carius / Greig Sheridan's Test-EdgeConnectivity.ps1), and libnice's
 *     pseudo-TLS hellos (socket/pseudossl.c);
 *   - the transport against local UDP and TCP servers (no root).
 */
import { execFileSync, spawn, ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { createSocket, Socket as UdpSocket } from "node:dgram";
import { mkdtempSync } from "node:fs";
import { AddressInfo, createServer, Server, Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
  Attr,
  decodeMessage,
  encodeAllocateRequest,
  encodePseudoTlsClientHello,
  frameTcp,
  interpretAllocateAnswer,
  MsTurnParseError,
  msTurnTransactionId,
  PSEUDO_TLS_CIPHER_SUITE,
  readPseudoTlsServerHello,
  readTcpFrame,
} from "../../lib/probe/msturn";
import { probeTcp, probeUdp } from "../../lib/probe/msturn-transport";
import { describeWithTools, TOOL_ENV } from "../system-tools";
import { exchangeUdp, startStandIn } from "./standin-helper";

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ""), "hex");
const TID = msTurnTransactionId(hex("000102030405060708090a0b"));

/** Reference section 2.2, byte for byte: header (length 16), MAGIC-COOKIE, MS-VERSION 4. */
const MINIMAL_ALLOCATE = hex(`
  00 03 00 10  21 12 a4 42  00 01 02 03 04 05 06 07 08 09 0a 0b
  00 0f 00 04  72 c6 4b c6
  80 08 00 04  00 00 00 04`);

/** The 104-byte Allocate captured from the SfB Network Assessment Tool (Test-EdgeConnectivity.ps1, Test-UDP3478 [GS] [MSX]). */
const COMMUNITY_104 = Buffer.from([
  0x00, 0x03, 0x00, 0x54, 0x21, 0x12, 0xa4, 0x42, 0xd2, 0x79, 0xaa, 0x56, 0x87, 0x86, 0x48, 0x73, 0x8f, 0x92, 0xef, 0x58, 0x00, 0x0f, 0x00, 0x04, 0x72, 0xc6,
  0x4b, 0xc6, 0x80, 0x08, 0x00, 0x04, 0x00, 0x00, 0x00, 0x04, 0x00, 0x06, 0x00, 0x30, 0x04, 0x00, 0x00, 0x1c, 0x00, 0x09, 0xbe, 0x58, 0x24, 0xe4, 0xc5, 0x1c,
  0x33, 0x4c, 0xd2, 0x3f, 0x50, 0xf1, 0x5d, 0xce, 0x81, 0xff, 0xa9, 0xbe, 0x00, 0x00, 0x00, 0x01, 0xeb, 0x15, 0x53, 0xbd, 0x75, 0xe2, 0xca, 0x14, 0x1e, 0x36,
  0x31, 0xbb, 0xe3, 0xf5, 0x4a, 0xa1, 0x32, 0x45, 0xcb, 0xf9, 0x00, 0x10, 0x00, 0x04, 0x00, 0x00, 0x01, 0x5e, 0x80, 0x06, 0x00, 0x04, 0x00, 0x00, 0x00, 0x01,
]);

/**
 * The 401 libnice builds (nice-stun reply401, MS-TURN layout without padding) for MINIMAL_ALLOCATE with realm
 * contoso.com, nonce abcdefgh1, ALTERNATE-SERVER 131.107.155.30:3478. The libnice suite below checks that the helper
 * still produces exactly these bytes; the transport tests replay them without needing libnice.
 */
const LIBNICE_401 = hex(
  "0113004c2112a442000102030405060708090a0b000f000472c64bc60009001000000401556e617574686f72697a65640015000b636f6e746f736f2e636f6d" +
    "00140009616263646566676831000e000800010d96836b9b1e8008000400000004",
);

/** libnice socket/pseudossl.c SSL_CLIENT_MSOC_HANDSHAKE and SSL_SERVER_MSOC_HANDSHAKE. */
const LIBNICE_CLIENT_HELLO = hex(`
  16 03 01 00 2d 01 00 00 29 03 01 c1 fc d5 a3 6d 93 dd 7e 0b 45 67 3f ec 79 85 fb bc 3f d6 60 c2
  ce 84 85 08 1b 81 21 bc aa 10 fb 00 00 02 00 18 01 00`);
const LIBNICE_SERVER_HELLO = Buffer.concat([
  hex("16 03 01 00 4e 02 00 00 46 03 01"),
  Buffer.alloc(32),
  hex("20"),
  Buffer.alloc(32),
  hex("00 18 00 0e 00 00 00"),
]);

/** Expects a MsTurnParseError whose message matches. */
function refused(bytes: Buffer, message: RegExp, parse: (b: Buffer) => unknown = decodeMessage): void {
  let caught: unknown;
  try {
    parse(bytes);
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(MsTurnParseError);
  expect((caught as Error).message).toMatch(message);
}

describe("MS-TURN Allocate request (reference section 2.2)", () => {
  test("is the reference's 36-byte minimal request, byte for byte", () => {
    const req = encodeAllocateRequest({ transactionId: TID });
    expect(req.length).toBe(36);
    expect(req.toString("hex")).toBe(MINIMAL_ALLOCATE.toString("hex"));
  });

  test("without MS-VERSION it is header + MAGIC-COOKIE only; a wrong-sized TID is refused", () => {
    expect(encodeAllocateRequest({ transactionId: TID, msVersion: null }).toString("hex")).toBe(
      MINIMAL_ALLOCATE.subarray(0, 28)
        .toString("hex")
        .replace(/^00030010/, "00030008"),
    );
    expect(() => encodeAllocateRequest({ transactionId: Buffer.alloc(12) })).toThrow(/16 bytes, got 12/);
    expect(() => msTurnTransactionId(Buffer.alloc(16))).toThrow(/12 random bytes/);
  });

  test("the 36-byte request decodes: Allocate request, MAGIC-COOKIE first, MS-VERSION 4", () => {
    const m = decodeMessage(MINIMAL_ALLOCATE);
    expect(m).toMatchObject({ type: 0x0003, messageClass: 0, method: 3, dialect: "ms-turn", padding: "none" });
    expect(m.transactionId.toString("hex")).toBe("2112a442000102030405060708090a0b");
    expect(m.attributes.map((a) => [a.type, a.value.toString("hex")])).toEqual([
      [Attr.MAGIC_COOKIE, "72c64bc6"],
      [Attr.MS_VERSION, "00000004"],
    ]);
  });

  test("the community 104-byte packet decodes: length 84, MAGIC-COOKIE, MS-VERSION 4, USERNAME (48), BANDWIDTH 350, 0x8006 = 1", () => {
    expect(COMMUNITY_104.length).toBe(104);
    const m = decodeMessage(COMMUNITY_104);
    expect(m).toMatchObject({ type: 0x0003, messageClass: 0, method: 3, dialect: "ms-turn" });
    expect(m.transactionId.toString("hex")).toBe("2112a442d279aa56878648738f92ef58");
    expect(m.attributes.map((a) => [a.type, a.value.length])).toEqual([
      [Attr.MAGIC_COOKIE, 4],
      [Attr.MS_VERSION, 4],
      [Attr.USERNAME, 48],
      [Attr.BANDWIDTH, 4],
      [0x8006, 4],
    ]);
    expect(m.attributes[1].value.readUInt32BE(0)).toBe(4);
    expect(m.attributes[3].value.readUInt32BE(0)).toBe(350);
    expect(m.attributes[4].value.readUInt32BE(0)).toBe(1);
  });

  test("our MAGIC-COOKIE and MS-VERSION attributes are the community packet's bytes 20-35", () => {
    const ours = encodeAllocateRequest({ transactionId: COMMUNITY_104.subarray(4, 20) });
    expect(ours.subarray(20).toString("hex")).toBe(COMMUNITY_104.subarray(20, 36).toString("hex"));
    expect(ours.subarray(4, 20).toString("hex")).toBe(COMMUNITY_104.subarray(4, 20).toString("hex"));
  });
});

describe("MS-TURN answers: malformed input is refused with a message", () => {
  const withLength = (b: Buffer, length: number) => {
    const c = Buffer.from(b);
    c.writeUInt16BE(length, 2);
    return c;
  };

  test("truncated header, wrong message length, non-STUN first bits", () => {
    refused(LIBNICE_401.subarray(0, 19), /19 bytes: shorter than the 20-byte/);
    refused(Buffer.alloc(0), /0 bytes: shorter than the 20-byte/);
    refused(LIBNICE_401.subarray(0, LIBNICE_401.length - 1), /header says 76 attribute bytes .* but 95 bytes arrived \(truncated\)/);
    refused(Buffer.concat([LIBNICE_401, Buffer.alloc(4)]), /but 100 bytes arrived \(trailing bytes\)/);
    const rtp = Buffer.from(MINIMAL_ALLOCATE);
    rtp[0] = 0x80;
    refused(rtp, /first two bits of the message type 0x8003 are not zero/);
  });

  test("attribute header cut short, attribute length running past the end", () => {
    // Two stray bytes after the last attribute, counted in the header length.
    refused(withLength(Buffer.concat([MINIMAL_ALLOCATE, hex("8008")]), 18), /2 bytes left at offset 36: too few for a 4-byte attribute header/);
    // MS-VERSION claims 8 bytes where 4 remain.
    const overrun = Buffer.from(MINIMAL_ALLOCATE);
    overrun.writeUInt16BE(8, 30);
    refused(overrun, /attribute MS-VERSION \(0x8008\) at offset 28 declares 8 bytes .*but only 4 remain/);
    // REALM claims 0xffff bytes.
    const realm = Buffer.from(LIBNICE_401);
    realm.writeUInt16BE(0xffff, 50);
    refused(realm, /REALM \(0x0015\) at offset 48 declares 65535 bytes/);
  });

  test("no MAGIC-COOKIE first (and no RFC 5389 cookie in the header), or a wrong cookie value", () => {
    const noCookieTid = Buffer.from(MINIMAL_ALLOCATE);
    noCookieTid.writeUInt32BE(0x01020304, 4);
    const swapped = Buffer.concat([noCookieTid.subarray(0, 20), noCookieTid.subarray(28, 36), noCookieTid.subarray(20, 28)]);
    refused(swapped, /the first attribute is MS-VERSION \(0x8008\): an MS-TURN message starts with MAGIC-COOKIE/);
    refused(withLength(noCookieTid.subarray(0, 20), 0), /the message has no attributes/);
    const wrong = Buffer.from(MINIMAL_ALLOCATE);
    wrong.writeUInt32BE(0x2112a442, 24);
    refused(wrong, /MAGIC-COOKIE attribute is 0x2112a442, expected 0x72c64bc6/);
  });

  test("bad attribute contents: ERROR-CODE out of range, address family/length, 0x0113 without ERROR-CODE", () => {
    const read = (b: Buffer) => interpretAllocateAnswer(b, TID);
    const badClass = Buffer.from(LIBNICE_401);
    badClass[34] = 0x07; // ERROR-CODE at 28, value at 32: class byte 34
    refused(badClass, /ERROR-CODE class 7 number 1 is not a code 300-699/, read);
    const badFamily = Buffer.from(LIBNICE_401);
    badFamily[81] = 0x03; // ALTERNATE-SERVER at 76, value at 80: family byte 81
    refused(badFamily, /ALTERNATE-SERVER \(0x000e\): family 3 with 8 bytes/, read);
    const noError = Buffer.concat([hex("0113 0008"), TID, hex("000f 0004 72c64bc6")]);
    refused(noError, /Allocate error response \(0x0113\) without ERROR-CODE/, read);
  });

  test("every prefix and every single-byte corruption of a valid answer either parses or throws MsTurnParseError", () => {
    const variants: Buffer[] = [];
    for (let n = 0; n <= LIBNICE_401.length; n++) variants.push(LIBNICE_401.subarray(0, n));
    for (let i = 0; i < LIBNICE_401.length; i++) {
      for (const v of [0x00, 0xff, 0x13]) {
        const c = Buffer.from(LIBNICE_401);
        c[i] = v;
        variants.push(c);
      }
    }
    for (let i = 0; i < 300; i++) variants.push(randomBytes(i % 120));
    let refusedCount = 0;
    for (const v of variants) {
      try {
        interpretAllocateAnswer(v, TID);
      } catch (e) {
        expect(e).toBeInstanceOf(MsTurnParseError);
        expect((e as Error).message.length).toBeGreaterThan(10);
        refusedCount++;
      }
    }
    expect(refusedCount).toBeGreaterThan(LIBNICE_401.length); // all the truncations at least
  });
});

describe("MS-TURN answers: what they say", () => {
  test("libnice's 401 is a challenge with REALM, NONCE (MS-TURN numbers), ALTERNATE-SERVER and MS-VERSION", () => {
    const a = interpretAllocateAnswer(LIBNICE_401, TID);
    expect(a).toMatchObject({
      kind: "challenge",
      code: 401,
      reason: "Unauthorized",
      realm: "contoso.com",
      nonce: "abcdefgh1",
      alternateServer: { family: "IPv4", address: "131.107.155.30", port: 3478 },
      msVersion: 4,
    });
  });

  test("another transaction ID is not our answer", () => {
    const other = msTurnTransactionId(hex("ffffffffffffffffffffffff"));
    expect(interpretAllocateAnswer(LIBNICE_401, other)).toMatchObject({ kind: "unexpected", cause: "transaction-id" });
  });

  test("an RFC 5389 answer (coturn-like: cookie in the header, REALM 0x0014, padding) is unexpected, with its error and realm", () => {
    const realm = Buffer.from("example.org"); // 11 bytes, padded to 12
    const body = Buffer.concat([hex("0009 0010 00000401"), Buffer.from("Unauthorized"), hex("0014 000b"), realm, hex("00"), hex("0015 0004 6e6f6e63")]);
    const msg = Buffer.concat([hex("0113"), Buffer.from([0, body.length]), TID, body]);
    const a = interpretAllocateAnswer(msg, TID);
    expect(a).toMatchObject({ kind: "unexpected", cause: "rfc5389" });
    expect(a.kind === "unexpected" && a.detail).toMatch(/not an MS-TURN A\/V Edge; error 401 Unauthorized; realm "example.org"/);
    expect(decodeMessage(msg).padding).toBe("4-byte");
  });

  test("a request (not an answer) is unexpected", () => {
    expect(interpretAllocateAnswer(MINIMAL_ALLOCATE, TID)).toMatchObject({ kind: "unexpected", cause: "message-type" });
  });
});

describe("TCP 443: pseudo-TLS and framing (reference section 2.3)", () => {
  test("the ClientHello is libnice's 50 bytes given the same random", () => {
    const hello = encodePseudoTlsClientHello(LIBNICE_CLIENT_HELLO.subarray(11, 43));
    expect(hello.toString("hex")).toBe(LIBNICE_CLIENT_HELLO.toString("hex"));
    expect(() => encodePseudoTlsClientHello(Buffer.alloc(31))).toThrow(/32 bytes, got 31/);
  });

  test("libnice's 83-byte ServerHello + ServerHelloDone is read, also when it arrives in pieces", () => {
    expect(LIBNICE_SERVER_HELLO.length).toBe(83);
    const r = readPseudoTlsServerHello(Buffer.concat([LIBNICE_SERVER_HELLO, hex("0200")]));
    expect(r).toMatchObject({ complete: true, consumed: 83, cipherSuite: PSEUDO_TLS_CIPHER_SUITE });
    expect(readPseudoTlsServerHello(LIBNICE_SERVER_HELLO.subarray(0, 3))).toEqual({ complete: false, needed: 2 });
    expect(readPseudoTlsServerHello(LIBNICE_SERVER_HELLO.subarray(0, 50))).toEqual({ complete: false, needed: 33 });
  });

  test("a TLS alert, a Certificate-sized record, another cipher or a missing ServerHelloDone are refused", () => {
    refused(hex("15 03 01 00 02 02 28"), /TLS alert instead of the pseudo-TLS ServerHello \(level 2, description 40\)/, readPseudoTlsServerHello);
    refused(hex("16 03 03 0f a0 02 00 00 46"), /handshake record of 4000 bytes/, readPseudoTlsServerHello);
    refused(hex("48 54 54 50 2f"), /first byte 0x48 is not a TLS handshake record/, readPseudoTlsServerHello);
    const cipher = Buffer.from(LIBNICE_SERVER_HELLO);
    cipher.writeUInt16BE(0x002f, 76);
    refused(cipher, /cipher suite 0x002f, the pseudo-TLS one is 0x0018/, readPseudoTlsServerHello);
    const done = Buffer.from(LIBNICE_SERVER_HELLO);
    done[79] = 0x0b;
    refused(done, /ServerHelloDone: expected 0e000000 at offset 79, got 0b000000/, readPseudoTlsServerHello);
  });

  test("frames: 02 00 00 24 + the 36-byte Allocate; reassembly; bad type or reserved byte refused", () => {
    const framed = frameTcp(MINIMAL_ALLOCATE);
    expect(framed.subarray(0, 4).toString("hex")).toBe("02000024");
    expect(framed.length).toBe(40);
    expect(readTcpFrame(framed.subarray(0, 2))).toEqual({ complete: false, needed: 2 });
    expect(readTcpFrame(framed.subarray(0, 30))).toEqual({ complete: false, needed: 10 });
    const r = readTcpFrame(Buffer.concat([framed, hex("03")]));
    expect(r.complete && r.consumed).toBe(40);
    expect(r.complete && r.payload.toString("hex")).toBe(MINIMAL_ALLOCATE.toString("hex"));
    refused(hex("16 03 01 00"), /frame type 0x16 is neither control/, readTcpFrame);
    refused(hex("02 01 00 00"), /frame reserved byte is 0x01, must be 0/, readTcpFrame);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Transport against local servers
// ---------------------------------------------------------------------------------------------------------------

interface UdpServer {
  port: number;
  received: Buffer[];
  close(): Promise<void>;
}

/** A UDP server on 127.0.0.1 that hands each datagram to `answer` (undefined: stay silent). */
async function udpServer(answer: (req: Buffer, n: number) => Buffer[] | undefined): Promise<UdpServer> {
  const socket: UdpSocket = createSocket("udp4");
  const received: Buffer[] = [];
  socket.on("message", (msg, rinfo) => {
    received.push(msg);
    for (const reply of answer(msg, received.length) ?? []) socket.send(reply, rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, "127.0.0.1", resolve));
  return { port: (socket.address() as AddressInfo).port, received, close: () => new Promise((resolve) => socket.close(() => resolve())) };
}

interface TcpServer {
  port: number;
  received: Buffer;
  close(): Promise<void>;
}

/** A TCP server on 127.0.0.1; `onData` sees everything received so far on the connection. */
async function tcpServer(onData: (socket: Socket, all: Buffer) => void): Promise<TcpServer> {
  const state = { received: Buffer.alloc(0) };
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on("data", (d) => {
      state.received = Buffer.concat([state.received, d]);
      onData(socket, state.received);
    });
    socket.on("error", () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return {
    port: (server.address() as AddressInfo).port,
    get received() {
      return state.received;
    },
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

/** Writes `data` in 7-byte pieces, so that the client has to reassemble. */
function trickle(socket: Socket, data: Buffer): void {
  for (let i = 0; i < data.length; i += 7) socket.write(data.subarray(i, i + 7));
}

describe("UDP 3478 transport", () => {
  test("a server that drops the first request: the same request is sent again and its 401 is read", async () => {
    const server = await udpServer((_req, n) => (n === 1 ? undefined : [LIBNICE_401]));
    try {
      const r = await probeUdp({ host: "127.0.0.1", port: server.port, transactionId: TID, timeoutMs: 100 });
      expect(r).toMatchObject({ outcome: "answer", transport: "udp", attempts: 2, from: `127.0.0.1:${server.port}` });
      expect(r.outcome === "answer" && r.answer).toMatchObject({ kind: "challenge", realm: "contoso.com", nonce: "abcdefgh1" });
      expect(r.elapsedMs).toBeGreaterThanOrEqual(95);
      expect(server.received.map((b) => b.toString("hex"))).toEqual([MINIMAL_ALLOCATE.toString("hex"), MINIMAL_ALLOCATE.toString("hex")]);
    } finally {
      await server.close();
    }
  });

  test("a server that never answers: three requests (two retries, doubling waits), then no-answer", async () => {
    const server = await udpServer(() => undefined);
    try {
      const r = await probeUdp({ host: "127.0.0.1", port: server.port, timeoutMs: 60 });
      expect(r).toMatchObject({ outcome: "no-answer", attempts: 3 });
      expect(r.outcome === "no-answer" && r.detail).toMatch(/no answer to 3 request\(s\) within 420 ms/);
      expect(r.elapsedMs).toBeGreaterThanOrEqual(400);
      expect(r.elapsedMs).toBeLessThan(2000);
      expect(server.received).toHaveLength(3);
      expect(new Set(server.received.map((b) => b.toString("hex"))).size).toBe(1);
    } finally {
      await server.close();
    }
  });

  test("retries are bounded: 0 sends once, more than 2 is refused", async () => {
    const server = await udpServer(() => undefined);
    try {
      const r = await probeUdp({ host: "127.0.0.1", port: server.port, timeoutMs: 50, retries: 0 });
      expect(r).toMatchObject({ outcome: "no-answer", attempts: 1 });
      expect(server.received).toHaveLength(1);
      await expect(probeUdp({ host: "127.0.0.1", port: server.port, retries: 3 })).rejects.toThrow(/retries must be 0-2/);
      expect(server.received).toHaveLength(1);
    } finally {
      await server.close();
    }
  });

  test("an answer with another transaction ID is skipped; garbage is reported as malformed with its bytes", async () => {
    const foreign = Buffer.from(LIBNICE_401);
    foreign[19] ^= 0xff;
    const server = await udpServer((_req, n) => (n === 1 ? [foreign, LIBNICE_401] : undefined));
    const garbage = await udpServer(() => [hex("deadbeef")]);
    try {
      const r = await probeUdp({ host: "127.0.0.1", port: server.port, transactionId: TID, timeoutMs: 200 });
      expect(r).toMatchObject({ outcome: "answer", attempts: 1 });
      expect(r.outcome === "answer" && r.answer.kind).toBe("challenge");
      const g = await probeUdp({ host: "127.0.0.1", port: garbage.port, transactionId: TID, timeoutMs: 200 });
      expect(g).toMatchObject({ outcome: "malformed", bytes: "deadbeef" });
      expect(g.outcome === "malformed" && g.detail).toMatch(/4 bytes: shorter than the 20-byte/);
    } finally {
      await server.close();
      await garbage.close();
    }
  });

  test("a closed UDP port on this host: ICMP port unreachable is reported as unreachable, not as no-answer", async () => {
    const closed = await udpServer(() => undefined);
    const port = closed.port;
    await closed.close();
    const r = await probeUdp({ host: "127.0.0.1", port, timeoutMs: 300 });
    expect(r).toMatchObject({ outcome: "unreachable" });
    expect(r.outcome === "unreachable" && r.detail).toMatch(/ICMP port unreachable/);
  });
});

describe("TCP 443 transport", () => {
  /** An MS-TURN-over-TCP server: checks the pseudo-TLS hello and the framed Allocate, answers with `reply`. */
  const pseudoTlsServer = (reply: (allocate: Buffer) => Buffer) =>
    tcpServer((socket, all) => {
      if (all.length === 50) {
        expect(all.subarray(0, 11).toString("hex")).toBe("160301002d010000290301");
        trickle(socket, LIBNICE_SERVER_HELLO);
      } else if (all.length === 90) {
        const frame = readTcpFrame(all.subarray(50));
        if (frame.complete) trickle(socket, frameTcp(reply(frame.payload)));
      }
    });

  test("pseudo-TLS, then the framed Allocate; the framed 401 is read (both arriving in 7-byte pieces)", async () => {
    const server = await pseudoTlsServer(() => LIBNICE_401);
    try {
      const r = await probeTcp({ host: "127.0.0.1", port: server.port, transactionId: TID, clientRandom: Buffer.alloc(32, 7), timeoutMs: 2000 });
      expect(r).toMatchObject({ outcome: "answer", transport: "tcp", attempts: 1 });
      expect(r.outcome === "answer" && r.answer).toMatchObject({ kind: "challenge", realm: "contoso.com", nonce: "abcdefgh1" });
      expect(server.received.subarray(0, 50).toString("hex")).toBe(encodePseudoTlsClientHello(Buffer.alloc(32, 7)).toString("hex"));
      expect(server.received.subarray(50).toString("hex")).toBe(`02000024${MINIMAL_ALLOCATE.toString("hex")}`);
    } finally {
      await server.close();
    }
  });

  test("a real TLS server's alert is malformed (not an A/V Edge); a close is closed; silence is a bounded no-answer", async () => {
    const tls = await tcpServer((socket) => socket.write(hex("15 03 01 00 02 02 28")));
    const closer = await tcpServer((socket) => socket.end());
    const silent = await tcpServer(() => undefined);
    try {
      const a = await probeTcp({ host: "127.0.0.1", port: tls.port, timeoutMs: 2000 });
      expect(a).toMatchObject({ outcome: "malformed", bytes: "15030100020228" });
      expect(a.outcome === "malformed" && a.detail).toMatch(/pseudo-TLS: TLS alert/);
      const c = await probeTcp({ host: "127.0.0.1", port: closer.port, timeoutMs: 2000 });
      expect(c).toMatchObject({ outcome: "closed" });
      expect(c.outcome === "closed" && c.detail).toMatch(/instead of answering the pseudo-TLS ClientHello/);
      const s = await probeTcp({ host: "127.0.0.1", port: silent.port, timeoutMs: 300 });
      expect(s).toMatchObject({ outcome: "no-answer", attempts: 0 });
      expect(s.outcome === "no-answer" && s.detail).toMatch(/no pseudo-TLS ServerHello within 300 ms/);
      expect(s.elapsedMs).toBeLessThan(1500);
      expect(silent.received.length).toBe(50);
    } finally {
      await Promise.all([tls.close(), closer.close(), silent.close()]);
    }
  });

  test("a refused connection is unreachable", async () => {
    const gone = await tcpServer(() => undefined);
    const port = gone.port;
    await gone.close();
    const r = await probeTcp({ host: "127.0.0.1", port, timeoutMs: 1000 });
    expect(r).toMatchObject({ outcome: "unreachable", detail: "TCP connection refused" });
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Independent implementation: libnice's STUN library in OC2007 (MS-TURN) mode
// ---------------------------------------------------------------------------------------------------------------

describeWithTools("MS-TURN codec checked by libnice (OC2007 mode)", ["libnice"], () => {
  let helper = "";
  beforeAll(() => {
    const dir = mkdtempSync(join(tmpdir(), "nice-stun-"));
    helper = join(dir, "nice-stun");
    const flags = execFileSync("pkg-config", ["--cflags", "--libs", "nice"], { env: TOOL_ENV, encoding: "utf8" }).trim().split(/\s+/);
    execFileSync("cc", ["-Wall", "-Werror", "-o", helper, join(__dirname, "nice-stun.c"), ...flags], { env: TOOL_ENV, stdio: ["ignore", "pipe", "pipe"] });
  });
  const nice = (...args: string[]) => JSON.parse(execFileSync(helper, args, { encoding: "utf8" }));

  test("our 36-byte Allocate: libnice reads an Allocate request with our TID, MAGIC-COOKIE and MS-VERSION 4, and would answer 401", () => {
    const v = nice("validate", MINIMAL_ALLOCATE.toString("hex"));
    // UNAUTHORIZED_BAD_REQUEST: a well-formed request without credentials (the server answers 401); ignoring
    // credentials it is a plain SUCCESS, so no attribute is unknown to libnice's MS-TURN attribute set.
    expect(v).toEqual({
      validation: "UNAUTHORIZED_BAD_REQUEST",
      validationIgnoringCredentials: "SUCCESS",
      class: 0,
      method: 3,
      length: 36,
      transactionId: TID.toString("hex"),
      hasRfc5389Cookie: true,
      magicCookie: 0x72c64bc6,
      msVersion: 4,
      bandwidth: null,
      usernameLength: null,
      hasMessageIntegrity: false,
    });
  });

  test("the community 104-byte packet: libnice reads USERNAME (48) without MESSAGE-INTEGRITY, BANDWIDTH 350, MS-VERSION 4", () => {
    expect(nice("validate", COMMUNITY_104.toString("hex"))).toMatchObject({
      validation: "UNAUTHORIZED_BAD_REQUEST",
      validationIgnoringCredentials: "SUCCESS",
      method: 3,
      msVersion: 4,
      bandwidth: 350,
      usernameLength: 48,
      hasMessageIntegrity: false,
    });
  });

  test("libnice refuses what we refuse: wrong length, attribute overrun; and flags an attribute MS-TURN does not know", () => {
    const long = Buffer.from(MINIMAL_ALLOCATE);
    long.writeUInt16BE(20, 2);
    expect(nice("validate", long.toString("hex")).validation).toMatch(/NOT_STUN|INCOMPLETE_STUN/);
    const overrun = Buffer.from(MINIMAL_ALLOCATE);
    overrun.writeUInt16BE(8, 30);
    expect(nice("validate", overrun.toString("hex")).validation).toBe("NOT_STUN");
    // REQUESTED-TRANSPORT (0x0019, RFC 5766) is in the mandatory range and not an MS-TURN attribute.
    const rfc5766 = Buffer.concat([MINIMAL_ALLOCATE, hex("0019 0004 11000000")]);
    rfc5766.writeUInt16BE(24, 2);
    expect(nice("validate", rfc5766.toString("hex")).validationIgnoringCredentials).toBe("UNKNOWN_REQUEST_ATTRIBUTE");
  });

  test("the emulated A/V Edge's 401 (lib/emulate/msturn-standin.ts) reads the same to libnice's OC2007 client", async () => {
    const standIn = await startStandIn("131.107.155.30");
    try {
      for (const msVersion of [4, null]) {
        const tid = msTurnTransactionId(randomBytes(12));
        const reply = (await exchangeUdp(standIn.udpPort, encodeAllocateRequest({ transactionId: tid, msVersion })))!;
        const ours = interpretAllocateAnswer(reply, tid);
        const theirs = nice("read", reply.toString("hex")).libnice;
        expect(theirs).toMatchObject({ length: reply.length, class: 3, method: 3, magicCookie: 0x72c64bc6, code: 401, turnProcess: "ERROR" });
        expect(ours).toMatchObject({ kind: "challenge", code: 401 });
        if (ours.kind !== "challenge") continue;
        expect(theirs.realm.replace(/\0+$/, "")).toBe(ours.realm);
        expect(theirs.nonce.replace(/\0+$/, "")).toBe(ours.nonce);
        expect(theirs.alternateServer).toEqual({ address: "131.107.155.30", port: 3478 });
        expect(theirs.msVersion).toBe(msVersion);
      }
    } finally {
      await standIn.stop();
    }
  });

  test("the fixture 401 of the transport tests is exactly what libnice builds", () => {
    const r = nice("reply401", MINIMAL_ALLOCATE.toString("hex"), "contoso.com", "abcdefgh1", "131.107.155.30", "3478");
    expect(r.reply).toBe(LIBNICE_401.toString("hex"));
  });

  test.each([
    ["MS-TURN layout (no padding)", [], "none"],
    ["libnice's default 4-byte padding", ["--aligned"], "4-byte"],
  ])("libnice's 401 replies, %s, parsed to the realm, nonce and alternate server libnice reads back", (_name, extra, padding) => {
    for (const [realm, nonce] of [
      ["a", "n"],
      ["contoso.com", "0123456789abcdef0123456789abcdef"],
      ["sfb.fabrikam.example", "b2YnqE7+/="],
      ["x".repeat(128), "yy"],
    ]) {
      const req = encodeAllocateRequest({ transactionId: msTurnTransactionId(randomBytes(12)) });
      const tid = req.subarray(4, 20);
      const r = nice("reply401", req.toString("hex"), realm, nonce, "2001:db8:15::7", "443", ...extra);
      expect(r.libnice).toEqual({ code: 401, realm, nonce, alternateServer: { address: "2001:db8:15::7", port: 443 }, turnProcess: "ERROR" });
      const bytes = Buffer.from(r.reply, "hex");
      const m = decodeMessage(bytes);
      expect(m.padding).toBe(realm.length % 4 === 0 && nonce.length % 4 === 0 ? "none" : padding);
      // MS-TURN numbers, as libnice writes them: REALM 0x0015, NONCE 0x0014.
      expect(m.attributes.find((a) => a.type === 0x0015)?.value.toString()).toBe(realm);
      expect(m.attributes.find((a) => a.type === 0x0014)?.value.toString()).toBe(nonce);
      expect(interpretAllocateAnswer(bytes, tid)).toMatchObject({
        kind: "challenge",
        code: 401,
        realm,
        nonce,
        alternateServer: { family: "IPv6", address: "2001:db8:15::7", port: 443 },
        msVersion: 4,
      });
    }
  });

  test.each([
    ["RFC 5389 cookie prefix (Microsoft clients)", () => msTurnTransactionId(randomBytes(12)), "203.0.113.7", "40001"],
    ["random TID as libnice's own client sends (XOR key = TID bytes 0-3)", () => Buffer.concat([hex("a1b2c3d4"), randomBytes(12)]), "198.51.100.200", "65535"],
    ["IPv6 reflexive address (XOR with the 16-byte TID)", () => Buffer.concat([hex("0badf00d"), randomBytes(12)]), "2001:db8::1234", "1"],
  ])("libnice's Allocate success, %s: relayed MAPPED-ADDRESS and XOR-MAPPED-ADDRESS as libnice reads them", (_name, makeTid, ip, port) => {
    const tid = makeTid();
    const req = encodeAllocateRequest({ transactionId: tid });
    const r = nice("reply-ok", req.toString("hex"), "131.107.155.30", "50123", ip, port);
    expect(r.libnice).toEqual({
      turnProcess: "MAPPED_SUCCESS",
      relayed: { address: "131.107.155.30", port: 50123 },
      reflexive: { address: ip, port: Number(port) },
      lifetime: 480,
    });
    expect(interpretAllocateAnswer(Buffer.from(r.reply, "hex"), tid)).toMatchObject({
      kind: "allocated",
      relayed: { address: "131.107.155.30", port: 50123 },
      reflexive: { address: ip, port: Number(port) },
      lifetime: 480,
      msVersion: 4,
    });
  });

  test("end to end over UDP: a local server answering each request with libnice's 401 for it", async () => {
    const server = await udpServer((req) => [
      Buffer.from(nice("reply401", req.toString("hex"), "lync.contoso.com", "n0nce", "131.107.155.30", "3478").reply, "hex"),
    ]);
    try {
      const r = await probeUdp({ host: "127.0.0.1", port: server.port, timeoutMs: 1000 });
      expect(r).toMatchObject({ outcome: "answer", attempts: 1 });
      expect(r.outcome === "answer" && r.answer).toMatchObject({
        kind: "challenge",
        realm: "lync.contoso.com",
        nonce: "n0nce",
        alternateServer: { address: "131.107.155.30", port: 3478 },
      });
      expect(r.request.startsWith("000300102112a442")).toBe(true);
    } finally {
      await server.close();
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// A stand-in is not an Edge: coturn (RFC 5389/5766) against the MS-TURN Allocate
// ---------------------------------------------------------------------------------------------------------------

describeWithTools("coturn answering the MS-TURN Allocate (a stand-in, not an A/V Edge)", ["turnserver"], () => {
  let turn: ChildProcess | undefined;
  let port = 0;
  beforeAll(async () => {
    const probe = await udpServer(() => undefined);
    port = probe.port;
    await probe.close();
    const dir = mkdtempSync(join(tmpdir(), "coturn-"));
    // As lib/emulate/world.ts runs it (lt-cred-mech, a realm), on loopback, with its files in a temp directory.
    turn = spawn(
      "turnserver",
      [
        "-n",
        "--listening-ip=127.0.0.1",
        `--listening-port=${port}`,
        "--no-rfc5780",
        "--no-tls",
        "--no-dtls",
        "--no-tcp",
        "--no-cli",
        "--lt-cred-mech",
        "--user=u:p",
        "--realm=example.org",
        `--userdb=${join(dir, "turndb")}`,
        `--pidfile=${join(dir, "turnserver.pid")}`,
        "--log-file=stdout",
        "--simple-log",
      ],
      { env: TOOL_ENV, stdio: "ignore" },
    );
    // Wait until it answers something on the port (or give up after 5 s; the test then fails on no-answer).
    for (let i = 0; i < 50; i++) {
      const r = await probeUdp({ host: "127.0.0.1", port, timeoutMs: 100, retries: 0 });
      if (r.outcome === "answer" || r.outcome === "malformed") break;
      await new Promise((resolve) => setTimeout(resolve, 100)); // ICMP unreachable comes back at once: not listening yet
    }
  });
  afterAll(() => {
    turn?.kill("SIGTERM");
  });

  test("coturn's answer is recognised as RFC 5389 / 5766, not as an MS-TURN challenge", async () => {
    const r = await probeUdp({ host: "127.0.0.1", port, timeoutMs: 500 });
    expect(r.outcome).toBe("answer");
    expect(r.outcome === "answer" && r.answer).toMatchObject({ kind: "unexpected", cause: "rfc5389" });
    // coturn skips the MAGIC-COOKIE attribute and challenges in RFC 5389 form: REALM is 0x0014 there, NONCE 0x0015.
    expect(r.outcome === "answer" && r.answer.kind === "unexpected" && r.answer.detail).toMatch(
      /not an MS-TURN A\/V Edge; error 401 Unauthorized; realm "example.org"/,
    );
    expect(r.outcome === "answer" && r.answer.attributes).toEqual(expect.arrayContaining(["REALM (0x0014)", "NONCE (0x0015)"]));
  });
});
