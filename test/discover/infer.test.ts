/**
 * `infer` on observation fixtures (issue 21): each inference and each finding class. The Microsoft facts the
 * fixtures rely on (cutover targets, Server headers, certificate SANs) are in test/fixtures/discover/facts.json with
 * their sources.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { infer } from "../../lib/discover/infer";
import type { CertSeen, DnsSeen, Observations, TlsSeen } from "../../lib/discover/observe";
import { ROOT } from "../helpers";

const FACTS = JSON.parse(readFileSync(join(ROOT, "test/fixtures/discover/facts.json"), "utf8")) as {
  teamsOnlyCutover: Record<string, { type: "SRV" | "CNAME"; port?: number; target: string }>;
  serverHeaders: Record<string, string>;
};

const NOW = "2026-01-15T10:00:00.000Z";

export interface Fixture {
  srv?: Record<string, [string, number]>;
  a?: Record<string, string[]>;
  cname?: Record<string, string>;
  cert?: Partial<CertSeen>;
  tls?: Partial<TlsSeen>[];
  server?: string;
  status?: number;
  lyncdiscover?: boolean;
}

const CERT: CertSeen = {
  subjectCommonName: "sip.contoso.com",
  issuer: "CN=Public CA",
  dnsNames: ["sip.contoso.com", "webcon.contoso.com", "sip.fabrikam.com"],
  notAfter: "2027-01-01T00:00:00.000Z",
  signatureAlgorithm: "sha256WithRSAEncryption",
  keyType: "rsa",
  keyBits: 2048,
  extendedKeyUsage: ["serverAuth", "clientAuth"],
};

/** Microsoft's scenario 1 as seen from outside (two SIP domains, one Edge at .10/.20/.30, the reverse proxy at .40). */
export const SCENARIO1: Fixture = {
  srv: {
    "_sip._tls.contoso.com": ["sip.contoso.com", 443],
    "_sipfederationtls._tcp.contoso.com": ["sip.contoso.com", 5061],
    "_sip._tls.fabrikam.com": ["sip.fabrikam.com", 443],
    "_sipfederationtls._tcp.fabrikam.com": ["sip.fabrikam.com", 5061],
  },
  a: {
    "sip.contoso.com": ["131.107.155.10"],
    "sip.fabrikam.com": ["131.107.155.10"],
    "webcon.contoso.com": ["131.107.155.20"],
    "av.contoso.com": ["131.107.155.30"],
    "webext.contoso.com": ["131.107.155.40"],
    "meet.contoso.com": ["131.107.155.40"],
    "meet.fabrikam.com": ["131.107.155.40"],
    "dialin.contoso.com": ["131.107.155.40"],
    "lyncdiscover.contoso.com": ["131.107.155.40"],
  },
  server: "RTC/5.0",
  status: 401,
  lyncdiscover: true,
};

function dns(f: Fixture): DnsSeen[] {
  const out: DnsSeen[] = [];
  for (const [name, [target, port]] of Object.entries(f.srv ?? {}))
    out.push({ name, type: "SRV", status: "ok", answers: [{ type: "SRV", priority: 0, weight: 0, port, target }] });
  for (const [name, ips] of Object.entries(f.a ?? {}))
    out.push({ name, type: "A", status: "ok", answers: ips.map((address) => ({ type: "A", address, ttl: 3600 })) });
  for (const [name, target] of Object.entries(f.cname ?? {})) out.push({ name, type: "CNAME", status: "ok", answers: [{ type: "CNAME", target }] });
  for (const name of ["_sip._tls.contoso.com", "_sipfederationtls._tcp.contoso.com", "_xmpp-server._tcp.contoso.com", "lyncdiscover.contoso.com"])
    if (!out.some((d) => d.name === name)) out.push({ name, type: name.startsWith("_") ? "SRV" : "A", status: "nxdomain", answers: [] });
  return out;
}

