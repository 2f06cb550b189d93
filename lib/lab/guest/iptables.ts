/**
 * iptables rules of the closed lab's external firewall appliance (a Linux NVA), generated from the plan:
 * - 1:1 NAT for every plan address that has a `natPublic` (NAT-02..04): DNAT inbound keeping the client source,
 *   SNAT outbound toward the simulated Internet and toward the named far ends of outbound rows (Microsoft 365's IPv4
 *   prefixes); NAT reflection (hairpin) between the public A/V addresses of a DNS load-balanced NAT pool. Addresses
 *   without `natPublic` (public-addressing scenarios, HLB VIPs) are routed unchanged.
 * - FORWARD filter: the plan's external-firewall rows (inbound rows by destination, outbound rows by source), then
 *   nothing else toward the lab or the simulated Internet. The lab's own egress to the real Internet (Windows
 *   Update, product downloads, CRLs) is masqueraded behind the appliance and leaves through the NAT gateway.
 */
import type { Plan } from "../../model/plan";
import { includesInternet, peersOf } from "../../model/peer";
import type { Port, Transport } from "../../model/port";
import { closedInternetPrefixes, labLayout, type LabLayout, type SiteLayout } from "../layout";
import { oneshotUnit } from "./systemd";

export interface NatMapping {
  readonly publicIp: string;
  readonly privateIp: string;
  readonly label: string;
}

export interface ForwardRule {
  readonly label: string;
  readonly direction: "inbound" | "outbound";
  readonly transport: Transport;
  readonly ports: Port;
  /** Source port range (Microsoft 365 rows), same transport; absent: any. */
  readonly sourcePorts?: Port;
  /** Inbound: destination addresses (after DNAT); outbound: source addresses. */
  readonly addresses: readonly string[];
  /** The far end when it is not "any Internet address": inbound source / outbound destination prefixes (IPv4). */
  readonly peers?: readonly string[];
}

export interface FirewallApplianceConfig {
  /** Prefixes that stand for the Internet inside the lab (simulated Internet VNet, other sites' public ranges). */
  readonly simulatedInternet: readonly string[];
  /** Address spaces of the lab VNets. */
  readonly labPrefixes: readonly string[];
  readonly nat: readonly NatMapping[];
  /**
   * NAT reflection (hairpin): the public A/V addresses of a DNS load-balanced NAT pool, whose members reach each
   * other's public A/V address through the appliance and must be seen from their own public address. @default none
   */
  readonly hairpin?: readonly NatMapping[];
  readonly rules: readonly ForwardRule[];
  /** Sources allowed to reach the real Internet through the appliance besides the lab (the simulated Internet clients). */
  readonly egressSources: readonly string[];
}

const comment = (text: string) => `-m comment --comment "${text.replace(/"/g, "'").slice(0, 250)}"`;

