/**
 * lib/probe/tls-probe.ts against local TLS servers started here (no root): Node tls servers (always), and
 * `openssl s_server -Verify 1` (where openssl runs), each presenting test/fixtures/probe/edge-rsa.crt. The MTLS
 * listener's certificate must be read although the handshake fails; versions are tried one connection each.
 */
import { connect as tlsConnect, createServer as createTlsServer, type Server as TlsServer, type TlsOptions } from "node:tls";
import { createServer as createNetServer, type AddressInfo, type Server as NetServer } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { probeTls, readServerFlight } from "../../lib/probe/tls-probe";
import { describeWithTools } from "../system-tools";
import { startChild, type Child } from "../realtools/tools";

jest.setTimeout(30000);

const FIX = join(__dirname, "..", "fixtures", "probe");
const file = (f: string) => readFileSync(join(FIX, f), "utf8");
const CA = file("ca.crt");
const EDGE = { key: file("edge-rsa.key"), cert: file("edge-rsa.crt") };
const SANS = ["sip.contoso.com", "webconf.contoso.com", "sip.fabrikam.com"];

interface Started {
  port: number;
  connections: number;
  servernames: (string | false | null)[];
  close(): Promise<void>;
}

/** A Node TLS server that closes each connection once the handshake is done (`keepOpen`: leaves it open, as an Edge does). */
async function tlsServer(options: TlsOptions, keepOpen = false): Promise<Started> {
  const s: Started = { port: 0, connections: 0, servernames: [], close: async () => undefined };
  const server: TlsServer = createTlsServer(options, (sock) => (keepOpen ? undefined : sock.end()));
  server.on("connection", () => s.connections++);
  server.on("tlsClientError", () => undefined);
  server.on("secureConnection", (sock) => s.servernames.push(sock.servername));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  s.port = (server.address() as AddressInfo).port;
  s.close = () => new Promise<void>((r) => server.close(() => r()));
  return s;
}

describe("TLS 1.2 listener that demands a client certificate (Node tls server, like the federation port 5061)", () => {
  let srv: Started;
  beforeAll(async () => {
    srv = await tlsServer({ ...EDGE, ca: [CA], requestCert: true, rejectUnauthorized: true, minVersion: "TLSv1.2", maxVersion: "TLSv1.2" });
  });
  afterAll(() => srv.close());

  test("node:tls alone fails the handshake and never sees the certificate", async () => {
    const outcome = await new Promise<string>((resolve) => {
      const s = tlsConnect({ host: "127.0.0.1", port: srv.port, rejectUnauthorized: false, servername: "sip.contoso.com" });
      s.once("secureConnect", () => (s.destroy(), resolve("handshake completed")));
      s.once("error", (e) => resolve(`error: ${e.message}`));
    });
    expect(outcome).toMatch(/^error: /);
  });

  test("the probe reads the certificate from the raw records: subject, SANs in order, chain, CertificateRequest", async () => {
    const before = srv.connections;
    const o = await probeTls({ host: "127.0.0.1", port: srv.port, servername: "sip.contoso.com", ca: [CA], timeoutMs: 3000 });
    expect(o.source).toBe("records");
    expect(o.negotiatedVersion).toBe("TLSv1.2");
    expect(o.certificate?.subject).toBe("C=US, O=Contoso, CN=sip.contoso.com");
    expect(o.certificate?.dnsNames).toEqual(SANS);
    expect(o.certificate?.keyBits).toBe(2048);
    expect(o.chainOk).toBe(true);
    expect(o.nameMatches).toBe(true);
    expect(o.clientCertificateRequested).toBe(true);
    expect(o.acceptableClientCas).toEqual(["CN=edge-lab probe test CA"]);
    expect(o.versions.map((v) => [v.version, v.outcome])).toEqual([
      ["TLSv1.3", "refused"],
      ["TLSv1.2", "accepted"],
      ["TLSv1.1", "refused"],
      ["TLSv1", "refused"],
    ]);
    // Four version attempts and one raw read, one after the other.
    expect(srv.connections - before).toBe(5);
  });

  test("chain against Node's root store: read, reported as not trusted, with the reason", async () => {
    const o = await probeTls({ host: "127.0.0.1", port: srv.port, servername: "sip.contoso.com", versions: ["TLSv1.2"], timeoutMs: 3000 });
    expect(o.trust).toBe("Node root store");
    expect(o.certificate?.dnsNames).toEqual(SANS);
    expect(o.chainOk).toBe(false);
    expect(o.chainError).toMatch(/is not issued by a trusted CA \(issuer CN=edge-lab probe test CA\)/);
  });

  test("readServerFlight on its own: the flight up to ServerHelloDone", async () => {
    const f = await readServerFlight({ host: "127.0.0.1", port: srv.port, servername: "sip.contoso.com", timeoutMs: 3000 });
    expect(f.messages[0]).toBe("ServerHello");
    expect(f.messages).toContain("CertificateRequest");
    expect(f.serverHelloDone).toBe(true);
  });
});

