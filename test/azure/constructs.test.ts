/**
 * The constructs on their own, outside EdgeLabScenario: props in, resources out, and construction-time validation
 * with the reference's rule ids.
 */
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { Password } from "@cdktf/provider-random/lib/password";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { TerraformStack, Testing } from "cdktf";
import { applianceConfigOf, iptablesRules } from "../../lib/lab/guest/iptables";
import { labLayout } from "../../lib/lab/layout";
import { EdgeLoadBalancer } from "../../lib/azure/load-balancer";
import { EdgePerimeterNetwork, EdgeSubnetSecurityGroup, type IPerimeterNetwork } from "../../lib/azure/network";
import { labNsgRules } from "../../lib/azure/nsg-rules";
import { EdgeLabScenario } from "../../lib/azure/scenario";
import { DirectorPool, EdgePool, ReverseProxy } from "../../lib/azure/servers";
import type { FirewallRule, Plan, PlanServer } from "../../lib/model/plan";
import { Peer } from "../../lib/model/peer";
import { Port } from "../../lib/model/port";
import { planOf } from "../helpers";
import { resources, type Block, type TfJson } from "./helpers";

const SINGLE = planOf("id: byo\nsipDomains: [contoso.com]\nsites: [{ name: hq, edge: { servers: 1 } }]\nlab: { mode: internet }\n");
const HLB = planOf(`
id: byo-hlb
sipDomains: [contoso.com]
sites:
  - name: hq
    edge: { servers: 2, loadBalancing: hardware, externalAddressing: public }
    network: { perimeterExternal: 131.107.155.0/24, reverseProxyExternal: 10.45.16.0/24, publicRange: 131.107.155.0/24 }
    director: { servers: 2, loadBalancing: hlb }
lab: { mode: internet }
`);

/** A user's stack: providers, a resource group, a VNet with two subnets of their own, a password. */
function userStack() {
  const stack = new TerraformStack(Testing.app(), "mine");
  new AzurermProvider(stack, "azurerm", { features: [{}] });
  new RandomProvider(stack, "random", {});
  const rg = new ResourceGroup(stack, "rg", { name: "rg-mine", location: "westeurope" });
  const vnet = new VirtualNetwork(stack, "vnet", {
    name: "vnet-mine",
    location: "westeurope",
    resourceGroupName: rg.name,
    addressSpace: ["10.45.16.0/24", "172.25.33.0/24"],
  });
  const subnet = (id: string, cidr: string) =>
    new Subnet(stack, id, { name: id, resourceGroupName: rg.name, virtualNetworkName: vnet.name, addressPrefixes: [cidr] });
  const external = subnet("dmz-ext", "10.45.16.0/24");
  const internal = subnet("dmz-int", "172.25.33.0/24");
  const password = new Password(stack, "pw", { length: 24 });
  const network = EdgePerimeterNetwork.fromExistingSubnets([
    { subnetId: external.id, cidr: "10.45.16.0/24" },
    { subnetId: internal.id, cidr: "172.25.33.0/24" },
  ]);
  return { stack, rg, network, password, placement: { resourceGroupName: rg.name, location: "westeurope", scenarioId: "byo" } };
}

const edgesOf = (plan: Plan) => plan.servers.filter((s) => s.role === "edge");
const synth = (stack: TerraformStack) => JSON.parse(Testing.synth(stack)) as TfJson;
const refName = (ref: string) => /^\$\{[a-z_]+\.([^.}]+)\.[a-z_]+\}$/.exec(ref)![1];

