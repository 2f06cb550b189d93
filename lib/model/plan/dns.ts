/**
 * DNS records per view. External view: the zones of the SIP domains as the Internet sees them. Internal view: the
 * servers' internal domain, and one *pinpoint zone* per name that lies in a SIP domain (e.g. a zone named
 * `lyncdiscoverinternal.contoso.com` holding only its apex A record). An internal `contoso.com` zone would shadow the
 * public one for internal clients (meet, dialin, webext and every other name of the organisation would vanish); a
 * pinpoint zone answers only for its own name, so everything else still resolves from public DNS (docs/outputs.md, "DNS views").
 */
import type { ResolvedScenario, ResolvedSite } from "../resolve";
import { inDomain } from "../rules/names";
import { accessNameIn, byIp, nextHop, publishedValues } from "./site-facts";
import type { DnsRecord, View } from "./types";
import { compareText } from "../compare";

export const DEFAULT_TTL = 3600;

/** Zone of a name: the longest zone among the candidates that contains it. */
function longestZone(name: string, zones: readonly string[]): string {
  const match = zones.filter((z) => inDomain(name, z)).sort((a, b) => b.length - a.length)[0];
  if (!match) throw new Error(`internal error: no zone for ${name} (the DNS rules should have rejected it)`);
  return match;
}

interface RecordInput {
  view: View;
  name: string;
  purpose: string;
  refs: string[];
}

class RecordSet {
  readonly records: DnsRecord[] = [];
  constructor(
    private readonly s: ResolvedScenario,
    private readonly site: ResolvedSite,
  ) {}

  /** External: the SIP domain zone. Internal: a pinpoint zone for a name in a SIP domain, else the internal domain (DNS-05). */
  private zoneFor(view: View, name: string): string {
    const sip = this.s.sipDomains.map((d) => d.value);
    if (view === "external") return longestZone(name, sip);
    return sip.some((domain) => inDomain(name, domain)) ? name : longestZone(name, [this.s.internalDomain]);
  }

  /** In internet mode Azure chooses every public address at deploy time, so external A values are placeholders (azure-lab.md). */
  private assignedAtDeploy(view: View): boolean {
    return view === "external" && this.s.lab.mode === "internet";
  }

  a(input: RecordInput, values: readonly string[]) {
    const sorted = [...new Set(values)].sort(byIp);
    this.records.push({
      site: this.site.name,
      view: input.view,
      zone: this.zoneFor(input.view, input.name),
      name: input.name,
      type: "A",
      values: sorted,
      ttl: DEFAULT_TTL,
      ...(this.assignedAtDeploy(input.view) ? { assignedAtDeploy: true } : {}),
      purpose: input.purpose,
      refs: [...new Set(input.refs)],
    });
  }

  srv(input: RecordInput, port: number, target: string) {
    this.records.push({
      site: this.site.name,
      view: input.view,
      zone: this.zoneFor(input.view, input.name),
      name: input.name,
      type: "SRV",
      values: [`0 0 ${port} ${target}`],
      srv: { priority: 0, weight: 0, port, target },
      ttl: DEFAULT_TTL,
      purpose: input.purpose,
      refs: [...new Set(input.refs)],
    });
  }
}

const SERVICE_PURPOSE = {
  access: "Access Edge external interface",
  webConferencing: "Web Conferencing Edge external interface",
  av: "A/V Edge external interface",
} as const;

/** The reference behind the Edge's published addresses: hardware load balancer VIPs, DNS load balancing, or one server. */
function edgeLoadBalancingRef(site: ResolvedSite): string {
  return site.edge.vips ? "LB-07" : site.edge.pool ? "LB-06" : "DNS-01";
}

/** How one Edge name is published: a VIP, one record per pool member, or a single server (no suffix). */
function edgePublishingSuffix(site: ResolvedSite, vip: string): string {
  return site.edge.vips ? vip : site.edge.pool ? " (one record per pool member)" : "";
}

/** External A records of the Edge services (one name in single-IP mode). */
function edgeServiceRecords(set: RecordSet, site: ResolvedSite): void {
  const { edge } = site;
  const named = new Set<string>();
  for (const service of edge.services) {
    const name = edge.fqdns[service].value;
    if (named.has(name)) continue;
    named.add(name);
    const purpose = edge.ipMode === "single" ? "Edge external interface (single FQDN and IP address)" : SERVICE_PURPOSE[service];
    set.a(
      { view: "external", name, purpose: `${purpose}${edgePublishingSuffix(site, " (VIP)")}`, refs: ["DNS-01", edgeLoadBalancingRef(site)] },
      publishedValues(site, service),
    );
  }
}

