/**
 * lib/probe/tls-records.ts without a network: the ClientHello we send, the server flight recorded from
 * `openssl s_server -Verify 1` (TLS 1.2, demands a client certificate; test/fixtures/probe/README.md says how it was
 * captured), certificates of the fixtures decoded field by field, the chain check, and malformed bytes refused with
 * a message that says what was wrong.
 */
import { X509Certificate } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  buildClientHello,
  describeCertificate,
  describeIncompleteFlight,
  distinguishedName,
  EXTENDED_KEY_USAGES,
  parseServerFlight,
  TlsParseError,
  verifyChain,
} from "../../lib/probe/tls-records";

const FIX = join(__dirname, "..", "fixtures", "probe");
const pem = (f: string) => readFileSync(join(FIX, f), "utf8");
const der = (f: string) => new X509Certificate(pem(f)).raw;
const flight = Buffer.from(readFileSync(join(FIX, "mtls-tls12-flight.hex"), "utf8").replace(/\s+/g, ""), "hex");

/** Splits the handshake bytes of `records` into records of `size` bytes (what a server with small records sends). */
function refragment(records: Buffer, size: number): Buffer {
  const hs: Buffer[] = [];
  for (let p = 0; p < records.length;) {
    const len = records.readUInt16BE(p + 3);
    expect(records[p]).toBe(22);
    hs.push(records.subarray(p + 5, p + 5 + len));
    p += 5 + len;
  }
  const stream = Buffer.concat(hs);
  const out: Buffer[] = [];
  for (let p = 0; p < stream.length; p += size) {
    const frag = stream.subarray(p, p + size);
    out.push(Buffer.from([22, 3, 3, frag.length >> 8, frag.length & 0xff]), frag);
  }
  return Buffer.concat(out);
}

describe("ClientHello", () => {
  const random = Buffer.alloc(32, 0xab);

  test("is one TLS 1.2 handshake record with SNI, our suites in preference order and no supported_versions", () => {
    const hello = buildClientHello({ serverName: "sip.contoso.com", random });
    expect([...hello.subarray(0, 3)]).toEqual([22, 3, 1]);
    expect(hello.readUInt16BE(3)).toBe(hello.length - 5);
    expect(hello[5]).toBe(1); // ClientHello
    expect(hello.readUIntBE(6, 3)).toBe(hello.length - 9);
    expect(hello.readUInt16BE(9)).toBe(0x0303);
    expect(hello.subarray(11, 43).equals(random)).toBe(true);
    expect(hello[43]).toBe(0); // empty session id
    const suitesLen = hello.readUInt16BE(44);
    const suites = Array.from({ length: suitesLen / 2 }, (_, i) => hello.readUInt16BE(46 + 2 * i));
    expect(suites.slice(0, 2)).toEqual([0xc02b, 0xc02f]);
    expect(suites).toContain(0x002f); // plain RSA for old Schannel
    expect(suites[suites.length - 1]).toBe(0x00ff);
    expect(suites.filter((s) => s >= 0x1301 && s <= 0x1303)).toEqual([]);
    // extensions: walk them
    let p = 46 + suitesLen;
    expect(hello[p]).toBe(1); // one compression method
    p += 2;
    const extEnd = p + 2 + hello.readUInt16BE(p);
    expect(extEnd).toBe(hello.length);
    const types: number[] = [];
    let sni = "";
    for (p += 2; p < extEnd;) {
      const type = hello.readUInt16BE(p);
      const len = hello.readUInt16BE(p + 2);
      if (type === 0) sni = hello.subarray(p + 4 + 5, p + 4 + len).toString("ascii");
      types.push(type);
      p += 4 + len;
    }
    expect(types).toEqual([0, 10, 11, 13, 23]);
    expect(sni).toBe("sip.contoso.com");
  });

  test("leaves SNI out for an IP address and refuses a name that is not a host name", () => {
    expect(buildClientHello({ serverName: "192.0.2.10", random }).length).toBe(buildClientHello({ random }).length);
    expect(() => buildClientHello({ serverName: "sip.contoso.com\r\nX: y" })).toThrow(/not a host name for SNI/);
    expect(() => buildClientHello({ random: Buffer.alloc(31) })).toThrow(/random must be 32 bytes/);
  });

  test("a TLS 1.0 hello carries client_version 0x0301", () => {
    expect(buildClientHello({ version: 0x0301 }).readUInt16BE(9)).toBe(0x0301);
  });
});

