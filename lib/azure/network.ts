/**
 * `EdgePerimeterNetwork`, the lab network: one VNet per site (subnets from the layout, an NSG on every subnet with NICs built from the plan's
 * firewall rows, route tables through the firewall appliance, a NAT gateway for explicit outbound), the simulated
 * Internet VNet in the closed lab, and the peerings between them.
 *
 * Closed-lab routing (azure-lab.md): the perimeter external subnets send the simulated Internet, the other sites'
 * public ranges and 0.0.0.0/0 to the appliance's inside address; the simulated Internet's client subnet sends every
 * lab VNet and public range to that site's appliance outside address (and 0.0.0.0/0 to the first site's); the
 * appliance's outside subnet reaches other sites' public ranges through their appliances. Peerings allow forwarded
 * traffic so that replies from the appliance cross them.
 *
 * Servers, load balancers and the appliance take their subnets through `IPerimeterNetwork`, which this construct
 * implements and `EdgePerimeterNetwork.fromExistingSubnets` fills with subnets of your own VNets (bring your own
 * network, like aws-ec2's `Vpc.fromVpcAttributes`).
 */
import { Construct } from "constructs";
import { BastionHost } from "@cdktf/provider-azurerm/lib/bastion-host";
import { NatGateway } from "@cdktf/provider-azurerm/lib/nat-gateway";
import { NatGatewayPublicIpAssociation } from "@cdktf/provider-azurerm/lib/nat-gateway-public-ip-association";
import { NetworkSecurityGroup, type NetworkSecurityGroupSecurityRule } from "@cdktf/provider-azurerm/lib/network-security-group";
import { PublicIp } from "@cdktf/provider-azurerm/lib/public-ip";
import { RouteTable, type RouteTableRoute } from "@cdktf/provider-azurerm/lib/route-table";
import { Subnet } from "@cdktf/provider-azurerm/lib/subnet";
import { SubnetNatGatewayAssociation } from "@cdktf/provider-azurerm/lib/subnet-nat-gateway-association";
import { SubnetNetworkSecurityGroupAssociation } from "@cdktf/provider-azurerm/lib/subnet-network-security-group-association";
import { SubnetRouteTableAssociation } from "@cdktf/provider-azurerm/lib/subnet-route-table-association";
import { VirtualNetwork } from "@cdktf/provider-azurerm/lib/virtual-network";
import { VirtualNetworkPeering } from "@cdktf/provider-azurerm/lib/virtual-network-peering";
import { cidrContains, cidrsOverlap, parseCidr } from "../model/net";
import { checkPlacement, constructError, prefixedName, tagsOf, type LabResourceProps } from "./common";
import { subnetOf, type LabLayout, type SiteLayout } from "../lab/layout";
import type { Plan } from "../model/plan";
import { placementFromPlan, planLayout, planSite, type PlanPlacementProps, type PlanSliceProps } from "./plan-slice";
import { azureName, exactAzureName, type NameKind } from "./names";
import { AZURE_INTERNET_TAG, labNsgRules, portFields, prefixFields, type NsgPlanSlice, type NsgRuleSpec } from "./nsg-rules";
import { suppressPolicy } from "../policy/pack";

export type BastionMode = "developer" | "basic" | "none";

/** A subnet NICs and load balancer frontends can be placed in. */
export interface PerimeterSubnet {
  /** Azure resource id of the subnet (a token such as `mySubnet.id`). */
  readonly subnetId: string;
  /** Its address range as written in the scenario, e.g. "10.45.16.0/24". */
  readonly cidr: string;
}

/**
 * Where lab NICs and VIPs go: implemented by `EdgePerimeterNetwork`, or by `EdgePerimeterNetwork.fromExistingSubnets`
 * for subnets you already have. The plan names an interface's subnet by its CIDR.
 */
