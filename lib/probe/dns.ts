/**
 * DNS look-ups for `edge-lab probe` / `discover` (probe-protocols.md §5): A, AAAA, SRV and CNAME, through the system
 * resolvers or one named server, with a timeout and a bounded number of tries.
 *
 * Library choice: Node's built-in `dns.promises.Resolver` (c-ares, shipped and patched with Node; no dependency).
 * It covers what the probe needs: a chosen server with a port (`setServers(["192.0.2.53:5353"])`), per-query
 * timeout and tries (`new Resolver({ timeout, tries })`, Node ≥ 16.7), SRV with priority / weight / port, CNAME, A
 * and AAAA with TTLs, and distinct error codes for NXDOMAIN (ENOTFOUND), no data (ENODATA), SERVFAIL, REFUSED and
 * timeout. What it does not give, and why that is acceptable here: the authority section and flags (AA, AD), DNSSEC
 * records, and TTLs for SRV / CNAME; the comparison with the plan needs names, targets, ports and addresses. A
 * packet library (dns-packet, dns2) would add a dependency and our own UDP/TCP transport, retries and truncation
 * handling for nothing the probe reports.
 *
 * VERIFY (probe-protocols.md §5, §8): which of these records a real deployment publishes is the plan's business; the
 * inference table (DNS-LB pool size from A record counts, online-authoritative names) is applied by the caller.
 *
 * Politeness: one query per record and name; c-ares retries `tries` times at most, each within `timeoutMs`.
 */
import { promises as dnsPromises } from "node:dns";
import { isIP } from "node:net";
import { isHostName } from "./tls-records";
import { compareText } from "../model/compare";

export type DnsRecordType = "A" | "AAAA" | "SRV" | "CNAME";

export interface DnsQueryOptions {
  /** Servers as "ip" or "ip:port" / "[ipv6]:port"; default the system's resolvers. */
  readonly servers?: readonly string[];
  /** Per try, default 3000 ms. */
  readonly timeoutMs?: number;
  /** Default 2 (one retry). */
  readonly tries?: number;
}

export type DnsAnswer =
  | { readonly type: "A" | "AAAA"; readonly address: string; readonly ttl: number }
  | { readonly type: "SRV"; readonly priority: number; readonly weight: number; readonly port: number; readonly target: string }
  | { readonly type: "CNAME"; readonly target: string };

export interface DnsObservation {
  readonly name: string;
  readonly type: DnsRecordType;
  /** The servers asked, as given to c-ares ("system: 1.1.1.1, ..." when defaulted). */
  readonly resolver: string;
  readonly answers: readonly DnsAnswer[];
  /**
   * Empty answers are not errors: "nxdomain" (name does not exist), "nodata" (name exists, no record of this type);
   * otherwise the failure: "servfail", "refused", "timeout", or "error" with `message`.
   */
  readonly status: "ok" | "nxdomain" | "nodata" | "servfail" | "refused" | "timeout" | "error";
  readonly message?: string;
}

const SERVER = /^(?:\[([0-9A-Fa-f:.]+)\]|([0-9.]+))(?::(\d{1,5}))?$|^([0-9A-Fa-f:]+)$/;

/** Validates "ip", "ip:port", "[ipv6]:port" or a bare IPv6 address; throws with the offending value. */
export function checkServer(server: string): string {
  const m = SERVER.exec(server);
  const ip = m && (m[1] ?? m[2] ?? m[4]);
  const port = m?.[3] === undefined ? 53 : Number(m[3]);
  if (!ip || isIP(ip) === 0 || port < 1 || port > 65535) throw new Error(`DNS server ${JSON.stringify(server)} is not an IP address with an optional port`);
  return server;
}

function statusOf(code: string | undefined): DnsObservation["status"] {
  switch (code) {
    case "ENOTFOUND":
      return "nxdomain";
    case "ENODATA":
      return "nodata";
    case "ESERVFAIL":
      return "servfail";
    case "EREFUSED":
      return "refused";
    case "ETIMEOUT":
      return "timeout";
    default:
      return "error";
  }
}

