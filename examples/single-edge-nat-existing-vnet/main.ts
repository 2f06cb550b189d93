/**
 * A single consolidated Edge Server behind your own NAT, in subnets of a VNet you already have (Microsoft's
 * scenario 1). Nothing of the network is created except one NSG per subnet, built from the plan's firewall rows.
 *
 *   cd examples/single-edge-nat-existing-vnet && CHECKPOINT_DISABLE=1 npx cdktf synth
 */
import { App, Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { DataAzurermSubnet } from "@cdktf/provider-azurerm/lib/data-azurerm-subnet";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { EdgePerimeterNetwork, EdgePool, EdgeSubnetSecurityGroup, LabAdminPassword, LabPolicyPack, planFromProps } from "../../lib"; // "edge-lab"

export function buildStack(app: App): TerraformStack {
  const stack = new TerraformStack(app, "edge-existing-vnet");
  new AzurermProvider(stack, "azurerm", { features: [{}] });
  new RandomProvider(stack, "random", {});
  Aspects.of(stack).add(new LabPolicyPack());

  // The scenario: one Edge; its networks are the CIDRs of your DMZ subnets. Your firewall NATs 131.107.155.x to it.
  const plan = planFromProps({
    id: "contoso-edge",
    sipDomains: ["contoso.com"],
    sites: [
      { name: "hq", edge: { servers: 1, externalAddressing: "nat" }, network: { perimeterExternal: "10.45.16.0/24", perimeterInternal: "172.25.33.0/24" } },
    ],
    lab: { mode: "internet", region: "westeurope", adminSourceCidr: "203.0.113.0/24" },
  });

  // Your existing subnets (looked up by name) and their ranges.
  const subnet = (id: string, name: string) => new DataAzurermSubnet(stack, id, { name, virtualNetworkName: "vnet-dmz", resourceGroupName: "rg-network" });
  const subnets = [
    { subnetId: subnet("dmz-external", "snet-dmz-external").id, cidr: "10.45.16.0/24" },
    { subnetId: subnet("dmz-internal", "snet-dmz-internal").id, cidr: "172.25.33.0/24" },
  ];
  const resourceGroupName = "rg-lync-edge";
  // One NSG per subnet from the plan's rows; administration from the plan's lab.adminSourceCidr.
  subnets.forEach((s, i) => EdgeSubnetSecurityGroup.fromPlan(stack, `nsg-${i}`, { plan, resourceGroupName, subnet: s }));

  const password = new LabAdminPassword(stack, "admin-password");
  const edge = EdgePool.fromPlan(stack, "edge", {
    plan,
    resourceGroupName,
    network: EdgePerimeterNetwork.fromExistingSubnets(subnets),
    vm: { adminPassword: password.value },
  });

  new TerraformOutput(stack, "edge_external_nic", { value: edge.servers[0].nics[0].id });
  return stack;
}

if (require.main === module) {
  const app = new App();
  buildStack(app);
  app.synth();
}
