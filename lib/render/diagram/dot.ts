/**
 * The scenario diagram as Graphviz DOT, drawn from the plan only (pure, deterministic):
 * Internet -> external firewall -> perimeter (Edge servers with their external/internal addresses, load balancer
 * VIPs, reverse proxy) -> internal firewall -> next hop pool/Director and the reverse proxy's targets.
 *
 * Arrows follow the plan's firewall rows: each row crossing a firewall into or out of the perimeter adds its
 * "protocol transport port" to the arrow between the firewall and the perimeter node (arrowhead = who connects),
 * and a plain line joins the firewall to the far side.
 */
import type { FirewallRule, Plan, PlanServer, PlanVip } from "../../model/plan";
import { Peer } from "../../model/peer";
import { addressText, roleName } from "../worksheets/tables";

export const FONT = "DejaVu Sans";

type Site = Plan["scenario"]["sites"][number];
type Zone = "internet" | "perimeter" | "internal";

interface DiagramNode {
  readonly id: string;
  readonly zone: Zone;
  /** Left-to-right order: Internet 0, external firewall 1, perimeter 2, internal firewall 3, internal network 4. */
  readonly tier: number;
  /** Edges attach to this node; `cluster` set when the node stands for a cluster (Edge pool). */
  readonly cluster?: string;
}

const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
const q = (s: string) => `"${s.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`;
const nodeId = (...parts: string[]) => q(parts.join(":"));

/** A line of a node label (htmlLabel). */
type LabelLine = { text: string; small?: boolean; italic?: boolean };

/** An HTML-like label: first line bold, the others left-aligned; `small` lines in a smaller grey font. */
function htmlLabel(title: string, lines: readonly (string | { readonly text: string; readonly small?: boolean; readonly italic?: boolean })[]): string {
  const rows = [`<TR><TD ALIGN="LEFT"><B>${esc(title)}</B></TD></TR>`];
  for (const l of lines) {
    const line = typeof l === "string" ? { text: l } : l;
    let text = esc(line.text);
    if (line.italic) text = `<I>${text}</I>`;
    if (line.small) text = `<FONT POINT-SIZE="10" COLOR="#444444">${text}</FONT>`;
    rows.push(`<TR><TD ALIGN="LEFT">${text}</TD></TR>`);
  }
  return `<<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="0" CELLPADDING="2">${rows.join("")}</TABLE>>`;
}

function edgeServerLabel(server: PlanServer): string {
  const lines: LabelLine[] = [{ text: `Edge Server ${server.id}`, small: true }];
  for (const nic of server.interfaces) {
    lines.push({
      text: `${nic.side === "external" ? "External" : "Internal"} NIC ${nic.subnet}, ${nic.gateway ? `gateway ${nic.gateway}` : "no gateway"}`,
      italic: true,
    });
    for (const a of nic.addresses) {
      const what = a.role === "internal" ? "Internal" : roleName(a.role);
      lines.push({ text: `${what} ${addressText(a)}${a.fqdn ? `  ${a.fqdn}` : ""}` });
    }
    for (const r of nic.routes) lines.push({ text: `route ${r.destination} via ${r.via}`, small: true });
  }
  return htmlLabel(server.fqdn, lines);
}

function vipLabel(title: string, vips: readonly PlanVip[]): string {
  return htmlLabel(
    title,
    vips.flatMap((v) => [
      { text: `${roleName(v.service)} ${v.ip}  ${v.fqdn}` },
      { text: `ports ${v.ports.join(", ")}; members ${v.members.map((m) => m.ip).join(", ")}`, small: true },
    ]),
  );
}

/** Collects labelled arrows (deduplicated lines, first-seen order) and plain links. */
class Edges {
  private readonly labelled = new Map<string, { from: DiagramNode; to: DiagramNode; lines: string[]; side: "external" | "internal" }>();
  private readonly plain = new Map<string, { a: DiagramNode; b: DiagramNode }>();

  arrow(from: DiagramNode, to: DiagramNode, line: string, side: "external" | "internal"): void {
    const key = `${from.id}->${to.id}`;
    const e = this.labelled.get(key) ?? { from, to, lines: [], side };
    if (!e.lines.includes(line)) e.lines.push(line);
    this.labelled.set(key, e);
  }

  /** A plain line, drawn left to right (so it also orders the layout) whichever way round it is given. */
  link(x: DiagramNode, y: DiagramNode): void {
    const [a, b] = x.tier <= y.tier ? [x, y] : [y, x];
    const key = `${a.id}--${b.id}`;
    if (!this.plain.has(key)) this.plain.set(key, { a, b });
  }

