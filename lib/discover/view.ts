/**
 * Reading discover's observations (names, addresses, SRV targets, the Edge's certificate) and the builder of the
 * inferred scenario with its questions. Pure.
 */
import { isIPv4 } from "node:net";
import { sipDomainsOf, type DnsSeen, type Observations, type TlsSeen } from "./observe";

export type Path = readonly (string | number)[];

export interface Question {
  readonly id: string;
  /** Where the answer goes in the scenario. */
  readonly path: Path;
  /** Required: the file holds a placeholder there until it is answered. Optional: commented out, the default applies. */
  readonly required: boolean;
  readonly text: string;
  /** Optional questions: the line written commented out (the default, or what discover suggests). */
  readonly suggestion?: unknown;
}

export const PLACEHOLDER = /^QUESTION Q\d+:/;
export const isPlaceholder = (v: unknown) => typeof v === "string" && PLACEHOLDER.test(v);

export const ONLINE = { sipdir: "sipdir.online.lync.com", sipfed: "sipfed.online.lync.com", webdir: "webdir.online.lync.com" } as const;
export const isOnline = (name: string | undefined) => name !== undefined && name.endsWith(".online.lync.com");

// ---------------------------------------------------------------------------------------------------------------
// Reading the observations

export const records = (dns: readonly DnsSeen[], name: string, type: DnsSeen["type"]) =>
  dns.find((d) => d.name === name.toLowerCase() && d.type === type && d.status === "ok")?.answers ?? [];

export const addressesOf = (dns: readonly DnsSeen[], name: string): string[] =>
  records(dns, name, "A")
    .flatMap((a) => (a.type === "A" && isIPv4(a.address) ? [a.address] : []))
    .sort(compareIp);

export function srvOf(dns: readonly DnsSeen[], name: string): { target: string; port: number } | undefined {
  const a = records(dns, name, "SRV")[0];
  return a?.type === "SRV" ? { target: a.target.toLowerCase().replace(/\.$/, ""), port: a.port } : undefined;
}

export function cnameOf(dns: readonly DnsSeen[], name: string): string | undefined {
  const a = records(dns, name, "CNAME")[0];
  return a?.type === "CNAME" ? a.target.toLowerCase().replace(/\.$/, "") : undefined;
}

const ipNumber = (ip: string) => ip.split(".").reduce((n, o) => n * 256 + Number(o), 0);
const ipText = (n: number) => [24, 16, 8, 0].map((s) => Math.floor(n / 2 ** s) % 256).join(".");
export const compareIp = (a: string, b: string) => ipNumber(a) - ipNumber(b);

/** The smallest block of prefix /24 or shorter (at least /8) holding every address. */
export function coveringCidr(ips: readonly string[]): string | undefined {
  if (ips.length === 0) return undefined;
  for (let prefix = 24; prefix >= 8; prefix--) {
    const size = 2 ** (32 - prefix);
    const base = Math.floor(ipNumber(ips[0]) / size) * size;
    if (ips.every((ip) => Math.floor(ipNumber(ip) / size) * size === base)) return `${ipText(base)}/${prefix}`;
  }
  return undefined;
}

export const hostOf = (cidr: string, n: number) => ipText(ipNumber(cidr.split("/")[0]) + n);
const sameList = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x, i) => x === b[i]);

/** Everything inference needs from the Edge side, read once. */
export interface EdgeView {
  readonly primary: string;
  readonly sipDomains: readonly string[];
  readonly accessFqdn: string;
  readonly access: readonly string[];
  readonly webconfFqdn?: string;
  readonly webconf: readonly string[];
  readonly avFqdn?: string;
  readonly av: readonly string[];
  readonly cert?: TlsSeen;
  readonly single: boolean;
}

