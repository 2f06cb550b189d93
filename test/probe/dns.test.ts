/**
 * lib/probe/dns.ts (node:dns Resolver on a chosen server): a real BIND serving a small contoso.com zone on an
 * unprivileged port of 127.0.0.1 (skipped where named does not run), and, without any tool, two stand-ins written
 * here on a UDP socket: one that never answers (timeout and the number of tries) and one that answers every query
 * with a fixed RCODE (SERVFAIL, REFUSED). The lighter choice than a DNS library: the stand-ins only echo the question.
 */
import { createSocket, type Socket } from "node:dgram";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { checkServer, querySipDomain, queryDns, srvTargetInDomain } from "../../lib/probe/dns";
import { describeWithTools } from "../system-tools";
import { startChild, tempDir, type Child } from "../realtools/tools";

jest.setTimeout(30000);

async function udpSocket(onMessage: (s: Socket, msg: Buffer, rinfo: { address: string; port: number }) => void): Promise<{ socket: Socket; port: number }> {
  const socket = createSocket("udp4");
  socket.on("message", (msg, rinfo) => onMessage(socket, msg, rinfo));
  await new Promise<void>((r) => socket.bind(0, "127.0.0.1", r));
  return { socket, port: socket.address().port };
}

/** The query's header and question with QR set, the given RCODE and no other records. */
function answerWithRcode(query: Buffer, rcode: number): Buffer {
  let p = 12;
  while (query[p] !== 0) p += query[p] + 1;
  const out = Buffer.from(query.subarray(0, p + 5));
  out[2] = 0x81 | (query[2] & 0x01); // QR, opcode 0, RD echoed
  out[3] = 0x80 | rcode; // RA
  out.writeUInt16BE(1, 4);
  out.writeUInt32BE(0, 6); // ANCOUNT, NSCOUNT
  out.writeUInt16BE(0, 10); // ARCOUNT
  return out;
}

describe("server addresses and names", () => {
  test.each(["127.0.0.1", "127.0.0.1:5353", "[::1]:53", "2001:db8::53"])("accepts %s", (s) => expect(checkServer(s)).toBe(s));
  test.each(["dns.contoso.com", "127.0.0.1:70000", "300.1.1.1", "[::1", ""])("refuses %s", (s) => {
    expect(() => checkServer(s)).toThrow(/is not an IP address with an optional port/);
  });
  test("a name that is not a domain name is refused before any query", async () => {
    await expect(queryDns("sip.contoso.com\r\n", "A", { servers: ["127.0.0.1:9"] })).rejects.toThrow(/is not a domain name/);
  });
  test("SRV targets must lie in the SIP domain (federation rule, 1009)", () => {
    expect(srvTargetInDomain("sip.contoso.com.", "contoso.com")).toBe(true);
    expect(srvTargetInDomain("SIP.Contoso.com", "contoso.com")).toBe(true);
    expect(srvTargetInDomain("sip.contoso.com.evil.net", "contoso.com")).toBe(false);
    expect(srvTargetInDomain("sipcontoso.com", "contoso.com")).toBe(false);
  });
});

describe("a resolver that does not answer, or answers with an error code", () => {
  test("silence: status timeout after `tries` queries, each within timeoutMs", async () => {
    let queries = 0;
    const { socket, port } = await udpSocket(() => queries++);
    try {
      const started = Date.now();
      const o = await queryDns("sip.contoso.com", "A", { servers: [`127.0.0.1:${port}`], timeoutMs: 200, tries: 2 });
      expect(o).toEqual({ name: "sip.contoso.com", type: "A", resolver: `127.0.0.1:${port}`, answers: [], status: "timeout", message: undefined });
      expect(queries).toBe(2);
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      socket.close();
    }
  });

  test.each([
    [2, "servfail"],
    [5, "refused"],
    [3, "nxdomain"],
  ] as const)("RCODE %i is reported as %s", async (rcode, status) => {
    const { socket, port } = await udpSocket((s, msg, rinfo) => s.send(answerWithRcode(msg, rcode), rinfo.port, rinfo.address));
    try {
      const o = await queryDns("_sip._tls.contoso.com", "SRV", { servers: [`127.0.0.1:${port}`], timeoutMs: 1000, tries: 1 });
      expect(o.status).toBe(status);
      expect(o.answers).toEqual([]);
    } finally {
      socket.close();
    }
  });
});

