/**
 * `edge-lab discover`, step 2 (pure): observations -> a scenario (what public DNS and TLS show), the questions only the
 * owner can answer, and findings against the rules. The inference table is probe-protocols.md §5:
 *
 * - SIP domains: the queried domain, then every `sip.<domain>` SAN of the Access Edge certificate [CERT];
 * - Access Edge FQDN: the `_sip._tls` SRV target (else sip.<domain>); Web Conferencing FQDN: the certificate's other
 *   name; A/V FQDN: av.<primary domain> when it resolves (it is never on the certificate);
 * - pool size: the number of A records of the Access Edge FQDN (N > 1: DNS load balancing; 1: a single Edge or a
 *   hardware load balancer VIP, which only the owner knows); one address for all three names: single-IP mode;
 * - public addresses: the A records (publicRange covers them; Microsoft's numbering .10/.20/.30/.40 is kept implicit);
 * - federation: `_sipfederationtls._tcp` published or 5061 answering; XMPP: `_xmpp-server._tcp`; mobility:
 *   lyncdiscover (push notifications need the federation SRV);
 * - hybrid: records pointing to sipdir / sipfed / webdir.online.lync.com (all of them: Teams Only; some: a cutover
 *   left records behind);
 * - product: the REGISTER answer's `Server:` header, RTC/5.0 Lync 2013, RTC/6.0 SfB 2015, RTC/7.0 SfB 2019 or SE
 *   (VERIFY, probe-protocols.md §8 item 4).
 *
 * What cannot be seen (NAT or public addressing, private subnets, Directors, the internal domain, partners) becomes a
 * question: a required one holds a placeholder value `QUESTION Qn: ...` that `edge-lab validate` rejects (the line
 * and column point at it), an optional one is a commented-out line whose default the schema applies.
 */
import type { DiscoverFinding } from "./findings";
import type { Observations } from "./observe";
import { findingsOf } from "./rules";
import { Builder, SITE, addressesOf, cnameOf, coveringCidr, edgeView, factsOf, hostOf, isOnline, srvOf, type EdgeView, type Path, type Question } from "./view";

export interface Inferred {
  /** The scenario as the file holds it (placeholders included). */
  readonly scenario: Record<string, unknown>;
  /** Comments written before a key (what was seen and how it was inferred). */
  readonly notes: readonly { readonly path: Path; readonly text: string }[];
  readonly questions: readonly Question[];
  readonly findings: readonly DiscoverFinding[];
  /** Header lines: the observations the file is built on. */
  readonly facts: readonly string[];
}

function productOf(o: Observations, xmpp: boolean, b: Builder): void {
  const server = o.sip?.server;
  const m = server ? /RTC\/(\d+)\.0/.exec(server) : null;
  const known: Record<string, string> = { "5": "lync2013", "6": "sfb2015" };
  if (m && known[m[1]]) return b.set(["product"], known[m[1]], `product: the Access Edge answered REGISTER with "Server: ${server}"`);
  const seen = o.sip?.status
    ? `the Access Edge answered REGISTER with ${o.sip.status}${server ? `, "Server: ${server}"` : " and no Server header"}`
    : "no SIP answer to REGISTER";
  const choices = m?.[1] === "7" ? "sfb2019 or sfbse (RTC/7.0: which one is not told apart from outside, VERIFY)" : "lync2013, sfb2015, sfb2019 or sfbse";
  b.ask(["product"], `Server product: ${choices}. Seen: ${seen}.${xmpp ? " XMPP is published, so not sfb2019 / sfbse." : ""}`);
}