export function edgeView(o: Observations): EdgeView {
  const primary = o.domain.toLowerCase();
  const sipSrv = srvOf(o.dns, `_sip._tls.${primary}`);
  const accessFqdn = sipSrv && !isOnline(sipSrv.target) ? sipSrv.target : `sip.${primary}`;
  const cert = o.tls.find((t) => t.role === "access-443" && t.certificate);
  const names = cert?.certificate?.dnsNames ?? [];
  const sipDomains = [primary, ...sipDomainsOf(names).filter((d) => d !== primary)];
  const webconfFqdn = names.find((n) => n !== accessFqdn && !n.startsWith("sip.") && !n.startsWith("xmpp.") && !sipDomains.includes(n) && !n.startsWith("*."));
  const access = isOnline(cnameOf(o.dns, `sip.${primary}`)) ? [] : addressesOf(o.dns, accessFqdn);
  const webconf = webconfFqdn ? addressesOf(o.dns, webconfFqdn) : [];
  const avFqdn = addressesOf(o.dns, `av.${primary}`).length ? `av.${primary}` : undefined;
  const av = avFqdn ? addressesOf(o.dns, avFqdn) : [];
  const single = access.length > 0 && (webconf.length === 0 || sameList(webconf, access)) && (av.length === 0 || sameList(av, access));
  return { primary, sipDomains, accessFqdn, access, webconfFqdn, webconf, avFqdn, av, cert, single };
}

// ---------------------------------------------------------------------------------------------------------------
// The scenario

export class Builder {
  readonly scenario: Record<string, unknown> = {};
  readonly notes: { path: Path; text: string }[] = [];
  readonly questions: Question[] = [];

  set(path: Path, value: unknown, note?: string): void {
    let at: Record<string | number, unknown> = this.scenario;
    for (let i = 0; i < path.length - 1; i++) {
      const key = path[i];
      at[key] ??= typeof path[i + 1] === "number" ? [] : {};
      at = at[key] as Record<string | number, unknown>;
    }
    at[path[path.length - 1]] = value;
    if (note) this.notes.push({ path, text: note });
  }

  /** A required question: its placeholder is written at `path`. */
  ask(path: Path, text: string): string {
    const id = `Q${this.questions.length + 1}`;
    this.questions.push({ id, path, required: true, text });
    this.set(path, `QUESTION ${id}: ${text.split(/[.;:(]/)[0].trim()}`);
    return id;
  }

  /** An optional question: written commented out with its default or suggestion. */
  offer(path: Path, text: string, suggestion: unknown): void {
    this.questions.push({ id: `Q${this.questions.length + 1}`, path, required: false, text, suggestion });
  }
}

export const SITE = ["sites", 0] as const;

/** The observations as header lines of the scenario file (what it was built on). */
export function factsOf(o: Observations): string[] {
  const lines: string[] = [];
  for (const d of o.dns) {
    const answers = d.answers.map((a) => (a.type === "SRV" ? `${a.target}:${a.port}` : a.type === "CNAME" ? a.target : a.address));
    lines.push(`${d.name} ${d.type}: ${d.status === "ok" ? answers.join(", ") : d.status}`);
  }
  for (const t of o.tls) {
    const c = t.certificate;
    const cert = c
      ? `certificate ${c.subjectCommonName ?? "(no CN)"} [${c.dnsNames.join(", ")}] until ${c.notAfter.slice(0, 10)}, ${c.signatureAlgorithm}`
      : "no certificate";
    lines.push(
      `TLS ${t.name} (${t.address}:${t.port}): ${t.reachable ? `${t.versions.join(", ") || "no TLS version"}; ${cert}; chain ${t.chainOk ? "trusted" : `not trusted (${t.chainError ?? "?"})`}` : "no connection"}`,
    );
  }
  if (o.sip)
    lines.push(`SIP REGISTER ${o.sip.address}:${o.sip.port}: ${o.sip.status ?? o.sip.error ?? "no answer"}${o.sip.server ? `, Server: ${o.sip.server}` : ""}`);
  if (o.lyncdiscover)
    lines.push(
      `GET ${o.lyncdiscover.url} (${o.lyncdiscover.address}): ${o.lyncdiscover.status ?? o.lyncdiscover.error ?? "no answer"}${o.lyncdiscover.kind ? `, ${o.lyncdiscover.kind} link` : ""}`,
    );
  return lines;
}
