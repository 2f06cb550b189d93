/** Address plan rules: subnets, NAT, public addressing, duplicates and Azure-reserved addresses (NAT-, NET-, LAB-). */
import { cidrContains, cidrSize, cidrsOverlap, cidrWithin, hostAt, ipToInt, isAzureReserved, type Cidr } from "../net";
import type { ResolvedSite, Sourced } from "../resolve";
import type { RuleId } from "./catalogue";
import { error, type Finding } from "./problem";
import type { RuleCheck } from "./types";

const SERVICE_TEXT = { access: "Access Edge", webConferencing: "Web Conferencing Edge", av: "A/V Edge" } as const;

/** One use of an address in the plan, with the subnet or range it must lie in. */
interface AddressUse {
  readonly ip: Sourced<string>;
  readonly what: string;
  readonly within: readonly Sourced<Cidr>[];
  /** Rule to cite when the address is outside `within`. */
  readonly outsideRule: RuleId;
  /** Bound to an Azure NIC or load balancer frontend, so Azure's reserved addresses apply. */
  readonly nic: boolean;
  /** What kind of address it is, without the server ("Edge NAT public address"), for messages that count them. */
  readonly kind: string;
}

/** Every address a site uses, in a stable order. */
export function siteAddressUses(site: ResolvedSite): AddressUse[] {
  const n = site.network;
  const uses: AddressUse[] = [];
  const add = (
    ip: Sourced<string> | undefined,
    what: string,
    within: readonly Sourced<Cidr>[],
    nic: boolean,
    outsideRule: RuleId = "LAB-ADDR-01",
    kind = what,
  ) => {
    if (ip) uses.push({ ip, what: `site ${site.name}: ${what}`, within, nic, outsideRule, kind });
  };
  for (const server of site.edge.servers) {
    for (const ext of server.external) {
      add(ext.address, `${server.name} ${SERVICE_TEXT[ext.service]} address`, [n.perimeterExternal], true, "LAB-ADDR-01", "Edge external address");
      add(ext.natPublic, `${server.name} ${SERVICE_TEXT[ext.service]} NAT public address`, [n.publicRange], false, "LAB-ADDR-01", "Edge NAT public address");
    }
    add(server.internal.address, `${server.name} internal address`, [n.perimeterInternal], true, "LAB-ADDR-01", "Edge internal address");
  }
  const vips = site.edge.vips;
  if (vips) {
    add(vips.access, "Access Edge VIP", [n.perimeterExternal], true);
    add(vips.webConferencing, "Web Conferencing Edge VIP", [n.perimeterExternal], true);
    add(vips.av, "A/V Edge VIP", [n.perimeterExternal], true);
    add(vips.internal, "Edge internal VIP", [n.perimeterInternal], true);
  }
  const rp = site.reverseProxy;
  add(rp.externalAddress, `reverse proxy ${rp.name} external address`, [n.reverseProxyExternal], true, "LAB-ADDR-01", "reverse proxy external address");
  add(rp.publicAddress, `reverse proxy ${rp.name} public listener address`, [n.publicRange], false, "LAB-ADDR-01", "reverse proxy public listener address");
  add(rp.internalAddress, `reverse proxy ${rp.name} internal address`, [n.perimeterInternal], true, "LAB-ADDR-01", "reverse proxy internal address");
  add(site.frontEnd.address, `Front End pool ${site.frontEnd.fqdn.value}`, n.internalNetworks, true, "NET-03");
  for (const d of site.director?.servers ?? []) add(d.address, `Director ${d.name}`, n.internalNetworks, true, "NET-03");
  add(site.director?.vip, "Director pool VIP", n.internalNetworks, true, "NET-03");
  add(rp.officeWebApps?.address, "Office Web Apps Server", n.internalNetworks, true, "NET-03");
  return uses;
}

function describeRange(within: readonly Sourced<Cidr>[]): string {
  return within.map((c) => `${c.value.text} (${c.path})`).join(" or ");
}