/**
 * Remote sign-in (_sip._tls) lives on the primary site, federation discovery (_sipfederationtls) on the federation
 * route (FED-01); each points at that site's Access Edge name inside the record's own domain (DNS-04), whose A record
 * is added once, with the first SRV record that needs it.
 */
function sipSrvRecords(set: RecordSet, s: ResolvedScenario, site: ResolvedSite): void {
  const { edge } = site;
  const accessFqdn = edge.fqdns.access.value;
  const accessValues = publishedValues(site, "access");
  const federationSrv = site.federationRoute && (s.federation.sip.enabled || s.federation.push);
  const accessNames = new Set<string>();
  const accessTarget = (domain: string) => {
    const target = accessNameIn(site, domain);
    if (target !== accessFqdn && !accessNames.has(target)) {
      accessNames.add(target);
      set.a(
        {
          view: "external",
          name: target,
          purpose: `Access Edge external interface for SIP domain ${domain}`,
          refs: ["DNS-01", "DNS-04", edgeLoadBalancingRef(site)],
        },
        accessValues,
      );
    }
    return target;
  };
  for (const domain of s.sipDomains.map((d) => d.value)) {
    if (site.primary) {
      set.srv(
        { view: "external", name: `_sip._tls.${domain}`, purpose: "Automatic configuration of external Lync clients", refs: ["DNS-02"] },
        edge.ports.access.value,
        accessTarget(domain),
      );
    }
    if (federationSrv) {
      const purpose = [s.federation.sip.enabled && "Federation discovery", s.federation.push && "mobile push notifications"].filter(Boolean).join(" and ");
      set.srv(
        {
          view: "external",
          name: `_sipfederationtls._tcp.${domain}`,
          purpose: purpose.charAt(0).toUpperCase() + purpose.slice(1),
          refs: ["DNS-03", ...(s.federation.push ? ["FW-07"] : [])],
        },
        5061,
        accessTarget(domain),
      );
    }
  }
}

/** XMPP federation on the federation route: the _xmpp-server SRV record and its xmpp.<domain> target (DNS-07). */
function xmppRecords(set: RecordSet, s: ResolvedScenario, site: ResolvedSite): void {
  if (!(site.federationRoute && s.federation.xmpp.enabled)) return;
  const accessValues = publishedValues(site, "access");
  for (const domain of s.federation.xmpp.domains.map((d) => d.value)) {
    const target = `xmpp.${domain}`;
    set.srv({ view: "external", name: `_xmpp-server._tcp.${domain}`, purpose: "XMPP proxy on the Access Edge", refs: ["DNS-07"] }, 5269, target);
    set.a({ view: "external", name: target, purpose: "XMPP proxy (Access Edge address)", refs: ["DNS-07"] }, accessValues);
  }
}

/** Reverse proxy published names (DNS-08): they all point at the listener's public address. */
function reverseProxyRecords(set: RecordSet, site: ResolvedSite): void {
  const rp = site.reverseProxy;
  const listener = [rp.publicAddress.value];
  set.a(
    { view: "external", name: site.frontEnd.externalWebFqdn.value, purpose: "Front End pool external web services (reverse proxy)", refs: ["DNS-08"] },
    listener,
  );
  if (site.director) {
    set.a(
      { view: "external", name: site.director.externalWebFqdn.value, purpose: "Director external web services (reverse proxy)", refs: ["DNS-08", "RP-05"] },
      listener,
    );
  }
  if (rp.dialin) set.a({ view: "external", name: rp.dialin.value, purpose: "Dial-in simple URL (reverse proxy)", refs: ["DNS-08", "DNS-09"] }, listener);
  for (const meet of rp.meet)
    set.a({ view: "external", name: meet.value, purpose: "Meeting simple URL (reverse proxy)", refs: ["DNS-08", "DNS-09"] }, listener);
  if (rp.officeWebApps) {
    set.a({ view: "external", name: rp.officeWebApps.fqdn.value, purpose: "Office Web Apps Server (reverse proxy)", refs: ["DNS-08"] }, listener);
  }
}