describe("EdgePool in a user-made stack with user-made subnets (no EdgeLabScenario)", () => {
  test("NICs land in the user's subnets in plan order; the created resources are public properties", () => {
    const { stack, network, password, placement } = userStack();
    const pool = new EdgePool(stack, "edge", { ...placement, servers: edgesOf(SINGLE), network, vm: { adminPassword: password.result } });
    const tf = synth(stack);
    expect(pool.site).toBe("hq");
    expect(pool.servers).toHaveLength(1);
    expect(pool.servers[0].nics).toHaveLength(2);
    expect(pool.ipConfigurations.map((c) => `${c.ipConfigName} ${c.address.ip}`)).toEqual([
      "access 10.45.16.10",
      "webconf 10.45.16.20",
      "av 10.45.16.30",
      "internal 172.25.33.10",
    ]);
    expect(pool.ipConfigurationFor("10.45.16.30")?.nic).toBe(pool.servers[0].nics[0]);
    expect(pool.publicAddresses).toEqual([]);
    const nics = resources(tf, "azurerm_network_interface");
    expect(nics.map((n) => refName((n.ip_configuration as Block[])[0].subnet_id))).toEqual(["dmz-ext", "dmz-int"]);
    const [vm] = resources(tf, "azurerm_windows_virtual_machine");
    expect(vm).toMatchObject({
      resource_group_name: "${azurerm_resource_group.rg.name}",
      admin_username: "labadmin",
      admin_password: "${random_password.pw.result}",
      size: "Standard_D4s_v5",
    });
    // Without imageSku: Subscription Edition's lab image (lib/model/products.ts); EdgeLabScenario passes the plan's.
    expect(vm.source_image_reference.sku).toBe("2019-Datacenter");
    expect(vm.tags).toEqual({ "edge-lab-scenario": "byo", "edge-lab-site": "hq", "managed-by": "edge-lab" });
    expect(resources(tf, "azurerm_dev_test_global_vm_shutdown_schedule")[0].daily_recurrence_time).toBe("1900");
  });

  test("publicAddresses gives exactly those addresses a Standard public IP, listed with their plan address", () => {
    const { stack, network, password, placement } = userStack();
    const pool = new EdgePool(stack, "edge", {
      ...placement,
      servers: edgesOf(SINGLE),
      network,
      vm: { adminPassword: password.result, autoShutdown: false },
      publicAddresses: ["10.45.16.30"],
    });
    const tf = synth(stack);
    expect(resources(tf, "azurerm_public_ip").map((p) => p.name)).toEqual([`pip-${SINGLE.servers[0].name}-av`]);
    expect(pool.publicAddresses.map((a) => `${a.label} ${a.planAddress}`)).toEqual([`hq-edge-01.av ${SINGLE.servers[0].interfaces[0].addresses[2].publicIp}`]);
    expect(resources(tf, "azurerm_dev_test_global_vm_shutdown_schedule")).toHaveLength(0);
  });

  test("an NSG for a user subnet carries the plan rows whose server end is in it, with Port ranges rendered once", () => {
    const { stack, network, placement } = userStack();
    const sg = new EdgeSubnetSecurityGroup(stack, "nsg", {
      ...placement,
      subnet: network.subnetFor("hq", "10.45.16.0/24"),
      site: "hq",
      layout: labLayout(SINGLE),
      rules: SINGLE,
    });
    const tf = synth(stack);
    const rows = SINGLE.firewallRules.filter((r) => r.direction === "inbound" && r.destination.addresses.some((a) => a.startsWith("10.45.16.")));
    expect(rows.length).toBeGreaterThan(3);
    for (const row of rows) expect(sg.rules.some((r) => r.planRow === row.id)).toBe(true);
    const [nsg] = resources(tf, "azurerm_network_security_group");
    const media = (nsg.security_rule as Block[]).find((r) => r.name === "in-edge-external-ext-in-av-stun-udp")!;
    expect(media).toMatchObject({ protocol: "Udp", destination_port_range: "3478", source_address_prefix: "Internet" });
    expect(resources(tf, "azurerm_subnet_network_security_group_association")[0].subnet_id).toBe("${azurerm_subnet.dmz-ext.id}");
  });
});

