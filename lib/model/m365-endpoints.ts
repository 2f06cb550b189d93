/**
 * Microsoft 365's address ranges for the Skype for Business Online / Teams service area (endpoint set IDs 11 and 12),
 * which the hybrid firewall rows use as the far end. The ranges change, so edge-lab ships a dated snapshot and reads
 * the current list from a file of Microsoft's endpoints web service when one is given
 * (`--m365-endpoints <file>`, fetched from https://endpoints.office.com/endpoints/worldwide?clientrequestid=<guid>).
 *
 * Only IDs 11 and 12 are used: 11 is the media range (UDP 3478-3481), 12 the signalling range (TCP 443/80, UDP 443,
 * *.lync.com). Each hybrid row takes the prefixes of the set whose ports it matches (farEndOf); a row whose
 * Microsoft 365 port no set lists takes both.
 *
 * The firewall rows trust these prefixes (the appliance and the NSGs open the Edge's ports to them), so a file is
 * checked entry by entry (LAB-M365-01): public unicast prefixes only, no wider than MAX_PREFIX_WIDTH, each set once,
 * at most MAX_PREFIXES_PER_FAMILY per address family; and, with the scenario (scenarioOverlaps, called by load.ts),
 * none inside the scenario's own networks.
 */
import ipaddr from "ipaddr.js";
import * as z from "zod";
import { cidrsOverlap, cidrWithin, parseCidr } from "./net";
import { Port, type Transport } from "./port";
import type { ResolvedScenario } from "./resolve";
import type { RuleId } from "./rules/catalogue";
import { error, type Finding } from "./rules/problem";
import { UserError } from "../errors";

/**
 * Rules checked here, on the endpoints file (parseEndpointsFile) and at load with the scenario (scenarioOverlaps,
 * called by load.ts): they need Microsoft 365's ranges, which a RuleCheck does not see.
 */
export const M365_RULES: readonly RuleId[] = ["LAB-M365-01"];

export const SERVICE_IDS = [11, 12] as const;
/** The endpoints web service's service area of sets 11 and 12. */
export const SERVICE_AREA = "Skype";
export const STALE_AFTER_DAYS = 90;

/**
 * The widest prefix accepted per family. The widest prefixes Microsoft has published for sets 11 and 12 are /14
 * (IPv4) and /38 (IPv6) (the 2023 include and the 2026 page, test/fixtures/microsoft/m365-worldwide-endpoints-sets-11-12.json);
 * the widest anywhere in the worldwide list /13 and /35. /12 and /32 leave room for growth while refusing an
 * aggregate that would open the Edge's media ports to most of a regional registry's block.
 */
export const MAX_PREFIX_WIDTH = { ipv4: 12, ipv6: 32 } as const;

/**
 * The most distinct prefixes of sets 11 and 12 accepted per address family (today: 2 IPv4, 7 IPv6). Every renderer
 * loads this many: an Azure NSG holds at most 4,000 source and 4,000 destination prefixes over all its rules
 * (MicrosoftDocs/azure-docs:includes/azure-virtual-network-limits.md, test/fixtures/microsoft/azure-nsg-limits.json),
 * and up to four edge-m365 rows share one NSG and one side: 4 x 500 = 2,000 leaves half for the other rows.
 */
export const MAX_PREFIXES_PER_FAMILY = 500;

export interface EndpointSet {
  readonly id: number;
  readonly serviceArea: string;
  readonly urls: readonly string[];
  readonly ips: readonly string[];
  readonly tcpPorts?: string;
  readonly udpPorts?: string;
}

export interface M365Endpoints {
  /** Where the list comes from. */
  readonly source: string;
  /** ISO date of the snapshot; undefined for a file given by the user (fetched by them, date unknown). */
  readonly date?: string;
  readonly sets: readonly EndpointSet[];
  /** IPv4 prefixes of IDs 11 and 12 (sorted, unique): what NSGs and the appliance use. */
  readonly ipv4: readonly string[];
  /** IPv6 prefixes (shown in the worksheets; the lab is IPv4). */
  readonly ipv6: readonly string[];
}