  render(out: string[]): void {
    for (const { a, b } of this.plain.values()) out.push(`  ${a.id} -> ${b.id} [dir=none, color="#777777", penwidth=1.5${clusterAttrs(a, b)}];`);
    for (const e of this.labelled.values()) {
      const color = e.side === "external" ? "#b03a2e" : "#1f5f9e";
      const label = mergeLines(e.lines)
        .map((l) => `${esc(l)}<BR ALIGN="LEFT"/>`)
        .join("");
      out.push(`  ${e.from.id} -> ${e.to.id} [color="${color}", fontcolor="${color}", penwidth=1.5, label=<${label}>${clusterAttrs(e.from, e.to)}];`);
    }
  }
}

function clusterAttrs(from: DiagramNode, to: DiagramNode): string {
  return `${from.cluster ? `, ltail=${q(from.cluster)}` : ""}${to.cluster ? `, lhead=${q(to.cluster)}` : ""}`;
}

function ruleLine(r: FirewallRule): string {
  return `${r.service === r.protocol ? "" : `${r.service}: `}${r.protocol} ${r.ports}`;
}

/** Merges "X: P T a" lines of the same service/protocol/transport into "X: P T a, b". */
function mergeLines(lines: readonly string[]): string[] {
  const merged = new Map<string, string[]>();
  for (const l of lines) {
    const i = l.lastIndexOf(" ");
    const head = l.slice(0, i);
    const ports = merged.get(head) ?? [];
    ports.push(l.slice(i + 1));
    merged.set(head, ports);
  }
  return [...merged].map(([head, ports]) => `${head} ${ports.join(", ")}`);
}

/** One site's drawing: its plan rows, the DOT lines, the arrows, and the node each address is drawn as. */
interface SiteDrawing {
  readonly plan: Plan;
  readonly site: Site;
  readonly servers: readonly PlanServer[];
  readonly vips: readonly PlanVip[];
  readonly out: string[];
  readonly edges: Edges;
  /** The first node an address was placed on: arrows of the firewall rows attach there. */
  readonly byAddress: Map<string, DiagramNode>;
}

/** Places an address on a node, unless it is on one already. */
function place(d: SiteDrawing, addr: string | undefined, node: DiagramNode): void {
  if (addr && !d.byAddress.has(addr)) d.byAddress.set(addr, node);
}

/** The external firewall: 1:1 NAT or routed public addresses, and the public range. */
function drawExternalFirewall(d: SiteDrawing, extFw: DiagramNode): void {
  const { site, servers } = d;
  const natted = (role: PlanServer["role"]) => servers.some((s) => s.role === role && s.interfaces.some((i) => i.addresses.some((a) => a.natPublic)));
  const fwText = natted("edge")
    ? "1:1 NAT: public address <-> perimeter address"
    : `Edge: public addresses routed${natted("reverse-proxy") ? "; reverse proxy: 1:1 NAT" : ""}`;
  d.out.push(
    `    ${extFw.id} [shape=box, style="filled", fillcolor="#f6d5d1", color="#b03a2e", label=${htmlLabel(`External firewall (${site.name})`, [
      fwText,
      { text: `public ${site.networks.publicRange}`, small: true },
    ])}];`,
  );
}

/** The Edge Servers (in a dashed cluster when they form a pool); returns the node arrows to the Edge attach to. */
function drawEdgeServers(d: SiteDrawing): DiagramNode | undefined {
  const { out, site } = d;
  const name = site.name;
  const edgeServers = d.servers.filter((s) => s.role === "edge");
  const pool = edgeServers.length > 1;
  const poolCluster = `cluster_edgepool_${name}`;
  if (pool) {
    const lb = site.loadBalancing === "hardware" ? "hardware load balancing" : "DNS load balancing";
    out.push(`      subgraph ${q(poolCluster)} {`);
    out.push(`        label=<<B>Edge pool ${esc(edgeServers[0].pool ?? "")}</B> (${lb})>; style="dashed,rounded"; color="#7a6a00";`);
  }
  const edgeGroup: DiagramNode | undefined = edgeServers.length
    ? { id: nodeId(name, edgeServers[0].id), zone: "perimeter", tier: 2, ...(pool ? { cluster: poolCluster } : {}) }
    : undefined;
  for (const server of edgeServers) {
    out.push(`${pool ? "  " : ""}      ${nodeId(name, server.id)} [fillcolor="#ffffff", label=${edgeServerLabel(server)}];`);
    for (const a of server.interfaces.flatMap((i) => i.addresses)) {
      place(d, a.ip, edgeGroup!);
      place(d, a.natPublic, edgeGroup!);
    }
  }
  if (pool) out.push(`        { rank=same; ${edgeServers.map((e) => nodeId(name, e.id)).join("; ")}; }`, "      }");
  return edgeGroup;
}

