/**
 * One check per probe kind, run from the local host against real addresses with the protocols a real Edge speaks
 * (reference probe-protocols.md): DNS through a resolver, TLS read down to the raw records, one SIP REGISTER without
 * credentials, an MS-TURN Allocate without credentials over UDP 3478 and pseudo-TLS TCP 443, HTTPS to the reverse
 * proxy, and silence on management ports. Each check returns what it saw and its verdict against the plan.
 */
import { connect as tcpConnect } from "node:net";
import { createSocket } from "node:dgram";
import {
  expectedDnsAnswers,
  type BlockedProbe,
  type DnsProbe,
  type PortProbe,
  type Probe,
  type TlsProbe,
  type TurnProbe,
  type WebProbe,
} from "../model/probes";
import { queryDns, type DnsAnswer } from "./dns";
import { probeTcp, probeUdp, type MsTurnProbeResult } from "./msturn-transport";
import { probeSipRegister, PROBE_USER } from "./sip";
import { ALL_TLS_VERSIONS, probeTls, type TlsObservation, type TlsVersionName } from "./tls-probe";
import { httpGet, httpsGet, probeLyncdiscover, probeUserLink, type HttpsObservation } from "./web";

export interface Verdict {
  readonly pass: boolean;
  readonly detail: string;
  /** Worth a look, not a failure (an expiring certificate, SHA-1, TLS 1.0 offered, a VERIFY point). */
  readonly warnings?: readonly string[];
}

/** What every check needs: where to ask DNS, which CAs to trust, how long to wait. */
export interface CheckContext {
  /** DNS server ("ip" or "ip:port"); undefined: the system's resolvers. */
  readonly resolver?: string;
  /** Extra trust anchors (PEM); undefined: Node's root store. */
  readonly ca?: readonly string[];
  readonly timeoutMs: number;
  /** Management and unplanned ports: how long silence must last. */
  readonly blockedTimeoutMs: number;
  /** The SIP domain a REGISTER is addressed to. */
  readonly sipDomain: string;
  /** The planned next hop of the Access Edge (the 401's targetname names it, or a server of it). */
  readonly nextHopFqdn: string;
  /** The `Server:` header the planned product answers with, and whether that was ever seen on a real server. */
  readonly sipServer: { readonly header: string; readonly verified: boolean };
  /** External DNS names of the plan and their addresses (links the reverse proxy returns are followed there). */
  readonly addressOf: (host: string) => string | undefined;
  /** Exchanges shared by probes that would send the same request (one MS-TURN Allocate per listener). */
  readonly shared: Map<string, Promise<unknown>>;
  /** The TLS versions a listener answered, learned by its first TLS check (the others try only those). */
  readonly tlsVersions: Map<string, readonly TlsVersionName[]>;
}

const once = <T>(ctx: CheckContext, key: string, run: () => Promise<T>): Promise<T> => {
  let p = ctx.shared.get(key) as Promise<T> | undefined;
  if (!p) ctx.shared.set(key, (p = run()));
  return p;
};

// ---------------------------------------------------------------------------------------------------------------
// DNS

const answerText = (a: DnsAnswer) => (a.type === "SRV" ? `${a.priority} ${a.weight} ${a.port} ${a.target}` : a.type === "CNAME" ? a.target : a.address);
const sameSet = (a: readonly string[], b: readonly string[]) =>
  a.length === b.length &&
  [...a]
    .map((x) => x.toLowerCase())
    .sort()
    .join("\n") ===
    [...b]
      .map((x) => x.toLowerCase())
      .sort()
      .join("\n");

export async function checkDns(ctx: CheckContext, p: DnsProbe): Promise<Verdict> {
  const servers = ctx.resolver ? [ctx.resolver] : undefined;
  const obs = await queryDns(p.record.name, p.record.type, { servers, timeoutMs: ctx.timeoutMs });
  const got = obs.answers.map(answerText);
  if (obs.status !== "ok" || !sameSet(got, expectedDnsAnswers(p)))
    return {
      pass: false,
      detail: `answer ${obs.status === "ok" ? got.join(", ") || "(none)" : obs.status}${obs.message ? ` (${obs.message})` : ""}, plan ${expectedDnsAnswers(p).join(", ")}`,
    };
  // A Teams Only cutover record points at Microsoft 365's names: the record is what the plan owns.
  if (p.record.type !== "SRV" || p.record.refs.includes("ms:cutover-dns")) return { pass: true, detail: `answer ${got.join(", ")}` };
  const target = await queryDns(p.record.srv!.target, "A", { servers, timeoutMs: ctx.timeoutMs });
  if (target.status !== "ok" || target.answers.length === 0)
    return { pass: false, detail: `SRV target ${p.record.srv!.target} does not resolve (${target.status})` };
  return { pass: true, detail: `answer ${got.join(", ")}; target ${target.answers.map(answerText).join(", ")}` };
}