/** Makes the resolver a query runs on (exported for tests and for callers issuing several queries). */
export function makeResolver(o: DnsQueryOptions = {}): { resolver: dnsPromises.Resolver; description: string } {
  const resolver = new dnsPromises.Resolver({ timeout: o.timeoutMs ?? 3000, tries: o.tries ?? 2 });
  if (o.servers && o.servers.length) {
    resolver.setServers(o.servers.map(checkServer));
    return { resolver, description: o.servers.join(", ") };
  }
  return { resolver, description: `system: ${resolver.getServers().join(", ")}` };
}

/** One query; never throws for DNS failures (they are in `status`), only for a name or server that is not valid. */
export async function queryDns(name: string, type: DnsRecordType, o: DnsQueryOptions = {}): Promise<DnsObservation> {
  const bare = name.replace(/\.$/, "");
  if (!isHostName(bare)) throw new Error(`DNS name ${JSON.stringify(name)} is not a domain name`);
  const { resolver, description } = makeResolver(o);
  const base = { name: bare, type, resolver: description };
  try {
    let answers: DnsAnswer[];
    switch (type) {
      case "A":
        answers = (await resolver.resolve4(bare, { ttl: true })).map((r) => ({ type, address: r.address, ttl: r.ttl }));
        break;
      case "AAAA":
        answers = (await resolver.resolve6(bare, { ttl: true })).map((r) => ({ type, address: r.address, ttl: r.ttl }));
        break;
      case "SRV":
        // Order as the protocol uses them: priority ascending, then weight descending (RFC 2782 picks by weight).
        answers = (await resolver.resolveSrv(bare))
          .map((r) => ({ type, priority: r.priority, weight: r.weight, port: r.port, target: r.name }))
          .sort((a, b) => a.priority - b.priority || b.weight - a.weight || compareText(a.target, b.target));
        break;
      case "CNAME":
        answers = (await resolver.resolveCname(bare)).map((target) => ({ type, target }));
        break;
    }
    return { ...base, answers, status: "ok" };
  } catch (e) {
    const err = e as NodeJS.ErrnoException;
    const status = statusOf(err.code);
    return { ...base, answers: [], status, message: status === "error" ? err.message : undefined };
  } finally {
    resolver.cancel();
  }
}

/** The SIP-domain records of §5 for one domain, queried one after the other. */
export const SIP_DOMAIN_QUERIES = (domain: string): readonly [string, DnsRecordType][] => [
  [`_sipfederationtls._tcp.${domain}`, "SRV"],
  [`_sip._tls.${domain}`, "SRV"],
  [`sip.${domain}`, "A"],
  [`lyncdiscover.${domain}`, "CNAME"],
  [`lyncdiscover.${domain}`, "A"],
  [`_xmpp-server._tcp.${domain}`, "SRV"],
];

/** Runs {@link SIP_DOMAIN_QUERIES} sequentially (never in parallel: one query in flight per resolver). */
export async function querySipDomain(domain: string, o: DnsQueryOptions = {}): Promise<DnsObservation[]> {
  const out: DnsObservation[] = [];
  for (const [name, type] of SIP_DOMAIN_QUERIES(domain)) out.push(await queryDns(name, type, o));
  return out;
}

/**
 * Federation rule of §5 [CISCO]: an SRV target must lie inside the SIP domain (else 1009 "No match for domain in DNS
 * SRV results" at the partner). Pure; true when `target` is the domain or a name below it.
 */
export function srvTargetInDomain(target: string, domain: string): boolean {
  const t = target.replace(/\.$/, "").toLowerCase();
  const d = domain.replace(/\.$/, "").toLowerCase();
  return t === d || t.endsWith(`.${d}`);
}
