/**
 * The one list of probes, derived from the plan: what must be true of a built perimeter, each probe naming the plan
 * row (and Microsoft table row / rule id) it proves. Two renderers read it and nothing else:
 * - `edge-lab checklist` (lib/render/checklist.ts) prints the probes a person runs on the real deployment
 *   (Resolve-DnsName, Test-NetConnection, a UDP STUN Binding request, the certificate check);
 * - `edge-lab emulate` (lib/emulate/) runs every probe with packets against the perimeter built in network namespaces.
 *
 * Probes come from the plan's rows generically (firewall rows, DNS records, certificates, publishing rules), so a new
 * row in the plan (hybrid, another federation table) gets its probe without a change here.
 */
import type { Certificate, DnsRecord, FirewallRule, Plan, PlanServer } from "../model/plan";
import { cidrContains, cidrsOverlap, parseCidr } from "../model/net";
import { includesInternet, Peer, peersOf } from "../model/peer";
import { Port } from "../model/port";

/** Where a probe starts. */
export type ProbeFrom =
  /** The external test client on the (simulated) Internet. */
  | { readonly kind: "internet" }
  /** A client (or the Front End pool) on the internal network. */
  | { readonly kind: "internal" }
  /** A lab server, from one of its own addresses (or a VIP it answers for). */
  | { readonly kind: "server"; readonly server: string; readonly ip: string }
  /** A named service on the Internet the row lists by its prefixes (Microsoft 365 for hybrid): it opens the connection. */
  | { readonly kind: "remote"; readonly prefixes: readonly string[] };

interface ProbeBase {
  /** Stable id, unique in the list. */
  readonly id: string;
  readonly site: string;
  readonly from: ProbeFrom;
  /** One line: what the probe checks. */
  readonly what: string;
  /** Plan row ids and reference rule ids it proves. */
  readonly refs: readonly string[];
}

export interface DnsProbe extends ProbeBase {
  readonly kind: "dns";
  readonly record: DnsRecord;
}

/** The lab server resolves a name through its HOSTS file (NET-06, RP-06). */
export interface HostsProbe extends ProbeBase {
  readonly kind: "hosts";
  readonly fqdn: string;
  readonly ip: string;
}

export interface PortProbe extends ProbeBase {
  readonly kind: "port";
  readonly rule: FirewallRule;
  readonly transport: "TCP" | "UDP";
  /** Target address as the origin addresses it (public address from the Internet). */
  readonly address: string;
  /** The port probed: the row's port, or the first port of a range (sampled). */
  readonly port: number;
  /** Target "internet": the far end is any Internet address (outbound rows); the emulator uses the federated partner. */
  readonly toInternet: boolean;
  /** Outbound to the Internet or Microsoft 365: the source address the far end must see (NAT-04; the VIP for VIP rows). */
  readonly expectSource?: string;
  /** UDP 3478: a STUN Binding request (any reply means reachable, as Test-EdgeConnectivity does). */
  readonly stun: boolean;
  /** The far end is a named service on the Internet (Microsoft 365 prefixes), not any address or the lab. */
  readonly remote: boolean;
  /**
   * NAT reflection between members of a DNS load-balanced NAT pool: from one member to another's public address
   * through the external firewall (`rule` is the inbound row it relies on, not a row this origin opens).
   */
  readonly hairpin?: boolean;
}

export interface TlsProbe extends ProbeBase {
  readonly kind: "tls";
  readonly rule: FirewallRule;
  readonly address: string;
  readonly port: number;
  /** SNI and the name the certificate must be valid for. */
  readonly serverName: string;
  readonly certificate: Certificate;
  /** Names that must NOT be on the certificate (CERT-03: the A/V FQDN is not a SAN of the external certificate). */
  readonly forbiddenNames: readonly string[];
  /** SIP rows: a SIP OPTIONS request over the TLS connection must be answered. */
  readonly sipOptions: boolean;
}