/**
 * The shipped snapshot: rows ID 11 and ID 12 as Microsoft publishes them on "Microsoft 365 URLs and IP address
 * ranges" (learn.microsoft.com/en-us/microsoft-365/enterprise/urls-and-ip-address-ranges, worldwide, last updated
 * 2026-08-14; the page is generated from the endpoints web service and its IDs are the service's endpoint set ids),
 * copied in test/fixtures/microsoft/m365-worldwide-endpoints-sets-11-12.json. The same prefixes are in the web
 * service's answer captured on 2026-09-14 by a third party (sgawa/pac-ip-manager:
 * ip-lists/history/microsoft_teams/microsoft_teams-2026-09-14.json, commit 050f284), which has no set ids: that
 * capture dates the snapshot, Microsoft's page gives the split into sets and their ports. The include the page is
 * built from (MicrosoftDocs/microsoft-365-docs:microsoft-365/includes/office-365-worldwide-endpoints.md, newest
 * readable version 2023-07-31, commit ac9de10) still listed 13.107.64.0/18, 52.238.119.141/32 and
 * 52.244.160.207/32 and 2603:1063::/39; the 2026 lists no longer do.
 */
export const SNAPSHOT_DATE = "2026-09-14";
export const SNAPSHOT_SOURCE =
  "Microsoft 365 endpoint sets 11 and 12 (Teams / Skype for Business Online) as Microsoft publishes them (learn.microsoft.com/en-us/microsoft-365/enterprise/urls-and-ip-address-ranges, last updated 2026-08-14); the same prefixes in the endpoints web service's answer (endpoints.office.com/endpoints/worldwide) captured 2026-09-14 by a third party without endpoint set ids (sgawa/pac-ip-manager ip-lists/history/microsoft_teams/microsoft_teams-2026-09-14.json)";

export const SNAPSHOT_SETS: readonly EndpointSet[] = [
  { id: 11, serviceArea: SERVICE_AREA, urls: [], ips: ["52.112.0.0/14", "52.122.0.0/15", "2603:1063::/38"], udpPorts: "3478,3479,3480,3481" },
  {
    id: 12,
    serviceArea: SERVICE_AREA,
    urls: ["*.lync.com", "*.teams.cloud.microsoft", "*.teams.microsoft.com", "teams.cloud.microsoft", "teams.microsoft.com"],
    ips: [
      "52.112.0.0/14",
      "52.122.0.0/15",
      "2603:1027::/48",
      "2603:1037::/48",
      "2603:1047::/48",
      "2603:1057::/48",
      "2603:1063::/38",
      "2620:1ec:6::/48",
      "2620:1ec:40::/42",
    ],
    tcpPorts: "443,80",
    udpPorts: "443",
  },
];

/** A prefix as the endpoints service writes it ("52.112.0.0/14"), checked and normalised. */
function normalisePrefix(text: string): { family: "ipv4" | "ipv6"; text: string } {
  const [addr, len] = ipaddr.parseCIDR(text);
  const family = addr.kind();
  // Keep the network address (the service lists networks; a host bit set would be a mistake in the file).
  const network = family === "ipv4" ? ipaddr.IPv4.networkAddressFromCIDR(text) : ipaddr.IPv6.networkAddressFromCIDR(text);
  return { family, text: `${network.toString()}/${len}` };
}

const byText = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

export function endpointsOf(source: string, date: string | undefined, sets: readonly EndpointSet[]): M365Endpoints {
  const chosen = sets.filter((s) => (SERVICE_IDS as readonly number[]).includes(s.id)).sort((a, b) => a.id - b.id);
  const prefixes = chosen.flatMap((s) => s.ips.map(normalisePrefix));
  const unique = (family: "ipv4" | "ipv6") => [...new Set(prefixes.filter((p) => p.family === family).map((p) => p.text))].sort(byText);
  return { source, ...(date ? { date } : {}), sets: chosen, ipv4: unique("ipv4"), ipv6: unique("ipv6") };
}

export const SNAPSHOT: M365Endpoints = endpointsOf(SNAPSHOT_SOURCE, SNAPSHOT_DATE, SNAPSHOT_SETS);

const Prefix = z.string().refine(
  (text) => {
    try {
      normalisePrefix(text);
      return true;
    } catch {
      return false;
    }
  },
  { error: "expected an IPv4 or IPv6 prefix such as 52.112.0.0/14" },
);
/** Endpoint entries as the web service returns them (other fields are ignored). */
const EndpointFile = z.array(
  z.object({
    id: z.number().int(),
    serviceArea: z.string().max(64).optional(),
    // Names reach the worksheet (Markdown) and the plan: host names with an optional leading wildcard only.
    urls: z
      .array(
        z
          .string()
          .regex(/^(\*\.)?[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,62}))*$/, { error: "expected a host name such as *.lync.com" }),
      )
      .max(1000)
      .optional(),
    ips: z.array(Prefix).max(5000).optional(),
    tcpPorts: z.string().max(200).optional(),
    udpPorts: z.string().max(200).optional(),
  }),
  { error: "expected the endpoints web service's JSON: an array of endpoint sets with id, serviceArea, urls, ips" },
);

