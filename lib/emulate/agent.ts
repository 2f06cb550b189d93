/**
 * The emulation's listener and prober, run with `ip netns exec <ns> node agent.js <mode> [<file>]` in each namespace.
 * Plain Node.js (no dependency), shipped as source text so that it runs the same from ts-jest, ts-node and the
 * esbuild bundle: the emulator writes it into the run directory.
 *
 *   probe <file>: [{type:"tcp"|"udp"|"tls"|"http"|"dns"|"hosts"|"turn", ...}]; runs all in parallel, prints one JSON
 *     array. A TCP probe with reply: true waits for the far end's JSON line (up to its timeout) instead of passing
 *     100 ms after the connection. A turn item ({transport, host, port, local, user, password, peer:{host,port},
 *     messages}) allocates a relay with long-term credentials, binds a channel to the peer and counts the media the
 *     peer echoes through the relay: {relay: "ip:port", received}.
 *   serve: the same items, requests read from standard input one JSON line each ({id, items}), each answered with one
 *     line ({id, replies}) as soon as its items are done; the emulator keeps one per namespace for the whole run
 *     (no Node start per probe run). Prints {"ready":true} first; exits when its standard input ends.
 *     {id, listen: <file>} starts the namespace's listeners in the same process (each Node process costs about 0.1 s
 *     of CPU, a good part of a perimeter's) and is answered {id, replies: []} once all are bound, or
 *     {id, replies: [{ok: false, error}]}; {id, msturn: {script, config}} starts the MS-TURN stand-in
 *     (./msturn-standin.ts) the same way. An agent that listens outlives its standard input: the teardown ends it,
 *     and with --keep it goes on answering.
 *   The listen file: {"tcp":[{host,port,tls?:{cert,key},sip?,mtls?,http?}], "udp":[{host,port}], "delayMs"?,
 *     "sip"?:{server,targetname,stsUri,nextHop?:{host,port}}}.
 *     raw TCP answers one JSON line {local, remote} (delayMs later when given: a slow far end, tests); TLS listeners
 *     present their certificate (MTLS ones ask for the client's) and answer SIP OPTIONS with 200 OK and REGISTER
 *     with a 401 challenge, or hand it to the next hop (an Access Edge); HTTP(S) listeners answer {host, local,
 *     remote}, lyncdiscover names its JSON links and the user link's OAuth challenge;
 *     UDP answers STUN Binding requests (XOR-MAPPED-ADDRESS) and anything else with the JSON line.
 */
