/**
 * edge-lab's public entry (`import { EdgePool } from "edge-lab"`): the cdktf constructs of the Azure lab and their
 * props, plus the three things composing them needs: a plan (`planFromProps`, `loadScenarioFile`, `formatProblem`
 * for its problems) and the policy pack to check a stack with (`LabPolicyPack`). Everything else (the pure
 * generators, the layout, the rule checks) is internal and may change; test/azure/public-api.test.ts pins this list.
 *
 * ```ts
 * const plan = planFromProps({ id: "contoso-edge", sipDomains: ["contoso.com"], lab: { mode: "internet" } });
 * const password = new LabAdminPassword(stack, "admin-password");
 * const network = EdgePerimeterNetwork.fromExistingSubnets(mySubnets);
 * const edge = EdgePool.fromPlan(stack, "edge", { plan, resourceGroupName: "rg-lync-edge", network, vm: { adminPassword: password.value } });
 * ```
 */

// The whole lab of a plan.
export { EdgeLabStack, EdgeLabScenario } from "./azure/stack";
export type { EdgeLabStackProps, EdgeLabScenarioProps, LabOptions, LabSite } from "./azure/stack";

// The constructs a lab is composed of, each with a `fromPlan` helper taking the plan and a site.
export { EdgePerimeterNetwork, EdgeSubnetSecurityGroup } from "./azure/network";
export type {
  BastionMode,
  EdgePerimeterNetworkFromPlanProps,
  EdgePerimeterNetworkProps,
  EdgeSubnetSecurityGroupFromPlanProps,
  EdgeSubnetSecurityGroupProps,
  ExistingSubnet,
  IPerimeterNetwork,
  PerimeterSubnet,
} from "./azure/network";
export { DirectorPool, EdgePool, ReverseProxy } from "./azure/servers";
export type {
  DirectorPoolProps,
  EdgePoolProps,
  ILoadBalancerTargets,
  LabIpConfiguration,
  LabPublicAddress,
  LabServerCommonProps,
  ReverseProxyFromPlanProps,
  ReverseProxyProps,
  ServersFromPlanProps,
  WindowsServerProps,
  WindowsServersFromPlanProps,
} from "./azure/servers";
export { EdgeLoadBalancer } from "./azure/load-balancer";
export type { EdgeLoadBalancerFromPlanProps, EdgeLoadBalancerProps } from "./azure/load-balancer";
export { EdgeFirewallAppliance } from "./azure/firewall-appliance";
export type { ApplianceInterface, EdgeFirewallApplianceFromPlanProps, EdgeFirewallApplianceProps } from "./azure/firewall-appliance";
export { EdgeDnsZones } from "./azure/dns";
export type { EdgeDnsZonesFromPlanProps, EdgeDnsZonesProps, LinkedNetwork } from "./azure/dns";
export { LabAdminPassword } from "./azure/password";
export type { LabAdminPasswordProps } from "./azure/password";
export { ConstructError } from "./azure/common";
export type { LabResourceProps, LabVmSettings, ResolvedVmSettings } from "./azure/common";
export type { PlanPlacementProps, PlanSliceProps } from "./azure/plan-slice";

// What the constructs take: a plan, and the policy pack that checks a stack.
export { formatProblem, loadScenarioFile, planFromProps } from "./model/load";
export type { LoadResult } from "./model/load";
export type { Plan } from "./model/plan";
export type { ScenarioProps } from "./model/schema";
export { LabPolicyPack } from "./policy/pack";
