/**
 * Features planned for later (`later:`). Microsoft's planning guide advises planning the certificates for federation,
 * XMPP and mobility before the first Edge is deployed, as they are often added afterwards and a certificate should not
 * have to be reissued for them. So the certificates are derived from what is deployed *and* planned
 * (`withLater`), everything else from what is deployed; `promote` moves one feature to deployed, which the plan uses
 * to list what each later feature will add. Pure.
 */
import { federationOf, type ResolvedFederation, type ResolvedScenario } from "./resolve";

/** The features that can be planned for later, in the order the plan lists them. */
export const LATER_FEATURES = ["sip-federation", "public-im", "xmpp", "ocs2007-partners", "mobility"] as const;
export type LaterFeatureId = (typeof LATER_FEATURES)[number];

export const LATER_FEATURE_TITLES: Record<LaterFeatureId, string> = {
  "sip-federation": "SIP federation",
  "public-im": "Public IM connectivity",
  xmpp: "XMPP federation",
  "ocs2007-partners": "OCS 2007 partners",
  mobility: "Mobility",
};

const NONE: ResolvedFederation = federationOf({
  sip: { enabled: false, partnerDiscovery: true, allowedDomains: [], blockedDomains: [] },
  publicIm: [],
  xmpp: { enabled: false, partners: [], domains: [], path: "federation.xmpp" },
  ocs2007Partners: false,
  push: false,
});

/** Whether `feature` is on in a federation + mobility pair. */
export function hasFeature(f: ResolvedFederation, mobility: boolean, feature: LaterFeatureId): boolean {
  switch (feature) {
    case "sip-federation":
      return f.sip.enabled;
    case "public-im":
      return f.publicIm.length > 0;
    case "xmpp":
      return f.xmpp.enabled;
    case "ocs2007-partners":
      return f.ocs2007Partners;
    case "mobility":
      return mobility;
  }
}

/** The later features of a scenario, in list order. */
export function laterFeatures(s: ResolvedScenario): LaterFeatureId[] {
  return LATER_FEATURES.filter((feature) => hasFeature(s.later.federation, s.later.mobility, feature));
}

/** Only `feature` of `f` (the rest off). */
function only(f: ResolvedFederation, feature: LaterFeatureId): ResolvedFederation {
  return federationOf({
    sip: feature === "sip-federation" ? f.sip : NONE.sip,
    publicIm: feature === "public-im" ? f.publicIm : [],
    xmpp: feature === "xmpp" ? f.xmpp : NONE.xmpp,
    ocs2007Partners: feature === "ocs2007-partners" && f.ocs2007Partners,
    push: feature === "mobility" && f.push,
  });
}

/** `f` without `feature`. */
function without(f: ResolvedFederation, feature: LaterFeatureId): ResolvedFederation {
  return federationOf({
    sip: feature === "sip-federation" ? NONE.sip : f.sip,
    publicIm: feature === "public-im" ? [] : f.publicIm,
    xmpp: feature === "xmpp" ? NONE.xmpp : f.xmpp,
    ocs2007Partners: feature !== "ocs2007-partners" && f.ocs2007Partners,
    push: feature !== "mobility" && f.push,
  });
}

/** Both federations together (what is deployed first; LAB-LATER-01 keeps a feature out of both). */
export function mergeFederation(a: ResolvedFederation, b: ResolvedFederation): ResolvedFederation {
  return federationOf({
    sip: a.sip.enabled ? a.sip : b.sip,
    publicIm: [...new Set([...a.publicIm, ...b.publicIm])],
    xmpp: a.xmpp.enabled ? a.xmpp : b.xmpp,
    ocs2007Partners: a.ocs2007Partners || b.ocs2007Partners,
    push: a.push || b.push,
  });
}

/** The scenario as the certificates see it: every feature deployed or planned for later. */
export function withLater(s: ResolvedScenario): ResolvedScenario {
  return {
    ...s,
    federation: mergeFederation(s.federation, s.later.federation),
    mobility: s.mobility || s.later.mobility,
    later: { federation: NONE, mobility: false },
  };
}

/** The scenario with one later feature moved to deployed. */
export function promote(s: ResolvedScenario, feature: LaterFeatureId): ResolvedScenario {
  return {
    ...s,
    federation: mergeFederation(s.federation, only(s.later.federation, feature)),
    mobility: s.mobility || (feature === "mobility" && s.later.mobility),
    later: { federation: without(s.later.federation, feature), mobility: feature !== "mobility" && s.later.mobility },
  };
}