const ZONE = `$TTL 300
@                       IN SOA ns.contoso.com. hostmaster.contoso.com. 1 3600 600 86400 300
@                       IN NS  ns.contoso.com.
ns                      IN A   127.0.0.1
sip                     IN A   203.0.113.11
sip                     IN A   203.0.113.10
sip                     IN AAAA 2001:db8::10
_sipfederationtls._tcp  IN SRV 0 0 5061 sip.contoso.com.
_sip._tls               IN SRV 10 5 443 sip2.fabrikam.com.
_sip._tls               IN SRV 0 10 443 sip.contoso.com.
_sip._tls               IN SRV 0 20 443 sipb.contoso.com.
sipb                    IN A   203.0.113.12
lyncdiscover            IN CNAME rp.contoso.com.
rp                      IN A   203.0.113.20
`;

describeWithTools("queries against a local BIND (named on 127.0.0.1, unprivileged port)", ["named"], () => {
  const dir = tempDir("edge-lab-probe-dns-");
  let named: Child | undefined;
  let server = "";

  beforeAll(async () => {
    // A free port for both UDP and TCP: taken from a UDP bind, released, then given to named.
    const probe = await udpSocket(() => undefined);
    const port = probe.port;
    probe.socket.close();
    writeFileSync(join(dir.dir, "contoso.zone"), ZONE);
    writeFileSync(
      join(dir.dir, "named.conf"),
      [
        "options {",
        `  directory "${dir.dir}";`,
        "  pid-file none;",
        `  session-keyfile "${join(dir.dir, "session.key")}";`,
        `  listen-on port ${port} { 127.0.0.1; };`,
        "  listen-on-v6 { none; };",
        "  recursion no;",
        "  dnssec-validation no;",
        "};",
        "controls { };",
        `zone "contoso.com" { type primary; file "${join(dir.dir, "contoso.zone")}"; };`,
        "",
      ].join("\n"),
    );
    const started = startChild("named", ["-g", "-n", "1", "-c", join(dir.dir, "named.conf")], /all zones loaded[\s\S]*\brunning\s*$/m, 15000);
    named = started.child;
    await started.ready;
    server = `127.0.0.1:${port}`;
  });
  afterAll(async () => {
    await named?.stop();
    dir.remove();
  });

  test("A with TTLs, AAAA, and the resolver named in the answer", async () => {
    const a = await queryDns("sip.contoso.com", "A", { servers: [server] });
    expect(a.status).toBe("ok");
    expect(a.resolver).toBe(server);
    expect(a.answers.map((x) => ("address" in x ? x.address : "")).sort()).toEqual(["203.0.113.10", "203.0.113.11"]);
    expect(a.answers.every((x) => "ttl" in x && x.ttl === 300)).toBe(true);
    expect((await queryDns("sip.contoso.com.", "AAAA", { servers: [server] })).answers).toEqual([{ type: "AAAA", address: "2001:db8::10", ttl: 300 }]);
  });

  test("SRV sorted by priority, then weight (heaviest first)", async () => {
    const o = await queryDns("_sip._tls.contoso.com", "SRV", { servers: [server] });
    expect(o.answers).toEqual([
      { type: "SRV", priority: 0, weight: 20, port: 443, target: "sipb.contoso.com" },
      { type: "SRV", priority: 0, weight: 10, port: 443, target: "sip.contoso.com" },
      { type: "SRV", priority: 10, weight: 5, port: 443, target: "sip2.fabrikam.com" },
    ]);
  });

  test("CNAME, and A through the CNAME", async () => {
    expect((await queryDns("lyncdiscover.contoso.com", "CNAME", { servers: [server] })).answers).toEqual([{ type: "CNAME", target: "rp.contoso.com" }]);
    expect((await queryDns("lyncdiscover.contoso.com", "A", { servers: [server] })).answers).toEqual([{ type: "A", address: "203.0.113.20", ttl: 300 }]);
  });

  test("NXDOMAIN and NODATA are told apart", async () => {
    expect((await queryDns("nothere.contoso.com", "A", { servers: [server] })).status).toBe("nxdomain");
    expect((await queryDns("rp.contoso.com", "AAAA", { servers: [server] })).status).toBe("nodata");
  });

  test("the SIP-domain set of §5, one query at a time", async () => {
    const all = await querySipDomain("contoso.com", { servers: [server] });
    expect(all.map((o) => [o.name, o.type, o.status])).toEqual([
      ["_sipfederationtls._tcp.contoso.com", "SRV", "ok"],
      ["_sip._tls.contoso.com", "SRV", "ok"],
      ["sip.contoso.com", "A", "ok"],
      ["lyncdiscover.contoso.com", "CNAME", "ok"],
      ["lyncdiscover.contoso.com", "A", "ok"],
      ["_xmpp-server._tcp.contoso.com", "SRV", "nxdomain"],
    ]);
  });
});