/** Mobility on the primary site: lyncdiscover (external, via the reverse proxy) and lyncdiscoverinternal (internal web services). */
function autodiscoverRecords(set: RecordSet, s: ResolvedScenario, site: ResolvedSite): void {
  if (!(s.mobility && site.primary)) return;
  const listener = [site.reverseProxy.publicAddress.value];
  const hop = nextHop(site);
  for (const domain of s.sipDomains.map((d) => d.value)) {
    set.a(
      { view: "external", name: `lyncdiscover.${domain}`, purpose: "External Autodiscover (mobility) via the reverse proxy", refs: ["DNS-06", "DNS-08"] },
      listener,
    );
    set.a({ view: "internal", name: `lyncdiscoverinternal.${domain}`, purpose: "Internal Autodiscover: internal web services", refs: ["DNS-06"] }, [
      hop.webAddress,
    ]);
  }
}

/** Internal view: the Edge pool, its members, and the Front End pool. */
function internalEdgeRecords(set: RecordSet, site: ResolvedSite): void {
  const { edge } = site;
  set.a(
    {
      view: "internal",
      name: edge.fqdns.internalPool.value,
      purpose: `Edge internal interface${edgePublishingSuffix(site, " (internal VIP)")}`,
      refs: ["DNS-05", edgeLoadBalancingRef(site)],
    },
    publishedValues(site, "internal"),
  );
  if (edge.pool) {
    for (const server of edge.servers) {
      set.a({ view: "internal", name: server.fqdn, purpose: "Edge Server internal interface (computer FQDN for replication)", refs: ["NET-08", "FW-04"] }, [
        server.internal.address.value,
      ]);
    }
  }
  set.a({ view: "internal", name: site.frontEnd.fqdn.value, purpose: "Front End pool", refs: ["NET-15"] }, [site.frontEnd.address.value]);
}

/** Internal view of a Director: its servers, its pool name, and the names the Edge and reverse proxy send to it. */
function directorRecords(set: RecordSet, site: ResolvedSite): void {
  const d = site.director;
  if (!d) return;
  const rp = site.reverseProxy;
  const hop = nextHop(site);
  for (const server of d.servers)
    set.a({ view: "internal", name: server.fqdn, purpose: "Director (replication and server-to-server)", refs: ["DIR-01"] }, [server.address.value]);
  if (d.pool) {
    const poolValues = d.loadBalancing === "hlb" ? [hop.webAddress] : d.servers.map((x) => x.address.value);
    set.a(
      {
        view: "internal",
        name: d.poolFqdn.value,
        purpose: `Director pool${d.loadBalancing === "hlb" ? " (HLB VIP)" : " (DNS load balanced)"}`,
        refs: ["DIR-01", "NET-15"],
      },
      poolValues,
    );
  }
  if (site.primary) {
    const sipValues = d.loadBalancing === "dns-hlb" ? d.servers.map((x) => x.address.value) : [hop.webAddress];
    set.a(
      { view: "internal", name: site.edge.fqdns.access.value, purpose: "Inbound SIP from the Edge internal interface to the Director", refs: ["DIR-02"] },
      sipValues,
    );
    for (const url of [...(rp.dialin ? [rp.dialin] : []), ...rp.meet]) {
      set.a({ view: "internal", name: url.value, purpose: "Simple URL web services on the Director", refs: ["DIR-02", "DNS-09"] }, [hop.webAddress]);
    }
  }
  set.a(
    {
      view: "internal",
      name: d.externalWebFqdn.value,
      purpose: "Director external web services (web ticket) as published by the reverse proxy",
      refs: ["DIR-02", "RP-05"],
    },
    [hop.webAddress],
  );
}

/** A site's records, in the order the families are added (the sort keeps it among records that tie). */
function siteRecords(s: ResolvedScenario, site: ResolvedSite): DnsRecord[] {
  const set = new RecordSet(s, site);
  edgeServiceRecords(set, site);
  sipSrvRecords(set, s, site);
  xmppRecords(set, s, site);
  reverseProxyRecords(set, site);
  autodiscoverRecords(set, s, site);
  internalEdgeRecords(set, site);
  directorRecords(set, site);
  return set.records;
}

const TYPE_ORDER = { A: 0, CNAME: 1, SRV: 2 } as const;

export function deriveDnsRecords(s: ResolvedScenario): DnsRecord[] {
  return sortDnsRecords(s.sites.flatMap((site) => siteRecords(s, site)));
}

/** The plan's record order: view, zone, name, type, site. */
export function sortDnsRecords(records: readonly DnsRecord[]): DnsRecord[] {
  return [...records].sort(
    (a, b) =>
      compareText(a.view, b.view) ||
      compareText(a.zone, b.zone) ||
      compareText(a.name, b.name) ||
      TYPE_ORDER[a.type] - TYPE_ORDER[b.type] ||
      compareText(a.site, b.site),
  );
}
