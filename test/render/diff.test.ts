/** The plan level of `edge-lab diff`: what a scenario change does, row by row. */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Plan } from "../../lib/model/plan";
import { diffPlans, diffScenarios } from "../../lib/render/diff";
import { formatDiffJson, formatDiffMarkdown, formatDiffText } from "../../lib/render/diff/format";
import { diffValues } from "../../lib/render/diff/structural";
import { planOf, SCENARIO_DIR } from "../helpers";

const scenario3 = readFileSync(join(SCENARIO_DIR, "scaled-dnslb-nat.yaml"), "utf8");
const pool2 = planOf(scenario3);
const pool3 = planOf(scenario3.replace("servers: 2", "servers: 3"));
const hlb = planOf(
  scenario3
    .replace("loadBalancing: dns", "loadBalancing: hardware")
    .replace("externalAddressing: nat", "externalAddressing: public")
    .replace("perimeterExternal: 10.45.16.0/24", "perimeterExternal: 131.107.155.0/24\n      reverseProxyExternal: 10.45.16.0/24"),
);

const section = (sections: ReturnType<typeof diffPlans>["sections"], name: string) => sections.find((s) => s.section === name)?.change;

describe("structural differ", () => {
  test("arrays of plain values report added and removed elements", () => {
    expect(diffValues({ v: ["a", "b"] }, { v: ["b", "c"] })).toEqual([{ path: "v", added: ["c"], removed: ["a"] }]);
  });
  test("nested objects report dotted paths", () => {
    expect(diffValues({ a: { b: 1, c: [{ d: 1 }] } }, { a: { b: 2, c: [{ d: 3 }] } })).toEqual([
      { path: "a.b", before: 1, after: 2 },
      { path: "a.c.0.d", before: 1, after: 3 },
    ]);
  });
});

describe("diff of a scenario with itself", () => {
  test("is empty and says so", () => {
    const diff = diffScenarios({ label: "a", plan: pool2 }, { label: "a", plan: pool2 });
    expect(diff.changed).toBe(false);
    expect(diff.plan).toEqual([]);
    expect(formatDiffText(diff)).toMatch(/^No changes/);
  });
});

describe("growing a DNS load balanced pool from 2 to 3 servers", () => {
  const { sections, actions } = diffPlans(pool2, pool3);
  const newServer = pool3.servers.find((s) => s.id === "hq-edge-03")!;
  const newAddresses = new Set(newServer.interfaces.flatMap((i) => i.addresses.flatMap((a) => [a.ip, ...(a.natPublic ? [a.natPublic] : [])])));

  test("adds exactly the new server with its addresses and changes no existing server", () => {
    const servers = section(sections, "Servers and addresses")!;
    expect(servers.added.map((a) => a.key)).toEqual(["hq-edge-03"]);
    expect(servers.removed).toEqual([]);
    expect(servers.changed).toEqual([]);
    expect(newAddresses).toEqual(new Set(["10.45.16.12", "131.107.155.12", "10.45.16.22", "131.107.155.22", "10.45.16.32", "131.107.155.32", "172.25.33.12"]));
  });

  test("DNS: every change only adds one of the new server's addresses, on every load balanced name", () => {
    const dns = section(sections, "DNS records")!;
    expect(dns.removed).toEqual([]);
    expect(dns.added.map((a) => a.key)).toEqual(["internal A lsedge03.contoso.net"]);
    expect(dns.changed.map((c) => c.key).sort()).toEqual(
      [
        "external A av.contoso.com",
        "external A sip.contoso.com",
        "external A sip.fabrikam.com",
        "external A webcon.contoso.com",
        "external A xmpp.contoso.com",
        "internal A lsedge.contoso.net",
      ].sort(),
    );
    for (const c of dns.changed) {
      expect(c.fields).toHaveLength(1);
      expect(c.fields[0].path).toBe("values");
      expect(c.fields[0].removed).toEqual([]);
      expect(c.fields[0].added).toHaveLength(1);
      expect(newAddresses.has(c.fields[0].added![0] as string)).toBe(true);
    }
  });

  test("firewall: rows gain the new server's addresses and nothing else changes", () => {
    const fw = section(sections, "Firewall rules")!;
    expect(fw.added).toEqual([]);
    expect(fw.removed).toEqual([]);
    expect(fw.changed.length).toBe(pool2.firewallRules.filter((r) => r.table.startsWith("edge-")).length);
    for (const c of fw.changed) {
      for (const f of c.fields) {
        expect(f.removed).toEqual([]);
        for (const a of f.added!) expect(newAddresses.has(a as string)).toBe(true);
      }
    }
  });

  test("certificates: installed on the new server too, with the shared-key action (CERT-05)", () => {
    const certs = section(sections, "Certificates")!;
    expect(certs.changed.map((c) => [c.key, c.fields])).toEqual([
      ["hq-edge-external", [{ path: "installedOn", added: ["hq-edge-03"], removed: [] }]],
      ["hq-edge-internal", [{ path: "installedOn", added: ["hq-edge-03"], removed: [] }]],
    ]);
    expect(actions).toEqual([
      expect.stringMatching(/^Import the Edge pool external interface certificate with its private key .* on hq-edge-03 \(CERT-05\)/),
      expect.stringMatching(/^Import the Edge pool internal interface certificate with its private key .* on hq-edge-03 \(CERT-05\)/),
    ]);
  });

  test("renders as text, Markdown and JSON", () => {
    const diff = diffScenarios({ label: "before.yaml", plan: pool2 }, { label: "after.yaml", plan: pool3 });
    const text = formatDiffText(diff);
    expect(text).toContain("+ hq-edge-03: external access 10.45.16.12 -> 131.107.155.12");
    expect(text).toContain("values: +131.107.155.12");
    expect(text).not.toContain("\u001b[");
    expect(formatDiffText(diff, true)).toContain("\u001b[32m");
    const markdown = formatDiffMarkdown(diff);
    expect(markdown).toContain("#### DNS records");
    expect(markdown).toContain("| + | hq-edge-03 |");
    expect(JSON.parse(formatDiffJson(diff)).changed).toBe(true);
  });
});

describe("switching from DNS load balancing to hardware load balancing", () => {
  const { sections } = diffPlans(pool2, hlb);
  test("lists the three external VIPs and the internal VIP", () => {
    const vips = section(sections, "Load balancer VIPs")!;
    expect(vips.added.map((a) => `${a.key} ${(a.item as Plan["vips"][number]).ip}`)).toEqual([
      "hq-vip-access 131.107.155.10",
      "hq-vip-av 131.107.155.30",
      "hq-vip-internal 172.25.33.10",
      "hq-vip-webConferencing 131.107.155.20",
    ]);
  });
  test("the A records collapse to the VIPs and the VIP firewall tables appear", () => {
    const dns = section(sections, "DNS records")!;
    const sip = dns.changed.find((c) => c.key === "external A sip.contoso.com")!;
    expect(hlb.dnsRecords.find((r) => r.name === "sip.contoso.com")!.values).toEqual(["131.107.155.10"]);
    expect(sip.fields.find((f) => f.path === "values")).toBeDefined();
    const fw = section(sections, "Firewall rules")!;
    expect(fw.added.map((a) => a.key)).toContain("hq/edge-external-vip/ext-in-access-sip-tls");
    expect(fw.added.map((a) => a.key)).toContain("hq/edge-internal-vip/int-in-av-auth");
  });
});
