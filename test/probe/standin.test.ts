/**
 * The emulated A/V Edge's MS-TURN face (lib/emulate/msturn-standin.ts), met by the prober exactly as a real Edge
 * would be (lib/probe/msturn-transport.ts): UDP Allocate -> 401 with REALM, NONCE and the configured public address;
 * TCP 443 pseudo-TLS then a framed 401; IETF TURN clients piped to coturn; RFC 5389 Binding and real TLS ignored.
 * libnice reads the same answers in test/probe/msturn.test.ts (system project).
 */
import { connect } from "node:net";
import { randomBytes } from "node:crypto";
import { encodeAllocateRequest, interpretAllocateAnswer, msTurnTransactionId } from "../../lib/probe/msturn";
import { probeTcp, probeUdp } from "../../lib/probe/msturn-transport";
import { judgeMsTurn } from "../../lib/probe/checks";
import { exchangeUdp, startStandIn, type StandIn } from "./standin-helper";

let standIn: StandIn;
beforeAll(async () => (standIn = await startStandIn("131.107.155.30")));
afterAll(() => standIn.stop());

test("UDP: the Allocate without credentials gets MS-TURN's 401 with realm, nonce and the public address", async () => {
  const r = await probeUdp({ host: "127.0.0.1", port: standIn.udpPort, timeoutMs: 1000 });
  expect(r.outcome).toBe("answer");
  if (r.outcome !== "answer") return;
  expect(r.answer).toMatchObject({
    kind: "challenge",
    code: 401,
    realm: "contoso.com",
    alternateServer: { address: "131.107.155.30", port: 3478 },
    msVersion: 4,
  });
  expect(r.attempts).toBe(1);
  expect(judgeMsTurn(r, ["131.107.155.30"])).toMatchObject({ pass: true });
  expect(judgeMsTurn(r, ["131.107.155.31"])).toMatchObject({
    pass: false,
    detail: expect.stringContaining("public address is 131.107.155.30, the plan says 131.107.155.31 (NAT-02)"),
  });
});

test("TCP 443: pseudo-TLS hellos, then the framed 401", async () => {
  const r = await probeTcp({ host: "127.0.0.1", port: standIn.tcpPort, timeoutMs: 2000 });
  expect(r.outcome).toBe("answer");
  if (r.outcome === "answer")
    expect(r.answer).toMatchObject({ kind: "challenge", code: 401, realm: "contoso.com", alternateServer: { address: "131.107.155.30", port: 443 } });
});

test("each 401 has a fresh nonce, and MS-VERSION is echoed only when asked", async () => {
  const ask = (msVersion: number | null) => {
    const tid = msTurnTransactionId(randomBytes(12));
    return exchangeUdp(standIn.udpPort, encodeAllocateRequest({ transactionId: tid, msVersion })).then((b) => interpretAllocateAnswer(b!, tid));
  };
  const [a, b, c] = [await ask(4), await ask(4), await ask(null)];
  expect(a.kind === "challenge" && b.kind === "challenge" && a.nonce !== b.nonce).toBe(true);
  expect(c).toMatchObject({ kind: "challenge" });
  expect(c.kind === "challenge" && c.msVersion).toBeUndefined();
});

test("silence for what a real Edge ignores: an RFC 5389 Binding request, an Allocate without MAGIC-COOKIE", async () => {
  const binding = Buffer.concat([Buffer.from("000100002112a442", "hex"), randomBytes(12)]);
  expect(await exchangeUdp(standIn.udpPort, binding, 300)).toBeUndefined();
  const noCookie = Buffer.concat([Buffer.from("000300002112a442", "hex"), randomBytes(12)]);
  expect(await exchangeUdp(standIn.udpPort, noCookie, 300)).toBeUndefined();
});

test("TCP: an IETF TURN client (a STUN header first) is piped to coturn; a real TLS ClientHello is closed", async () => {
  const stun = Buffer.concat([Buffer.from("000300082112a442", "hex"), randomBytes(12), Buffer.from("0019000411000000", "hex")]);
  const echoed = await new Promise<Buffer>((resolve) => {
    const s = connect(standIn.tcpPort, "127.0.0.1", () => s.write(stun));
    s.once("data", (d) => (s.destroy(), resolve(d)));
  });
  expect(echoed).toEqual(stun);
  expect(standIn.piped.some((b) => b.equals(stun))).toBe(true);
  const closed = await new Promise<boolean>((resolve) => {
    // A TLS 1.2 ClientHello record header with a real cipher list: not the pseudo-TLS hello (cipher 0x0018 only).
    const hello = Buffer.concat([Buffer.from("160301002d0100002903 03".replace(/ /g, ""), "hex"), randomBytes(32), Buffer.from("000002c02f0100", "hex")]);
    const s = connect(standIn.tcpPort, "127.0.0.1", () => s.write(hello));
    s.on("data", () => resolve(false));
    s.on("close", () => resolve(true));
  });
  expect(closed).toBe(true);
});

test("hostile datagrams and streams get silence or a close, and the stand-in keeps answering", async () => {
  const allocate = (tail: string) => {
    const body = Buffer.from(`000f000472c64bc6${tail}`, "hex");
    const head = Buffer.concat([Buffer.from("0003", "hex"), Buffer.alloc(2), Buffer.from("2112a442", "hex"), randomBytes(12)]);
    head.writeUInt16BE(body.length, 2);
    return Buffer.concat([head, body]);
  };
  // MS-VERSION announced with 4 bytes and none sent; an attribute claiming 65535 bytes; random garbage.
  for (const bad of [allocate("80080004"), allocate("0006ffff"), randomBytes(40), Buffer.alloc(3)])
    expect(await exchangeUdp(standIn.udpPort, bad, 200)).toBeUndefined();
  const closed = await new Promise<boolean>((resolve) => {
    const s = connect(standIn.tcpPort, "127.0.0.1", () => s.write(Buffer.concat([Buffer.from("16030100ffff", "hex"), randomBytes(200)])));
    s.on("close", () => resolve(true));
  });
  expect(closed).toBe(true);
  const r = await probeUdp({ host: "127.0.0.1", port: standIn.udpPort, timeoutMs: 1000 });
  expect(r.outcome === "answer" && r.answer.kind).toBe("challenge");
});
