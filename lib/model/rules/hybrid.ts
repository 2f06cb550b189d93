/**
 * Rules for current products and Microsoft 365 hybrid: support status (SE-01), retired public IM services (SE-02),
 * and the hybrid prerequisites and Teams Only cutover conditions Microsoft documents (HYB-01..08). Sources: RULE_SOURCES in catalogue.ts.
 */
import { isMicrosoftOwnedDomain } from "../hybrid";
import { hostedTenantDomains, onPremisesAllowedDomains, onPremisesOnlyDomains } from "../plan/hybrid";
import { PRODUCTS, supportText } from "../products";
import { RETIRED_PIC } from "../plan/product";
import { error, warning, type Finding } from "./problem";
import type { RuleCheck } from "./types";

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === new Set(b).size && new Set([...a, ...b]).size === new Set(a).size;
const listText = (xs: readonly string[]) => (xs.length ? [...xs].sort().join(", ") : "(none)");

export const productChecks: readonly RuleCheck[] = [
  {
    rules: ["SE-01"],
    check: (s) => (PRODUCTS[s.product].support.status === "ended" ? [warning("SE-01", "product", supportText(PRODUCTS[s.product]))] : []),
  },
  {
    rules: ["SE-02"],
    // Deployed now or planned for later (`later.federation`): the services are gone either way.
    check: (s): Finding[] => {
      const product = PRODUCTS[s.product];
      return [s.federation, s.later.federation].flatMap((f, i): Finding[] => {
        const path = `${i === 0 ? "" : "later."}federation.publicIm`;
        if (!product.publicImConfigurable) {
          return f.publicIm.length > 0
            ? [
                error(
                  "SE-02",
                  path,
                  `${product.name} has no public IM connectivity: ${f.publicIm.join(", ")} ${f.publicIm.length > 1 ? "are" : "is"} retired (Skype consumer in May 2025, AOL and Yahoo in 2014); remove publicIm`,
                ),
              ]
            : [];
        }
        const retired = f.publicIm.filter((p) => (RETIRED_PIC as readonly string[]).includes(p));
        return retired.length > 0
          ? [
              warning(
                "SE-02",
                path,
                `${retired.join(", ")}: public IM connectivity with ${retired.length > 1 ? "these services" : "this service"} no longer exists (Skype consumer retired in May 2025); kept for planning only`,
              ),
            ]
          : [];
      });
    },
  },
];

