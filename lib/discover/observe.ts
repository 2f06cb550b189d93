/**
 * `edge-lab discover`, step 1: what an existing Lync Server 2013 / Skype for Business deployment shows to anyone on the
 * Internet (probe-protocols.md §1, §4, §5): the SIP domain's DNS records, the external certificate and TLS versions of
 * the Access Edge (443 and 5061), the Web Conferencing Edge and the reverse proxy, one anonymous SIP REGISTER and
 * lyncdiscover. The observations are plain data (JSON-serialisable) so that `infer` is a pure function tested on
 * recorded fixtures.
 *
 * Politeness (§0): everything runs one after the other, one request per check (a TLS check is one connection per TLS
 * version, as in lib/probe/tls-probe.ts), DNS with at most one retry, no credentials (the REGISTER uses lib/probe/sip.ts
 * PROBE_USER). Connections go to the addresses the chosen resolver gave, with the DNS name as SNI, so that `--resolver`
 * decides every address (the system resolver is never asked behind our back).
 */
import { isIPv4 } from "node:net";
import { queryDns, SIP_DOMAIN_QUERIES, type DnsAnswer, type DnsObservation, type DnsRecordType } from "../probe/dns";
import { probeSipRegister } from "../probe/sip";
import { probeTls, type TlsObservation } from "../probe/tls-probe";
import { probeLyncdiscover } from "../probe/web";
import type { CertificateInfo } from "../probe/tls-records";

/** One DNS query's result, reduced to what inference reads. */
export interface DnsSeen {
  readonly name: string;
  readonly type: DnsRecordType;
  readonly status: DnsObservation["status"];
  readonly answers: readonly DnsAnswer[];
}

export interface CertSeen {
  readonly subjectCommonName?: string;
  readonly issuer: string;
  readonly dnsNames: readonly string[];
  readonly notAfter: string;
  readonly signatureAlgorithm: string;
  readonly keyType: string;
  readonly keyBits?: number;
  /** undefined: no EKU extension. */
  readonly extendedKeyUsage?: readonly string[];
}

export type TlsRole = "access-443" | "access-5061" | "webconf-443" | "reverse-proxy-443";

export interface TlsSeen {
  readonly role: TlsRole;
  /** The name the check was for (SNI) and the address it connected to. */
  readonly name: string;
  readonly address: string;
  readonly port: number;
  /** A TCP connection was made. */
  readonly reachable: boolean;
  /** TLS versions the server chose (completed or accepted), highest first. */
  readonly versions: readonly string[];
  readonly certificate?: CertSeen;
  readonly chainOk: boolean;
  readonly chainError?: string;
  readonly clientCertificateRequested?: boolean;
}

export interface SipSeen {
  readonly address: string;
  readonly port: number;
  readonly status?: number;
  readonly server?: string;
  readonly schemes: readonly string[];
  readonly targetname?: string;
  readonly error?: string;
}

export interface WebSeen {
  readonly url: string;
  readonly address: string;
  readonly status?: number;
  readonly kind?: "user" | "redirect" | "none";
  readonly user?: string;
  readonly redirect?: string;
  readonly error?: string;
}

export interface Observations {
  /** The SIP domain discover was started with. */
  readonly domain: string;
  readonly at: string;
  readonly resolver: string;
  readonly dns: readonly DnsSeen[];
  readonly tls: readonly TlsSeen[];
  readonly sip?: SipSeen;
  readonly lyncdiscover?: WebSeen;
}

export interface ObserveOptions {
  /** DNS server ("ip" or "ip:port"); default the system's resolvers. */
  readonly resolver?: string;
  /** Extra trust anchors (PEM) for the chain checks. */
  readonly ca?: readonly string[];
  /** Per connection / per DNS try. Default 4000 ms. */
  readonly timeoutMs?: number;
  /** Progress lines (stderr). */
  readonly log?: (line: string) => void;
}

/** Names queried per SIP domain besides lib/probe/dns.ts SIP_DOMAIN_QUERIES: the CNAME of sip (hybrid), the simple URLs. */
export const EXTRA_QUERIES = (domain: string): readonly [string, DnsRecordType][] => [
  [`sip.${domain}`, "CNAME"],
  [`meet.${domain}`, "A"],
];

/** Default names of the primary domain's Edge and web services (schema defaults), tried when nothing names them. */
export const PRIMARY_QUERIES = (domain: string): readonly [string, DnsRecordType][] => [
  [`webcon.${domain}`, "A"],
  [`av.${domain}`, "A"],
  [`webext.${domain}`, "A"],
  [`dialin.${domain}`, "A"],
];