export interface IPerimeterNetwork {
  /** The subnet of `site` whose range is exactly `cidr`; throws (LAB-ADDR-01) when there is none. */
  subnetFor(site: string, cidr: string): PerimeterSubnet;
  /** The subnet of `site` that contains `ip` (a load balancer frontend); throws (LAB-ADDR-01) when there is none. */
  subnetContaining(site: string, ip: string): PerimeterSubnet;
}

/** One of your own subnets, for `EdgePerimeterNetwork.fromExistingSubnets`. */
export interface ExistingSubnet extends PerimeterSubnet {
  /** The plan site whose servers use it. @default every site (one-site labs) */
  readonly site?: string;
}

class ExistingPerimeterNetwork implements IPerimeterNetwork {
  constructor(private readonly subnets: readonly ExistingSubnet[]) {
    subnets.forEach((s, i) => {
      const cidr = parseCidr(s.cidr);
      const clash = subnets
        .slice(0, i)
        .find((o) => (o.site === undefined || s.site === undefined || o.site === s.site) && cidrsOverlap(cidr, parseCidr(o.cidr)));
      if (clash)
        throw constructError(
          "EdgePerimeterNetwork.fromExistingSubnets",
          "NET-04",
          `subnets ${clash.cidr} and ${s.cidr} overlap; each perimeter network is its own subnet`,
        );
    });
  }

  private of(site: string): ExistingSubnet[] {
    return this.subnets.filter((s) => s.site === undefined || s.site === site);
  }

  subnetFor(site: string, cidr: string): PerimeterSubnet {
    const found = this.of(site).find((s) => s.cidr === cidr);
    if (!found)
      throw constructError(
        "EdgePerimeterNetwork.fromExistingSubnets",
        "LAB-ADDR-01",
        `site ${site} needs a subnet ${cidr}; given: ${
          this.of(site)
            .map((s) => s.cidr)
            .join(", ") || "none"
        }`,
      );
    return found;
  }

  subnetContaining(site: string, ip: string): PerimeterSubnet {
    const found = this.of(site).find((s) => cidrContains(parseCidr(s.cidr), ip));
    if (!found) throw constructError("EdgePerimeterNetwork.fromExistingSubnets", "LAB-ADDR-01", `no subnet given for site ${site} contains ${ip}`);
    return found;
  }
}

export interface EdgePerimeterNetworkProps extends Pick<LabResourceProps, "tags" | "namePrefix"> {
  /** Resource group of the network resources. */
  readonly resourceGroupName: string;
  /** Scenario id: tags and resource names. */
  readonly scenarioId: string;
  /** The lab's address layout (`labLayout(plan)`): VNets, subnets, appliance and simulated Internet addresses. */
  readonly layout: LabLayout;
  /** The plan's firewall rows and VIPs: every NSG allow rule is one of these rows (`labNsgRules`). */
  readonly rules: NsgPlanSlice;
  /** Source of RDP/SSH administration. @default none (use Bastion) */
  readonly adminSourceCidr?: string;
  /**
   * Azure Bastion: "developer" (free, one per VNet with VMs, regions limited), "basic" (one in the first site's VNet,
   * reaches peered VNets, billed per hour) or "none".
   * @default "developer"
   */
  readonly bastion?: BastionMode;
  /** Create the simulated Internet's Bastion (only useful with a test client). @default false */
  readonly simInternetVms?: boolean;
}

/** What `EdgePerimeterNetwork.fromPlan` takes. */
export interface EdgePerimeterNetworkFromPlanProps extends Pick<LabResourceProps, "tags" | "namePrefix"> {
  /** The validated logical plan: its layout, firewall rows, VIPs and lab options. */
  readonly plan: Plan;
  /** Resource group of the network resources. */
  readonly resourceGroupName: string;
  /** Scenario id: tags and resource names. @default the plan's id */
  readonly scenarioId?: string;
  /** Source of RDP/SSH administration. @default the plan's `lab.adminSourceCidr` (none: use Bastion) */
  readonly adminSourceCidr?: string;
  /** Azure Bastion: "developer", "basic" or "none". @default the plan's `lab.bastion` */
  readonly bastion?: BastionMode;
  /** Create the simulated Internet's Bastion (only useful with a test client). @default the plan's `lab.testClient` */
  readonly simInternetVms?: boolean;
}

