/** Certificates (subject, SANs in order, EKU, where installed) and reverse proxy publishing rules. */
import type { ResolvedScenario, ResolvedSite } from "../resolve";
import { hostedTenantDomains } from "./hybrid";
import { accessNameIn, directorId, edgeServerId, nextHop, reverseProxyId } from "./site-facts";
import type { Certificate, CertificateFeature, PublishingRule } from "./types";

/** A SAN and the feature it is for (none for the names every deployment needs). */
type San = readonly [name: string, feature?: CertificateFeature];

/** SANs in order, first occurrence wins, with `sanFeatures` for the feature-specific ones (absent when none). */
function sanList(entries: readonly San[]): Pick<Certificate, "sans" | "sanFeatures"> {
  const seen = new Map<string, CertificateFeature | undefined>();
  for (const [name, feature] of entries) if (!seen.has(name)) seen.set(name, feature);
  const marked = [...seen].filter((e): e is [string, CertificateFeature] => e[1] !== undefined);
  return { sans: [...seen.keys()], ...(marked.length ? { sanFeatures: Object.fromEntries(marked) } : {}) };
}

/**
 * External Edge certificate SANs in Microsoft's order (scenario certificate tables): Web Conferencing FQDN, Access
 * FQDN, sip.<domain> of every other SIP domain, then for XMPP the SRV target xmpp.<domain> and the XMPP domain itself.
 * The per-scenario XMPP tables show *.contoso.com; CERT-04 forbids wildcards on the Edge and the SIP/XMPP/PIC summary
 * uses the domain name, so edge-lab lists the domain (docs/deviations.md).
 */
function edgeExternalSans(s: ResolvedScenario, site: ResolvedSite): San[] {
  const f = site.edge.fqdns;
  const names: San[] = site.edge.ipMode === "single" ? [[f.access.value]] : [[f.webConferencing.value], [f.access.value]];
  // The names DNS sends to this Access Edge in the other SIP domains: remote sign-in on the primary site, federation
  // (partners, public IM, push) on the federation route (DNS-04, FED-01).
  const federation = site.federationRoute && s.federation.sipFederation;
  if (site.primary || federation) {
    for (const domain of s.sipDomains.map((d) => d.value)) names.push(site.primary ? [accessNameIn(site, domain)] : [accessNameIn(site, domain), "federation"]);
  }
  // Hybrid: Microsoft 365 reaches the federation route as sip.<domain> of every tenant domain (HYB-01), also when
  // remote sign-in (and so sip.<domain> in DNS) lives on another site.
  // Never *.onmicrosoft.com: Microsoft owns those names (cloud-consolidation-edge-certificates.md, HYB-06).
  if (site.federationRoute && s.hybrid) for (const d of hostedTenantDomains(s)) names.push([`sip.${d}`, "federation"]);
  if (site.federationRoute && s.federation.xmpp.enabled) {
    for (const domain of s.federation.xmpp.domains.map((d) => d.value)) names.push([`xmpp.${domain}`, "xmpp"], [domain, "xmpp"]);
  }
  return names;
}

type Director = NonNullable<ResolvedSite["director"]>;

/** The note of a certificate shared by an Edge pool: one exportable key, imported on every member (CERT-05). */
function edgePoolNote(site: ResolvedSite): string {
  return site.edge.pool ? " Create it with an exportable private key and import the same certificate and key on every Edge Server of the pool." : "";
}

/** The Edge external interface certificate: Access, Web Conferencing and A/V Authentication (public CA). */
function edgeExternalCertificate(s: ResolvedScenario, site: ResolvedSite): Certificate {
  const { edge } = site;
  const aol = site.federationRoute && s.federation.publicIm.includes("aol");
  return {
    id: `${site.name}-edge-external`,
    site: site.name,
    component: `Edge ${edge.pool ? "pool" : "Server"} external interface`,
    subject: edge.fqdns.access.value,
    ...sanList(edgeExternalSans(s, site)),
    eku: aol ? ["server", "client"] : ["server"],
    issuer: "public CA",
    assignedTo: "Access Edge, Web Conferencing Edge and A/V Authentication services (external interface)",
    installedOn: edge.servers.map((server) => edgeServerId(site, server)),
    sharedKey: edge.pool,
    notes: `Subject name repeated in the SANs.${aol ? " Client EKU for AOL public IM connectivity." : ""}${edgePoolNote(site)} A/V media is not encrypted with a certificate (this one serves the A/V Authentication service); a separate A/V certificate with an exportable key, the same on every Edge Server, is recommended when staging renewals with -Roll.`,
    refs: ["CERT-01", "CERT-02", "CERT-03", ...(edge.pool ? ["CERT-05"] : []), ...(aol ? ["FED-03"] : []), "CERT-07"],
  };
}