export const hybridChecks: readonly RuleCheck[] = [
  {
    rules: ["HYB-01"],
    check: (s) =>
      // *.onmicrosoft.com: Microsoft's own domain, never a topology SIP domain (HYB-06).
      (s.hybrid?.tenantDomains ?? [])
        .filter((d) => !isMicrosoftOwnedDomain(d.value) && !s.sipDomains.some((sip) => sip.value === d.value))
        .map((d) =>
          error(
            "HYB-01",
            d.path,
            `tenant domain ${d.value} is not a SIP domain of the topology; add it to sipDomains (every Microsoft 365 SIP domain must be one, or IM and presence fail one way)`,
          ),
        ),
  },
  {
    rules: ["HYB-02"],
    check: (s) => {
      if (!s.hybrid || s.federation.sip.enabled) return [];
      // Planned for later: reported where it is written, so the line points at it.
      if (s.later.federation.sip.enabled) {
        return [
          error(
            "HYB-02",
            "later.federation.sip",
            "SIP federation is only planned for later (later.federation.sip); hybrid needs it now on the federation-route Edge (the shared SIP address space runs through the Access Edge): move it to federation.sip",
          ),
        ];
      }
      return [
        error(
          "HYB-02",
          "federation.sip",
          "hybrid needs SIP federation on the federation-route Edge (the shared SIP address space runs through the Access Edge); set federation.sip: true",
        ),
      ];
    },
  },
  {
    rules: ["HYB-03"],
    check: (s) => {
      const open = s.hybrid?.online?.openFederation;
      const discovery = s.federation.sip.partnerDiscovery;
      if (open === undefined || !s.federation.sip.enabled || open === discovery) return [];
      return [
        warning(
          "HYB-03",
          "hybrid.online.openFederation",
          discovery
            ? "partner discovery is on on-premises but the tenant's federation is closed; open the tenant's federation (AllowedDomains: AllowAllKnownDomains), or turn partner discovery off on-premises"
            : "the tenant's federation is open but partner discovery is off on-premises; close the tenant's federation to the same allowed list, or turn partner discovery on on-premises",
        ),
      ];
    },
  },
  {
    rules: ["HYB-04"],
    check: (s) => {
      const online = s.hybrid?.online;
      if (!online || !s.federation.sip.enabled) return [];
      // push.lync.com included when push notifications are planned: the tenant's list must be the same.
      const onPremAllowed = onPremisesAllowedDomains(s);
      const onPremBlocked = s.federation.sip.blockedDomains;
      const out: Finding[] = [];
      if (online.allowedDomains && !sameSet(online.allowedDomains, onPremAllowed)) {
        out.push(
          error(
            "HYB-04",
            "hybrid.online.allowedDomains",
            `the tenant allows ${listText(online.allowedDomains)} but on-premises allows ${listText(onPremAllowed)}; both sides need the same list: ${listText([...new Set([...onPremAllowed])])} (change federation.sip.allowedDomains if the tenant's list is the right one)`,
          ),
        );
      }
      if (online.blockedDomains && !sameSet(online.blockedDomains, onPremBlocked)) {
        out.push(
          error(
            "HYB-04",
            "hybrid.online.blockedDomains",
            `the tenant blocks ${listText(online.blockedDomains)} but on-premises blocks ${listText(onPremBlocked)}; both sides need the same list: ${listText(onPremBlocked)} (change federation.sip.blockedDomains if the tenant's list is the right one)`,
          ),
        );
      }
      return out;
    },
  },
  {
    rules: ["HYB-05"],
    check: (s) =>
      s.hybrid?.voice && PRODUCTS[s.product].generation < PRODUCTS.sfb2015.generation
        ? [
            error(
              "HYB-05",
              "hybrid.voice",
              `hybrid voice needs the federation Edge and its next-hop pool on Skype for Business Server 2015 or later; ${PRODUCTS[s.product].name} is not (choose sfb2015, sfb2019 or sfbse, or set voice: false)`,
            ),
          ]
        : [],
  },
  {
    rules: ["HYB-06"],
    check: (s) =>
      s.sipDomains
        .filter((d) => isMicrosoftOwnedDomain(d.value))
        .map((d) =>
          error(
            "HYB-06",
            d.path,
            `${d.value} is a Microsoft-owned domain (*.onmicrosoft.com): its DNS zone is Microsoft's and it is never on an Edge certificate; it cannot be a SIP domain of the topology (list it in hybrid.tenantDomains only)`,
          ),
        ),
  },
  {
    rules: ["HYB-07"],
    check: (s) => {
      if (s.hybrid?.phase !== "teams-only") return [];
      const moving = hostedTenantDomains(s).join(", ");
      return onPremisesOnlyDomains(s).map((d) =>
        warning(
          "HYB-07",
          d.path,
          `${d.value} stays on-premises after the Teams Only cutover: the plan keeps the sipfed.online.lync.com hosting provider enabled (shared SIP address space off), or ${d.value} would lose federation with every Teams organisation, ${moving} included`,
        ),
      );
    },
  },
  {
    rules: ["HYB-08"],
    check: (s) => {
      const hybrid = s.hybrid;
      const staying = onPremisesOnlyDomains(s).map((d) => d.value);
      if (hybrid?.phase !== "teams-only" || staying.length === 0) return [];
      return hybrid.tenantDomains.flatMap((d) =>
        s.sites
          .filter((site) => site.edge.fqdns.access.value === `sip.${d.value}`)
          .map((site) =>
            error(
              "HYB-08",
              d.path,
              `the Teams Only cutover turns sip.${d.value} into a CNAME to sipdir.online.lync.com, but it is the Access Edge FQDN and the external certificate's subject of site ${site.name}, which keeps running for ${staying.join(", ")}; list a domain that stays on-premises first in sipDomains (the Access Edge is then named in it, ${site.edge.fqdns.access.path}), or keep ${d.value} in the hybrid phase`,
            ),
          ),
      );
    },
  },
];
