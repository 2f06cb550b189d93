/**
 * The examples/ apps: each synthesizes offline, passes the policy pack (no unsuppressed error) and builds the
 * resources it promises. The cross-reference invariants of the bundled stacks run on them too
 * (test/azure/cross-reference.test.ts); test/examples/apps.test.ts runs each app as `cdktf synth` would.
 */
import { Testing } from "cdktf";
import { EXAMPLES, resources, synthExample, synthExampleJson, type Block, type TfJson } from "../azure/helpers";

const refName = (ref: string) => /^\$\{[a-z_]+\.([^.}]+)\.[a-z_]+\}$/.exec(ref)?.[1];

describe.each(Object.keys(EXAMPLES))("example %s", (name) => {
  const { stack, json, policy } = synthExample(name);

  test("passes the policy pack: no unsuppressed error, every suppression with its reason", () => {
    expect(policy.findings.filter((f) => f.level === "error" && !f.suppressed).map((f) => f.message)).toEqual([]);
    for (const f of policy.findings.filter((x) => x.suppressed)) expect(f.suppressed!.length).toBeGreaterThan(10);
    expect(() => Testing.fullSynth(stack)).not.toThrow(); // error annotations would fail it
  });

  test("every NIC subnet has an NSG built from plan rows, and every VM has auto-shutdown and boot diagnostics", () => {
    const nicSubnets = new Set(resources(json, "azurerm_network_interface").flatMap((n) => (n.ip_configuration as Block[]).map((c) => c.subnet_id as string)));
    const associated = new Set(resources(json, "azurerm_subnet_network_security_group_association").map((a) => a.subnet_id as string));
    expect([...nicSubnets].filter((s) => !associated.has(s))).toEqual([]);
    const planRules = resources(json, "azurerm_network_security_group")
      .flatMap((n) => n.security_rule as Block[])
      .filter((r) => r.access === "Allow" && /\[[A-Z]+-\d+/.test(r.description));
    expect(planRules.length).toBeGreaterThan(5);
    const vms = [...resources(json, "azurerm_windows_virtual_machine"), ...resources(json, "azurerm_linux_virtual_machine")];
    expect(resources(json, "azurerm_dev_test_global_vm_shutdown_schedule")).toHaveLength(vms.length);
    for (const vm of vms) expect(vm.boot_diagnostics).toEqual({});
  });
});

/** The example's document for the tests that only read it (synthesized once per jest run, test/azure/helpers.ts). */
function json(name: string): TfJson {
  return synthExampleJson(name);
}

test("single Edge behind NAT: two NICs in the existing subnets (external first, Access primary), no public IP, SIP/TLS 443 from the Internet on the external NSG", () => {
  const tf = json("single-edge-nat-existing-vnet");
  expect(Object.keys((tf as { data?: Record<string, unknown> }).data?.azurerm_subnet ?? {})).toHaveLength(2);
  expect(resources(tf, "azurerm_windows_virtual_machine")).toHaveLength(1);
  expect(resources(tf, "azurerm_public_ip")).toHaveLength(0);
  const [vm] = resources(tf, "azurerm_windows_virtual_machine");
  const nics = (vm.network_interface_ids as string[]).map((ref) => tf.resource.azurerm_network_interface[refName(ref)!]);
  expect(nics.map((n) => (n.ip_configuration as Block[]).map((c) => c.private_ip_address))).toEqual([
    ["10.45.16.10", "10.45.16.20", "10.45.16.30"],
    ["172.25.33.10"],
  ]);
  expect((nics[0].ip_configuration as Block[])[0]).toMatchObject({ name: "access", primary: true });
  for (const n of nics) expect((n.ip_configuration as Block[])[0].subnet_id).toMatch(/^\$\{data\.azurerm_subnet\./);
  const rules = resources(tf, "azurerm_network_security_group").flatMap((n) => n.security_rule as Block[]);
  expect(rules).toEqual(
    expect.arrayContaining([
      expect.objectContaining({
        direction: "Inbound",
        access: "Allow",
        protocol: "Tcp",
        source_address_prefix: "Internet",
        destination_port_range: "443",
        destination_address_prefix: "10.45.16.10",
      }),
    ]),
  );
  expect(rules.filter((r) => r.name === "admin-rdp-ssh").map((r) => r.source_address_prefix)).toEqual(["203.0.113.0/24", "203.0.113.0/24"]);
});

test("DNS-LB pool with public IPs: one public IP per Edge service address and the listener; public A records point at them, one per pool member", () => {
  const tf = json("dns-lb-pool-public-ips");
  expect(resources(tf, "azurerm_windows_virtual_machine")).toHaveLength(2);
  expect(resources(tf, "azurerm_linux_virtual_machine")).toHaveLength(1);
  expect(resources(tf, "azurerm_public_ip")).toHaveLength(7);
  expect(resources(tf, "azurerm_lb")).toHaveLength(0);
  const sip = resources(tf, "azurerm_dns_a_record").find((r) => r.name === "sip")!;
  expect(sip.records).toHaveLength(2);
  for (const ref of sip.records as string[])
    expect(tf.resource.azurerm_public_ip[/^\$\{azurerm_public_ip\.([^.]+)\.ip_address\}$/.exec(ref)![1]].name).toMatch(/^fab-pip-.*-access$/); // the example's namePrefix
  const ipConfigs = resources(tf, "azurerm_network_interface").flatMap((n) => n.ip_configuration as Block[]);
  expect(ipConfigs.filter((c) => c.public_ip_address_id)).toHaveLength(7);
  // The internal view (internal domain = the SIP domain here) is pinpoint zones, one per name, never a private
  // fabrikam.com that would shadow the public one (docs/outputs.md, "DNS views"): lsedge, lsedge01, lsedge02, pool01.
  const zones = resources(tf, "azurerm_private_dns_zone")
    .map((z) => z.name)
    .sort();
  expect(zones).toEqual(["lsedge.fabrikam.com", "lsedge01.fabrikam.com", "lsedge02.fabrikam.com", "pool01.fabrikam.com"]);
  expect(resources(tf, "azurerm_private_dns_zone_virtual_network_link")).toHaveLength(zones.length);
});

test("HLB pool + Director pool: Edge VIPs and the Director web VIP as frontends, each member's ip configuration in its VIP's pool", () => {
  const tf = json("hlb-pool-with-directors");
  expect(resources(tf, "azurerm_windows_virtual_machine")).toHaveLength(4);
  const frontends = resources(tf, "azurerm_lb").flatMap((lb) => (lb.frontend_ip_configuration as Block[]).map((f) => `${f.name} ${f.private_ip_address}`));
  expect(frontends.sort()).toEqual([
    "fe-access 131.107.155.10",
    "fe-av 131.107.155.30",
    "fe-dirweb 192.168.10.30",
    "fe-internal 172.25.33.10",
    "fe-webconf 131.107.155.20",
  ]);
  const byPool = new Map<string, string[]>();
  for (const a of resources(tf, "azurerm_network_interface_backend_address_pool_association")) {
    const pool = tf.resource.azurerm_lb_backend_address_pool[refName(a.backend_address_pool_id as string)!].name as string;
    byPool.set(pool, [...(byPool.get(pool) ?? []), a.ip_configuration_name as string]);
  }
  expect(Object.fromEntries(byPool)).toEqual({
    "be-access": ["access", "access"],
    "be-webconf": ["webconf", "webconf"],
    "be-av": ["av", "av"],
    "be-internal": ["internal", "internal"],
    "be-dirweb": ["server", "server"],
  });
  expect(resources(tf, "azurerm_public_ip")).toHaveLength(0);
});