/** The appliance configuration of one site from the plan and the lab layout (pure; the cdktf construct uses it). */
export function applianceConfigOf(plan: Pick<Plan, "servers" | "firewallRules">, layout: LabLayout, site: SiteLayout): FirewallApplianceConfig {
  const name = site.site.name;
  const nat: NatMapping[] = plan.servers
    .filter((s) => s.site === name)
    .flatMap((s) =>
      s.interfaces
        .filter((i) => i.side === "external")
        .flatMap((i) => i.addresses.filter((a) => a.natPublic).map((a) => ({ publicIp: a.natPublic!, privateIp: a.ip, label: `${s.name} ${a.role}` }))),
    );
  const rules: ForwardRule[] = plan.firewallRules
    .filter((r) => r.site === name && r.firewall === "external")
    .filter((r) => r.table === "edge-m365" || includesInternet(r.direction === "inbound" ? r.source : r.destination))
    .map((r) => {
      const far = r.direction === "inbound" ? r.source : r.destination;
      // Microsoft 365 rows name their far end: its IPv4 prefixes (the lab is IPv4).
      const peers = includesInternet(far)
        ? undefined
        : peersOf(far)
            .filter((p) => !p.isIpv6)
            .map((p) => p.text);
      return {
        label: r.id,
        direction: r.direction,
        transport: r.transport,
        ports: r.ports,
        ...(r.sourcePorts ? { sourcePorts: r.sourcePorts } : {}),
        addresses: r.direction === "inbound" ? r.destination.addresses : r.source.addresses,
        ...(peers ? { peers } : {}),
      };
    });
  // A/V addresses of a pool (two or more NAT Edges; an HLB pool is never NATed, NAT-05).
  const avNat = plan.servers
    .filter((s) => s.site === name && s.role === "edge")
    .flatMap((s) =>
      s.interfaces
        .filter((i) => i.side === "external")
        .flatMap((i) =>
          i.addresses.filter((a) => a.role === "av" && a.natPublic).map((a) => ({ publicIp: a.natPublic!, privateIp: a.ip, label: `${s.name} ${a.role}` })),
        ),
    );
  return {
    simulatedInternet: closedInternetPrefixes(layout, site),
    labPrefixes: layout.sites.flatMap((s) => s.addressSpace.filter((p) => p !== s.infraCidr)),
    nat,
    ...(avNat.length >= 2 ? { hairpin: avNat } : {}),
    rules,
    egressSources: layout.simInternet ? [layout.simInternet.cidr] : [],
  };
}

export interface ApplianceRulesFile {
  readonly site: string;
  /** "appliance-<site>.rules" */
  readonly name: string;
  readonly content: string;
}

/**
 * The appliance ruleset of every site as standalone files (the same text cloud-init writes to
 * /etc/iptables/edge-lab.rules). Empty unless the lab is closed: only the closed lab has the appliance.
 */
export function applianceRulesFiles(plan: Plan): ApplianceRulesFile[] {
  if (plan.scenario.labMode !== "closed") return [];
  const layout = labLayout(plan);
  return layout.sites.map((site) => ({
    site: site.site.name,
    name: `appliance-${site.site.name}.rules`,
    content: iptablesRules(applianceConfigOf(plan, layout, site)),
  }));
}

