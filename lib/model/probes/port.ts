/** Port probes: every firewall row, from each of its origins to each of its targets (a range sampled at its first port). */
import type { FirewallRule } from "../plan";
import { fromText, isTurn, originsOf, publicOf, remotePrefixes, STUN_PORT, targetsOf, toInternet, type ProbeContext } from "./rows";
import type { PortProbe, ProbeFrom } from "./types";

export function portProbes(ctx: ProbeContext): PortProbe[] {
  return ctx.plan.firewallRules.flatMap((rule) =>
    originsOf(ctx, rule).flatMap((from) => targetsOf(ctx.plan, rule).map((address) => portProbe(ctx, rule, from, address))),
  );
}

function portProbe({ plan }: ProbeContext, rule: FirewallRule, from: ProbeFrom, address: string): PortProbe {
  const probed = rule.ports.first;
  const port = probed.from;
  const sampled = rule.ports.isSingle ? "" : ` (range ${rule.ports.rangeText} sampled at ${port})`;
  const outbound = toInternet(rule);
  const toRemote = remotePrefixes(plan, rule, rule.destination).length > 0;
  // Outbound to the Internet or Microsoft 365: the far end sees the public address (NAT-04), or the VIP for a VIP row
  // (HLB-05).
  const expectSource =
    (outbound || toRemote) && from.kind === "server"
      ? rule.source.addresses.includes(from.ip)
        ? publicOf(plan, from.ip)
        : rule.source.addresses[0]
      : undefined;
  return {
    kind: "port",
    id: `${rule.id}/${fromText(from)}->${probed.target(address)}`,
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
    what: `${probed} ${fromText(from)} -> ${address}${sampled}: ${rule.service} ${rule.protocol}`,
    refs: [rule.id, ...rule.refs],
  };
}