describe("TLS 1.2 + 1.3 listener without client certificates (Node tls server, like the Access Edge on 443)", () => {
  let srv: Started;
  beforeAll(async () => {
    srv = await tlsServer({ ...EDGE, minVersion: "TLSv1.2" });
  });
  afterAll(() => srv.close());

  test("handshake by node:tls, highest version first, chain against the given CA", async () => {
    const o = await probeTls({ host: "127.0.0.1", port: srv.port, servername: "webconf.contoso.com", ca: [CA], timeoutMs: 3000, verdictWaitMs: 100 });
    expect(o).toMatchObject({ source: "node:tls", negotiatedVersion: "TLSv1.3", chainOk: true, nameMatches: true, clientCertificateRequested: undefined });
    expect(o.certificate?.dnsNames).toEqual(SANS);
    // node:tls reports the verified chain: the leaf the server sent, then the trust anchor it was verified against.
    expect(o.chain.map((c) => c.subject)).toEqual(["C=US, O=Contoso, CN=sip.contoso.com", "CN=edge-lab probe test CA"]);
    expect(o.versions.map((v) => v.outcome)).toEqual(["completed", "completed", "refused", "refused"]);
  });

  test("TLS 1.3: the server's session ticket is its verdict on our empty certificate, so the probe does not wait verdictWaitMs", async () => {
    // Node's TLS server sends NewSessionTicket after the client's Finished and, like an Edge, keeps the connection
    // open; a probe that waited out verdictWaitMs (30 s here) would run past this test's 10 s bound.
    const open = await tlsServer({ ...EDGE, minVersion: "TLSv1.3" }, true);
    const o = await probeTls({
      host: "127.0.0.1",
      port: open.port,
      servername: "webconf.contoso.com",
      ca: [CA],
      versions: ["TLSv1.3"],
      timeoutMs: 30_000,
      verdictWaitMs: 30_000,
    });
    expect(o.versions).toEqual([{ version: "TLSv1.3", outcome: "completed", cipher: expect.any(String) }]);
    expect(o.clientCertificateRequested).toBeUndefined();
    await open.close();
  }, 10_000);

  test("a name not on the certificate: chain still trusted, the name does not match", async () => {
    const o = await probeTls({ host: "127.0.0.1", port: srv.port, servername: "av.contoso.com", ca: [CA], versions: ["TLSv1.2"], timeoutMs: 3000 });
    expect(o).toMatchObject({ chainOk: true, chainError: undefined, nameMatches: false });
    expect(o.certificate?.dnsNames).toEqual(SANS);
  });

  test("without the CA: OpenSSL's verdict is reported; a name not on the certificate does not match", async () => {
    const o = await probeTls({ host: "127.0.0.1", port: srv.port, servername: "av.contoso.com", versions: ["TLSv1.2"], timeoutMs: 3000 });
    expect(o.chainOk).toBe(false);
    expect(o.chainError).toMatch(/UNABLE_TO_VERIFY_LEAF_SIGNATURE|unable to verify/i);
    expect(o.nameMatches).toBe(false);
  });

  test('raw: "always" learns that no CertificateRequest is sent', async () => {
    const o = await probeTls({
      host: "127.0.0.1",
      port: srv.port,
      servername: "sip.contoso.com",
      ca: [CA],
      versions: ["TLSv1.2"],
      raw: "always",
      timeoutMs: 3000,
    });
    expect(o.source).toBe("node:tls");
    expect(o.clientCertificateRequested).toBe(false);
    expect(o.acceptableClientCas).toBeUndefined();
  });

  test("SNI is sent as given, and not at all with servername: false", async () => {
    const before = srv.servernames.length;
    await probeTls({ host: "127.0.0.1", port: srv.port, servername: "sip.contoso.com", versions: ["TLSv1.2"], timeoutMs: 3000 });
    await probeTls({ host: "127.0.0.1", port: srv.port, servername: false, versions: ["TLSv1.2"], timeoutMs: 3000 });
    expect(srv.servernames.slice(before)).toEqual(["sip.contoso.com", false]);
  });
});