export const AGENT_SOURCE = String.raw`"use strict";
const net = require("node:net");
const tls = require("node:tls");
const dgram = require("node:dgram");
const http = require("node:http");
const https = require("node:https");
const dns = require("node:dns");
const crypto = require("node:crypto");
const fs = require("node:fs");

const [mode, file] = process.argv.slice(2);
// The listen file of a serve agent's listen request: what its listeners answer with.
let config = {};
const MAGIC = 0x2112a442;

function stunRequest() {
  const b = Buffer.alloc(20);
  b.writeUInt16BE(0x0001, 0);
  b.writeUInt16BE(0, 2);
  b.writeUInt32BE(MAGIC, 4);
  crypto.randomBytes(12).copy(b, 8);
  return b;
}
const isStun = (m) => m.length >= 20 && m.readUInt32BE(4) === MAGIC && (m[0] & 0xc0) === 0;
function stunSuccess(req, address, port) {
  const attr = Buffer.alloc(12);
  attr.writeUInt16BE(0x0020, 0);
  attr.writeUInt16BE(8, 2);
  attr.writeUInt8(0, 4);
  attr.writeUInt8(1, 5);
  attr.writeUInt16BE(port ^ (MAGIC >>> 16), 6);
  const ip = address.split(".").map(Number);
  attr.writeUInt32BE((((ip[0] << 24) | (ip[1] << 16) | (ip[2] << 8) | ip[3]) ^ MAGIC) >>> 0, 8);
  const head = Buffer.from(req.subarray(0, 20));
  head.writeUInt16BE(0x0101, 0);
  head.writeUInt16BE(attr.length, 2);
  return Buffer.concat([head, attr]);
}
function parseStun(m) {
  if (!isStun(m)) return undefined;
  let off = 20;
  while (off + 4 <= m.length) {
    const type = m.readUInt16BE(off);
    const len = m.readUInt16BE(off + 2);
    if ((type === 0x0020 || type === 0x8020) && len >= 8) {
      const v = m.readUInt32BE(off + 8) ^ MAGIC;
      return { stun: m.readUInt16BE(0).toString(16), remote: [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join(".") };
    }
    off += 4 + len + ((4 - (len % 4)) % 4);
  }
  return { stun: m.readUInt16BE(0).toString(16) };
}
// The top Via gets the source address the request came from (received=, RFC 3261 18.2.1): the prober reads the
// address the far end saw (NAT-04) from the answer.
function sipReply(status, text, remote, extra) {
  const lines = text.split("\r\n");
  const pick = (h) => lines.filter((l) => l.toLowerCase().startsWith(h.toLowerCase() + ":")).join("\r\n");
  const server = (config.sip && config.sip.server) || "edge-lab emulate";
  return ["SIP/2.0 " + status, pick("Via") + ";received=" + remote, pick("From"), pick("To") + ";tag=edge-lab", pick("Call-ID"), pick("CSeq"), ...extra, "Server: " + server, "Content-Length: 0", "", ""].join("\r\n");
}
const sipAnswer = (text, remote) => sipReply("200 OK", text, remote, []);
// A REGISTER without credentials: the registrar's challenge, as captured from Lync 2013 / SfB 2015 (reference 1.2).
function registerChallenge(text, remote) {
  const sip = config.sip || {};
  const target = sip.targetname || "edge-lab.invalid";
  return sipReply("401 Unauthorized", text, remote, [
    'WWW-Authenticate: NTLM realm="SIP Communications Service", targetname="' + target + '", version=4',
    'WWW-Authenticate: TLS-DSK realm="SIP Communications Service", targetname="' + target + '", version=4, sts-uri="' + (sip.stsUri || "") + '"',
  ]);
}
// The Access Edge authenticates nobody: it hands the REGISTER to its next hop over MTLS 5061 (reference 1.2). The
// emulated next hop is a stand-in listener (raw or TLS), so the Edge stand-in opens the connection through the
// internal firewall and answers the registrar's 401 once it is established; a 504 when it cannot reach it. The 401
// outside therefore proves the Edge -> next hop path, as on a real Edge.
function forwardRegister(s, text) {
  const hop = config.sip.nextHop;
  let done = false;
  const up = net.connect({ host: hop.host, port: hop.port });
  const finish = (answer) => { if (done) return; done = true; up.destroy(); if (!s.destroyed) s.write(answer); };
  const unreachable = () => finish(sipReply("504 Server time-out", text, s.remoteAddress, ['ms-diagnostics: 1046;reason="Failed to connect to a peer server";PeerServer="' + hop.host + '"']));
  up.setTimeout(3000, unreachable);
  up.on("error", unreachable);
  up.on("connect", () => finish(registerChallenge(text, s.remoteAddress)));
}
function sipRequest(s, text) {
  if (!text.startsWith("REGISTER ")) return s.write(sipAnswer(text, s.remoteAddress));
  if (config.sip && config.sip.nextHop) return forwardRegister(s, text);
  s.write(registerChallenge(text, s.remoteAddress));
}
// Web services behind the reverse proxy: lyncdiscover answers its JSON (UCWA shape, reference 4) and the user link
// challenges with MsRtcOAuth; everything else answers which Host and address the request arrived with.
function webAnswer(req, res) {
  const seen = { host: req.headers.host, local: req.socket.localAddress + ":" + req.socket.localPort, remote: req.socket.remoteAddress };
  const host = String(req.headers.host || "").replace(/:\d+$/, "");
  res.setHeader("content-type", "application/json");
  if (host.startsWith("lyncdiscover.") && req.url.startsWith("/Autodiscover/AutodiscoverService.svc/root/oauth/user")) {
    res.statusCode = 401;
    res.setHeader("WWW-Authenticate", 'MsRtcOAuth href="https://' + host + '/WebTicket/oauthtoken",grant_type="urn:microsoft.rtc:windows,urn:microsoft.rtc:anonmeeting,password"');
    if (config.sip && config.sip.targetname) res.setHeader("X-MS-Server-Fqdn", config.sip.targetname);
    return res.end(JSON.stringify(seen) + "\n");
  }
  if (host.startsWith("lyncdiscover.") && req.url === "/") {
    const base = "https://" + host + "/Autodiscover/AutodiscoverService.svc/root";
    const links = { self: { href: base + "?originalDomain=" + host.slice(13) }, user: { href: base + "/oauth/user?originalDomain=" + host.slice(13) }, xframe: { href: "https://" + host + "/Autodiscover/XFrame/XFrame.html" } };
    return res.end(JSON.stringify({ ...seen, _links: links }) + "\n");
  }
  res.end(JSON.stringify(seen) + "\n");
}

// Binds every listener of the listen file (config); bound() once all are, failed(message) at the first that cannot.
function startListeners(bound, failed) {
  const items = [...(config.tcp || []).map((e) => ({ ...e, proto: "tcp" })), ...(config.udp || []).map((e) => ({ ...e, proto: "udp" }))];
  let pending = items.length;
  const ready = () => { if (--pending === 0) bound(); };
  if (pending === 0) bound();
  const fail = (e, err) => failed("listen " + e.host + ":" + e.port + "/" + e.proto + ": " + err.message);
  for (const e of items) {
    if (e.proto === "udp") {
      const sock = dgram.createSocket("udp4");
      sock.on("message", (msg, r) => {
        const answer = isStun(msg) ? stunSuccess(msg, r.address, r.port) : JSON.stringify({ local: e.host + ":" + e.port, remote: r.address }) + "\n";
        if (r.port > 0) sock.send(answer, r.port, r.address, () => undefined);
      });
      sock.on("error", (err) => fail(e, err));
      sock.bind({ address: e.host, port: e.port }, ready);
      continue;
    }
    let server;
    if (e.http) {
      server = e.tls ? https.createServer({ cert: fs.readFileSync(e.tls.cert), key: fs.readFileSync(e.tls.key) }, webAnswer) : http.createServer(webAnswer);
    } else if (e.tls) {
      // MTLS listeners ask for a client certificate as the Edge's 5061 does, and take the connection without one.
      const options = { cert: fs.readFileSync(e.tls.cert), key: fs.readFileSync(e.tls.key), ...(e.mtls ? { requestCert: true, rejectUnauthorized: false } : {}) };
      server = tls.createServer(options, (s) => {
        let buf = "";
        s.on("error", () => undefined);
        s.on("data", (d) => {
          buf += d;
          if (buf.includes("\r\n\r\n")) { sipRequest(s, buf); buf = ""; }
        });
      });
      server.on("tlsClientError", () => undefined);
    } else {
      server = net.createServer((s) => {
        s.on("error", () => undefined);
        const line = JSON.stringify({ local: s.localAddress + ":" + s.localPort, remote: s.remoteAddress }) + "\n";
        if (config.delayMs) setTimeout(() => s.end(line), config.delayMs); else s.end(line);
      });
    }
    server.on("error", (err) => fail(e, err));
    server.listen({ host: e.host, port: e.port }, ready);
  }
  process.on("SIGTERM", () => process.exit(0));
}

// Runs one exchange to its end or its bound; start() returns how to drop the exchange when the bound comes first (a
// serving agent lives on: a connection left behind would keep sending SYNs and hold its source port).
function withTimeout(ms, start) {
  return new Promise((resolve) => {
    let done = false, cleanup;
    const finish = (r) => { if (!done) { done = true; clearTimeout(t); resolve(r); } };
    const t = setTimeout(() => { try { if (cleanup) cleanup(); } catch {} finish({ ok: false, error: "timeout" }); }, ms);
    cleanup = start(finish);
  });
}

// A connection from a fixed source port (a row's source port, e.g. Microsoft 365's TCP 443) ends with a reset, not
// a FIN: closing first would leave the 4-tuple in TIME_WAIT for a minute, and the next run's probe from the same port
// to the same far end would fail with EADDRNOTAVAIL.
// (A connection still being made closes at once: Node would wait for it to connect before the reset. TLS sockets
// have no reset: they close as before.)
const close = (s, p) => { try { if (p.localPort !== undefined && !s.connecting && s.resetAndDestroy) return void s.resetAndDestroy(); } catch {} s.destroy(); };

const probes = {
  tcp: (p) => withTimeout(p.timeoutMs, (finish) => {
    let data = "";
    const s = net.connect({ host: p.host, port: p.port, localAddress: p.local, localPort: p.localPort });
    const end = (r) => { close(s, p); finish(r); };
    // A far end that says nothing on a bare connection (TLS, TURN) passes once connected; a probe that needs the far
    // end's answer (reply: the address it saw, NAT-04) waits for it up to the timeout, however late it comes.
    let grace;
    // The grace catches a listener that accepts and resets at once (inside one machine that takes a millisecond or
    // two); --mutate waits for it once per removed rule.
    s.on("connect", () => { if (!p.reply) grace = setTimeout(() => end({ ok: true }), 100); });
    const answered = () => { clearTimeout(grace); try { end({ ok: true, reply: JSON.parse(data) }); } catch { end({ ok: true }); } };
    s.on("data", (d) => { data += d; if (data.includes("\n")) answered(); });
    s.on("end", answered);
    s.on("error", (err) => { clearTimeout(grace); end({ ok: false, error: err.code || err.message }); });
    return () => { clearTimeout(grace); close(s, p); };
  }),
  udp: (p) => withTimeout(p.timeoutMs, (finish) => {
    // A fixed source port (STUN 3478 -> 3478) is the A/V Edge's own port, where coturn listens too: share it
    // (SO_REUSEADDR) and connect the socket, so that the answer comes to this socket and not to coturn's.
    // Only the target's answer counts (a shared port may also receive a request meant for coturn), and the request
    // is sent again every 500 ms as a STUN client does (RFC 5389 7.2.1; more often under a shorter bound, so that it
    // is sent at least four times): a datagram lost to coturn in the moment between bind and connect does not fail
    // the probe.
    const s = dgram.createSocket({ type: "udp4", reuseAddr: p.localPort !== undefined });
    let again;
    const end = (r) => { clearInterval(again); try { s.close(); } catch {} finish(r); };
    s.on("message", (m, r) => {
      if (r.address !== p.host || r.port !== p.port) return;
      const st = parseStun(m);
      if (st) end({ ok: true, reply: st }); else { try { end({ ok: true, reply: JSON.parse(m.toString()) }); } catch { end({ ok: true }); } }
    });
    s.on("error", (err) => end({ ok: false, error: err.code || err.message }));
    const payload = p.stun ? stunRequest() : Buffer.from("probe");
    const start = (send) => { send(); again = setInterval(send, Math.min(500, Math.max(100, p.timeoutMs / 4))); };
    // Connected either way: an ICMP port unreachable then surfaces as ECONNREFUSED (a host answered: the datagram
    // crossed every firewall; --mutate's refusing rulesets end a probe that way at once) instead of as silence.
    s.bind({ address: p.local, port: p.localPort }, () => s.connect(p.port, p.host, () => start(() => s.send(payload))));
    return () => { clearInterval(again); s.close(); };
  }),
  tls: (p) => withTimeout(p.timeoutMs, (finish) => {
    const s = tls.connect({ host: p.host, port: p.port, servername: p.servername, ca: fs.readFileSync(p.ca), localAddress: p.local, localPort: p.localPort });
    const end = (r) => { close(s, p); finish(r); };
    let cert;
    s.on("secureConnect", () => {
      const c = s.getPeerCertificate();
      cert = { subject: c.subject && c.subject.CN, sans: (c.subjectaltname || "").split(", ").filter(Boolean).map((x) => x.replace(/^DNS:/, "")) };
      if (!p.sip) return end({ ok: true, reply: cert });
      s.write(["OPTIONS sip:" + p.servername + " SIP/2.0", "Via: SIP/2.0/TLS edge-lab.invalid;branch=z9hG4bK" + crypto.randomBytes(6).toString("hex"), "Max-Forwards: 70",
        "From: <sip:probe@edge-lab.invalid>;tag=1", "To: <sip:" + p.servername + ">", "Call-ID: " + crypto.randomBytes(8).toString("hex"), "CSeq: 1 OPTIONS", "Content-Length: 0", "", ""].join("\r\n"));
    });
    let buf = "";
    s.on("data", (d) => {
      buf += d;
      if (!buf.includes("\r\n\r\n")) return;
      const received = (buf.match(/;received=([^;\r\n]+)/) || [])[1];
      end({ ok: /^SIP\/2\.0 200 /.test(buf), reply: { ...cert, sip: buf.split("\r\n")[0], ...(received ? { remote: received } : {}) } });
    });
    s.on("error", (err) => end({ ok: false, error: err.code || err.message, reply: cert }));
    return () => close(s, p);
  }),
  http: (p) => withTimeout(p.timeoutMs, (finish) => {
    const lib = p.scheme === "https" ? https : http;
    const req = lib.request({ host: p.host, port: p.port, path: "/", headers: { host: p.hostHeader }, servername: p.hostHeader, ca: p.ca ? fs.readFileSync(p.ca) : undefined, agent: false }, (res) => {
      let body = "";
      res.on("data", (d) => (body += d));
      res.on("end", () => { try { finish({ ok: res.statusCode === 200, reply: { status: res.statusCode, ...JSON.parse(body) } }); } catch { finish({ ok: false, error: "status " + res.statusCode }); } });
    });
    req.on("error", (err) => finish({ ok: false, error: err.code || err.message }));
    req.end();
    return () => req.destroy();
  }),
  dns: (p) => withTimeout(p.timeoutMs, (finish) => {
    const r = new dns.promises.Resolver({ timeout: 1500, tries: 2 });
    r.setServers([p.server]);
    const ask = { A: () => r.resolve4(p.name), SRV: () => r.resolveSrv(p.name).then((a) => a.map((x) => x.priority + " " + x.weight + " " + x.port + " " + x.name)), CNAME: () => r.resolveCname(p.name) }[p.rtype];
    ask().then((answers) => finish({ ok: true, reply: { answers } }), (err) => finish({ ok: false, error: err.code || err.message }));
    return () => r.cancel();
  }),
  hosts: (p) => withTimeout(p.timeoutMs, (finish) => {
    dns.lookup(p.name, { family: 4, all: true }, (err, a) => finish(err ? { ok: false, error: err.code } : { ok: true, reply: { answers: a.map((x) => x.address) } }));
  }),
};

// TURN (RFC 5766) with long-term credentials, the relay proven with media: Allocate (401, then with MESSAGE-INTEGRITY),
// ChannelBind to the partner, ChannelData out and back (the partner echoes), Refresh with lifetime 0. Over UDP the
// requests are sent again every 250 ms until answered; over TCP messages are framed by their own length.
const turnAttr = (type, value) => {
  const head = Buffer.alloc(4);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(value.length, 2);
  return Buffer.concat([head, value, Buffer.alloc((4 - (value.length % 4)) % 4)]);
};
function xorAddress(ip, port) {
  const v = Buffer.alloc(8);
  v.writeUInt8(1, 1);
  v.writeUInt16BE(port ^ (MAGIC >>> 16), 2);
  const n = ip.split(".").reduce((a, o) => a * 256 + Number(o), 0);
  v.writeUInt32BE((n ^ MAGIC) >>> 0, 4);
  return v;
}
function readXorAddress(v) {
  if (!v || v.length < 8) return undefined;
  const n = (v.readUInt32BE(4) ^ MAGIC) >>> 0;
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".") + ":" + (v.readUInt16BE(2) ^ (MAGIC >>> 16));
}
function turnMessage(type, tid, attrs, key) {
  let body = Buffer.concat(attrs);
  const head = Buffer.alloc(20);
  head.writeUInt16BE(type, 0);
  head.writeUInt32BE(MAGIC, 4);
  tid.copy(head, 8);
  if (key) {
    head.writeUInt16BE(body.length + 24, 2);
    body = Buffer.concat([body, turnAttr(0x0008, crypto.createHmac("sha1", key).update(Buffer.concat([head, body])).digest())]);
  }
  head.writeUInt16BE(body.length, 2);
  return Buffer.concat([head, body]);
}
function turnAttrs(m) {
  const out = new Map();
  for (let off = 20; off + 4 <= m.length; ) {
    const type = m.readUInt16BE(off), len = m.readUInt16BE(off + 2);
    if (!out.has(type)) out.set(type, m.subarray(off + 4, off + 4 + len));
    off += 4 + len + ((4 - (len % 4)) % 4);
  }
  return out;
}
const turnError = (a) => { const e = a.get(0x0009); return e && e.length >= 4 ? (e[2] & 7) * 100 + e[3] + " " + e.subarray(4).toString() : "error"; };
const CHANNEL = 0x4000;
function turnProbe(p) {
  return new Promise((finish) => {
    const tcp = p.transport === "tcp";
    const waiting = new Map();
    const echoed = new Set();
    let relay, auth, sock, resend, over = false, onMedia = () => undefined;
    const timer = setTimeout(() => fail("timeout"), p.timeoutMs);
    // The allocation is released (Refresh, lifetime 0) and the socket closed once the probe has its answer.
    const result = (r) => {
      if (over) return;
      over = true;
      clearTimeout(timer);
      clearInterval(resend);
      try { if (relay && auth) send(turnMessage(0x0004, crypto.randomBytes(12), [turnAttr(0x000d, Buffer.alloc(4)), ...auth.attrs()], auth.key)); } catch {}
      setTimeout(() => { try { if (tcp) sock.destroy(); else sock.close(); } catch {} }, 20);
      finish(r);
    };
    const fail = (error) => result(relay ? { ok: true, reply: { relay, received: echoed.size, error } } : { ok: false, error });
    const send = (b) => (tcp ? sock.write(b) : sock.send(b, p.port, p.host));
    const request = (type, attrs) => new Promise((resolve) => {
      const tid = crypto.randomBytes(12);
      const msg = turnMessage(type, tid, [...attrs, ...(auth ? auth.attrs() : [])], auth && auth.key);
      waiting.set(tid.toString("hex"), { resolve, msg });
      send(msg);
    });
    const receive = (m) => {
      if (m.length >= 4 && m.readUInt16BE(0) === CHANNEL) return onMedia(m.subarray(4, 4 + m.readUInt16BE(2)));
      if (m.length < 20 || m.readUInt32BE(4) !== MAGIC) return;
      const w = waiting.get(m.subarray(8, 20).toString("hex"));
      if (!w) return;
      waiting.delete(m.subarray(8, 20).toString("hex"));
      w.resolve({ ok: (m.readUInt16BE(0) & 0x0110) === 0x0100, attrs: turnAttrs(m) });
    };
    const run = async () => {
      const transport = turnAttr(0x0019, Buffer.from([17, 0, 0, 0]));
      let r = await request(0x0003, [transport]);
      for (let i = 0; i < 2 && !r.ok; i++) {
        const realm = r.attrs.get(0x0014), nonce = r.attrs.get(0x0015);
        if (!realm || !nonce) return fail("allocate: " + turnError(r.attrs));
        const key = crypto.createHash("md5").update(p.user + ":" + realm.toString() + ":" + p.password).digest();
        auth = { key, attrs: () => [turnAttr(0x0006, Buffer.from(p.user)), turnAttr(0x0014, realm), turnAttr(0x0015, nonce)] };
        r = await request(0x0003, [transport]);
      }
      if (!r.ok) return (auth = undefined), fail("allocate: " + turnError(r.attrs));
      relay = readXorAddress(r.attrs.get(0x0016));
      if (!relay) return fail("allocate: no XOR-RELAYED-ADDRESS");
      const bound = await request(0x0009, [turnAttr(0x000c, Buffer.from([0x40, 0, 0, 0])), turnAttr(0x0012, xorAddress(p.peer.host, p.peer.port))]);
      if (!bound.ok) return fail("channel bind: " + turnError(bound.attrs));
      const media = (i) => { const d = Buffer.alloc(100, 7); d.writeUInt32BE(i, 0); const h = Buffer.alloc(4); h.writeUInt16BE(CHANNEL, 0); h.writeUInt16BE(d.length, 2); return Buffer.concat([h, d]); };
      onMedia = (d) => { if (d.length >= 4 && d.readUInt32BE(0) < p.messages) echoed.add(d.readUInt32BE(0)); if (echoed.size === p.messages) result({ ok: true, reply: { relay, received: echoed.size } }); };
      const sendMedia = () => { for (let i = 0; i < p.messages; i++) if (!echoed.has(i)) send(media(i)); };
      sendMedia();
      if (!tcp) resend = setInterval(sendMedia, 250);
    };
    const start = () => run().catch((e) => fail(e.message));
    if (tcp) {
      let buf = Buffer.alloc(0);
      sock = net.connect({ host: p.host, port: p.port, localAddress: p.local }, start);
      sock.on("data", (d) => {
        buf = Buffer.concat([buf, d]);
        for (;;) {
          if (buf.length < 4) return;
          const channel = buf[0] >= 0x40 && buf[0] < 0x80;
          const len = channel ? 4 + Math.ceil(buf.readUInt16BE(2) / 4) * 4 : 20 + buf.readUInt16BE(2);
          if (buf.length < len) return;
          const m = buf.subarray(0, len);
          buf = buf.subarray(len);
          receive(m);
        }
      });
      sock.on("error", (err) => fail(err.code || err.message));
      sock.on("close", () => fail("connection closed"));
    } else {
      sock = dgram.createSocket("udp4");
      sock.on("message", (m, r) => { if (r.address === p.host && r.port === p.port) receive(m); });
      sock.on("error", (err) => fail(err.code || err.message));
      sock.bind({ address: p.local }, () => {
        resend = setInterval(() => { for (const w of waiting.values()) send(w.msg); }, 250);
        start();
      });
    }
  });
}
probes.turn = turnProbe;

const runItem = (p) => (probes[p.type] ? probes[p.type](p) : Promise.resolve({ ok: false, error: "unknown item " + p.type })).catch((e) => ({ ok: false, error: e.message }));

// serve: one request per line on standard input ({id, items}), one answer per line ({id, replies}), items of every
// request in parallel; ends with its standard input (the emulator closed it, or ended).
function serve() {
  let buf = "";
  let listening = false;
  process.stdin.setEncoding("utf8");
  process.stdin.on("data", (d) => {
    buf += d;
    for (let i = buf.indexOf("\n"); i >= 0; i = buf.indexOf("\n")) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (!line) continue;
      const req = JSON.parse(line);
      const answer = (replies, then) => process.stdout.write(JSON.stringify({ id: req.id, replies }) + "\n", then);
      // A listener that cannot bind (or a file that cannot be read) ends the agent, as it ended the listen mode's
      // process: nothing half-up stays. The reason goes to the log too, and the agent exits once the answer is
      // written (a pipe may be asynchronous).
      const failed = (error) => {
        process.stderr.write(error + "\n");
        answer([{ ok: false, error }], () => process.exit(1));
      };
      if (req.msturn || req.listen) {
        listening = true;
        try {
          if (req.msturn) {
            // The A/V Edge's MS-TURN stand-in (./msturn-standin.ts) in this process, as for the listeners.
            require(req.msturn.script)(JSON.parse(fs.readFileSync(req.msturn.config, "utf8")), () => answer([]), failed);
          } else {
            config = JSON.parse(fs.readFileSync(req.listen, "utf8"));
            startListeners(() => answer([]), failed);
          }
        } catch (e) {
          failed((req.msturn ? "MS-TURN stand-in: " : "listeners: ") + e.message);
        }
        continue;
      }
      Promise.all(req.items.map(runItem)).then((replies) => answer(replies));
    }
  });
  process.stdin.on("end", () => { if (!listening) process.exit(0); });
  process.stdout.write(JSON.stringify({ ready: true }) + "\n");
}

if (mode === "serve") serve();
else Promise.all(JSON.parse(fs.readFileSync(file, "utf8")).map(runItem)).then((r) => process.stdout.write(JSON.stringify(r) + "\n", () => process.exit(0)));
`;
