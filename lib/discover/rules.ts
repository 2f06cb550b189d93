/**
 * discover's checks: the observations against the rules (ids and explanations in findings.ts). Pure; one function per
 * family, each returning its findings in a fixed order.
 */
import { srvTargetInDomain } from "../probe/dns";
import type { DiscoverFinding } from "./findings";
import type { Observations, TlsSeen } from "./observe";
import { phaseOf } from "./infer";
import { addressesOf, isOnline, srvOf, type EdgeView } from "./view";

const DAY_MS = 24 * 3600 * 1000;
/** Warn this long before a certificate expires. */
export const EXPIRY_WARNING_DAYS = 30;

const SRV_NAMES = (d: string) => [`_sip._tls.${d}`, `_sipfederationtls._tcp.${d}`, `_xmpp-server._tcp.${d}`];

function dnsFindings(o: Observations, v: EdgeView): DiscoverFinding[] {
  const out: DiscoverFinding[] = [];
  for (const d of o.dns.filter((x) => ["servfail", "refused", "timeout", "error"].includes(x.status)))
    out.push({ rule: "DISC-DNS-01", severity: "warning", message: `${d.name} ${d.type}: the query failed (${d.status})` });
  for (const d of v.sipDomains) {
    for (const name of SRV_NAMES(d)) {
      const srv = srvOf(o.dns, name);
      if (!srv || isOnline(srv.target)) continue;
      if (!srvTargetInDomain(srv.target, d))
        out.push({
          rule: "DNS-04",
          severity: "error",
          message: `${name} points outside the SIP domain ${d}: partners and clients with strict name matching refuse it (ms-diagnostics 1009)`,
          evidence: `${name} SRV -> ${srv.target}:${srv.port}`,
        });
      if (addressesOf(o.dns, srv.target).length === 0 && o.dns.some((x) => x.name === srv.target && x.type === "A"))
        out.push({
          rule: "DISC-DNS-02",
          severity: "error",
          message: `${name} points to ${srv.target}, which has no A record`,
          evidence: `${name} SRV -> ${srv.target}:${srv.port}`,
        });
    }
    const sipA = addressesOf(o.dns, `sip.${d}`).length > 0;
    if (sipA && !srvOf(o.dns, `_sip._tls.${d}`))
      out.push({
        rule: "DNS-02",
        severity: "warning",
        message: `sip.${d} resolves but _sip._tls.${d} is not published: external clients without manual settings may not find the Access Edge`,
      });
  }
  return out;
}

function certificateFindings(t: TlsSeen, now: Date): DiscoverFinding[] {
  const c = t.certificate;
  if (!c) return [];
  const where = `${t.name}:${t.port}`;
  const out: DiscoverFinding[] = [];
  if (!t.chainOk)
    out.push({
      rule: "CERT-01",
      severity: "error",
      message: `${where}: the certificate chain is not trusted (${t.chainError ?? "unknown reason"})`,
      evidence: `issuer ${c.issuer}`,
    });
  if (c.extendedKeyUsage && !c.extendedKeyUsage.includes("serverAuth"))
    out.push({
      rule: "CERT-01",
      severity: "error",
      message: `${where}: the certificate has no serverAuth EKU`,
      evidence: `EKU ${c.extendedKeyUsage.join(", ")}`,
    });
  if (c.subjectCommonName && c.dnsNames.length && !c.dnsNames.includes(c.subjectCommonName.toLowerCase()))
    out.push({ rule: "CERT-02", severity: "warning", message: `${where}: the subject ${c.subjectCommonName} is not among the SANs` });
  const wild = c.dnsNames.filter((n) => n.startsWith("*."));
  if (wild.length && t.role !== "reverse-proxy-443")
    out.push({ rule: "CERT-04", severity: "error", message: `${where}: wildcard names on an Edge certificate (${wild.join(", ")})` });
  if (/sha1|md5/i.test(c.signatureAlgorithm))
    out.push({ rule: "DISC-CERT-01", severity: "error", message: `${where}: the certificate is signed with ${c.signatureAlgorithm}` });
  const left = (Date.parse(c.notAfter) - now.getTime()) / DAY_MS;
  if (left < 0) out.push({ rule: "DISC-CERT-02", severity: "error", message: `${where}: the certificate expired on ${c.notAfter.slice(0, 10)}` });
  else if (left < EXPIRY_WARNING_DAYS)
    out.push({
      rule: "DISC-CERT-02",
      severity: "warning",
      message: `${where}: the certificate expires on ${c.notAfter.slice(0, 10)} (in ${Math.floor(left)} days)`,
    });
  if (t.role === "access-5061" && c.extendedKeyUsage && !c.extendedKeyUsage.includes("clientAuth"))
    out.push({
      rule: "DISC-CERT-03",
      severity: "info",
      message: `${where}: no clientAuth EKU (federation MTLS presents this certificate as a client)`,
      evidence: `EKU ${c.extendedKeyUsage.join(", ")}`,
    });
  if (c.keyType === "rsa" && c.keyBits !== undefined && c.keyBits < 2048)
    out.push({ rule: "DISC-CERT-04", severity: "warning", message: `${where}: RSA key of ${c.keyBits} bits` });
  return out;
}