export function observations(f: Fixture): Observations {
  const access = f.srv?.["_sip._tls.contoso.com"]?.[0] ?? "sip.contoso.com";
  const address = f.a?.[access]?.[0] ?? "131.107.155.10";
  const base = (role: TlsSeen["role"], port: number): TlsSeen => ({
    role,
    name: access,
    address,
    port,
    reachable: true,
    versions: ["TLSv1.2"],
    certificate: { ...CERT, ...f.cert },
    chainOk: true,
    clientCertificateRequested: port === 5061,
  });
  const tls = [base("access-443", 443), base("access-5061", 5061)].map((t, i) => ({ ...t, ...(f.tls?.[i] ?? {}) }));
  return {
    domain: "contoso.com",
    at: NOW,
    resolver: "192.0.2.53",
    dns: dns(f),
    tls,
    sip: { address, port: 443, status: f.status, server: f.server, schemes: f.status === 401 ? ["NTLM", "TLS-DSK"] : [] },
    lyncdiscover: f.lyncdiscover ? { url: "https://lyncdiscover.contoso.com/", address: "131.107.155.40", status: 200, kind: "user" } : undefined,
  };
}

const at = (o: Record<string, unknown>, path: readonly (string | number)[]) =>
  path.reduce<unknown>((v, k) => (v as Record<string | number, unknown> | undefined)?.[k], o);
const rules = (f: Fixture) => infer(observations(f)).findings.map((x) => x.rule);
const questionPaths = (f: Fixture, required = true) =>
  infer(observations(f))
    .questions.filter((q) => q.required === required)
    .map((q) => q.path.join("."));

