/**
 * Azure limits that a valid Lync design can still exceed in the lab (LAB-): checked here so that `validate` refuses
 * what synth or Azure would refuse later (lib/azure/dns.ts and lib/lab/layout.ts keep a guard for code users).
 */
import { cidrsOverlap, hostAt, parseCidr } from "../net";
import type { ResolvedScenario } from "../resolve";
import { error, type Finding } from "./problem";
import type { RuleCheck } from "./types";

/** Records per record set in Azure DNS, public and private zones. */
export const MAX_RECORDS_PER_SET = 20;

/** RFC 6598 shared address space: the lab takes its infrastructure /24s (firewall, Bastion) from here. */
export const LAB_INFRA_SPACE = "100.64.0.0/10";

/** The free /24 blocks of LAB_INFRA_SPACE that none of `taken` overlaps, up to `count`. */
export function freeInfraBlocks(taken: readonly string[], count: number): string[] {
  const space = parseCidr(LAB_INFRA_SPACE);
  const cidrs = taken.map((t) => parseCidr(t));
  const out: string[] = [];
  for (let i = 0; out.length < count && i < 2 ** (24 - space.prefix); i++) {
    const block = parseCidr(`${hostAt(space, i * 256)}/24`);
    if (!cidrs.some((t) => cidrsOverlap(t, block))) out.push(block.text);
  }
  return out;
}

export const labLimitChecks: readonly RuleCheck[] = [
  {
    rules: ["LAB-DNS-01"],
    check: (s: ResolvedScenario) => {
      const findings: Finding[] = [];
      const limit = (count: number, path: string, what: string) => {
        if (count > MAX_RECORDS_PER_SET) {
          findings.push(
            error(
              "LAB-DNS-01",
              path,
              `${count} servers behind ${what} make ${count} A records in one record set; Azure DNS allows ${MAX_RECORDS_PER_SET} (use at most ${MAX_RECORDS_PER_SET}, or a hardware load balancer VIP)`,
            ),
          );
        }
      };
      for (const site of s.sites) {
        const e = site.edge;
        if (e.pool && (e.loadBalancing.external === "dns" || e.loadBalancing.internal === "dns"))
          limit(e.servers.length, `${e.path}.servers`, `the DNS load-balanced Edge pool ${e.fqdns.internalPool.value}`);
        const d = site.director;
        if (d?.pool && (d.loadBalancing === "dns-hlb" || d.loadBalancing === "dns"))
          limit(d.servers.length, `${d.path}.servers`, `the DNS load-balanced Director pool ${d.poolFqdn.value}`);
      }
      return findings;
    },
  },
  {
    rules: ["LAB-NET-04"],
    check: (s: ResolvedScenario) => {
      const taken = s.sites.flatMap((site) => {
        const n = site.network;
        return [n.perimeterExternal, n.perimeterInternal, n.publicRange, n.reverseProxyExternal, ...n.internalNetworks].map((c) => c.value.text);
      });
      const needed = s.sites.length + (s.lab.mode === "closed" ? 1 : 0);
      if (freeInfraBlocks(taken, needed).length >= needed) return [];
      const blocking = s.sites
        .flatMap((site) => {
          const n = site.network;
          return [n.perimeterExternal, n.perimeterInternal, n.publicRange, n.reverseProxyExternal, ...n.internalNetworks];
        })
        .find((c) => cidrsOverlap(c.value, parseCidr(LAB_INFRA_SPACE)))!;
      return [
        error(
          "LAB-NET-04",
          blocking.path,
          `${blocking.value.text} leaves fewer than ${needed} free /24 blocks of ${LAB_INFRA_SPACE}, which the lab needs for its firewall and Bastion subnets (one per site${s.lab.mode === "closed" ? ", one for the simulated Internet" : ""}); use other ranges`,
        ),
      ];
    },
  },
];