describe("validation at construction, with the reference's rule ids", () => {
  const build = (f: (ctx: ReturnType<typeof userStack>) => void) => () => f(userStack());
  const edge = edgesOf(SINGLE)[0];
  const withInterfaces = (s: PlanServer, interfaces: PlanServer["interfaces"]): PlanServer => ({ ...s, interfaces });

  test("NET-09: an Edge pool holds only Edge Servers; LB-01: one site", () => {
    const rp = SINGLE.servers.find((s) => s.role === "reverse-proxy")!;
    expect(
      build(
        ({ stack, network, password, placement }) => new EdgePool(stack, "e", { ...placement, servers: [rp], network, vm: { adminPassword: password.result } }),
      ),
    ).toThrow(/\[NET-09\] hq-rp-01 has role reverse-proxy/);
    expect(
      build(
        ({ stack, network, password, placement }) => new EdgePool(stack, "e", { ...placement, servers: [], network, vm: { adminPassword: password.result } }),
      ),
    ).toThrow(/\[NET-09\]/);
    expect(
      build(
        ({ stack, network, password, placement }) =>
          new EdgePool(stack, "e", { ...placement, servers: [edge, { ...edge, id: "b-edge-01", site: "b" }], network, vm: { adminPassword: password.result } }),
      ),
    ).toThrow(/\[LB-01\].*several sites \(hq, b\)/);
  });

  test("NET-01, NET-02, NET-03, NAT-01, NET-05: the Edge's interfaces as Microsoft requires them", () => {
    const [ext, int] = edge.interfaces;
    const cases: [PlanServer, RegExp][] = [
      [withInterfaces(edge, [ext]), /\[NET-01\]/],
      [withInterfaces(edge, [int, ext]), /\[NET-02\] Edge hq-edge-01 must list its external interface first/],
      [withInterfaces(edge, [ext, { ...int, gateway: "172.25.33.1" }]), /\[NET-03\]/],
      [withInterfaces(edge, [ext, { ...int, addresses: [{ ...int.addresses[0], natPublic: "131.107.155.99" }] }]), /\[NAT-01\]/],
      [withInterfaces(edge, [{ ...ext, addresses: [...ext.addresses].reverse() }, int]), /\[NET-05\]/],
    ];
    for (const [server, error] of cases) {
      expect(
        build(
          ({ stack, network, password, placement }) =>
            new EdgePool(stack, "e", { ...placement, servers: [server], network, vm: { adminPassword: password.result } }),
        ),
      ).toThrow(error);
    }
  });

  test("LAB-ADDR-01: a NIC needs a subnet of the plan's CIDR; LAB-POL-09: no literal password; LAB-POL-10: a real shutdown time", () => {
    const onlyExternal: IPerimeterNetwork = EdgePerimeterNetwork.fromExistingSubnets([{ subnetId: "/subscriptions/x/subnets/ext", cidr: "10.45.16.0/24" }]);
    expect(
      build(
        ({ stack, password, placement }) =>
          new EdgePool(stack, "e", { ...placement, servers: [edge], network: onlyExternal, vm: { adminPassword: password.result } }),
      ),
    ).toThrow(/\[LAB-ADDR-01\] site hq needs a subnet 172\.25\.33\.0\/24; given: 10\.45\.16\.0\/24/);
    expect(
      build(({ stack, network, placement }) => new EdgePool(stack, "e", { ...placement, servers: [edge], network, vm: { adminPassword: "Passw0rd!" } })),
    ).toThrow(/edge-lab mine\/e: \[LAB-POL-09\] adminPassword must be a token/);
    expect(
      build(
        ({ stack, network, password, placement }) =>
          new EdgePool(stack, "e", { ...placement, servers: [edge], network, vm: { adminPassword: password.result, autoShutdown: "7pm" } }),
      ),
    ).toThrow(/\[LAB-POL-10\]/);
  });

  test("NET-04: your own subnets may not overlap; LAB-SEC-01: administration only from a narrow range", () => {
    expect(() =>
      EdgePerimeterNetwork.fromExistingSubnets([
        { subnetId: "a", cidr: "10.45.16.0/24" },
        { subnetId: "b", cidr: "10.45.0.0/16" },
      ]),
    ).toThrow(/\[NET-04\]/);
    expect(
      build(
        ({ stack, network, placement }) =>
          new EdgeSubnetSecurityGroup(stack, "n", {
            ...placement,
            subnet: network.subnetFor("hq", "10.45.16.0/24"),
            site: "hq",
            layout: labLayout(SINGLE),
            rules: SINGLE,
            adminSourceCidr: "0.0.0.0/0",
          }),
      ),
    ).toThrow(/\[LAB-SEC-01\]/);
  });

  test("RP-06 and DIR-01: the reverse proxy lists its external interface first; a Director is not multi-homed", () => {
    const rp = SINGLE.servers.find((s) => s.role === "reverse-proxy")!;
    expect(
      build(
        ({ stack, network, password, placement }) =>
          new ReverseProxy(stack, "rp", {
            ...placement,
            server: withInterfaces(rp, [...rp.interfaces].reverse()),
            publishingRules: SINGLE.publishingRules,
            network,
            vm: { adminPassword: password.result },
          }),
      ),
    ).toThrow(/\[RP-06\]/);
    const dir = HLB.servers.find((s) => s.role === "director")!;
    expect(
      build(
        ({ stack, network, password, placement }) =>
          new DirectorPool(stack, "d", {
            ...placement,
            servers: [withInterfaces(dir, [dir.interfaces[0], dir.interfaces[0]])],
            network,
            vm: { adminPassword: password.result },
          }),
      ),
    ).toThrow(/\[DIR-01\]/);
  });

  test("HLB-09: a hardware-load-balanced external VIP refuses members behind NAT; LB-07: a load balancer needs VIPs of one site", () => {
    const { stack, password, placement } = userStack();
    const network = EdgePerimeterNetwork.fromExistingSubnets(
      HLB.scenario.sites[0].networks.internalNetworks.concat(["131.107.155.0/24", "172.25.33.0/24"]).map((cidr) => ({ subnetId: `/subnets/${cidr}`, cidr })),
    );
    const natted = edgesOf(HLB).map((s) =>
      withInterfaces(s, [{ ...s.interfaces[0], addresses: s.interfaces[0].addresses.map((a) => ({ ...a, natPublic: "198.51.100.1" })) }, s.interfaces[1]]),
    );
    const pool = new EdgePool(stack, "edge", { ...placement, servers: natted, network, vm: { adminPassword: password.result } });
    const vips = HLB.vips.filter((v) => v.service !== "director-web");
    expect(() => new EdgeLoadBalancer(stack, "hlb", { ...placement, vips, targets: [pool], network })).toThrow(/\[HLB-09\] VIP hq-vip-access/);
    expect(() => new EdgeLoadBalancer(stack, "none", { ...placement, vips: [], targets: [pool], network })).toThrow(/\[LB-07\]/);
    expect(
      () => new EdgeLoadBalancer(stack, "nomembers", { ...placement, vips: HLB.vips.filter((v) => v.service === "director-web"), targets: [pool], network }),
    ).toThrow(/member hq-dir-01 .* is in none of the targets/);
  });
});