export interface TurnProbe extends ProbeBase {
  readonly kind: "turn";
  readonly rule: FirewallRule;
  readonly transport: "TCP" | "UDP";
  readonly address: string;
  readonly port: number;
  /** The relayed address must be inside this range (the A/V media row). */
  readonly relayRange: { readonly from: number; readonly to: number };
  /** The public address the relayed address must carry (NAT: the A/V public address, NAT-02). */
  readonly relayAddress: string;
}

export interface WebProbe extends ProbeBase {
  readonly kind: "web";
  readonly scheme: "https" | "http";
  readonly address: string;
  readonly port: number;
  readonly host: string;
  /** The pool web port the request must arrive at, with the Host header kept (RP-02, RP-04). */
  readonly targetPort: number;
  readonly certificate?: Certificate;
}

/** Something that must NOT be reachable (management ports, unplanned ports, perimeter internal from outside). */
export interface BlockedProbe extends ProbeBase {
  readonly kind: "blocked";
  readonly transport: "TCP" | "UDP";
  readonly address: string;
  readonly port: number;
}

export type Probe = DnsProbe | HostsProbe | PortProbe | TlsProbe | TurnProbe | WebProbe | BlockedProbe;

/** The target of an outbound row: any Internet address (the emulator's federated partner). */
const ANY_INTERNET = Peer.internet().toString();
/** Management and other unplanned ports probed from the Internet (RDP, SSH, WinRM, SMB, SQL). */
export const BLOCKED_SAMPLE: readonly { readonly transport: "TCP" | "UDP"; readonly port: number; readonly why: string }[] = [
  { transport: "TCP", port: 3389, why: "RDP (management)" },
  { transport: "TCP", port: 22, why: "SSH (management)" },
  { transport: "TCP", port: 5986, why: "WinRM HTTPS (management)" },
  { transport: "TCP", port: 445, why: "SMB (not in the plan)" },
  { transport: "UDP", port: 5060, why: "SIP over UDP (not in the plan)" },
];

const isPrefix = (a: string) => a.includes("/");

function serversByAddress(plan: Plan): Map<string, PlanServer> {
  const index = new Map<string, PlanServer>();
  for (const s of plan.servers) for (const nic of s.interfaces) for (const a of nic.addresses) index.set(a.ip, s);
  return index;
}

/** The servers that answer at an address: the server holding it, or the members of the VIP. */
function answerers(plan: Plan, ip: string, servers: Map<string, PlanServer>): PlanServer[] {
  const own = servers.get(ip);
  if (own) return [own];
  const vip = plan.vips.find((v) => v.ip === ip);
  return vip ? vip.members.map((m) => plan.servers.find((s) => s.id === m.server)!).filter(Boolean) : [];
}

/** Public address of a plan address (NAT), or the address itself. */
function publicOf(plan: Plan, ip: string): string {
  for (const s of plan.servers) for (const nic of s.interfaces) for (const a of nic.addresses) if (a.ip === ip && a.natPublic) return a.natPublic;
  return ip;
}

const fromInternet = (r: FirewallRule) => includesInternet(r.source);
/** Prefixes of a named far end outside the lab (Microsoft 365): not the Internet marker, not the site's internal networks. */
function remotePrefixes(plan: Plan, r: FirewallRule, end: FirewallRule["source"]): string[] {
  if (includesInternet(end)) return [];
  const site = plan.scenario.sites.find((s) => s.name === r.site)!;
  const internal = site.networks.internalNetworks.map(parseCidr);
  const peers = peersOf(end).filter((p) => p.text.includes("/"));
  const outside = peers.filter((p) => p.isIpv6 || !internal.some((n) => cidrsOverlap(n, parseCidr(p.text))));
  return outside.length && outside.length === end.addresses.length ? outside.map((p) => p.text) : [];
}
const toInternet = (r: FirewallRule) => includesInternet(r.destination);

