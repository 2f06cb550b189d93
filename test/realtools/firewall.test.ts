/**
 * The closed lab's external firewall appliance, with real packets: the generated iptables-restore ruleset
 * (lib/lab/guest/iptables.ts, the same text cloud-init installs) is syntax-checked by iptables-restore --test, then
 * loaded into a network namespace that routes between namespaces built from the plan and the lab layout:
 *
 *   [inet] c0 100.64.0.10/25 (simulated Internet client, layout.simInternet.clientIp)
 *      | veth
 *   [fw]   out0 = firewall outside address (layout)  -- generated ruleset + FORWARDING_SYSCTL
 *          pext0 = gateways of the external subnets of the plan (10.45.16.1, 198.51.100.1)
 *          pint0 = first host of the perimeter internal subnet (172.25.33.1)
 *      | veth                                    | veth
 *   [pext] e0: every external address of the     [pint] i0: every perimeter-internal address of the site
 *          site's Edge Servers and reverse proxy         (default route back through the appliance)
 *
 * Listeners (test/realtools/netprobe.js) answer with the address a packet arrived at and the source they saw.
 * Scenarios use documentation and private ranges only: public range 203.0.113.0/24 (NAT) or 198.51.100.0/24
 * (public addressing), perimeter 10.45.16.0/24 and 172.25.33.0/24, simulated Internet 100.64.0.0/24 (RFC 6598, the
 * lab layout's choice). Every namespace is created by this file under a unique name and deleted in afterAll.
 */
import { spawn } from "node:child_process";
import { isIPv4 } from "node:net";
import { join } from "node:path";
import { FORWARDING_SYSCTL, applianceConfigOf, applianceRulesFiles, type FirewallApplianceConfig } from "../../lib/lab/guest/iptables";
import { labLayout } from "../../lib/lab/layout";
import { hostAt, parseCidr } from "../../lib/model/net";
import type { Plan } from "../../lib/model/plan";
import { bundledPlan, bundledScenarioIds, planOf } from "../helpers";
import { describeWithTools, describeEachWithTools } from "../system-tools";
import { ENV, run, startChild, uniqueTag, type Child } from "./tools";

jest.setTimeout(30000);

const NETPROBE = join(__dirname, "netprobe.js");

const SCENARIOS = {
  nat: `
id: rt-fw-nat
product: lync2013
sipDomains: [contoso.com]
internalDomain: contoso.net
federation: { sip: true, ocs2007Partners: true, xmpp: { partners: [gmail.com] } }
sites:
  - name: hq
    edge: { servers: 2, loadBalancing: dns, externalAddressing: nat }
    network:
      perimeterExternal: 10.45.16.0/24
      perimeterInternal: 172.25.33.0/24
      publicRange: 203.0.113.0/24
      internalNetworks: [192.168.10.0/24]
lab: { mode: closed }
`,
  public: `
id: rt-fw-public
product: lync2013
sipDomains: [contoso.com]
internalDomain: contoso.net
federation: { sip: true, ocs2007Partners: true, xmpp: { partners: [gmail.com] } }
sites:
  - name: hq
    edge: { servers: 1, externalAddressing: public }
    network:
      perimeterExternal: 198.51.100.0/24
      reverseProxyExternal: 10.45.16.0/24
      perimeterInternal: 172.25.33.0/24
      publicRange: 198.51.100.0/24
      internalNetworks: [192.168.10.0/24]
lab: { mode: closed }
`,
} as const;

type Proto = "tcp" | "udp";
interface Endpoint {
  readonly proto: Proto;
  readonly host: string;
  readonly port: number;
}
interface Probe extends Endpoint {
  readonly localAddress?: string;
  readonly localPort?: number;
  readonly timeoutMs: number;
  /** What the probe is, for failure messages. */
  readonly what: string;
}
interface ProbeResult {
  readonly ok: boolean;
  readonly reply?: { local: string; remote: string };
  readonly error?: string;
}

/** Positive probes answer in milliseconds; drop probes wait this long for nothing. */
const PASS_TIMEOUT = 4000;
const DROP_TIMEOUT = 700;
const NOT_IN_PLAN = 3389;

