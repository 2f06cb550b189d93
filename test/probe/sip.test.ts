/**
 * lib/probe/sip.ts: the REGISTER we send, the response parser (a Lync-shaped 401 from test/fixtures/probe, folding,
 * compact forms, bounds, malformed input) and one REGISTER against a Node tls server answering with a canned
 * 100 Trying + 401 (realm, targetname, Server).
 */
import { createServer as createTlsServer, type TLSSocket } from "node:tls";
import type { AddressInfo } from "node:net";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  buildRegister,
  MAX_HEADERS,
  newIdentifiers,
  parseChallenges,
  parseSipResponse,
  probeSipRegister,
  PROBE_USER,
  SipParseError,
  summarizeChallenges,
  type SipResponse,
} from "../../lib/probe/sip";

jest.setTimeout(20000);

const FIX = join(__dirname, "..", "fixtures", "probe");
const EDGE = { key: readFileSync(join(FIX, "edge-rsa.key")), cert: readFileSync(join(FIX, "edge-rsa.crt")) };
const LYNC_401 = readFileSync(join(FIX, "lync-register-401.txt"));

function parsed(text: string | Buffer): SipResponse {
  const r = parseSipResponse(Buffer.isBuffer(text) ? text : Buffer.from(text));
  if (!r.complete) throw new Error("incomplete");
  return r.response;
}

describe("REGISTER", () => {
  const ids = { callId: "3f2a9c1e7b5d4a6f8e0c2b1d", branch: "z9hG4bK0123456789abcdef", tag: "5d1f3a9c0b2e" };

  test("the request of probe-protocols.md §1.2, CRLF line ends, fixed probe identity, empty body", () => {
    expect(buildRegister({ domain: "contoso.com", localAddress: "192.0.2.10", localPort: 50123, ...ids })).toBe(
      [
        "REGISTER sip:contoso.com SIP/2.0",
        "Via: SIP/2.0/TLS 192.0.2.10:50123;branch=z9hG4bK0123456789abcdef",
        "Max-Forwards: 70",
        `From: <sip:${PROBE_USER}@contoso.com>;tag=5d1f3a9c0b2e`,
        "To: <sip:edge-lab-probe@contoso.com>",
        "Call-ID: 3f2a9c1e7b5d4a6f8e0c2b1d",
        "CSeq: 1 REGISTER",
        "Contact: <sip:192.0.2.10:50123;transport=tls>",
        "User-Agent: edge-lab-probe",
        "Content-Length: 0",
        "",
        "",
      ].join("\r\n"),
    );
  });

  test("IPv6 local address in brackets", () => {
    expect(buildRegister({ domain: "contoso.com", localAddress: "2001:db8::1", localPort: 5061, ...ids })).toContain(
      "Via: SIP/2.0/TLS [2001:db8::1]:5061;branch=",
    );
  });

  test("fresh Call-ID, branch (with the RFC 3261 magic cookie) and tag every time", () => {
    const a = newIdentifiers();
    const b = newIdentifiers();
    expect(a.branch).toMatch(/^z9hG4bK[0-9a-f]{16}$/);
    expect(new Set([a.callId, b.callId]).size).toBe(2);
    expect(new Set([a.branch, b.branch]).size).toBe(2);
    expect(new Set([a.tag, b.tag]).size).toBe(2);
  });

  test.each([
    ["a domain with a header injected", { domain: "contoso.com\r\nX-Evil: 1" }, /SIP domain .* is not a domain name/],
    ["a user part in the domain", { domain: "admin@contoso.com" }, /is not a domain name/],
    ["a host name as local address", { localAddress: "edge.contoso.com" }, /is not an IP address/],
    ["port 0", { localPort: 0 }, /bad local port 0/],
    ["a Call-ID with a space", { callId: "a b" }, /Call-ID "a b" is not a SIP token/],
  ])("refuses %s", (_n, change, message) => {
    expect(() => buildRegister({ domain: "contoso.com", localAddress: "192.0.2.10", localPort: 5061, ...ids, ...change })).toThrow(message);
  });
});