/** The hardware load balancer's external and internal Edge VIPs, linked to the Edge. */
function drawEdgeVips(d: SiteDrawing, edgeGroup: DiagramNode | undefined): void {
  const { out, edges, vips } = d;
  const name = d.site.name;
  const extVips = vips.filter((v) => v.side === "external" && v.service !== "director-web");
  const intVips = vips.filter((v) => v.side === "internal" && v.service !== "director-web");
  const extVip: DiagramNode = { id: nodeId(name, "extvip"), zone: "perimeter", tier: 2 };
  const intVip: DiagramNode = { id: nodeId(name, "intvip"), zone: "perimeter", tier: 2 };
  if (extVips.length) {
    out.push(
      `      ${extVip.id} [shape=box, style="filled", fillcolor="#e8f4e8", color="#2e7d32", label=${vipLabel("External VIPs (hardware load balancer)", extVips)}];`,
    );
    for (const v of extVips) place(d, v.ip, extVip);
    if (edgeGroup) edges.link(extVip, edgeGroup);
  }
  if (intVips.length) {
    out.push(
      `      ${intVip.id} [shape=box, style="filled", fillcolor="#e8f4e8", color="#2e7d32", label=${vipLabel("Internal VIP (hardware load balancer)", intVips)}];`,
    );
    for (const v of intVips) place(d, v.ip, intVip);
    if (edgeGroup) edges.link(edgeGroup, intVip);
  }
}

/** The reverse proxies: listener and internal addresses, and the names they publish (three per line). */
function drawReverseProxies(d: SiteDrawing): void {
  const name = d.site.name;
  for (const rp of d.servers.filter((s) => s.role === "reverse-proxy")) {
    const node: DiagramNode = { id: nodeId(name, rp.id), zone: "perimeter", tier: 2 };
    const published = d.plan.publishingRules.filter((r) => r.site === name).map((r) => r.publicName);
    const lines: LabelLine[] = [{ text: `Reverse proxy ${rp.id}`, small: true }];
    for (const nic of rp.interfaces) {
      for (const a of nic.addresses) {
        lines.push({
          text: `${nic.side === "external" ? "Listener" : "Internal"} ${addressText(a)}${nic.side === "internal" ? `, ${nic.gateway ? `gateway ${nic.gateway}` : "no gateway"}` : ""}`,
        });
        place(d, a.ip, node);
        place(d, a.natPublic, node);
      }
    }
    for (let i = 0; i < published.length; i += 3) lines.push({ text: `${i === 0 ? "publishes " : ""}${published.slice(i, i + 3).join(", ")}`, small: true });
    d.out.push(`      ${node.id} [fillcolor="#ffffff", label=${htmlLabel(rp.fqdn, lines)}];`);
  }
}

/** The perimeter network cluster: Edge Servers, load balancer VIPs, reverse proxies. */
function drawPerimeter(d: SiteDrawing): void {
  const { networks } = d.site;
  d.out.push(`    subgraph ${q(`cluster_perimeter_${d.site.name}`)} {`);
  d.out.push(
    `      label=<<B>Perimeter network</B><BR/><FONT POINT-SIZE="10">external ${esc(networks.perimeterExternal)}${networks.reverseProxyExternal !== networks.perimeterExternal ? ` (reverse proxy ${esc(networks.reverseProxyExternal)})` : ""} · internal ${esc(networks.perimeterInternal)}</FONT>>; style="filled,rounded"; fillcolor="#fffbe6"; color="#c9a227";`,
  );
  drawEdgeVips(d, drawEdgeServers(d));
  drawReverseProxies(d);
  d.out.push("    }");
}

/** The internal firewall: perimeter internal network <-> internal networks. */
function drawInternalFirewall(d: SiteDrawing, intFw: DiagramNode): void {
  const { networks } = d.site;
  d.out.push(
    `    ${intFw.id} [shape=box, style="filled", fillcolor="#d6e4f5", color="#1f5f9e", label=${htmlLabel(`Internal firewall (${d.site.name})`, [
      `${networks.perimeterInternal} <-> ${networks.internalNetworks.join(", ")}`,
    ])}];`,
  );
}