function dedupe<T extends Endpoint>(list: readonly T[]): T[] {
  const seen = new Set<string>();
  return list.filter((e) => !seen.has(`${e.proto}|${e.host}|${e.port}`) && seen.add(`${e.proto}|${e.host}|${e.port}`) !== undefined);
}

function runAsync(cmd: string, args: readonly string[], timeoutMs: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const p = spawn(cmd, args as string[], { env: ENV, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    let err = "";
    const timer = setTimeout(() => p.kill("SIGKILL"), timeoutMs);
    p.stdout.on("data", (d) => (out += d));
    p.stderr.on("data", (d) => (err += d));
    p.on("error", reject);
    p.on("exit", (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`${cmd} ${args.slice(0, 4).join(" ")} exited ${code}: ${err}`));
    });
  });
}

/** One scenario's namespaces, listeners and the expectations derived from the plan. */
class Lab {
  readonly tag = uniqueTag();
  readonly ns: Record<"inet" | "fw" | "pext" | "pint", string>;
  readonly config: FirewallApplianceConfig;
  readonly rules: string;
  readonly clientIp: string;
  readonly edgeAddresses: string[];
  readonly internalAddresses: string[];
  readonly inbound: Endpoint[];
  readonly outbound: (Endpoint & { source: string })[];
  /** A Microsoft 365 stand-in on the simulated Internet (hybrid): an address inside the rows' first IPv4 prefix. */
  readonly remoteIp?: string;
  readonly remotePrefix?: string;
  /** Outbound rows toward the named far end (Microsoft 365), one probe per source address, from the row's source port. */
  readonly toRemote: (Endpoint & { source: string; localPort?: number; row: string })[];
  private readonly children: Child[] = [];
  private readonly created: string[] = [];

  constructor(readonly plan: Plan) {
    const layout = labLayout(plan);
    const site = layout.sites[0];
    this.config = applianceConfigOf(plan, layout, site);
    this.rules = applianceRulesFiles(plan)[0].content;
    this.clientIp = layout.simInternet!.clientIp;
    this.ns = { inet: `edgelab-${this.tag}-inet`, fw: `edgelab-${this.tag}-fw`, pext: `edgelab-${this.tag}-pext`, pint: `edgelab-${this.tag}-pint` };
    const servers = plan.servers.filter((s) => s.site === site.site.name);
    this.edgeAddresses = servers
      .filter((s) => s.role === "edge")
      .flatMap((s) => s.interfaces.filter((i) => i.side === "external").flatMap((i) => i.addresses.map((a) => a.ip)));
    this.internalAddresses = servers.flatMap((s) => s.interfaces.filter((i) => i.side === "internal").flatMap((i) => i.addresses.map((a) => a.ip)));
    const proto = (t: string) => t.toLowerCase() as Proto;
    const check = (a: string) => {
      if (!isIPv4(a)) throw new Error(`firewall row address "${a}" is not a single address`);
      return a;
    };
    // Port ranges (50000-59999) are sampled at their first port.
    this.inbound = dedupe(
      this.config.rules
        .filter((r) => r.direction === "inbound" && !r.peers)
        .flatMap((r) => r.addresses.map((a) => ({ proto: proto(r.transport), host: check(a), port: r.ports.from }))),
    );
    // One probe per source address and client endpoint.
    this.outbound = this.config.rules
      .filter((r) => r.direction === "outbound" && !r.peers)
      .flatMap((r) => r.addresses.map((a) => ({ proto: proto(r.transport), host: this.clientIp, port: r.ports.from, source: check(a) })))
      .filter((e, i, all) => all.findIndex((x) => x.proto === e.proto && x.port === e.port && x.source === e.source) === i);
    const named = this.config.rules.filter((r) => r.direction === "outbound" && r.peers?.length);
    this.remotePrefix = named[0]?.peers![0];
    this.remoteIp = this.remotePrefix ? hostAt(parseCidr(this.remotePrefix), 10) : undefined;
    // Distinct source ports inside the row's source range: parallel probes from one address must not collide.
    this.toRemote = named.flatMap((r, i) =>
      r.addresses.map((a, j) => ({
        proto: proto(r.transport),
        host: this.remoteIp!,
        port: r.ports.from,
        source: check(a),
        row: r.label,
        ...(r.sourcePorts ? { localPort: r.sourcePorts.from === r.sourcePorts.to ? r.sourcePorts.from : r.sourcePorts.from + 10 * i + j } : {}),
      })),
    );
  }