describe("response parser", () => {
  test("the Lync-shaped 401: status, challenges per scheme, Server, Via with ms-received-*", () => {
    const r = parsed(LYNC_401);
    expect([r.status, r.reason]).toEqual([401, "Unauthorized"]);
    expect(r.get("server")).toBe("RTC/6.0");
    expect(r.get("Via")).toMatch(/ms-received-port=50123;ms-received-cid=1A2B00$/);
    expect(summarizeChallenges(r)).toEqual([
      {
        scheme: "NTLM",
        realm: "SIP Communications Service",
        targetname: "fe01.contoso.local",
        version: "4",
        stsUri: undefined,
        params: { realm: "SIP Communications Service", targetname: "fe01.contoso.local", version: "4" },
      },
      {
        scheme: "TLS-DSK",
        realm: "SIP Communications Service",
        targetname: "fe01.contoso.local",
        version: "4",
        stsUri: "https://lyncweb.contoso.com:443/CertProv/CertProvisioningService.svc",
        params: expect.any(Object),
      },
    ]);
  });

  test("compact header names, folded lines, LF-only line ends, leading keep-alive CRLFs", () => {
    const r = parsed(
      '\r\n\r\nSIP/2.0 401 Unauthorized\nv: SIP/2.0/TLS 192.0.2.10:5061;branch=z9hG4bKx\ni: abc\nWWW-Authenticate: NTLM realm="SIP Communications Service",\n\t targetname="fe01.contoso.local", version=4\nl: 0\n\n',
    );
    expect(r.get("call-id")).toBe("abc");
    expect(r.all("v")).toEqual(["SIP/2.0/TLS 192.0.2.10:5061;branch=z9hG4bKx"]);
    expect(summarizeChallenges(r)[0]).toMatchObject({ scheme: "NTLM", targetname: "fe01.contoso.local", version: "4" });
  });

  test("incomplete until the body of Content-Length bytes is there; consumed stops at the body's end", () => {
    const msg = Buffer.from(
      'SIP/2.0 504 Server time-out\r\nms-diagnostics: 1009;reason="No match for domain in DNS SRV results"\r\nContent-Length: 5\r\n\r\nhello',
    );
    expect(parseSipResponse(msg.subarray(0, 20)).complete).toBe(false);
    expect(parseSipResponse(msg.subarray(0, msg.length - 1)).complete).toBe(false);
    const r = parseSipResponse(Buffer.concat([msg, Buffer.from("SIP/2.0 200 OK")]));
    expect(r).toMatchObject({ complete: true, consumed: msg.length });
    if (r.complete) {
      expect(r.response.body).toBe("hello");
      expect(r.response.get("ms-diagnostics")).toBe('1009;reason="No match for domain in DNS SRV results"');
    }
  });

  const bad: [string, string, RegExp][] = [
    ["an HTTP answer", "HTTP/1.1 400 Bad Request\r\n\r\n", /not a SIP\/2.0 status line: "HTTP\/1.1 400 Bad Request"/],
    ["a request instead of a response", "OPTIONS sip:x SIP/2.0\r\nContent-Length: 0\r\n\r\n", /not a SIP\/2.0 status line/],
    ["a status of 99", "SIP/2.0 099 Odd\r\n\r\n", /not a SIP\/2.0 status line/],
    ["a header line without a colon", "SIP/2.0 401 Unauthorized\r\nServer RTC/6.0\r\n\r\n", /line 2: not a header: "Server RTC\/6.0"/],
    ["a continuation before any header", "SIP/2.0 401 Unauthorized\r\n folded\r\n\r\n", /continuation line before any header/],
    ["a negative Content-Length", "SIP/2.0 200 OK\r\nContent-Length: -1\r\n\r\n", /bad Content-Length "-1"/],
    ["a huge Content-Length", "SIP/2.0 200 OK\r\nContent-Length: 99999999\r\n\r\n", /Content-Length 99999999 exceeds 65536/],
    ["two different Content-Lengths", "SIP/2.0 200 OK\r\nContent-Length: 0\r\nl: 4\r\n\r\n", /conflicting Content-Length headers: 0, 4/],
    ["too many headers", `SIP/2.0 200 OK\r\n${"X-A: 1\r\n".repeat(MAX_HEADERS + 1)}\r\n`, /more than 256 headers/],
    ["no end of headers within the bound", `SIP/2.0 200 OK\r\nX-A: ${"a".repeat(70000)}`, /no end of SIP headers within 65536 bytes/],
    ["binary garbage", "\x16\x03\x03\x00\x05garbage!", /not a SIP response: starts with/],
  ];
  test.each(bad)("refuses %s", (_n, text, message) => {
    expect(() => parseSipResponse(Buffer.from(text, "latin1"))).toThrow(SipParseError);
    expect(() => parseSipResponse(Buffer.from(text, "latin1"))).toThrow(message);
  });
});

describe("challenges", () => {
  test("several HTTP challenges in one header, token68, quoted commas, escapes", () => {
    expect(
      parseChallenges([
        "Negotiate, NTLM",
        "Negotiate YIIGhgYJKoZIhvcSAQICAQBuggZ1MIIGcaADAgEFoQMCAQ4=",
        'MsRtcOAuth href="https://lyncweb.contoso.com/WebTicket/oauthtoken",grant_type="urn:microsoft.rtc:windows,urn:microsoft.rtc:anonmeeting,password"',
        'Basic realm="a \\"quoted\\" realm"',
      ]),
    ).toEqual([
      { scheme: "Negotiate", params: {} },
      { scheme: "NTLM", params: {} },
      { scheme: "Negotiate", params: {}, token68: "YIIGhgYJKoZIhvcSAQICAQBuggZ1MIIGcaADAgEFoQMCAQ4=" },
      {
        scheme: "MsRtcOAuth",
        params: { href: "https://lyncweb.contoso.com/WebTicket/oauthtoken", grant_type: "urn:microsoft.rtc:windows,urn:microsoft.rtc:anonmeeting,password" },
      },
      { scheme: "Basic", params: { realm: 'a "quoted" realm' } },
    ]);
  });

  test("spaces around '=' and after the last parameter, empty values", () => {
    expect(parseChallenges(['NTLM realm = "SIP Communications Service" , version=4  ', "", "  "])).toEqual([
      { scheme: "NTLM", params: { realm: "SIP Communications Service", version: "4" } },
    ]);
  });

  test("an unterminated quoted value and stray characters are refused", () => {
    expect(() => parseChallenges(['NTLM realm="SIP Communications Service'])).toThrow(/unterminated quoted value for realm/);
    expect(() => parseChallenges(['NTLM realm=x, "oops"'])).toThrow(/challenge: unexpected/);
  });
});