/** The Edge internal interface certificate: the internal pool FQDN, no SAN. */
function edgeInternalCertificate(site: ResolvedSite): Certificate {
  const { edge } = site;
  return {
    id: `${site.name}-edge-internal`,
    site: site.name,
    component: `Edge ${edge.pool ? "pool" : "Server"} internal interface`,
    subject: edge.fqdns.internalPool.value,
    sans: [],
    eku: ["server"],
    issuer: "public or private CA",
    assignedTo: "Edge internal interface",
    installedOn: edge.servers.map((server) => edgeServerId(site, server)),
    sharedKey: edge.pool,
    notes: `No SAN required.${edgePoolNote(site)}`,
    refs: ["CERT-06", ...(edge.pool ? ["CERT-05"] : [])],
  };
}

/** The reverse proxy listener certificate: every published web name, lyncdiscover when Autodiscover is published over HTTPS. */
function reverseProxyCertificate(s: ResolvedScenario, site: ResolvedSite): Certificate {
  const rp = site.reverseProxy;
  const lyncdiscover = s.mobility && site.primary && rp.autodiscover === "https" ? s.sipDomains.map((d) => `lyncdiscover.${d.value}`) : [];
  return {
    id: `${site.name}-reverse-proxy`,
    site: site.name,
    component: "Reverse proxy external listener",
    subject: site.frontEnd.externalWebFqdn.value,
    ...sanList([
      [site.frontEnd.externalWebFqdn.value],
      ...(site.director ? [[site.director.externalWebFqdn.value] as const] : []),
      ...(rp.dialin ? [[rp.dialin.value] as const] : []),
      ...rp.meet.map((m) => [m.value] as const),
      ...(rp.officeWebApps ? [[rp.officeWebApps.fqdn.value] as const] : []),
      ...lyncdiscover.map((name) => [name, "mobility"] as const),
    ]),
    eku: ["server"],
    issuer: "public CA",
    assignedTo: "Reverse proxy HTTPS listener",
    installedOn: [reverseProxyId(site)],
    sharedKey: false,
    notes:
      "Subject name repeated in the SANs." +
      (s.mobility && rp.autodiscover === "http" ? " lyncdiscover is published over HTTP only, so it is not on the certificate (RP-08)." : ""),
    refs: ["CERT-08", "CERT-02", ...(lyncdiscover.length ? ["CERT-09"] : [])],
  };
}

/**
 * Microsoft's Director pool table: "Default (one per Director in the pool)", subject the pool FQDN, SANs the pool
 * FQDN then that server's FQDN. Each Director has its own certificate and key (nothing to export); a single
 * Director's subject is its own FQDN.
 */
function directorDefaultCertificates(s: ResolvedScenario, site: ResolvedSite, d: Director): Certificate[] {
  const rp = site.reverseProxy;
  const autodiscover = s.sipDomains.flatMap((dom) => [`lyncdiscoverinternal.${dom.value}`, `lyncdiscover.${dom.value}`]);
  return d.servers.map((server, i) => ({
    id: d.pool ? `${site.name}-director-default-${String(i + 1).padStart(2, "0")}` : `${site.name}-director-default`,
    site: site.name,
    component: d.pool ? `Director default certificate (${server.name}, one per Director in the pool)` : "Director default certificate",
    subject: d.poolFqdn.value,
    // Microsoft's table, then the names the plan also sends to the Director (the reverse proxy re-encrypts to it
    // for its external web services FQDN; internal sip.<domain> points at it) instead of the optional wildcard.
    ...sanList([
      ...(d.pool ? [[d.poolFqdn.value] as const] : []),
      [server.fqdn],
      ...(rp.dialin ? [[rp.dialin.value] as const] : []),
      ...rp.meet.map((m) => [m.value] as const),
      ...autodiscover.map((name) => [name, "mobility"] as const),
      [d.externalWebFqdn.value],
      ...(site.primary ? [[site.edge.fqdns.access.value] as const] : []),
    ]),
    eku: ["server"],
    issuer: "internal or public CA",
    assignedTo: "Director (SIP, web services)",
    installedOn: [directorId(site, i)],
    sharedKey: false,
    notes:
      "The Director answers the reverse proxy and the Edge; internal clients do not use it." +
      (d.pool ? " Request one certificate per Director with its own key." : ""),
    refs: ["CERT-09", "DIR-01"],
  }));
}

