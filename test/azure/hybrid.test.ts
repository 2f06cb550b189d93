/**
 * The Azure lab of a hybrid deployment: the Edge <-> Microsoft 365 rows become NSG rules (with Microsoft 365's IPv4
 * prefixes and Microsoft's source ports) and, in the closed lab, appliance rules; the Teams Only cutover becomes
 * CNAME records; the Windows image follows the product table or lab.imageSku.
 */
import { join } from "node:path";
import { loadScenarioFile } from "../../lib/model/load";
import { SNAPSHOT } from "../../lib/model/m365-endpoints";
import type { Plan } from "../../lib/model/plan";
import { applianceRulesFiles } from "../../lib/lab/guest/iptables";
import { ROOT, load, planOf } from "../helpers";
import { resources, synthBundled, synthPlan, type Block, type TfJson } from "./helpers";

const srcOf = (r: Block): string[] => (r.source_address_prefix ? [r.source_address_prefix] : r.source_address_prefixes);
const dstOf = (r: Block): string[] => (r.destination_address_prefix ? [r.destination_address_prefix] : r.destination_address_prefixes);
const nsgRules = (json: TfJson): (Block & { nsg: string })[] =>
  resources(json, "azurerm_network_security_group").flatMap((n) => (n.security_rule as Block[]).map((r) => ({ ...r, nsg: String(n.name) })));

describe("hybrid-se (closed lab): Microsoft 365 rows in the NSGs and the appliance", () => {
  const { plan, json } = synthBundled("hybrid-se");
  const rules = nsgRules(json);
  const m365Rows = plan.firewallRules.filter((r) => r.table === "edge-m365");

  test("every edge-m365 row is an NSG rule on the perimeter external subnet with Microsoft 365's IPv4 prefixes and the row's source port", () => {
    expect(m365Rows).toHaveLength(7);
    for (const row of m365Rows) {
      const name = `${row.direction === "inbound" ? "in" : "out"}-edge-m365-${row.id.split("/").pop()}`;
      const rule = rules.find((r) => r.name === name && r.nsg.includes("pext"))!;
      expect([row.id, rule !== undefined]).toEqual([row.id, true]);
      const far = row.direction === "inbound" ? srcOf(rule) : dstOf(rule);
      const edge = row.direction === "inbound" ? dstOf(rule) : srcOf(rule);
      expect(far).toEqual([...SNAPSHOT.ipv4]);
      expect(far.some((p) => p.includes(":"))).toBe(false); // the lab is IPv4
      expect(edge).toEqual((row.direction === "inbound" ? row.destination : row.source).addresses);
      expect(rule.source_port_range).toBe(
        row.sourcePorts ? (row.sourcePorts.from === row.sourcePorts.to ? String(row.sourcePorts.from) : `${row.sourcePorts.from}-${row.sourcePorts.to}`) : "*",
      );
      expect(rule.protocol).toBe(row.transport === "TCP" ? "Tcp" : "Udp");
    }
  });

  test("the appliance's outside NSG lets Microsoft 365 reach the public addresses of the inbound rows", () => {
    for (const row of m365Rows.filter((r) => r.direction === "inbound")) {
      const rule = rules.find((r) => r.nsg.includes("fwout") && r.name === `in-edge-m365-${row.id.split("/").pop()}`)!;
      expect([row.id, rule !== undefined]).toEqual([row.id, true]);
      expect(srcOf(rule)).toEqual([...SNAPSHOT.ipv4]);
      expect(dstOf(rule)).toEqual(row.destination.publicAddresses);
    }
  });

  test("the appliance forwards the rows from and to Microsoft 365 only, with their ports", () => {
    const text = applianceRulesFiles(plan)[0].content;
    const v4 = SNAPSHOT.ipv4.join(",");
    expect(text).toContain(`-A FORWARD -d 10.45.16.10,10.45.16.11 -s ${v4} -p tcp --dport 5061 -j ACCEPT -m comment --comment "hq/edge-m365/m365-in-sip-mtls"`);
    expect(text).toContain(
      `-A FORWARD -s 10.45.16.30,10.45.16.31 -d ${v4} -p tcp --sport 50000:59999 --dport 443 -j ACCEPT -m comment --comment "hq/edge-m365/m365-out-stun-tcp-443"`,
    );
    expect(text).toContain(
      `-A FORWARD -d 10.45.16.30,10.45.16.31 -s ${v4} -p udp --sport 3478 --dport 3478 -j ACCEPT -m comment --comment "hq/edge-m365/m365-in-stun-udp"`,
    );
    expect(text.split("\n").filter((l) => l.includes("edge-m365"))).toHaveLength(7);
    expect(text).not.toContain("2603:");
  });

  test("Windows VMs use the product's image (Subscription Edition: Windows Server 2019)", () => {
    const skus = resources(json, "azurerm_windows_virtual_machine").map((v) => v.source_image_reference.sku);
    expect(new Set(skus)).toEqual(new Set(["2019-Datacenter"]));
  });
});