// ---------------------------------------------------------------------------------------------------------------
// TCP / UDP reachability

function tcpOutcome(host: string, port: number, timeoutMs: number): Promise<"connected" | "refused" | "timeout" | string> {
  return new Promise((resolve) => {
    const socket = tcpConnect({ host, port });
    const done = (r: string) => (clearTimeout(timer), socket.destroy(), resolve(r));
    const timer = setTimeout(() => done("timeout"), timeoutMs);
    socket.once("connect", () => done("connected"));
    socket.once("error", (e: NodeJS.ErrnoException) => done(e.code === "ECONNREFUSED" ? "refused" : (e.code ?? e.message)));
  });
}

/** A datagram that no Edge service answers: silence, or ICMP port unreachable (ECONNREFUSED on a connected socket). */
function udpOutcome(host: string, port: number, timeoutMs: number): Promise<"silence" | "refused" | "answered" | "no path"> {
  return new Promise((resolve) => {
    const socket = createSocket(host.includes(":") ? "udp6" : "udp4");
    const done = (r: "silence" | "refused" | "answered" | "no path") => (clearTimeout(timer), socket.close(), resolve(r));
    const timer = setTimeout(() => done("silence"), timeoutMs);
    socket.once("message", () => done("answered"));
    // Only port unreachable is a host answering; host / network unreachable and administratively prohibited are no path.
    socket.once("error", (e: NodeJS.ErrnoException) => done(e.code === "ECONNREFUSED" ? "refused" : "no path"));
    socket.connect(port, host, () => socket.send(Buffer.from(`edge-lab-probe ${PROBE_USER}\r\n`)));
  });
}

/** MS-TURN Allocate without credentials on one listener, sent once however many probes read it. */
export const msTurnExchange = (ctx: CheckContext, transport: "TCP" | "UDP", host: string, port: number): Promise<MsTurnProbeResult> =>
  once(ctx, `msturn ${transport} ${host}:${port}`, () =>
    transport === "UDP" ? probeUdp({ host, port, timeoutMs: Math.min(500, ctx.timeoutMs) }) : probeTcp({ host, port, timeoutMs: ctx.timeoutMs }),
  );

/** The 401 of an MS-TURN server: the path works and the listener is an A/V Edge (reference 2.2 / 2.3). */
export function judgeMsTurn(r: MsTurnProbeResult, relayAddresses?: readonly string[]): Verdict {
  if (r.outcome === "no-answer")
    return { pass: false, detail: `no answer from ${r.target} (${r.detail}): dropped, filtered, or not an MS-TURN server; not "closed"` };
  if (r.outcome !== "answer") return { pass: false, detail: `${r.outcome}: ${r.detail}` };
  const a = r.answer;
  if (a.kind === "unexpected")
    return { pass: false, detail: a.cause === "rfc5389" ? `an RFC 5389 TURN server answered (coturn-like), not an MS-TURN A/V Edge: ${a.detail}` : a.detail };
  if (a.kind !== "challenge")
    return { pass: false, detail: `${a.kind === "error" ? `error ${a.code} ${a.reason}` : "allocated without credentials"} from ${r.from}` };
  const alternate = a.alternateServer?.address;
  const base = `401 from ${r.from}, realm "${a.realm}"${alternate ? `, ALTERNATE-SERVER ${alternate}:${a.alternateServer!.port}` : ""}`;
  // VERIFY (reference section 8 item 1): a real Edge's ALTERNATE-SERVER is taken to be its configured public address.
  if (relayAddresses && alternate && !relayAddresses.includes(alternate))
    return { pass: false, detail: `${base}: the A/V Edge says its public address is ${alternate}, the plan says ${relayAddresses.join(" or ")} (NAT-02)` };
  const warnings = relayAddresses && !alternate ? ["no ALTERNATE-SERVER in the 401: the A/V public address could not be compared with the plan (VERIFY)"] : [];
  return { pass: true, detail: base, warnings };
}