/** The iptables-restore file. */
export function iptablesRules(c: FirewallApplianceConfig): string {
  const out: string[] = [
    "# edge-lab external firewall appliance: generated from the plan; load with iptables-restore.",
    "*nat",
    ":PREROUTING ACCEPT [0:0]",
    ":INPUT ACCEPT [0:0]",
    ":OUTPUT ACCEPT [0:0]",
    ":POSTROUTING ACCEPT [0:0]",
    ":EDGE_LAB_SIM - [0:0]",
  ];
  // Named far ends of outbound rows (Microsoft 365's IPv4 prefixes): the 1:1 SNAT applies toward them as well, or the
  // Edge's traffic would fall to the MASQUERADE below and leave with the appliance's address (NAT-04). Other lab
  // sources toward those prefixes keep going to MASQUERADE (ordinary egress), hence a chain without a final ACCEPT.
  const toNamed = c.rules.filter((r) => r.direction === "outbound" && r.peers?.length);
  const namedPeers = [...new Set(toNamed.flatMap((r) => r.peers!))];
  // Sources of those rows that are not translated (public addresses, hardware load balancer VIPs: HLB-05): they must
  // leave as they are, not fall to the MASQUERADE below.
  const natted = new Set(c.nat.map((m) => m.privateIp));
  const routedToNamed = [...new Set(toNamed.flatMap((r) => r.addresses))].filter((a) => !natted.has(a));
  if (namedPeers.length) out.push(":EDGE_LAB_NAMED - [0:0]");
  if (c.hairpin?.length) out.push(":EDGE_LAB_HAIRPIN - [0:0]");
  const snat = (chain: string, why = "") =>
    c.nat.map((m) => `-A ${chain} -s ${m.privateIp}/32 -j SNAT --to-source ${m.publicIp} ${comment(`1:1 SNAT ${m.label}${why}`)}`);
  for (const m of c.nat) out.push(`-A PREROUTING -d ${m.publicIp}/32 -j DNAT --to-destination ${m.privateIp} ${comment(`1:1 DNAT ${m.label}`)}`);
  for (const p of c.simulatedInternet) out.push(`-A POSTROUTING -d ${p} -j EDGE_LAB_SIM`);
  out.push(...snat("EDGE_LAB_SIM"));
  out.push(`-A EDGE_LAB_SIM -j ACCEPT ${comment("routed unchanged (public addresses)")}`);
  if (namedPeers.length) {
    for (const p of namedPeers) out.push(`-A POSTROUTING -d ${p} -j EDGE_LAB_NAMED`);
    out.push(...snat("EDGE_LAB_NAMED", " toward a named far end (NAT-04)"));
    for (const a of routedToNamed)
      out.push(`-A EDGE_LAB_NAMED -s ${a}/32 -j ACCEPT ${comment("toward a named far end: routed unchanged (public address or VIP)")}`);
  }
  if (c.hairpin?.length) {
    // A pool member toward another member's public address (DNATed back into the lab): without the SNAT the other
    // member answers directly from its private address and the flow breaks; with it, both ends see public addresses.
    out.push(`-A POSTROUTING -m conntrack --ctstate DNAT -j EDGE_LAB_HAIRPIN ${comment("hairpin between public addresses of the lab")}`);
    for (const m of c.hairpin)
      out.push(`-A EDGE_LAB_HAIRPIN -s ${m.privateIp}/32 -j SNAT --to-source ${m.publicIp} ${comment(`hairpin: ${m.label} seen from its public address`)}`);
  }
  for (const p of c.labPrefixes) out.push(`-A POSTROUTING -d ${p} -j ACCEPT ${comment("into the lab: keep the client source address")}`);
  out.push(`-A POSTROUTING -j MASQUERADE ${comment("lab egress to the real Internet")}`);
  out.push("COMMIT");

  out.push("*filter", ":INPUT ACCEPT [0:0]", ":FORWARD DROP [0:0]", ":OUTPUT ACCEPT [0:0]");
  out.push("-A FORWARD -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT");
  for (const r of c.rules) {
    const match = r.ports.iptablesMatch(r.sourcePorts);
    // Long address lists (Microsoft 365's prefixes) are split over several lines: iptables-restore refuses a
    // parameter longer than 1,024 characters, and a refused line must never leave the filter table unloaded.
    for (const own of chunks(r.addresses)) {
      for (const far of r.peers ? chunks(r.peers) : [undefined]) {
        const peers = far ? (r.direction === "inbound" ? ` -s ${far.join(",")}` : ` -d ${far.join(",")}`) : "";
        const where = r.direction === "inbound" ? `-d ${own.join(",")}${peers}` : `-s ${own.join(",")}${peers}`;
        out.push(`-A FORWARD ${where} ${match} -j ACCEPT ${comment(r.label)}`);
      }
    }
  }
  for (const p of [...c.labPrefixes, ...c.simulatedInternet]) out.push(`-A FORWARD -d ${p} -j DROP ${comment("not in the plan's external firewall table")}`);
  for (const p of [...c.labPrefixes, ...c.egressSources]) out.push(`-A FORWARD -s ${p} -j ACCEPT ${comment("egress to the real Internet")}`);
  out.push("COMMIT");
  return `${out.join("\n")}\n`;
}

/**
 * Addresses per iptables parameter: 32 IPv4 prefixes ("255.255.255.255/32," is 19 characters) stay well below the
 * 1,024 characters iptables-restore accepts for one parameter ("Parameter too long!").
 */
export const ADDRESSES_PER_LINE = 32;

function chunks(items: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < items.length; i += ADDRESSES_PER_LINE) out.push(items.slice(i, i + ADDRESSES_PER_LINE));
  return out;
}

export interface RuleCounts {
  /** Rules in the filter table once loaded (iptables expands `-s a,b -d c,d` into one rule per pair). */
  readonly filter: number;
  readonly nat: number;
  /** The FORWARD chain's policy, as loaded (undefined when the filter table was not loaded at all). */
  readonly forwardPolicy?: string;
}

