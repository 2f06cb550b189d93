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
import { Password } from "@cdktf/provider-random/lib/password";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { DirectorPool, EdgeLoadBalancer, EdgePerimeterNetwork, EdgePool, EdgeSubnetSecurityGroup, labLayout, labTags } from "../../lib/azure"; // edge-lab/lib/azure
import { planFromProps } from "../../lib/model/load";
import { LabPolicyPack } from "../../lib/policy/pack";

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

  const rg = new ResourceGroup(stack, "rg", { name: "rg-contoso-hlb", location: "westeurope", tags: labTags(plan.scenario.id) });
  const placement = { resourceGroupName: rg.name, location: "westeurope", scenarioId: plan.scenario.id };
  const cidrs = [n.perimeterExternal, n.perimeterInternal, ...n.internalNetworks];
  const vnet = new VirtualNetwork(stack, "vnet", { ...placement, name: "vnet-contoso-hlb", addressSpace: cidrs, tags: labTags(plan.scenario.id) });
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
  const layout = labLayout(plan);
  subnets.forEach((s, i) => new EdgeSubnetSecurityGroup(stack, `nsg-${i}`, { ...placement, subnet: s, site: "hq", layout, rules: plan }));

  const password = new Password(stack, "admin-password", {
    length: 24,
    special: true,
    overrideSpecial: "!#%*-_=+?",
    minUpper: 2,
    minLower: 2,
    minNumeric: 2,
    minSpecial: 2,
  });
  const network = EdgePerimeterNetwork.fromExistingSubnets(subnets);
  const vm = { adminPassword: password.result };
  const edges = new EdgePool(stack, "edge", { ...placement, network, vm, servers: plan.servers.filter((s) => s.role === "edge") });
  const directors = new DirectorPool(stack, "directors", { ...placement, network, vm, servers: plan.servers.filter((s) => s.role === "director") });
  const hlb = new EdgeLoadBalancer(stack, "hlb", { ...placement, network, vips: plan.vips, targets: [edges, directors] });

  new TerraformOutput(stack, "load_balancers", { value: hlb.loadBalancers.map((lb) => lb.id) });
  new TerraformOutput(stack, "admin_password", { value: password.result, sensitive: true });
  return stack;
}

if (require.main === module) {
  const app = new App();
  buildStack(app);
  app.synth();
}