/** The network of one site. */
export interface SiteNetwork {
  readonly layout: SiteLayout;
  readonly vnet: VirtualNetwork;
  readonly subnets: ReadonlyMap<string, Subnet>;
  readonly nsgs: ReadonlyMap<string, NetworkSecurityGroup>;
}

/** The provider's `security_rule` blocks of an NSG (every rule inline, so the NSG is the whole rule set). */
export function securityRules(rules: readonly NsgRuleSpec[]): NetworkSecurityGroupSecurityRule[] {
  return rules.map((r) => ({
    name: azureName("nsgRule", r.name),
    priority: r.priority,
    direction: r.direction,
    access: r.access,
    protocol: r.protocol,
    sourcePortRange: r.sourcePorts?.rangeText ?? "*",
    ...portFields(r.destinationPorts),
    ...prefixFields("source", r.sourcePrefixes),
    ...prefixFields("destination", r.destinationPrefixes),
    description: r.description,
  }));
}

/** UDP from the Internet on plan rows is what the A/V Edge needs: suppress LAB-POL-04 there, with the reason. */
function suppressExpectedUdp(nsg: NetworkSecurityGroup, rules: readonly NsgRuleSpec[]): void {
  if (
    rules.some((r) => r.direction === "Inbound" && r.access === "Allow" && r.protocol === "Udp" && r.sourcePrefixes.includes(AZURE_INTERNET_TAG) && r.planRow)
  ) {
    suppressPolicy(nsg, [
      {
        id: "LAB-POL-04",
        reason:
          "the A/V Edge must accept STUN/TURN on UDP 3478 from the Internet (FW-03), and UDP 50,000-59,999 when OCS 2007 partners are enabled (FW-05); these rules are plan rows",
      },
    ]);
  }
}

export interface EdgeSubnetSecurityGroupProps extends LabResourceProps {
  /** The subnet to protect (one of your own): its CIDR is one of the plan site's networks. */
  readonly subnet: PerimeterSubnet;
  /** The plan site the subnet belongs to. */
  readonly site: string;
  /**
   * The plan: its firewall rows and VIPs become the rules, and its lab layout (computed here) says which subnet holds
   * which addresses and what "Internet" means.
   */
  readonly plan: Plan;
  /** Source of RDP/SSH administration (LAB-SEC-01: a /16 or narrower). @default none */
  readonly adminSourceCidr?: string;
}

/** What `EdgeSubnetSecurityGroup.fromPlan` takes. */
export interface EdgeSubnetSecurityGroupFromPlanProps extends PlanSliceProps, PlanPlacementProps {
  /** The subnet to protect (one of your own): its CIDR is one of the plan site's networks. */
  readonly subnet: PerimeterSubnet;
  /** Source of RDP/SSH administration (LAB-SEC-01: a /16 or narrower). @default the plan's `lab.adminSourceCidr` */
  readonly adminSourceCidr?: string;
}

/**
 * An NSG for one of your own subnets, from the plan's firewall rows (the same rules `EdgePerimeterNetwork` puts on
 * its subnets): every plan row whose server-side end lies in the subnet, the separation denies, administration,
 * load balancer probes and a final deny. Associated with the subnet.
 */
