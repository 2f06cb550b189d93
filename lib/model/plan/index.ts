/** Derives the logical plan from a resolved, rule-checked scenario. Pure and deterministic. */
import type { ResolvedScenario } from "../resolve";
import { deriveCertificates, derivePublishingRules } from "./certificates";
import { deriveDnsRecords, sortDnsRecords } from "./dns";
import { deriveFirewallRules } from "./firewall";
import { federationCmdlets, federationTopologySettings, hybridDns, hybridFirewallRules, hybridNotes, planHybrid } from "./hybrid";
import { productNotes, productSummary } from "./product";
import { SNAPSHOT, type M365Endpoints } from "../m365-endpoints";
import { deriveServers, deriveVips } from "./servers";
import { isHardware, microsoftScenario, nextHop } from "./site-facts";
import { deriveNotes, deriveTopologySettings } from "./topology";
import { LATER_FEATURE_TITLES, laterFeatures, promote, withLater } from "../later";
import type { FirewallRule, LaterFeaturePlan, Plan, PlanScenario } from "./types";

function scenarioSummary(s: ResolvedScenario): PlanScenario {
  return {
    id: s.id,
    title: s.title,
    ...(s.description ? { description: s.description } : {}),
    product: s.product,
    ...productSummary(s),
    sipDomains: s.sipDomains.map((d) => d.value),
    internalDomain: s.internalDomain,
    labMode: s.lab.mode,
    lab: {
      vmSize: s.lab.vmSize,
      ...(s.lab.adminSourceCidr !== undefined ? { adminSourceCidr: s.lab.adminSourceCidr } : {}),
      autoShutdown: s.lab.autoShutdown,
      timezone: s.lab.timezone,
      testClient: s.lab.testClient,
      bastion: s.lab.bastion,
    },
    features: {
      sipFederation: s.federation.sip.enabled,
      partnerDiscovery: s.federation.sip.enabled && s.federation.sip.partnerDiscovery,
      allowedDomains: s.federation.sip.allowedDomains,
      blockedDomains: s.federation.sip.blockedDomains,
      publicIm: s.federation.publicIm,
      xmpp: s.federation.xmpp.enabled,
      xmppPartners: s.federation.xmpp.partners,
      ocs2007Partners: s.federation.ocs2007Partners,
      mobility: s.mobility,
      pushNotifications: s.federation.push,
    },
    ...(s.hybrid ? { hybrid: { phase: s.hybrid.phase, tenantDomains: s.hybrid.tenantDomains.map((d) => d.value), voice: s.hybrid.voice } } : {}),
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

export interface PlanOptions {
  /** Microsoft 365 address ranges for the hybrid firewall rows. @default the shipped snapshot (lib/model/m365-endpoints.ts) */
  readonly m365Endpoints?: M365Endpoints;
}

/** The parts of the plan that contain only what is deployed (certificates also plan the later features). */
function deployedParts(s: ResolvedScenario, endpoints: M365Endpoints) {
  const dns = hybridDns(s, deriveDnsRecords(s));
  return {
    vips: deriveVips(s),
    dnsRecords: sortDnsRecords(dns.records),
    // The Microsoft 365 table follows the Edge tables of its site (table order of deriveFirewallRules).
    firewallRules: insertAfterEdgeTables(deriveFirewallRules(s), hybridFirewallRules(s, endpoints)),
    publishingRules: derivePublishingRules(s),
    topologySettings: [...deriveTopologySettings(s), ...federationTopologySettings(s)],
    hybrid: planHybrid(s, endpoints, dns),
    notes: [...productNotes(s), ...deriveNotes(s), ...hybridNotes(s, endpoints)],
  };
}

/** Items of `after` that are not (identically) in `before`. */
function added<T>(before: readonly T[], after: readonly T[]): T[] {
  const known = new Set(before.map((x) => JSON.stringify(x)));
  return after.filter((x) => !known.has(JSON.stringify(x)));
}

/** What each later feature adds: the plan with that feature moved to deployed, minus the plan now. */
function deriveLater(s: ResolvedScenario, now: ReturnType<typeof deployedParts>, endpoints: M365Endpoints): LaterFeaturePlan[] {
  return laterFeatures(s).map((feature) => {
    const next = deployedParts(promote(s, feature), endpoints);
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

export function derivePlan(s: ResolvedScenario, options: PlanOptions = {}): Plan {
  const endpoints = options.m365Endpoints ?? SNAPSHOT;
  const now = deployedParts(s, endpoints);
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
    cmdlets: federationCmdlets(s),
    ...(now.hybrid ? { hybrid: now.hybrid } : {}),
    notes: now.notes,
    later: deriveLater(s, now, endpoints),
  };
}

function insertAfterEdgeTables(rows: FirewallRule[], m365: FirewallRule[]): FirewallRule[] {
  if (m365.length === 0) return rows;
  const site = m365[0].site;
  const edgeTable = (r: FirewallRule) => r.site === site && r.table.startsWith("edge-");
  const last = rows.reduce((at, r, i) => (edgeTable(r) ? i : at), -1);
  return [...rows.slice(0, last + 1), ...m365, ...rows.slice(last + 1)];
}

export type * from "./types";