/** One problem of an endpoints file: its JSON path ("[1].ips[0]", "" for the whole file), rule and message. */
export interface EndpointsProblem {
  readonly rule: "FILE" | "LAB-M365-01";
  readonly path: string;
  readonly message: string;
}

export class EndpointsFileError extends UserError {
  /** Every problem found, one per bad entry (the message is the first, with the file name). */
  readonly problems: readonly EndpointsProblem[];
  constructor(message: string, problems?: readonly EndpointsProblem[]) {
    super(message, { ruleId: problems?.[0]?.rule });
    this.problems = problems ?? [{ rule: "FILE", path: "", message: message.replace(/^[^:]*: /, "") }];
  }
}

type Family = "ipv4" | "ipv6";
type Special = [ipaddr.IPv4 | ipaddr.IPv6, number];

/** What ipaddr.js's special-purpose range names mean, for the messages. */
const RANGE_TEXT: Record<string, string> = {
  unspecified: "the unspecified range",
  broadcast: "the broadcast address",
  multicast: "a multicast range",
  linkLocal: "a link-local range",
  loopback: "a loopback range",
  carrierGradeNat: "the shared address space of carrier-grade NAT (RFC 6598)",
  private: "a private range (RFC 1918)",
  reserved: "a reserved or documentation range",
  uniqueLocal: "a unique local range (fc00::/7)",
  ipv4Mapped: "an IPv4-mapped range",
};
const rangeText = (name: string) => RANGE_TEXT[name] ?? `a special-purpose range (${name})`;

/** ipaddr.js's special-purpose ranges of a family, flattened (some entries are one range, some a list). */
function specialRanges(family: Family): { name: string; range: Special }[] {
  const table = (family === "ipv4" ? ipaddr.IPv4.prototype : ipaddr.IPv6.prototype) as unknown as { SpecialRanges: Record<string, Special | Special[]> };
  return Object.entries(table.SpecialRanges).flatMap(([name, value]) =>
    (Array.isArray(value[0]) ? (value as Special[]) : [value as Special]).map((range) => ({ name, range })),
  );
}
const SPECIAL: Record<Family, { name: string; range: Special }[]> = { ipv4: specialRanges("ipv4"), ipv6: specialRanges("ipv6") };
const GLOBAL_UNICAST_V6 = ipaddr.parseCIDR("2000::/3");

/**
 * Why a (normalised) prefix cannot be a Microsoft 365 range, or undefined when it can: the default route, a
 * special-purpose range (private, loopback, link-local, multicast, reserved ...), IPv6 outside global unicast, wider
 * than MAX_PREFIX_WIDTH, or containing a special-purpose range.
 */
export function prefixProblem(text: string): string | undefined {
  const [addr, len] = ipaddr.parseCIDR(text);
  const family = addr.kind();
  if (len === 0) return `${text} is the default route (the whole Internet), not a Microsoft 365 range`;
  const range = addr.range();
  if (range !== "unicast") return `${text} is ${rangeText(range)}, not a public Microsoft 365 range`;
  if (family === "ipv6" && !addr.match(GLOBAL_UNICAST_V6)) return `${text} is not global unicast (2000::/3), not a public Microsoft 365 range`;
  if (len < MAX_PREFIX_WIDTH[family])
    return `${text} is wider than /${MAX_PREFIX_WIDTH[family]}, the widest edge-lab accepts (Microsoft publishes /14 and /38 at most for sets 11 and 12)`;
  const inside = SPECIAL[family].find(({ range: [net, bits] }) => bits >= len && net.kind() === family && (net as typeof addr).match(addr, len));
  if (inside) return `${text} contains ${inside.range[0].toString()}/${inside.range[1]} (${rangeText(inside.name)}), not only public Microsoft 365 addresses`;
  return undefined;
}