export class EdgeSubnetSecurityGroup extends Construct {
  /** The NSG of one of your subnets in a plan site (the only site by default), with the plan's defaults. */
  static fromPlan(scope: Construct, id: string, props: EdgeSubnetSecurityGroupFromPlanProps): EdgeSubnetSecurityGroup {
    const site = planSite(`${scope.node.path}/${id}`, props.plan, props.site);
    const adminSourceCidr = props.adminSourceCidr ?? props.plan.scenario.lab.adminSourceCidr;
    return new EdgeSubnetSecurityGroup(scope, id, {
      ...placementFromPlan(props, props.plan, site),
      plan: props.plan,
      site: site.name,
      subnet: props.subnet,
      ...(adminSourceCidr !== undefined ? { adminSourceCidr } : {}),
    });
  }

  readonly securityGroup: NetworkSecurityGroup;
  /** The rules as rendered, each allow rule naming its plan row. */
  readonly rules: readonly NsgRuleSpec[];

  constructor(scope: Construct, id: string, props: EdgeSubnetSecurityGroupProps) {
    super(scope, id);
    checkPlacement(this, props);
    checkAdminSource(this, props.adminSourceCidr);
    const layout = planLayout(props.plan);
    const site = layout.sites.find((s) => s.site.name === props.site);
    if (!site) throw constructError(this, "LAB-ADDR-01", `the layout has no site ${props.site}`);
    const subnet = site.subnets.find((s) => s.cidr === props.subnet.cidr && s.hasNics);
    if (!subnet)
      throw constructError(
        this,
        "LAB-ADDR-01",
        `site ${props.site} has no network ${props.subnet.cidr} (its networks: ${site.subnets
          .filter((s) => s.hasNics)
          .map((s) => s.cidr)
          .join(", ")})`,
      );
    const spec = labNsgRules(props.plan, layout, { adminSourceCidr: props.adminSourceCidr }).find((n) => n.site === props.site && n.key === subnet.key)!;
    this.rules = spec.rules;
    this.securityGroup = new NetworkSecurityGroup(this, "nsg", {
      name: prefixedName(props, "networkSecurityGroup", "nsg", props.scenarioId, props.site, subnet.key),
      location: props.location,
      resourceGroupName: props.resourceGroupName,
      securityRule: securityRules(spec.rules),
      tags: tagsOf(props, props.site),
    });
    suppressExpectedUdp(this.securityGroup, spec.rules);
    new SubnetNetworkSecurityGroupAssociation(this, "association", { subnetId: props.subnet.subnetId, networkSecurityGroupId: this.securityGroup.id });
  }
}

/** LAB-SEC-01: administration only from a declared range of at most a /16. */
function checkAdminSource(scope: Construct, cidr: string | undefined): void {
  if (cidr === undefined) return;
  let prefix: number;
  try {
    prefix = parseCidr(cidr).prefix;
  } catch (e) {
    throw constructError(scope, "LAB-SEC-01", `adminSourceCidr: ${(e as Error).message}`);
  }
  if (prefix < 16)
    throw constructError(scope, "LAB-SEC-01", `adminSourceCidr ${cidr} is too broad for RDP/SSH administration (a /16 or narrower, or Azure Bastion)`);
}

/** The Developer SKU reaches VMs from this platform address; Basic from its subnet. */
const BASTION_DEVELOPER_SOURCE = "168.63.129.16";

/**
 * The lab network of a scenario: VNets, subnets with their NSGs (built from the plan's firewall rows), routes, NAT
 * gateways, peerings and Bastion. Pass it to `EdgePool`, `ReverseProxy`, `DirectorPool`, `EdgeLoadBalancer` and
 * `EdgeFirewallAppliance` as their `network`.
 */
