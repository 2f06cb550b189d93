/**
 * A DNS-load-balanced pool of two Edge Servers reachable from the Internet: each Edge service address and the
 * reverse proxy listener get a Standard public IP (Azure translates it 1:1 to the NIC address: Microsoft's
 * scenario 3, scaled consolidated Edge with DNS load balancing and NAT). Public DNS zones publish one A record per
 * pool member (LB-06) pointing at those public IPs. The VNet and subnets are your own, made in this stack.
 *
 *   cd examples/dns-lb-pool-public-ips && CHECKPOINT_DISABLE=1 npx cdktf synth
 */
import { App, Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { Password } from "@cdktf/provider-random/lib/password";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import {
  EdgeDnsZones,
  EdgePerimeterNetwork,
  EdgePool,
  EdgeSubnetSecurityGroup,
  internetFacingAddresses,
  labLayout,
  labTags,
  ReverseProxy,
} from "../../lib/azure"; // edge-lab/lib/azure
import { planFromProps } from "../../lib/model/load";
import { LabPolicyPack } from "../../lib/policy/pack";

export function buildStack(app: App): TerraformStack {
  const stack = new TerraformStack(app, "edge-dnslb-public");
  new AzurermProvider(stack, "azurerm", { features: [{}] });
  new RandomProvider(stack, "random", {});
  Aspects.of(stack).add(new LabPolicyPack());

  const plan = planFromProps({
    id: "fabrikam-dnslb",
    sipDomains: ["fabrikam.com"],
    sites: [{ name: "hq", edge: { servers: 2, loadBalancing: "dns", externalAddressing: "nat" } }],
    lab: { mode: "internet", region: "northeurope" },
  });
  const networks = plan.scenario.sites[0].networks; // 10.45.16.0/24 external, 172.25.33.0/24 internal (defaults)

  const rg = new ResourceGroup(stack, "rg", { name: "rg-fabrikam-edge", location: "northeurope", tags: labTags(plan.scenario.id) });
  const placement = { resourceGroupName: rg.name, location: "northeurope", scenarioId: plan.scenario.id };
  const vnet = new VirtualNetwork(stack, "vnet", {
    ...placement,
    name: "vnet-fabrikam-edge",
    addressSpace: [networks.perimeterExternal, networks.perimeterInternal],
    tags: labTags(plan.scenario.id),
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
  const common = {
    ...placement,
    network: EdgePerimeterNetwork.fromExistingSubnets(subnets),
    vm: { adminPassword: password.result, autoShutdown: "20:00" },
    // Every address the plan's external firewall rows open to the Internet gets its own public IP.
    publicAddresses: internetFacingAddresses(plan.firewallRules),
  };
  const edges = new EdgePool(stack, "edge", { ...common, servers: plan.servers.filter((s) => s.role === "edge") });
  const rp = new ReverseProxy(stack, "rp", { ...common, server: plan.servers.find((s) => s.role === "reverse-proxy")!, publishingRules: plan.publishingRules });

  new EdgeDnsZones(stack, "dns", {
    location: "northeurope",
    scenarioId: plan.scenario.id,
    records: plan.dnsRecords,
    publicExternalView: true,
    internalNetworks: [{ name: "hq", virtualNetworkId: vnet.id }],
    publicAddresses: [...edges.publicAddresses, ...rp.publicAddresses],
  });

  new TerraformOutput(stack, "public_addresses", {
    value: Object.fromEntries([...edges.publicAddresses, ...rp.publicAddresses].map((a) => [a.label, a.publicIp.ipAddress])),
  });
  new TerraformOutput(stack, "admin_password", { value: password.result, sensitive: true });
  return stack;
}

if (require.main === module) {
  const app = new App();
  buildStack(app);
  app.synth();
}