  /** The address the Internet uses for a lab address: its 1:1 NAT public address, or itself when routed. */
  publicOf(ip: string): string {
    return this.config.nat.find((m) => m.privateIp === ip)?.publicIp ?? ip;
  }

  private ip(ns: string, ...args: string[]) {
    run("ip", ["-n", ns, ...args]);
  }

  async up(): Promise<void> {
    const { inet, fw, pext, pint } = this.ns;
    const layout = labLayout(this.plan);
    const site = layout.sites[0];
    const fwl = site.firewall!;
    for (const ns of [inet, fw, pext, pint]) {
      run("ip", ["netns", "add", ns]);
      this.created.push(ns);
      this.ip(ns, "link", "set", "lo", "up");
    }
    const veth = (a: string, nsA: string, b: string, nsB: string) => {
      run("ip", ["link", "add", a, "netns", nsA, "type", "veth", "peer", "name", b, "netns", nsB]);
      this.ip(nsA, "link", "set", a, "up");
      this.ip(nsB, "link", "set", b, "up");
    };
    veth("c0", inet, "out0", fw);
    veth("e0", pext, "pext0", fw);
    veth("i0", pint, "pint0", fw);

    // Simulated Internet client and the appliance's outside NIC (different subnets, as in the lab layout).
    this.ip(inet, "addr", "add", `${this.clientIp}/${parseCidr(layout.simInternet!.clientSubnet).prefix}`, "dev", "c0");
    this.ip(inet, "route", "add", "default", "via", fwl.outsideIp, "dev", "c0", "onlink");
    this.ip(fw, "addr", "add", `${fwl.outsideIp}/32`, "dev", "out0");
    this.ip(fw, "route", "add", layout.simInternet!.clientSubnet, "dev", "out0");

    // Perimeter external: the plan's external interfaces and their gateways (the appliance).
    const ext = this.plan.servers.filter((s) => s.site === site.site.name).flatMap((s) => s.interfaces.filter((i) => i.side === "external"));
    const gateways = [...new Map(ext.map((i) => [i.subnet, i.gateway!])).entries()];
    for (const [subnet, gw] of gateways) this.ip(fw, "addr", "add", `${gw}/${parseCidr(subnet).prefix}`, "dev", "pext0");
    for (const i of ext) for (const a of i.addresses) this.ip(pext, "addr", "add", `${a.ip}/${parseCidr(i.subnet).prefix}`, "dev", "e0");
    this.ip(pext, "route", "add", "default", "via", gateways[0][1]);

    // Perimeter internal: a route back through the appliance, so that only the ruleset can stop a probe.
    const pintCidr = parseCidr(site.site.networks.perimeterInternal);
    const pintGw = hostAt(pintCidr, 1);
    this.ip(fw, "addr", "add", `${pintGw}/${pintCidr.prefix}`, "dev", "pint0");
    for (const a of this.internalAddresses) this.ip(pint, "addr", "add", `${a}/${pintCidr.prefix}`, "dev", "i0");
    this.ip(pint, "route", "add", "default", "via", pintGw);

    // The appliance: the generator's sysctl file and ruleset, loaded as cloud-init does.
    for (const line of FORWARDING_SYSCTL.split("\n").filter((l) => l.includes("="))) {
      run("ip", ["netns", "exec", fw, "sysctl", "-q", "-w", line.replace(/\s*=\s*/, "=")]);
    }
    run("ip", ["netns", "exec", fw, "iptables-restore"], { input: this.rules });

    // The Microsoft 365 stand-in: on the simulated Internet side, its prefix routed out of the appliance's outside NIC.
    if (this.remoteIp) {
      this.ip(inet, "addr", "add", `${this.remoteIp}/32`, "dev", "c0");
      this.ip(fw, "route", "add", this.remotePrefix!, "dev", "out0");
    }

    // Listeners: every inbound endpoint of the plan plus TCP 3389 on every Edge address (pext), TCP 443 on every
    // perimeter-internal address (pint), every outbound endpoint plus TCP 3389 on the client (inet).
    // An Edge endpoint that is also the source endpoint of a Microsoft 365 row (UDP 3478 -> 3478) is left to the probe.
    const sourceEndpoint = (e: Endpoint) => this.toRemote.some((r) => r.proto === e.proto && r.source === e.host && r.localPort === e.port);
    const pextListen = dedupe([...this.inbound, ...this.edgeAddresses.map((host) => ({ proto: "tcp" as const, host, port: NOT_IN_PLAN }))]).filter(
      (e) => !sourceEndpoint(e),
    );
    const pintListen = this.internalAddresses.map((host) => ({ proto: "tcp" as const, host, port: 443 }));
    const inetListen = dedupe([
      ...this.outbound.map(({ proto, host, port }) => ({ proto, host, port })),
      ...this.toRemote.map(({ proto, host, port }) => ({ proto, host, port })),
      { proto: "tcp" as const, host: this.clientIp, port: NOT_IN_PLAN },
    ]);
    await Promise.all(
      [
        [pext, pextListen],
        [pint, pintListen],
        [inet, inetListen],
      ].map(([ns, list]) => {
        const { child, ready } = startChild("ip", ["netns", "exec", ns as string, process.execPath, NETPROBE, "listen", JSON.stringify(list)], /READY/);
        this.children.push(child);
        return ready;
      }),
    );
  }

