/** Federation, product version and lab-option rules (FED-, LAB-VER-, LAB-SEC-, LAB-MODE-, RP-08). */
import { LATER_FEATURES, LATER_FEATURE_TITLES, hasFeature, mergeFederation, type LaterFeatureId } from "../later";
import { parseCidr } from "../net";
import { PRODUCTS } from "../products";
import { error, warning, type Finding } from "./problem";
import type { RuleCheck } from "./types";

export const federationChecks: readonly RuleCheck[] = [
  {
    rules: ["FED-01"],
    check: (s) => {
      const routes = s.sites.filter((site) => site.federationRoute);
      if (routes.length > 1) {
        return routes
          .slice(1)
          .map((site) =>
            error(
              "FED-01",
              `${site.path}.federationRoute`,
              `site ${site.name} is a second federation route (site ${routes[0].name} is the first); only one Edge deployment in the organisation may be the federation route: set federationRoute: false on site ${site.name}`,
            ),
          );
      }
      if (routes.length === 0 && (s.federation.any || s.later.federation.any)) {
        const f = mergeFederation(s.federation, s.later.federation);
        // Push alone is easy to miss as a federation: say so (FW-07).
        const what =
          f.push && !f.sipPartners && !f.xmpp.enabled
            ? "mobile push notifications are a federation with the push notification clearing house (FW-07), but no site is the federation route"
            : "federation is enabled but no site is the federation route";
        return [error("FED-01", s.sites.length > 1 ? "sites" : `${s.sites[0].path}.federationRoute`, `${what}; set federationRoute: true on exactly one site`)];
      }
      return [];
    },
  },
  {
    rules: ["LAB-VER-01"],
    check: (s) =>
      [s.federation, s.later.federation]
        .filter((f) => !PRODUCTS[s.product].xmpp && f.xmpp.enabled)
        .map((f) =>
          error(
            "LAB-VER-01",
            f.xmpp.path,
            `XMPP federation is not available in ${PRODUCTS[s.product].name} (XMPP needs a legacy Lync 2013 / Skype for Business 2015 Edge, both out of support); disable it or choose lync2013 / sfb2015`,
          ),
        ),
  },
  {
    rules: ["FED-02"],
    check: (s) =>
      [...s.federation.xmpp.domains, ...s.later.federation.xmpp.domains]
        .filter((d) => !s.sipDomains.some((sip) => sip.value === d.value))
        .map((d) => error("FED-02", d.path, `XMPP domain ${d.value} is not one of the SIP domains`)),
  },
  {
    rules: ["LAB-LATER-01"],
    check: (s) => {
      const paths: Record<LaterFeatureId, string> = {
        "sip-federation": "later.federation.sip",
        "public-im": "later.federation.publicIm",
        xmpp: "later.federation.xmpp",
        "ocs2007-partners": "later.federation.ocs2007Partners",
        mobility: "later.mobility",
      };
      return LATER_FEATURES.filter((feature) => hasFeature(s.federation, s.mobility, feature) && hasFeature(s.later.federation, s.later.mobility, feature)).map(
        (feature) =>
          error(
            "LAB-LATER-01",
            paths[feature],
            `${LATER_FEATURE_TITLES[feature]} is already deployed (${paths[feature].replace("later.", "")}); remove it from later`,
          ),
      );
    },
  },
  {
    rules: ["FED-03"],
    check: (s) =>
      (["aol", "yahoo"] as const)
        .filter((provider) => s.federation.publicIm.includes(provider))
        .map((provider) =>
          warning(
            "FED-03",
            "federation.publicIm",
            `${provider}: this public IM service ended in 2014; kept for planning only` +
              (provider === "aol" ? " (the Access Edge certificate gets the client EKU)" : ""),
          ),
        ),
  },
  {
    rules: ["RP-08"],
    check: (s) =>
      s.sites
        .filter((site) => s.mobility && site.primary && site.reverseProxy.autodiscover === "http")
        .map((site) => warning("RP-08", `${site.reverseProxy.path}.autodiscover`, "autodiscover over HTTP is unencrypted and not recommended")),
  },
  {
    rules: ["LAB-SEC-01"],
    check: (s): Finding[] => {
      const text = s.lab.adminSourceCidr;
      if (text === undefined) return [];
      const path = "lab.adminSourceCidr";
      let prefix: number;
      try {
        prefix = parseCidr(text).prefix;
      } catch (e) {
        return [error("LAB-SEC-01", path, (e as Error).message)];
      }
      return prefix < 16
        ? [error("LAB-SEC-01", path, `${text} is too broad for RDP/SSH administration; give your own address range (a /16 or narrower) or use Azure Bastion`)]
        : [];
    },
  },
  {
    rules: ["LAB-MODE-01"],
    check: (s) =>
      s.lab.testClient && s.lab.mode !== "closed"
        ? [error("LAB-MODE-01", "lab.testClient", "the test client needs the simulated Internet of mode: closed")]
        : [],
  },
];
