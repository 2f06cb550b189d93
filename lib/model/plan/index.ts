/** Derives the logical plan from a resolved, rule-checked scenario. Pure and deterministic. */
import type { ResolvedScenario } from "../resolve";
import { deriveCertificates, derivePublishingRules } from "./certificates";
import { deriveDnsRecords } from "./dns";
import { deriveFirewallRules } from "./firewall";
import { deriveServers, deriveVips } from "./servers";
import { isHardware, microsoftScenario, nextHop } from "./site-facts";
import { deriveNotes, deriveTopologySettings } from "./topology";
import type { Plan, PlanScenario } from "./types";

function scenarioSummary(s: ResolvedScenario): PlanScenario {
  return {
    id: s.id,
    title: s.title,
    ...(s.description ? { description: s.description } : {}),
    product: s.product,
    sipDomains: s.sipDomains.map((d) => d.value),
    internalDomain: s.internalDomain,
    labMode: s.lab.mode,
    features: {
      sipFederation: s.federation.sip.enabled,
      partnerDiscovery: s.federation.sip.enabled && s.federation.sip.partnerDiscovery,
      allowedDomains: s.federation.sip.allowedDomains,
      publicIm: s.federation.publicIm,
      xmpp: s.federation.xmpp.enabled,
      xmppPartners: s.federation.xmpp.partners,
      ocs2007Partners: s.federation.ocs2007Partners,
      mobility: s.mobility,
      pushNotifications: s.federation.push,
    },
    sites: s.sites.map((site) => {
      const hop = nextHop(site);
      const n = site.network;
      return {
        name: site.name,
        region: site.region,
        primary: site.primary,
        federationRoute: site.federationRoute,
        microsoftScenario: microsoftScenario(site),
        edgeTopology: site.edge.pool ? "pool" : "single",
        edgeServers: site.edge.servers.length,
        loadBalancing: !site.edge.pool ? "none" : isHardware(site) ? "hardware" : "dns",
        externalAddressing: site.edge.externalAddressing,
        ipMode: site.edge.ipMode,
        nextHop: { kind: hop.kind, fqdn: hop.fqdn, addresses: hop.addresses },
        networks: {
          perimeterExternal: n.perimeterExternal.value.text,
          perimeterInternal: n.perimeterInternal.value.text,
          publicRange: n.publicRange.value.text,
          reverseProxyExternal: n.reverseProxyExternal.value.text,
          internalNetworks: n.internalNetworks.map((c) => c.value.text),
        },
      };
    }),
  };
}

export function derivePlan(s: ResolvedScenario): Plan {
  return {
    scenario: scenarioSummary(s),
    servers: deriveServers(s),
    vips: deriveVips(s),
    dnsRecords: deriveDnsRecords(s),
    firewallRules: deriveFirewallRules(s),
    certificates: deriveCertificates(s),
    publishingRules: derivePublishingRules(s),
    topologySettings: deriveTopologySettings(s),
    notes: deriveNotes(s),
  };
}

export type * from "./types";