export async function checkPort(ctx: CheckContext, p: PortProbe): Promise<Verdict> {
  const app = p.rule.application;
  if (app === "turn") return judgeMsTurn(await msTurnExchange(ctx, p.transport, p.address, p.port));
  if (p.transport === "UDP")
    return {
      pass: false,
      detail: `UDP ${p.port}: nothing answers a datagram here until a TURN allocation exists; the A/V path is proven by the MS-TURN checks`,
    };
  const outcome = await tcpOutcome(p.address, p.port, ctx.timeoutMs);
  if (outcome === "connected") return { pass: true, detail: "connected" };
  // The media range listens only for allocations: a refusal is the Edge itself answering through the firewall.
  if (outcome === "refused" && app === "rtp")
    return {
      pass: true,
      detail: "refused by a host behind the firewall (nothing listens before an allocation)",
      warnings: ["VERIFY: a firewall that rejects with a reset looks the same"],
    };
  return { pass: false, detail: outcome === "timeout" ? `no answer within ${ctx.timeoutMs} ms (dropped)` : outcome };
}

export async function checkTurn(ctx: CheckContext, p: TurnProbe): Promise<Verdict> {
  return judgeMsTurn(await msTurnExchange(ctx, p.transport, p.address, p.port), p.relayAddress.split(","));
}

export async function checkBlocked(ctx: CheckContext, p: BlockedProbe): Promise<Verdict> {
  if (p.transport === "UDP") {
    const r = await udpOutcome(p.address, p.port, ctx.blockedTimeoutMs);
    if (r === "silence") return { pass: true, detail: "no answer (UDP silence: dropped, or nothing listens)" };
    if (r === "no path") return { pass: true, detail: "no path (ICMP host or network unreachable, or prohibited)" };
    return { pass: false, detail: r === "refused" ? "ICMP port unreachable: a host answered through the firewall" : "answered" };
  }
  const r = await tcpOutcome(p.address, p.port, ctx.blockedTimeoutMs);
  if (r === "connected") return { pass: false, detail: "connected: the port is open from here" };
  if (r === "refused") return { pass: false, detail: "refused: a host answered through the firewall" };
  return { pass: true, detail: r === "timeout" ? `no answer within ${ctx.blockedTimeoutMs} ms` : `no path (${r})` };
}

// ---------------------------------------------------------------------------------------------------------------
// TLS and SIP

const DAY_MS = 86_400_000;

/** What a certificate must be, whatever the plan: trusted, in date, a strong key and signature, server EKU. */
function certificateProblems(o: TlsObservation, now: number): { problems: string[]; warnings: string[] } {
  const c = o.certificate!;
  const problems: string[] = [];
  const warnings: string[] = [];
  if (!o.chainOk) problems.push(`chain not trusted (${o.chainError ?? "unknown"}; trust: ${o.trust})`);
  const left = Date.parse(c.notAfter) - now;
  if (left < 0) problems.push(`expired ${c.notAfter}`);
  else if (left < 30 * DAY_MS) warnings.push(`expires ${c.notAfter} (in ${Math.floor(left / DAY_MS)} days)`);
  if (c.keyType === "rsa" && (c.keyBits ?? 0) < 2048) problems.push(`RSA key of ${c.keyBits} bits (2048 or more)`);
  if (/sha1|md5/i.test(c.signatureAlgorithm)) warnings.push(`signature ${c.signatureAlgorithm} (SHA-1 or weaker)`);
  if (c.extendedKeyUsage && !c.extendedKeyUsage.includes("serverAuth")) problems.push(`EKU ${c.extendedKeyUsage.join(", ")} lacks serverAuth`);
  const offered = o.versions.filter((v) => v.outcome === "completed" || v.outcome === "accepted").map((v) => v.version);
  if (offered.length && offered.every((v) => v === "TLSv1" || v === "TLSv1.1")) warnings.push(`only ${offered.join(", ")} offered`);
  else if (offered.includes("TLSv1")) warnings.push("TLS 1.0 still offered");
  return { problems, warnings };
}

