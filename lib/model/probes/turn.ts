/** TURN probes: every inbound STUN/TURN row from the Internet: an allocation whose relay lies in the A/V media range. */
import type { FirewallRule, Plan } from "../plan";
import { fromInternet, isTurn, planAddressOf, publicOf, targetsOf } from "./rows";
import type { TurnProbe } from "./types";

/** The media range of a site: the A/V RTP rows (UDP only with OCS 2007 federation; TCP outbound always). */
export function mediaRow(plan: Plan, site: string): FirewallRule | undefined {
  const rtp = plan.firewallRules.filter((r) => r.site === site && r.application === "rtp");
  return rtp.find((r) => r.transport === "UDP") ?? rtp[0];
}

export function turnProbes(plan: Plan): TurnProbe[] {
  return plan.firewallRules
    .filter((r) => r.direction === "inbound" && fromInternet(r) && isTurn(r))
    .flatMap((rule) => {
      const media = mediaRow(plan, rule.site);
      return media ? targetsOf(plan, rule).map((address) => turnProbe(plan, rule, media, address)) : [];
    });
}

function turnProbe(plan: Plan, rule: FirewallRule, media: FirewallRule, address: string): TurnProbe {
  const port = rule.ports.first;
  const vip = plan.vips.find((v) => v.ip === planAddressOf(rule, address));
  // Through a VIP the allocation lands on a member, whose own public A/V address carries the relay (HLB-04).
  const relayAddresses = vip ? vip.members.map((m) => publicOf(plan, m.ip)) : [address];
  return {
    kind: "turn",
    id: `${rule.id}/turn/${port.target(address)}`,
    site: rule.site,
    from: { kind: "internet" },
    rule,
    transport: rule.transport,
    address,
    port: port.from,
    relayRange: media.ports,
    relayAddress: relayAddresses.join(","),
    what: `TURN allocation over ${rule.transport} ${address}:${port.from}, relay in ${media.ports.rangeText} on ${relayAddresses.join(" or ")}, media relayed to a partner`,
    refs: [rule.id, media.id, ...rule.refs],
  };
}
