/**
 * NSG rules from the plan's firewall rows (pure, no cdktf). Nothing here knows Lync ports: every Allow rule is one
 * plan row rendered on the NSG of the subnet that holds its server-side end; the only rules not from the plan are the
 * lab plumbing (separation denies, administration, AzureLoadBalancer probes, deny-all).
 *
 * - Inbound rows go to the NSG of the subnet(s) holding the destination; outbound rows to the subnet(s) holding the
 *   source. When the far end of a row also lies in a lab subnet (for example Edge internal -> internal networks), the
 *   same row is mirrored as an inbound rule on that subnet so that the deny-all there does not block it.
 * - A VIP in a row is widened to the VIP plus its members: a Standard Load Balancer rewrites the destination to the
 *   backend address before the NSG sees the packet.
 * - "Internet" is the `Internet` service tag in internet mode; in the closed lab it is the simulated Internet VNet
 *   plus the other sites' public ranges (`closedInternetPrefixes`).
 * - The external firewall appliance's outside NSG (closed mode) carries the same external inbound rows with the
 *   addresses the appliance sees before DNAT (the row's public addresses).
 *
 * Ports are `Port` values from the plan rows (lib/model/port.ts), rendered once by `portFields`.
 *
 * Priorities: 100-199 separation denies, 200-299 administration, 1000+ plan rows in plan order, 4000 the
 * AzureLoadBalancer probe source, 4096 deny all inbound (which also overrides Azure's AllowVnetInBound).
 */
import type { FirewallRule, Plan } from "../model/plan";
import { includesInternet, peersOf, type Peer } from "../model/peer";
import { Port } from "../model/port";
import { closedInternetPrefixes, subnetOf, type LabLayout, type SiteLayout, type SubnetLayout } from "../lab/layout";

export interface NsgRuleSpec {
  readonly name: string;
  readonly priority: number;
  readonly direction: "Inbound" | "Outbound";
  readonly access: "Allow" | "Deny";
  readonly protocol: "Tcp" | "Udp" | "*";
  readonly sourcePrefixes: readonly string[];
  readonly destinationPrefixes: readonly string[];
  /** Destination ports (one transport, as `protocol`), or every port. */
  readonly destinationPorts: readonly Port[] | "*";
  /** Source port range when the plan row gives one (Microsoft 365 rows); absent: any. */
  readonly sourcePorts?: Port;
  readonly description: string;
  /** The plan row rendered by this rule (absent for lab plumbing rules). */
  readonly planRow?: string;
}

export interface NsgOptions {
  /** Source of RDP/SSH administration (`lab.adminSourceCidr`). @default none */
  readonly adminSourceCidr?: string;
  /** Source address of Azure Bastion sessions (168.63.129.16 for the Developer SKU, the Bastion subnet for Basic). @default none */
  readonly bastionSource?: string;
}

/** NSG rules of one subnet; `key` is the subnet key in its site ("sim" for the simulated Internet client subnet). */
export interface SubnetNsg {
  readonly site?: string;
  readonly key: string;
  readonly rules: NsgRuleSpec[];
}

/** Azure's service tag for addresses outside the VNets (what "any Internet address" means to an internet-mode NSG). */
export const AZURE_INTERNET_TAG = "Internet";

/** The slice of the plan the NSGs are built from: the firewall rows and the VIPs they name. */
export type NsgPlanSlice = Pick<Plan, "firewallRules" | "vips">;

function truncate(text: string, max = 140): string {
  return text.length <= max ? text : `${text.slice(0, max - 3)}...`;
}

class NsgBuilder {
  readonly rules: NsgRuleSpec[] = [];
  private readonly next = { Inbound: 1000, Outbound: 1000 };
  private readonly names = new Set<string>();

  add(spec: Omit<NsgRuleSpec, "priority">, priority?: number): void {
    if (this.names.has(spec.name)) return;
    this.names.add(spec.name);
    const p = priority ?? this.next[spec.direction]++;
    if (p > 3999 && priority === undefined) throw new Error(`edge-lab: too many NSG rules (${spec.name})`);
    this.rules.push({ ...spec, priority: p });
  }
}

