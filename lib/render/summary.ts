/** A readable text summary of a plan, for `edge-lab plan <file>` without --json. */
import type { FirewallRule, Plan } from "../model/plan";
import { Port } from "../model/port";
import { callText } from "./cmdlets";

function endpointText(e: FirewallRule["source"]): string {
  const addrs = e.addresses.join(", ");
  return e.publicAddresses ? `${addrs} (public ${e.publicAddresses.join(", ")})` : addrs;
}

export function planSummary(plan: Plan): string {
  const out: string[] = [];
  const s = plan.scenario;
  const f = s.features;
  out.push(`${s.title} [${s.id}]`);
  out.push(`  product ${s.product}; SIP domains ${s.sipDomains.join(", ")}; internal domain ${s.internalDomain}; lab mode ${s.labMode}`);
  const feats = [
    f.sipFederation && "SIP federation",
    f.publicIm.length && `public IM (${f.publicIm.join(", ")})`,
    f.xmpp && "XMPP",
    f.ocs2007Partners && "OCS 2007 partners",
    f.mobility && `mobility${f.pushNotifications ? " (push notifications)" : ""}`,
  ].filter(Boolean);
  out.push(`  support: ${s.support.text}`);
  out.push(`  features: ${feats.length ? feats.join(", ") : "remote access only"}`);
  if (s.hybrid)
    out.push(
      `  hybrid with Microsoft 365: phase ${s.hybrid.phase}; tenant SIP domains ${s.hybrid.tenantDomains.join(", ")}${s.hybrid.voice ? "; hybrid voice" : ""}`,
    );
  for (const site of s.sites) {
    out.push("");
    out.push(
      `Site ${site.name} (${site.region})${site.primary ? ", primary" : ""}${site.federationRoute ? ", federation route" : ""}: Microsoft scenario ${site.microsoftScenario} - ` +
        `${site.edgeTopology === "pool" ? `pool of ${site.edgeServers}, ${site.loadBalancing} load balancing` : "single Edge"}, ${site.externalAddressing} addressing, ${site.ipMode} IPs`,
    );
    out.push(`  next hop: ${site.nextHop.kind} ${site.nextHop.fqdn} (${site.nextHop.addresses.join(", ")})`);
    out.push("  servers:");
    for (const server of plan.servers.filter((x) => x.site === site.name)) {
      out.push(`    ${server.role.padEnd(13)} ${server.fqdn}`);
      for (const nic of server.interfaces) {
        const addrs = nic.addresses
          .map((a) => `${a.ip}${a.natPublic ? `->${a.natPublic}` : ""}${a.role !== "internal" && a.role !== "server" ? ` ${a.role}` : ""}`)
          .join(", ");
        const gw = nic.gateway ? ` gw ${nic.gateway}` : " no gateway";
        const routes = nic.routes.length ? `; routes ${nic.routes.map((r) => `${r.destination} via ${r.via}`).join(", ")}` : "";
        out.push(`      ${nic.side.padEnd(8)} ${nic.subnet.padEnd(18)} ${addrs};${gw}${routes}`);
      }
    }
    const vips = plan.vips.filter((v) => v.site === site.name);
    if (vips.length) {
      out.push("  VIPs:");
      for (const v of vips)
        out.push(`    ${v.service.padEnd(15)} ${v.ip.padEnd(15)} ${v.fqdn}  ports ${v.ports.map((p) => `${p.transport}/${p.port}`).join(" ")}`);
    }
  }
  out.push("");
  out.push("DNS records:");
  for (const r of plan.dnsRecords)
    out.push(`  ${r.view.padEnd(8)} ${r.type.padEnd(4)} ${r.name.padEnd(40)} ${r.values.join(", ")}${r.assignedAtDeploy ? " (assigned at deploy)" : ""}`);
  out.push("");
  out.push("Firewall rules:");
  let table = "";
  for (const r of plan.firewallRules) {
    if (r.table !== table) {
      table = r.table;
      out.push(`  [${r.site}] ${table}`);
    }
    out.push(
      `    ${r.direction.padEnd(8)} ${r.transport} ${Port.of(r.transport, r.ports).rangeText.padEnd(11)} ${r.protocol.padEnd(12)} ${endpointText(r.source)}${r.sourcePorts ? ` port ${Port.of(r.transport, r.sourcePorts).rangeText}` : ""} -> ${endpointText(r.destination)}`,
    );
  }
  if (plan.cmdlets.length) {
    out.push("");
    out.push("Configuration cmdlets (cmdlets.ps1):");
    for (const c of plan.cmdlets) out.push(`  [${c.shell}] ${callText(c.call)}`);
  }
  if (plan.hybrid) {
    out.push("");
    out.push(
      `Teams Only cutover (${plan.hybrid.phase === "teams-only" ? "in effect" : "at the cutover"}): ${plan.hybrid.cutoverRecords.length} records; deletes ${
        plan.hybrid.cutoverDeletions
          .filter((d) => d.required)
          .map((d) => `${d.view} ${d.type} ${d.name}`)
          .join(", ") || "nothing"
      }`,
    );
    out.push(`Microsoft 365 ranges: ${plan.hybrid.endpoints.source}${plan.hybrid.endpoints.date ? ` (${plan.hybrid.endpoints.date})` : ""}`);
  }
  out.push("");
  out.push("Certificates:");
  for (const c of plan.certificates) {
    out.push(
      `  ${c.component}: subject ${c.subject}; SANs ${c.sans.length ? c.sans.join(", ") : "(none)"}${c.sharedKey ? `; same key on ${c.installedOn.join(", ")}` : ""}`,
    );
  }
  out.push("");
  out.push("Reverse proxy publishing rules:");
  for (const r of plan.publishingRules) {
    out.push(
      `  [${r.site}] ${r.publicName} -> ${r.target.fqdn} (${r.target.ip}) ${r.bridges.map((b) => `${b.listen}->${b.target}`).join(", ")}; path ${r.path}, host header forwarded, no authentication`,
    );
  }
  out.push("");
  out.push("Topology settings:");
  for (const t of plan.topologySettings) out.push(`  [${t.site}] ${t.item}: ${t.value} [${t.refs.join(", ")}]`);
  for (const later of plan.later) {
    out.push("");
    out.push(`Planned for later: ${later.title} (its certificate names are planned above); once deployed it adds:`);
    for (const r of later.dnsRecords) out.push(`  DNS ${r.view} ${r.type} ${r.name} ${r.values.join(", ")}`);
    for (const r of later.firewallRules)
      out.push(`  firewall [${r.site}] ${r.table} ${r.direction} ${r.transport} ${Port.of(r.transport, r.ports).rangeText} ${r.protocol}`);
    for (const v of later.vips) out.push(`  VIP [${v.site}] ${v.service} ${v.ip} ports ${v.ports.map((p) => `${p.transport}/${p.port}`).join(" ")}`);
    for (const r of later.publishingRules) out.push(`  publishing [${r.site}] ${r.publicName} -> ${r.target.fqdn}`);
    for (const t of later.topologySettings) out.push(`  setting [${t.site}] ${t.item}: ${t.value}`);
  }
  if (plan.notes.length) {
    out.push("");
    out.push("Notes:");
    for (const n of plan.notes) out.push(`  ${n.kind}${n.site ? ` (${n.site})` : ""}: ${n.message} [${n.refs.join(", ")}]`);
  }
  return out.join("\n") + "\n";
}
