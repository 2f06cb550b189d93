/**
 * The A/V Edge's MS-TURN face, beside coturn (which keeps proving relayed media with IETF TURN): a real A/V Edge
 * answers an Allocate without credentials with a 401 carrying REALM and NONCE in MS-TURN's own attribute numbers
 * (reference probe-protocols.md 2.1-2.3), and TCP 443 starts with pseudo-TLS. `edge-lab probe` sent from the simulated
 * Internet then meets what it meets on a real Edge, not coturn's RFC 5389 answers.
 *
 *   UDP: an nftables rule in the Edge's namespace sends datagrams to 3478 whose first attribute is MS-TURN's
 *        MAGIC-COOKIE (00 0f 00 04 72 c6 4b c6 at payload offset 20) to this stand-in's port; coturn keeps the rest.
 *   TCP 443: the stand-in listens; a pseudo-TLS ClientHello (first byte 0x16) gets the 83-byte ServerHello and then
 *        framed MS-TURN; anything else (coturn's clients start with a STUN header) is piped to coturn's port.
 *
 * Plain Node.js shipped as source text like the agent (./agent.ts). The emulator's probe agent of the Edge's namespace
 * runs it (`require("msturn.js")(config, ready, fail)`, one Node process per namespace); on its own,
 * `node msturn.js <config.json>` prints READY.
 * Config: {udp:[{host,port}], tcp:[{host,port,coturnPort}], realm, alternate:{"<host>":"<public ip>"}}.
 * VERIFY (reference section 8 item 1): the attributes of a real Edge's 401 (ALTERNATE-SERVER as the public address,
 * MS-VERSION echoed) follow the specification; no capture of a real Edge was available.
 */
