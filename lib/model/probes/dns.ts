/** DNS probes: every planned record in its view, and (hybrid) the federation-route Edge resolving the federation SRVs. */
import type { DnsRecord, Plan } from "../plan";
import type { DnsProbe } from "./types";

const srvText = (record: DnsRecord) => `${record.srv!.priority} ${record.srv!.weight} ${record.srv!.port} ${record.srv!.target}`;

export function dnsProbes(plan: Plan): DnsProbe[] {
  return [...recordProbes(plan), ...edgeSrvProbes(plan)];
}

/** Every record resolves in its view: external records from the Internet, internal ones from the internal network. */
function recordProbes(plan: Plan): DnsProbe[] {
  return plan.dnsRecords.map((record) => {
    const value = record.type === "SRV" ? srvText(record) : record.values.join(", ");
    return {
      kind: "dns",
      id: `${record.site}/dns/${record.view}/${record.name}/${record.type}/${value}`,
      site: record.site,
      record,
      from: record.view === "external" ? { kind: "internet" } : { kind: "internal" },
      what: `${record.view} DNS ${record.type} ${record.name} = ${value}`,
      refs: record.refs,
    };
  });
}

/** Hybrid: the federation-route Edge itself must resolve every SIP domain's federation SRV (strict name matching). */
function edgeSrvProbes(plan: Plan): DnsProbe[] {
  if (!plan.hybrid) return [];
  const route = plan.scenario.sites.find((x) => x.federationRoute)?.name;
  const srvs = plan.dnsRecords.filter((r) => r.view === "external" && r.type === "SRV" && r.name.startsWith("_sipfederationtls._tcp."));
  return plan.servers
    .filter((x) => x.role === "edge" && x.site === route)
    .flatMap((edge) => {
      const ip = edge.interfaces.find((i) => i.side === "external")!.addresses[0].ip;
      return srvs.map((record): DnsProbe => ({
        kind: "dns",
        id: `${edge.site}/dns/edge/${edge.id}/${record.name}/${record.type}`,
        site: edge.site,
        record,
        from: { kind: "server", server: edge.id, ip },
        what: `${edge.fqdn} resolves ${record.name} (SRV) = ${srvText(record)}`,
        refs: record.refs,
      }));
    });
}

/**
 * What a DNS probe's answer must be, as resolvers print it: the record's values (A, CNAME), or "priority weight port
 * target" (SRV). Both probers (the emulator's and `edge-lab probe`) compare their answers with this.
 */
export function expectedDnsAnswers(p: DnsProbe): string[] {
  const r = p.record;
  if (r.type === "SRV") return [`${r.srv!.priority} ${r.srv!.weight} ${r.srv!.port} ${r.srv!.target}`];
  return [...r.values];
}
