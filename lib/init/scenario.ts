/**
 * From `edge-lab init` answers to a scenario: the scenario object, the commented YAML file, the model's verdict,
 * Microsoft's planning sections that apply and the commands to run next. Pure: no I/O.
 */
import { relative, resolve, sep } from "node:path";
import { Document, isMap, isPair, isScalar, isSeq, type Node, type Pair, type YAMLMap } from "yaml";
import { loadScenarioText, type LoadResult } from "../model/load";
import { fieldSummary } from "../model/json-schema";
import { PRODUCT_IDS, PRODUCTS, supportStatusShort } from "../model/products";
import { anyFederation, type InitAnswers, type LaterKind, type SiteRanges } from "./flowchart";

/** Microsoft's planning sections for the five Edge scenarios ("Scenarios for external user access"). */
export const SCENARIO_SECTIONS = {
  1: "Single consolidated Edge with private IP addresses and NAT",
  2: "Single consolidated Edge with public IP addresses",
  3: "Scaled consolidated Edge, DNS load balancing with private IP addresses using NAT",
  4: "Scaled consolidated Edge, DNS load balancing with public IP addresses",
  5: "Scaled consolidated Edge with hardware load balancers",
} as const;

export interface Section {
  readonly title: string;
  readonly why: string;
}

const isHardware = (a: InitAnswers) => a.loadBalancing === "hardware";
/** Hardware load balancing implies public addresses (LB-02). */
export const externalAddressing = (a: InitAnswers): "nat" | "public" => a.addressing ?? (isHardware(a) ? "public" : "nat");

/** Microsoft scenario number (1-5) of the Edge every site gets; the same decision as the model's plan. */
export function microsoftScenario(a: InitAnswers): 1 | 2 | 3 | 4 | 5 {
  if (isHardware(a)) return 5;
  const nat = externalAddressing(a) === "nat";
  if (a.servers <= 1) return nat ? 1 : 2;
  return nat ? 3 : 4;
}

/** The site that is the federation route: the chosen one, else the first site when any federation is on. */
export function federationRouteOf(a: InitAnswers): string | undefined {
  return a.federationRoute ?? (anyFederation(a) ? a.sites[0] : undefined);
}

const LATER_TITLES: Record<LaterKind, string> = { sip: "SIP federation", pic: "Public IM connectivity", xmpp: "XMPP federation", mobility: "Mobility" };

/** The `later:` block of the scenario (empty when nothing is planned for later). */
function laterBlock(a: InitAnswers): Record<string, unknown> {
  const federation = {
    ...(a.later.includes("sip") ? { sip: true } : {}),
    ...(a.later.includes("pic") ? { publicIm: a.picProviders.length ? [...a.picProviders] : ["skype"] } : {}),
    ...(a.later.includes("xmpp") ? { xmpp: true } : {}),
  };
  return {
    ...(Object.keys(federation).length ? { federation } : {}),
    ...(a.later.includes("mobility") ? { mobility: true } : {}),
  };
}

/** Microsoft's planning sections (and edge-lab's own notes) that apply to the answers. */
export function applicableSections(a: InitAnswers): Section[] {
  const n = microsoftScenario(a);
  const out: Section[] = [
    {
      title: SCENARIO_SECTIONS[n],
      why:
        n === 5
          ? `an Edge pool of ${a.servers} with hardware load balancers; public IP addresses only (LB-02)`
          : `${a.servers === 1 ? "one Edge Server" : `an Edge pool of ${a.servers} with DNS load balancing`}, ${externalAddressing(a) === "nat" ? "private IP addresses behind NAT" : "public IP addresses"}`,
    },
  ];
  const route = federationRouteOf(a);
  if (a.federation.includes("sip")) out.push({ title: "Federation: SIP federation", why: `partners reach the Access Edge of ${route} on port 5061 (FED-01)` });
  if (a.federation.includes("pic")) out.push({ title: "Federation: public IM connectivity", why: `providers: ${a.picProviders.join(", ")}` });
  if (a.federation.includes("xmpp"))
    out.push({
      title: "Federation: XMPP",
      why: `the XMPP proxy runs on the federation-route Edge (${route}), the XMPP gateway on its Front End pool (FED-02)`,
    });
  if (a.hybrid) {
    out.push({
      title: "Hybrid with Microsoft 365 (shared SIP address space)",
      why: `tenant domains ${(a.tenantDomains ?? []).join(", ")}; phase ${a.hybridPhase}: the Edge <-> Microsoft 365 firewall rows, cmdlets.ps1${a.hybridPhase === "teams-only" ? ", the Teams Only cutover DNS" : ""}`,
    });
  }
  if (a.mobility) out.push({ title: "Mobility", why: "lyncdiscover / lyncdiscoverinternal records and reverse proxy publishing" });
  out.push({ title: "Reverse proxy", why: "publishes the external web services, meet and dial-in simple URLs" + (a.mobility ? " and lyncdiscover" : "") });
  if (a.directors > 0) {
    out.push({
      title: "Director",
      why:
        a.directors === 1
          ? "one Director per site authenticates external users before the Front End pool"
          : `a Director pool of ${a.directors} per site: DNS load balancing for SIP, a hardware load balancer for web services (DIR-01)`,
    });
  }
  if (a.later.length > 0) {
    // Microsoft's advice: plan the certificates for features added after the first Edge, so none is reissued.
    const order: readonly LaterKind[] = ["sip", "pic", "xmpp", "mobility"];
    out.push({
      title: `Planned for later: ${order
        .filter((k) => a.later.includes(k))
        .map((k) => LATER_TITLES[k])
        .join(", ")}`,
      why: 'their names are on the certificates now; DNS, firewall and Topology Builder get them when they are deployed (worksheet, "Planned for later")',
    });
  }
  if (a.sites.length > 1) {
    out.push({
      title: "Several sites",
      why: `${a.sites.join(", ")} each get the same Edge topology${route ? `; only ${route} is the federation route (FED-01)` : ""}`,
    });
  }
  return out;
}