const certSeen = (c: CertificateInfo): CertSeen => ({
  subjectCommonName: c.subjectCommonName,
  issuer: c.issuer,
  dnsNames: c.dnsNames.map((n) => n.toLowerCase()),
  notAfter: c.notAfter,
  signatureAlgorithm: c.signatureAlgorithm,
  keyType: c.keyType,
  keyBits: c.keyBits,
  extendedKeyUsage: c.extendedKeyUsage,
});

export function tlsSeen(role: TlsRole, name: string, o: TlsObservation): TlsSeen {
  return {
    role,
    name,
    address: o.host,
    port: o.port,
    reachable: o.versions.some((v) => v.outcome !== "unreachable" && v.outcome !== "timeout"),
    versions: o.versions.filter((v) => v.outcome === "completed" || v.outcome === "accepted").map((v) => v.version),
    certificate: o.certificate ? certSeen(o.certificate) : undefined,
    chainOk: o.chainOk,
    chainError: o.chainError,
    clientCertificateRequested: o.clientCertificateRequested,
  };
}

/** The first IPv4 address DNS gave for `name` (A query, following a CNAME the resolver already followed). */
export function addressOf(dns: readonly DnsSeen[], name: string): string | undefined {
  const a = dns.find((d) => d.name === name && d.type === "A" && d.status === "ok");
  const first = a?.answers.find((x) => x.type === "A");
  return first && first.type === "A" && isIPv4(first.address) ? first.address : undefined;
}

/** The collector: remembers every query so that none is asked twice. */
class Collector {
  readonly dns: DnsSeen[] = [];
  readonly tls: TlsSeen[] = [];
  constructor(readonly o: ObserveOptions) {}

  async query(name: string, type: DnsRecordType): Promise<DnsSeen> {
    const bare = name.toLowerCase().replace(/\.$/, "");
    const known = this.dns.find((d) => d.name === bare && d.type === type);
    if (known) return known;
    const r = await queryDns(bare, type, { servers: this.o.resolver ? [this.o.resolver] : undefined, timeoutMs: this.o.timeoutMs ?? 4000, tries: 2 });
    const seen: DnsSeen = { name: r.name, type, status: r.status, answers: r.answers };
    this.dns.push(seen);
    return seen;
  }

  async queryAll(queries: readonly (readonly [string, DnsRecordType])[]): Promise<void> {
    for (const [n, t] of queries) await this.query(n, t);
  }

  async tlsCheck(role: TlsRole, name: string, port: number): Promise<TlsSeen | undefined> {
    const address = addressOf(this.dns, name) ?? addressOf(this.dns, (await this.query(name, "A")).name);
    if (!address) return undefined;
    const known = this.tls.find((t) => t.address === address && t.port === port && t.name === name);
    if (known) return known;
    this.o.log?.(`discover: TLS ${name} (${address}) port ${port}`);
    const o = await probeTls({ host: address, port, servername: name, ca: this.o.ca, timeoutMs: this.o.timeoutMs ?? 4000 });
    const seen = tlsSeen(role, name, o);
    this.tls.push(seen);
    return seen;
  }
}

const srvTarget = (dns: readonly DnsSeen[], name: string): { target: string; port: number } | undefined => {
  const d = dns.find((x) => x.name === name && x.type === "SRV" && x.status === "ok");
  const a = d?.answers.find((x) => x.type === "SRV");
  return a && a.type === "SRV" ? { target: a.target.toLowerCase().replace(/\.$/, ""), port: a.port } : undefined;
};

/** How many names of one certificate discover follows with DNS queries. */
export const MAX_FOLLOWED = 20;

/** Names on a certificate of the form sip.<domain>: the SIP domains it serves (probe-protocols.md §5). */
export const sipDomainsOf = (names: readonly string[]) => names.filter((n) => /^sip\.[^.]+\..+/.test(n)).map((n) => n.slice(4));