/** The Directors' OAuthTokenIssuer certificate (server-to-server authentication), shared by the pool. */
function directorOAuthCertificate(site: ResolvedSite, d: Director): Certificate {
  return {
    id: `${site.name}-director-oauth`,
    site: site.name,
    component: "Director OAuthTokenIssuer",
    subject: d.servers[0].fqdn,
    sans: [],
    eku: ["server"],
    issuer: "internal or public CA",
    assignedTo: "OAuthTokenIssuer (server-to-server authentication)",
    installedOn: d.servers.map((_, i) => directorId(site, i)),
    sharedKey: d.pool,
    notes: "Minimum key size 1024 bits, 2048 recommended.",
    refs: ["CERT-10"],
  };
}

/** With mobility on the primary site: the Autodiscover SANs to add to the Front End pool's existing certificate. */
function frontEndAutodiscoverCertificate(s: ResolvedScenario, site: ResolvedSite): Certificate {
  return {
    id: `${site.name}-front-end-default`,
    site: site.name,
    component: "Front End pool default certificate (SANs to add)",
    subject: site.frontEnd.fqdn.value,
    ...sanList(s.sipDomains.flatMap((dom) => [[`lyncdiscoverinternal.${dom.value}`, "mobility"] as const, [`lyncdiscover.${dom.value}`, "mobility"] as const])),
    eku: ["server"],
    issuer: "internal or public CA",
    assignedTo: "Front End pool (outside the lab)",
    installedOn: [],
    sharedKey: false,
    notes: "Add these SANs to the existing Front End certificate for Autodiscover.",
    refs: ["CERT-09"],
  };
}

/** A site's certificates: Edge external and internal, reverse proxy, Directors, then the Front End's Autodiscover SANs. */
function siteCertificates(s: ResolvedScenario, site: ResolvedSite): Certificate[] {
  const d = site.director;
  return [
    edgeExternalCertificate(s, site),
    edgeInternalCertificate(site),
    reverseProxyCertificate(s, site),
    ...(d ? [...directorDefaultCertificates(s, site, d), directorOAuthCertificate(site, d)] : []),
    ...(s.mobility && site.primary ? [frontEndAutodiscoverCertificate(s, site)] : []),
  ];
}

export function deriveCertificates(s: ResolvedScenario): Certificate[] {
  return s.sites.flatMap((site) => siteCertificates(s, site));
}

const WEB_BRIDGES = [
  { scheme: "https" as const, listen: 443, target: 4443 },
  { scheme: "http" as const, listen: 80, target: 8080 },
];

/** Publishing rules of each site's reverse proxy (RP-02, RP-03, RP-04, RP-05, RP-08). */
export function derivePublishingRules(s: ResolvedScenario): PublishingRule[] {
  return s.sites.flatMap((site) => {
    const rp = site.reverseProxy;
    const hop = nextHop(site);
    // Simple URLs and autodiscover go to the Director pool if deployed, else the Front End pool (reference §10.5).
    const webHost = site.director
      ? { fqdn: site.director.poolFqdn.value, ip: hop.webAddress }
      : { fqdn: site.frontEnd.fqdn.value, ip: site.frontEnd.address.value };
    const rule = (publicName: string, target: { fqdn: string; ip: string }, purpose: string, refs: string[], bridges = WEB_BRIDGES): PublishingRule => ({
      site: site.name,
      publicName,
      target,
      bridges,
      path: "/*",
      forwardHostHeader: true,
      authentication: "none",
      purpose,
      refs: ["RP-02", "RP-03", "RP-04", ...refs],
    });
    const rules: PublishingRule[] = [
      rule(
        site.frontEnd.externalWebFqdn.value,
        { fqdn: site.frontEnd.fqdn.value, ip: site.frontEnd.address.value },
        "Front End pool external web services",
        [],
      ),
    ];
    if (site.director) rules.push(rule(site.director.externalWebFqdn.value, webHost, "Director external web services", ["RP-05"]));
    for (const meet of rp.meet) rules.push(rule(meet.value, webHost, "Meeting simple URL", ["DNS-09"]));
    if (rp.dialin) rules.push(rule(rp.dialin.value, webHost, "Dial-in simple URL", ["DNS-09"]));
    if (s.mobility && site.primary) {
      for (const domain of s.sipDomains) {
        rules.push(
          rule(
            `lyncdiscover.${domain.value}`,
            webHost,
            "Mobility autodiscover",
            ["RP-07", ...(rp.autodiscover === "http" ? ["RP-08"] : [])],
            rp.autodiscover === "http" ? [WEB_BRIDGES[1]] : WEB_BRIDGES,
          ),
        );
      }
    }
    if (rp.officeWebApps) {
      const owa = rp.officeWebApps;
      rules.push(
        rule(
          owa.fqdn.value,
          { fqdn: owa.fqdn.value, ip: owa.address.value },
          "Office Web Apps Server (no port bridging)",
          [],
          [
            { scheme: "https", listen: 443, target: 443 },
            { scheme: "http", listen: 80, target: 80 },
          ],
        ),
      );
    }
    return rules;
  });
}
