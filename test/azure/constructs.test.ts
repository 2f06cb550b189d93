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
import type { LabResourceProps } from "../../lib/azure/common";
import { EdgeDnsZones, recordSets as recordSetsOf } from "../../lib/azure/dns";
import { EdgeFirewallAppliance } from "../../lib/azure/firewall-appliance";
import { EdgeLoadBalancer } from "../../lib/azure/load-balancer";
import { EdgePerimeterNetwork, EdgeSubnetSecurityGroup, type IPerimeterNetwork } from "../../lib/azure/network";
import { labNsgRules } from "../../lib/azure/nsg-rules";
import { LabAdminPassword } from "../../lib/azure/password";
import { EdgeLabScenario, EdgeLabStack } from "../../lib/azure/stack";
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
      plan: SINGLE,
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
            plan: SINGLE,
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

describe("plan-slice helpers: X.fromPlan(scope, id, { plan, site }) takes the construct's slice of the plan", () => {
  const TWO_SITES = planOf(`
id: two
sipDomains: [contoso.com]
sites:
  - { name: hq, edge: { servers: 2, loadBalancing: hardware, externalAddressing: public }, director: { servers: 2, loadBalancing: hlb }, network: { perimeterExternal: 131.107.155.0/24, reverseProxyExternal: 10.45.16.0/24, publicRange: 131.107.155.0/24 } }
  - { name: br, region: northeurope }
lab: { mode: internet, autoShutdown: "21:00", adminSourceCidr: 203.0.113.0/24 }
`);
  /** Every subnet the plan's servers and VIPs use, per site, as the user's own subnets. */
  const allSubnets = (plan: Plan) =>
    EdgePerimeterNetwork.fromExistingSubnets(
      plan.scenario.sites.flatMap((s) =>
        [...new Set([s.networks.perimeterExternal, s.networks.perimeterInternal, s.networks.reverseProxyExternal, ...s.networks.internalNetworks])].map(
          (cidr) => ({
            site: s.name,
            subnetId: `/subnets/${s.name}/${cidr}`,
            cidr,
          }),
        ),
      ),
    );

  test("the servers, publishing rules and VIPs of the named site; region, scenario id, image, DNS suffix and VM options from the plan", () => {
    const { stack, password } = userStack();
    const common = { plan: TWO_SITES, resourceGroupName: "rg", network: allSubnets(TWO_SITES), vm: { adminPassword: password.result } };
    const edge = EdgePool.fromPlan(stack, "edge", { ...common, site: "hq" });
    const directors = DirectorPool.fromPlan(stack, "dir", { ...common, site: "hq" });
    const rp = ReverseProxy.fromPlan(stack, "rp", { ...common, site: "br", publicAddresses: "internet-facing" });
    const lb = EdgeLoadBalancer.fromPlan(stack, "lb", { ...common, site: "hq", targets: [edge, directors] });
    const brEdge = EdgePool.fromPlan(stack, "br-edge", { ...common, site: "br" });
    const tf = synth(stack);
    expect(edge.servers.map((s) => s.node.id)).toEqual(TWO_SITES.servers.filter((s) => s.site === "hq" && s.role === "edge").map((s) => s.id));
    expect(directors.servers).toHaveLength(2);
    expect([edge.site, directors.site, lb.site, brEdge.site]).toEqual(["hq", "hq", "hq", "br"]);
    expect(rp.publicAddresses.map((a) => a.label)).toEqual(["br-rp-01.listener"]);
    const vms = resources(tf, "azurerm_windows_virtual_machine");
    expect(new Set(vms.map((v) => `${v.location} ${v.tags["edge-lab-scenario"]}`))).toEqual(new Set(["westeurope two", "northeurope two"]));
    expect(new Set(vms.map((v) => v.source_image_reference.sku))).toEqual(new Set([TWO_SITES.scenario.labImage.sku]));
    expect(new Set(resources(tf, "azurerm_dev_test_global_vm_shutdown_schedule").map((s) => s.daily_recurrence_time))).toEqual(new Set(["2100"]));
    expect(resources(tf, "azurerm_lb").length).toBeGreaterThan(0);
  });

  test("the site defaults to the plan's only site; with several, it must be named (and exist)", () => {
    const { stack, network, password } = userStack();
    expect(EdgePool.fromPlan(stack, "edge", { plan: SINGLE, resourceGroupName: "rg", network, vm: { adminPassword: password.result } }).site).toBe("hq");
    const common = { plan: TWO_SITES, resourceGroupName: "rg", network: allSubnets(TWO_SITES), vm: { adminPassword: password.result } };
    expect(() => EdgePool.fromPlan(stack, "two", common)).toThrow(/edge-lab mine\/two: the plan has 2 sites \(hq, br\); name one as `site`/);
    expect(() => EdgePool.fromPlan(stack, "nowhere", { ...common, site: "xx" })).toThrow(/the plan has no site xx/);
    expect(() => DirectorPool.fromPlan(stack, "nodir", { ...common, site: "br" })).toThrow(/\[NET-09\]/);
    expect(() => EdgeLoadBalancer.fromPlan(stack, "nolb", { ...common, site: "br", targets: [] })).toThrow(/\[LB-07\]/);
    expect(() => EdgeFirewallAppliance.fromPlan(stack, "fw", { ...common, site: "hq" })).toThrow(/only a closed lab has a firewall appliance/);
  });

  test("EdgeSubnetSecurityGroup computes the layout and takes the admin range from the plan; EdgeDnsZones the records", () => {
    const { stack, network, placement } = userStack();
    const plan = planOf("id: byo\nsipDomains: [contoso.com]\nsites: [{ name: hq }]\nlab: { mode: internet, adminSourceCidr: 198.51.100.0/24 }\n");
    const sg = EdgeSubnetSecurityGroup.fromPlan(stack, "nsg", {
      plan,
      resourceGroupName: placement.resourceGroupName,
      subnet: network.subnetFor("hq", "10.45.16.0/24"),
    });
    const dns = EdgeDnsZones.fromPlan(stack, "dns", { plan, internalNetworks: [] });
    const tf = synth(stack);
    expect(sg.rules.find((r) => r.name === "admin-rdp-ssh")?.sourcePrefixes).toEqual(["198.51.100.0/24"]);
    expect(dns.recordSets.length).toBe(recordSetsOf(plan.dnsRecords).length);
    expect(resources(tf, "azurerm_resource_group").find((g) => g.name === "rg-byo-dns-internal")?.location).toBe("westeurope");
  });

  test("EdgeFirewallAppliance.fromPlan in a closed lab: addresses from the layout, subnets from the network", () => {
    const { stack, password } = userStack();
    const plan = planOf("id: closed\nsipDomains: [contoso.com]\n");
    const network = EdgePerimeterNetwork.fromPlan(stack, "net", { plan, resourceGroupName: "rg" });
    const fw = EdgeFirewallAppliance.fromPlan(stack, "fw", { plan, resourceGroupName: "rg", network, vm: { adminPassword: password.result } });
    const site = labLayout(plan).sites[0];
    expect(fw.config.nat.length).toBeGreaterThan(0);
    const nics = resources(synth(stack), "azurerm_network_interface");
    expect(nics.map((n) => `${(n.ip_configuration as Block[])[0].name} ${(n.ip_configuration as Block[])[0].private_ip_address}`).sort()).toEqual([
      `inside ${site.firewall!.insideIp}`,
      `outside ${site.firewall!.outsideIp}`,
    ]);
  });
});