describe("inference", () => {
  test("scenario 1: SIP domains from the certificate's sip.<domain> names, Microsoft's numbering kept implicit, mobility, federation, the product", () => {
    const r = infer(observations(SCENARIO1));
    expect(r.scenario.sipDomains).toEqual(["contoso.com", "fabrikam.com"]);
    expect(r.scenario.product).toBe("lync2013");
    expect(r.scenario.federation).toEqual({ sip: true });
    expect(r.scenario.mobility).toBe(true);
    expect(at(r.scenario, ["sites", 0, "network", "publicRange"])).toBe("131.107.155.0/24");
    expect(at(r.scenario, ["sites", 0, "edge", "fqdns"])).toBeUndefined();
    expect(questionPaths(SCENARIO1)).toEqual(["sites.0.edge.servers", "sites.0.edge.externalAddressing", "sites.0.network.perimeterExternal"]);
    expect(r.findings).toEqual([]);
  });

  test("pool size 2 from two A records: DNS load balancing, no servers question", () => {
    const f: Fixture = {
      ...SCENARIO1,
      a: {
        ...SCENARIO1.a,
        "sip.contoso.com": ["131.107.155.10", "131.107.155.11"],
        "webcon.contoso.com": ["131.107.155.20", "131.107.155.21"],
        "av.contoso.com": ["131.107.155.30", "131.107.155.31"],
      },
    };
    const r = infer(observations(f));
    expect(at(r.scenario, ["sites", 0, "edge"])).toMatchObject({ servers: 2, loadBalancing: "dns" });
    expect(questionPaths(f)).not.toContain("sites.0.edge.servers");
  });

  test("addresses off Microsoft's numbering: each server written out with natPublic and a question for its private address", () => {
    const f: Fixture = {
      ...SCENARIO1,
      a: {
        ...SCENARIO1.a,
        "sip.contoso.com": ["203.0.113.5"],
        "webcon.contoso.com": ["203.0.113.6"],
        "av.contoso.com": ["203.0.113.7"],
        "lyncdiscover.contoso.com": ["203.0.113.8"],
      },
    };
    const r = infer(observations(f));
    const servers = at(r.scenario, ["sites", 0, "edge", "servers"]) as { external: Record<string, { natPublic: string }> }[];
    expect(servers.map((s) => s.external.access.natPublic)).toEqual(["203.0.113.5"]);
    expect(questionPaths(f)).toEqual(expect.arrayContaining(["sites.0.edge.servers.0.external.access.address", "sites.0.edge.servers.0.external.av.address"]));
    expect(at(r.scenario, ["sites", 0, "network", "publicRange"])).toBe("203.0.113.0/24");
    expect(at(r.scenario, ["sites", 0, "reverseProxy", "publicAddress"])).toBe("203.0.113.8");
  });

  test("single-IP Edge: one name and address for every service", () => {
    const f: Fixture = { ...SCENARIO1, cert: { dnsNames: ["sip.contoso.com"] }, a: { "sip.contoso.com": ["131.107.155.10"] } };
    expect(at(infer(observations(f)).scenario, ["sites", 0, "edge", "ipMode"])).toBe("single");
  });

  test("Teams Only: every record on Microsoft 365's names (the cutover table)", () => {
    const c = FACTS.teamsOnlyCutover;
    const f: Fixture = {
      srv: { "_sipfederationtls._tcp.contoso.com": [c["_sipfederationtls._tcp"].target, 5061], "_sip._tls.contoso.com": [c["_sip._tls"].target, 443] },
      cname: { "sip.contoso.com": c.sip.target, "lyncdiscover.contoso.com": c.lyncdiscover.target },
      tls: [
        { reachable: false, certificate: undefined, versions: [] },
        { reachable: false, certificate: undefined, versions: [] },
      ],
    };
    const r = infer(observations(f));
    expect(r.scenario.hybrid).toEqual({ tenantDomains: ["contoso.com"], phase: "teams-only" });
    expect(r.findings.map((x) => x.rule)).not.toContain("DISC-HYB-01");
    expect(r.findings.map((x) => x.rule)).not.toContain("DNS-04");
  });

  test("records still on-premises after the cutover: DISC-HYB-01 and a required phase question", () => {
    const f: Fixture = {
      ...SCENARIO1,
      cname: { "lyncdiscover.contoso.com": FACTS.teamsOnlyCutover.lyncdiscover.target },
      a: { ...SCENARIO1.a, "lyncdiscover.contoso.com": [] },
    };
    expect(rules(f)).toContain("DISC-HYB-01");
    expect(questionPaths(f)).toContain("hybrid.phase");
  });

  test("on-premises records only: hybrid is an optional question", () => {
    expect(questionPaths(SCENARIO1, false)).toContain("hybrid");
  });

  test("XMPP from _xmpp-server._tcp; it rules out sfb2019 / sfbse in the product question", () => {
    const f: Fixture = {
      ...SCENARIO1,
      server: undefined,
      status: undefined,
      srv: { ...SCENARIO1.srv, "_xmpp-server._tcp.contoso.com": ["xmpp.contoso.com", 5269] },
      a: { ...SCENARIO1.a, "xmpp.contoso.com": ["131.107.155.10"] },
    };
    const r = infer(observations(f));
    expect(r.scenario.federation).toMatchObject({ xmpp: { domains: ["contoso.com"] } });
    expect(r.questions.find((q) => q.path.join(".") === "product")?.text).toMatch(/XMPP is published, so not sfb2019/);
  });

  test.each(Object.entries({ "RTC/5.0": "lync2013", "RTC/6.0.9319.0": "sfb2015" }))("Server: %s -> %s", (server, product) => {
    expect(FACTS.serverHeaders[server.slice(0, 7)]).toBe(product);
    expect(infer(observations({ ...SCENARIO1, server })).scenario.product).toBe(product);
  });

  test("RTC/7.0 (2019 or SE, VERIFY) and a missing SIP answer leave the product a question", () => {
    expect(questionPaths({ ...SCENARIO1, server: "RTC/7.0" })).toContain("product");
    expect(infer(observations({ ...SCENARIO1, server: "RTC/7.0" })).questions.find((q) => q.id && q.path[0] === "product")?.text).toMatch(/sfb2019 or sfbse/);
    expect(questionPaths({ ...SCENARIO1, server: undefined, status: undefined })).toContain("product");
    expect(rules({ ...SCENARIO1, server: undefined, status: 200 })).toContain("DISC-SIP-01");
  });

  test("no lyncdiscover: no mobility, DNS-06", () => {
    const f: Fixture = { ...SCENARIO1, lyncdiscover: false, a: { ...SCENARIO1.a, "lyncdiscover.contoso.com": [] } };
    expect(infer(observations(f)).scenario.mobility).toBeUndefined();
    expect(rules(f)).toContain("DNS-06");
  });

  test("mobility without the federation SRV record: no push notifications", () => {
    const f: Fixture = {
      ...SCENARIO1,
      srv: { "_sip._tls.contoso.com": ["sip.contoso.com", 443] },
      tls: [{}, { reachable: false, versions: [], certificate: undefined }],
    };
    expect(infer(observations(f)).scenario.mobility).toEqual({ push: false });
  });
});

