/**
 * The firewall and load balancer rulesets of an emulated site, all from the plan:
 * - external firewall: the appliance ruleset the closed Azure lab loads (lib/lab/guest/iptables.ts), the same text,
 *   computed with the closed-lab layout when the scenario is an internet-mode lab;
 * - internal firewall: nftables, one accept rule per internal-firewall row of the plan, everything else dropped;
 * - hardware load balancer: nftables DNAT over the members with a source-address hash (affinity per client, as the
 *   plan's HLB notes ask), SNAT of the members to the VIP for the VIP's outbound rows (HLB-05); the kernel's IPVS is
 *   not used (often not available in containers / CI kernels).
 */
import { applianceRulesFiles } from "./guest/iptables";
import { labLayout, type LabLayout } from "./layout";
import { peersOf } from "../model/peer";
import type { FirewallRule, Plan, PlanVip } from "../model/plan";

/** The plan seen as a closed lab (the emulation always has the appliance and the simulated Internet). */
export function asClosedLab(plan: Plan): Plan {
  return plan.scenario.labMode === "closed" ? plan : { ...plan, scenario: { ...plan.scenario, labMode: "closed" } };
}

export function closedLayout(plan: Plan): LabLayout {
  return labLayout(asClosedLab(plan));
}

/** The appliance ruleset text of a site: `appliance-<site>.rules`, byte for byte. */
export function applianceRules(plan: Plan, site: string): string {
  const file = applianceRulesFiles(asClosedLab(plan)).find((f) => f.site === site);
  if (!file) throw new Error(`edge-lab emulate: no appliance ruleset for site ${site}`);
  return file.content;
}

/** The ruleset without the ACCEPT line of one external rule (its comment is the rule id). */
export function withoutApplianceRule(rules: string, ruleId: string): string {
  const lines = rules.split("\n");
  const kept = lines.filter((l) => !(l.startsWith("-A FORWARD ") && l.includes(`--comment "${ruleId}"`)));
  if (kept.length === lines.length) throw new Error(`edge-lab emulate: rule ${ruleId} is not in the appliance ruleset`);
  return kept.join("\n");
}

/**
 * The appliance ruleset as `emulate --mutate` loads it: what the ruleset drops in FORWARD (its DROP rules and its
 * DROP policy) is refused instead, TCP with a reset and the rest with ICMP port unreachable. The same packets are
 * let through as by the real ruleset, so every probe's outcome is the same; a probe that crossed the removed rule
 * fails at once instead of waiting out its bound. The policy stays DROP: the chain still fails closed.
 */
export function refusingInsteadOfDropping(rules: string): string {
  const tcpReset = "-j REJECT --reject-with tcp-reset";
  const unreachable = "-j REJECT --reject-with icmp-port-unreachable";
  const out: string[] = [];
  let inFilter = false;
  for (const line of rules.split("\n")) {
    if (line === "*filter") inFilter = true;
    if (inFilter && line === "COMMIT") {
      out.push(`-A FORWARD -p tcp ${tcpReset}`, `-A FORWARD ${unreachable}`);
      inFilter = false;
    }
    if (!(inFilter && line.startsWith("-A FORWARD ") && / -j DROP( |$)/.test(line))) {
      out.push(line);
      continue;
    }
    const protocol = / -p (\S+)/.exec(line)?.[1];
    if (protocol === undefined) out.push(line.replace(" -j DROP", ` -p tcp ${tcpReset}`), line.replace(" -j DROP", ` ${unreachable}`));
    else out.push(line.replace(" -j DROP", ` ${protocol === "tcp" ? tcpReset : unreachable}`));
  }
  if (inFilter) throw new Error("edge-lab emulate: the appliance ruleset's filter table has no COMMIT");
  return out.join("\n");
}

/** The internal firewall's nftables ruleset with what its policy drops refused instead (as refusingInsteadOfDropping). */
export function refusingInternalRules(rules: string): string {
  const end = "\n  }\n}\n";
  if (!rules.endsWith(end)) throw new Error("edge-lab emulate: the internal firewall ruleset does not end its forward chain");
  // Written as `nft list ruleset` prints them (the loader compares the rule lines): TCP gets a reset, the rest ICMP
  // port unreachable (reject's default).
  return `${rules.slice(0, -end.length)}\n    reject with tcp reset\n    reject${end}`;
}

/** The appliance ruleset without the DNAT line of one public address. */
export function withoutDnat(rules: string, publicIp: string): string {
  const lines = rules.split("\n");
  const kept = lines.filter((l) => !l.startsWith(`-A PREROUTING -d ${publicIp}/32 -j DNAT`));
  if (kept.length === lines.length) throw new Error(`edge-lab emulate: no DNAT of ${publicIp} in the appliance ruleset`);
  return kept.join("\n");
}

const set = (items: readonly string[]) => `{ ${items.join(", ")} }`;
const nftComment = (text: string) => `comment "${text.replace(/["\\]/g, "'").slice(0, 120)}"`;

/** The internal firewall's nftables ruleset: the plan's internal-firewall rows of the site, nothing else. */
export function internalFirewallRules(plan: Plan, site: string): string {
  const rows = plan.firewallRules.filter((r) => r.site === site && r.firewall === "internal");
  const out = [
    "# edge-lab emulate: internal firewall, generated from the plan's internal rows",
    "table ip edge_lab_internal {",
    "  chain forward {",
    "    type filter hook forward priority filter; policy drop;",
    "    ct state established,related accept",
  ];
  for (const r of rows) {
    const src = peersOf(r.source)
      .filter((p) => !p.isInternet)
      .map((p) => p.text);
    const dst = peersOf(r.destination)
      .filter((p) => !p.isInternet)
      .map((p) => p.text);
    if (!src.length || !dst.length) continue;
    out.push(`    ip saddr ${set(src)} ip daddr ${set(dst)} ${r.ports.nftMatch} accept ${nftComment(r.id)}`);
  }
  out.push("  }", "}", "");
  return out.join("\n");
}

/** Outbound rows whose source is the VIP: the members' traffic on those ports leaves with the VIP address. */
function vipOutbound(plan: Plan, vip: PlanVip): FirewallRule[] {
  return plan.firewallRules.filter(
    (r) => r.site === vip.site && r.direction === "outbound" && r.source.addresses.length === 1 && r.source.addresses[0] === vip.ip,
  );
}

/** The load balancer's nftables ruleset for the VIPs of one side of a site. */
export function loadBalancerRules(plan: Plan, vips: readonly PlanVip[]): string {
  const out = [
    "# edge-lab emulate: hardware load balancer stand-in (nftables), generated from the plan's VIPs",
    "table ip edge_lab_hlb {",
    "  chain pre {",
    "    type nat hook prerouting priority dstnat;",
  ];
  for (const v of vips) {
    const map = `{ ${v.members.map((m, i) => `${i} : ${m.ip}`).join(", ")} }`;
    for (const p of v.ports) {
      out.push(`    ip daddr ${v.ip} ${p.nftMatch} dnat to jhash ip saddr mod ${v.members.length} map ${map} ${nftComment(`${v.id} ${p}`)}`);
    }
  }
  out.push("  }", "  chain post {", "    type nat hook postrouting priority srcnat;");
  for (const v of vips) {
    for (const r of vipOutbound(plan, v)) {
      out.push(`    ip saddr ${set(v.members.map((m) => m.ip))} ${r.ports.nftMatch} snat to ${v.ip} ${nftComment(r.id)}`);
    }
  }
  out.push("  }", "}", "");
  return out.join("\n");
}