/** The scenario object (the file's content), with every choice explicit. */
export function answersToScenario(a: InitAnswers): Record<string, unknown> {
  const scenarioNo = microsoftScenario(a);
  const addressing = externalAddressing(a);
  const route = federationRouteOf(a);
  const title = a.sites.length > 1 ? `${SCENARIO_SECTIONS[scenarioNo]} at ${a.sites.length} sites` : SCENARIO_SECTIONS[scenarioNo];
  const network = (r: SiteRanges) => ({
    ...(r.perimeterExternal !== undefined ? { perimeterExternal: r.perimeterExternal } : {}),
    perimeterInternal: r.perimeterInternal,
    publicRange: r.publicRange,
    internalNetworks: [r.internalNetwork],
  });
  return {
    id: a.id,
    title,
    product: a.product,
    sipDomains: [...a.sipDomains],
    internalDomain: a.internalDomain,
    federation: {
      sip: a.federation.includes("sip"),
      publicIm: a.federation.includes("pic") ? [...a.picProviders] : [],
      xmpp: a.federation.includes("xmpp"),
    },
    mobility: a.mobility,
    ...(a.hybrid ? { hybrid: { tenantDomains: [...(a.tenantDomains ?? [])], phase: a.hybridPhase ?? "hybrid" } } : {}),
    ...(a.later.length ? { later: laterBlock(a) } : {}),
    sites: a.sites.map((name, i) => ({
      name,
      ...(route === name ? { federationRoute: true } : {}),
      edge: {
        servers: a.servers,
        ...(a.loadBalancing !== undefined ? { loadBalancing: a.loadBalancing } : {}),
        externalAddressing: addressing,
      },
      network: network(a.ranges[i]),
      ...(a.directors > 0 ? { director: { servers: a.directors, ...(a.directors > 1 ? { loadBalancing: "dns-hlb" } : {}) } } : {}),
    })),
  };
}

const comment = (text: string) =>
  text
    .split("\n")
    .map((line) => (line ? ` ${line}` : ""))
    .join("\n");

function pairOf(map: unknown, key: string): Pair<Node, Node> | undefined {
  if (!isMap(map)) return undefined;
  return (map as YAMLMap<Node, Node>).items.find((p) => isPair(p) && isScalar(p.key) && p.key.value === key);
}

/** Puts `above` on the line(s) before `key` and `trailing` after its value (scalars and flow sequences). */
function note(map: unknown, key: string, above?: string, trailing?: string): void {
  const pair = pairOf(map, key);
  if (!pair) return;
  if (above && pair.key) pair.key.commentBefore = comment(above);
  if (trailing && pair.value && (isScalar(pair.value) || (isSeq(pair.value) && pair.value.flow))) pair.value.comment = comment(trailing);
}

function flow(map: unknown, key: string): void {
  const value = pairOf(map, key)?.value;
  if (isSeq(value)) value.flow = true;
}

/** The comment at the top of the file: the schema modeline, the planning sections that apply, what to run next. */
function headerComment(a: InitAnswers, schemaPath: string | undefined): string {
  return comment(
    [
      ...(schemaPath ? [`yaml-language-server: $schema=${schemaPath}`] : []),
      `Edge scenario written by \`edge-lab init\`. Microsoft's planning sections that apply:`,
      ...applicableSections(a).map((s) => `  - ${s.title}`),
      "Check it with `npx edge-lab validate <file>`, see the plan with `npx edge-lab plan <file>`.",
      'Fields not written here take their documented defaults (docs/scenario.md, "Every field").',
    ].join("\n"),
  );
}

