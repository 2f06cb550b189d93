/**
 * A DNS-load-balanced pool of two Edge Servers reachable from the Internet: each Edge service address and the
 * reverse proxy listener get a Standard public IP (Azure translates it 1:1 to the NIC address: Microsoft's
 * scenario 3, scaled consolidated Edge with DNS load balancing and NAT). Public DNS zones publish one A record per
 * pool member (LB-06) pointing at those public IPs. The VNet and subnets are your own, made in this stack; every
 * resource edge-lab creates carries the name prefix "fab".
 *
 *   cd examples/dns-lb-pool-public-ips && CHECKPOINT_DISABLE=1 npx cdktf synth
 */
import { App, Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { EdgeDnsZones, EdgePerimeterNetwork, EdgePool, EdgeSubnetSecurityGroup, LabAdminPassword, LabPolicyPack, planFromProps, ReverseProxy } from "../../lib"; // "edge-lab"

export function buildStack(app: App): TerraformStack {
  const stack = new TerraformStack(app, "edge-dnslb-public");
  new AzurermProvider(stack, "azurerm", { features: [{}] });
  new RandomProvider(stack, "random", {});
  Aspects.of(stack).add(new LabPolicyPack());

  const plan = planFromProps({
    id: "fabrikam-dnslb",
    sipDomains: ["fabrikam.com"],
    sites: [{ name: "hq", edge: { servers: 2, loadBalancing: "dns", externalAddressing: "nat" } }],
    lab: { mode: "internet", region: "northeurope", autoShutdown: "20:00" },
  });
  const networks = plan.scenario.sites[0].networks; // 10.45.16.0/24 external, 172.25.33.0/24 internal (defaults)

  const rg = new ResourceGroup(stack, "rg", { name: "rg-fabrikam-edge", location: "northeurope" });
  const vnet = new VirtualNetwork(stack, "vnet", {
    name: "vnet-fabrikam-edge",
    location: "northeurope",
    resourceGroupName: rg.name,
    addressSpace: [networks.perimeterExternal, networks.perimeterInternal],
  });
  const subnets = [networks.perimeterExternal, networks.perimeterInternal].map((cidr, i) => {
    const subnet = new Subnet(stack, `subnet-${i}`, {
      name: `snet-edge-${i}`,
      resourceGroupName: rg.name,
      virtualNetworkName: vnet.name,
      addressPrefixes: [cidr],
      defaultOutboundAccessEnabled: false,
    });
    return { subnetId: subnet.id, cidr };
  });
  // The region and the scenario id come from the plan; the prefix goes before every name edge-lab makes.
  const common = { plan, resourceGroupName: rg.name, namePrefix: "fab" };
  subnets.forEach((s, i) => EdgeSubnetSecurityGroup.fromPlan(stack, `nsg-${i}`, { ...common, subnet: s }));

  const password = new LabAdminPassword(stack, "admin-password");
  const servers = {
    ...common,
    network: EdgePerimeterNetwork.fromExistingSubnets(subnets),
    vm: { adminPassword: password.value }, // size, shutdown (20:00) and time zone: the plan's lab options
    // Every address the plan's external firewall rows open to the Internet gets its own public IP.
    publicAddresses: "internet-facing" as const,
  };
  const edges = EdgePool.fromPlan(stack, "edge", servers);
  const rp = ReverseProxy.fromPlan(stack, "rp", servers);
  const publicAddresses = [...edges.publicAddresses, ...rp.publicAddresses];

  EdgeDnsZones.fromPlan(stack, "dns", {
    ...common,
    publicExternalView: true,
    internalNetworks: [{ name: "hq", virtualNetworkId: vnet.id }],
    publicAddresses,
  });

  new TerraformOutput(stack, "public_addresses", { value: Object.fromEntries(publicAddresses.map((a) => [a.label, a.publicIp.ipAddress])) });
  return stack;
}

if (require.main === module) {
  const app = new App();
  buildStack(app);
  app.synth();
}
