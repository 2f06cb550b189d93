/**
 * `--mutate`: which probes can notice the removal of a rule of each firewall, and why a removal no probe noticed is
 * no defect of the perimeter (pure; lib/emulate/index.ts runs the mutations).
 *
 * A removal nobody noticed is one of:
 * - covered: another rule the firewall still holds allows every packet the removed one did (its match set is inside
 *   the other's: lib/model/plan/coverage.ts), or, on the internal firewall, every packet the row's probes send (the
 *   traffic this topology sends under the row) while the row itself is broader than that traffic;
 * - no-firewall: an internal row between two addresses of the internal networks, whose packets never reach the
 *   internal firewall in this topology;
 * - finding: none of these; the rule is not needed, or a probe is missing.
 */
import { covers, coveringRule, staysInternal } from "../model/plan/coverage";
import { isInternetOnly } from "../model/peer";
import { Port } from "../model/port";
import type { FirewallRule, PlanSite } from "../model/plan";
import type { Probe } from "../model/probes";

export type MutationOutcome = "caught" | "covered" | "no-firewall" | "finding";

export interface MutationExplanation {
  readonly outcome: MutationOutcome;
  /** Covered: the rule (or rules) that still allow the packets. */
  readonly coveredBy?: string;
  /** Why no probe noticed the removal (covered, no-firewall) or what is missing (finding). */
  readonly reason?: string;
}

/**
 * True when the probe's packets cross the external firewall: they start on the Internet or at a named service on it
 * (Microsoft 365), go to the Internet or to that service, or come back into the site through it (NAT reflection
 * between pool members). Everything else crosses the internal firewall, or neither.
 */
export function crossesExternalFirewall(p: Probe): boolean {
  if (p.from.kind === "internet" || p.from.kind === "remote") return true;
  return p.kind === "port" && (p.toInternet || p.remote || p.hairpin === true);
}

/** The ids of the site's ACCEPT rules in an appliance ruleset (each rule's comment is its plan row id). */
export function applianceRuleIds(rules: string, site: string): string[] {
  return [
    ...new Set([...rules.matchAll(/^-A FORWARD .* -j ACCEPT -m comment --comment "([^"]+)"$/gm)].map((m) => m[1]).filter((id) => id.startsWith(`${site}/`))),
  ];
}

/** The rules a firewall holds in the emulation: the appliance's rule ids (external), the internal rows it can write. */
export function loadedRules(rows: readonly FirewallRule[], site: string, firewall: "external" | "internal", applianceIds: readonly string[]): FirewallRule[] {
  const ids = new Set(applianceIds);
  return rows.filter(
    (r) =>
      r.site === site && r.firewall === firewall && (firewall === "external" ? ids.has(r.id) : !isInternetOnly(r.source) && !isInternetOnly(r.destination)),
  );
}

/** What a port or TLS probe sends, as a match set (internal firewall only: its addresses are not translated). */
function probePacket(p: Probe, row: FirewallRule, internalClient: string): FirewallRule | undefined {
  if (p.kind !== "port" && p.kind !== "tls") return undefined;
  if (p.kind === "port" && p.hairpin) return undefined;
  const from = p.from.kind === "server" ? p.from.ip : p.from.kind === "internal" ? internalClient : undefined;
  if (!from) return undefined;
  const port = Port.of(p.kind === "port" ? p.transport : "TCP", { from: p.port, to: p.port });
  return {
    ...row,
    id: `${p.id} (probe)`,
    transport: port.transport,
    ports: port,
    source: { label: "probe source", addresses: [from] },
    destination: { label: "probe target", addresses: [p.address] },
  };
}

const packetText = (r: FirewallRule) => `${r.source.addresses[0]} -> ${r.destination.addresses[0]} ${r.ports.first}`;

/**
 * Why removing `row` changed no probe's result. `loaded` are the rules the same firewall holds in the emulation
 * (`loadedRules`), `probes` the probes that ran, `internalClient` the internal client's address in the emulation.
 */
export function explainUncaught(
  row: FirewallRule,
  loaded: readonly FirewallRule[],
  site: PlanSite,
  probes: readonly Probe[],
  internalClient: string,
): MutationExplanation {
  const internal = staysInternal(row, site);
  if (internal) return { outcome: "no-firewall", reason: internal };
  const by = coveringRule(row, loaded);
  if (by)
    return {
      outcome: "covered",
      coveredBy: by.id,
      reason: `${by.id} allows every packet this row allows (${by.source.label} -> ${by.destination.label}, ${by.ports}); keep this row if your firewall restricts ${by.id}`,
    };
  if (row.firewall === "internal") {
    const mine = probes.filter((p) => p.refs.includes(row.id));
    const packets = mine.map((p) => probePacket(p, row, internalClient));
    if (mine.length && packets.every((x): x is FirewallRule => x !== undefined)) {
      const others = loaded.filter((r) => r.id !== row.id);
      const coverers = packets.map((pk) => others.find((r) => covers(r, pk)));
      if (coverers.every((c): c is FirewallRule => c !== undefined)) {
        const ids = [...new Set(coverers.map((c) => c.id))];
        const shown = [...new Set(packets.map(packetText))];
        return {
          outcome: "covered",
          coveredBy: ids.join(", "),
          reason: `the traffic this topology sends under this row (what its probes send: ${shown.slice(0, 4).join("; ")}${shown.length > 4 ? `; +${shown.length - 4}` : ""}) is also allowed by ${ids.join(", ")}; the row itself allows more (${row.source.label} -> ${row.destination.label}: ${row.destination.addresses.join(", ")}) than this topology sends`,
        };
      }
    }
  }
  return {
    outcome: "finding",
    reason: "no other rule allows the same packets and they cross the firewall: the rule is not needed, or a probe is missing",
  };
}