describe("findings", () => {
  test("DNS-04: an SRV target outside the SIP domain", () => {
    const f: Fixture = {
      ...SCENARIO1,
      srv: { ...SCENARIO1.srv, "_sipfederationtls._tcp.contoso.com": ["edge.contoso-hosting.net", 5061] },
      a: { ...SCENARIO1.a, "edge.contoso-hosting.net": ["131.107.155.10"] },
    };
    expect(rules(f)).toContain("DNS-04");
  });

  test("CERT-03: the certificate lacks a name DNS uses", () => {
    expect(
      rules({
        ...SCENARIO1,
        cert: { dnsNames: ["sip.contoso.com", "sip.fabrikam.com"], subjectCommonName: "sip.contoso.com" },
        a: { ...SCENARIO1.a, "webcon.contoso.com": [] },
      }),
    ).toEqual([]);
    const f: Fixture = {
      ...SCENARIO1,
      srv: { ...SCENARIO1.srv, "_sipfederationtls._tcp.contoso.com": ["access.contoso.com", 5061] },
      a: { ...SCENARIO1.a, "access.contoso.com": ["131.107.155.10"] },
    };
    expect(rules(f)).toContain("CERT-03");
  });

  test("SHA-1, expired and expiring certificates, short keys, no clientAuth EKU, untrusted chain", () => {
    expect(rules({ ...SCENARIO1, cert: { signatureAlgorithm: "sha1WithRSAEncryption" } })).toContain("DISC-CERT-01");
    expect(rules({ ...SCENARIO1, cert: { notAfter: "2026-01-01T00:00:00.000Z" } })).toContain("DISC-CERT-02");
    expect(rules({ ...SCENARIO1, cert: { notAfter: "2026-02-01T00:00:00.000Z" } })).toContain("DISC-CERT-02");
    expect(rules({ ...SCENARIO1, cert: { keyBits: 1024 } })).toContain("DISC-CERT-04");
    expect(rules({ ...SCENARIO1, cert: { extendedKeyUsage: ["serverAuth"] } })).toContain("DISC-CERT-03");
    expect(rules({ ...SCENARIO1, tls: [{ chainOk: false, chainError: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" }] })).toContain("CERT-01");
    expect(rules({ ...SCENARIO1, cert: { subjectCommonName: "edge.contoso.com" } })).toContain("CERT-02");
  });

  test("TLS 1.0 only (DISC-TLS-01); TLS 1.0 besides 1.2 (DISC-TLS-02)", () => {
    expect(rules({ ...SCENARIO1, tls: [{ versions: ["TLSv1"] }] })).toContain("DISC-TLS-01");
    expect(rules({ ...SCENARIO1, tls: [{ versions: ["TLSv1.2", "TLSv1"] }] })).toContain("DISC-TLS-02");
  });

  test("federation SRV missing while the Access Edge answers on 5061 (DNS-03); published but 5061 silent (DISC-FED-01)", () => {
    const { ["_sipfederationtls._tcp.contoso.com"]: _omit, ...srv } = SCENARIO1.srv!;
    const r = infer(observations({ ...SCENARIO1, srv }));
    expect(r.findings.map((x) => x.rule)).toContain("DNS-03");
    expect(r.scenario.federation).toEqual({ sip: true });
    expect(rules({ ...SCENARIO1, tls: [{}, { reachable: false, versions: [], certificate: undefined }] })).toContain("DISC-FED-01");
  });

  test("_sip._tls missing while sip.<domain> resolves (DNS-02)", () => {
    const { ["_sip._tls.contoso.com"]: _omit, ...srv } = SCENARIO1.srv!;
    expect(rules({ ...SCENARIO1, srv })).toContain("DNS-02");
  });

  test("every rule id is explained (catalogue, reference or DISC-)", async () => {
    const { explainRule, DISC_RULES } = await import("../../lib/discover/findings");
    // Every id the checks can report (read from their source), and each DISC- id of the catalogue is used.
    const source = readFileSync(join(ROOT, "lib/discover/rules.ts"), "utf8");
    const used = [...new Set([...source.matchAll(/rule: "([A-Z0-9-]+)"/g)].map((m) => m[1]))];
    expect(used.length).toBeGreaterThan(15);
    for (const id of used) expect({ id, text: explainRule(id) }).toEqual({ id, text: expect.stringMatching(/.{30}/) });
    expect(Object.keys(DISC_RULES).filter((id) => !used.includes(id))).toEqual([]);
  });
});
