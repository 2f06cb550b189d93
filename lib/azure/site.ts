/**
 * The builders `EdgeLabScenario` composes a lab from, each small and made of the public constructs' `fromPlan`
 * helpers: `EdgeLabSite` (one plan site: firewall appliance, Edge pool, reverse proxies, Directors, load balancer),
 * `LabTestClient` (the Windows client on the simulated Internet) and the stack outputs (fidelity notes, public
 * addresses).
 */
import { Annotations, TerraformOutput } from "cdktf";
import { Construct } from "constructs";
import { LinuxVirtualMachine } from "@cdktf/provider-azurerm/lib/linux-virtual-machine";
import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { WindowsVirtualMachine } from "@cdktf/provider-azurerm/lib/windows-virtual-machine";
import { compareText } from "../model/compare";
import type { Plan } from "../model/plan";
import { prefixedName, tagsOf, type LabResourceProps, type ResolvedVmSettings } from "./common";
import { EdgeFirewallAppliance } from "./firewall-appliance";
import { EdgeLoadBalancer } from "./load-balancer";
import type { EdgePerimeterNetwork } from "./network";
import { siteServers } from "./plan-slice";
import { DirectorPool, EdgePool, ReverseProxy, type LabPublicAddress } from "./servers";
import { WindowsLabVm } from "./vm";

/** @internal What `EdgeLabScenario` hands each `EdgeLabSite`. */
export interface EdgeLabSiteProps extends Omit<LabResourceProps, "location" | "scenarioId"> {
  /** The whole plan. */
  readonly plan: Plan;
  /** The plan site to build. */
  readonly site: string;
  /** The lab network (the site's subnets, the appliance's among them). */
  readonly network: EdgePerimeterNetwork;
  /** VM settings of every VM of the site. */
  readonly vm: ResolvedVmSettings;
  /** Plan addresses with their own public IP (internet mode). */
  readonly publicAddresses: readonly string[];
}

/** What the lab built for one site. */
export type LabSite = Pick<EdgeLabSite, "name" | "firewall" | "edgePool" | "reverseProxies" | "directorPool" | "loadBalancer">;

/**
 * @internal One site of a whole lab, in this order: the firewall appliance (closed lab: the servers reach the outside
 * through it, so it comes first and every VM of the site depends on it), `EdgePool`, `ReverseProxy`s, `DirectorPool`
 * and `EdgeLoadBalancer`.
 */
export class EdgeLabSite extends Construct {
  /** The plan site's name. */
  readonly name: string;
  /** The external firewall appliance (closed lab only). */
  readonly firewall?: EdgeFirewallAppliance;
  readonly edgePool: EdgePool;
  readonly reverseProxies: readonly ReverseProxy[];
  /** The site's Director or Director pool, if the plan has one. */
  readonly directorPool?: DirectorPool;
  /** The hardware load balancer stand-in (HLB Edge pool or Director pool). */
  readonly loadBalancer?: EdgeLoadBalancer;
  /** The Azure public IPs this site created (internet mode), in creation order. */
  readonly publicAddresses: readonly LabPublicAddress[];

  constructor(scope: Construct, props: EdgeLabSiteProps) {
    super(scope, `site-${props.site}`);
    const { plan, network, site } = props;
    this.name = site;
    const common = {
      plan,
      site,
      resourceGroupName: props.resourceGroupName,
      ...(props.tags ? { tags: props.tags } : {}),
      ...(props.namePrefix !== undefined ? { namePrefix: props.namePrefix } : {}),
      network,
      vm: props.vm,
    };
    const servers = { ...common, publicAddresses: props.publicAddresses };
    const layout = network.sites.find((s) => s.layout.site.name === site)!.layout;
    if (layout.firewall) this.firewall = EdgeFirewallAppliance.fromPlan(this, "firewall", common);
    this.edgePool = EdgePool.fromPlan(this, "edge-pool", servers);
    this.reverseProxies = siteServers(plan, site, "reverse-proxy").map((server) => ReverseProxy.fromPlan(this, server.id, { ...servers, serverId: server.id }));
    // "Default" keeps the Directors' Terraform addresses as they were before DirectorPool existed (cdktf leaves
    // that id out of logical ids), so deployed labs keep their Director VMs.
    if (siteServers(plan, site, "director").length > 0) this.directorPool = DirectorPool.fromPlan(this, "Default", servers);
    if (this.firewall) {
      const appliance = this.firewall.vm.vm;
      const vms = this.node
        .findAll()
        .filter((c): c is WindowsVirtualMachine | LinuxVirtualMachine => c instanceof WindowsVirtualMachine || c instanceof LinuxVirtualMachine);
      for (const v of vms) if (v !== appliance) v.dependsOn = [appliance.fqn];
    }
    if (plan.vips.some((v) => v.site === site)) {
      this.loadBalancer = EdgeLoadBalancer.fromPlan(this, "load-balancer", {
        ...common,
        targets: [this.edgePool, ...(this.directorPool ? [this.directorPool] : [])],
        publicFrontends: plan.scenario.labMode === "internet",
      });
    }
    this.publicAddresses = [
      ...this.edgePool.publicAddresses,
      ...this.reverseProxies.flatMap((r) => r.publicAddresses),
      ...(this.directorPool?.publicAddresses ?? []),
      ...(this.loadBalancer?.publicAddresses ?? []),
    ];
  }
}

