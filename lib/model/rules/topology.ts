/** Topology rules: pool sizes, load balancing, NAT vs hardware load balancing, Directors (LB-, HLB-, DIR-). */
import { PRODUCTS } from "../products";
import { error, warning, type Finding } from "./problem";
import type { RuleCheck } from "./types";

const MAX_POOL = 12;

export const topologyChecks: readonly RuleCheck[] = [
  {
    rules: ["LAB-SITE-01"],
    check: (s) => {
      const named = s.primarySite;
      if (!named || s.sites.some((site) => site.name === named.value)) return [];
      return [
        error(
          "LAB-SITE-01",
          named.path,
          `"${named.value}" is not a site of this scenario (${s.sites.map((site) => site.name).join(", ")}); name the site that carries remote sign-in, simple URLs and autodiscover`,
        ),
      ];
    },
  },
  {
    rules: ["LB-01"],
    check: (s) =>
      s.sites.flatMap((site) => {
        const lb = site.edge.loadBalancing;
        return lb.external !== lb.internal
          ? [error("LB-01", lb.path, `external side uses "${lb.external}" but internal side uses "${lb.internal}" (also HLB-02); use one type on both`)]
          : [];
      }),
  },
  {
    rules: ["LB-04"],
    check: (s) =>
      s.sites.flatMap((site) => {
        const { edge } = site;
        return !edge.pool && edge.loadBalancing.given
          ? [
              error(
                "LB-04",
                `${edge.path}.servers`,
                `a load-balanced pool of ${edge.servers.length} Edge Server; give 2-12 servers, or drop loadBalancing for a single Edge`,
              ),
            ]
          : [];
      }),
  },
  {
    rules: ["LB-05"],
    check: (s) =>
      s.sites.flatMap((site) =>
        site.edge.servers.length > MAX_POOL
          ? [error("LB-05", `${site.edge.path}.servers`, `${site.edge.servers.length} Edge Servers in one pool; the supported maximum is ${MAX_POOL}`)]
          : [],
      ),
  },
  {
    rules: ["LB-02"],
    check: (s) =>
      s.sites.flatMap((site) => {
        const { edge } = site;
        const hardware = edge.loadBalancing.external === "hardware" || edge.loadBalancing.internal === "hardware";
        return hardware && edge.externalAddressing === "nat"
          ? [
              error(
                "LB-02",
                `${edge.path}.externalAddressing`,
                "NAT with a hardware load balancer is not supported (also LB-03, HLB-07, HLB-09, HLB-18); use externalAddressing: public",
              ),
            ]
          : [];
      }),
  },
  {
    rules: ["HLB-12"],
    check: (s) =>
      s.sites.flatMap((site) => {
        const { edge } = site;
        if (!edge.vips || edge.ipMode !== "single") return [];
        return (["webConferencing", "av"] as const)
          .filter((service) => edge.vips?.[service] !== undefined)
          .map((service) => error("HLB-12", edge.vips![service]!.path, `single-IP mode has one external VIP (vips.access); remove vips.${service}`));
      }),
  },
  {
    rules: ["DIR-01"],
    check: (s) =>
      s.sites.flatMap((site): Finding[] => {
        const d = site.director;
        if (!d) return [];
        if (d.pool && d.loadBalancing === "dns") {
          return [
            error(
              "DIR-01",
              `${d.path}.loadBalancing`,
              'a Director pool needs a hardware load balancer for web services (LB-11: web traffic cannot use DNS load balancing): use "dns-hlb" or "hlb"',
            ),
          ];
        }
        if (!d.pool && d.loadBalancing !== "none") {
          return [error("DIR-01", `${d.path}.loadBalancing`, "a single Director is not load balanced; give 2 or more servers for a Director pool")];
        }
        return [];
      }),
  },
  {
    rules: ["LB-09"],
    check: (s) =>
      s.sites
        .filter((site) => site.edge.pool && site.edge.loadBalancing.external === "dns" && site.federationRoute)
        .flatMap((site) => {
          // Only what is planned and accepted: public IM connectivity or XMPP the product refuses (SE-02,
          // LAB-VER-01) is reported there, not warned about here.
          const product = PRODUCTS[s.product];
          const noFailover = [
            product.publicImConfigurable && s.federation.publicIm.length > 0 ? "public IM connectivity" : "",
            product.xmpp && s.federation.xmpp.enabled ? "XMPP" : "",
            s.federation.ocs2007Partners ? "OCS 2007 federation" : "",
          ].filter(Boolean);
          return noFailover.length
            ? [
                warning(
                  "LB-09",
                  site.edge.loadBalancing.path,
                  `DNS load balancing: ${noFailover.join(", ")} will not fail over between pool members (use hardware if that matters, HLB-01)`,
                ),
              ]
            : [];
        }),
  },
];