/** Origins of a row: Internet, each lab server address of the source, or the internal network. */
function originsOf(r: FirewallRule, servers: Map<string, PlanServer>, plan: Plan): ProbeFrom[] {
  if (fromInternet(r)) return [{ kind: "internet" }];
  const remote = remotePrefixes(plan, r, r.source);
  if (remote.length) return [{ kind: "remote", prefixes: remote }];
  const own = r.source.addresses
    .filter((a) => !isPrefix(a))
    .flatMap((a) => {
      const s = servers.get(a);
      if (s) return [{ kind: "server" as const, server: s.id, ip: a }];
      // A VIP as source: the traffic leaves a member and the load balancer gives it the VIP (HLB-05).
      const vip = plan.vips.find((v) => v.ip === a);
      return vip ? [{ kind: "server" as const, server: vip.members[0].server, ip: vip.members[0].ip }] : [];
    });
  if (own.length > 0 && own.length === r.source.addresses.length) return own;
  return [{ kind: "internal" }];
}

/**
 * Target addresses of a row as its origin reaches them: public addresses from the Internet or a named service on it
 * (Microsoft 365), the next hop for a prefix.
 */
function targetsOf(plan: Plan, r: FirewallRule): string[] {
  if (toInternet(r)) return [ANY_INTERNET];
  const fromOutside = fromInternet(r) || remotePrefixes(plan, r, r.source).length > 0;
  const addresses = fromOutside && r.destination.publicAddresses?.length ? r.destination.publicAddresses : r.destination.addresses;
  return [
    ...new Set(
      addresses.flatMap((a) => {
        if (!isPrefix(a)) return [a];
        // A prefix (internal networks): the site's next hop inside it stands for the network.
        const site = plan.scenario.sites.find((s) => s.name === r.site)!;
        const inside = Peer.fromPlanAddress(a).isIpv6 ? [] : site.nextHop.addresses.filter((ip) => cidrContains(parseCidr(a), ip));
        return inside.length ? inside : [a];
      }),
    ),
  ];
}

const STUN_PORT = 3478;
const isTls = (r: FirewallRule) => /TLS|HTTPS/.test(r.protocol);
const isTurn = (r: FirewallRule) => /STUN/.test(r.protocol);

function fromText(f: ProbeFrom): string {
  return f.kind === "internet" ? "Internet" : f.kind === "internal" ? "internal network" : f.kind === "remote" ? f.prefixes[0] : f.ip;
}