function edgeOf(v: EdgeView, publicRange: string | undefined, b: Builder): void {
  const n = v.access.length;
  const edge = [...SITE, "edge"];
  if (v.single && v.webconfFqdn === undefined) b.set([...edge, "ipMode"], "single", `single-IP Edge: ${v.accessFqdn} is the only Edge name and address`);
  if (v.accessFqdn !== `sip.${v.primary}`) b.set([...edge, "fqdns", "access"], v.accessFqdn);
  if (v.webconfFqdn && v.webconfFqdn !== `webcon.${v.primary}`) b.set([...edge, "fqdns", "webConferencing"], v.webconfFqdn);
  if (!v.single && !v.avFqdn)
    b.offer([...edge, "fqdns", "av"], `A/V Edge FQDN: av.${v.primary} does not resolve and the A/V name is never on the certificate`, `av.${v.primary}`);
  const numbered =
    publicRange !== undefined &&
    v.access.every((ip, i) => ip === hostOf(publicRange, 10 + i)) &&
    (v.single || (v.webconf.every((ip, i) => ip === hostOf(publicRange, 20 + i)) && v.av.every((ip, i) => ip === hostOf(publicRange, 30 + i))));
  const seen = `${v.accessFqdn} has ${n} A record${n === 1 ? "" : "s"} (${v.access.join(", ")})`;
  if (n > 1) {
    b.set([...edge, "loadBalancing"], "dns", `${seen}: an Edge pool of ${n} with DNS load balancing`);
    if (numbered) b.set([...edge, "servers"], n);
  } else if (n === 1) {
    if (numbered)
      b.ask([...edge, "servers"], "Number of Edge Servers: 1 for a single Edge; more if the one address per service is a hardware load balancer VIP");
    b.offer(
      [...edge, "loadBalancing"],
      `${seen}: with a hardware load balancer write loadBalancing: hardware (and vips: when they are not .10/.20/.30)`,
      "hardware",
    );
  }
  if (n > 0 && !numbered) explicitServers(v, b);
  b.ask([...edge, "externalAddressing"], "nat or public: are the Edge's external addresses private behind 1:1 NAT, or the public addresses themselves");
}

function explicitServers(v: EdgeView, b: Builder): void {
  const path = [...SITE, "edge", "servers"];
  const lists = [
    ["access", v.access],
    ["webConferencing", v.single ? [] : v.webconf],
    ["av", v.single ? [] : v.av],
  ] as const;
  const servers = v.access.map((_, i) => ({
    external: Object.fromEntries(lists.filter(([, l]) => l[i]).map(([key, l]) => [key, { address: null, natPublic: l[i] }])),
  }));
  b.set(path, servers, "the public addresses do not follow Microsoft's numbering (.10/.20/.30 of the public range): each server is written out");
  v.access.forEach((_, i) => {
    for (const [key, l] of lists)
      if (l[i])
        b.ask([...path, i, "external", key, "address"], `Private address translated to ${l[i]} (public addressing: write ${l[i]} here and remove natPublic)`);
  });
}

function networkOf(publicRange: string | undefined, b: Builder): void {
  const net = [...SITE, "network"];
  if (publicRange) b.set([...net, "publicRange"], publicRange, "publicRange: the smallest block holding every public address seen in DNS");
  b.ask(
    [...net, "perimeterExternal"],
    `Subnet of the Edge external interfaces: with NAT the private subnet (Microsoft's example 10.45.16.0/24), with public addressing the public range ${publicRange ?? ""}`.trim(),
  );
  b.offer(
    [...net, "perimeterInternal"],
    "Subnet of the Edge internal interfaces (not visible from outside; the schema default is Microsoft's example)",
    "172.25.33.0/24",
  );
  b.offer(
    [...net, "internalNetworks"],
    "Internal networks with Lync servers and clients (not visible from outside; the schema default is Microsoft's example)",
    ["192.168.10.0/24"],
  );
  b.offer(
    [...net, "reverseProxyExternal"],
    "Subnet of the reverse proxy external interface (always behind NAT; default: perimeterExternal with NAT, 10.45.16.0/24 with public addressing)",
    "10.45.16.0/24",
  );
}

type Phase = "teams-only" | "mixed" | "on-premises";

/** Where the SIP domains' records point: all to Microsoft 365, some, or none. */
export function phaseOf(o: Observations, domains: readonly string[]): { phase: Phase; online: string[]; onPremises: string[] } {
  const online: string[] = [];
  const onPremises: string[] = [];
  for (const d of domains) {
    const seen: [string, string | undefined][] = [
      [`_sipfederationtls._tcp.${d} SRV`, srvOf(o.dns, `_sipfederationtls._tcp.${d}`)?.target],
      [`_sip._tls.${d} SRV`, srvOf(o.dns, `_sip._tls.${d}`)?.target],
      [`sip.${d}`, cnameOf(o.dns, `sip.${d}`) ?? (addressesOf(o.dns, `sip.${d}`).length ? "A" : undefined)],
      [`lyncdiscover.${d}`, cnameOf(o.dns, `lyncdiscover.${d}`) ?? (addressesOf(o.dns, `lyncdiscover.${d}`).length ? "A" : undefined)],
    ];
    for (const [name, target] of seen) if (target) (isOnline(target) ? online : onPremises).push(`${name} -> ${target}`);
  }
  const phase: Phase = online.length === 0 ? "on-premises" : onPremises.length === 0 ? "teams-only" : "mixed";
  return { phase, online, onPremises };
}

