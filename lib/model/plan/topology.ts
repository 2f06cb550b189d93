/** Topology Builder / Control Panel settings to enter, and the plan's notes (Microsoft caveats and lab fidelity). */
import type { ResolvedScenario } from "../resolve";
import { isHardware, microsoftScenario, nextHop } from "./site-facts";
import type { PlanNote, TopologySetting } from "./types";

const yesNo = (value: boolean) => (value ? "Yes" : "No");
const SERVICE_TEXT = { access: "Access Edge", webConferencing: "Web Conferencing Edge", av: "A/V Edge" } as const;

export function deriveTopologySettings(s: ResolvedScenario): TopologySetting[] {
  return s.sites.flatMap((site) => {
    const { edge } = site;
    const nat = edge.externalAddressing === "nat";
    const out: TopologySetting[] = [];
    const set = (item: string, value: string, refs: string[]) => out.push({ site: site.name, item, value, refs });
    set("Edge pool FQDN (internal)", edge.fqdns.internalPool.value, ["NET-08", "CERT-06"]);
    set("Pool type", edge.pool ? `Multiple computer pool (${edge.servers.length} servers)` : "Single computer pool", ["LB-04", "LB-05"]);
    if (edge.pool) set("Load balancing (internal and external)", isHardware(site) ? "Hardware load balancer" : "DNS load balancing", ["LB-01"]);
    set("Use a single FQDN and IP address", yesNo(edge.ipMode === "single"), ["NET-14"]);
    set("Enable federation for this Edge pool (port 5061)", yesNo(site.federationRoute), ["FED-01"]);
    if (s.product !== "sfb2019") set("Enable XMPP federation (port 5269)", yesNo(site.federationRoute && s.federation.xmpp.enabled), ["FED-02"]);
    set("The external IP address of this Edge pool is translated by NAT", yesNo(nat), ["NAT-05", "LB-02"]);
    for (const service of edge.services) {
      const label = edge.ipMode === "single" ? "External FQDN (all services)" : `External FQDN: ${SERVICE_TEXT[service]}`;
      set(`${label}`, `${edge.fqdns[service].value} port ${edge.ports[service].value}`, ["NET-05", "NET-14"]);
    }
    if (edge.ipMode === "single") {
      set("External ports: Web Conferencing Edge / A/V Edge", `${edge.ports.webConferencing.value} / ${edge.ports.av.value}`, ["NET-14"]);
    }
    for (const server of edge.servers) {
      set(`Edge Server ${server.fqdn}: internal IP address`, server.internal.address.value, ["NET-03"]);
      set(
        `Edge Server ${server.fqdn}: external IP address${server.external.length > 1 ? "es" : ""}`,
        server.external.map((e) => `${SERVICE_TEXT[e.service]} ${e.address.value}`).join(", "),
        ["NET-05"],
      );
      if (nat) {
        const av = server.external.find((e) => e.service === "av") ?? server.external[0];
        set(`Edge Server ${server.fqdn}: public IP address of the A/V Edge (NAT)`, av.natPublic?.value ?? "(missing)", ["NAT-05"]);
      }
    }
    const hop = nextHop(site);
    set("Next hop pool", `${hop.fqdn} (${hop.kind === "director" ? "Director" : "Front End pool"})`, ["NET-15"]);
    if (site.federationRoute) {
      const f = s.federation;
      set("External Access Policy", [f.sip.enabled ? "federated users" : "", f.publicIm.length ? "public users" : "", f.xmpp.enabled ? "XMPP federated users" : ""].filter(Boolean).join(", ") || "remote users only", ["FED-05"]);
      if (f.sip.enabled) {
        set("SIP federated domains: partner domain discovery", yesNo(f.sip.partnerDiscovery), ["FED-05"]);
        for (const d of f.sip.allowedDomains) set(`SIP federated domains: allow ${d.domain}`, d.accessEdgeFqdn ? `Access Edge ${d.accessEdgeFqdn}` : "domain only", ["FED-04", "FED-05"]);
      }
      for (const provider of f.publicIm) set(`SIP federated providers: ${provider}`, "Enabled", ["FED-03"]);
      for (const partner of f.xmpp.partners) set(`XMPP federated partners: ${partner}`, "Allowed", ["FED-02"]);
    }
    return out;
  });
}

export function deriveNotes(s: ResolvedScenario): PlanNote[] {
  const notes: PlanNote[] = [];
  const note = (kind: PlanNote["kind"], message: string, refs: string[], site?: string) => notes.push({ kind, ...(site ? { site } : {}), message, refs });
  for (const site of s.sites) {
    const { edge } = site;
    const n = microsoftScenario(site);
    if (edge.externalAddressing === "nat") {
      note("info", "The external firewall must translate each public address 1:1 and symmetrically: destination NAT inbound keeping the client source address, source NAT outbound.", ["NAT-02", "NAT-03", "NAT-04"], site.name);
    }
    if (edge.pool && !isHardware(site)) {
      note("info", "DNS load balancing relies on DNS round robin: keep it enabled; to take a server out, remove its DNS records.", ["LB-08", "LB-10"], site.name);
    }
    if (isHardware(site)) {
      note("info", "Hardware load balancer: no NAT for A/V (the A/V Edge answers from its own address); SNAT allowed only for Access and Web Conferencing; turn off TCP nagling on 443 and 50,000-59,999; no DSR.", ["HLB-04", "HLB-05", "HLB-06", "HLB-10", "HLB-11"], site.name);
      note("info", "Microsoft's HLB port summary names the Access Edge VIP as the Edge default gateway, its DNS summary the perimeter router; edge-lab uses the router (the subnet's first address).", ["HLB-16", "NET-02"], site.name);
    }
    if (s.lab.mode === "internet") {
      note("fidelity", "Internet mode: Azure assigns every public address at deploy time; external A records and Topology Builder NAT addresses take their values from the deployment outputs.", ["NAT-05"], site.name);
      if (edge.externalAddressing === "public") {
        note(
          "fidelity",
          `Internet mode cannot give a NIC a routable public address: Azure translates every public IP 1:1, so Microsoft's scenario ${n} (public addresses${isHardware(site) ? ", hardware load balancer" : ""}) runs here with private NIC addresses behind Azure's NAT. Use mode: closed for a faithful lab.`,
          ["NET-11", ...(isHardware(site) ? ["HLB-09", "LB-03"] : [])],
          site.name,
        );
      }
    }
  }
  if (s.product === "lync2013") {
    note("info", "Lync Server 2013 runs on Windows Server 2012 R2 (extended support ended; the Azure image may be missing in some regions).", ["NET-13"]);
  }
  if (s.federation.xmpp.enabled) {
    note("info", "XMPP certificate names: Microsoft's scenario tables show *.<domain>; wildcards are not supported on the Edge (CERT-04), so edge-lab adds the XMPP domain itself.", ["CERT-04"]);
  }
  note("info", "The Edge Servers and reverse proxy resolve the next hop through HOSTS entries, not internal DNS.", ["NET-06", "RP-06"]);
  return notes;
}