/** Comments on the scenario's identity: id, product, SIP domains, internal domain. */
function noteIdentity(root: unknown, a: InitAnswers): void {
  note(root, "id", "Stack id: the Terraform stack is `npx cdktf deploy <id>`.");
  note(root, "product", undefined, `${PRODUCTS[a.product].name}, ${supportStatusShort(PRODUCTS[a.product])} (${PRODUCT_IDS.join(" | ")}; SE-01)`);
  flow(root, "sipDomains");
  note(
    root,
    "sipDomains",
    "SIP domains, primary first. Each adds certificate SANs, DNS records and a meet simple URL (DNS-09);\nservice FQDNs (sip., webcon., av.) and server names use the primary domain.",
  );

  note(
    root,
    "internalDomain",
    undefined,
    a.internalDomain === a.sipDomains[0]
      ? "servers' DNS domain (here the primary SIP domain; Microsoft's example uses contoso.net)"
      : "servers' DNS domain: Edge internal FQDNs, reverse proxy, Front End pool, Director",
  );
}

/** Comments on federation: the federation route, LB-09 with a DNS load balanced pool, and each kind of federation. */
function noteFederation(root: unknown, a: InitAnswers): void {
  const route = federationRouteOf(a);
  const dnsPool = a.servers > 1 && a.loadBalancing !== "hardware";
  const federation = pairOf(root, "federation")?.value;
  note(
    root,
    "federation",
    `Federation needs exactly one federation route (FED-01)${route ? `: site ${route}` : "; none is enabled"}.` +
      (dnsPool && (a.federation.includes("pic") || a.federation.includes("xmpp"))
        ? `\nLB-09: with DNS load balancing, ${[a.federation.includes("pic") ? "public IM connectivity" : "", a.federation.includes("xmpp") ? "XMPP" : ""].filter(Boolean).join(" and ")} ${a.federation.includes("pic") && a.federation.includes("xmpp") ? "do" : "does"} not fail over between pool members.`
        : ""),
  );
  note(federation, "sip", undefined, "Lync / OCS / Skype for Business / Office 365 partners, open partner discovery (port 5061)");
  flow(federation, "publicIm");
  note(federation, "publicIm", undefined, "skype | windows-live | aol | yahoo: all retired (Skype in May 2025, SE-02; AOL and Yahoo! in 2014, FED-03)");
  note(
    federation,
    "xmpp",
    undefined,
    !PRODUCTS[a.product].xmpp
      ? `${PRODUCTS[a.product].name} has no XMPP gateway (LAB-VER-01)`
      : "XMPP gateway on the federation-route Edge, for every SIP domain (FED-02)",
  );
}

/** Comments on the hybrid block: tenant domains and phase. */
function noteHybrid(root: unknown): void {
  const hybrid = pairOf(root, "hybrid")?.value;
  note(root, "hybrid", "Hybrid with Microsoft 365 / Teams (shared SIP address space): see docs/hybrid.md.");
  flow(hybrid, "tenantDomains");
  note(hybrid, "tenantDomains", undefined, "every SIP domain of the tenant; each must be a SIP domain (HYB-01)");
  note(hybrid, "phase", undefined, "hybrid | teams-only (after the cutover: external DNS points to Microsoft 365)");
}

/** Comments on the features planned for later: what is on the certificates now. */
function noteLater(root: unknown): void {
  const later = pairOf(root, "later")?.value;
  note(
    root,
    "later",
    "Planned for later: their names are on the certificates now (no reissue when they are added);\nDNS, firewall and Topology Builder settings get them once they move up to deployed.",
  );
  const laterFederation = pairOf(later, "federation")?.value;
  note(laterFederation, "sip", undefined, "SIP federation later: the federation route's names are on its certificate now");
  flow(laterFederation, "publicIm");
  note(laterFederation, "publicIm", undefined, "public IM connectivity later");
  note(laterFederation, "xmpp", undefined, "XMPP later: xmpp.<domain> and the XMPP domain are on the Edge certificate now");
  note(later, "mobility", undefined, "mobility later: lyncdiscover names on the reverse proxy and Front End certificates now");
}

