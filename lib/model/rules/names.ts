/** Naming rules: which DNS zone holds each name, SRV targets, simple URLs, web services FQDNs (DNS-, CERT-, LAB-NAME-). */
import type { ResolvedScenario, Sourced } from "../resolve";
import { error, type Finding } from "./problem";
import type { RuleCheck } from "./types";

/** True when `name` is `domain` or a name inside it. */
export function inDomain(name: string, domain: string): boolean {
  return name === domain || name.endsWith(`.${domain}`);
}

function inAnySipDomain(s: ResolvedScenario, name: string): boolean {
  return s.sipDomains.some((d) => inDomain(name, d.value));
}

/** `...servers[2]` -> `...servers[2].name`; a counted pool (`...servers`) keeps its path. */
const listedPath = (serverPath: string) => (serverPath.endsWith("]") ? `${serverPath}.name` : serverPath);

const sipDomainList = (s: ResolvedScenario) => s.sipDomains.map((d) => d.value).join(", ");

/** RFC 1035: a DNS name is at most 253 characters (without the final dot). */
export const MAX_DNS_NAME = 253;

/** Every FQDN of the resolved scenario that names a host, pool or published service, with the field it came from. */
function resolvedNames(s: ResolvedScenario): Sourced<string>[] {
  const names: Sourced<string>[] = [];
  const add = (value: string, path: string) => names.push({ value, path, auto: true });
  for (const site of s.sites) {
    const e = site.edge;
    names.push(e.fqdns.access, e.fqdns.webConferencing, e.fqdns.av, e.fqdns.internalPool);
    for (const server of e.servers) add(server.fqdn, listedPath(server.internal.address.path.replace(/\.internal\.address$/, "")));
    const fe = site.frontEnd;
    names.push(fe.fqdn, fe.internalWebFqdn, fe.externalWebFqdn);
    if (site.director) {
      names.push(site.director.poolFqdn, site.director.externalWebFqdn);
      for (const d of site.director.servers) add(d.fqdn, listedPath(d.address.path.replace(/\.address$/, "")));
    }
    const rp = site.reverseProxy;
    add(rp.fqdn, `${rp.path}.name`);
    names.push(...rp.meet, ...(rp.dialin ? [rp.dialin] : []), ...(rp.officeWebApps ? [rp.officeWebApps.fqdn] : []));
  }
  // Record names derived from each SIP domain (DNS-02/03/07, autodiscover) and from the internal domain.
  s.sipDomains.forEach((d) => {
    const prefixes = ["_sip._tls.", "sip."];
    if (s.federation.sip.enabled || s.federation.push) prefixes.push("_sipfederationtls._tcp.");
    if (s.federation.xmpp.domains.some((x) => x.value === d.value)) prefixes.push("_xmpp-server._tcp.", "xmpp.");
    if (s.mobility) prefixes.push("lyncdiscover.", "lyncdiscoverinternal.");
    for (const prefix of prefixes) add(`${prefix}${d.value}`, d.path);
  });
  if (s.mobility) add(`lyncdiscoverinternal.${s.internalDomain}`, s.internalDomain === s.primaryDomain ? "sipDomains[0]" : "internalDomain");
  return names;
}

/** RFC 5280 (ub-common-name): a certificate subject's common name is at most 64 characters. */
export const MAX_COMMON_NAME = 64;

/** A name shown in a message: at most 40 characters. */
const shortName = (name: string) => (name.length > 40 ? `${name.slice(0, 40)}...` : name);

/**
 * The FQDNs that become (or may become) a certificate subject, with the certificate: the Edge services (the Access
 * Edge FQDN is the subject of the external certificate; Web Conferencing and A/V have their own when the services
 * get separate certificates), pools, Directors, the reverse proxy and the servers it publishes.
 */