/** The Edge's next hop: the Director pool (its servers, web VIP) or the Front End pool. */
function drawNextHop(d: SiteDrawing): void {
  const hop = d.site.nextHop;
  const hopNode: DiagramNode = { id: nodeId(d.site.name, "nexthop"), zone: "internal", tier: 4 };
  const hopLines: { text: string; small?: boolean }[] = [
    { text: hop.kind === "director" ? "Director pool (Edge next hop)" : "Front End pool (Edge next hop)", small: true },
  ];
  const directors = d.servers.filter((s) => s.role === "director");
  for (const director of directors) {
    const ips = director.interfaces.flatMap((i) => i.addresses.map((a) => a.ip));
    hopLines.push({ text: `${director.fqdn} ${ips.join(", ")}` });
    for (const ip of ips) place(d, ip, hopNode);
  }
  if (!directors.length) hopLines.push({ text: hop.addresses.join(", ") });
  for (const a of hop.addresses) place(d, a, hopNode);
  for (const v of d.vips.filter((x) => x.service === "director-web")) {
    hopLines.push({ text: `web VIP ${v.ip} (ports ${v.ports.map((p) => p.rangeText).join(", ")})` });
    place(d, v.ip, hopNode);
  }
  d.out.push(`      ${hopNode.id} [fillcolor="#ffffff", label=${htmlLabel(hop.fqdn, hopLines)}];`);
}

/** The reverse proxy's targets not drawn already (one node per address). */
function drawReverseProxyTargets(d: SiteDrawing): void {
  const targets = new Map<string, string>();
  for (const r of d.plan.publishingRules.filter((x) => x.site === d.site.name))
    if (!d.byAddress.has(r.target.ip) && !targets.has(r.target.ip)) targets.set(r.target.ip, r.target.fqdn);
  for (const [ip, fqdn] of targets) {
    const node: DiagramNode = { id: nodeId(d.site.name, "target", ip), zone: "internal", tier: 4 };
    d.out.push(`      ${node.id} [fillcolor="#ffffff", label=${htmlLabel(fqdn, [{ text: "reverse proxy target", small: true }, ip])}];`);
    place(d, ip, node);
  }
}

/** The internal networks themselves, when a firewall row names one. */
function drawInternalNetworks(d: SiteDrawing, rules: readonly FirewallRule[]): void {
  const { networks } = d.site;
  const netNode: DiagramNode = { id: nodeId(d.site.name, "intnet"), zone: "internal", tier: 4 };
  const netUsed = rules.some((r) => [...r.source.addresses, ...r.destination.addresses].some((a) => networks.internalNetworks.includes(a)));
  if (!netUsed) return;
  d.out.push(
    `      ${netNode.id} [shape=box, style="filled,rounded", fillcolor="#ffffff", label=${htmlLabel("Internal servers and clients", networks.internalNetworks)}];`,
  );
  for (const n of networks.internalNetworks) place(d, n, netNode);
}

/** The internal network cluster: next hop, the reverse proxy's targets, the internal networks themselves. */
function drawInternalNetwork(d: SiteDrawing, rules: readonly FirewallRule[]): void {
  d.out.push(`    subgraph ${q(`cluster_internal_${d.site.name}`)} {`);
  d.out.push(
    `      label=<<B>Internal network</B><BR/><FONT POINT-SIZE="10">${esc(d.site.networks.internalNetworks.join(", "))}</FONT>>; style="filled,rounded"; fillcolor="#eef4fb"; color="#1f5f9e";`,
  );
  drawNextHop(d);
  drawReverseProxyTargets(d);
  drawInternalNetworks(d, rules);
  d.out.push("    }");
}

/**
 * Arrows from the firewall rows: each row crossing into or out of the perimeter labels the arrow between the
 * perimeter node and its firewall, and a plain line joins the firewall to the far side. Addresses on no node are
 * listed in a DOT comment.
 */