/** Sets 11 and 12 of a parsed file, checked entry by entry; every problem, in file order. */
function entryProblems(sets: readonly EndpointSet[]): EndpointsProblem[] {
  const problems: EndpointsProblem[] = [];
  const seen = new Map<number, number>();
  const distinct: Record<Family, Set<string>> = { ipv4: new Set(), ipv6: new Set() };
  sets.forEach((set, i) => {
    if (!(SERVICE_IDS as readonly number[]).includes(set.id)) return;
    const bad = (path: string, message: string) => problems.push({ rule: "LAB-M365-01", path: `[${i}]${path}`, message });
    const first = seen.get(set.id);
    if (first !== undefined)
      bad(".id", `endpoint set ${set.id} is listed twice (entries [${first}] and [${i}]); the endpoints web service lists each set once`);
    else seen.set(set.id, i);
    if (set.serviceArea && set.serviceArea !== SERVICE_AREA)
      bad(
        ".serviceArea",
        `endpoint set ${set.id} is service area "${set.serviceArea}", not "${SERVICE_AREA}" (Teams / Skype for Business Online): give the worldwide instance's answer`,
      );
    set.ips.forEach((ip, j) => {
      const prefix = normalisePrefix(ip);
      const why = prefixProblem(prefix.text);
      if (why) bad(`.ips[${j}]`, `endpoint set ${set.id}: ${why}`);
      else distinct[prefix.family].add(prefix.text);
    });
  });
  for (const family of ["ipv4", "ipv6"] as const) {
    const count = distinct[family].size;
    if (count > MAX_PREFIXES_PER_FAMILY)
      problems.push({
        rule: "LAB-M365-01",
        path: "",
        message: `endpoint sets ${SERVICE_IDS.join(" and ")} list ${count} distinct ${family === "ipv4" ? "IPv4" : "IPv6"} prefixes; edge-lab accepts at most ${MAX_PREFIXES_PER_FAMILY} per address family (each becomes a firewall and NSG entry)`,
      });
  }
  return problems;
}

/** Parses a file of the endpoints web service; throws EndpointsFileError naming the file and every problem. */
export function parseEndpointsFile(text: string, file: string): M365Endpoints {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new EndpointsFileError(`${file}: not JSON (${(e as Error).message})`);
  }
  const parsed = EndpointFile.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new EndpointsFileError(`${file}: ${issue.path.length ? `[${issue.path.join("].[")}] ` : ""}${issue.message}`);
  }
  const sets = parsed.data.map((e) => ({
    id: e.id,
    serviceArea: e.serviceArea ?? "",
    urls: e.urls ?? [],
    ips: e.ips ?? [],
    tcpPorts: e.tcpPorts,
    udpPorts: e.udpPorts,
  }));
  const problems = entryProblems(sets);
  if (problems.length > 0) throw new EndpointsFileError(`${file}: ${problems[0].message}`, problems);
  const found = SERVICE_IDS.filter((id) => sets.some((s) => s.id === id));
  if (found.length !== SERVICE_IDS.length) {
    throw new EndpointsFileError(
      `${file}: endpoint set${found.length ? ` ${SERVICE_IDS.filter((id) => !found.includes(id)).join(", ")}` : "s 11 and 12"} missing (the Skype for Business Online / Teams service area)`,
    );
  }
  // The source names the file for the worksheet and notes: its base name, in characters no output format treats specially.
  const name = (file.split(/[\\/]/).pop() ?? file).replace(/[^A-Za-z0-9._-]/g, "_");
  const endpoints = endpointsOf(`endpoints file ${name}`, undefined, sets);
  if (endpoints.ipv4.length === 0) throw new EndpointsFileError(`${file}: endpoint sets 11 and 12 have no IPv4 prefix`);
  return endpoints;
}

// ---- The scenario's own networks ------------------------------------------------------------------------------

/**
 * LAB-M365-01 with the scenario: Microsoft 365 prefixes overlapping a network of a hybrid scenario (its perimeter,
 * public and internal networks) are refused, one finding per network: the firewall rows would treat the site's own
 * hosts as Microsoft 365 (and the lab would route them to the Internet). The lab is IPv4, so are its networks.
 */
export function scenarioOverlaps(s: ResolvedScenario, endpoints: M365Endpoints): Finding[] {
  if (!s.hybrid) return [];
  const prefixes = endpoints.ipv4.map((text) => parseCidr(text));
  const from = endpoints.date ? `edge-lab's snapshot of ${endpoints.date}` : endpoints.source;
  const findings: Finding[] = [];
  for (const site of s.sites) {
    const n = site.network;
    const networks = [
      { name: "perimeter external network", cidr: n.perimeterExternal },
      { name: "perimeter internal network", cidr: n.perimeterInternal },
      { name: "public range", cidr: n.publicRange },
      { name: "reverse proxy external network", cidr: n.reverseProxyExternal },
      ...n.internalNetworks.map((cidr) => ({ name: "internal network", cidr })),
    ];
    const seen = new Set<string>();
    for (const { name, cidr } of networks) {
      if (seen.has(cidr.value.text)) continue;
      seen.add(cidr.value.text);
      const clashes = prefixes.filter((p) => cidrsOverlap(cidr.value, p));
      if (clashes.length === 0) continue;
      const verb = clashes.length === 1 && cidrWithin(cidr.value, clashes[0]) ? "lies in" : "overlaps";
      findings.push(
        error(
          "LAB-M365-01",
          cidr.path,
          `${name} ${cidr.value.text} of site ${site.name} ${verb} Microsoft 365's ${clashes.map((c) => c.text).join(", ")} (${from}); the firewall rows would treat the site's own hosts as Microsoft 365: use a network of your own`,
        ),
      );
    }
  }
  return findings;
}