test("an old server (TLS 1.0 / 1.1, legacy ciphers) is read, not refused by our side", async () => {
  const srv = await tlsServer({ ...EDGE, minVersion: "TLSv1", maxVersion: "TLSv1.1", ciphers: "DEFAULT:@SECLEVEL=0" });
  try {
    const o = await probeTls({ host: "127.0.0.1", port: srv.port, servername: "sip.contoso.com", ca: [CA], timeoutMs: 3000 });
    expect(o.versions.map((v) => [v.version, v.outcome])).toEqual([
      ["TLSv1.3", "refused"],
      ["TLSv1.2", "refused"],
      ["TLSv1.1", "completed"],
      ["TLSv1", "completed"],
    ]);
    expect(o).toMatchObject({ source: "node:tls", negotiatedVersion: "TLSv1.1", chainOk: true });
    expect(o.certificate?.dnsNames).toEqual(SANS);
  } finally {
    await srv.close();
  }
});

describe("politeness when nothing answers", () => {
  test("a closed port: one attempt, no raw read, no certificate", async () => {
    const s = createNetServer();
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const port = (s.address() as AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    const o = await probeTls({ host: "127.0.0.1", port, timeoutMs: 2000 });
    expect(o.versions).toEqual([{ version: "TLSv1.3", outcome: "unreachable", error: expect.stringMatching(/ECONNREFUSED/) }]);
    expect(o.notes).toEqual([]);
    expect(o).toMatchObject({ chainOk: false, chainError: "no certificate was read", chain: [] });
  });

  test("a server that accepts and stays silent: every attempt ends at the timeout, five connections in all", async () => {
    let connections = 0;
    const sockets: import("node:net").Socket[] = [];
    const s: NetServer = createNetServer((sock) => (connections++, sockets.push(sock)));
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const port = (s.address() as AddressInfo).port;
    const started = Date.now();
    const o = await probeTls({ host: "127.0.0.1", port, timeoutMs: 300 });
    const elapsed = Date.now() - started;
    sockets.forEach((x) => x.destroy());
    await new Promise<void>((r) => s.close(() => r()));
    expect(o.versions.map((v) => v.outcome)).toEqual(["timeout", "timeout", "timeout", "timeout"]);
    expect(o.notes).toEqual([expect.stringMatching(/no complete TLS server flight within 300 ms \(before any handshake message\)/)]);
    expect(connections).toBe(5);
    expect(elapsed).toBeLessThan(5 * 300 + 1500);
  });

  test("a server that answers in HTTP: the raw read says so", async () => {
    const sockets: import("node:net").Socket[] = [];
    const s = createNetServer((sock) => (sockets.push(sock), sock.end("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")));
    await new Promise<void>((r) => s.listen(0, "127.0.0.1", r));
    const port = (s.address() as AddressInfo).port;
    await expect(readServerFlight({ host: "127.0.0.1", port, timeoutMs: 2000 })).rejects.toThrow(
      /not a TLS record at offset 0: content type 72 \(the server sent "HTTP\/1.1 400/,
    );
    sockets.forEach((x) => x.destroy());
    await new Promise<void>((r) => s.close(() => r()));
  });
});

/**
 * openssl s_server on a free port; resolves with the port it prints ("ACCEPT 127.0.0.1:<port>"). `-www`: without it
 * s_server shuts down once its stdin (not a terminal here) reaches end of file.
 */
async function sServer(extra: string[]): Promise<{ child: Child; port: number }> {
  const { child, ready } = startChild(
    "openssl",
    [
      "s_server",
      "-accept",
      "127.0.0.1:0",
      "-cert",
      join(FIX, "edge-rsa.crt"),
      "-key",
      join(FIX, "edge-rsa.key"),
      "-CAfile",
      join(FIX, "ca.crt"),
      "-www",
      ...extra,
    ],
    /ACCEPT 127\.0\.0\.1:\d+/,
  );
  await ready;
  return { child, port: Number(/ACCEPT 127\.0\.0\.1:(\d+)/.exec(child.output())![1]) };
}

describeWithTools("openssl s_server -Verify 1 (demands a client certificate, then aborts)", ["openssl"], () => {
  const children: Child[] = [];
  afterAll(async () => {
    for (const c of children) await c.stop();
  });

  test("TLS ≤ 1.2: the certificate comes from the raw records although every handshake fails", async () => {
    const s = await sServer(["-Verify", "1", "-no_tls1_3", "-cipher", "DEFAULT:@SECLEVEL=0"]);
    children.push(s.child);
    const o = await probeTls({ host: "127.0.0.1", port: s.port, servername: "sip.contoso.com", ca: [CA], timeoutMs: 3000 });
    expect(o.source).toBe("records");
    expect(o.certificate).toMatchObject({ subject: "C=US, O=Contoso, CN=sip.contoso.com", dnsNames: SANS, signatureAlgorithm: "sha256WithRSAEncryption" });
    // As sent: s_server adds the CA from -CAfile to its chain.
    expect(o.chain.map((c) => c.subjectCommonName)).toEqual(["sip.contoso.com", "edge-lab probe test CA"]);
    expect(o.chainOk).toBe(true);
    expect(o.clientCertificateRequested).toBe(true);
    expect(o.acceptableClientCas).toEqual(["CN=edge-lab probe test CA"]);
    expect(o.versions[0]).toMatchObject({ version: "TLSv1.3", outcome: "refused" });
    expect(o.versions[1]).toMatchObject({ version: "TLSv1.2", outcome: "accepted", error: expect.stringMatching(/HANDSHAKE_FAILURE/) });
  });

  test("TLS 1.3: the handshake completes on our side, the certificate_required alert that follows marks MTLS", async () => {
    const s = await sServer(["-Verify", "1"]);
    children.push(s.child);
    const o = await probeTls({
      host: "127.0.0.1",
      port: s.port,
      servername: "sip.contoso.com",
      ca: [CA],
      versions: ["TLSv1.3"],
      timeoutMs: 3000,
      verdictWaitMs: 1000,
    });
    expect(o.source).toBe("node:tls");
    expect(o.certificate?.dnsNames).toEqual(SANS);
    expect(o.versions).toEqual([
      { version: "TLSv1.3", outcome: "completed", cipher: expect.any(String), error: expect.stringMatching(/CERTIFICATE_REQUIRED/) },
    ]);
    expect(o.clientCertificateRequested).toBe(true);
  });

  test("a TLS 1.2-only server: the other versions are refused", async () => {
    const s = await sServer(["-tls1_2"]);
    children.push(s.child);
    const o = await probeTls({ host: "127.0.0.1", port: s.port, servername: "sip.contoso.com", ca: [CA], timeoutMs: 3000 });
    expect(o.versions.map((v) => [v.version, v.outcome])).toEqual([
      ["TLSv1.3", "refused"],
      ["TLSv1.2", "completed"],
      ["TLSv1.1", "refused"],
      ["TLSv1", "refused"],
    ]);
    expect(o).toMatchObject({ source: "node:tls", negotiatedVersion: "TLSv1.2", chainOk: true });
  });
});