function siteNetworks(site: ResolvedSite): { cidr: Sourced<Cidr>; name: string }[] {
  const n = site.network;
  return [
    { cidr: n.perimeterExternal, name: "perimeter external" },
    { cidr: n.perimeterInternal, name: "perimeter internal" },
    { cidr: n.publicRange, name: "public range" },
    ...(n.reverseProxyExternal.value.text === n.perimeterExternal.value.text ? [] : [{ cidr: n.reverseProxyExternal, name: "reverse proxy external" }]),
    ...n.internalNetworks.map((cidr) => ({ cidr, name: "internal network" })),
  ];
}

const RANGE_NAMES: Record<string, string> = {
  perimeterExternal: "perimeter external subnet",
  perimeterInternal: "perimeter internal subnet",
  publicRange: "public range",
  reverseProxyExternal: "reverse proxy external subnet",
};

/**
 * One problem for a range too small for the addresses edge-lab numbers in it (instead of one per address): how many
 * the site needs there, how many the range has, and the smallest prefix that fits (Azure keeps the last address of a
 * NIC subnet, LAB-ADDR-03).
 */
function rangeTooSmall(site: ResolvedSite, range: Sourced<Cidr>, uses: readonly AddressUse[]): Finding {
  const counts = new Map<string, number>();
  for (const use of uses) counts.set(use.kind, (counts.get(use.kind) ?? 0) + 1);
  const highest = Math.max(...uses.map((use) => ipToInt(use.ip.value) - range.value.network));
  const needed = highest + 1 + (uses.some((use) => use.nic) ? 1 : 0);
  const prefix = 32 - Math.ceil(Math.log2(needed));
  const field = range.path.split(".").pop() ?? "";
  const kinds = [...counts].map(([kind, n]) => `${n} ${kind}${n > 1 ? (kind.endsWith("s") ? "es" : "s") : ""}`).join(", ");
  return error(
    "LAB-ADDR-01",
    range.path,
    `site ${site.name}: the ${RANGE_NAMES[field] ?? "range"} ${range.value.text} has ${cidrSize(range.value)} addresses, but the auto-numbered plan needs ${uses.length} in it (${kinds}), up to ${hostAt(range.value, highest)}: use a /${prefix} or larger, or give the addresses explicitly`,
  );
}