/** Comments on a site's Edge: server count, load balancing, external addressing. */
function noteEdge(site: unknown, a: InitAnswers): void {
  const addressing = externalAddressing(a);
  const edge = pairOf(site, "edge")?.value;
  note(edge, "servers", undefined, a.servers === 1 ? "single consolidated Edge (2-12 = Edge pool, LB-04 / LB-05)" : "Edge pool: 2-12 servers (LB-04 / LB-05)");
  note(
    edge,
    "loadBalancing",
    undefined,
    a.loadBalancing === "hardware"
      ? "hardware load balancer: VIPs at .10/.20/.30; public IPs only (LB-02); same on both sides (LB-01)"
      : "DNS load balancing on both sides (LB-01); works with NAT (LB-02)",
  );
  note(
    edge,
    "externalAddressing",
    undefined,
    addressing === "nat"
      ? "private external addresses, translated 1:1 to public ones (NAT-06); never NAT inside (NAT-01)"
      : a.loadBalancing === "hardware"
        ? "hardware load balancing needs public addresses (LB-02 / LB-03)"
        : "routed public addresses in the public range (NET-11)",
  );
}

/** Comments on site `i`'s network ranges (Microsoft's example ranges, shifted by i). */
function noteNetwork(site: unknown, i: number, a: InitAnswers): void {
  const addressing = externalAddressing(a);
  const network = pairOf(site, "network")?.value;
  note(
    site,
    "network",
    i === 0
      ? "Microsoft's example ranges by default. The perimeter subnets must be different networks (NET-04)."
      : `Site ${a.sites[i]}: Microsoft's example ranges with the third octet shifted by ${i}.`,
  );
  note(network, "perimeterExternal", undefined, "Edge external interfaces (private, NATed)");
  note(network, "perimeterInternal", undefined, "Edge internal interfaces; no default gateway (NET-03)");
  note(
    network,
    "publicRange",
    undefined,
    addressing === "nat" ? "NAT mappings and the reverse proxy listener" : "Edge external interfaces, VIPs, reverse proxy listener",
  );
  flow(network, "internalNetworks");
  note(network, "internalNetworks", undefined, fieldSummary("sites[].network.internalNetworks"));
}

/** Comments on a site's Director (or Director pool). */
function noteDirector(site: unknown, a: InitAnswers): void {
  const director = pairOf(site, "director")?.value;
  note(site, "director", "Optional in every scenario: external users reach the Front End pool through the Director.");
  note(director, "servers", undefined, a.directors === 1 ? "one Director (2 or more = a Director pool)" : "a Director pool");
  note(director, "loadBalancing", undefined, "DNS load balancing for SIP, a hardware load balancer for web services (DIR-01)");
}

/** Comments on the sites list and, in every site, on its federation route, Edge, network and Director. */
function noteSites(root: unknown, a: InitAnswers): void {
  note(
    root,
    "sites",
    a.sites.length > 1
      ? "One entry per data center; every site gets the same Edge topology. Site k's default ranges shift\nthe third octet by k; the sites' networks must not overlap (LAB-NET-02)."
      : "One data center. Add sites (each with its own Edge) to plan several; their networks must not overlap (LAB-NET-02).",
  );
  const sites = pairOf(root, "sites")?.value;
  if (!isSeq(sites)) return;
  sites.items.forEach((site, i) => {
    note(site, "federationRoute", undefined, "the organisation's only federation route (FED-01)");
    noteEdge(site, a);
    noteNetwork(site, i, a);
    noteDirector(site, a);
  });
}

/**
 * The scenario as a commented YAML file; parsing it gives back exactly `answersToScenario(a)`. With `schemaPath`
 * (the JSON Schema's path relative to the file), the first line is the modeline of the YAML language server, so
 * that VS Code's YAML extension completes and checks the file.
 */
export function renderScenarioYaml(a: InitAnswers, options: { readonly schemaPath?: string } = {}): string {
  const doc = new Document(answersToScenario(a));
  const root = doc.contents;
  doc.commentBefore = headerComment(a, options.schemaPath);
  noteIdentity(root, a);
  noteFederation(root, a);
  noteHybrid(root);
  note(root, "mobility", undefined, fieldSummary("mobility"));
  noteLater(root);
  noteSites(root, a);
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}

/** Runs the rendered file through the real model (schema, rule checks, plan). */
export function checkAnswers(a: InitAnswers): LoadResult {
  return loadScenarioText(renderScenarioYaml(a));
}

/** The commands to run after writing `file` (relative to `cwd`). */
export function nextSteps(file: string, id: string, cwd: string): string[] {
  const rel = relative(cwd, resolve(cwd, file)) || file;
  const shown = rel.startsWith("..") ? resolve(cwd, file) : rel;
  const inScenarios = resolve(cwd, file).startsWith(resolve(cwd, "scenarios") + sep);
  const env = inScenarios ? "" : `EDGE_LAB_SCENARIOS=${shown} `;
  return [`npx edge-lab validate ${shown}`, `npx edge-lab plan ${shown}`, `${env}npm run synth`, `${env}npx cdktf deploy ${id}`];
}
