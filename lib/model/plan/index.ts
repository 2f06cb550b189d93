/** Derives the logical plan from a resolved, rule-checked scenario. Pure and deterministic. */
import type { ResolvedScenario } from "../resolve";
import { deriveCertificates, derivePublishingRules } from "./certificates";
import { deriveDnsRecords } from "./dns";
import { deriveFirewallRules } from "./firewall";
import { deriveServers, deriveVips } from "./servers";
import { isHardware, microsoftScenario, nextHop } from "./site-facts";
import { deriveNotes, deriveTopologySettings } from "./topology";
import { LATER_FEATURE_TITLES, laterFeatures, promote, withLater } from "../later";
import type { LaterFeaturePlan, Plan, PlanScenario } from "./types";

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

/** The parts of the plan that contain only what is deployed (certificates also plan the later features). */
function deployedParts(s: ResolvedScenario) {
  return {
    vips: deriveVips(s),
    dnsRecords: deriveDnsRecords(s),
    firewallRules: deriveFirewallRules(s),
    publishingRules: derivePublishingRules(s),
    topologySettings: deriveTopologySettings(s),
    notes: deriveNotes(s),
  };
}

/** Items of `after` that are not (identically) in `before`. */
function added<T>(before: readonly T[], after: readonly T[]): T[] {
  const known = new Set(before.map((x) => JSON.stringify(x)));
  return after.filter((x) => !known.has(JSON.stringify(x)));
}

/** What each later feature adds: the plan with that feature moved to deployed, minus the plan now. */
function deriveLater(s: ResolvedScenario, now: ReturnType<typeof deployedParts>): LaterFeaturePlan[] {
  return laterFeatures(s).map((feature) => {
    const next = deployedParts(promote(s, feature));
    return {
      feature,
      title: LATER_FEATURE_TITLES[feature],
      dnsRecords: added(now.dnsRecords, next.dnsRecords),
      firewallRules: added(now.firewallRules, next.firewallRules),
      vips: added(now.vips, next.vips),
      publishingRules: added(now.publishingRules, next.publishingRules),
      topologySettings: added(now.topologySettings, next.topologySettings),
      notes: added(now.notes, next.notes),
    };
  });
}

export function derivePlan(s: ResolvedScenario): Plan {
  const now = deployedParts(s);
  return {
    scenario: scenarioSummary(s),
    servers: deriveServers(s),
    vips: now.vips,
    dnsRecords: now.dnsRecords,
    firewallRules: now.firewallRules,
    // Certificates name every feature deployed or planned for later, so adding one later needs no new certificate.
    certificates: deriveCertificates(withLater(s)),
    publishingRules: now.publishingRules,
    topologySettings: now.topologySettings,
    notes: now.notes,
    later: deriveLater(s, now),
  };
}

export type * from "./types";
