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

const sipDomainList = (s: ResolvedScenario) => s.sipDomains.map((d) => d.value).join(", ");

export const nameChecks: readonly RuleCheck[] = [
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
            : [error("DNS-04", access.path, `_sip._tls.${s.primaryDomain} would point to ${access.value}, outside ${s.primaryDomain}; an SRV target must be in the SRV record's own domain`)];
        }),
  },
  {
    rules: ["DNS-05", "CERT-06"],
    check: (s) =>
      s.sites.flatMap((site): Finding[] => {
        const pool = site.edge.fqdns.internalPool;
        const findings: Finding[] = [];
        if (!inDomain(pool.value, s.internalDomain) && !inAnySipDomain(s, pool.value)) {
          findings.push(error("DNS-05", pool.path, `${pool.value} is neither in the internal domain ${s.internalDomain} nor in a SIP domain, so no internal zone can hold it`));
        }
        const external = site.edge.services.map((service) => site.edge.fqdns[service]);
        const clash = external.find((name) => name.value === pool.value);
        if (clash) findings.push(error("CERT-06", pool.path, `the internal pool FQDN ${pool.value} equals the external FQDN at ${clash.path}; the internal certificate needs its own subject`));
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
            findings.push(error("DNS-09", url.path, `simple URLs are organisation-wide and published at the primary site; remove ${url.value} from site ${site.name}`));
          }
          return findings;
        }
        for (const meet of rp.meet) {
          const domain = s.sipDomains.find((d) => inDomain(meet.value, d.value));
          if (!domain) findings.push(error("DNS-09", meet.path, `meet URL ${meet.value} is not in a SIP domain (${sipDomainList(s)})`));
        }
        for (const domain of s.sipDomains) {
          const count = rp.meet.filter((m) => inDomain(m.value, domain.value)).length;
          if (count !== 1) {
            const path = rp.meet[0]?.path.replace(/\[\d+\]$/, "") ?? `${rp.path}.simpleUrls.meet`;
            findings.push(error("DNS-09", path, `SIP domain ${domain.value} has ${count} meet URLs; give exactly one per SIP domain`));
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
      for (const site of s.sites) {
        const fe = site.frontEnd;
        if (fe.internalWebFqdn.value === fe.externalWebFqdn.value) {
          findings.push(error("DNS-10", fe.externalWebFqdn.path, `external web services FQDN ${fe.externalWebFqdn.value} equals the internal one; they must differ`));
        }
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
      for (const site of s.sites) {
        const e = site.edge;
        const externalNames = new Set(e.services.map((service) => e.fqdns[service].value));
        for (const service of e.services) {
          if (externalNames.has(e.fqdns[service].value)) {
            claim(e.fqdns[service].value, e.fqdns[service].path, "Edge external FQDN");
            externalNames.delete(e.fqdns[service].value);
          }
        }
        claim(e.fqdns.internalPool.value, e.fqdns.internalPool.path, "Edge internal pool FQDN");
        if (e.pool) e.servers.forEach((server, i) => claim(server.fqdn, `${e.path}.servers${server.name ? "" : `[${i}]`}`, "Edge Server FQDN"));
        claim(site.reverseProxy.fqdn, `${site.reverseProxy.path}.name`, "reverse proxy FQDN");
        claim(site.frontEnd.fqdn.value, site.frontEnd.fqdn.path, "Front End pool FQDN");
        if (site.director) {
          if (site.director.pool) claim(site.director.poolFqdn.value, site.director.poolFqdn.path, "Director pool FQDN");
          for (const d of site.director.servers) claim(d.fqdn, `${site.director.path}.servers`, "Director FQDN");
        }
      }
      return findings;
    },
  },
];