test("EdgeLabScenario in a user's stack: LAB-MODE-01 for a test client outside the closed lab; its parts are public properties", () => {
  const { stack, password } = userStack();
  expect(() => new EdgeLabScenario(stack, "bad", { plan: SINGLE, adminPassword: password.result, lab: { testClient: true } })).toThrow(
    /edge-lab mine\/bad: \[LAB-MODE-01\]/,
  );
  const lab = new EdgeLabScenario(stack, "lab", { plan: HLB, adminPassword: password.result });
  const [hq] = lab.sites;
  expect([hq.name, hq.edgePool.servers.length, hq.directorPool?.servers.length, hq.reverseProxies.length, hq.firewall]).toEqual(["hq", 2, 2, 1, undefined]);
  expect(hq.loadBalancer?.loadBalancers.length).toBeGreaterThan(0);
  expect(lab.publicAddresses.map((a) => a.label)).toContain("hq-vip-access");
  expect(lab.network.subnetFor("hq", "131.107.155.0/24").cidr).toBe("131.107.155.0/24");
});

describe("one port table: any plan row flows into NSGs and the appliance without special cases", () => {
  // A row of a kind the renderers have never seen (as issue 13's hybrid rows will be): only its data is new.
  const extraRow = (plan: Plan): FirewallRule => ({
    id: "hq/edge-external/ext-in-test-hybrid",
    site: "hq",
    table: "edge-external",
    firewall: "external",
    direction: "inbound",
    service: "Hybrid test",
    protocol: "SIP (MTLS)",
    application: "sip-mtls",
    transport: "TCP",
    ports: Port.tcpRange(5062, 5063),
    source: { label: "Any", addresses: [Peer.internet().text] },
    destination: { label: "Access Edge", addresses: [plan.servers[0].interfaces[0].addresses[0].ip] },
    purpose: "test row",
    features: [],
    refs: ["FW-03"],
  });

  test.each([["closed"], ["internet"]])("%s lab", (mode) => {
    const base = planOf(`id: rows\nsipDomains: [contoso.com]\nlab: { mode: ${mode} }\n`);
    const row = extraRow(base);
    const plan: Plan = { ...base, firewallRules: [...base.firewallRules, row] };
    const layout = labLayout(plan);
    const pext = labNsgRules(plan, layout).find((n) => n.key === "pext")!;
    const rule = pext.rules.find((r) => r.planRow === row.id)!;
    expect(rule.destinationPorts !== "*" && rule.destinationPorts.map(String)).toEqual(["TCP 5062-5063"]);
    expect(rule.sourcePrefixes).toEqual(mode === "internet" ? ["Internet"] : [layout.simInternet!.cidr]);
    if (mode === "closed") {
      expect(iptablesRules(applianceConfigOf(plan, layout, layout.sites[0]))).toContain(
        `-A FORWARD -d ${row.destination.addresses[0]} -p tcp --dport 5062:5063 -j ACCEPT`,
      );
    }
  });
});
