/** TLS probes: every inbound TLS row, at every target address, for every name the origin's DNS view gives that address. */
import { carriesSip } from "../application";
import type { FirewallRule, Plan } from "../plan";
import { answerers, fromOutside, isTls, isTurn, originsOf, planAddressOf, targetsOf, type ProbeContext } from "./rows";
import type { ProbeFrom, TlsProbe } from "./types";

export function tlsProbes(ctx: ProbeContext): TlsProbe[] {
  return ctx.plan.firewallRules
    .filter((r) => r.direction === "inbound" && isTls(r) && !isTurn(r))
    .flatMap((rule) => originsOf(ctx, rule).flatMap((from) => targetsOf(ctx.plan, rule).flatMap((address) => tlsProbesAt(ctx, rule, from, address))));
}

/** The A/V Edge names of the site's external view: they must not be on the certificate (CERT-03). */
function avNames(plan: Plan, rule: FirewallRule): string[] {
  const isAvName = (name: string) => plan.servers.some((s) => s.interfaces.some((i) => i.addresses.some((a) => a.role === "av" && a.fqdn === name)));
  const names = plan.dnsRecords.filter((d) => d.site === rule.site && d.view === "external" && d.type === "A" && isAvName(d.name)).map((d) => d.name);
  return [...new Set(names)];
}

function tlsProbesAt(ctx: ProbeContext, rule: FirewallRule, from: ProbeFrom, address: string): TlsProbe[] {
  const { plan } = ctx;
  const view = fromOutside(plan, rule) ? "external" : "internal";
  const owners = answerers(ctx, planAddressOf(rule, address));
  const names = plan.dnsRecords.filter((d) => d.view === view && d.type === "A" && d.values.includes(address)).map((d) => d.name);
  const sip = carriesSip(rule.application);
  return [...new Set(names)].flatMap((name): TlsProbe[] => {
    const certificate = plan.certificates.find(
      (c) => owners.length > 0 && owners.every((o) => c.installedOn.includes(o.id)) && (c.subject === name || c.sans.includes(name)),
    );
    if (!certificate) return [];
    return [
      {
        kind: "tls",
        id: `${rule.id}/tls/${address}:${rule.ports.from}/${name}`,
        site: rule.site,
        from,
        rule,
        address,
        port: rule.ports.from,
        serverName: name,
        certificate,
        forbiddenNames: view === "external" ? avNames(plan, rule) : [],
        sipOptions: sip,
        what: `TLS ${address}:${rule.ports.from} SNI ${name}: certificate ${certificate.subject} (SANs as planned)${sip ? ", SIP OPTIONS answered" : ""}`,
        refs: [rule.id, certificate.id, ...certificate.refs],
      },
    ];
  });
}
