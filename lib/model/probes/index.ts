/**
 * The one list of probes, derived from the plan: what must be true of a built perimeter, each probe naming the plan
 * row (and Microsoft table row / rule id) it proves. Two consumers read it and nothing else:
 * - `edge-lab checklist` (lib/render/checklist.ts) prints the probes a person runs on the real deployment
 *   (Resolve-DnsName, Test-NetConnection, a UDP STUN Binding request, the certificate check);
 * - `edge-lab emulate` (lib/emulate/) runs every probe with packets against the perimeter built in network namespaces.
 *
 * Probes come from the plan's rows generically (firewall rows, DNS records, certificates, publishing rules), so a new
 * row in the plan (hybrid, another federation table) gets its probe without a change here. One module per kind.
 */
import type { Plan } from "../plan";
import { blockedProbes } from "./blocked";
import { dnsProbes } from "./dns";
import { hairpinProbes } from "./hairpin";
import { hostsProbes } from "./hosts";
import { portProbes } from "./port";
import { probeContext } from "./rows";
import { tlsProbes } from "./tls";
import { turnProbes } from "./turn";
import type { Probe } from "./types";
import { webProbes } from "./web";

export * from "./types";
export { BLOCKED_SAMPLE } from "./blocked";
export { mediaRow } from "./turn";
export { expectedDnsAnswers } from "./dns";

/** Every probe of one plan, in a stable order: DNS, HOSTS, ports, TLS, TURN, hairpin, web publishing, blocked. */
export function buildProbes(plan: Plan): Probe[] {
  const ctx = probeContext(plan);
  const all: Probe[] = [
    ...dnsProbes(plan),
    ...hostsProbes(plan),
    ...portProbes(ctx),
    ...tlsProbes(ctx),
    ...turnProbes(plan),
    ...hairpinProbes(plan),
    ...webProbes(plan),
    ...blockedProbes(plan),
  ];
  // Ids are unique: the first probe with an id wins (a row listed twice, two rows with the same origin and target).
  const seen = new Set<string>();
  return all.filter((p) => !seen.has(p.id) && Boolean(seen.add(p.id)));
}

/** Probes of one site. */
export const probesOfSite = (probes: readonly Probe[], site: string) => probes.filter((p) => p.site === site);