function tlsFindings(t: TlsSeen): DiscoverFinding[] {
  if (!t.reachable || t.versions.length === 0) return [];
  const where = `${t.name}:${t.port}`;
  const modern = t.versions.some((x) => x === "TLSv1.2" || x === "TLSv1.3");
  const old: string[] = t.versions.filter((x) => x === "TLSv1" || x === "TLSv1.1");
  if (!modern) return [{ rule: "DISC-TLS-01", severity: "error", message: `${where} accepts only ${old.join(", ")}` }];
  return old.length
    ? [
        {
          rule: "DISC-TLS-02",
          severity: "info",
          message: `${where} still accepts ${old.join(", ")} (besides ${t.versions.filter((x) => !old.includes(x)).join(", ")})`,
        },
      ]
    : [];
}

/** Names the DNS uses for the Edge that its certificate must carry (CERT-03), and certificate names DNS lacks. */
function nameFindings(o: Observations, v: EdgeView): DiscoverFinding[] {
  const names = v.cert?.certificate?.dnsNames;
  if (!names) return [];
  const out: DiscoverFinding[] = [];
  const needed = new Set<string>([v.accessFqdn]);
  for (const d of v.sipDomains) {
    for (const name of [`_sip._tls.${d}`, `_sipfederationtls._tcp.${d}`, `_xmpp-server._tcp.${d}`]) {
      const srv = srvOf(o.dns, name);
      if (srv && !isOnline(srv.target)) needed.add(srv.target);
    }
  }
  if (v.webconfFqdn) needed.add(v.webconfFqdn);
  for (const n of needed)
    if (!names.includes(n))
      out.push({
        rule: "CERT-03",
        severity: "error",
        message: `DNS uses ${n} for the Access Edge, but its certificate does not name it`,
        evidence: `SANs ${names.join(", ")}`,
      });
  for (const d of v.sipDomains.slice(1))
    if (addressesOf(o.dns, `sip.${d}`).length === 0 && !srvOf(o.dns, `_sip._tls.${d}`))
      out.push({ rule: "DISC-DNS-02", severity: "warning", message: `the certificate names sip.${d}, but ${d} publishes neither sip.${d} nor _sip._tls.${d}` });
  return out;
}

function serviceFindings(o: Observations, v: EdgeView): DiscoverFinding[] {
  const out: DiscoverFinding[] = [];
  const fed = srvOf(o.dns, `_sipfederationtls._tcp.${v.primary}`);
  const t5061 = o.tls.find((t) => t.role === "access-5061");
  if (!fed && t5061?.reachable)
    out.push({
      rule: "DNS-03",
      severity: "warning",
      message: `${t5061.name} accepts federation on 5061 but _sipfederationtls._tcp.${v.primary} is not published: partners cannot discover the domain, push notifications fail`,
    });
  if (fed && !isOnline(fed.target) && t5061 && !t5061.reachable)
    out.push({
      rule: "DISC-FED-01",
      severity: "error",
      message: `_sipfederationtls._tcp.${v.primary} points to ${fed.target}:${fed.port}, which does not answer on 5061`,
    });
  const lyncA =
    addressesOf(o.dns, `lyncdiscover.${v.primary}`).length > 0 ||
    o.dns.some((d) => d.name === `lyncdiscover.${v.primary}` && d.type === "CNAME" && d.status === "ok");
  if (!lyncA)
    out.push({
      rule: "DNS-06",
      severity: "warning",
      message: `lyncdiscover.${v.primary} is not published: mobile and modern clients cannot discover the deployment`,
    });
  const web = o.lyncdiscover;
  if (web && (web.status !== 200 || !web.kind || web.kind === "none"))
    out.push({
      rule: "DISC-WEB-01",
      severity: "warning",
      message: `${web.url} answered ${web.status ?? web.error ?? "nothing"}${web.kind === "none" ? " without user or redirect link" : ""}`,
    });
  for (const d of v.sipDomains) {
    const xmpp = srvOf(o.dns, `_xmpp-server._tcp.${d}`);
    if (xmpp && v.access.length && !addressesOf(o.dns, xmpp.target).some((a) => v.access.includes(a)))
      out.push({
        rule: "DNS-07",
        severity: "warning",
        message: `_xmpp-server._tcp.${d} points to ${xmpp.target}, which does not resolve to the Access Edge (${v.access.join(", ")})`,
      });
  }
  if (o.sip && o.sip.status !== 401)
    out.push({
      rule: "DISC-SIP-01",
      severity: "info",
      message: `REGISTER on ${o.sip.address}:${o.sip.port}: ${o.sip.status ?? o.sip.error ?? "no answer"} (expected 401 from a Lync / SfB Edge)`,
    });
  const { phase, online, onPremises } = phaseOf(o, v.sipDomains);
  if (phase === "mixed")
    out.push({
      rule: "DISC-HYB-01",
      severity: "warning",
      message: `records still on-premises next to Microsoft 365 ones: ${onPremises.join("; ")}`,
      evidence: online.join("; "),
    });
  return out;
}

/** Every finding, in a fixed order: DNS, names, TLS listeners, services. */
export function findingsOf(o: Observations, v: EdgeView, now: Date): DiscoverFinding[] {
  return [...dnsFindings(o, v), ...nameFindings(o, v), ...o.tls.flatMap((t) => [...certificateFindings(t, now), ...tlsFindings(t)]), ...serviceFindings(o, v)];
}