describe("other labs", () => {
  test("internet mode: the Microsoft 365 rows keep the prefixes (not the Internet service tag)", () => {
    const plan = planOf(
      "id: inet-hyb\nproduct: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com]}\nlab: {mode: internet}\n",
    );
    const rules = nsgRules(synthPlan(plan));
    const sipIn = rules.find((r) => r.name === "in-edge-m365-m365-in-sip-mtls")!;
    expect(srcOf(sipIn)).toEqual([...SNAPSHOT.ipv4]);
    expect(rules.some((r) => r.nsg.includes("fwout"))).toBe(false);
  });

  test("lab.imageSku overrides the Edge and Director image; the test client keeps its own", () => {
    const loaded = load(
      "id: img\nproduct: lync2013\nsipDomains: [contoso.com]\nsites: [{name: hq, director: {servers: 1}}]\nlab: {imageSku: 2022-datacenter-azure-edition, testClient: true}\n",
    );
    const vms = resources(synthPlan(loaded.plan!), "azurerm_windows_virtual_machine");
    expect(vms.filter((v) => v.computer_name !== "testclient").map((v) => v.source_image_reference.sku)).toEqual([
      "2022-datacenter-azure-edition",
      "2022-datacenter-azure-edition",
    ]);
    expect(vms.find((v) => v.computer_name === "testclient")!.source_image_reference.sku).toBe("2019-Datacenter");
    const lync = resources(synthPlan(planOf("id: img\nproduct: lync2013\nsipDomains: [contoso.com]\n")), "azurerm_windows_virtual_machine");
    expect(lync.map((v) => v.source_image_reference.sku)).toEqual(["2012-R2-Datacenter"]);
  });

  test("Teams Only: the cutover records are CNAME and SRV records in the lab's DNS zones", () => {
    const result = loadScenarioFile(join(ROOT, "docs", "examples", "hybrid-se-teams-only.yaml"));
    const plan: Plan = result.plan!;
    const json = synthPlan(plan);
    const cnames = resources(json, "azurerm_private_dns_cname_record");
    for (const r of plan.dnsRecords.filter((x) => x.type === "CNAME")) {
      const rel = r.name.slice(0, -(r.zone.length + 1));
      expect([r.view, r.name, cnames.some((c) => c.name === rel && c.record === r.values[0] && c.ttl === 3600)]).toEqual([r.view, r.name, true]);
    }
    const srv = resources(json, "azurerm_private_dns_srv_record").find(
      (s) => s.name === "_sipfederationtls._tcp" && s.record.some((x: Block) => x.target === "sipfed.online.lync.com"),
    )!;
    expect(srv.record).toEqual([{ priority: 100, weight: 1, port: 5061, target: "sipfed.online.lync.com" }]);
  });
});