function siteNsgs(plan: NsgPlanSlice, layout: LabLayout, site: SiteLayout, options: NsgOptions): SubnetNsg[] {
  const builders = new Map<string, NsgBuilder>();
  for (const s of site.subnets.filter((x) => x.hasNics)) builders.set(s.key, new NsgBuilder());
  const internet = layout.mode === "closed" ? closedInternetPrefixes(layout, site) : [AZURE_INTERNET_TAG];
  const vipMembers = new Map(plan.vips.filter((v) => v.site === site.site.name).map((v) => [v.ip, v.members.map((m) => m.ip)]));
  // A VIP widens to the VIP plus its members; any Internet address to what the Internet is in this lab mode. The lab is
  // IPv4 (NET-07): IPv6 prefixes of a row (Microsoft 365's ranges) stay in the plan for production firewalls.
  const expand = (peers: readonly Peer[]): string[] => [
    ...new Set(peers.filter((p) => !p.isIpv6).flatMap((p) => (p.isInternet ? internet : [p.text, ...(vipMembers.get(p.text) ?? [])]))),
  ];
  const subnetsOf = (prefixes: readonly string[]): SubnetLayout[] => {
    const found = new Map<string, SubnetLayout>();
    for (const prefix of prefixes) {
      if (prefix === AZURE_INTERNET_TAG) continue; // not an address: lies in no lab subnet
      const s = subnetOf(site, prefix);
      if (s?.hasNics) found.set(s.key, s);
    }
    return [...found.values()];
  };

  const render = (row: FirewallRule, direction: "Inbound" | "Outbound", prefix: string, sources: string[], destinations: string[]) => ({
    name: `${prefix}-${row.table}-${row.id.split("/").pop()}`,
    direction,
    access: "Allow" as const,
    protocol: row.transport === "TCP" ? ("Tcp" as const) : ("Udp" as const),
    sourcePrefixes: sources,
    destinationPrefixes: destinations,
    destinationPorts: [Port.of(row.transport, row.ports)],
    ...(row.sourcePorts ? { sourcePorts: Port.of(row.transport, row.sourcePorts) } : {}),
    description: truncate(`${row.service} ${row.protocol}: ${row.purpose} [${row.refs.join(" ")}]`),
    planRow: row.id,
  });

  const rows = plan.firewallRules.filter((r) => r.site === site.site.name);
  for (const row of rows) {
    const sources = expand(peersOf(row.source));
    const destinations = expand(peersOf(row.destination));
    if (row.direction === "inbound") {
      for (const s of subnetsOf(destinations)) builders.get(s.key)!.add(render(row, "Inbound", "in", sources, destinations));
      // The source side, when it is a lab subnet, may send it (default outbound allows it; nothing to add).
    } else {
      for (const s of subnetsOf(sources)) builders.get(s.key)!.add(render(row, "Outbound", "out", sources, destinations));
      for (const s of subnetsOf(destinations)) builders.get(s.key)!.add(render(row, "Inbound", "mirror", sources, destinations));
    }
  }

  // Closed lab: the firewall appliance's outside NIC sees the external inbound rows before DNAT.
  if (layout.mode === "closed") {
    const fwout = builders.get("fwout");
    const fwin = builders.get("fwin");
    // Microsoft 365 rows (hybrid) come from Microsoft 365's own ranges, not from any Internet address.
    for (const row of rows.filter((r) => r.firewall === "external" && r.direction === "inbound" && (includesInternet(r.source) || r.table === "edge-m365"))) {
      const seen = row.destination.publicAddresses ?? row.destination.addresses;
      fwout?.add(render(row, "Inbound", "in", expand(peersOf(row.source)), [...seen]));
    }
    // Traffic the perimeter sends through the appliance (replies, outbound rows) enters its inside NIC from the perimeter subnets.
    const perimeter = site.subnets.filter((s) => s.role === "perimeter-external" || s.role === "reverse-proxy-external").map((s) => s.cidr);
    fwin?.add(
      {
        name: "in-from-perimeter-external",
        direction: "Inbound",
        access: "Allow",
        protocol: "*",
        sourcePrefixes: perimeter,
        destinationPrefixes: ["*"],
        destinationPorts: "*",
        description: "Traffic the perimeter routes through the external firewall appliance (its iptables rules filter it)",
      },
      1000 - 1,
    );
  }

  // No routing between the external and internal perimeter networks (HLB-08, NET): explicit denies.
  const externals = site.subnets.filter((s) => s.role === "perimeter-external" || s.role === "reverse-proxy-external").map((s) => s.cidr);
  const insides = site.subnets.filter((s) => s.role === "perimeter-internal" || s.role === "internal").map((s) => s.cidr);
  for (const s of site.subnets.filter((x) => x.hasNics)) {
    const b = builders.get(s.key)!;
    const deny = s.role === "perimeter-external" || s.role === "reverse-proxy-external" ? insides : s.role === "perimeter-internal" ? externals : [];
    if (deny.length > 0) {
      b.add(
        {
          name: "deny-other-side-of-perimeter",
          direction: "Inbound",
          access: "Deny",
          protocol: "*",
          sourcePrefixes: deny,
          destinationPrefixes: ["*"],
          destinationPorts: "*",
          description: "No routing between the internal and external Edge networks",
        },
        100,
      );
    }
    plumbing(b, options);
  }
  return [...builders.entries()].map(([key, b]) => ({ site: site.site.name, key, rules: b.rules }));
}

