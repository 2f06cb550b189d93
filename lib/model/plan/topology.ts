/** Topology Builder / Control Panel settings to enter, and the plan's notes (Microsoft caveats and lab fidelity). */
import { PRODUCTS } from "../products";
import type { ResolvedScenario, ResolvedSite } from "../resolve";
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
    // Topology Builder has no load balancing field: DNS or hardware load balancing follows from the addresses (VIPs or
    // not) and the DNS records. It is a design decision the plan states in the site summary (scenario.sites[].loadBalancing).
    set("Use a single FQDN and IP address", yesNo(edge.ipMode === "single"), ["NET-14"]);
    // The route may be designated for federation planned for later (`later:`): it is enabled once federation is deployed.
    const federating = site.federationRoute && s.federation.any;
    set("Enable federation for this Edge pool (port 5061)", yesNo(federating), ["FED-01"]);
    if (PRODUCTS[s.product].xmpp) set("Enable XMPP federation (port 5269)", yesNo(site.federationRoute && s.federation.xmpp.enabled), ["FED-02"]);
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
    if (federating) {
      const f = s.federation;
      set(
        "External Access Policy",
        [f.sip.enabled ? "federated users" : "", f.publicIm.length ? "public users" : "", f.xmpp.enabled ? "XMPP federated users" : ""]
          .filter(Boolean)
          .join(", ") || "remote users only",
        ["FED-05"],
      );
      if (f.sipFederation) {
        // Control Panel, Federation and External Access, Access Edge Configuration; push needs it as much as partners do.
        set(
          "Access Edge configuration: enable communications with federated users",
          `Yes (${[f.sipPartners && "federation", f.push && "push notifications"].filter(Boolean).join(", ")})`,
          ["FED-05", ...(f.push ? ["FW-07"] : [])],
        );
      }
      if (f.sip.enabled) {
        set("SIP federated domains: partner domain discovery", yesNo(f.sip.partnerDiscovery), ["FED-05"]);
        for (const d of f.sip.allowedDomains)
          set(`SIP federated domains: allow ${d.domain}`, d.accessEdgeFqdn ? `Access Edge ${d.accessEdgeFqdn}` : "domain only", ["FED-04", "FED-05"]);
      }
      for (const provider of f.publicIm) set(`SIP federated providers: ${provider}`, "Enabled", ["FED-03"]);
      for (const partner of f.xmpp.partners) set(`XMPP federated partners: ${partner}`, "Allowed", ["FED-02"]);
      if (f.push) {
        // Push notifications are a federation with Microsoft's push notification clearing house through Lync Online
        // (New-CsHostingProvider, New-CsAllowedDomain, Set-CsPushNotificationConfiguration).
        // With SIP federation the Office365 hosting provider for sipfed.online.lync.com is planned anyway (plan/hybrid.ts):
        // push uses it, as Lync refuses a second provider with the same proxy FQDN.
        if (f.sip.enabled)
          set("Push notifications: hosting provider", "the Office365 hosting provider (sipfed.online.lync.com); no second provider entry", ["FW-07", "FED-05"]);
        else set("SIP federated providers: Lync Online (push notifications)", "Enabled, proxy sipfed.online.lync.com", ["FW-07", "FED-05"]);
        set("SIP federated domains: allow push.lync.com", "domain only", ["FW-07", "FED-04"]);
        set("Push notifications (Set-CsPushNotificationConfiguration)", "Apple and Microsoft push notification services enabled", ["FW-07"]);
      }
    }
    return out;
  });
}

/** A note, about one site when `site` is given. */
const planNote = (kind: PlanNote["kind"], message: string, refs: string[], site?: string): PlanNote => ({ kind, ...(site ? { site } : {}), message, refs });

/** With NAT: how the external firewall translates the Edge's public addresses. */
function natNotes(site: ResolvedSite): PlanNote[] {
  if (site.edge.externalAddressing !== "nat") return [];
  return [
    planNote(
      "info",
      "The external firewall must translate each public address 1:1 and symmetrically: destination NAT inbound keeping the client source address, source NAT outbound.",
      ["NAT-02", "NAT-03", "NAT-04"],
      site.name,
    ),
  ];
}

/** What one Edge Server can carry, or (pool) that every member runs every Edge service. */
function edgeCapacityNotes(s: ResolvedScenario, site: ResolvedSite): PlanNote[] {
  if (!site.edge.pool) {
    return [
      planNote(
        "info",
        "A single Edge Server is sized for fewer than 15,000 Access Edge client connections, 1,000 active Web Conferencing connections and 500 concurrent A/V sessions; beyond that, or for high availability, use an Edge pool.",
        ["LB-12"],
        site.name,
      ),
    ];
  }
  return [
    planNote(
      "info",
      `Every Edge Server of the pool runs all Edge services (Access, Web Conferencing, A/V${s.federation.xmpp.enabled && site.federationRoute ? ", XMPP proxy" : ""}); they cannot be split across servers.`,
      ["LB-13"],
      site.name,
    ),
  ];
}

/** Public addresses the site's Edge needs: per server (and per VIP) one per service, or one in single-IP mode. */
function publicAddressCountNote(site: ResolvedSite): PlanNote {
  const { edge } = site;
  const perServer = edge.ipMode === "single" ? 1 : 3;
  const vips = isHardware(site) ? perServer : 0;
  const total = edge.servers.length * perServer + vips;
  const why = `${perServer} per Edge Server${vips ? ` plus ${vips} VIP${vips > 1 ? "s" : ""}` : ""}`;
  return planNote(
    "info",
    `This Edge needs ${total} public IP address${total === 1 ? "" : "es"} (${why})${edge.externalAddressing === "nat" ? ", each translated 1:1 to a private one" : ""}.`,
    ["LB-14"],
    site.name,
  );
}