function subjectNames(s: ResolvedScenario): (Sourced<string> & { readonly certificate: string })[] {
  const out: (Sourced<string> & { readonly certificate: string })[] = [];
  const add = (name: Sourced<string>, certificate: string) => out.push({ ...name, certificate });
  for (const site of s.sites) {
    const e = site.edge;
    add(e.fqdns.access, "the Edge external certificate");
    add(e.fqdns.webConferencing, "a Web Conferencing Edge certificate (when the services get separate certificates)");
    add(e.fqdns.av, "the A/V Authentication certificate (when the services get separate certificates)");
    add(e.fqdns.internalPool, "the Edge internal certificate");
    const fe = site.frontEnd;
    add(fe.fqdn, "the Front End pool default certificate");
    add(fe.internalWebFqdn, "the certificate of the internal web services the reverse proxy publishes");
    add(fe.externalWebFqdn, "the reverse proxy certificate");
    if (site.director) {
      add(site.director.poolFqdn, "the Director default certificate");
      add(site.director.externalWebFqdn, "a reverse proxy certificate for the Director's web services");
      for (const d of site.director.servers)
        add({ value: d.fqdn, path: listedPath(d.address.path.replace(/\.address$/, "")), auto: true }, "the Director's own certificate (OAuthTokenIssuer)");
    }
    const rp = site.reverseProxy;
    add({ value: rp.fqdn, path: `${rp.path}.name`, auto: true }, "the reverse proxy's own certificate");
    if (rp.officeWebApps) add(rp.officeWebApps.fqdn, "the Office Web Apps Server certificate");
  }
  return out;
}

/** Windows (NetBIOS) and Azure limit computer names to 15 characters; schema.ts checks the names written. */
export const MAX_COMPUTER_NAME = 15;