/** SSH and RDP, the administration ports (never from the Internet, LAB-SEC-01). */
const ADMIN_PORTS: readonly Port[] = [Port.tcp(22), Port.tcp(3389)];

/** Administration, load balancer probes and the final deny, on every NSG. */
function plumbing(b: NsgBuilder, options: NsgOptions): void {
  if (options.adminSourceCidr) {
    b.add(
      {
        name: "admin-rdp-ssh",
        direction: "Inbound",
        access: "Allow",
        protocol: "Tcp",
        sourcePrefixes: [options.adminSourceCidr],
        destinationPrefixes: ["*"],
        destinationPorts: ADMIN_PORTS,
        description: "RDP/SSH from the declared administration range only (LAB-SEC-01)",
      },
      200,
    );
  }
  if (options.bastionSource) {
    b.add(
      {
        name: "admin-bastion",
        direction: "Inbound",
        access: "Allow",
        protocol: "Tcp",
        sourcePrefixes: [options.bastionSource],
        destinationPrefixes: ["*"],
        destinationPorts: ADMIN_PORTS,
        description: "RDP/SSH sessions from Azure Bastion",
      },
      210,
    );
  }
  b.add(
    {
      name: "allow-azure-load-balancer",
      direction: "Inbound",
      access: "Allow",
      protocol: "*",
      sourcePrefixes: ["AzureLoadBalancer"],
      destinationPrefixes: ["*"],
      destinationPorts: "*",
      description: "Load balancer health probes (168.63.129.16)",
    },
    4000,
  );
  b.add(
    {
      name: "deny-all-inbound",
      direction: "Inbound",
      access: "Deny",
      protocol: "*",
      sourcePrefixes: ["*"],
      destinationPrefixes: ["*"],
      destinationPorts: "*",
      description: "Everything not allowed above (overrides AllowVnetInBound)",
    },
    4096,
  );
}

/** Every NSG of the lab: one per subnet with NICs in each site, plus the simulated Internet client subnet. */
export function labNsgRules(plan: NsgPlanSlice, layout: LabLayout, options: NsgOptions = {}): SubnetNsg[] {
  const out = layout.sites.flatMap((site) => siteNsgs(plan, layout, site, options));
  if (layout.simInternet) {
    const b = new NsgBuilder();
    plumbing(b, options);
    out.push({ key: "sim", rules: b.rules });
  }
  return out;
}

/** Destination ports of an NSG rule spec as the provider wants them (one range or a list). */
export function portFields(ports: NsgRuleSpec["destinationPorts"]): { destinationPortRange?: string; destinationPortRanges?: string[] } {
  if (ports === "*") return { destinationPortRange: "*" };
  return ports.length === 1 ? { destinationPortRange: ports[0].rangeText } : { destinationPortRanges: ports.map((p) => p.rangeText) };
}

/** Address fields: a single prefix or service tag in the singular field, several CIDRs in the plural one. */
export function prefixFields(kind: "source" | "destination", prefixes: readonly string[]): Record<string, string | string[]> {
  return prefixes.length === 1 ? { [`${kind}AddressPrefix`]: prefixes[0] } : { [`${kind}AddressPrefixes`]: [...prefixes] };
}