  async probe(ns: string, probes: readonly Probe[]): Promise<ProbeResult[]> {
    const out = await runAsync("ip", ["netns", "exec", ns, process.execPath, NETPROBE, "probe", JSON.stringify(probes)], 20000);
    return JSON.parse(out) as ProbeResult[];
  }

  /** Probes that the ruleset must drop: TCP 3389 to every Edge address, TCP 443 to the perimeter internal side, TCP 3389 out. */
  dropProbes(): { inbound: Probe[]; outbound: Probe[] } {
    return {
      inbound: [
        ...this.edgeAddresses.map((a) => ({
          proto: "tcp" as const,
          host: this.publicOf(a),
          port: NOT_IN_PLAN,
          timeoutMs: DROP_TIMEOUT,
          what: `client -> ${this.publicOf(a)}:${NOT_IN_PLAN}/tcp (not in the plan)`,
        })),
        ...this.internalAddresses.map((a) => ({
          proto: "tcp" as const,
          host: a,
          port: 443,
          timeoutMs: DROP_TIMEOUT,
          what: `client -> perimeter internal ${a}:443/tcp`,
        })),
      ],
      outbound: this.edgeAddresses.map((a) => ({
        proto: "tcp" as const,
        host: this.clientIp,
        port: NOT_IN_PLAN,
        localAddress: a,
        timeoutMs: DROP_TIMEOUT,
        what: `Edge ${a} -> client:${NOT_IN_PLAN}/tcp (not in the plan)`,
      })),
    };
  }

  async down(): Promise<void> {
    await Promise.all(this.children.map((c) => c.stop()));
    for (const ns of this.created) run("ip", ["netns", "del", ns], { allowFail: true });
  }
}

const describeResults = (probes: readonly Probe[], results: readonly ProbeResult[]) => probes.map((p, i) => ({ what: p.what, ...results[i] }));

describeWithTools("firewall appliance ruleset: iptables-restore --test", ["root", "netns", "iptables-restore", "unshare"], () => {
  const plans: [string, Plan][] = [
    ...bundledScenarioIds().map((id): [string, Plan] => [id, bundledPlan(id)]),
    ...Object.values(SCENARIOS).map((y): [string, Plan] => [planOf(y).scenario.id, planOf(y)]),
  ];
  test.each(plans.filter(([, p]) => p.scenario.labMode === "closed").map(([id, p]) => [id, p] as const))(
    "%s: every site's ruleset is accepted",
    (_id, plan) => {
      const files = applianceRulesFiles(plan);
      expect(files.length).toBe(plan.scenario.sites.length);
      for (const f of files) {
        // In a throwaway network namespace: even a buggy --test cannot touch the machine's rules.
        const r = run("unshare", ["--net", "iptables-restore", "--test"], { input: f.content, allowFail: true });
        expect({ file: f.name, status: r.status, stderr: r.stderr }).toEqual({ file: f.name, status: 0, stderr: "" });
      }
    },
  );
});