export const nameChecks: readonly RuleCheck[] = [
  {
    rules: ["NET-08"],
    check: (s) =>
      // Edge Server names not given are derived from the first label of the internal pool FQDN (+ 01, 02, ...).
      s.sites.flatMap((site) => {
        const pool = site.edge.fqdns.internalPool;
        const long = site.edge.servers.filter((server) => server.name.length > MAX_COMPUTER_NAME);
        return long.length
          ? [
              error(
                "NET-08",
                pool.path,
                `computer name ${long[0].name}, derived from the internal pool FQDN ${pool.value}, is ${long[0].name.length} characters; ` +
                  `Windows and Azure allow ${MAX_COMPUTER_NAME}: shorten the first label or give server names`,
              ),
            ]
          : [];
      }),
  },
  {
    rules: ["NET-08"],
    check: (s) => {
      // The schema checks each name as written; names edge-lab derives (prefix + domain) can still be too long.
      const reported = new Set<string>();
      const findings: Finding[] = [];
      for (const name of resolvedNames(s)) {
        if (name.value.length <= MAX_DNS_NAME || reported.has(name.path)) continue;
        reported.add(name.path);
        findings.push(
          error(
            "NET-08",
            name.path,
            `${name.value.slice(0, 40)}... is ${name.value.length} characters; DNS names are limited to ${MAX_DNS_NAME}: use a shorter domain or give the name explicitly`,
          ),
        );
      }
      return findings;
    },
  },
  {
    rules: ["LAB-CERT-01"],
    check: (s) => {
      // A name edge-lab derived from a domain is reported once at that domain, with every name derived from it.
      const domainPath = (name: string): { domain: string; path: string } | undefined =>
        name.endsWith(`.${s.internalDomain}`)
          ? { domain: s.internalDomain, path: s.internalDomain === s.primaryDomain ? "sipDomains[0]" : "internalDomain" }
          : name.endsWith(`.${s.primaryDomain}`)
            ? { domain: s.primaryDomain, path: "sipDomains[0]" }
            : undefined;
      const derived = new Map<string, { domain: string; names: Set<string> }>();
      const findings: Finding[] = [];
      const reported = new Set<string>();
      for (const name of subjectNames(s)) {
        if (name.value.length <= MAX_COMMON_NAME) continue;
        const source = name.auto ? domainPath(name.value) : undefined;
        if (source) {
          const entry = derived.get(source.path) ?? { domain: source.domain, names: new Set<string>() };
          entry.names.add(name.value);
          derived.set(source.path, entry);
        } else if (!reported.has(name.path)) {
          reported.add(name.path);
          findings.push(
            error(
              "LAB-CERT-01",
              name.path,
              `${shortName(name.value)} is ${name.value.length} characters; a certificate subject (common name) is limited to ${MAX_COMMON_NAME} characters (RFC 5280): it is the subject of ${name.certificate}; give a shorter name`,
            ),
          );
        }
      }
      for (const [path, { domain, names }] of derived) {
        findings.push(
          error(
            "LAB-CERT-01",
            path,
            `names derived from ${shortName(domain)} are too long for a certificate subject (RFC 5280: at most ${MAX_COMMON_NAME} characters): ${[...names]
              .map((n) => `${shortName(n)} (${n.length})`)
              .join(", ")}; use a shorter domain, or give these names explicitly`,
          ),
        );
      }
      return findings;
    },
  },
  {
    rules: ["DNS-01"],
    check: (s) =>
      s.sites.flatMap((site) =>
        site.edge.services
          .map((service) => site.edge.fqdns[service])
          .filter((name, i, all) => all.findIndex((n) => n.value === name.value) === i && !inAnySipDomain(s, name.value))
          .map((name) => error("DNS-01", name.path, `${name.value} is not in a SIP domain (${sipDomainList(s)}), so no external zone can hold its A record`)),
      ),
  },
  {
    rules: ["DNS-04"],
    check: (s) =>
      s.sites
        .filter((site) => site.primary)
        .flatMap((site) => {
          const access = site.edge.fqdns.access;
          return inDomain(access.value, s.primaryDomain)
            ? []
            : [
                error(
                  "DNS-04",
                  access.path,
                  `_sip._tls.${s.primaryDomain} would point to ${access.value}, outside ${s.primaryDomain}; an SRV target must be in the SRV record's own domain`,
                ),
              ];
        }),
  },
  {
    rules: ["DNS-05", "CERT-06"],
    check: (s) =>
      s.sites.flatMap((site): Finding[] => {
        const pool = site.edge.fqdns.internalPool;
        const findings: Finding[] = [];
        if (!inDomain(pool.value, s.internalDomain) && !inAnySipDomain(s, pool.value)) {
          findings.push(
            error(
              "DNS-05",
              pool.path,
              `${pool.value} is neither in the internal domain ${s.internalDomain} nor in a SIP domain, so no internal zone can hold it`,
            ),
          );
        }
        const external = site.edge.services.map((service) => site.edge.fqdns[service]);
        const clash = external.find((name) => name.value === pool.value);
        if (clash)
          findings.push(
            error(
              "CERT-06",
              pool.path,
              `the internal pool FQDN ${pool.value} equals the external FQDN at ${clash.path}; the internal certificate needs its own subject`,
            ),
          );
        return findings;
      }),
  },
  {
    rules: ["DNS-08"],
    check: (s) =>
      s.sites.flatMap((site) => {
        const names: Sourced<string>[] = [site.frontEnd.externalWebFqdn];
        if (site.director) names.push(site.director.externalWebFqdn);
        if (site.reverseProxy.officeWebApps) names.push(site.reverseProxy.officeWebApps.fqdn);
        return names
          .filter((name) => !inAnySipDomain(s, name.value))
          .map((name) => error("DNS-08", name.path, `${name.value} is published by the reverse proxy but is not in a SIP domain (${sipDomainList(s)})`));
      }),
  },
  {
    rules: ["DNS-09"],
    check: (s) =>
      s.sites.flatMap((site): Finding[] => {
        const rp = site.reverseProxy;
        const findings: Finding[] = [];
        if (!site.primary) {
          for (const url of [...rp.meet, ...(rp.dialin ? [rp.dialin] : [])]) {
            findings.push(
              error("DNS-09", url.path, `simple URLs are organisation-wide and published at the primary site; remove ${url.value} from site ${site.name}`),
            );
          }
          return findings;
        }
        // Each meet URL belongs to the most specific SIP domain containing it (meet.sub.contoso.com is sub.contoso.com's).
        const owner = (name: string) =>
          s.sipDomains
            .map((d) => d.value)
            .filter((d) => inDomain(name, d))
            .sort((a, b) => b.length - a.length)[0];
        for (const meet of rp.meet) {
          if (!owner(meet.value)) findings.push(error("DNS-09", meet.path, `meet URL ${meet.value} is not in a SIP domain (${sipDomainList(s)})`));
        }
        for (const domain of new Set(s.sipDomains.map((d) => d.value))) {
          const count = new Set(rp.meet.filter((m) => owner(m.value) === domain).map((m) => m.value)).size;
          if (count !== 1) {
            const path = rp.meet[0]?.path.replace(/\[\d+\]$/, "") ?? `${rp.path}.simpleUrls.meet`;
            findings.push(error("DNS-09", path, `SIP domain ${domain} has ${count} meet URLs; give exactly one per SIP domain`));
          }
        }
        if (rp.dialin && !inAnySipDomain(s, rp.dialin.value)) {
          findings.push(error("DNS-09", rp.dialin.path, `dial-in URL ${rp.dialin.value} is not in a SIP domain (${sipDomainList(s)})`));
        }
        return findings;
      }),
  },
  {
    rules: ["DNS-10"],
    check: (s) => {
      const findings: Finding[] = [];
      const seen = new Map<string, string>();
      const seenInternal = new Map<string, string>();
      for (const site of s.sites) {
        const fe = site.frontEnd;
        if (fe.internalWebFqdn.value === fe.externalWebFqdn.value) {
          // Point at the field the user wrote (the other one is usually a default).
          const blamed = fe.externalWebFqdn.auto && !fe.internalWebFqdn.auto ? fe.internalWebFqdn : fe.externalWebFqdn;
          findings.push(
            error(
              "DNS-10",
              blamed.path,
              `external web services FQDN ${fe.externalWebFqdn.value} equals the internal one (${fe.internalWebFqdn.path}); they must differ`,
            ),
          );
        }
        const firstInternal = seenInternal.get(fe.internalWebFqdn.value);
        if (firstInternal) {
          findings.push(
            error(
              "DNS-10",
              fe.internalWebFqdn.path,
              `internal web services FQDN ${fe.internalWebFqdn.value} is already used at ${firstInternal}; each pool needs its own`,
            ),
          );
        } else seenInternal.set(fe.internalWebFqdn.value, fe.internalWebFqdn.path);
        for (const name of [fe.externalWebFqdn, ...(site.director ? [site.director.externalWebFqdn] : [])]) {
          const first = seen.get(name.value);
          if (first) findings.push(error("DNS-10", name.path, `external web services FQDN ${name.value} is already used at ${first}; each pool needs its own`));
          else seen.set(name.value, name.path);
        }
      }
      return findings;
    },
  },
  {
    rules: ["LAB-NAME-01"],
    check: (s) => {
      const findings: Finding[] = [];
      const seen = new Map<string, string>();
      const claim = (name: string, path: string, what: string) => {
        const first = seen.get(name);
        if (first) findings.push(error("LAB-NAME-01", path, `${what} ${name} is already used (${first})`));
        else seen.set(name, `${what} at ${path}`);
      };
      // Lists whose entries must be distinct: SIP domains, XMPP domains, site names (they name computers and resources).
      const distinct = (items: readonly { value: string; path: string }[], what: string) => {
        const firstAt = new Map<string, string>();
        for (const item of items) {
          const first = firstAt.get(item.value);
          if (first) findings.push(error("LAB-NAME-01", item.path, `${what} ${item.value} is listed twice (first at ${first})`));
          else firstAt.set(item.value, item.path);
        }
      };
      distinct(s.sipDomains, "SIP domain");
      distinct(
        s.federation.xmpp.domains.filter((d) => !d.auto),
        "XMPP domain",
      );
      distinct(
        s.sites.map((site) => ({ value: site.name, path: `${site.path}.name` })),
        "site name",
      );
      for (const site of s.sites) {
        const e = site.edge;
        const externalNames = new Set(e.services.map((service) => e.fqdns[service].value));
        for (const service of e.services) {
          if (externalNames.has(e.fqdns[service].value)) {
            claim(e.fqdns[service].value, e.fqdns[service].path, "Edge external FQDN");
            externalNames.delete(e.fqdns[service].value);
          }
        }
        // The internal pool FQDN equal to this Edge's own external FQDN is reported by CERT-06.
        if (!e.services.some((service) => e.fqdns[service].value === e.fqdns.internalPool.value)) {
          claim(e.fqdns.internalPool.value, e.fqdns.internalPool.path, "Edge internal pool FQDN");
        }
        // A listed server's path is sites[i].edge.servers[j] (its name field when given); a counted pool has one path.
        // A single Edge's computer FQDN is the internal pool FQDN unless it was given a name of its own.
        for (const server of e.servers) {
          if (e.pool || server.fqdn !== e.fqdns.internalPool.value) {
            claim(server.fqdn, listedPath(server.internal.address.path.replace(/\.internal\.address$/, "")), "Edge Server FQDN");
          }
        }
        claim(site.reverseProxy.fqdn, `${site.reverseProxy.path}.name`, "reverse proxy FQDN");
        const owa = site.reverseProxy.officeWebApps;
        if (owa) claim(owa.fqdn.value, owa.fqdn.path, "Office Web Apps Server FQDN");
        claim(site.frontEnd.fqdn.value, site.frontEnd.fqdn.path, "Front End pool FQDN");
        if (site.director) {
          if (site.director.pool) claim(site.director.poolFqdn.value, site.director.poolFqdn.path, "Director pool FQDN");
          for (const d of site.director.servers) claim(d.fqdn, listedPath(d.address.path.replace(/\.address$/, "")), "Director FQDN");
        }
      }
      return findings;
    },
  },
];