export class EdgePerimeterNetwork extends Construct implements IPerimeterNetwork {
  /** The lab network of a whole plan: its layout, firewall rows and VIPs, with the plan's lab options as defaults. */
  static fromPlan(scope: Construct, id: string, props: EdgePerimeterNetworkFromPlanProps): EdgePerimeterNetwork {
    const { plan } = props;
    const lab = plan.scenario.lab;
    const adminSourceCidr = props.adminSourceCidr ?? lab.adminSourceCidr;
    const bastion = props.bastion ?? lab.bastion;
    return new EdgePerimeterNetwork(scope, id, {
      resourceGroupName: props.resourceGroupName,
      scenarioId: props.scenarioId ?? plan.scenario.id,
      ...(props.tags ? { tags: props.tags } : {}),
      ...(props.namePrefix !== undefined ? { namePrefix: props.namePrefix } : {}),
      layout: planLayout(plan),
      rules: plan,
      ...(adminSourceCidr !== undefined ? { adminSourceCidr } : {}),
      ...(bastion !== undefined ? { bastion } : {}),
      simInternetVms: props.simInternetVms ?? lab.testClient,
    });
  }

  /** Subnets of your own (bring your own network): servers are placed by CIDR, nothing is created. */
  static fromExistingSubnets(subnets: readonly ExistingSubnet[]): IPerimeterNetwork {
    return new ExistingPerimeterNetwork(subnets);
  }

  readonly sites: readonly SiteNetwork[];
  readonly simInternet?: { readonly vnet: VirtualNetwork; readonly clientSubnet: Subnet; readonly nsg: NetworkSecurityGroup };
  /** NSG rule specs per NSG, as rendered (for tests and summaries). */
  readonly nsgRules: ReadonlyMap<NetworkSecurityGroup, readonly NsgRuleSpec[]>;

  private readonly layout: LabLayout;
  private readonly resourceGroupName: string;
  private readonly scenarioId: string;
  private readonly naming: Pick<LabResourceProps, "scenarioId" | "tags" | "namePrefix">;

