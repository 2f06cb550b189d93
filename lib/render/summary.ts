/** A readable text summary of a plan, for `edge-lab plan <file>` without --json. */
import type { FirewallRule, Plan } from "../model/plan";
import { callText } from "./cmdlets";

function endpointText(e: FirewallRule["source"]): string {
  const addrs = e.addresses.join(", ");
  return e.publicAddresses ? `${addrs} (public ${e.publicAddresses.join(", ")})` : addrs;
}

type SiteSummary = Plan["scenario"]["sites"][number];
type Server = Plan["servers"][number];

/** Title, product, domains, support status, features and the hybrid phase. */
function scenarioLines(plan: Plan): string[] {
  const s = plan.scenario;
  const f = s.features;
  const feats = [
    f.sipFederation && "SIP federation",
    f.publicIm.length && `public IM (${f.publicIm.join(", ")})`,
    f.xmpp && "XMPP",
    f.ocs2007Partners && "OCS 2007 partners",
    f.mobility && `mobility${f.pushNotifications ? " (push notifications)" : ""}`,
  ].filter(Boolean);
  return [
    `${s.title} [${s.id}]`,
    `  product ${s.product}; SIP domains ${s.sipDomains.join(", ")}; internal domain ${s.internalDomain}; lab mode ${s.labMode}`,
    `  support: ${s.support.text}`,
    `  features: ${feats.length ? feats.join(", ") : "remote access only"}`,
    ...(s.hybrid
      ? [
          `  hybrid with Microsoft 365: phase ${s.hybrid.phase}; tenant SIP domains ${s.hybrid.tenantDomains.join(", ")}${s.hybrid.voice ? "; hybrid voice" : ""}`,
        ]
      : []),
  ];
}

/** One server and its interfaces: addresses (NAT mapping, role), gateway, routes. */
function serverLines(server: Server): string[] {
  const out = [`    ${server.role.padEnd(13)} ${server.fqdn}`];
  for (const nic of server.interfaces) {
    const addrs = nic.addresses
      .map((a) => `${a.ip}${a.natPublic ? `->${a.natPublic}` : ""}${a.role !== "internal" && a.role !== "server" ? ` ${a.role}` : ""}`)
      .join(", ");
    const gw = nic.gateway ? ` gw ${nic.gateway}` : " no gateway";
    const routes = nic.routes.length ? `; routes ${nic.routes.map((r) => `${r.destination} via ${r.via}`).join(", ")}` : "";
    out.push(`      ${nic.side.padEnd(8)} ${nic.subnet.padEnd(18)} ${addrs};${gw}${routes}`);
  }
  return out;
}

/** A site: its Edge topology, next hop, servers and VIPs. */
function siteLines(plan: Plan, site: SiteSummary): string[] {
  const out = [
    "",
    `Site ${site.name} (${site.region})${site.primary ? ", primary" : ""}${site.federationRoute ? ", federation route" : ""}: Microsoft scenario ${site.microsoftScenario} - ` +
      `${site.edgeTopology === "pool" ? `pool of ${site.edgeServers}, ${site.loadBalancing} load balancing` : "single Edge"}, ${site.externalAddressing} addressing, ${site.ipMode} IPs`,
    `  next hop: ${site.nextHop.kind} ${site.nextHop.fqdn} (${site.nextHop.addresses.join(", ")})`,
    "  servers:",
    ...plan.servers.filter((x) => x.site === site.name).flatMap(serverLines),
  ];
  const vips = plan.vips.filter((v) => v.site === site.name);
  if (vips.length) {
    out.push("  VIPs:");
    for (const v of vips) out.push(`    ${v.service.padEnd(15)} ${v.ip.padEnd(15)} ${v.fqdn}  ports ${v.ports.map((p) => p.slashText).join(" ")}`);
  }
  return out;
}

function dnsLines(plan: Plan): string[] {
  return [
    "",
    "DNS records:",
    ...plan.dnsRecords.map(
      (r) => `  ${r.view.padEnd(8)} ${r.type.padEnd(4)} ${r.name.padEnd(40)} ${r.values.join(", ")}${r.assignedAtDeploy ? " (assigned at deploy)" : ""}`,
    ),
  ];
}

