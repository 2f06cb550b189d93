import { execFileSync } from "node:child_process";
import { basename } from "node:path";
import { XMLParser, XMLValidator } from "fast-xml-parser";
import type { FirewallRule, Plan } from "../../lib/model/plan";
import { diagramDot, diagramSvg, loadGraphviz } from "../../lib/render/diagram";
import { evalWithSources } from "../cli";
import { bundledPlan, bundledScenarioFiles, ROOT } from "../helpers";

const ids = bundledScenarioFiles().map((f) => basename(f, ".yaml"));
const plans = new Map<string, Plan>(ids.map((id) => [id, bundledPlan(id)]));
const svgs = new Map<string, string>();

beforeAll(async () => {
  await loadGraphviz(); // WebAssembly init once for the file
  for (const [id, plan] of plans) svgs.set(id, await diagramSvg(plan));
});

/** The address as a whole token (10.45.16.1 must not match inside 10.45.16.10). */
const mentions = (text: string, address: string) => new RegExp(`(?<![\\d.])${address.replace(/\./g, "\\.")}(?![\\d])`).test(text);

function planAddresses(plan: Plan): string[] {
  const nic = plan.servers.flatMap((s) => s.interfaces.flatMap((i) => i.addresses.flatMap((a) => [a.ip, ...(a.natPublic ? [a.natPublic] : [])])));
  return [...new Set([...nic, ...plan.vips.map((v) => v.ip)])];
}

/** Edge labels of the DOT: "from -> to" => label lines. */
function edgeLabels(dot: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of dot.matchAll(/^ {2}("[^"]+") -> ("[^"]+") \[[^\n]*label=<(.*)>[^\n]*\];$/gm)) {
    out.set(
      `${m[1]} -> ${m[2]}`,
      m[3]
        .split('<BR ALIGN="LEFT"/>')
        .filter(Boolean)
        .map((l) => l.replace(/&amp;/g, "&").replace(/&lt;/g, "<").replace(/&gt;/g, ">")),
    );
  }
  return out;
}

/** Whether some label line says "<service: >protocol transport ports" with the rule's port in the list. */
function labelHasRule(lines: readonly string[], r: FirewallRule): boolean {
  const head = `${r.service === r.protocol ? "" : `${r.service}: `}${r.protocol} ${r.transport} `;
  const port = r.ports.from === r.ports.to ? String(r.ports.from) : `${r.ports.from}-${r.ports.to}`;
  return lines.some((l) => l.startsWith(head) && l.slice(head.length).split(", ").includes(port));
}

describe.each(ids)("diagram of %s", (id) => {
  const plan = plans.get(id)!;
  const dot = diagramDot(plan);

  test("DOT is pure: the same plan gives the same text", () => {
    expect(diagramDot(bundledPlan(id))).toBe(dot);
  });

  test("DOT draws Internet, both firewalls, the perimeter, every server, VIP, the next hop and their names", () => {
    for (const word of ["Internet", "External firewall", "Internal firewall", "Perimeter network", "Internal network"]) expect(dot).toContain(word);
    for (const a of planAddresses(plan)) expect(mentions(dot, a)).toBe(true);
    for (const s of plan.servers) expect(dot).toContain(s.fqdn);
    for (const v of plan.vips) expect(dot).toContain(v.fqdn);
    for (const site of plan.scenario.sites) expect(dot).toContain(site.nextHop.fqdn);
    for (const a of plan.servers.flatMap((s) => s.interfaces.flatMap((i) => i.addresses))) if (a.fqdn) expect(dot).toContain(a.fqdn);
    expect(dot).not.toContain("addresses not drawn"); // every firewall endpoint maps to a drawn node
  });

  test("every Internet-facing inbound row puts its port on an arrow from the external firewall", () => {
    const labels = edgeLabels(dot);
    const inbound = plan.firewallRules.filter((r) => r.firewall === "external" && r.direction === "inbound");
    expect(inbound.length).toBeGreaterThan(0);
    for (const r of inbound) {
      const fromFw = [...labels].filter(([k]) => k.startsWith(`"${r.site}:extfw" -> `)).flatMap(([, l]) => l);
      expect({ row: r.id, drawn: labelHasRule(fromFw, r) }).toEqual({ row: r.id, drawn: true });
    }
  });

  test("every row from the internal network to the Edge puts its port on an arrow from the internal firewall", () => {
    const labels = edgeLabels(dot);
    const rows = plan.firewallRules.filter((r) => (r.table === "edge-internal" || r.table === "edge-internal-vip") && r.direction === "inbound");
    for (const r of rows) {
      const fromFw = [...labels].filter(([k]) => k.startsWith(`"${r.site}:intfw" -> `)).flatMap(([, l]) => l);
      expect({ row: r.id, drawn: labelHasRule(fromFw, r) }).toEqual({ row: r.id, drawn: true });
    }
  });

  test("SVG is well-formed XML and mentions every server address and VIP address", () => {
    const svg = svgs.get(id)!;
    expect(XMLValidator.validate(svg)).toBe(true);
    const doc = new XMLParser({ ignoreAttributes: false }).parse(svg);
    expect(doc.svg["@_width"]).toMatch(/^\d+pt$/);
    for (const a of planAddresses(plan)) expect({ address: a, found: mentions(svg, a) }).toEqual({ address: a, found: true });
  });
});

describe("Graphviz (WebAssembly)", () => {
  test("the same DOT gives byte-identical SVG in this process and in a fresh Node process", async () => {
    const plan = plans.get("scaled-hlb")!;
    const again = await diagramSvg(plan);
    expect(again).toBe(svgs.get("scaled-hlb"));
    const script =
      'const { loadScenarioFile } = require("./lib/model/load"); const { diagramSvg } = require("./lib/render/diagram");' +
      ' diagramSvg(loadScenarioFile("scenarios/scaled-hlb.yaml").plan).then((s) => process.stdout.write(s));';
    const fresh = execFileSync(process.execPath, evalWithSources(script), {
      cwd: ROOT,
      encoding: "utf8",
      maxBuffer: 16 * 1024 * 1024,
    });
    expect(fresh).toBe(svgs.get("scaled-hlb"));
  }, 60_000);
});

test("the helper regex does not confuse 10.45.16.1 with 10.45.16.10", () => {
  expect(mentions("x 10.45.16.10 y", "10.45.16.1")).toBe(false);
  expect(mentions("x 10.45.16.1, y", "10.45.16.1")).toBe(true);
});