  constructor(scope: Construct, id: string, props: EdgePerimeterNetworkProps) {
    super(scope, id);
    checkPlacement(this, props);
    const { layout } = props;
    this.layout = layout;
    this.resourceGroupName = props.resourceGroupName;
    this.scenarioId = props.scenarioId;
    this.naming = props;
    const bastion = props.bastion ?? "developer";
    checkAdminSource(this, props.adminSourceCidr);
    const primary = layout.sites[0];
    const bastionSource =
      bastion === "developer" ? BASTION_DEVELOPER_SOURCE : bastion === "basic" ? primary.subnets.find((s) => s.role === "bastion")!.cidr : undefined;
    const specs = labNsgRules(props.rules, layout, { adminSourceCidr: props.adminSourceCidr, bastionSource });
    const nsgRules = new Map<NetworkSecurityGroup, readonly NsgRuleSpec[]>();
    const id_ = (...parts: string[]) => parts.join("-");
    const scenarioId = props.scenarioId;
    const tags = (site?: string) => tagsOf(props, site);
    const named = (kind: NameKind, ...parts: string[]) => prefixedName(props, kind, ...parts);

    const makeNsg = (scopeId: string, name: string, location: string, rules: readonly NsgRuleSpec[], site?: string) => {
      const nsg = new NetworkSecurityGroup(this, scopeId, {
        name,
        location,
        resourceGroupName: props.resourceGroupName,
        securityRule: securityRules(rules),
        tags: tags(site),
      });
      nsgRules.set(nsg, rules);
      suppressExpectedUdp(nsg, rules);
      return nsg;
    };

    this.sites = layout.sites.map((site): SiteNetwork => {
      const name = site.site.name;
      const location = site.site.region;
      const vnet = new VirtualNetwork(this, id_("vnet", name), {
        name: named("virtualNetwork", "vnet", scenarioId, name),
        location,
        resourceGroupName: props.resourceGroupName,
        addressSpace: [...site.addressSpace],
        tags: tags(name),
      });
      const subnets = new Map<string, Subnet>();
      const nsgs = new Map<string, NetworkSecurityGroup>();
      for (const s of site.subnets) {
        if (s.role === "bastion" && !(bastion === "basic" && site === primary)) continue;
        const subnet = new Subnet(this, id_("subnet", name, s.key), {
          // Azure recognises the Bastion subnet by its exact, mixed-case name; every other name is lower-cased.
          name: s.role === "bastion" ? exactAzureName("subnet", s.name) : azureName("subnet", s.name),
          resourceGroupName: props.resourceGroupName,
          virtualNetworkName: vnet.name,
          addressPrefixes: [s.cidr],
          // Explicit outbound only (public IPs, load balancer outbound rule, NAT gateway or the appliance).
          defaultOutboundAccessEnabled: s.role === "bastion",
        });
        subnets.set(s.key, subnet);
        const spec = specs.find((x) => x.site === name && x.key === s.key);
        if (s.hasNics && spec) {
          const nsg = makeNsg(id_("nsg", name, s.key), named("networkSecurityGroup", "nsg", scenarioId, name, s.key), location, spec.rules, name);
          nsgs.set(s.key, nsg);
          new SubnetNetworkSecurityGroupAssociation(this, id_("nsg-assoc", name, s.key), { subnetId: subnet.id, networkSecurityGroupId: nsg.id });
        }
      }
      return { layout: site, vnet, subnets, nsgs };
    });

    // Simulated Internet (closed lab).
    if (layout.simInternet) {
      const location = primary.site.region;
      const vnet = new VirtualNetwork(this, "vnet-internet", {
        name: named("virtualNetwork", "vnet", scenarioId, "internet"),
        location,
        resourceGroupName: props.resourceGroupName,
        addressSpace: [layout.simInternet.cidr],
        tags: tags(),
      });
      const clientSubnet = new Subnet(this, "subnet-internet-clients", {
        name: azureName("subnet", "snet-internet-clients"),
        resourceGroupName: props.resourceGroupName,
        virtualNetworkName: vnet.name,
        addressPrefixes: [layout.simInternet.clientSubnet],
        defaultOutboundAccessEnabled: false,
      });
      const nsg = makeNsg("nsg-internet", named("networkSecurityGroup", "nsg", scenarioId, "internet"), location, specs.find((x) => x.key === "sim")!.rules);
      new SubnetNetworkSecurityGroupAssociation(this, "nsg-assoc-internet", { subnetId: clientSubnet.id, networkSecurityGroupId: nsg.id });
      this.simInternet = { vnet, clientSubnet, nsg };
      for (const sn of this.sites) this.peer(vnet, sn.vnet, "internet", sn.layout.site.name, true);
      if (bastion === "developer" && props.simInternetVms) this.developerBastion("internet", vnet, location);
    }
    this.nsgRules = nsgRules;

    // Site-to-site peering (internal networks of all sites talk; LAB-NET-02 keeps them disjoint).
    for (let i = 0; i < this.sites.length; i++) {
      for (let j = i + 1; j < this.sites.length; j++)
        this.peer(this.sites[i].vnet, this.sites[j].vnet, this.sites[i].layout.site.name, this.sites[j].layout.site.name, false);
    }

    for (const sn of this.sites) {
      this.routes(sn);
      this.natGateway(sn);
      if (bastion === "developer") this.developerBastion(sn.layout.site.name, sn.vnet, sn.layout.site.region);
    }
    if (bastion === "basic") this.basicBastion(this.sites[0]);
    if (layout.simInternet && this.simInternet) this.simRoutes();
  }

  /** The subnet resource of `site` by layout key ("pext", "rpext", "pint", "int1", "fwout", "fwin", "bastion"). */
  subnet(site: string, key: string): Subnet {
    const s = this.sites.find((x) => x.layout.site.name === site)?.subnets.get(key);
    if (!s) throw constructError(this, "LAB-ADDR-01", `no subnet ${key} in site ${site}`);
    return s;
  }

