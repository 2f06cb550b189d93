/**
 * Tiny TCP/UDP listener and prober for the firewall namespace test, run with `ip netns exec <ns> node netprobe.js`.
 *
 *   node netprobe.js listen '[{"proto":"tcp","host":"10.45.16.10","port":443}, ...]'
 *     Listens on every endpoint; answers each TCP connection / UDP datagram with one JSON line
 *     {"local":"<address:port it arrived at>","remote":"<source address the listener sees>"}. Prints READY.
 *   node netprobe.js probe '[{"proto":"tcp","host":"203.0.113.10","port":443,"localAddress":"...","timeoutMs":2000}, ...]'
 *     Runs every probe in parallel; prints one JSON array of {ok, reply?, error?} in probe order, then exits.
 *     "localPort" sets the source port (rows that name one: Microsoft 365's STUN 3478 -> 3478).
 */
"use strict";
const net = require("node:net");
const dgram = require("node:dgram");

const [mode, json] = process.argv.slice(2);
const items = JSON.parse(json);

function listen() {
  let pending = items.length;
  const ready = () => {
    if (--pending === 0) process.stdout.write("READY\n");
  };
  for (const e of items) {
    if (e.proto === "tcp") {
      const server = net.createServer((sock) => {
        sock.on("error", () => undefined);
        sock.end(JSON.stringify({ local: `${sock.localAddress}:${sock.localPort}`, remote: sock.remoteAddress }) + "\n");
      });
      server.on("error", (err) => {
        process.stderr.write(`listen ${e.host}:${e.port}/tcp: ${err.message}\n`);
        process.exit(1);
      });
      server.listen({ host: e.host, port: e.port }, ready);
    } else {
      const sock = dgram.createSocket("udp4");
      sock.on("message", (_msg, rinfo) => {
        sock.send(JSON.stringify({ local: `${e.host}:${e.port}`, remote: rinfo.address }) + "\n", rinfo.port, rinfo.address);
      });
      sock.on("error", (err) => {
        process.stderr.write(`listen ${e.host}:${e.port}/udp: ${err.message}\n`);
        process.exit(1);
      });
      sock.bind({ address: e.host, port: e.port }, ready);
    }
  }
  process.on("SIGTERM", () => process.exit(0));
}

function probeTcp(p) {
  return new Promise((resolve) => {
    let data = "";
    const sock = net.connect({ host: p.host, port: p.port, localAddress: p.localAddress, localPort: p.localPort });
    const done = (r) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, error: "timeout" }), p.timeoutMs);
    sock.on("data", (d) => (data += d));
    sock.on("end", () => done({ ok: true, reply: JSON.parse(data) }));
    sock.on("error", (err) => done({ ok: false, error: err.code || err.message }));
  });
}

function probeUdp(p) {
  return new Promise((resolve) => {
    const sock = dgram.createSocket("udp4");
    const done = (r) => {
      clearTimeout(timer);
      sock.close();
      resolve(r);
    };
    const timer = setTimeout(() => done({ ok: false, error: "timeout" }), p.timeoutMs);
    sock.on("message", (msg) => done({ ok: true, reply: JSON.parse(msg.toString()) }));
    sock.on("error", (err) => done({ ok: false, error: err.code || err.message }));
    sock.bind({ address: p.localAddress, port: p.localPort }, () => sock.send("probe", p.port, p.host));
  });
}

if (mode === "listen") listen();
else if (mode === "probe")
  Promise.all(items.map((p) => (p.proto === "tcp" ? probeTcp(p) : probeUdp(p)))).then((r) => process.stdout.write(JSON.stringify(r) + "\n"));
else {
  process.stderr.write("usage: netprobe.js listen|probe <json>\n");
  process.exit(2);
}