/** An Edge pool's load balancing: DNS round robin, or the hardware load balancer's rules, gateway and traffic path. */
function loadBalancingNotes(site: ResolvedSite): PlanNote[] {
  if (site.edge.pool && !isHardware(site)) {
    return [
      planNote(
        "info",
        "DNS load balancing relies on DNS round robin: keep it enabled; to take a server out, remove its DNS records.",
        ["LB-08", "LB-10"],
        site.name,
      ),
    ];
  }
  if (!isHardware(site)) return [];
  return [
    planNote(
      "info",
      "Hardware load balancer: no NAT for A/V (the A/V Edge answers from its own address); SNAT allowed only for Access and Web Conferencing; turn off TCP nagling on 443 and 50,000-59,999; no DSR.",
      ["HLB-04", "HLB-05", "HLB-06", "HLB-10", "HLB-11"],
      site.name,
    ),
    planNote(
      "info",
      "Microsoft's HLB port summary names the Access Edge VIP as the Edge default gateway, its DNS summary the perimeter router; edge-lab uses the router (the subnet's first address).",
      ["HLB-16", "NET-02"],
      site.name,
    ),
    planNote(
      "info",
      "Traffic through the hardware load balancer: if it uses source NAT (allowed for Access and Web Conferencing only, HLB-10), clients reach the VIP, which replaces the client's source address with its own; the Edge answers the VIP, which replaces the server's source address and forwards the reply to the client (HLB-13). A/V clients reach each A/V Edge at its own public address once a call is set up, so the external firewall keeps every server's public address (HLB-14); inside, Edge traffic to internal servers and clients is routed, through persistent routes for every internal network (HLB-15).",
      ["HLB-10", "HLB-13", "HLB-14", "HLB-15", "NET-03"],
      site.name,
    ),
  ];
}

/** A Director pool's web services behind the hardware load balancer: affinity, cookie, host header, mobile clients. */
function directorPoolNotes(s: ResolvedScenario, site: ResolvedSite): PlanNote[] {
  if (!site.director?.pool) return [];
  return [
    planNote(
      "info",
      `Director pool web services behind the hardware load balancer: external web services FQDN without affinity, internal with source address affinity (HLB-22); no cookie affinity needed with ${s.product === "lync2013" ? "Lync Server 2013-only pools" : "Lync Server 2013 and later pools"} (if used, the cookie is named MS-WSMAN, is not httpOnly, has no expiry and is set in every response that lacks it), and the reverse proxy forwards the host header on the 4443 rule (HLB-19).` +
        (s.mobility ? " For mobile clients the load balancer must balance individual requests within one TCP session (HLB-21)." : ""),
      ["HLB-19", ...(s.mobility ? ["HLB-21"] : []), "HLB-22", "DIR-01"],
      site.name,
    ),
  ];
}

/** Lab fidelity in internet mode: public addresses assigned at deploy, and no routable public address on a NIC. */
function internetModeNotes(s: ResolvedScenario, site: ResolvedSite): PlanNote[] {
  if (s.lab.mode !== "internet") return [];
  const notes = [
    planNote(
      "fidelity",
      "Internet mode: Azure assigns every public address at deploy time; external A records and Topology Builder NAT addresses take their values from the deployment outputs.",
      ["NAT-05"],
      site.name,
    ),
  ];
  if (site.edge.externalAddressing === "public") {
    notes.push(
      planNote(
        "fidelity",
        `Internet mode cannot give a NIC a routable public address: Azure translates every public IP 1:1, so Microsoft's scenario ${microsoftScenario(site)} (public addresses${isHardware(site) ? ", hardware load balancer" : ""}) runs here with private NIC addresses behind Azure's NAT. Use mode: closed for a faithful lab.`,
        ["NET-11", ...(isHardware(site) ? ["HLB-09", "LB-03"] : [])],
        site.name,
      ),
    );
  }
  return notes;
}

/** A site's notes, in the order the worksheet lists them. */
function siteNotes(s: ResolvedScenario, site: ResolvedSite): PlanNote[] {
  return [
    ...natNotes(site),
    ...edgeCapacityNotes(s, site),
    publicAddressCountNote(site),
    ...loadBalancingNotes(site),
    ...directorPoolNotes(s, site),
    ...internetModeNotes(s, site),
  ];
}

/** The plan's notes: each site's, then the scenario-wide ones (XMPP certificate names, HOSTS entries). */
export function deriveNotes(s: ResolvedScenario): PlanNote[] {
  const notes = s.sites.flatMap((site) => siteNotes(s, site));
  if (s.federation.xmpp.enabled || s.later.federation.xmpp.enabled) {
    notes.push(
      planNote(
        "info",
        "XMPP certificate names: Microsoft's scenario tables show *.<domain>; wildcards are not supported on the Edge (CERT-04), so edge-lab adds the XMPP domain itself.",
        ["CERT-04"],
      ),
    );
  }
  notes.push(planNote("info", "The Edge Servers and reverse proxy resolve the next hop through HOSTS entries, not internal DNS.", ["NET-06", "RP-06"]));
  return notes;
}