describe("server flight recorded from openssl s_server -Verify 1", () => {
  test("ServerHello, Certificate, ServerKeyExchange, CertificateRequest, ServerHelloDone", () => {
    const f = parseServerFlight(flight);
    expect(f.complete).toBe(true);
    expect(f.consumed).toBe(flight.length);
    expect(f.messages).toEqual(["ServerHello", "Certificate", "ServerKeyExchange", "CertificateRequest", "ServerHelloDone"]);
    expect(f.serverHello).toMatchObject({ versionName: "TLSv1.2", cipherName: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", compression: 0 });
    expect(f.certificates).toHaveLength(2);
    expect(f.certificates[0].equals(der("edge-rsa.crt"))).toBe(true);
    expect(f.certificateRequest?.authorityNames).toEqual(["CN=edge-lab probe test CA"]);
    expect(f.certificateRequest?.certificateTypes).toEqual([1, 2, 64]);
    expect(f.certificateRequest?.signatureAlgorithms).toContain("rsa_pkcs1_sha256");
    expect(f.alert).toBeUndefined();
  });

  test("the leaf certificate's subject and SANs in certificate order (not sorted)", () => {
    const leaf = describeCertificate(parseServerFlight(flight).certificates[0]);
    expect(leaf.subject).toBe("C=US, O=Contoso, CN=sip.contoso.com");
    expect(leaf.dnsNames).toEqual(["sip.contoso.com", "webconf.contoso.com", "sip.fabrikam.com"]);
  });

  test("read in pieces: incomplete until the last byte, then the same answer", () => {
    for (const cut of [0, 1, 4, 5, 6, 100, flight.length - 1]) {
      const f = parseServerFlight(flight.subarray(0, cut));
      expect({ cut, complete: f.complete }).toEqual({ cut, complete: false });
    }
    expect(describeIncompleteFlight(flight.subarray(0, 1500))).toMatch(/^after ServerHello \(\d+ bytes of a partial record\)$/);
  });

  test.each([7, 100, 1000])("handshake messages spread over %i-byte records are reassembled", (size) => {
    const f = parseServerFlight(refragment(flight, size));
    expect(f.messages).toEqual(["ServerHello", "Certificate", "ServerKeyExchange", "CertificateRequest", "ServerHelloDone"]);
    expect(f.certificates.map((c) => c.toString("hex"))).toEqual(parseServerFlight(flight).certificates.map((c) => c.toString("hex")));
  });

  test("a fatal alert ends the flight and is named", () => {
    const f = parseServerFlight(Buffer.from([21, 3, 3, 0, 2, 2, 70]));
    expect(f).toMatchObject({ complete: true, alert: { level: "fatal", description: 70, name: "protocol_version" }, certificates: [] });
  });

  test("ChangeCipherSpec before ServerHelloDone: encrypted from there on", () => {
    const hello = flight.subarray(0, 5 + flight.readUInt16BE(3));
    const f = parseServerFlight(Buffer.concat([hello, Buffer.from([20, 3, 3, 0, 1, 1])]));
    expect(f).toMatchObject({ complete: true, encrypted: true, messages: ["ServerHello"] });
  });
});

describe("malformed server bytes are refused with a message", () => {
  const cases: [string, Buffer, RegExp][] = [
    [
      "an HTTP answer",
      Buffer.from("HTTP/1.1 400 Bad Request\r\n\r\n"),
      /not a TLS record at offset 0: content type 72 \(the server sent "HTTP\/1.1 400 Bad Request/,
    ],
    ["a record version 2.0", Buffer.from([22, 2, 0, 0, 4, 2, 0, 0, 0]), /version 0x0200 is not 3.x/],
    ["an oversized record", Buffer.from([22, 3, 3, 0xff, 0xff]), /length 65535 exceeds 18432/],
    ["an empty handshake record", Buffer.from([22, 3, 3, 0, 0]), /empty handshake record/],
    ["an alert of 3 bytes", Buffer.from([21, 3, 3, 0, 3, 2, 40, 0]), /alert record of 3 bytes/],
    ["a Certificate first", Buffer.from([22, 3, 3, 0, 7, 11, 0, 0, 3, 0, 0, 0]), /first handshake message is Certificate, not ServerHello/],
    ["a truncated ServerHello", Buffer.from([22, 3, 3, 0, 8, 2, 0, 0, 4, 3, 3, 1, 2]), /ServerHello: random needs 32 bytes at offset 2, only 2 left/],
    ["a handshake length beyond the limit", Buffer.from([22, 3, 3, 0, 4, 11, 0x7f, 0xff, 0xff]), /claims 8388607 bytes/],
  ];
  test.each(cases)("%s", (_name, bytes, message) => {
    expect(() => parseServerFlight(bytes)).toThrow(TlsParseError);
    expect(() => parseServerFlight(bytes)).toThrow(message);
  });

  test("a certificate length running past its list", () => {
    // The recorded flight has one handshake message per record; the second record is the Certificate.
    const bad = Buffer.from(flight);
    const cert = 5 + bad.readUInt16BE(3);
    expect(bad[cert + 5]).toBe(11);
    // record header (5) + handshake header (4) + certificate_list length (3): the first certificate's length.
    const firstLen = cert + 5 + 4 + 3;
    bad.writeUIntBE(bad.readUIntBE(firstLen, 3) + 4000, firstLen, 3);
    expect(() => parseServerFlight(bad)).toThrow(/Certificate list: certificate 0 needs \d+ bytes at offset \d+, only \d+ left/);
  });

  test("a ServerHelloDone with a body", () => {
    const hello = flight.subarray(0, 5 + flight.readUInt16BE(3));
    expect(() => parseServerFlight(Buffer.concat([hello, Buffer.from([22, 3, 3, 0, 5, 14, 0, 0, 1, 0])]))).toThrow(/ServerHelloDone with 1 bytes of body/);
  });
});

describe("certificates", () => {
  test("edge-rsa.crt: every field", () => {
    expect(describeCertificate(der("edge-rsa.crt"))).toEqual({
      subject: "C=US, O=Contoso, CN=sip.contoso.com",
      subjectCommonName: "sip.contoso.com",
      issuer: "CN=edge-lab probe test CA",
      serialNumber: "1234",
      subjectAltNames: [
        { type: "DNS", value: "sip.contoso.com" },
        { type: "DNS", value: "webconf.contoso.com" },
        { type: "DNS", value: "sip.fabrikam.com" },
      ],
      dnsNames: ["sip.contoso.com", "webconf.contoso.com", "sip.fabrikam.com"],
      notBefore: "2026-12-06T14:17:54.000Z",
      notAfter: "2126-11-12T14:17:54.000Z",
      keyType: "rsa",
      keyBits: 2048,
      curve: undefined,
      signatureAlgorithm: "sha256WithRSAEncryption",
      signatureAlgorithmOid: "1.2.840.113549.1.1.11",
      extendedKeyUsage: ["serverAuth"],
      isCa: false,
      selfIssued: false,
      fingerprint256: new X509Certificate(pem("edge-rsa.crt")).fingerprint256,
    });
  });

  test("fed-ec.crt: EC P-256 key, SHA-384 signature, server and client EKU", () => {
    expect(describeCertificate(der("fed-ec.crt"))).toMatchObject({
      subject: "CN=access.fabrikam.com",
      dnsNames: ["access.fabrikam.com", "sip.fabrikam.com"],
      keyType: "ec",
      keyBits: 256,
      curve: "prime256v1",
      signatureAlgorithm: "sha384WithRSAEncryption",
      extendedKeyUsage: ["serverAuth", "clientAuth"],
    });
  });

  test("the CA: no SAN, no EKU extension (undefined, not empty), a CA, self-issued", () => {
    expect(describeCertificate(der("ca.crt"))).toMatchObject({ subjectAltNames: [], extendedKeyUsage: undefined, isCa: true, selfIssued: true });
  });

  test.each(["edge-rsa.crt", "fed-ec.crt", "ca.crt"])("%s: DER reading agrees with X509Certificate", (f) => {
    const x = new X509Certificate(pem(f));
    const info = describeCertificate(x.raw);
    expect(info.extendedKeyUsage).toEqual(x.keyUsage?.map((o) => EXTENDED_KEY_USAGES[o] ?? o));
    expect(info.subjectAltNames.map((s) => `${s.type}:${s.value}`).join(", ") || undefined).toBe(x.subjectAltName);
    expect(info.subject).toBe(x.subject.split("\n").join(", "));
    expect(new Date(info.notAfter).getTime()).toBe(new Date(x.validTo).getTime());
  });

  test("garbage and truncated DER are refused", () => {
    expect(() => describeCertificate(Buffer.from("not a certificate"))).toThrow(/not a certificate \(17 bytes\)/);
    expect(() => distinguishedName(Buffer.from([0x30, 0x05, 0x31, 0x03]))).toThrow(/runs past the end/);
    expect(() => distinguishedName(Buffer.from([0x30, 0x80, 0x00, 0x00]))).toThrow(/indefinite length/);
  });
});

describe("chain check for certificates read from records", () => {
  const chain = [der("edge-rsa.crt"), der("ca.crt")];
  test("trusted through the test CA; the same chain without the CA in it", () => {
    expect(verifyChain(chain, [pem("ca.crt")])).toEqual({ ok: true });
    expect(verifyChain([der("edge-rsa.crt")], [pem("ca.crt")])).toEqual({ ok: true });
  });
  test("an unrelated CA list, expiry, not yet valid, wrong order, no certificate", () => {
    expect(verifyChain(chain, [pem("other-ca.crt")])).toEqual({
      ok: false,
      error: expect.stringMatching(/certificate 1 \(CN=edge-lab probe test CA\) is not issued by a trusted CA/),
    });
    expect(verifyChain(chain, [pem("ca.crt")], new Date("2127-01-01"))).toEqual({
      ok: false,
      error: expect.stringMatching(/certificate 0 .* expired 2126-11-12/),
    });
    expect(verifyChain(chain, [pem("ca.crt")], new Date("2000-01-01"))).toEqual({ ok: false, error: expect.stringMatching(/is not valid before 2026-12-06/) });
    expect(verifyChain([der("ca.crt"), der("edge-rsa.crt")], [pem("ca.crt")])).toEqual({
      ok: false,
      error: expect.stringMatching(/certificate 0 \(CN=edge-lab probe test CA\) is not signed by certificate 1/),
    });
    expect(verifyChain([], [pem("ca.crt")])).toEqual({ ok: false, error: "the server sent no certificate" });
  });
  test("a leaf that signs another certificate is not accepted as an issuer", () => {
    // fed-ec.crt was not issued by edge-rsa.crt: the signature check fails first.
    expect(verifyChain([der("fed-ec.crt"), der("edge-rsa.crt")], [pem("ca.crt")]).ok).toBe(false);
  });
});