export async function checkTls(ctx: CheckContext, p: TlsProbe, now = Date.now()): Promise<Verdict> {
  const key = `${p.address}:${p.port}`;
  const known = ctx.tlsVersions.get(key);
  const o = await probeTls({
    host: p.address,
    port: p.port,
    servername: p.serverName,
    ca: ctx.ca,
    timeoutMs: ctx.timeoutMs,
    versions: known ?? ALL_TLS_VERSIONS,
  });
  const answered = o.versions.filter((v) => v.outcome === "completed" || v.outcome === "accepted").map((v) => v.version);
  if (!known && answered.length) ctx.tlsVersions.set(key, answered);
  const c = o.certificate;
  if (!c) return { pass: false, detail: `no certificate: ${o.versions.map((v) => `${v.version} ${v.outcome}${v.error ? ` (${v.error})` : ""}`).join("; ")}` };
  const { problems, warnings } = certificateProblems(o, now);
  if ((c.subjectCommonName ?? "").toLowerCase() !== p.certificate.subject.toLowerCase())
    problems.push(`subject ${c.subjectCommonName ?? c.subject}, plan ${p.certificate.subject}`);
  const names = c.dnsNames.map((n) => n.toLowerCase());
  const missing = p.certificate.sans.filter((n) => !names.includes(n.toLowerCase()));
  if (missing.length) problems.push(`SANs lack ${missing.join(", ")} (has ${c.dnsNames.join(", ") || "none"})`);
  const forbidden = c.dnsNames.filter((n) => p.forbiddenNames.includes(n.toLowerCase()));
  if (forbidden.length) problems.push(`must not carry ${forbidden.join(", ")}`);
  const extra = c.dnsNames.filter((n) => !p.certificate.sans.some((s) => s.toLowerCase() === n.toLowerCase()));
  if (extra.length) warnings.push(`SANs not in the plan: ${extra.join(", ")}`);
  if (p.rule.application === "sip-mtls" && o.clientCertificateRequested === false)
    warnings.push("no CertificateRequest on an MTLS listener (VERIFY, reference section 8 item 3)");
  const summary = `${c.subjectCommonName} [${c.dnsNames.join(", ")}], ${o.negotiatedVersion ?? "?"}, ${c.keyType} ${c.keyBits ?? "?"}, ${c.signatureAlgorithm}, until ${c.notAfter}${o.clientCertificateRequested ? ", asks for a client certificate" : ""}`;
  return problems.length ? { pass: false, detail: problems.join("; "), warnings } : { pass: true, detail: summary, warnings };
}

/** One REGISTER without credentials on the Access Edge's client port: a 401 proves the Edge reaches its next hop. */
export async function checkSipRegister(ctx: CheckContext, p: TlsProbe): Promise<Verdict> {
  const r = await probeSipRegister({ host: p.address, port: p.port, domain: ctx.sipDomain, servername: p.serverName, timeoutMs: ctx.timeoutMs });
  if (r.error || r.status === undefined) return { pass: false, detail: `no SIP answer: ${r.error ?? "none"}` };
  const server = r.server ? `, Server: ${r.server}` : "";
  // 403 / 404 for the probe identity (which never exists) come from the registrar behind the Edge: the path works.
  if ((r.status === 403 || r.status === 404) && (r.diagnostics || r.server?.startsWith("RTC/")))
    return {
      pass: true,
      detail: `${r.status} ${r.reason ?? ""}${server}`,
      warnings: ["not the 401 challenge: the next hop refused the probe identity (VERIFY)"],
    };
  if (r.status !== 401 && r.status !== 407)
    return {
      pass: false,
      detail: `${r.status} ${r.reason ?? ""}${r.diagnostics ? ` (ms-diagnostics: ${r.diagnostics})` : ""}${server}: the Edge did not hand the REGISTER to its next hop`,
    };
  const targets = r.challenges.map((c) => c.targetname).filter((t): t is string => Boolean(t));
  const warnings: string[] = [];
  const hop = ctx.nextHopFqdn.toLowerCase();
  if (targets.length && !targets.some((t) => t.toLowerCase() === hop || t.toLowerCase().endsWith(`.${hop.split(".").slice(1).join(".")}`)))
    warnings.push(`targetname ${targets.join(", ")} is not the planned next hop ${ctx.nextHopFqdn}`);
  if (r.server && !r.server.startsWith(ctx.sipServer.header))
    warnings.push(`Server: ${r.server}, the planned product answers ${ctx.sipServer.header}${ctx.sipServer.verified ? "" : " (VERIFY)"}`);
  const schemes = r.challenges.map((c) => `${c.scheme}${c.targetname ? ` targetname=${c.targetname}` : ""}`).join(", ");
  return { pass: true, detail: `${r.status} ${schemes || "(no challenge)"}${server}`, warnings };
}