/** @internal What `LabTestClient` takes. */
export interface LabTestClientProps extends Omit<LabResourceProps, "location"> {
  /** The lab network: the client goes into its simulated Internet's client subnet. */
  readonly network: EdgePerimeterNetwork;
  /** VM settings (administrator, time zone, auto-shutdown). */
  readonly vm: ResolvedVmSettings;
  /** The first site: its region and name. */
  readonly site: { readonly name: string; readonly region: string };
  /** Static address of the client on the simulated Internet's client subnet. */
  readonly clientIp: string;
}

/** @internal The Windows test client on the simulated Internet (closed lab mode), in the first site's region. */
export class LabTestClient extends Construct {
  readonly nic: NetworkInterface;
  readonly vm: WindowsLabVm;

  constructor(scope: Construct, id: string, props: LabTestClientProps) {
    super(scope, id);
    const { site } = props;
    this.nic = new NetworkInterface(this, "nic", {
      name: prefixedName(props, "networkInterface", "nic", "testclient"),
      location: site.region,
      resourceGroupName: props.resourceGroupName,
      ipForwardingEnabled: false,
      ipConfiguration: [
        {
          name: "client",
          primary: true,
          subnetId: props.network.simInternet!.clientSubnet.id,
          privateIpAddressAllocation: "Static",
          privateIpAddress: props.clientIp,
        },
      ],
      tags: tagsOf(props),
    });
    this.vm = new WindowsLabVm(this, "vm", {
      resourceGroupName: props.resourceGroupName,
      location: site.region,
      scenarioId: props.scenarioId,
      ...(props.tags ? { tags: props.tags } : {}),
      vm: props.vm,
      name: "testclient",
      site: site.name,
      nicIds: [this.nic.id],
      imageSku: "2019-Datacenter",
      size: "Standard_B2ms",
    });
  }
}

/** Fidelity notes of the plan: a warning annotation each on `scope`, and the `fidelity_notes` output listing them all. */
export function fidelityNotesOutput(scope: Construct, plan: Plan): TerraformOutput {
  const fidelity = plan.notes.filter((n) => n.kind === "fidelity");
  for (const n of fidelity) Annotations.of(scope).addWarning(`edge-lab fidelity${n.site ? ` (${n.site})` : ""}: ${n.message}`);
  const output = new TerraformOutput(scope, "fidelity_notes", {
    description: "Where this lab departs from Microsoft's topology (plan notes of kind fidelity)",
    value: fidelity.map((n) => `${n.site ? `[${n.site}] ` : ""}${n.message} (${n.refs.join(", ")})`),
  });
  output.overrideLogicalId("fidelity_notes");
  return output;
}

/**
 * The Azure-assigned public addresses as the `public_addresses` output: one entry per plan address (a later
 * construct standing for the same address wins, as DNS sees it); none when there is no public address.
 */
export function publicAddressesOutput(scope: Construct, addresses: readonly LabPublicAddress[]): TerraformOutput | undefined {
  const byPlanAddress = new Map(addresses.map((a) => [a.planAddress, a]));
  if (byPlanAddress.size === 0) return undefined;
  const entries = [...byPlanAddress.entries()].sort(([, a], [, b]) => compareText(a.label, b.label));
  const output = new TerraformOutput(scope, "public_addresses", {
    description: "Azure-assigned public addresses, by plan address (use them in Topology Builder, e.g. the A/V Edge public IP for NAT)",
    value: Object.fromEntries(entries.map(([planIp, { publicIp, label }]) => [`${label} (plan ${planIp})`, publicIp.ipAddress])),
  });
  output.overrideLogicalId("public_addresses");
  return output;
}