function drawFirewallRows(d: SiteDrawing, rules: readonly FirewallRule[], internet: DiagramNode, extFw: DiagramNode, intFw: DiagramNode): void {
  const { edges } = d;
  place(d, Peer.internet().text, internet);
  // Microsoft 365's address ranges (the hybrid edge-m365 rows) are on the Internet side.
  for (const r of rules.filter((x) => x.table === "edge-m365"))
    for (const a of [...r.source.addresses, ...r.destination.addresses]) if (!d.byAddress.has(a)) place(d, a, internet);
  const unknown = new Set<string>();
  const nodesOf = (addrs: readonly string[]) => {
    const nodes = new Map<string, DiagramNode>();
    for (const a of addrs) {
      const n = d.byAddress.get(a);
      if (n) nodes.set(n.id, n);
      else unknown.add(a);
    }
    return [...nodes.values()];
  };
  const isPerimeter = (n: DiagramNode) => n.zone === "perimeter";
  for (const r of rules) {
    const fw = r.firewall === "external" ? extFw : intFw;
    for (const s of nodesOf(r.source.addresses)) {
      for (const t of nodesOf(r.destination.addresses)) {
        if (isPerimeter(s) === isPerimeter(t)) continue; // inside one zone (e.g. Director -> Front End): not drawn
        if (isPerimeter(s)) {
          edges.arrow(s, fw, ruleLine(r), r.firewall);
          edges.link(fw, t);
        } else {
          edges.link(s, fw);
          edges.arrow(fw, t, ruleLine(r), r.firewall);
        }
      }
    }
  }
  if (unknown.size) d.out.push(`  // addresses not drawn: ${[...unknown].join(", ")}`);
}

/** One site: its cluster (external firewall, perimeter, internal firewall, internal network), then its firewall rows' arrows. */
function siteDot(plan: Plan, site: Site, internet: DiagramNode, edges: Edges, out: string[]): void {
  const name = site.name;
  const d: SiteDrawing = {
    plan,
    site,
    servers: plan.servers.filter((s) => s.site === name),
    vips: plan.vips.filter((v) => v.site === name),
    out,
    edges,
    byAddress: new Map<string, DiagramNode>(),
  };
  const rules = plan.firewallRules.filter((r) => r.site === name);
  const extFw: DiagramNode = { id: nodeId(name, "extfw"), zone: "perimeter", tier: 1 };
  const intFw: DiagramNode = { id: nodeId(name, "intfw"), zone: "perimeter", tier: 3 };
  out.push(`  subgraph ${q(`cluster_site_${name}`)} {`);
  out.push(
    `    label=<<B>Site ${esc(name)}</B> (${esc(site.region)}): Microsoft scenario ${site.microsoftScenario}>; style="rounded"; color="#999999"; fontsize=14;`,
  );
  drawExternalFirewall(d, extFw);
  drawPerimeter(d);
  drawInternalFirewall(d, intFw);
  drawInternalNetwork(d, rules);
  out.push("  }");
  drawFirewallRows(d, rules, internet, extFw, intFw);
}

/** The DOT source of the scenario diagram. */
export function diagramDot(plan: Plan): string {
  const s = plan.scenario;
  const out: string[] = [];
  out.push("digraph edge_lab {");
  out.push(
    `  graph [rankdir=LR, compound=true, newrank=true, fontname=${q(FONT)}, fontsize=12, nodesep=0.3, ranksep=0.8, pad=0.4, bgcolor="white", labelloc=t, labeljust=l, label=<<B>${esc(s.title)}</B><BR ALIGN="LEFT"/><FONT POINT-SIZE="11">${esc(s.id)}: SIP domains ${esc(s.sipDomains.join(", "))}; internal domain ${esc(s.internalDomain)}; lab mode ${esc(s.labMode)}</FONT><BR ALIGN="LEFT"/><FONT POINT-SIZE="10">Arrows point from the side that opens the connection; red: external firewall rows, blue: internal firewall rows.</FONT><BR ALIGN="LEFT"/>>];`,
  );
  out.push(`  node [shape=box, style="filled,rounded", fontname=${q(FONT)}, fontsize=11, margin="0.12,0.06", color="#555555"];`);
  out.push(`  edge [fontname=${q(FONT)}, fontsize=10, arrowsize=0.8];`);
  const internet: DiagramNode = { id: q("internet"), zone: "internet", tier: 0 };
  const who = [
    "remote users",
    s.features.sipFederation && "federated partners",
    s.features.publicIm.length > 0 && "public IM",
    s.features.xmpp && "XMPP partners",
    s.hybrid && "Microsoft 365 (hybrid)",
  ].filter((x): x is string => typeof x === "string");
  out.push(`  ${internet.id} [shape=box, style="filled,rounded", fillcolor="#eeeeee", label=${htmlLabel("Internet", who)}];`);
  const edges = new Edges();
  for (const site of s.sites) siteDot(plan, site, internet, edges, out);
  edges.render(out);
  out.push("}");
  return out.join("\n") + "\n";
}