export const MSTURN_STANDIN_SOURCE = String.raw`"use strict";
const net = require("node:net");
const dgram = require("node:dgram");
const crypto = require("node:crypto");
const fs = require("node:fs");

// Set by start(): one stand-in per process.
let config;
const COOKIE = Buffer.from("000f000472c64bc6", "hex");

// MS-TURN attributes carry no padding (reference 2.1): the length is the value's own.
function attr(type, value) {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value]);
}
function address(ip, port) {
  const v = Buffer.alloc(8);
  v.writeUInt8(1, 1);
  v.writeUInt16BE(port, 2);
  ip.split(".").forEach((o, i) => v.writeUInt8(Number(o), 4 + i));
  return v;
}
// Answers an MS-TURN Allocate (type 0x0003, MAGIC-COOKIE first) with 0x0113 / 401; anything else: undefined.
function answer(msg, host, port) {
  if (msg.length < 28 || msg.readUInt16BE(0) !== 0x0003 || !msg.subarray(20, 28).equals(COOKIE)) return undefined;
  let version;
  for (let off = 20; off + 4 <= msg.length; ) {
    const type = msg.readUInt16BE(off), len = msg.readUInt16BE(off + 2);
    if (off + 4 + len > msg.length) return undefined; // an attribute running past the message: not an Allocate
    if (type === 0x8008 && len >= 4) version = msg.readUInt32BE(off + 4);
    off += 4 + len;
  }
  const error = Buffer.concat([Buffer.from([0, 0, 4, 1]), Buffer.from("Unauthorized")]);
  const attrs = [
    COOKIE,
    attr(0x0009, error),
    attr(0x0015, Buffer.from(config.realm)),
    attr(0x0014, Buffer.from(crypto.randomBytes(16).toString("hex"))),
    attr(0x000e, address(config.alternate[host] || host, port)),
    ...(version === undefined ? [] : [attr(0x8008, Buffer.from([0, 0, 0, version & 255]))]),
  ];
  const body = Buffer.concat(attrs);
  const head = Buffer.alloc(20);
  head.writeUInt16BE(0x0113, 0);
  head.writeUInt16BE(body.length, 2);
  msg.copy(head, 4, 4, 20);
  return Buffer.concat([head, body]);
}

const serverHello = () =>
  Buffer.concat([Buffer.from("160301004e0200004603 01".replace(/ /g, ""), "hex"), crypto.randomBytes(32), Buffer.from([0x20]), crypto.randomBytes(32), Buffer.from("0018000e000000", "hex")]);

function pseudoTls(s, first, host) {
  let buf = first, hello = false;
  const take = () => {
    if (!hello) {
      // The pseudo-TLS ClientHello: 50 bytes, cipher suite 0x0018 (libnice's MSOC bytes). A real TLS client gets closed.
      if (buf.length < 50) return;
      if (buf[5] !== 1 || buf.readUInt16BE(46) !== 0x0018) return s.destroy();
      buf = buf.subarray(50);
      hello = true;
      s.write(serverHello());
    }
    while (buf.length >= 4) {
      const len = buf.readUInt16BE(2);
      if (buf.length < 4 + len) return;
      const a = buf[0] === 0x02 ? answer(buf.subarray(4, 4 + len), host, 443) : undefined;
      buf = buf.subarray(4 + len);
      if (!a) return s.destroy();
      const frame = Buffer.alloc(4);
      frame.writeUInt8(0x02, 0);
      frame.writeUInt16BE(a.length, 2);
      s.write(Buffer.concat([frame, a]));
    }
  };
  const safely = () => { try { take(); } catch { s.destroy(); } };
  // A pseudo-TLS client says everything at once: an idle or oversized stream is closed.
  s.setTimeout(10000, () => s.destroy());
  safely();
  s.on("data", (d) => { buf = Buffer.concat([buf, d]); if (buf.length > 65536) return s.destroy(); safely(); });
}

// Binds every socket of the config; bound() once all are, failed(message) at the first that cannot.
function start(standinConfig, bound, failed) {
  config = standinConfig;
  let pending = (config.udp || []).length + (config.tcp || []).length;
  const ready = () => { if (--pending === 0) bound(); };
  const fail = (what, err) => failed(what + ": " + err.message);
  for (const u of config.udp || []) {
    const sock = dgram.createSocket("udp4");
    // Datagrams arrive here redirected from 3478: the answer leaves from 3478 again (conntrack reverses the redirect).
    // Nothing a datagram carries may stop the stand-in: odd bytes get silence, as on a real Edge.
    sock.on("message", (msg, r) => {
      try {
        const a = r.port > 0 ? answer(msg, u.host, 3478) : undefined;
        if (a) sock.send(a, r.port, r.address, () => undefined);
      } catch {}
    });
    sock.on("error", (e) => fail("udp " + u.host + ":" + u.port, e));
    sock.bind({ address: u.host, port: u.port }, ready);
  }
  for (const t of config.tcp || []) {
    const server = net.createServer((s) => {
      s.on("error", () => undefined);
      s.once("data", (first) => {
        if (first[0] === 0x16) return pseudoTls(s, first, t.host);
        s.pause();
        const coturn = net.connect({ host: t.host, port: t.coturnPort }, () => { coturn.write(first); s.pipe(coturn).pipe(s); s.resume(); });
        coturn.on("error", () => s.destroy());
        s.on("close", () => coturn.destroy());
      });
    });
    server.on("error", (e) => fail("tcp " + t.host + ":" + t.port, e));
    server.listen({ host: t.host, port: t.port }, ready);
  }
  if (pending === 0) bound();
}

module.exports = start;
if (require.main === module) {
  start(JSON.parse(fs.readFileSync(process.argv[2], "utf8")), () => process.stdout.write("READY\n"), (message) => { process.stderr.write(message + "\n"); process.exit(1); });
  process.on("SIGTERM", () => process.exit(0));
}
`;

/**
 * The nftables rules that hand MS-TURN datagrams (the MAGIC-COOKIE attribute first, at payload offset 20) sent to
 * UDP 3478 of each address to the stand-in's port on the same address (DNAT, not redirect: redirect would pick the
 * interface's first address, and an A/V address is rarely the first).
 */
export function msTurnRedirect(hosts: readonly string[], udpPort: number): string {
  return [
    "table ip edge_lab_msturn {",
    "  chain prerouting {",
    "    type nat hook prerouting priority dstnat; policy accept;",
    ...hosts.map((h) => `    ip daddr ${h} udp dport 3478 @th,224,64 0x000f000472c64bc6 dnat to ${h}:${udpPort}`),
    "  }",
    "}",
    "",
  ].join("\n");
}
