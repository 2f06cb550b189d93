/**
 * Microsoft 365's address ranges for the Skype for Business Online / Teams service area (endpoint set IDs 11 and 12),
 * which the hybrid firewall rows use as the far end. The ranges change, so edge-lab ships a dated snapshot and reads
 * the current list from a file of Microsoft's endpoints web service when one is given
 * (`--m365-endpoints <file>`, fetched from https://endpoints.office.com/endpoints/worldwide?clientrequestid=<guid>).
 *
 * Only IDs 11 and 12 are used: 11 is the media range (UDP 3478-3481), 12 the signalling range (TCP 443/80,
 * *.lync.com). Their union is what the Edge talks to in a hybrid deployment.
 */
import ipaddr from "ipaddr.js";
import * as z from "zod";

export const SERVICE_IDS = [11, 12] as const;
export const STALE_AFTER_DAYS = 90;

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
 * The shipped snapshot. Source: Microsoft's endpoints web service (worldwide instance), as captured on 2026-09-14 in
 * sgawa/pac-ip-manager:ip-lists/history/microsoft_teams/microsoft_teams-2026-09-14.json (commit 050f284). That capture
 * lists the Teams service area's URLs and prefixes without endpoint set ids; the split into IDs 11 (media prefixes)
 * and 12 (signalling URLs and prefixes) and their ports follow Microsoft's endpoint list
 * (MicrosoftDocs/microsoft-365-docs:microsoft-365/includes/office-365-worldwide-endpoints.md). 13.107.64.0/18, listed
 * in the 2022 documentation, is no longer in the 2026 service answer.
 */
export const SNAPSHOT_DATE = "2026-09-14";
export const SNAPSHOT_SOURCE =
  "Microsoft 365 endpoints web service (endpoints.office.com/endpoints/worldwide), Teams / Skype for Business Online service area IDs 11 and 12, captured 2026-09-14 (sgawa/pac-ip-manager ip-lists/history/microsoft_teams/microsoft_teams-2026-09-14.json)";

export const SNAPSHOT_SETS: readonly EndpointSet[] = [
  { id: 11, serviceArea: "Skype", urls: [], ips: ["52.112.0.0/14", "52.122.0.0/15", "2603:1063::/38"], udpPorts: "3478,3479,3480,3481" },
  {
    id: 12,
    serviceArea: "Skype",
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

export class EndpointsFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "EndpointsFileError";
  }
}

/** Parses a file of the endpoints web service; throws EndpointsFileError naming the file and the problem. */
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