describeEachWithTools(
  [
    ["nat", "1:1 NAT (DNAT in, SNAT out)"],
    ["public", "routed unchanged (public addresses; reverse proxy behind NAT)"],
  ] as const,
  ([kind, label]) => `firewall appliance with real packets: ${kind} scenario, ${label}`,
  ["root", "netns", "ip", "iptables-restore", "iptables", "sysctl"],
  ([kind]) => {
    const lab = new Lab(planOf(SCENARIOS[kind]));
    let inbound: ReturnType<typeof describeResults> = [];
    let outbound: ReturnType<typeof describeResults> = [];
    let drops: { inbound: ReturnType<typeof describeResults>; outbound: ReturnType<typeof describeResults> } = { inbound: [], outbound: [] };

    beforeAll(async () => {
      await lab.up();
      const inProbes: Probe[] = lab.inbound.map((e) => ({
        proto: e.proto,
        host: lab.publicOf(e.host),
        port: e.port,
        timeoutMs: PASS_TIMEOUT,
        what: `client -> ${lab.publicOf(e.host)}:${e.port}/${e.proto} (plan: ${e.host})`,
      }));
      const outProbes: Probe[] = lab.outbound.map((e) => ({
        proto: e.proto,
        host: e.host,
        port: e.port,
        localAddress: e.source,
        timeoutMs: PASS_TIMEOUT,
        what: `${e.source} -> client:${e.port}/${e.proto}`,
      }));
      const d = lab.dropProbes();
      const [i, o, di, dout] = await Promise.all([
        lab.probe(lab.ns.inet, inProbes),
        lab.probe(lab.ns.pext, outProbes),
        lab.probe(lab.ns.inet, d.inbound),
        lab.probe(lab.ns.pext, d.outbound),
      ]);
      inbound = describeResults(inProbes, i);
      outbound = describeResults(outProbes, o);
      drops = { inbound: describeResults(d.inbound, di), outbound: describeResults(d.outbound, dout) };
    });
    afterAll(() => lab.down());

    test("the plan has Internet-facing ports on every Edge service and the reverse proxy, and 1:1 NAT only where the plan says so", () => {
      expect(lab.inbound.length).toBeGreaterThanOrEqual(8);
      expect(lab.inbound.some((e) => e.proto === "udp" && e.port === 3478)).toBe(true);
      expect(lab.outbound.length).toBeGreaterThan(0);
      const translated = lab.config.nat.map((m) => m.privateIp).sort();
      const expected = lab.plan.servers.flatMap((s) => s.interfaces.flatMap((i) => i.addresses.filter((a) => a.natPublic).map((a) => a.ip))).sort();
      expect(translated).toEqual(expected);
      if (kind === "public") expect(lab.edgeAddresses.every((a) => lab.publicOf(a) === a)).toBe(true);
      else expect(lab.edgeAddresses.every((a) => lab.publicOf(a).startsWith("203.0.113."))).toBe(true);
    });

    test("every Internet-facing port of the plan reaches the right address, with the client's source address kept (NAT-03)", () => {
      const wrong = inbound.filter((r, i) => !r.ok || r.reply?.local !== `${lab.inbound[i].host}:${lab.inbound[i].port}` || r.reply?.remote !== lab.clientIp);
      expect(wrong).toEqual([]);
      expect(inbound.length).toBe(lab.inbound.length);
    });

    test(
      kind === "nat"
        ? "outbound traffic of every address leaves with its public address (NAT-04)"
        : "outbound traffic leaves with the Edge's own public address",
      () => {
        const wrong = outbound.filter((r, i) => !r.ok || r.reply?.remote !== lab.publicOf(lab.outbound[i].source));
        expect(wrong).toEqual([]);
        if (kind === "nat") expect(outbound.every((r) => r.reply?.remote.startsWith("203.0.113."))).toBe(true);
      },
    );

    test("a port that is not in the plan (TCP 3389), the perimeter internal side and unplanned egress are dropped", () => {
      expect(drops.inbound.filter((r) => r.ok || r.error !== "timeout")).toEqual([]);
      expect(drops.outbound.filter((r) => r.ok || r.error !== "timeout")).toEqual([]);
      expect(drops.inbound.length).toBe(lab.edgeAddresses.length + lab.internalAddresses.length);
    });

    test("control: with the appliance's FORWARD chain opened, the same probes get through (the drops come from the ruleset)", async () => {
      run("ip", ["netns", "exec", lab.ns.fw, "iptables", "-P", "FORWARD", "ACCEPT"]);
      run("ip", ["netns", "exec", lab.ns.fw, "iptables", "-F", "FORWARD"]);
      const d = lab.dropProbes();
      const open = (ps: Probe[]) => ps.map((p) => ({ ...p, timeoutMs: PASS_TIMEOUT }));
      const [i, o] = await Promise.all([lab.probe(lab.ns.inet, open(d.inbound)), lab.probe(lab.ns.pext, open(d.outbound))]);
      expect(describeResults(d.inbound, i).filter((r) => !r.ok)).toEqual([]);
      expect(describeResults(d.outbound, o).filter((r) => !r.ok)).toEqual([]);
    });
  },
);