// ---- Which set a hybrid row uses ------------------------------------------------------------------------------

/** "3478,3479,3480,3481" / "443,80" / "3478-3481" -> ports of `transport`. */
function portRanges(text: string | undefined, transport: Transport): Port[] {
  return (text ?? "")
    .split(",")
    .map((p) => p.trim())
    .filter((p) => /^\d+(-\d+)?$/.test(p))
    .flatMap((p) => {
      const [from, to = from] = p.split("-").map(Number);
      // A port outside 1-65535 or a reversed range matches nothing.
      return from >= 1 && from <= to && to <= 65535 ? [Port.of(transport, { from, to })] : [];
    });
}

/** "3478,3479,3480,3481" -> "3478-3481"; "443,80" stays "443, 80". */
function portText(text: string | undefined, transport: Transport): string {
  const ranges = portRanges(text, transport);
  const values = ranges.flatMap((r) => Array.from({ length: r.to - r.from + 1 }, (_, k) => r.from + k));
  const consecutive = values.length > 2 && values.every((v, k) => k === 0 || v === values[k - 1] + 1);
  return consecutive ? Port.of(transport, { from: values[0], to: values[values.length - 1] }).rangeText : ranges.map((r) => r.rangeText).join(", ");
}

/** A hybrid row as far as the set choice goes: Microsoft 365's port is the destination port outbound, the source port inbound. */
export interface M365Row {
  readonly direction: "inbound" | "outbound";
  readonly ports: Port;
  readonly sourcePorts?: Port;
}

const AREA_LABEL = "Microsoft 365 (Teams / Skype for Business Online)";

/**
 * The far end of a hybrid row: the prefixes of the sets whose ports for the row's transport cover Microsoft 365's
 * port of the row (UDP 3478 -> set 11; TCP 443 -> set 12). When no set lists that port (SIP 5061, TCP 50000-59999, an
 * inbound row from any source port), both sets' prefixes, and the label says why.
 */
export function farEndOf(endpoints: M365Endpoints, row: M365Row): { label: string; addresses: string[] } {
  const port = row.direction === "outbound" ? row.ports : row.sourcePorts;
  const transport = row.ports.transport;
  const field = transport === "UDP" ? "udpPorts" : "tcpPorts";
  const matching = port ? endpoints.sets.filter((set) => portRanges(set[field], transport).some((r) => r.contains(port))) : [];
  if (matching.length > 0) {
    const chosen = endpointsOf(endpoints.source, endpoints.date, matching);
    const sets = chosen.sets.map((set) => `${set.id} (${transport} ${portText(set[field], transport)})`);
    return { label: `${AREA_LABEL}, endpoint set${sets.length > 1 ? "s" : ""} ${sets.join(" and ")}`, addresses: [...chosen.ipv4, ...chosen.ipv6] };
  }
  const why = port ? String(port) : "the source port (any)";
  return {
    label: `${AREA_LABEL}, endpoint sets ${SERVICE_IDS.join(" and ")}: no set lists ${why}, so the ranges of both`,
    addresses: [...endpoints.ipv4, ...endpoints.ipv6],
  };
}

/** Days between the snapshot date and `now` (UTC dates). */
export function ageInDays(date: string, now: Date): number {
  const then = Date.parse(`${date}T00:00:00Z`);
  const today = Date.UTC(now.getUTCFullYear(), now.getUTCMonth(), now.getUTCDate());
  return Math.floor((today - then) / 86_400_000);
}

/** A message when the shipped snapshot is older than 90 days at `now`; undefined otherwise (or for a user file). */
export function stalenessMessage(endpoints: M365Endpoints, now: Date): string | undefined {
  if (!endpoints.date) return undefined;
  const age = ageInDays(endpoints.date, now);
  if (age <= STALE_AFTER_DAYS) return undefined;
  return `the Microsoft 365 address ranges come from edge-lab's snapshot of ${endpoints.date}, ${age} days old (more than ${STALE_AFTER_DAYS}); download the current list (https://endpoints.office.com/endpoints/worldwide?clientrequestid=<any GUID>) and pass it with --m365-endpoints <file>`;
}