async function observeEdge(c: Collector, domain: string): Promise<{ access?: TlsSeen; sipDomains: string[] }> {
  // Names that lead to Microsoft 365 (Teams Only, or a domain moved online) are Microsoft's listeners, not the
  // customer's Edge: discover never connects to them (it would judge Microsoft's certificate as the Edge's).
  const cname = (name: string) => c.dns.find((x) => x.name === name && x.type === "CNAME" && x.status === "ok")?.answers[0];
  const online = (name: string) => {
    const alias = cname(name);
    return name.endsWith(".online.lync.com") || (alias?.type === "CNAME" && alias.target.endsWith(".online.lync.com"));
  };
  const accessName = srvTarget(c.dns, `_sip._tls.${domain}`)?.target ?? `sip.${domain}`;
  const access = online(accessName) ? undefined : await c.tlsCheck("access-443", accessName, srvTarget(c.dns, `_sip._tls.${domain}`)?.port ?? 443);
  const fed = srvTarget(c.dns, `_sipfederationtls._tcp.${domain}`);
  // The federation listener where the SRV record says (its own port), else the Access Edge's 5061.
  const [fedName, fedPort] = fed && !online(fed.target) ? [fed.target, fed.port] : [accessName, 5061];
  if (!online(fedName)) await c.tlsCheck("access-5061", fedName, fedPort);
  const names = access?.certificate?.dnsNames ?? [];
  const sipDomains = [domain, ...sipDomainsOf(names).filter((d) => d !== domain)];
  // A hosting provider's certificate can name hundreds of domains: the first MAX_FOLLOWED are looked at (one query
  // after the other, so that discover stays polite and finishes).
  for (const other of sipDomains.slice(1, MAX_FOLLOWED)) await c.queryAll([...SIP_DOMAIN_QUERIES(other), ...EXTRA_QUERIES(other)]);
  // The Web Conferencing Edge: a certificate name that is not sip.<domain>, xmpp.<domain> or a bare SIP domain.
  const webconf = names.find((n) => n !== accessName && !n.startsWith("sip.") && !n.startsWith("xmpp.") && !sipDomains.includes(n) && !n.startsWith("*."));
  if (webconf) await c.tlsCheck("webconf-443", webconf, 443);
  for (const d of sipDomains) if (srvTarget(c.dns, `_xmpp-server._tcp.${d}`)) await c.query(srvTarget(c.dns, `_xmpp-server._tcp.${d}`)!.target, "A");
  return { access, sipDomains };
}

async function observeSip(c: Collector, access: TlsSeen, domain: string): Promise<SipSeen> {
  c.o.log?.(`discover: SIP REGISTER ${access.name} (${access.address}) port ${access.port}`);
  const r = await probeSipRegister({ host: access.address, port: access.port, domain, servername: access.name, timeoutMs: c.o.timeoutMs ?? 4000 });
  return {
    address: access.address,
    port: access.port,
    status: r.status,
    server: r.server,
    schemes: r.challenges.map((x) => x.scheme),
    targetname: r.challenges.find((x) => x.targetname)?.targetname,
    error: r.error,
  };
}

async function observeWeb(c: Collector, domain: string): Promise<WebSeen | undefined> {
  const name = `lyncdiscover.${domain}`;
  const cname = c.dns.find((d) => d.name === name && d.type === "CNAME" && d.status === "ok")?.answers[0];
  if (cname?.type === "CNAME") await c.query(cname.target, "A");
  const address = addressOf(c.dns, name) ?? (cname?.type === "CNAME" ? addressOf(c.dns, cname.target.toLowerCase()) : undefined);
  let web: WebSeen | undefined;
  if (address) {
    c.o.log?.(`discover: GET https://${name}/ (${address})`);
    const r = await probeLyncdiscover({ domain, timeoutMs: c.o.timeoutMs ?? 4000, ca: c.o.ca, connectTo: address });
    web = { url: r.http.url, address, status: r.http.status, kind: r.links?.kind, user: r.links?.user, redirect: r.links?.redirect, error: r.error };
  }
  // The reverse proxy's certificate: through lyncdiscover, else the default external web services name.
  const online = cname?.type === "CNAME" && cname.target.endsWith(".online.lync.com");
  const rpName = address && !online ? name : addressOf(c.dns, `webext.${domain}`) ? `webext.${domain}` : undefined;
  const rp = rpName ? await c.tlsCheck("reverse-proxy-443", rpName, 443) : undefined;
  for (const n of (rp?.certificate?.dnsNames ?? []).slice(0, MAX_FOLLOWED)) if (!n.startsWith("*.")) await c.query(n, "A");
  return web;
}

/** Collects everything `infer` reads (see the file comment); never throws for network failures (they are data). */
export async function observe(domain: string, o: ObserveOptions = {}): Promise<Observations> {
  const c = new Collector(o);
  const at = new Date().toISOString();
  o.log?.(`discover: DNS records of ${domain}${o.resolver ? ` at ${o.resolver}` : ""}`);
  await c.queryAll([...SIP_DOMAIN_QUERIES(domain), ...EXTRA_QUERIES(domain), ...PRIMARY_QUERIES(domain)]);
  const { access, sipDomains } = await observeEdge(c, domain);
  const sip = access?.reachable ? await observeSip(c, access, domain) : undefined;
  const lyncdiscover = await observeWeb(c, domain);
  for (const d of sipDomains.slice(1)) {
    const cn = c.dns.find((x) => x.name === `lyncdiscover.${d}` && x.type === "CNAME" && x.status === "ok")?.answers[0];
    if (cn?.type === "CNAME") await c.query(cn.target, "A");
  }
  return { domain, at, resolver: o.resolver ?? "system", dns: c.dns, tls: c.tls, sip, lyncdiscover };
}
