/** Blocked probes: management and unplanned ports on every public address; the perimeter's internal side from the Internet. */
import type { Plan } from "../plan";
import { Port } from "../port";
import { fromInternet, targetsOf } from "./rows";
import type { BlockedProbe } from "./types";

/** Management and other unplanned ports probed from the Internet (RDP, SSH, WinRM, SMB, SQL). */
export const BLOCKED_SAMPLE: readonly { readonly port: Port; readonly why: string }[] = [
  { port: Port.tcp(3389), why: "RDP (management)" },
  { port: Port.tcp(22), why: "SSH (management)" },
  { port: Port.tcp(5986), why: "WinRM HTTPS (management)" },
  { port: Port.tcp(445), why: "SMB (not in the plan)" },
  { port: Port.udp(5060), why: "SIP over UDP (not in the plan)" },
];

const HTTPS = Port.tcp(443);

export function blockedProbes(plan: Plan): BlockedProbe[] {
  return plan.scenario.sites.flatMap((site) => [...unplannedPortProbes(plan, site.name), ...internalSideProbes(plan, site.name)]);
}

/** Every sampled port no inbound row opens, on every public address of the site. */
function unplannedPortProbes(plan: Plan, site: string): BlockedProbe[] {
  const inbound = plan.firewallRules.filter((r) => r.site === site && r.direction === "inbound" && fromInternet(r));
  const publicAddresses = [...new Set(inbound.flatMap((r) => targetsOf(plan, r)))];
  const opened = (address: string, b: (typeof BLOCKED_SAMPLE)[number]) => inbound.some((r) => targetsOf(plan, r).includes(address) && r.ports.contains(b.port));
  return publicAddresses.flatMap((address) =>
    BLOCKED_SAMPLE.filter((b) => !opened(address, b)).map((b): BlockedProbe => ({
      kind: "blocked",
      id: `${site}/blocked/${b.port.target(address)}`,
      site,
      from: { kind: "internet" },
      transport: b.port.transport,
      address,
      port: b.port.from,
      what: `${b.port} from the Internet to ${address} is dropped: ${b.why}`,
      refs: ["FW-02", "FW-05"],
    })),
  );
}

/** HTTPS from the Internet to the internal side of every perimeter server and the next hop: no path through the perimeter. */
function internalSideProbes(plan: Plan, site: string): BlockedProbe[] {
  const s = plan.scenario.sites.find((x) => x.name === site)!;
  const internalSide = plan.servers
    .filter((x) => x.site === site)
    .flatMap((x) => x.interfaces.filter((i) => i.side === "internal").flatMap((i) => i.addresses.map((a) => a.ip)));
  return [...internalSide, ...s.nextHop.addresses].map((address): BlockedProbe => ({
    kind: "blocked",
    id: `${site}/blocked/${HTTPS.target(address)}`,
    site,
    from: { kind: "internet" },
    transport: HTTPS.transport,
    address,
    port: HTTPS.from,
    what: `${HTTPS} from the Internet to the internal side ${address} is dropped (no path through the perimeter)`,
    refs: ["NET-10"],
  }));
}