  /** The subnet of `site` whose CIDR is `cidr` (plan interfaces name subnets by CIDR). */
  subnetFor(site: string, cidr: string): PerimeterSubnet {
    const sn = this.sites.find((x) => x.layout.site.name === site);
    const layout = sn?.layout.subnets.find((s) => s.cidr === cidr && s.role !== "bastion");
    if (!sn || !layout) throw constructError(this, "LAB-ADDR-01", `site ${site} has no subnet ${cidr}`);
    return { subnetId: sn.subnets.get(layout.key)!.id, cidr };
  }

  /** The subnet of `site` that contains `ip`. */
  subnetContaining(site: string, ip: string): PerimeterSubnet {
    const sn = this.sites.find((x) => x.layout.site.name === site);
    const layout = sn && subnetOf(sn.layout, ip);
    const subnet = layout && sn.subnets.get(layout.key);
    if (!layout || !subnet) throw constructError(this, "LAB-ADDR-01", `${ip} lies in no subnet of site ${site}`);
    return { subnetId: subnet.id, cidr: layout.cidr };
  }

  private tags(site?: string): Record<string, string> {
    return tagsOf(this.naming, site);
  }

  private name(kind: NameKind, ...parts: string[]): string {
    return prefixedName(this.naming, kind, ...parts);
  }

  private peer(a: VirtualNetwork, b: VirtualNetwork, aName: string, bName: string, forwarded: boolean): void {
    const rg = this.resourceGroupName;
    new VirtualNetworkPeering(this, `peer-${aName}-to-${bName}`, {
      name: azureName("peering", "peer", aName, "to", bName),
      resourceGroupName: rg,
      virtualNetworkName: a.name,
      remoteVirtualNetworkId: b.id,
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: forwarded,
    });
    new VirtualNetworkPeering(this, `peer-${bName}-to-${aName}`, {
      name: azureName("peering", "peer", bName, "to", aName),
      resourceGroupName: rg,
      virtualNetworkName: b.name,
      remoteVirtualNetworkId: a.id,
      allowVirtualNetworkAccess: true,
      allowForwardedTraffic: forwarded,
    });
  }

  private routeTable(idSuffix: string, name: string, location: string, routes: RouteTableRoute[], subnets: Subnet[], site?: string): void {
    if (routes.length === 0 || subnets.length === 0) return;
    const rt = new RouteTable(this, `rt-${idSuffix}`, {
      name: this.name("routeTable", "rt", this.scenarioId, name),
      location,
      resourceGroupName: this.resourceGroupName,
      bgpRoutePropagationEnabled: false,
      route: routes,
      tags: this.tags(site),
    });
    subnets.forEach((s, i) => new SubnetRouteTableAssociation(this, `rt-assoc-${idSuffix}-${i}`, { subnetId: s.id, routeTableId: rt.id }));
  }

  private routes(sn: SiteNetwork): void {
    const layout = this.layout;
    const fw = sn.layout.firewall;
    if (!fw || !layout.simInternet) return;
    const name = sn.layout.site.name;
    const others = layout.sites.filter((s) => s !== sn.layout);
    const viaInside = (prefix: string, rname: string): RouteTableRoute => ({
      name: rname,
      addressPrefix: prefix,
      nextHopType: "VirtualAppliance",
      nextHopInIpAddress: fw.insideIp,
    });
    const perimeterRoutes = [
      viaInside("0.0.0.0/0", "default-via-firewall"),
      viaInside(layout.simInternet.cidr, "internet-via-firewall"),
      ...others.map((o) => viaInside(o.site.networks.publicRange, `public-${o.site.name}-via-firewall`)),
    ];
    const perimeterSubnets = sn.layout.subnets
      .filter((s) => s.role === "perimeter-external" || s.role === "reverse-proxy-external")
      .map((s) => sn.subnets.get(s.key)!);
    this.routeTable(`${name}-perimeter`, `${name}-perimeter`, sn.layout.site.region, perimeterRoutes, perimeterSubnets, name);
    const outsideRoutes = others.map((o): RouteTableRoute => ({
      name: `public-${o.site.name}-via-${o.site.name}-firewall`,
      addressPrefix: o.site.networks.publicRange,
      nextHopType: "VirtualAppliance",
      nextHopInIpAddress: o.firewall!.outsideIp,
    }));
    this.routeTable(`${name}-fw-outside`, `${name}-fw-outside`, sn.layout.site.region, outsideRoutes, [sn.subnets.get("fwout")!], name);
  }