/** Tokens of an iptables-restore line, a quoted comment as one token. */
const tokens = (line: string): string[] => line.match(/"[^"]*"|\S+/g) ?? [];

/** How many rules each table of an iptables-restore file holds once loaded (also reads `iptables-save` output back). */
export function ruleCounts(rules: string): RuleCounts {
  const counts: { filter: number; nat: number; forwardPolicy?: string } = { filter: 0, nat: 0 };
  let table = "";
  for (const line of rules.split("\n")) {
    if (line.startsWith("*")) table = line.slice(1).trim();
    if (table === "filter" && line.startsWith(":FORWARD ")) counts.forwardPolicy = tokens(line)[1];
    if (!line.startsWith("-A ") || (table !== "filter" && table !== "nat")) continue;
    const t = tokens(line);
    const listed = (flag: string) => {
      const i = t.indexOf(flag);
      return i < 0 ? 1 : t[i + 1].split(",").length;
    };
    if (table === "filter") counts.filter += listed("-s") * listed("-d");
    else counts.nat += listed("-s") * listed("-d");
  }
  return counts;
}

/** Where cloud-init installs the appliance's load check. */
export const FIREWALL_CHECK_SCRIPT = "/usr/local/sbin/edge-lab-firewall-check";

/**
 * The appliance's fail-closed switch: run after iptables-restore, it reads the loaded tables back and switches IPv4
 * forwarding on only when the FORWARD policy is DROP and every filter and nat rule of the file is there; otherwise
 * forwarding stays off and the unit fails (visible in `systemctl status edge-lab-firewall`).
 */
export function firewallCheckScript(rules: string): string {
  const c = ruleCounts(rules);
  const expected = `${c.forwardPolicy ?? "DROP"} ${c.filter} ${c.nat}`;
  return [
    "#!/bin/sh",
    "# edge-lab: fail closed. IPv4 forwarding is switched on only when the firewall ruleset is completely loaded",
    "# (FORWARD policy DROP, every filter and nat rule of /etc/iptables/edge-lab.rules); otherwise it stays off.",
    "set -eu",
    `loaded=$(/usr/sbin/iptables-save | /usr/bin/awk 'substr($0, 1, 1) == "*" { t = $1 } t == "*filter" && /^:FORWARD / { p = $2 } t == "*filter" && /^-A / { f++ } t == "*nat" && /^-A / { n++ } END { printf "%s %d %d", p, f, n }')`,
    `if [ "$loaded" != "${expected}" ]; then`,
    `  echo "edge-lab-firewall: ruleset not completely loaded (FORWARD policy, filter rules, nat rules: $loaded; expected ${expected}); forwarding stays off" >&2`,
    "  /usr/sbin/sysctl -q -w net.ipv4.ip_forward=0",
    "  exit 1",
    "fi",
    "/usr/sbin/sysctl -q -w net.ipv4.ip_forward=1",
    "",
  ].join("\n");
}

/** Loads the ruleset at boot; forwarding is switched on by the check afterwards, never before (fail closed). */
export const IPTABLES_UNIT = oneshotUnit({
  description: "edge-lab firewall rules",
  ordering: "Before=network-pre.target\nWants=network-pre.target",
  execStart: "/usr/sbin/iptables-restore /etc/iptables/edge-lab.rules",
  execStartPost: FIREWALL_CHECK_SCRIPT,
});

/** Routing settings of the appliance at boot: loose reverse-path filtering, forwarding off until the check. */
export const APPLIANCE_SYSCTL = ["net.ipv4.ip_forward = 0", "net.ipv4.conf.all.rp_filter = 2", "net.ipv4.conf.default.rp_filter = 2", ""].join("\n");

/** A router's settings once its rules are in place (the emulator's and the real-packet tests' namespaces). */
export const FORWARDING_SYSCTL = ["net.ipv4.ip_forward = 1", "net.ipv4.conf.all.rp_filter = 2", "net.ipv4.conf.default.rp_filter = 2", ""].join("\n");
