/**
 * Every lab option synthesizes into names and values the azurerm provider and Azure accept (issue 12): each
 * combination of lab mode, Bastion SKU and test client, the Bastion subnet's exact name, the time zone of VMs and
 * auto-shutdown against the provider's list, and the largest accepted DNS load-balanced pool.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { WINDOWS_TIME_ZONES } from "../../lib/model/lab/time-zones";
import { load } from "../helpers";
import { synthPlan, type TfJson } from "./helpers";

const providerTimeZones: string[] = JSON.parse(readFileSync(join(__dirname, "..", "fixtures", "azure", "vm-time-zones.json"), "utf8")).timeZones;

function synthYaml(yaml: string): TfJson {
  const result = load(yaml);
  if (!result.ok) throw new Error(result.problems.map((p) => `${p.rule} ${p.path} ${p.message}`).join("\n"));
  return synthPlan(result.plan!);
}

/** Azure's subnet name rule, and the names Azure reserves for special subnets (exact spelling). */
const SUBNET_NAME = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]{0,78}[A-Za-z0-9_])?$/;
const SPECIAL_SUBNETS = ["AzureBastionSubnet", "AzureFirewallSubnet", "GatewaySubnet", "RouteServerSubnet"];

const MODES = ["closed", "internet"] as const;
const BASTIONS = ["developer", "basic", "none"] as const;
const CLIENTS = [false, true] as const;
const combos = MODES.flatMap((mode) =>
  BASTIONS.flatMap((bastion) => CLIENTS.filter((c) => !c || mode === "closed").map((testClient) => ({ mode, bastion, testClient }))),
);

describe.each(combos.map((c) => [`${c.mode} / bastion ${c.bastion} / test client ${c.testClient}`, c] as const))("%s", (_name, c) => {
  const json = synthYaml(
    `sipDomains: [contoso.com]\nsites: [{name: hq, federationRoute: true}, {name: dr}]\nlab: {mode: ${c.mode}, bastion: ${c.bastion}, testClient: ${c.testClient}, timezone: W. Europe Standard Time}\n`,
  );
  const subnets = Object.values(json.resource.azurerm_subnet ?? {});
  const bastions = Object.values(json.resource.azurerm_bastion_host ?? {});

  test("every subnet name is valid, and special subnets are spelled exactly as Azure requires", () => {
    for (const s of subnets) {
      expect(s.name).toMatch(SUBNET_NAME);
      const special = SPECIAL_SUBNETS.find((name) => name.toLowerCase() === String(s.name).toLowerCase());
      if (special) expect(s.name).toBe(special);
    }
  });

  test("the Bastion SKU and its subnet follow the option", () => {
    const bastionSubnets = subnets.filter((s) => s.name === "AzureBastionSubnet");
    expect(subnets.filter((s) => String(s.name).toLowerCase() === "azurebastionsubnet")).toEqual(bastionSubnets);
    if (c.bastion === "basic") {
      expect(bastions.map((b) => b.sku)).toEqual(["Basic"]);
      expect(bastionSubnets).toHaveLength(1);
      // The Basic SKU needs a /26 or larger.
      expect(Number(String(bastionSubnets[0].address_prefixes[0]).split("/")[1])).toBeLessThanOrEqual(26);
    } else {
      expect(bastionSubnets).toEqual([]);
      expect(bastions.every((b) => b.sku === "Developer")).toBe(true);
      expect(bastions.length).toBe(c.bastion === "developer" ? 2 + (c.testClient ? 1 : 0) : 0);
    }
  });

  test("VM and auto-shutdown time zones are ids of the provider's list", () => {
    const zones = [
      ...Object.values(json.resource.azurerm_windows_virtual_machine ?? {}).map((vm) => vm.timezone),
      ...Object.values(json.resource.azurerm_dev_test_global_vm_shutdown_schedule ?? {}).map((s) => s.timezone),
    ];
    expect(zones.length).toBeGreaterThan(0);
    for (const zone of zones) expect(providerTimeZones).toContain(zone);
    expect(new Set(zones)).toEqual(new Set(["W. Europe Standard Time"]));
  });
});

test("edge-lab's time zone list is the provider's list", () => {
  expect([...WINDOWS_TIME_ZONES]).toEqual(providerTimeZones);
});

test("the largest DNS load-balanced Director pool validate accepts (20, LAB-DNS-01) synthesizes", () => {
  const json = synthYaml("sipDomains: [contoso.com]\nsites: [{name: hq, director: {servers: 20, loadBalancing: dns-hlb}}]\n");
  const sets = Object.values(json.resource.azurerm_private_dns_a_record ?? {});
  expect(Math.max(...sets.map((s) => (s.records as unknown[]).length))).toBe(20);
});

test("a scenario whose networks leave one free /24 of 100.64.0.0/10 per site (LAB-NET-04) synthesizes", () => {
  const json = synthYaml(
    "sipDomains: [contoso.com]\nsites: [{name: hq, network: {internalNetworks: [100.64.0.0/11, 100.96.0.0/12, 100.112.0.0/13, 100.120.0.0/14, 100.124.0.0/15, 100.126.0.0/16, 100.127.0.0/17, 100.127.128.0/18, 100.127.192.0/19, 100.127.224.0/20, 100.127.240.0/21, 100.127.248.0/22, 100.127.252.0/23]}}]\n",
  );
  const spaces = Object.values(json.resource.azurerm_virtual_network).flatMap((v) => v.address_space as string[]);
  expect(spaces).toEqual(expect.arrayContaining(["100.127.254.0/24", "100.127.255.0/24"]));
});

test("a scenario at the limits validate allows (40-character id, 8 sites of 8-character names, 12 Edge Servers and 20 Directors, every feature, Basic Bastion, test client) synthesizes", () => {
  const names = ["hqhqhqhq", "drdrdrdr", "sitec001", "sited002", "sitee003", "sitef004", "siteg005", "siteh006"];
  // The largest pools in the first site (record sets, NICs, addresses); every site for the names of peerings, VNets and NSGs.
  const pools = (i: number) =>
    i === 0 ? "edge: {servers: 12, loadBalancing: dns}\n    director: {servers: 20, loadBalancing: dns-hlb}" : "edge: {servers: 1}";
  const sites = names.map(
    (name, i) => `  - name: ${name}\n${i === 0 ? "    federationRoute: true\n" : ""}    ${pools(i)}\n    reverseProxy: {officeWebApps: true}\n`,
  );
  const json = synthYaml(
    "id: a123456789-b123456789-c123456789-d12345\nproduct: lync2013\nsipDomains: [contoso.com, fabrikam.com, litwareinc.com]\ninternalDomain: contoso.net\nmobility: true\n" +
      "federation: {sip: true, publicIm: [skype], xmpp: {partners: [gmail.com]}, ocs2007Partners: true}\n" +
      `sites:\n${sites.join("")}lab: {bastion: basic, testClient: true, timezone: W. Europe Standard Time, vmSize: Standard_D2s_v5}\n`,
  );
  expect(Object.keys(json.resource.azurerm_windows_virtual_machine)).toHaveLength(12 + 20 + 7 + 1);
  for (const type of Object.keys(json.resource)) {
    for (const r of Object.values(json.resource[type])) if (typeof r.name === "string" && !r.name.includes("${")) expect(r.name.length).toBeLessThanOrEqual(80);
  }
}, 60000);
