/** HOSTS probes: every lab server resolves the names of its HOSTS file (NET-06, RP-06). */
import type { Plan } from "../plan";
import type { HostsProbe } from "./types";

export function hostsProbes(plan: Plan): HostsProbe[] {
  return plan.servers.flatMap((s) =>
    s.hosts.map((h): HostsProbe => {
      const ip = s.interfaces.find((i) => i.side === "internal")?.addresses[0]?.ip ?? s.interfaces[0].addresses[0].ip;
      return {
        kind: "hosts",
        id: `${s.site}/hosts/${s.id}/${h.fqdn}`,
        site: s.site,
        from: { kind: "server", server: s.id, ip },
        fqdn: h.fqdn,
        ip: h.ip,
        what: `${s.fqdn} resolves ${h.fqdn} to ${h.ip} (HOSTS)`,
        refs: ["NET-06", "RP-06"],
      };
    }),
  );
}