  private simRoutes(): void {
    const layout = this.layout;
    const routes: RouteTableRoute[] = [];
    for (const s of layout.sites) {
      const prefixes = [...new Set([...s.addressSpace, s.site.networks.publicRange])];
      prefixes.forEach((p, i) =>
        routes.push({
          name: `${s.site.name}-${i + 1}-via-firewall`,
          addressPrefix: p,
          nextHopType: "VirtualAppliance",
          nextHopInIpAddress: s.firewall!.outsideIp,
        }),
      );
    }
    routes.push({
      name: "default-via-firewall",
      addressPrefix: "0.0.0.0/0",
      nextHopType: "VirtualAppliance",
      nextHopInIpAddress: layout.sites[0].firewall!.outsideIp,
    });
    this.routeTable("internet", "internet-clients", layout.sites[0].site.region, routes, [this.simInternet!.clientSubnet]);
  }

  /** Explicit outbound for subnets without their own public addresses: the internal networks and the appliance's outside. */
  private natGateway(sn: SiteNetwork): void {
    const name = sn.layout.site.name;
    const location = sn.layout.site.region;
    const targets = sn.layout.subnets.filter((s) => s.role === "internal" || s.role === "fw-outside");
    const pip = new PublicIp(this, `natgw-pip-${name}`, {
      name: this.name("publicIp", "pip", this.scenarioId, name, "natgw"),
      location,
      resourceGroupName: this.resourceGroupName,
      sku: "Standard",
      allocationMethod: "Static",
      tags: this.tags(name),
    });
    const gw = new NatGateway(this, `natgw-${name}`, {
      name: this.name("natGateway", "natgw", this.scenarioId, name),
      location,
      resourceGroupName: this.resourceGroupName,
      skuName: "Standard",
      idleTimeoutInMinutes: 10,
      tags: this.tags(name),
    });
    new NatGatewayPublicIpAssociation(this, `natgw-pip-assoc-${name}`, { natGatewayId: gw.id, publicIpAddressId: pip.id });
    targets.forEach((t) => new SubnetNatGatewayAssociation(this, `natgw-assoc-${name}-${t.key}`, { subnetId: sn.subnets.get(t.key)!.id, natGatewayId: gw.id }));
  }

  private developerBastion(name: string, vnet: VirtualNetwork, location: string): void {
    new BastionHost(this, `bastion-${name}`, {
      name: this.name("bastion", "bas", this.scenarioId, name),
      location,
      resourceGroupName: this.resourceGroupName,
      sku: "Developer",
      virtualNetworkId: vnet.id,
      tags: this.tags(name === "internet" ? undefined : name),
    });
  }

  private basicBastion(sn: SiteNetwork): void {
    const name = sn.layout.site.name;
    const pip = new PublicIp(this, "bastion-pip", {
      name: this.name("publicIp", "pip", this.scenarioId, "bastion"),
      location: sn.layout.site.region,
      resourceGroupName: this.resourceGroupName,
      sku: "Standard",
      allocationMethod: "Static",
      tags: this.tags(name),
    });
    new BastionHost(this, "bastion", {
      name: this.name("bastion", "bas", this.scenarioId),
      location: sn.layout.site.region,
      resourceGroupName: this.resourceGroupName,
      sku: "Basic",
      ipConfiguration: { name: "bastion", subnetId: sn.subnets.get("bastion")!.id, publicIpAddressId: pip.id },
      tags: this.tags(name),
    });
  }
}