function hybridOf(o: Observations, v: EdgeView, b: Builder): Phase {
  const { phase, online } = phaseOf(o, v.sipDomains);
  const tenantDomains = [...v.sipDomains];
  if (phase === "teams-only") {
    b.set(["hybrid"], { tenantDomains, phase: "teams-only" }, `hybrid: every record points to Microsoft 365 (${online.join("; ")}): Teams Only`);
  } else if (phase === "mixed") {
    b.set(["hybrid", "tenantDomains"], tenantDomains, `hybrid: some records point to Microsoft 365 (${online.join("; ")}), others on-premises`);
    b.ask(["hybrid", "phase"], "hybrid or teams-only: some records already point to Microsoft 365 and others on-premises (see the findings)");
  } else {
    b.offer(["hybrid"], "Hybrid with Microsoft 365 (shared SIP address space) is not visible while every record points on-premises", {
      tenantDomains,
      phase: "hybrid",
    });
  }
  return phase;
}

function federationOf(o: Observations, v: EdgeView, b: Builder): boolean {
  const srv = srvOf(o.dns, `_sipfederationtls._tcp.${v.primary}`);
  const t5061 = o.tls.find((t) => t.role === "access-5061");
  const on = (srv !== undefined && !isOnline(srv.target)) || t5061?.reachable === true;
  if (on) {
    const why = srv ? `_sipfederationtls._tcp.${v.primary} -> ${srv.target}:${srv.port}` : `no SRV record, but ${t5061?.name} answers on 5061`;
    b.set(["federation", "sip"], true, `federation: ${why}`);
  }
  b.offer(
    ["federation", "sip"],
    "SIP federation settings (partner discovery, allowed and blocked partner domains) are not visible from outside",
    on ? { partnerDiscovery: true, allowedDomains: [] } : true,
  );
  b.offer(["federation", "publicIm"], "Public IM connectivity providers are not visible from outside", []);
  const xmpp = v.sipDomains.filter((d) => srvOf(o.dns, `_xmpp-server._tcp.${d}`));
  if (xmpp.length)
    b.set(["federation", "xmpp"], xmpp.length === v.sipDomains.length ? true : { domains: xmpp }, `XMPP: _xmpp-server._tcp published for ${xmpp.join(", ")}`);
  b.offer(["federation", "xmpp"], "XMPP partners are not visible from outside", xmpp.length ? { partners: [], domains: xmpp } : false);
  b.offer(["federation", "ocs2007Partners"], "Partners still on OCS 2007 (they open the A/V media range inbound) are not visible from outside", false);
  return on;
}

function mobilityOf(o: Observations, v: EdgeView, federation: boolean, b: Builder): void {
  const cname = cnameOf(o.dns, `lyncdiscover.${v.primary}`);
  const present = (cname !== undefined || addressesOf(o.dns, `lyncdiscover.${v.primary}`).length > 0) && !isOnline(cname);
  if (!present) return;
  const how = cname ? `CNAME ${cname}` : `A ${addressesOf(o.dns, `lyncdiscover.${v.primary}`).join(", ")}`;
  if (federation) b.set(["mobility"], true, `mobility: lyncdiscover.${v.primary} ${how}; push notifications assumed (the federation SRV record is published)`);
  else b.set(["mobility"], { push: false }, `mobility: lyncdiscover.${v.primary} ${how}; no push notifications (no _sipfederationtls._tcp record)`);
}

const rpCertificate = (o: Observations) => o.tls.find((t) => t.role === "reverse-proxy-443" && t.certificate)?.certificate;

/** The reverse proxy's public address: lyncdiscover's, else the external web services name's, else meet's. */
export function reverseProxyAddress(o: Observations, v: EdgeView): string | undefined {
  const cname = cnameOf(o.dns, `lyncdiscover.${v.primary}`);
  const names = [
    `lyncdiscover.${v.primary}`,
    ...(cname && !isOnline(cname) ? [cname] : []),
    rpCertificate(o)?.subjectCommonName ?? `webext.${v.primary}`,
    `meet.${v.primary}`,
  ];
  return names.map((n) => addressesOf(o.dns, n)[0]).find((a) => a !== undefined);
}