/** Every probe of one plan, in a stable order: DNS, HOSTS, ports, TLS, TURN, web publishing, blocked. */
export function buildProbes(plan: Plan): Probe[] {
  const probes: Probe[] = [];
  const servers = serversByAddress(plan);
  const seen = new Set<string>();
  const add = (p: Probe) => {
    if (seen.has(p.id)) return;
    seen.add(p.id);
    probes.push(p);
  };

  for (const record of plan.dnsRecords) {
    const value = record.type === "SRV" ? `${record.srv!.priority} ${record.srv!.weight} ${record.srv!.port} ${record.srv!.target}` : record.values.join(", ");
    add({
      kind: "dns",
      id: `${record.site}/dns/${record.view}/${record.name}/${record.type}/${value}`,
      site: record.site,
      record,
      from: record.view === "external" ? { kind: "internet" } : { kind: "internal" },
      what: `${record.view} DNS ${record.type} ${record.name} = ${value}`,
      refs: record.refs,
    });
  }
  // Hybrid: the federation-route Edge itself must resolve every SIP domain's federation SRV (strict name matching).
  if (plan.hybrid) {
    const route = plan.scenario.sites.find((x) => x.federationRoute)?.name;
    for (const edge of plan.servers.filter((x) => x.role === "edge" && x.site === route)) {
      const ip = edge.interfaces.find((i) => i.side === "external")!.addresses[0].ip;
      for (const record of plan.dnsRecords.filter((r) => r.view === "external" && r.type === "SRV" && r.name.startsWith("_sipfederationtls._tcp."))) {
        add({
          kind: "dns",
          id: `${edge.site}/dns/edge/${edge.id}/${record.name}/${record.type}`,
          site: edge.site,
          record,
          from: { kind: "server", server: edge.id, ip },
          what: `${edge.fqdn} resolves ${record.name} (SRV) = ${record.srv!.priority} ${record.srv!.weight} ${record.srv!.port} ${record.srv!.target}`,
          refs: record.refs,
        });
      }
    }
  }
  for (const s of plan.servers) {
    for (const h of s.hosts) {
      const ip = s.interfaces.find((i) => i.side === "internal")?.addresses[0]?.ip ?? s.interfaces[0].addresses[0].ip;
      add({
        kind: "hosts",
        id: `${s.site}/hosts/${s.id}/${h.fqdn}`,
        site: s.site,
        from: { kind: "server", server: s.id, ip },
        fqdn: h.fqdn,
        ip: h.ip,
        what: `${s.fqdn} resolves ${h.fqdn} to ${h.ip} (HOSTS)`,
        refs: ["NET-06", "RP-06"],
      });
    }
  }

  for (const rule of plan.firewallRules) {
    const port = rule.ports.from;
    const sampled = rule.ports.from !== rule.ports.to ? ` (range ${Port.of(rule.transport, rule.ports).rangeText} sampled at ${port})` : "";
    for (const from of originsOf(rule, servers, plan)) {
      for (const address of targetsOf(plan, rule)) {
        const outbound = toInternet(rule);
        const toRemote = remotePrefixes(plan, rule, rule.destination).length > 0;
        // Outbound to the Internet or Microsoft 365: the far end sees the public address (NAT-04), or the VIP for a
        // VIP row (HLB-05).
        const expectSource =
          (outbound || toRemote) && from.kind === "server"
            ? rule.source.addresses.includes(from.ip)
              ? publicOf(plan, from.ip)
              : rule.source.addresses[0]
            : undefined;
        add({
          kind: "port",
          id: `${rule.id}/${fromText(from)}->${address}:${port}/${rule.transport}`,
          site: rule.site,
          from,
          rule,
          transport: rule.transport,
          address,
          port,
          toInternet: outbound,
          ...(expectSource ? { expectSource } : {}),
          stun: rule.transport === "UDP" && port === STUN_PORT && isTurn(rule),
          remote: from.kind === "remote" || toRemote,
          what: `${rule.transport} ${port} ${fromText(from)} -> ${address}${sampled}: ${rule.service} ${rule.protocol}`,
          refs: [rule.id, ...rule.refs],
        });
      }
    }
  }

  // TLS: every inbound TLS row, at every target address, for every name the origin's DNS view gives that address.
  for (const rule of plan.firewallRules.filter((r) => r.direction === "inbound" && isTls(r) && !isTurn(r))) {
    const view = fromInternet(rule) || remotePrefixes(plan, rule, rule.source).length > 0 ? "external" : "internal";
    for (const from of originsOf(rule, servers, plan)) {
      for (const address of targetsOf(plan, rule)) {
        const planAddress = rule.destination.addresses[rule.destination.publicAddresses?.indexOf(address) ?? -1] ?? address;
        const owners = answerers(plan, planAddress, servers);
        const names = plan.dnsRecords.filter((d) => d.view === view && d.type === "A" && d.values.includes(address)).map((d) => d.name);
        for (const name of [...new Set(names)]) {
          const certificate = plan.certificates.find(
            (c) => owners.length > 0 && owners.every((o) => c.installedOn.includes(o.id)) && (c.subject === name || c.sans.includes(name)),
          );
          if (!certificate) continue;
          const avNames =
            view === "external"
              ? plan.dnsRecords
                  .filter(
                    (d) =>
                      d.site === rule.site &&
                      d.view === "external" &&
                      d.type === "A" &&
                      plan.servers.some((s) => s.interfaces.some((i) => i.addresses.some((a) => a.role === "av" && a.fqdn === d.name))),
                  )
                  .map((d) => d.name)
              : [];
          add({
            kind: "tls",
            id: `${rule.id}/tls/${address}:${rule.ports.from}/${name}`,
            site: rule.site,
            from,
            rule,
            address,
            port: rule.ports.from,
            serverName: name,
            certificate,
            forbiddenNames: [...new Set(avNames)],
            sipOptions: /^SIP/.test(rule.protocol),
            what: `TLS ${address}:${rule.ports.from} SNI ${name}: certificate ${certificate.subject} (SANs as planned)${/^SIP/.test(rule.protocol) ? ", SIP OPTIONS answered" : ""}`,
            refs: [rule.id, certificate.id, ...certificate.refs],
          });
        }
      }
    }
  }

  // TURN: every inbound STUN/TURN row from the Internet: an allocation whose relay lies in the A/V media range.
  for (const rule of plan.firewallRules.filter((r) => r.direction === "inbound" && fromInternet(r) && isTurn(r))) {
    // The media range: the A/V RTP rows (UDP only with OCS 2007 federation; TCP outbound always).
    const rtp = plan.firewallRules.filter((r) => r.site === rule.site && r.protocol === "RTP");
    const media = rtp.find((r) => r.transport === "UDP") ?? rtp[0];
    if (!media) continue;
    for (const address of targetsOf(plan, rule)) {
      const planAddress = rule.destination.addresses[rule.destination.publicAddresses?.indexOf(address) ?? -1] ?? address;
      const vip = plan.vips.find((v) => v.ip === planAddress);
      // Through a VIP the allocation lands on a member, whose own public A/V address carries the relay (HLB-04).
      const relayAddresses = vip ? vip.members.map((m) => publicOf(plan, m.ip)) : [address];
      add({
        kind: "turn",
        id: `${rule.id}/turn/${address}:${rule.ports.from}/${rule.transport}`,
        site: rule.site,
        from: { kind: "internet" },
        rule,
        transport: rule.transport,
        address,
        port: rule.ports.from,
        relayRange: media.ports,
        relayAddress: relayAddresses.join(","),
        what: `TURN allocation over ${rule.transport} ${address}:${rule.ports.from}, relay in ${Port.of(media.transport, media.ports).rangeText} on ${relayAddresses.join(" or ")}, media relayed to a partner`,
        refs: [rule.id, media.id, ...rule.refs],
      });
    }
  }

  // Hairpin (NAT reflection): the members of a DNS load-balanced NAT pool reach each other's public A/V address
  // through the external firewall, and are seen from their own public A/V address. Microsoft's Edge environmental
  // requirements: "Your Edge Servers need to be able to communicate with one another from their public A/V Edge IP
  // addresses"; the NAT stays symmetric (NAT-02) and the source is the public address (NAT-04).
  for (const site of plan.scenario.sites) {
    const av = plan.servers
      .filter((s) => s.site === site.name && s.role === "edge")
      .flatMap((s) =>
        s.interfaces
          .filter((i) => i.side === "external")
          .flatMap((i) => i.addresses.filter((a) => a.role === "av" && a.natPublic).map((a) => ({ server: s, ip: a.ip, publicIp: a.natPublic! }))),
      );
    if (av.length < 2) continue;
    const stunRow = plan.firewallRules.find(
      (r) =>
        r.site === site.name &&
        r.direction === "inbound" &&
        fromInternet(r) &&
        isTurn(r) &&
        r.transport === "UDP" &&
        r.ports.from <= STUN_PORT &&
        STUN_PORT <= r.ports.to &&
        av.every((a) => r.destination.addresses.includes(a.ip)),
    );
    if (!stunRow) continue;
    for (const from of av) {
      for (const to of av.filter((x) => x !== from)) {
        add({
          kind: "port",
          id: `${site.name}/hairpin/${from.ip}->${to.publicIp}:${STUN_PORT}/UDP`,
          site: site.name,
          from: { kind: "server", server: from.server.id, ip: from.ip },
          rule: stunRow,
          transport: "UDP",
          address: to.publicIp,
          port: STUN_PORT,
          toInternet: false,
          expectSource: from.publicIp,
          stun: true,
          remote: false,
          hairpin: true,
          what: `hairpin: ${from.server.fqdn} (A/V ${from.ip}) reaches ${to.server.fqdn}'s public A/V ${to.publicIp}:${STUN_PORT} (STUN) from ${from.publicIp}`,
          refs: [stunRow.id, "NAT-02", "NAT-04"],
        });
      }
    }
  }

  for (const pub of plan.publishingRules) {
    const rp = plan.servers.find((s) => s.site === pub.site && s.role === "reverse-proxy");
    const listener = rp?.interfaces.find((i) => i.side === "external")?.addresses[0];
    if (!listener) continue;
    const address = listener.publicIp ?? listener.natPublic ?? listener.ip;
    const certificate = plan.certificates.find((c) => c.installedOn.includes(rp!.id) && (c.subject === pub.publicName || c.sans.includes(pub.publicName)));
    for (const b of pub.bridges) {
      add({
        kind: "web",
        id: `${pub.site}/publish/${pub.publicName}/${b.scheme}-${b.listen}`,
        site: pub.site,
        from: { kind: "internet" },
        scheme: b.scheme,
        address,
        port: b.listen,
        host: pub.publicName,
        targetPort: b.target,
        ...(b.scheme === "https" && certificate ? { certificate } : {}),
        what: `${b.scheme}://${pub.publicName}:${b.listen} via ${address} reaches ${pub.target.fqdn}:${b.target} with the Host header kept`,
        refs: [...pub.refs],
      });
    }
  }

  // Blocked: management and unplanned ports on every public address; the perimeter internal side from the Internet.
  for (const site of plan.scenario.sites) {
    const inbound = plan.firewallRules.filter((r) => r.site === site.name && r.direction === "inbound" && fromInternet(r));
    const publicAddresses = [...new Set(inbound.flatMap((r) => targetsOf(plan, r)))];
    for (const address of publicAddresses) {
      for (const b of BLOCKED_SAMPLE) {
        if (inbound.some((r) => targetsOf(plan, r).includes(address) && r.transport === b.transport && r.ports.from <= b.port && b.port <= r.ports.to))
          continue;
        add({
          kind: "blocked",
          id: `${site.name}/blocked/${address}:${b.port}/${b.transport}`,
          site: site.name,
          from: { kind: "internet" },
          transport: b.transport,
          address,
          port: b.port,
          what: `${b.transport} ${b.port} from the Internet to ${address} is dropped: ${b.why}`,
          refs: ["FW-02", "FW-05"],
        });
      }
    }
    const internalSide = plan.servers
      .filter((s) => s.site === site.name)
      .flatMap((s) => s.interfaces.filter((i) => i.side === "internal").flatMap((i) => i.addresses.map((a) => a.ip)));
    for (const address of [...internalSide, ...site.nextHop.addresses]) {
      add({
        kind: "blocked",
        id: `${site.name}/blocked/${address}:443/TCP`,
        site: site.name,
        from: { kind: "internet" },
        transport: "TCP",
        address,
        port: 443,
        what: `TCP 443 from the Internet to the internal side ${address} is dropped (no path through the perimeter)`,
        refs: ["NET-10"],
      });
    }
  }
  return probes;
}

/** Probes of one site. */
export const probesOfSite = (probes: readonly Probe[], site: string) => probes.filter((p) => p.site === site);