describe("tags and namePrefix: validated at construction, applied to every resource that takes tags", () => {
  const TAGS = { "cost-center": "lync", owner: "net-team" };
  const taggable = (tf: TfJson) =>
    Object.entries(tf.resource).flatMap(([type, byId]) =>
      Object.entries(byId)
        .filter(([, block]) => "tags" in block)
        .map(([id, block]) => ({ type, id, block })),
    );

  test("a whole lab: every tagged resource carries the user's tags beside edge-lab's, and every named top-level resource the prefix", () => {
    const plan = planOf("id: tagged\nsipDomains: [contoso.com]\nsites: [{ name: hq, edge: { servers: 2 } }]\nlab: { testClient: true, bastion: basic }\n");
    const stack = new EdgeLabStack(Testing.app(), "tagged", { plan, tags: TAGS, namePrefix: "lab1" });
    const tf = synth(stack);
    const tagged = taggable(tf);
    expect(tagged.length).toBeGreaterThan(40);
    for (const { type, id, block } of tagged) {
      expect([type, id, block.tags]).toEqual([type, id, expect.objectContaining({ ...TAGS, "edge-lab-scenario": "tagged", "managed-by": "edge-lab" })]);
    }
    // Every provider type that takes tags shows up here, so none is missed.
    expect(new Set(tagged.map((t) => t.type))).toEqual(
      new Set(Object.keys(tf.resource).filter((type) => Object.values(tf.resource[type]).some((b) => "tags" in b))),
    );
    const unprefixed = tagged
      .filter(({ type }) => !/virtual_machine|dns_zone$|_record$|shutdown_schedule|virtual_machine_extension/.test(type))
      .filter(({ block }) => typeof block.name === "string" && !block.name.startsWith("lab1-"));
    expect(unprefixed.map((t) => `${t.type}.${t.id} ${t.block.name}`)).toEqual([]);
    expect(resources(tf, "azurerm_resource_group").map((g) => g.name)).toContain("lab1-rg-tagged");
    expect(resources(tf, "azurerm_windows_virtual_machine").map((v) => v.name)).toContain("testclient");
  });

  test("without them the output is unchanged (the bundled stacks' golden files pin this)", () => {
    const stack = new EdgeLabStack(Testing.app(), "plain", { plan: SINGLE });
    for (const { block } of taggable(synth(stack))) expect(Object.keys(block.tags).filter((k) => !k.startsWith("edge-lab-") && k !== "managed-by")).toEqual([]);
  });

  test("refused at construction: a tag that replaces edge-lab's, a name Azure refuses, too many tags, a prefix Azure names cannot start", () => {
    const { stack, network, password, placement } = userStack();
    const pool = (id: string, extra: Partial<Pick<LabResourceProps, "tags" | "namePrefix">>) => () =>
      new EdgePool(stack, id, { ...placement, ...extra, servers: edgesOf(SINGLE), network, vm: { adminPassword: password.result } });
    expect(pool("a", { tags: { "managed-by": "me" } })).toThrow(/edge-lab mine\/a: tag "managed-by" is edge-lab's own/);
    expect(pool("b", { tags: { "a/b": "x" } })).toThrow(/tag name "a\/b" must be 1-512 characters/);
    expect(pool("c", { tags: { x: "v".repeat(257) } })).toThrow(/at most 256 characters/);
    expect(pool("d", { tags: Object.fromEntries(Array.from({ length: 48 }, (_, i) => [`t${i}`, "x"])) })).toThrow(/exceed Azure's 50 per resource/);
    for (const bad of ["Lab", "1lab", "lab-", "a".repeat(21), ""]) expect(pool(`p${bad.length}${bad}`, { namePrefix: bad })).toThrow(/namePrefix/);
    expect(() => new EdgeLabStack(Testing.app(), "bad", { plan: SINGLE, tags: { "edge-lab-site": "x" } })).toThrow(/tag "edge-lab-site" is edge-lab's own/);
  });
});

describe("LabAdminPassword", () => {
  test("a random_password with Windows complexity and a sensitive output; the password never appears in the document", () => {
    const stack = new TerraformStack(Testing.app(), "pw");
    new RandomProvider(stack, "random", {});
    const password = new LabAdminPassword(stack, "admin-password");
    const tf = synth(stack);
    expect(tf.resource.random_password["admin-password"]).toMatchObject({
      length: 24,
      special: true,
      min_upper: 2,
      min_lower: 2,
      min_numeric: 2,
      min_special: 2,
    });
    expect(tf.output!.admin_password).toMatchObject({ sensitive: true, value: "${random_password.admin-password.result}" });
    expect(password.value).toMatch(/^\$\{TfToken/);
    expect(() => new LabAdminPassword(stack, "short", { length: 8 })).toThrow(/length 8/);
    const quiet = new TerraformStack(Testing.app(), "quiet");
    new LabAdminPassword(quiet, "pw", { outputName: false });
    expect(synth(quiet).output).toBeUndefined();
  });
});