/** Firewall rules, with a heading line each time the table changes. */
function firewallLines(plan: Plan): string[] {
  const out = ["", "Firewall rules:"];
  let table = "";
  for (const r of plan.firewallRules) {
    if (r.table !== table) {
      table = r.table;
      out.push(`  [${r.site}] ${table}`);
    }
    out.push(
      `    ${r.direction.padEnd(8)} ${r.transport} ${r.ports.rangeText.padEnd(11)} ${r.protocol.padEnd(12)} ${endpointText(r.source)}${r.sourcePorts ? ` port ${r.sourcePorts.rangeText}` : ""} -> ${endpointText(r.destination)}`,
    );
  }
  return out;
}

function cmdletLines(plan: Plan): string[] {
  if (!plan.cmdlets.length) return [];
  return ["", "Configuration cmdlets (cmdlets.ps1):", ...plan.cmdlets.map((c) => `  [${c.shell}] ${callText(c.call)}`)];
}

/** The Teams Only cutover (records, required deletions) and the Microsoft 365 ranges' source. */
function hybridLines(plan: Plan): string[] {
  if (!plan.hybrid) return [];
  const deletes =
    plan.hybrid.cutoverDeletions
      .filter((d) => d.required)
      .map((d) => `${d.view} ${d.type} ${d.name}`)
      .join(", ") || "nothing";
  return [
    "",
    `Teams Only cutover (${plan.hybrid.phase === "teams-only" ? "in effect" : "at the cutover"}): ${plan.hybrid.cutoverRecords.length} records; deletes ${deletes}`,
    `Microsoft 365 ranges: ${plan.hybrid.endpoints.source}${plan.hybrid.endpoints.date ? ` (${plan.hybrid.endpoints.date})` : ""}`,
  ];
}

function certificateLines(plan: Plan): string[] {
  return [
    "",
    "Certificates:",
    ...plan.certificates.map(
      (c) =>
        `  ${c.component}: subject ${c.subject}; SANs ${c.sans.length ? c.sans.join(", ") : "(none)"}${c.sharedKey ? `; same key on ${c.installedOn.join(", ")}` : ""}`,
    ),
  ];
}

function publishingRuleLines(plan: Plan): string[] {
  return [
    "",
    "Reverse proxy publishing rules:",
    ...plan.publishingRules.map(
      (r) =>
        `  [${r.site}] ${r.publicName} -> ${r.target.fqdn} (${r.target.ip}) ${r.bridges.map((b) => `${b.listen}->${b.target}`).join(", ")}; path ${r.path}, host header forwarded, no authentication`,
    ),
  ];
}

function topologySettingLines(plan: Plan): string[] {
  return ["", "Topology settings:", ...plan.topologySettings.map((t) => `  [${t.site}] ${t.item}: ${t.value} [${t.refs.join(", ")}]`)];
}

/** One feature planned for later: what it adds once deployed. */
function laterLines(later: Plan["later"][number]): string[] {
  return [
    "",
    `Planned for later: ${later.title} (its certificate names are planned above); once deployed it adds:`,
    ...later.dnsRecords.map((r) => `  DNS ${r.view} ${r.type} ${r.name} ${r.values.join(", ")}`),
    ...later.firewallRules.map((r) => `  firewall [${r.site}] ${r.table} ${r.direction} ${r.ports} ${r.protocol}`),
    ...later.vips.map((v) => `  VIP [${v.site}] ${v.service} ${v.ip} ports ${v.ports.map((p) => p.slashText).join(" ")}`),
    ...later.publishingRules.map((r) => `  publishing [${r.site}] ${r.publicName} -> ${r.target.fqdn}`),
    ...later.topologySettings.map((t) => `  setting [${t.site}] ${t.item}: ${t.value}`),
  ];
}

function noteLines(plan: Plan): string[] {
  if (!plan.notes.length) return [];
  return ["", "Notes:", ...plan.notes.map((n) => `  ${n.kind}${n.site ? ` (${n.site})` : ""}: ${n.message} [${n.refs.join(", ")}]`)];
}

/** The text `edge-lab plan` prints: the scenario, each site, then one section per plan table. */
export function planSummary(plan: Plan): string {
  const out = [
    ...scenarioLines(plan),
    ...plan.scenario.sites.flatMap((site) => siteLines(plan, site)),
    ...dnsLines(plan),
    ...firewallLines(plan),
    ...cmdletLines(plan),
    ...hybridLines(plan),
    ...certificateLines(plan),
    ...publishingRuleLines(plan),
    ...topologySettingLines(plan),
    ...plan.later.flatMap(laterLines),
    ...noteLines(plan),
  ];
  return out.join("\n") + "\n";
}