export const addressingChecks: readonly RuleCheck[] = [
  {
    rules: ["LAB-ADDR-01", "NET-03"],
    check: (s) =>
      s.sites.flatMap((site) => {
        const uses = siteAddressUses(site);
        const outside = uses.filter((use) => !use.within.some((cidr) => cidrContains(cidr.value, use.ip.value)));
        // Auto-numbered addresses past the end of a one-range field: the range is too small, say so once.
        const numberedPast = (use: AddressUse) => use.ip.auto && use.within.length === 1 && ipToInt(use.ip.value) > use.within[0].value.network;
        const smallRanges = [...new Map(outside.filter(numberedPast).map((use) => [use.within[0].path, use.within[0]])).values()];
        const grouped = smallRanges.map((range) =>
          rangeTooSmall(
            site,
            range,
            uses.filter((use) => use.ip.auto && use.within.length === 1 && use.within[0].path === range.path),
          ),
        );
        const single = outside
          .filter((use) => !(numberedPast(use) && smallRanges.some((r) => r.path === use.within[0].path)))
          .map((use) =>
            error(
              use.outsideRule,
              use.ip.path,
              `${use.what} ${use.ip.value}${use.ip.auto ? " (auto-numbered)" : ""} lies outside ${describeRange(use.within)}` +
                (use.ip.auto ? "; use a larger subnet or give addresses explicitly" : ""),
            ),
          );
        return [...grouped, ...single];
      }),
  },
  {
    rules: ["LAB-ADDR-02"],
    check: (s) => {
      const seen = new Map<string, { what: string; path: string }>();
      const findings: Finding[] = [];
      for (const use of s.sites.flatMap(siteAddressUses)) {
        const first = seen.get(use.ip.value);
        if (first) findings.push(error("LAB-ADDR-02", use.ip.path, `${use.ip.value} is used twice: ${first.what} (${first.path}) and ${use.what}`));
        else seen.set(use.ip.value, { what: use.what, path: use.ip.path });
      }
      return findings;
    },
  },
  {
    rules: ["LAB-ADDR-03"],
    check: (s) =>
      s.sites.flatMap((site) =>
        siteAddressUses(site)
          .filter((use) => use.nic && use.within.some((cidr) => isAzureReserved(cidr.value, use.ip.value)))
          .map((use) => error("LAB-ADDR-03", use.ip.path, `${use.what} ${use.ip.value} is reserved by Azure (first four and last address of the subnet)`)),
      ),
  },
  {
    rules: ["NET-04", "RP-06", "NAT-06", "NET-11"],
    check: (s) =>
      s.sites.flatMap((site): Finding[] => {
        const n = site.network;
        const findings: Finding[] = [];
        const overlap = (a: Sourced<Cidr>, b: Sourced<Cidr>) => cidrsOverlap(a.value, b.value);
        // Report at the field the user wrote: `b` unless it is a default and `a` is not.
        const blame = (a: Sourced<Cidr>, b: Sourced<Cidr>) => (b.auto && !a.auto ? a.path : b.path);
        if (overlap(n.perimeterExternal, n.perimeterInternal)) {
          findings.push(
            error(
              "NET-04",
              blame(n.perimeterExternal, n.perimeterInternal),
              `perimeter internal ${n.perimeterInternal.value.text} overlaps perimeter external ${n.perimeterExternal.value.text} (also HLB-08)`,
            ),
          );
        }
        if (overlap(n.publicRange, n.perimeterInternal) && n.publicRange.value.text !== n.perimeterExternal.value.text) {
          findings.push(
            error(
              "NET-04",
              blame(n.publicRange, n.perimeterInternal),
              `perimeter internal ${n.perimeterInternal.value.text} overlaps the public range ${n.publicRange.value.text}`,
            ),
          );
        }
        // A defaulted reverse proxy subnet is the perimeter external subnet: that overlap is already NET-04.
        const rpIsEdgeSubnet = n.reverseProxyExternal.value.text === n.perimeterExternal.value.text;
        if (overlap(n.reverseProxyExternal, n.perimeterInternal) && !(rpIsEdgeSubnet && n.reverseProxyExternal.auto)) {
          findings.push(
            error(
              "RP-06",
              n.reverseProxyExternal.path,
              `reverse proxy external ${n.reverseProxyExternal.value.text} overlaps perimeter internal ${n.perimeterInternal.value.text}`,
            ),
          );
        }
        for (const net of n.internalNetworks) {
          const others = [n.perimeterExternal, n.perimeterInternal, n.publicRange, ...(rpIsEdgeSubnet ? [] : [n.reverseProxyExternal])];
          const reported = new Set<string>();
          for (const other of others) {
            if (overlap(net, other) && !reported.has(other.value.text)) {
              reported.add(other.value.text);
              findings.push(
                error("NET-04", blame(other, net), `internal network ${net.value.text} overlaps perimeter/public network ${other.value.text} (${other.path})`),
              );
            }
          }
        }
        if (site.edge.externalAddressing === "nat" && overlap(n.perimeterExternal, n.publicRange)) {
          findings.push(
            error(
              "NAT-06",
              n.perimeterExternal.path,
              `with NAT the Edge external subnet ${n.perimeterExternal.value.text} holds private addresses and must not overlap the public range ${n.publicRange.value.text}`,
            ),
          );
        }
        if (site.edge.externalAddressing === "public") {
          if (!cidrWithin(n.perimeterExternal.value, n.publicRange.value)) {
            findings.push(
              error(
                "NET-11",
                n.perimeterExternal.path,
                `public addressing: the Edge external subnet ${n.perimeterExternal.value.text} must lie inside the public range ${n.publicRange.value.text}`,
              ),
            );
          }
          if (overlap(n.reverseProxyExternal, n.publicRange)) {
            findings.push(
              error(
                "NET-11",
                n.reverseProxyExternal.path,
                `the reverse proxy stays behind NAT: its external subnet ${n.reverseProxyExternal.value.text} must not be in the public range`,
              ),
            );
          }
        }
        return findings;
      }),
  },
  {
    rules: ["NAT-06", "NAT-01", "NET-11", "LB-02"],
    check: (s) =>
      s.sites.flatMap((site): Finding[] => {
        const { edge } = site;
        const findings: Finding[] = [];
        for (const server of edge.servers) {
          if (server.internal.natPublic) {
            findings.push(
              error("NAT-01", server.internal.natPublic.path, `${server.name}: NAT on the internal interface is not supported; remove internal.natPublic`),
            );
          }
          for (const ext of server.external) {
            if (edge.externalAddressing === "nat" && !ext.natPublic) {
              const others = server.external.filter((e) => e.natPublic).map((e) => SERVICE_TEXT[e.service]);
              findings.push(
                error(
                  "NAT-06",
                  ext.address.path.replace(/\.address$/, ""),
                  `${server.name}: ${SERVICE_TEXT[ext.service]} has no NAT public address` +
                    (others.length ? ` while ${others.join(" and ")} ${others.length > 1 ? "have" : "has"} one (NAT on some but not all services)` : "") +
                    "; add natPublic",
                ),
              );
            }
            if (edge.externalAddressing === "public" && ext.natPublic) {
              const hardware = edge.loadBalancing.external === "hardware";
              findings.push(
                error(
                  hardware ? "LB-02" : "NET-11",
                  ext.natPublic.path,
                  `${server.name}: externalAddressing is public, so the ${SERVICE_TEXT[ext.service]} address is routed, not translated; remove natPublic` +
                    (hardware ? " (HLB-09: no NAT on any Edge external address)" : ""),
                ),
              );
            }
          }
        }
        return findings;
      }),
  },
  {
    rules: ["NET-05", "NET-14"],
    check: (s) =>
      s.sites.flatMap((site): Finding[] => {
        const { edge } = site;
        const f = edge.fqdns;
        const p = edge.ports;
        const findings: Finding[] = edge.unusedInSingleIpMode.map((path) =>
          error("NET-05", path, "single-IP mode has one external address per server (Access); remove this address or use ipMode: per-service"),
        );
        if (edge.ipMode === "per-service") {
          const names = [f.access, f.webConferencing, f.av];
          names.forEach((name, i) => {
            const earlier = names.slice(0, i).find((other) => other.value === name.value);
            if (earlier)
              findings.push(
                error(
                  "NET-05",
                  name.path,
                  `${name.value} is already the FQDN of another Edge service (${earlier.path}); each of the three services needs its own FQDN`,
                ),
              );
          });
          for (const port of [p.access, p.webConferencing, p.av]) {
            if (port.value !== 443)
              findings.push(error("NET-14", port.path, `with three external addresses every service listens on 443; port ${port.value} needs ipMode: single`));
          }
        } else {
          for (const name of [f.webConferencing, f.av]) {
            if (name.value !== f.access.value)
              findings.push(error("NET-14", name.path, `single-IP mode uses one FQDN for all services; expected ${f.access.value}`));
          }
          const ports = [p.access, p.webConferencing, p.av];
          ports.forEach((port, i) => {
            const earlier = ports.slice(0, i).find((other) => other.value === port.value);
            if (earlier)
              findings.push(
                error(
                  "NET-14",
                  port.path,
                  `port ${port.value} is already used by ${earlier.path}; single-IP mode needs a distinct port per service (e.g. 5061 / 444 / 443)`,
                ),
              );
          });
          for (const port of [p.webConferencing, p.av]) {
            if (port.value === 5061)
              findings.push(error("NET-14", port.path, "port 5061 belongs to the Access Edge (SIP/MTLS federation); choose another port"));
          }
          if (s.federation.xmpp.enabled) {
            for (const port of ports) {
              if (port.value === 5269)
                findings.push(error("NET-14", port.path, "port 5269 belongs to the XMPP proxy on the same address; choose another port"));
            }
          }
        }
        return findings;
      }),
  },
  {
    rules: ["LAB-NET-02"],
    check: (s) => {
      const findings: Finding[] = [];
      s.sites.forEach((site, i) => {
        for (const other of s.sites.slice(0, i)) {
          for (const a of siteNetworks(site)) {
            const clash = siteNetworks(other).find((b) => cidrsOverlap(a.cidr.value, b.cidr.value));
            if (clash) {
              findings.push(
                error(
                  "LAB-NET-02",
                  a.cidr.path,
                  `${a.name} ${a.cidr.value.text} of site ${site.name} overlaps ${clash.name} ${clash.cidr.value.text} of site ${other.name}`,
                ),
              );
            }
          }
        }
      });
      return findings;
    },
  },
];
