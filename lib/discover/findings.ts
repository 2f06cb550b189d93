/**
 * What `edge-lab discover` reports against the rules, as data. Each finding names a rule id: the project's catalogue
 * id where one fits (lib/model/rules/catalogue.ts), else the reference's id (lync-edge-2013.md §12: CERT-01..03,
 * DNS-02, DNS-03, DNS-06, DNS-07 are Microsoft's rules there but not yet checks of the scenario catalogue, because a
 * plan always satisfies them; a deployment seen from outside may not), and a DISC- id only where neither has one.
 */
import { explain } from "../model/rules";

export type Severity = "error" | "warning" | "info";

export interface DiscoverFinding {
  readonly rule: string;
  readonly severity: Severity;
  readonly message: string;
  /** The observation behind it ("_sip._tls.contoso.com SRV -> sip.fabrikam.net:443"). */
  readonly evidence?: string;
}

/** Reference rules discover checks that the scenario catalogue does not hold (lync-edge-2013.md §12). */
export const REFERENCE_RULES: Readonly<Record<string, string>> = {
  "CERT-01": "The external Edge certificate comes from a public CA with the server EKU (client EKU as well for AOL public IM).",
  "CERT-02": "The certificate's subject name must also appear in its SAN list (Edge and reverse proxy).",
  "CERT-03": "The external Edge certificate names the Access Edge FQDN (sip.<domain>) of every SIP domain, the Web Conferencing FQDN and the XMPP names.",
  "DNS-02": "External SRV _sip._tls.<domain> port 443 -> the Access Edge FQDN, for external clients' automatic sign-in.",
  "DNS-03": "External SRV _sipfederationtls._tcp.<domain> port 5061 -> the Access Edge FQDN: discoverable federation, and required for push notifications.",
  "DNS-06": "lyncdiscover.<sipdomain> in external DNS (CNAME to the external web FQDN or A to the reverse proxy) for mobile and modern clients.",
  "DNS-07": "XMPP: external SRV _xmpp-server._tcp.<domain> port 5269 -> xmpp.<domain>, and A xmpp.<domain> -> the Access Edge address.",
};

/** discover's own rules: facts seen from outside that no reference rule covers. */
export const DISC_RULES: Readonly<Record<string, string>> = {
  "DISC-CERT-01":
    "The external certificate is signed with SHA-1 (or MD5): current clients and partners refuse such certificates; reissue with SHA-256 (probe-protocols.md §7).",
  "DISC-CERT-02": "The external certificate has expired or expires within 30 days: clients and federation partners will refuse it.",
  "DISC-CERT-03":
    "The Access Edge certificate has no clientAuth EKU: the Edge presents it as a client in federation MTLS, and public CAs stopped issuing clientAuth in 2025-2026 (partner impact VERIFY).",
  "DISC-CERT-04": "The certificate's RSA key is shorter than 2048 bits.",
  "DISC-TLS-01":
    "The listener accepts only TLS 1.0 / 1.1: clients and partners that disabled old TLS cannot connect (TLS 1.2 needs SfB 2015 CU9+ / 2019 CU1+).",
  "DISC-TLS-02": "The listener still accepts TLS 1.0 or 1.1 besides TLS 1.2: plan disabling them (Lync 2013: Edge role only).",
  "DISC-FED-01": "_sipfederationtls._tcp is published but the Access Edge does not answer on 5061: federated partners and push notifications fail.",
  "DISC-HYB-01":
    "Some records of the SIP domain point to Microsoft 365 (sipdir/sipfed/webdir.online.lync.com) and others on-premises: a Teams Only cutover left records behind, or a domain moved partly.",
  "DISC-DNS-01": "A DNS query failed (SERVFAIL, REFUSED, timeout): what discover infers from it is incomplete.",
  "DISC-DNS-02": "A name the Edge or reverse proxy certificate carries does not resolve in public DNS (or an SRV target has no A record).",
  "DISC-SIP-01":
    "The Access Edge did not answer an anonymous REGISTER with 401: the next hop (Director / Front End) may be unreachable, or it is not a Lync / SfB Edge.",
  "DISC-WEB-01": "lyncdiscover resolves but does not answer 200 with the autodiscover links: mobile and modern clients cannot sign in.",
};

/** The explanation of a finding's rule: the scenario catalogue's, the reference's, or discover's own. */
export function explainRule(rule: string): string | undefined {
  return explain(rule) || REFERENCE_RULES[rule] || DISC_RULES[rule] || undefined;
}

export const SEVERITY_ORDER: Readonly<Record<Severity, number>> = { error: 0, warning: 1, info: 2 };

/** Findings as text lines, most severe first (stable order otherwise). */
export function formatFindings(findings: readonly DiscoverFinding[]): string {
  const sorted = [...findings].sort((a, b) => SEVERITY_ORDER[a.severity] - SEVERITY_ORDER[b.severity]);
  return sorted
    .map(
      (f) =>
        `${f.severity} [${f.rule}] ${f.message}${f.evidence ? `\n    seen: ${f.evidence}` : ""}${explainRule(f.rule) ? `\n    ${f.rule}: ${explainRule(f.rule)}` : ""}`,
    )
    .join("\n");
}
