/**
 * A hardware-load-balanced pool of two Edge Servers with publicly routable external addresses (Microsoft's
 * scenario 5: no NAT with an HLB, LB-03 / HLB-09) and a Director pool whose web services sit behind the same kind of
 * load balancer (DIR-01). Azure Standard Load Balancers stand in for the HLB: one frontend per plan VIP, backend
 * pools of the members' ip configurations. The VNet holds the public range as the perimeter external subnet, routed
 * by your own gateway.
 *
 *   cd examples/hlb-pool-with-directors && CHECKPOINT_DISABLE=1 npx cdktf synth
 */
import { App, Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import {
  DirectorPool,
  EdgeLoadBalancer,
  EdgePerimeterNetwork,
  EdgePool,
  EdgeSubnetSecurityGroup,
  LabAdminPassword,
  LabPolicyPack,
  planFromProps,
} from "../../lib"; // "edge-lab"

export function buildStack(app: App): TerraformStack {
  const stack = new TerraformStack(app, "edge-hlb-directors");
  new AzurermProvider(stack, "azurerm", { features: [{}] });
  new RandomProvider(stack, "random", {});
  Aspects.of(stack).add(new LabPolicyPack());

  const plan = planFromProps({
    id: "contoso-hlb",
    sipDomains: ["contoso.com"],
    internalDomain: "contoso.net",
    sites: [
      {
        name: "hq",
        edge: { servers: 2, loadBalancing: "hardware", externalAddressing: "public" },
        network: { perimeterExternal: "131.107.155.0/24", publicRange: "131.107.155.0/24", reverseProxyExternal: "10.45.16.0/24" },
        director: { servers: 2, loadBalancing: "hlb" },
      },
    ],
    lab: { mode: "internet" },
  });
  const n = plan.scenario.sites[0].networks;
  // Your own tags on every resource the constructs create, next to edge-lab's.
  const tags = { "cost-center": "lync-lab" };

  const rg = new ResourceGroup(stack, "rg", { name: "rg-contoso-hlb", location: "westeurope" });
  const cidrs = [n.perimeterExternal, n.perimeterInternal, ...n.internalNetworks];
  const vnet = new VirtualNetwork(stack, "vnet", { name: "vnet-contoso-hlb", location: "westeurope", resourceGroupName: rg.name, addressSpace: cidrs });
  const subnets = cidrs.map((cidr, i) => {
    const subnet = new Subnet(stack, `subnet-${i}`, {
      name: `snet-lync-${i}`,
      resourceGroupName: rg.name,
      virtualNetworkName: vnet.name,
      addressPrefixes: [cidr],
      defaultOutboundAccessEnabled: false,
    });
    return { subnetId: subnet.id, cidr };
  });
  const common = { plan, resourceGroupName: rg.name, location: "westeurope", tags };
  subnets.forEach((s, i) => EdgeSubnetSecurityGroup.fromPlan(stack, `nsg-${i}`, { ...common, subnet: s }));

  const password = new LabAdminPassword(stack, "admin-password");
  const servers = { ...common, network: EdgePerimeterNetwork.fromExistingSubnets(subnets), vm: { adminPassword: password.value } };
  const edges = EdgePool.fromPlan(stack, "edge", servers);
  const directors = DirectorPool.fromPlan(stack, "directors", servers);
  const hlb = EdgeLoadBalancer.fromPlan(stack, "hlb", { ...common, network: servers.network, targets: [edges, directors] });

  new TerraformOutput(stack, "load_balancers", { value: hlb.loadBalancers.map((lb) => lb.id) });
  return stack;
}

if (require.main === module) {
  const app = new App();
  buildStack(app);
  app.synth();
}