describe("one REGISTER against a Node tls server", () => {
  const received: string[] = [];
  let port = 0;
  let mode: "401" | "silent" | "garbage" | "close" = "401";
  const server = createTlsServer(EDGE, (sock: TLSSocket) => {
    let text = "";
    sock.on("data", (d) => {
      text += d.toString("utf8");
      if (!text.includes("\r\n\r\n")) return;
      received.push(text);
      if (mode === "silent") return;
      if (mode === "close") return void sock.end();
      if (mode === "garbage") return void sock.end("HTTP/1.1 400 Bad Request\r\n\r\n");
      const callId = /^Call-ID: (.*)$/m.exec(text)?.[1];
      const via = /^Via: (.*)$/m.exec(text)?.[1];
      // 100 Trying first, then the 401 split in two writes (the parser must wait for the rest).
      sock.write(`SIP/2.0 100 Trying\r\nVia: ${via}\r\nCall-ID: ${callId}\r\nCSeq: 1 REGISTER\r\nContent-Length: 0\r\n\r\n`);
      const final = LYNC_401.toString("utf8").replace(/^Call-ID: .*$/m, `Call-ID: ${callId}`);
      sock.write(final.slice(0, 100));
      setTimeout(() => sock.end(final.slice(100)), 50);
    });
  });
  beforeAll(async () => {
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  test("the 401's challenges, Server header and the provisional 100 are reported; one request, fixed identity", async () => {
    mode = "401";
    const before = received.length;
    const o = await probeSipRegister({ host: "127.0.0.1", port, domain: "contoso.com", servername: "sip.contoso.com", timeoutMs: 3000 });
    expect(o.error).toBeUndefined();
    expect(o).toMatchObject({ status: 401, reason: "Unauthorized", server: "RTC/6.0", provisional: [100], tlsVersion: "TLSv1.3" });
    expect(o.challenges.map((c) => [c.scheme, c.realm, c.targetname])).toEqual([
      ["NTLM", "SIP Communications Service", "fe01.contoso.local"],
      ["TLS-DSK", "SIP Communications Service", "fe01.contoso.local"],
    ]);
    expect(received.length - before).toBe(1);
    const req = received[received.length - 1];
    expect(req).toBe(o.request);
    expect(req).toMatch(/^REGISTER sip:contoso\.com SIP\/2\.0\r\nVia: SIP\/2\.0\/TLS 127\.0\.0\.1:\d+;branch=z9hG4bK[0-9a-f]{16}\r\n/);
    expect(req).toContain("From: <sip:edge-lab-probe@contoso.com>;tag=");
    expect(req).not.toMatch(/Authorization/i);
    expect(req.endsWith("Content-Length: 0\r\n\r\n")).toBe(true);
  });

  test("two probes use different Call-IDs and branches", async () => {
    mode = "401";
    const a = await probeSipRegister({ host: "127.0.0.1", port, domain: "contoso.com", timeoutMs: 3000 });
    const b = await probeSipRegister({ host: "127.0.0.1", port, domain: "contoso.com", timeoutMs: 3000 });
    const callId = (s: string) => /^Call-ID: (.*)$/m.exec(s)?.[1];
    const branch = (s: string) => /branch=([^\r;]+)/.exec(s)?.[1];
    expect(callId(a.request)).not.toBe(callId(b.request));
    expect(branch(a.request)).not.toBe(branch(b.request));
  });

  test("no answer: an error after the timeout, not a hang", async () => {
    mode = "silent";
    const started = Date.now();
    const o = await probeSipRegister({ host: "127.0.0.1", port, domain: "contoso.com", timeoutMs: 300 });
    expect(o.error).toBe("no final SIP response within 300 ms");
    expect(o.status).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test("a closed connection and a non-SIP answer are reported as such", async () => {
    mode = "close";
    expect((await probeSipRegister({ host: "127.0.0.1", port, domain: "contoso.com", timeoutMs: 3000 })).error).toBe(
      "connection closed before a final SIP response",
    );
    mode = "garbage";
    expect((await probeSipRegister({ host: "127.0.0.1", port, domain: "contoso.com", timeoutMs: 3000 })).error).toMatch(
      /not a SIP\/2.0 status line: "HTTP\/1.1 400 Bad Request"/,
    );
  });

  test("a SIP domain that is not a domain name is refused before connecting", async () => {
    const before = received.length;
    await expect(probeSipRegister({ host: "127.0.0.1", port, domain: "contoso.com\r\nX: y", timeoutMs: 3000 })).rejects.toThrow(/is not a domain name/);
    expect(received.length).toBe(before);
  });
});
