/**
 * One site's perimeter, built from the plan in network namespaces (names `<run tag>-<role>`):
 *
 *   [inet] remote client, federated partner (turnutils_peer + listeners), public DNS (BIND, external view),
 *          hybrid: a Microsoft 365 stand-in (addresses inside the plan's Microsoft 365 IPv4 prefixes: TLS SIP 5061 with
 *          the sipfed.online.lync.com certificate, STUN 3478, TCP 443 and the media range; and the origin of the
 *          rows Microsoft 365 opens)
 *     | veth
 *   [fw]   external firewall: the appliance ruleset (iptables-restore), the perimeter external gateways
 *     | bridge "bx" (perimeter external segment; with hardware load balancing behind [xlb], which holds the gateways
 *     |              and the external VIPs and load-balances with nftables)
 *   [e1..] Edge Servers: external NIC (addresses, the plan's default gateway), internal NIC (persistent routes),
 *          HOSTS file, coturn (A/V Edge, TURN on UDP 3478 / TCP 443), TLS SIP / PSOM / MTLS listeners
 *   [rp1]  reverse proxy: the generated nginx configuration with the planned certificate
 *     | bridge "bi" (perimeter internal segment; with an internal VIP behind [ilb])
 *   [ifw]  internal firewall: the plan's internal rows (nftables)
 *     | veth
 *   [lan]  internal network: Front End pool stand-in (web 4443/8080, SIP), Directors, internal DNS (BIND, internal
 *          view), internal client
 */
import { mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { FORWARDING_SYSCTL, ruleCounts } from "../lab/guest/iptables";
import { nginxConfig } from "../lab/guest/nginx";
import { carriesSip, carriesTls } from "../model/application";
import { cidrContains, hostAt, isIpv4, parseCidr } from "../model/net";
import { SIPFED_FQDN } from "../model/hybrid";
import { includesInternet } from "../model/peer";
import type { Certificate, Plan, PlanServer } from "../model/plan";
import { zoneFiles } from "../lab/zones";
import { mediaRow, type PortProbe, type Probe, type ProbeFrom } from "../model/probes";
import type { AgentItem, AgentReply, Origin, TurnAccount, Vantage } from "../probe/vantage";
import { productInfo } from "../model/products";
import { AGENT_SOURCE } from "./agent";
import { AgentProcess } from "./agent-process";
import { MSTURN_STANDIN_SOURCE, msTurnRedirect } from "./msturn-standin";
import { ipv4Prefixes, notEmulated } from "./scope";
import { namedOptions, nginxMainConf } from "../lab/daemon-conf";
import { NETNS_ETC } from "./cleanup";
import { RunCa, type IssuedCertificate } from "./pki";
import { applianceRules, closedLayout, internalFirewallRules, loadBalancerRules, refusingInternalRules } from "../lab/rulesets";
import { makeNewDir, ownDirectory, writeNewFile, type RunRecord } from "./run-registry";
import { CommandError, inNs, sh, startDaemon, toolPath, udpBound, type Daemon } from "./sys";

/** Deliberate differences from the plan (fault tests and --mutate): what is built, not what is probed. */
export interface Sabotage {
  /** Rewrites the appliance ruleset text before it is loaded. */
  readonly applianceRules?: (rules: string) => string;
  /** coturn's relay port range instead of the plan's A/V media range. */
  readonly turnRelayRange?: { readonly from: number; readonly to: number };
  /** Raw TCP listeners answer this many milliseconds after the connection (a slow far end, as on a loaded machine). */
  readonly answerDelayMs?: number;
  /**
   * The public address the A/V Edge is configured with (Topology Builder) when it differs from the NAT's: coturn's
   * relayed address and the MS-TURN 401's ALTERNATE-SERVER carry it.
   */
  readonly avPublicAddress?: string;
}

export interface Listener {
  readonly host: string;
  readonly port: number;
  readonly proto: "tcp" | "udp";
  readonly tls?: IssuedCertificate;
  readonly sip?: boolean;
  /** Asks for a client certificate (SIP over MTLS, as the Edge's 5061). */
  readonly mtls?: boolean;
  readonly http?: boolean;
}

/** coturn's TCP port behind the MS-TURN stand-in on TCP 443 (which pipes IETF TURN clients to it). */
const COTURN_TCP_PORT = 3443;
/** Where the nftables rule hands MS-TURN datagrams sent to UDP 3478. */
const MSTURN_UDP_PORT = 3479;

export const TURN_USER = "edge-lab";
export const TURN_PASSWORD = "emulate";

interface Node {
  readonly ns: string;
  readonly server?: PlanServer;
  readonly addresses: Set<string>;
  readonly listeners: Map<string, Listener>;
}

const prefixOf = (cidr: string) => parseCidr(cidr).prefix;
const key = (l: { proto: string; host: string; port: number }) => `${l.proto}|${l.host}|${l.port}`;

export class World implements Vantage {
  readonly nodes = new Map<string, Node>();
  readonly daemons: Daemon[] = [];
  readonly clientIp: string;
  readonly partnerIp: string;
  readonly publicDnsIp: string;
  readonly internalClientIp: string;
  readonly internalDnsIp: string;
  /** The partner's media address and port where turnutils_peer echoes relayed media. */
  readonly peerIp: string;
  readonly peerPort: number;
  /** Microsoft 365 stand-in: its IPv4 prefixes (routed to the simulated Internet) and the address that opens its rows. */
  readonly m365Prefixes: readonly string[];
  readonly m365OriginIp?: string;
  readonly ca: RunCa;
  readonly agentFile: string;
  private readonly msTurnFile: string;
  private readonly certs = new Map<string, IssuedCertificate>();
  private readonly agents = new Map<string, AgentProcess>();
  /** The listeners each port probe reaches (empty: one of its far ends is coturn, nginx or a web listener). */
  private readonly farEnds = new Map<Probe, { node: Node; key: string }[]>();

  constructor(
    readonly plan: Plan,
    readonly site: string,
    readonly run: RunRecord,
    readonly probes: readonly Probe[],
    readonly sabotage: Sabotage = {},
  ) {
    const layout = closedLayout(plan);
    const sim = layout.simInternet!;
    const simCidr = parseCidr(sim.cidr);
    this.clientIp = sim.clientIp;
    this.partnerIp = hostAt(simCidr, 20);
    this.publicDnsIp = hostAt(simCidr, 53);
    const taken = new Set(plan.servers.flatMap((s) => s.interfaces.flatMap((i) => i.addresses.map((a) => a.ip))));
    for (const v of plan.vips) taken.add(v.ip);
    for (const s of plan.scenario.sites) for (const a of s.nextHop.addresses) taken.add(a);
    const lan = parseCidr(this.planSite.networks.internalNetworks[0]);
    const free = (from: number) => {
      for (let i = from; ; i++) {
        const ip = hostAt(lan, i);
        if (!taken.has(ip)) return (taken.add(ip), ip);
      }
    };
    this.internalDnsIp = free(53);
    this.internalClientIp = free(200);
    this.peerIp = hostAt(simCidr, 21);
    this.peerPort = this.peerPortOf();
    const remote = probes.flatMap((p) => [
      ...(p.from.kind === "remote" ? ipv4Prefixes(p.from.prefixes) : []),
      ...(p.kind === "port" && p.remote && p.address.includes("/") ? ipv4Prefixes([p.address]) : []),
    ]);
    this.m365Prefixes = [...new Set(remote)];
    this.m365OriginIp = this.m365Prefixes.length ? hostAt(parseCidr(this.m365Prefixes[0]), 11) : undefined;
    this.ca = new RunCa(join(this.dir, "pki"));
    this.agentFile = join(this.dir, "agent.js");
    writeNewFile(this.agentFile, AGENT_SOURCE, 0o600);
    this.msTurnFile = join(this.dir, "msturn.js");
    writeNewFile(this.msTurnFile, MSTURN_STANDIN_SOURCE, 0o600);
    makeNewDir(join(this.dir, "logs"));
  }

  private m365Cert?: IssuedCertificate;
  /** The stand-in's certificate: Microsoft 365's federation name (the hosting provider's ProxyFqdn). */
  m365Certificate(): IssuedCertificate {
    return (this.m365Cert ??= this.ca.issue("m365", SIPFED_FQDN, [SIPFED_FQDN]));
  }

  /** The stand-in's service address inside a Microsoft 365 prefix (where the Edge's outbound rows arrive). */
  m365ServiceIp(prefix: string): string {
    return hostAt(parseCidr(prefix), 10);
  }

  get planSite() {
    return this.plan.scenario.sites.find((s) => s.name === this.site)!;
  }

  /** The plan's A/V media range (the RTP rows), 50000-59999 in Microsoft's tables. */
  get mediaRange(): { from: number; to: number } {
    return mediaRow(this.plan, this.site)?.ports ?? { from: 50000, to: 59999 };
  }

  /**
   * Where the partner's turnutils_peer echoes relayed media: a port the plan lets the A/V Edge send UDP to. With the
   * UDP media range open outbound (OCS 2007 federation) a port inside it, otherwise UDP 3478 (the far side's A/V
   * Edge, as Lync relays media between Edges).
   */
  private peerPortOf(): number {
    const av = new Set(this.plan.servers.flatMap((s) => avExternalAddresses(s).map((a) => a.ip)));
    const out = this.plan.firewallRules.filter(
      (r) =>
        r.site === this.site &&
        r.direction === "outbound" &&
        r.transport === "UDP" &&
        includesInternet(r.destination) &&
        r.source.addresses.some((a) => av.has(a)),
    );
    const range = out.find((r) => r.ports.to > r.ports.from);
    if (range) return Math.min(range.ports.from + 5000, range.ports.to);
    return out[0]?.ports.from ?? 3478;
  }

  ns(role: string): string {
    return `${this.tag}-${role}`;
  }

  /**
   * The network build's ip commands, queued per namespace ("" for the host's) and run as batches by runIpBatches():
   * one `ip -batch` makes the namespaces and the links between them, then one `ip -n <ns> -batch` per namespace
   * (addresses, bridges, routes in the order they were asked for): about 12 processes instead of 120.
   */
  private readonly ipBatches = new Map<string, string[][]>();

  private ip(ns: string, ...args: string[]) {
    // A batch line is split at white space: no argument may hold any (none of the plan's values do).
    if (args.some((a) => a === "" || /\s/.test(a))) throw new Error(`edge-lab emulate: ip argument with white space: ${JSON.stringify(args)}`);
    this.ipBatches.set(ns, [...(this.ipBatches.get(ns) ?? []), args]);
  }

  private runIpBatches(): void {
    const namespaces = [...this.ipBatches.keys()].filter((ns) => ns !== "");
    for (const ns of ["", ...namespaces]) {
      const lines = this.ipBatches.get(ns) ?? [];
      if (!lines.length) continue;
      const r = sh("ip", [...(ns ? ["-n", ns] : []), "-batch", "-"], { input: lines.map((l) => l.join(" ")).join("\n") + "\n", allowFail: true });
      if (r.status !== 0) {
        const failed = lines[Number(/-:(\d+)/.exec(r.stderr)?.[1]) - 1];
        throw new CommandError(`ip ${ns ? `-n ${ns} ` : ""}${failed ? failed.join(" ") : "-batch"} failed: ${r.stderr.trim().slice(0, 2000)}`);
      }
    }
    this.ipBatches.clear();
  }

  private addNs(role: string, server?: PlanServer): Node {
    const ns = this.ns(role);
    // Recorded first: a build that fails halfway removes what the batch made.
    this.run.addNamespace(ns);
    this.ip("", "netns", "add", ns);
    this.ip(ns, "link", "set", "lo", "up");
    const node: Node = { ns, server, addresses: new Set(), listeners: new Map() };
    this.nodes.set(role, node);
    return node;
  }

  private veth(a: string, nsA: string, b: string, nsB: string) {
    this.ip("", "link", "add", a, "netns", nsA, "type", "veth", "peer", "name", b, "netns", nsB);
    this.ip(nsA, "link", "set", a, "up");
    this.ip(nsB, "link", "set", b, "up");
  }

  private bridge(ns: string, name: string) {
    this.ip(ns, "link", "add", name, "type", "bridge");
    this.ip(ns, "link", "set", name, "up");
  }

  private addr(node: Node, ip: string, prefix: number, dev: string) {
    this.ip(node.ns, "addr", "add", `${ip}/${prefix}`, "dev", dev);
    node.addresses.add(ip);
  }

  private forwarding(ns: string) {
    const settings = FORWARDING_SYSCTL.split("\n")
      .filter((l) => l.includes("="))
      .map((l) => l.replace(/\s*=\s*/, "="));
    sh("ip", inNs(ns, ["sysctl", "-q", "-w", ...settings]));
  }

  /** Issues the built plan's certificate of this table row (probes carry the expected one; faults change the built one). */
  private certFor(planned: Certificate): IssuedCertificate {
    const c = this.plan.certificates.find((x) => x.id === planned.id) ?? planned;
    let issued = this.certs.get(c.id);
    if (!issued) this.certs.set(c.id, (issued = this.ca.issuePlanned(c)));
    return issued;
  }

  /**
   * A load balancer namespace between a firewall and a perimeter segment: a /30 transit link (in the site's lab
   * infrastructure block), the firewall routing `prefixes` through it; it becomes the segment's router.
   */
  private loadBalancerBehind(firewall: Node, role: string, dev: string, firewallIp: string, lbIp: string, prefixes: readonly string[]): Node {
    const lb = this.addNs(role);
    this.veth(dev, firewall.ns, "up0", lb.ns);
    this.addr(firewall, firewallIp, 30, dev);
    this.addr(lb, lbIp, 30, "up0");
    for (const p of prefixes) this.ip(firewall.ns, "route", "add", p, "via", lbIp);
    this.ip(lb.ns, "route", "add", "default", "via", firewallIp);
    return lb;
  }

  /** Builds the namespaces, links, addresses, routes and rulesets (no daemons yet). */
  buildNetwork(): void {
    const plan = this.plan;
    const layout = closedLayout(plan);
    const siteLayout = layout.sites.find((s) => s.site.name === this.site)!;
    const fwl = siteLayout.firewall!;
    const sim = layout.simInternet!;
    const servers = plan.servers.filter((s) => s.site === this.site);
    const vips = plan.vips.filter((v) => v.site === this.site);
    const extVips = vips.filter((v) => v.side === "external");
    const intVips = vips.filter((v) => v.side === "internal" && v.service !== "director-web");
    const infra = parseCidr(siteLayout.infraCidr);

    const inet = this.addNs("inet");
    const fw = this.addNs("fw");
    this.veth("c0", inet.ns, "out0", fw.ns);
    const simPrefix = prefixOf(sim.clientSubnet);
    for (const ip of [this.clientIp, this.partnerIp, this.peerIp, this.publicDnsIp]) this.addr(inet, ip, simPrefix, "c0");
    this.ip(inet.ns, "route", "add", "default", "via", fwl.outsideIp, "dev", "c0", "onlink");
    this.addr(fw, fwl.outsideIp, 32, "out0");
    this.ip(fw.ns, "route", "add", sim.clientSubnet, "dev", "out0");
    // Microsoft 365 stand-in: one service address per IPv4 prefix and the origin address, the prefixes routed to [inet].
    for (const prefix of this.m365Prefixes) {
      this.addr(inet, this.m365ServiceIp(prefix), 32, "c0");
      this.ip(fw.ns, "route", "add", prefix, "dev", "out0");
    }
    if (this.m365OriginIp) this.addr(inet, this.m365OriginIp, 32, "c0");

    // Perimeter external segment: gateways on the firewall, or on the load balancer in front of it.
    const extNics = servers.flatMap((s) => s.interfaces.filter((i) => i.side === "external"));
    const extSubnets = [...new Map(extNics.map((i) => [i.subnet, i.gateway ?? hostAt(parseCidr(i.subnet), 1)])).entries()];
    const extVipRoutes = extVips.filter((v) => !extSubnets.some(([s]) => cidrContains(parseCidr(s), v.ip))).map((v) => `${v.ip}/32`);
    const extRouter = extVips.length
      ? this.loadBalancerBehind(fw, "xlb", "x0", hostAt(infra, 33), hostAt(infra, 34), [...extSubnets.map(([s]) => s), ...extVipRoutes])
      : fw;
    this.bridge(extRouter.ns, "bx");
    for (const [subnet, gw] of extSubnets) this.addr(extRouter, gw, prefixOf(subnet), "bx");
    for (const v of extVips) {
      const subnet = extSubnets.find(([s]) => cidrContains(parseCidr(s), v.ip));
      this.addr(extRouter, v.ip, subnet ? prefixOf(subnet[0]) : 32, "bx");
    }

    // Perimeter internal segment.
    const pint = this.planSite.networks.perimeterInternal;
    const intNics = servers.flatMap((s) => s.interfaces.filter((i) => i.side === "internal"));
    const pintGw = intNics.flatMap((i) => i.routes.map((r) => r.via)).find((ip) => cidrContains(parseCidr(pint), ip)) ?? hostAt(parseCidr(pint), 1);
    const ifw = this.addNs("ifw");
    const intRouter = intVips.length ? this.loadBalancerBehind(ifw, "ilb", "i0", hostAt(infra, 37), hostAt(infra, 38), [pint]) : ifw;
    this.bridge(intRouter.ns, "bi");
    this.addr(intRouter, pintGw, prefixOf(pint), "bi");
    for (const v of intVips) this.addr(intRouter, v.ip, prefixOf(pint), "bi");

    // Internal network: the next hop, Directors, Office Web Apps, internal DNS and client.
    const lan = this.addNs("lan");
    this.veth("l0", ifw.ns, "l0", lan.ns);
    const internalNets = this.planSite.networks.internalNetworks;
    for (const n of internalNets) this.addr(ifw, hostAt(parseCidr(n), 1), prefixOf(n), "l0");
    const lanIps = new Set<string>([this.internalDnsIp, this.internalClientIp, ...this.planSite.nextHop.addresses]);
    for (const r of plan.firewallRules.filter((x) => x.site === this.site)) {
      for (const a of [...r.source.addresses, ...r.destination.addresses])
        if (isIpv4(a) && internalNets.some((n) => cidrContains(parseCidr(n), a))) lanIps.add(a);
    }
    for (const p of plan.publishingRules.filter((x) => x.site === this.site)) lanIps.add(p.target.ip);
    for (const v of vips.filter((x) => x.service === "director-web")) lanIps.add(v.ip);
    for (const ip of lanIps) {
      const net = internalNets.find((n) => cidrContains(parseCidr(n), ip));
      if (net) this.addr(lan, ip, prefixOf(net), "l0");
    }
    this.ip(lan.ns, "route", "add", "default", "via", hostAt(parseCidr(internalNets[0]), 1));

    // Servers: one namespace each, NICs on the segments, the plan's gateways and persistent routes, HOSTS file.
    servers.forEach((s, i) => {
      const role = `${s.role === "edge" ? "e" : s.role === "reverse-proxy" ? "rp" : "dir"}${i + 1}`;
      if (s.role === "director") return;
      const node = this.addNs(role, s);
      s.interfaces.forEach((nic, j) => {
        const dev = nic.side === "external" ? "ext" : "int";
        const peer = `p${i + 1}${dev[0]}`;
        const router = nic.side === "external" ? extRouter : intRouter;
        this.veth(dev, node.ns, peer, router.ns);
        this.ip(router.ns, "link", "set", peer, "master", nic.side === "external" ? "bx" : "bi");
        for (const a of nic.addresses) this.addr(node, a.ip, prefixOf(nic.subnet), dev);
        for (const r of nic.routes) this.ip(node.ns, "route", "add", r.destination, "via", r.via, "dev", dev);
        if (nic.gateway) this.ip(node.ns, "route", "add", "default", "via", nic.gateway, "dev", dev, "metric", String(100 + j));
      });
      this.hostsFile(node.ns, ["127.0.0.1 localhost", ...s.hosts.map((h) => `${h.ip} ${h.fqdn}`), ""].join("\n"));
    });
    this.hostsFile(lan.ns, "127.0.0.1 localhost\n");

    this.runIpBatches();
    // Fail closed: every ruleset is loaded and checked before any namespace forwards a packet.
    this.loadExternalRules(applianceRules(plan, this.site));
    this.loadInternalRules(plan);
    if (extVips.length) this.loadNft(extRouter.ns, loadBalancerRules(plan, extVips), "load balancer (external)");
    if (intVips.length) this.loadNft(intRouter.ns, loadBalancerRules(plan, intVips), "load balancer (internal)");
    for (const n of [fw, ifw, ...(extRouter !== fw ? [extRouter] : []), ...(intRouter !== ifw ? [intRouter] : [])]) this.forwarding(n.ns);
  }

  /**
   * /etc/netns/<ns>/hosts, which `ip netns exec` bind-mounts over /etc/hosts: the directory is made new (never one
   * that exists), recorded for the teardown, and the file created exclusively.
   */
  private hostsFile(ns: string, content: string): void {
    try {
      mkdirSync(NETNS_ETC, { mode: 0o755 });
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== "EEXIST") throw e;
    }
    const st = ownDirectory(NETNS_ETC);
    if (!st || (st.mode & 0o022) !== 0)
      throw new Error(`edge-lab emulate: ${NETNS_ETC} is not root's own directory (a link, or writable by others); refusing to write below it`);
    const dir = join(NETNS_ETC, ns);
    makeNewDir(dir, 0o755);
    this.run.addNetnsEtc(ns);
    writeNewFile(join(dir, "hosts"), content, 0o644);
  }

  /** Loads an nftables ruleset as one transaction (flush included): it loads whole or not at all. */
  private loadNft(ns: string, rules: string, what: string): void {
    sh("ip", inNs(ns, ["nft", "-f", "-"]), { input: `flush ruleset\n${rules}` });
    const listed = sh("ip", inNs(ns, ["nft", "list", "ruleset"])).stdout;
    // A rule line of our rulesets and of `nft list ruleset` alike: indented, starting with its first match (or a bare
    // reject, --mutate's end of the chain).
    const ruleLines = (text: string) => (text.match(/^\s+((ip|ct) .*|reject( .*)?)$/gm) ?? []).length;
    const expected = ruleLines(rules);
    const loaded = ruleLines(listed);
    const policyDrop = !/policy drop;/.test(rules) || /policy drop;/.test(listed);
    if (loaded !== expected || !policyDrop)
      throw new Error(
        `edge-lab emulate: the ${what} ruleset in ${ns} did not load completely (${loaded} of ${expected} rules${policyDrop ? "" : ", no drop policy"}); not probing`,
      );
  }

  get tag(): string {
    return this.run.tag;
  }

  /** The run's private directory (under the root-owned base). */
  get dir(): string {
    return this.run.dir;
  }

  /** Loads (or replaces) the external firewall's ruleset; the sabotage hook may rewrite it first. */
  loadExternalRules(rules: string): void {
    const text = this.sabotage.applianceRules ? this.sabotage.applianceRules(rules) : rules;
    sh("ip", inNs(this.ns("fw"), ["iptables-restore"]), { input: text });
    // Fail closed: the filter table must be complete (policy DROP, every rule) before a packet is probed.
    const loaded = ruleCounts(sh("ip", inNs(this.ns("fw"), ["iptables-save"])).stdout);
    const expected = ruleCounts(text);
    if (loaded.forwardPolicy !== "DROP" || loaded.filter !== expected.filter || loaded.nat !== expected.nat)
      throw new Error(
        `edge-lab emulate: the external firewall ruleset did not load completely (FORWARD policy ${loaded.forwardPolicy ?? "none"}, filter ${loaded.filter} of ${expected.filter} rules, nat ${loaded.nat} of ${expected.nat}); not probing`,
      );
    // iptables-restore replaces the tables, but conntrack keeps flows of the previous ruleset alive: forget them.
    if (toolPath("conntrack")) sh("ip", inNs(this.ns("fw"), ["conntrack", "-F"]), { allowFail: true });
  }

  /** Loads (or replaces) the internal firewall's ruleset; `refusing`: what it drops is refused instead (--mutate). */
  loadInternalRules(plan: Plan, refusing = false): void {
    const rules = internalFirewallRules(plan, this.site);
    this.loadNft(this.ns("ifw"), refusing ? refusingInternalRules(rules) : rules, "internal firewall");
  }

  /** The namespace holding an address (a plan address, a VIP's first member for VIP addresses). */
  nodeOf(ip: string): Node | undefined {
    for (const n of this.nodes.values()) if (n.server && n.addresses.has(ip)) return n;
    const vip = this.plan.vips.find((v) => v.ip === ip && v.site === this.site);
    if (vip && vip.service !== "director-web") return this.nodeOf(vip.members[0].ip);
    const lan = this.nodes.get("lan")!;
    return lan.addresses.has(ip) ? lan : undefined;
  }

  /** Vantage: the namespace (the place) and local address a probe starts from. */
  origin(from: ProbeFrom): Origin {
    if (from.kind === "internet") return { place: this.ns("inet"), local: this.clientIp };
    if (from.kind === "internal") return { place: this.ns("lan"), local: this.internalClientIp };
    if (from.kind === "remote") {
      if (!this.m365OriginIp) throw new Error(`edge-lab emulate: no IPv4 stand-in for ${from.prefixes.join(", ")}`);
      return { place: this.ns("inet"), local: this.m365OriginIp };
    }
    const node = this.nodeOf(from.ip);
    if (!node) throw new Error(`edge-lab emulate: no namespace holds ${from.ip}`);
    return { place: node.ns, local: from.ip };
  }

  /** Vantage: probes the emulation has no stand-in for (IPv6-only far ends). */
  skipReason(p: Probe): string | undefined {
    return notEmulated(p);
  }

  /** Vantage: the simulated Internet's DNS server (external view) or the internal one. */
  dnsServer(view: "external" | "internal"): string {
    return view === "external" ? this.publicDnsIp : this.internalDnsIp;
  }

  /** Vantage: the federated partner for any Internet address, Microsoft 365's stand-in, the internal client for a network. */
  portTarget(p: PortProbe): string {
    if (p.toInternet) return this.partnerIp;
    if (p.remote && p.from.kind === "server") return this.m365ServiceIp(p.address);
    return p.address.includes("/") ? this.internalClientIp : p.address;
  }

  /** Vantage: the run's CA, which issued every certificate of the emulation. */
  get trustAnchor(): string {
    return this.ca.caCert;
  }

  /** The namespace's probe agent, started on first use (startServices starts those of the probes' origins). */
  private agentOf(place: string): AgentProcess {
    let agent = this.agents.get(place);
    if (!agent) {
      if (![...this.nodes.values()].some((n) => n.ns === place)) throw new Error(`edge-lab emulate: no namespace ${place}`);
      agent = new AgentProcess(place, this.agentFile, this.log(`agent-${place}`));
      if (agent.proc.pid) this.run.addDaemon(`probe agent in ${place}`, agent.proc.pid);
      this.agents.set(place, agent);
    }
    return agent;
  }

  /** Ends the probe agents (--keep leaves the namespaces up, not the agents). */
  closeAgents(): void {
    for (const a of this.agents.values()) a.close();
  }

  /** Vantage: the namespace's agent runs the items in parallel. */
  async send(place: string, items: readonly AgentItem[]): Promise<AgentReply[]> {
    const started = Date.now();
    const replies = await this.agentOf(place).send(items);
    if (process.env.EDGE_LAB_EMULATE_DEBUG)
      process.stderr.write(
        `agent ${place}: ${items.map((i, n) => `${i.type} ${i.host ?? i.server ?? i.name}:${i.port ?? ""}${replies[n].ok ? "" : ` (${replies[n].error})`} ${JSON.stringify(replies[n].reply ?? {})}`).join(", ")} in ${Date.now() - started} ms\n`,
      );
    return replies;
  }

  /** Vantage: coturn's credentials; the partner's turnutils_peer echoes the relayed media. */
  turnAccount(): TurnAccount {
    return { user: TURN_USER, password: TURN_PASSWORD, peer: { host: this.peerIp, port: this.peerPort } };
  }

  /**
   * True when every far end of a TCP port probe is one of the emulation's raw TCP listeners, which answer with the
   * address they saw: the prober then waits for that answer (NAT-03 / NAT-04 are checked on it) instead of passing
   * a bare connection. False for TLS, HTTP, coturn and nginx far ends (they say nothing on a bare connection).
   */
  answersWithSource(p: Probe): boolean {
    if (p.kind !== "port" || p.transport !== "TCP") return false;
    const ends = this.farEnds.get(p) ?? [];
    return (
      ends.length > 0 &&
      ends.every(({ node, key: k }) => {
        const l = node.listeners.get(k);
        return l !== undefined && !l.tls && !l.http;
      })
    );
  }

  /** Plan address behind a public / VIP address: the addresses whose listeners must answer. */
  private planAddresses(address: string): string[] {
    const vip = this.plan.vips.find((v) => v.ip === address && v.site === this.site && v.service !== "director-web");
    if (vip) return vip.members.map((m) => m.ip);
    for (const s of this.plan.servers) for (const nic of s.interfaces) for (const a of nic.addresses) if (a.natPublic === address) return [a.ip];
    return [address];
  }

  private listen(node: Node, l: Listener) {
    const k = key(l);
    const had = node.listeners.get(k);
    if (!had || (!had.tls && l.tls) || (!had.http && l.http)) node.listeners.set(k, { ...had, ...l });
  }

  /** Which server addresses coturn serves: A/V external addresses and the internal addresses of A/V Edges. */
  private turnAddresses(s: PlanServer): string[] {
    if (s.role !== "edge") return [];
    const internal = s.interfaces.filter((i) => i.side === "internal").flatMap((i) => i.addresses.filter((a) => a.role === "internal"));
    return [...avExternalAddresses(s), ...internal].map((a) => a.ip);
  }

  private isTurnEndpoint(node: Node, host: string, proto: "tcp" | "udp", port: number): boolean {
    return (
      node.server !== undefined && this.turnAddresses(node.server).includes(host) && ((proto === "udp" && port === 3478) || (proto === "tcp" && port === 443))
    );
  }

  /** Listeners every probe needs, placed from the probe list (so that a probe fails only when the network does). */
  private planListeners(): void {
    const inet = this.nodes.get("inet")!;
    const certFor = (node: Node, address: string): IssuedCertificate | undefined => {
      const t = this.probes.find((p) => p.kind === "tls" && this.planAddresses(p.address).includes(address));
      if (t && t.kind === "tls") return this.certFor(t.certificate);
      const s = node.server;
      if (!s) return undefined;
      const side = s.interfaces.find((i) => i.addresses.some((a) => a.ip === address))?.side;
      const c =
        this.plan.certificates.find((x) => x.installedOn.includes(s.id) && x.id.endsWith(side ?? "")) ??
        this.plan.certificates.find((x) => x.installedOn.includes(s.id));
      return c ? this.certFor(c) : undefined;
    };
    for (const p of this.probes.filter((x) => !notEmulated(x))) {
      if (p.kind === "port" || p.kind === "tls") {
        if (p.kind === "port" && p.remote && p.from.kind === "server") {
          // Edge -> Microsoft 365: the stand-in answers; SIP/MTLS with its certificate and SIP OPTIONS.
          const proto = p.transport === "TCP" ? "tcp" : "udp";
          const tls = proto === "tcp" && carriesTls(p.rule.application) ? this.m365Certificate() : undefined;
          this.listen(inet, { host: this.m365ServiceIp(p.address), port: p.port, proto, ...(tls ? { tls, sip: true } : {}) });
          this.farEnds.set(p, [{ node: inet, key: key({ proto, host: this.m365ServiceIp(p.address), port: p.port }) }]);
          continue;
        }
        if (p.kind === "port" && p.toInternet) {
          const proto = p.transport === "TCP" ? "tcp" : "udp";
          this.listen(inet, { host: this.partnerIp, port: p.port, proto });
          this.farEnds.set(p, [{ node: inet, key: key({ proto, host: this.partnerIp, port: p.port }) }]);
          continue;
        }
        const proto = p.kind === "tls" || p.transport === "TCP" ? "tcp" : "udp";
        const tlsRow = carriesTls(p.rule.application) && proto === "tcp";
        const ends: { node: Node; key: string }[] = [];
        let ownListeners = true;
        for (const host of this.planAddresses(p.address).flatMap((a) => (a.includes("/") ? [this.internalClientIp] : [a]))) {
          const node = this.nodeOf(host);
          if (!node || this.isTurnEndpoint(node, host, proto, p.port)) {
            ownListeners = false;
            continue;
          }
          if (node.server?.role === "reverse-proxy" && node.server.interfaces.some((i) => i.side === "external" && i.addresses.some((a) => a.ip === host))) {
            ownListeners = false;
            continue; // nginx
          }
          const web = this.plan.publishingRules.some((r) => r.site === this.site && r.target.ip === host && r.bridges.some((b) => b.target === p.port));
          if (web) {
            ownListeners = false;
            continue;
          }
          const mtls = p.rule.application === "sip-mtls";
          this.listen(node, { host, port: p.port, proto, ...(tlsRow ? { tls: certFor(node, host), sip: carriesSip(p.rule.application), mtls } : {}) });
          ends.push({ node, key: key({ proto, host, port: p.port }) });
        }
        if (p.kind === "port") this.farEnds.set(p, ownListeners ? ends : []);
      } else if (p.kind === "blocked") {
        for (const host of this.planAddresses(p.address)) {
          const node = this.nodeOf(host);
          const proto = p.transport === "TCP" ? "tcp" : "udp";
          if (node && !this.isTurnEndpoint(node, host, proto, p.port) && node.server?.role !== "reverse-proxy")
            this.listen(node, { host, port: p.port, proto });
        }
      }
    }
    // Front End / Director web services behind the reverse proxy: HTTPS 4443 and HTTP 8080 answering with the Host.
    const lan = this.nodes.get("lan")!;
    for (const r of this.plan.publishingRules.filter((x) => x.site === this.site)) {
      for (const b of r.bridges) {
        // The plan's certificate where a TLS probe names one for this address (Director), else one for the pool FQDN.
        const planned = this.probes.find((p) => p.kind === "tls" && p.address === r.target.ip);
        const cert =
          b.scheme !== "https"
            ? undefined
            : planned?.kind === "tls"
              ? this.certFor(planned.certificate)
              : this.ca.issue(`web-${r.target.fqdn}`, r.target.fqdn, [r.target.fqdn]);
        const node = this.nodeOf(r.target.ip) ?? lan;
        this.listen(node, { host: r.target.ip, port: b.target, proto: "tcp", http: true, ...(cert ? { tls: cert } : {}) });
      }
    }
  }

  private log(name: string): string {
    return join(this.dir, "logs", `${name}.log`);
  }

  /** Starts a daemon and records its pid (and start time) for the teardown and --cleanup. */
  private daemon(...args: Parameters<typeof startDaemon>): Promise<Daemon> {
    const started = Date.now();
    return startDaemon(...args).then((d) => {
      if (d.proc.pid) this.run.addDaemon(d.name, d.proc.pid);
      if (process.env.EDGE_LAB_EMULATE_DEBUG) process.stderr.write(`daemon ${d.name}: ready in ${Date.now() - started} ms\n`);
      return d;
    });
  }

  /** Starts every daemon: DNS servers, coturn, nginx, the TURN peer, and the probe agents with their listeners. */
  async startServices(): Promise<void> {
    // Every certificate is issued at once in the background (the listeners' here, coturn's and nginx's as they
    // start); what reads one waits for them (RunCa.settled), everything else starts right away.
    this.planListeners();
    const starts: Promise<Daemon>[] = [];
    const listening: Promise<void>[] = [];
    starts.push(...this.startDns());
    for (const node of this.nodes.values()) {
      const s = node.server;
      if (s?.role === "edge" && this.turnAddresses(s).length) {
        starts.push(this.startCoturn(node, s));
        listening.push(this.startMsTurn(node, s));
      }
      if (s?.role === "reverse-proxy") starts.push(this.startNginx(node, s));
    }
    for (const node of this.nodes.values()) {
      if (!node.listeners.size) continue;
      const listeners = [...node.listeners.values()];
      const file = join(this.dir, `listen-${node.ns}.json`);
      writeNewFile(
        file,
        JSON.stringify({
          tcp: listeners.filter((l) => l.proto === "tcp"),
          udp: listeners.filter((l) => l.proto === "udp"),
          sip: this.sipIdentity(node),
          ...(this.sabotage.answerDelayMs ? { delayMs: this.sabotage.answerDelayMs } : {}),
        }),
      );
      // The namespace's probe agent listens too (one Node process per namespace, each about 0.1 s of CPU): it starts
      // now, and binds once the certificates are there.
      const agent = this.agentOf(node.ns);
      listening.push(this.ca.settled().then(() => agent.listen(file)));
    }
    // turnutils_peer prints nothing when it starts: ready once its UDP socket is bound.
    starts.push(
      this.daemon(
        "turnutils_peer",
        "ip",
        inNs(this.ns("inet"), ["turnutils_peer", "-L", this.peerIp, "-p", String(this.peerPort)]),
        (pid) => udpBound(pid, this.peerIp, this.peerPort),
        this.log("turnutils_peer"),
      ),
    );
    // The probe agents of the probes' origins start meanwhile (a probe run then costs no Node start).
    const places = new Set(
      this.probes.filter((p) => !notEmulated(p)).flatMap((p) => (p.from.kind !== "remote" || this.m365OriginIp ? [this.origin(p.from).place] : [])),
    );
    const agents = [...places].map((place) => this.agentOf(place).ready);
    const results = await Promise.allSettled([...starts, ...listening, ...agents]);
    for (const r of results) if (r.status === "fulfilled" && r.value) this.daemons.push(r.value);
    const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
    if (failed) throw failed.reason;
  }

  private startDns(): Promise<Daemon>[] {
    const zones = zoneFiles(this.plan, { nameServerAddress: this.publicDnsIp });
    return (["external", "internal"] as const).map((view) => {
      const dir = join(this.dir, `named-${view}`);
      makeNewDir(dir);
      const address = view === "external" ? this.publicDnsIp : this.internalDnsIp;
      const conf = [...namedOptions(dir, [address]), `view "${view}" {`, "  match-clients { any; };"];
      for (const z of zones.filter((x) => x.view === view)) {
        writeNewFile(join(dir, z.flatName), z.content);
        conf.push(`  zone "${z.zone}" { type primary; file "${z.flatName}"; };`);
      }
      conf.push("};", "");
      writeNewFile(join(dir, "named.conf"), conf.join("\n"));
      const ns = view === "external" ? this.ns("inet") : this.ns("lan");
      return this.daemon(`named (${view} view)`, "ip", inNs(ns, ["named", "-g", "-c", join(dir, "named.conf")]), /running/, this.log(`named-${view}`));
    });
  }

  private async startCoturn(node: Node, s: PlanServer): Promise<Daemon> {
    const dir = join(this.dir, `coturn-${node.ns}`);
    makeNewDir(dir);
    const ext = avExternalAddresses(s);
    const range = this.sabotage.turnRelayRange ?? this.mediaRange;
    const cert =
      this.plan.certificates.find((c) => c.installedOn.includes(s.id) && c.id.endsWith("external")) ??
      this.plan.certificates.find((c) => c.installedOn.includes(s.id))!;
    const issued = this.certFor(cert);
    await this.ca.settled();
    const conf = [
      ...this.turnAddresses(s).map((ip) => `listening-ip=${ip}`),
      ...ext.map((a) => `relay-ip=${a.ip}`),
      // NAT: the relayed address carries the public address (NAT-02; coturn's own note: port-preserving 1:1 NAT).
      ...ext.filter((a) => a.natPublic || this.sabotage.avPublicAddress).map((a) => `external-ip=${this.sabotage.avPublicAddress ?? a.natPublic}/${a.ip}`),
      "listening-port=3478",
      // TCP 443 is the MS-TURN stand-in's, which pipes IETF TURN clients here (coturn serves plain TCP on its TLS port).
      `tls-listening-port=${COTURN_TCP_PORT}`,
      // No RFC 5780 alternative ports (with two listening addresses coturn also binds each port + 1): 444 is the Web
      // Conferencing port of a single-IP Edge (NET-14), and the plan opens no 3479.
      "no-rfc5780",
      `min-port=${range.from}`,
      `max-port=${range.to}`,
      "lt-cred-mech",
      `user=${TURN_USER}:${TURN_PASSWORD}`,
      "realm=edge-lab.emulate",
      `cert=${issued.cert}`,
      `pkey=${issued.key}`,
      `userdb=${join(dir, "turndb")}`,
      `pidfile=${join(dir, "turnserver.pid")}`,
      "no-cli",
      "no-dtls",
      "no-tcp-relay",
      "log-file=stdout",
      "simple-log",
      "",
    ];
    writeNewFile(join(dir, "turnserver.conf"), conf.join("\n"), 0o600);
    return this.daemon(
      `coturn in ${node.ns}`,
      "ip",
      inNs(node.ns, ["turnserver", "-c", join(dir, "turnserver.conf")]),
      /Total General servers/,
      this.log(`coturn-${node.ns}`),
    );
  }

  /**
   * The A/V Edge's MS-TURN answers (./msturn-standin.ts): UDP 3478 datagrams that carry MS-TURN's MAGIC-COOKIE
   * attribute are redirected to it by nftables in the Edge's namespace; TCP 443 is its own, IETF TURN piped to coturn.
   */
  private startMsTurn(node: Node, s: PlanServer): Promise<void> {
    const hosts = this.turnAddresses(s);
    const alternate = Object.fromEntries(avExternalAddresses(s).map((a) => [a.ip, this.sabotage.avPublicAddress ?? a.natPublic ?? a.ip]));
    const file = join(this.dir, `msturn-${node.ns}.json`);
    const config = {
      udp: hosts.map((host) => ({ host, port: MSTURN_UDP_PORT })),
      tcp: hosts.map((host) => ({ host, port: 443, coturnPort: COTURN_TCP_PORT })),
      realm: this.plan.scenario.sipDomains[0],
      alternate,
    };
    writeNewFile(file, JSON.stringify(config), 0o600);
    sh("ip", inNs(node.ns, ["nft", "-f", "-"]), { input: msTurnRedirect(hosts, MSTURN_UDP_PORT) });
    const listed = sh("ip", inNs(node.ns, ["nft", "list", "table", "ip", "edge_lab_msturn"])).stdout;
    if ((listed.match(/dnat to /g) ?? []).length !== hosts.length) throw new Error(`edge-lab emulate: the MS-TURN redirect did not load in ${node.ns}`);
    // In the namespace's probe agent (one Node process per namespace), as the listeners.
    return this.agentOf(node.ns).msTurn(this.msTurnFile, file);
  }

  /**
   * What the SIP listeners of a node say (agent `sip`): the product's Server header, the registrar the 401 names
   * (the site's next hop), and on an Edge the next hop a REGISTER is handed to over MTLS 5061.
   */
  private sipIdentity(node: Node) {
    const hop = this.planSite.nextHop;
    const web = this.plan.publishingRules.find((r) => r.site === this.site)?.target.fqdn ?? hop.fqdn;
    return {
      server: productInfo(this.plan.scenario.product).sipServer.header,
      targetname: hop.fqdn,
      stsUri: `https://${web}/CertProv/CertProvisioningService.svc`,
      ...(node.server?.role === "edge" && hop.addresses[0] ? { nextHop: { host: hop.addresses[0], port: 5061 } } : {}),
    };
  }

  private async startNginx(node: Node, s: PlanServer): Promise<Daemon> {
    const dir = join(this.dir, `nginx-${node.ns}`);
    makeNewDir(dir);
    const rules = this.plan.publishingRules.filter((r) => r.site === this.site);
    const cert = this.plan.certificates.find((c) => c.installedOn.includes(s.id));
    const issued = cert ? this.certFor(cert) : undefined;
    const pems = rules.map((r) => issued ?? this.ca.issue(`rp-${r.publicName}`, r.publicName, [r.publicName]));
    await this.ca.settled();
    const certDir = join(dir, "certs");
    makeNewDir(certDir);
    // One certificate (the plan's reverse proxy certificate) under every published name, as nginx expects.
    for (const [i, r] of rules.entries()) {
      const pem = pems[i];
      writeNewFile(join(certDir, `${r.publicName}.crt`), readFileSync(pem.cert));
      writeNewFile(join(certDir, `${r.publicName}.key`), readFileSync(pem.key), 0o600);
    }
    const listenIp = s.interfaces.find((i) => i.side === "external")!.addresses[0].ip;
    writeNewFile(join(dir, "edge-lab.conf"), nginxConfig(rules, listenIp, { certDir }));
    writeNewFile(join(dir, "nginx.conf"), nginxMainConf(dir, join(dir, "edge-lab.conf")));
    return this.daemon(
      `nginx in ${node.ns}`,
      "ip",
      inNs(node.ns, ["nginx", "-e", "stderr", "-p", `${dir}/`, "-c", join(dir, "nginx.conf")]),
      /start worker|using the "epoll"/,
      this.log(`nginx-${node.ns}`),
    );
  }
}

/**
 * The external addresses that serve A/V (TURN): the A/V address, or with one address per Edge (single-IP mode, NET-14)
 * that address, where A/V has its own port.
 */
function avExternalAddresses(s: PlanServer): PlanServer["interfaces"][number]["addresses"][number][] {
  const external = s.interfaces.filter((i) => i.side === "external").flatMap((i) => i.addresses);
  const av = external.filter((a) => a.role === "av");
  return av.length > 0 || s.role !== "edge" ? av : external;
}