function reverseProxyOf(o: Observations, v: EdgeView, publicRange: string | undefined, b: Builder): void {
  const cert = rpCertificate(o);
  const names = cert?.dnsNames ?? [];
  const externalWeb = cert?.subjectCommonName?.toLowerCase() ?? (addressesOf(o.dns, `webext.${v.primary}`).length ? `webext.${v.primary}` : undefined);
  if (externalWeb && externalWeb !== `webext.${v.primary}`)
    b.set([...SITE, "frontEndPool", "externalWebFqdn"], externalWeb, "the reverse proxy certificate's subject");
  const rp = reverseProxyAddress(o, v);
  if (rp && publicRange && rp !== hostOf(publicRange, 40))
    b.set([...SITE, "reverseProxy", "publicAddress"], rp, "the reverse proxy's public address (lyncdiscover / web services A record)");
  const meet = [
    ...new Set([...names.filter((n) => n.startsWith("meet.")), ...v.sipDomains.map((d) => `meet.${d}`).filter((n) => addressesOf(o.dns, n).length)]),
  ];
  const defaultMeet = v.sipDomains.map((d) => `meet.${d}`);
  if (meet.length && (meet.length !== defaultMeet.length || meet.some((m) => !defaultMeet.includes(m))))
    b.set([...SITE, "reverseProxy", "simpleUrls", "meet"], meet);
  const dialin = names.find((n) => n.startsWith("dialin."));
  if (dialin && dialin !== `dialin.${v.primary}`) b.set([...SITE, "reverseProxy", "simpleUrls", "dialin"], dialin);
  const owa = names.find((n) => /^(officewebapps|owa|oos|wac)/.test(n));
  b.offer(
    [...SITE, "reverseProxy", "officeWebApps"],
    `Office Web Apps Server published by the reverse proxy${owa ? ` (its certificate names ${owa})` : ""}`,
    owa ? { fqdn: owa } : false,
  );
  const known = new Set([externalWeb, dialin, owa, ...meet]);
  const others = names.filter((n) => !known.has(n) && !n.startsWith("lyncdiscover.") && !n.startsWith("*."));
  const hint = others.length ? ` The reverse proxy certificate also names ${others.join(", ")}: a Director's external web services?` : "";
  b.offer([...SITE, "director"], `Directors cannot be seen from outside.${hint}`, {
    servers: 2,
    loadBalancing: "dns-hlb",
    ...(others[0] && others[0] !== `webdirext.${v.primary}` ? { externalWebFqdn: others[0] } : {}),
  });
}

/** Builds the scenario in file order (id, product, domains, federation, mobility, hybrid, the site). */
function inferParts(o: Observations, v: EdgeView, b: Builder): void {
  const id = v.primary
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^[^a-z]+/, "")
    .slice(0, 40)
    .replace(/-+$/, "");
  b.set(["id"], id.length >= 2 ? id : `discovered-${id}`.slice(0, 40));
  b.set(["title"], `Discovered from public DNS and TLS: ${v.primary}`);
  const xmpp = v.sipDomains.some((d) => srvOf(o.dns, `_xmpp-server._tcp.${d}`));
  productOf(o, xmpp, b);
  b.set(
    ["sipDomains"],
    v.sipDomains,
    v.cert
      ? `SIP domains: ${v.primary} and the sip.<domain> names of the Access Edge certificate`
      : "SIP domains: only the queried one (no Access Edge certificate was read)",
  );
  const target = o.sip?.targetname;
  const internal = target && target.includes(".") ? target.slice(target.indexOf(".") + 1) : undefined;
  b.offer(
    ["internalDomain"],
    `Internal DNS domain of the servers (default: the primary SIP domain)${internal ? `; the REGISTER challenge named ${target}` : ""}`,
    internal ?? v.primary,
  );
  const federation = federationOf(o, v, b);
  mobilityOf(o, v, federation, b);
  hybridOf(o, v, b);
  b.set([...SITE, "name"], "hq", "one site: discover sees the organisation's published Edge only (other sites' Edges are not in these records)");
  const rp = reverseProxyAddress(o, v);
  const publicRange = coveringCidr([...v.access, ...v.webconf, ...v.av, ...(rp ? [rp] : [])]);
  if (v.access.length) edgeOf(v, publicRange, b);
  else b.ask([...SITE, "edge", "servers"], `Number of Edge Servers: ${v.accessFqdn} has no on-premises A record`);
  networkOf(publicRange, b);
  reverseProxyOf(o, v, publicRange, b);
}

/** Observations -> scenario, questions and findings (see the file comment). */
export function infer(o: Observations, now: Date = new Date(o.at)): Inferred {
  const b = new Builder();
  const v = edgeView(o);
  inferParts(o, v, b);
  return { scenario: b.scenario, notes: b.notes, questions: b.questions, findings: findingsOf(o, v, now), facts: factsOf(o) };
}
