/**
 * `edge-lab plan --preflight` (issue 12): what a lab needs from the subscription, counted from the synthesized
 * stack: vCPUs per region and size, Standard public IPs against the default quota, peerings, Bastion Developer
 * regions and the Windows Server image's support status.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { run } from "../../bin/cli";
import { BASTION_DEVELOPER_REGIONS, preflight } from "../../lib/azure/preflight";
import { vmSizeCpus } from "../../lib/model/lab/vm-sizes";
import { load, SCENARIO_DIR } from "../helpers";
import { synthBundled, synthPlan, INTERNET_SCENARIOS } from "./helpers";

test("the Bastion Developer regions are the documented ones", () => {
  const fixture = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "azure", "bastion-developer-regions.json"), "utf8"));
  expect([...BASTION_DEVELOPER_REGIONS]).toEqual(fixture.regions);
});

test("vCPUs and VMs per region are those of the stack's VM resources", () => {
  const { plan, json } = synthBundled("contoso-enterprise");
  const report = preflight(plan, json as never);
  const vms = [...Object.values(json.resource.azurerm_windows_virtual_machine), ...Object.values(json.resource.azurerm_linux_virtual_machine)];
  expect(report.regions.map((r) => r.region)).toEqual(["westeurope"]);
  expect(report.regions[0].vms).toBe(vms.length);
  expect(report.regions[0].vcpus).toBe(vms.reduce((n, vm) => n + vmSizeCpus(String(vm.size))!, 0));
  expect(report.regions[0].sizes.find((s) => s.size === "Standard_D4s_v5")).toEqual({
    size: "Standard_D4s_v5",
    count: plan.servers.filter((s) => s.role !== "reverse-proxy").length,
    vcpus: 4 * plan.servers.filter((s) => s.role !== "reverse-proxy").length,
  });
  expect(report.images).toEqual(["2012-R2-Datacenter", "2019-Datacenter"]);
  expect(report.warnings).toContainEqual(expect.stringMatching(/Windows Server 2012 R2 is out of support/));
  expect(report.warnings).toContainEqual(expect.stringMatching(/^Bastion Developer in westeurope: not among the regions/));
});

test("public IPs over the default quota are flagged; a region with Bastion Developer and Skype for Business 2019 is not", () => {
  const yaml = INTERNET_SCENARIOS["inet-dnslb-nat"]
    .replace("servers: 3", "servers: 4")
    .replace("sipDomains: [contoso.com]", "product: sfb2019\nsipDomains: [contoso.com]")
    .replace("mode: internet }", "mode: internet, region: northeurope }");
  const result = load(yaml);
  expect(result.ok).toBe(true);
  const json = synthPlan(result.plan!);
  const report = preflight(result.plan!, json as never);
  const ips = Object.values(json.resource.azurerm_public_ip).length;
  expect(ips).toBeGreaterThan(10);
  expect(report.regions[0].standardPublicIps).toBe(ips);
  expect(report.warnings).toEqual([
    expect.stringMatching(new RegExp(`^northeurope: ${ips} Standard public IP addresses; many subscriptions allow 10 per region`)),
  ]);
});

test("plan --preflight prints the summary", async () => {
  let out = "";
  const code = await run(["plan", join(SCENARIO_DIR, "scaled-hlb.yaml"), "--preflight"], { out: (t) => (out += t), err: () => undefined });
  expect(code).toBe(0);
  expect(out).toMatch(/^Preflight for scaled-hlb/);
  expect(out).toMatch(/westeurope: 4 VMs, 12 vCPUs \(2 x Standard_B2s = 4, 2 x Standard_D4s_v5 = 8\)/);
});