// ---------------------------------------------------------------------------------------------------------------
// Reverse proxy

/**
 * A publishing rule works when the pool answers through the proxy: any 5xx fails (502-504: the proxy did not reach
 * the pool), a 4xx on the site root is a warning (the pool answered; VERIFY what a real pool answers there).
 */
function judgeHttp(h: HttpsObservation, tls: boolean): Verdict {
  if (h.error || h.status === undefined) return { pass: false, detail: `no HTTP answer: ${h.error ?? "none"}` };
  if (h.status >= 500)
    return { pass: false, detail: `${h.status}: ${h.status >= 502 && h.status <= 504 ? "the reverse proxy did not reach the pool" : "server error"}` };
  if (tls && h.certificateTrusted === false)
    return { pass: false, detail: `${h.status}, but the certificate is not valid for the name (${h.certificateError})` };
  const warnings = h.status >= 400 ? [`${h.status} on the site root (the pool answered; VERIFY what a real pool answers there)`] : [];
  return { pass: true, detail: `${h.status}${h.location ? ` -> ${h.location}` : ""}${h.tlsVersion ? `, ${h.tlsVersion}` : ""}`, warnings };
}

/** lyncdiscover: the JSON with its links, then the user link's OAuth challenge (reference section 4). */
async function checkLyncdiscover(ctx: CheckContext, p: WebProbe): Promise<Verdict> {
  const d = await probeLyncdiscover({
    domain: p.host.replace(/^lyncdiscover\./, ""),
    url: `https://${p.host}/`,
    connectTo: p.address,
    port: p.port,
    ca: ctx.ca,
    timeoutMs: ctx.timeoutMs,
  });
  if (d.error || !d.links) return judgeHttp(d.http, true).pass ? { pass: false, detail: d.error ?? "no links" } : judgeHttp(d.http, true);
  // Only a redirect: the proxy reaches a server that does not serve the user (the pool's HTTP site instead of 4443, or
  // another deployment): clients cannot sign in here (reference section 4).
  if (!d.links.user)
    return { pass: false, detail: `no user link (links ${Object.keys(d.links.links).join(", ") || "none"}; redirect: ${d.links.redirect ?? "none"})` };
  const userHost = new URL(d.links.user).hostname;
  const u = await probeUserLink({ url: d.links.user, connectTo: ctx.addressOf(userHost) ?? p.address, ca: ctx.ca, timeoutMs: ctx.timeoutMs });
  if (u.error) return { pass: false, detail: `user link ${d.links.user}: ${u.error}` };
  if (u.http.certificateTrusted === false)
    return { pass: false, detail: `user link ${d.links.user}: certificate not valid for the name (${u.http.certificateError})` };
  return {
    pass: true,
    detail: `user link answers 401 ${u.challenges.map((c) => c.scheme).join(", ")}${u.grantTypes.length ? ` (grant types ${u.grantTypes.join(", ")})` : ""}${u.serverFqdn ? `, X-MS-Server-Fqdn ${u.serverFqdn}` : ""}`,
  };
}

export async function checkWeb(ctx: CheckContext, p: WebProbe): Promise<Verdict> {
  if (p.scheme === "http") return judgeHttp(await httpGet({ url: `http://${p.host}/`, connectTo: p.address, port: p.port, timeoutMs: ctx.timeoutMs }), false);
  if (p.host.startsWith("lyncdiscover.")) return checkLyncdiscover(ctx, p);
  return judgeHttp(await httpsGet({ url: `https://${p.host}/`, connectTo: p.address, port: p.port, ca: ctx.ca, timeoutMs: ctx.timeoutMs }), true);
}

/** The check a probe kind gets (SIP REGISTER is an extra check of the Access Edge's TLS probes, see perimeter.ts). */
export function checkOf(ctx: CheckContext, p: Exclude<Probe, { kind: "hosts" }>): Promise<Verdict> {
  switch (p.kind) {
    case "dns":
      return checkDns(ctx, p);
    case "port":
      return checkPort(ctx, p);
    case "tls":
      return checkTls(ctx, p);
    case "turn":
      return checkTurn(ctx, p);
    case "web":
      return checkWeb(ctx, p);
    case "blocked":
      return checkBlocked(ctx, p);
  }
}