const HYBRID_PUBLIC = `
id: rt-fw-hybrid-public
product: sfbse
sipDomains: [contoso.com]
internalDomain: contoso.net
federation: { sip: { partnerDiscovery: true } }
hybrid: { tenantDomains: [contoso.com], phase: hybrid }
sites:
  - name: hq
    federationRoute: true
    edge: { servers: 2, loadBalancing: dns, externalAddressing: public }
    network:
      perimeterExternal: 131.107.155.0/24
      perimeterInternal: 172.25.33.0/24
      internalNetworks: [192.168.10.0/24]
lab: { mode: closed }
`;

describeEachWithTools(
  [
    ["hybrid-se", "a DNS load-balanced NAT pool: each Edge's own public address (NAT-04)", () => bundledPlan("hybrid-se")],
    ["a DNS load-balanced pool with public addresses", "each Edge's own address, routed unchanged", () => planOf(HYBRID_PUBLIC)],
  ] as const,
  ([name, label]) => `firewall appliance with real packets: ${name}, the Edge -> Microsoft 365 rows leave with ${label}`,
  ["root", "netns", "ip", "iptables-restore", "iptables", "sysctl"],
  ([, , planOf]) => {
    // Microsoft 365's IPv4 prefixes stand on the simulated Internet side, as in the emulation; the IPv6 prefixes are
    // not part of the IPv4 lab.
    const lab = new Lab(planOf());
    let results: ReturnType<typeof describeResults> = [];

    beforeAll(async () => {
      await lab.up();
      const probes: Probe[] = lab.toRemote.map((e) => ({
        proto: e.proto,
        host: e.host,
        port: e.port,
        localAddress: e.source,
        ...(e.localPort ? { localPort: e.localPort } : {}),
        timeoutMs: PASS_TIMEOUT,
        what: `${e.row}: ${e.source}${e.localPort ? `:${e.localPort}` : ""} -> ${e.host}:${e.port}/${e.proto}`,
      }));
      results = describeResults(probes, await lab.probe(lab.ns.pext, probes));
    });
    afterAll(() => lab.down());

    test("every outbound Microsoft 365 row of both pool members is probed from its planned source port", () => {
      const rows = new Set(lab.toRemote.map((e) => e.row));
      expect([...rows].sort()).toEqual(
        lab.plan.firewallRules
          .filter((r) => r.table === "edge-m365" && r.direction === "outbound")
          .map((r) => r.id)
          .sort(),
      );
      expect(lab.remoteIp).toBe("52.112.0.10");
      expect(results.length).toBe(lab.toRemote.length);
    });

    test("Microsoft 365 sees each Edge's own public address, not the appliance's (NAT-04)", () => {
      const wrong = results.filter((r, i) => !r.ok || r.reply?.remote !== lab.publicOf(lab.toRemote[i].source));
      expect(wrong).toEqual([]);
      expect(results.every((r) => r.reply?.remote.startsWith("131.107.155."))).toBe(true);
    });
  },
);
