/**
 * The hardware load balancer stand-in, from the plan's `vips` (HLB pools) and the Director web VIP.
 *
 * Azure constraints (azure-lab.md): a NIC may sit behind at most one internal and one public load balancer, and two
 * rules of one load balancer type may not share backend ip configuration + port + protocol. So each VIP gets its own
 * backend pool holding the one ip configuration per member that has the member address the plan lists, and:
 * - closed lab: ONE internal Standard LB per site for the Edge pool, with the external VIP frontends in the perimeter
 *   external subnet and the internal VIP frontend in the perimeter internal subnet;
 * - internet mode: a public Standard LB for the external VIPs (one static public IP per VIP) plus an internal Standard
 *   LB for the internal VIP. The public LB's outbound rule SNATs the Access pool behind the Access VIP (HLB-10 allows
 *   SNAT for Access; the A/V addresses have their own public IPs).
 * One rule per VIP + protocol + port (the VIP's `ports`), backend port = frontend port, no Floating IP (not supported
 * on secondary ip configurations, and Lync does not support DSR), TCP probes (a UDP rule is probed with a TCP port of
 * the same VIP), idle timeout raised to 30 minutes on TCP for long-lived SIP connections.
 * The Director web VIP gets its own internal LB (different NICs).
 */
import { Construct } from "constructs";
import { Lb, type LbFrontendIpConfiguration } from "@cdktf/provider-azurerm/lib/lb";
import { LbBackendAddressPool } from "@cdktf/provider-azurerm/lib/lb-backend-address-pool";
import { LbOutboundRule } from "@cdktf/provider-azurerm/lib/lb-outbound-rule";
import { LbProbe } from "@cdktf/provider-azurerm/lib/lb-probe";
import { LbRule } from "@cdktf/provider-azurerm/lib/lb-rule";
import { NetworkInterfaceBackendAddressPoolAssociation } from "@cdktf/provider-azurerm/lib/network-interface-backend-address-pool-association";
import { PublicIp } from "@cdktf/provider-azurerm/lib/public-ip";
import type { PlanVip } from "../model/plan";
import { placementFromPlan, planSite, type PlanPlacementProps, type PlanSliceProps } from "./plan-slice";
import { checkPlacement, constructError, prefixedName, tagsOf, type LabResourceProps } from "./common";
import { azureName } from "./names";
import type { IPerimeterNetwork } from "./network";
import type { ILoadBalancerTargets, LabIpConfiguration, LabPublicAddress } from "./servers";

/** Idle timeout of TCP rules (minutes; Azure allows 4-100): long enough for idle SIP connections. */
export const SIP_IDLE_TIMEOUT_MINUTES = 30;

const SERVICE_NAME: Record<PlanVip["service"], string> = {
  access: "access",
  webConferencing: "webconf",
  av: "av",
  internal: "internal",
  "director-web": "dirweb",
};

export interface EdgeLoadBalancerProps extends LabResourceProps {
  /** The VIPs to carry, all of one site: `plan.vips` (the Edge pool's HLB VIPs and the Director web VIP). */
  readonly vips: readonly PlanVip[];
  /** The constructs holding the VIPs' members (an `EdgePool`, a `DirectorPool`). */
  readonly targets: readonly ILoadBalancerTargets[];
  /** Subnets of the internal frontends (each VIP in the subnet that contains it). */
  readonly network: IPerimeterNetwork;
  /**
   * External Edge VIPs on a public load balancer with a static public IP each (an internet-mode lab; the Access
   * pool's outbound SNAT then goes through the Access VIP, HLB-10). Otherwise every VIP is an internal frontend
   * with the VIP's own address (the closed lab, or your own public routing).
   * @default false
   */
  readonly publicFrontends?: boolean;
}

/** What `EdgeLoadBalancer.fromPlan` takes. */
export interface EdgeLoadBalancerFromPlanProps extends PlanSliceProps, PlanPlacementProps {
  /** The constructs holding the VIPs' members (the site's `EdgePool`, its `DirectorPool`). */
  readonly targets: readonly ILoadBalancerTargets[];
  /** Subnets of the internal frontends (each VIP in the subnet that contains it). */
  readonly network: IPerimeterNetwork;
  /** External Edge VIPs on a public load balancer with a static public IP each (an internet-mode lab). @default false */
  readonly publicFrontends?: boolean;
}

interface LbGroup {
  readonly lb: Lb;
  readonly vips: PlanVip[];
}

/**
 * The hardware load balancer of a site: Azure Standard Load Balancers carrying the plan's VIPs, with their members'
 * ip configurations (from `targets`) in the backend pools.
 */
export class EdgeLoadBalancer extends Construct {
  /** The hardware load balancer of one plan site: every VIP of the site (LB-07 when it has none). */
  static fromPlan(scope: Construct, id: string, props: EdgeLoadBalancerFromPlanProps): EdgeLoadBalancer {
    const site = planSite(`${scope.node.path}/${id}`, props.plan, props.site);
    return new EdgeLoadBalancer(scope, id, {
      ...placementFromPlan(props, props.plan, site),
      vips: props.plan.vips.filter((v) => v.site === site.name),
      targets: props.targets,
      network: props.network,
      ...(props.publicFrontends !== undefined ? { publicFrontends: props.publicFrontends } : {}),
    });
  }

  readonly site: string;
  readonly loadBalancers: readonly Lb[];
  /** The public IPs of public frontends, by VIP. */
  readonly publicAddresses: readonly LabPublicAddress[];
  private readonly members: ReadonlyMap<string, LabIpConfiguration>;

  constructor(scope: Construct, id: string, props: EdgeLoadBalancerProps) {
    super(scope, id);
    checkPlacement(this, props);
    if (props.vips.length === 0)
      throw constructError(this, "LB-07", "EdgeLoadBalancer needs at least one VIP (VIPs exist only in a hardware-load-balanced pool)");
    const sites = [...new Set(props.vips.map((v) => v.site))];
    if (sites.length > 1) throw constructError(this, "LB-07", `the VIPs belong to several sites (${sites.join(", ")}); use one EdgeLoadBalancer per site`);
    this.site = sites[0];
    const members = new Map<string, LabIpConfiguration>();
    for (const vip of props.vips) {
      const tcp = vip.ports.some((p) => p.transport === "TCP");
      if (!tcp) throw constructError(this, "HLB-17", `VIP ${vip.id} has no TCP port to probe (Azure probes are TCP/HTTP only)`);
      for (const m of vip.members) {
        const found = props.targets.map((t) => t.ipConfigurationFor(m.ip)).find((c) => c !== undefined);
        if (!found)
          throw constructError(
            this,
            undefined,
            `VIP ${vip.id}: member ${m.server} (${m.ip}) is in none of the targets; pass the EdgePool or DirectorPool holding it`,
          );
        if (vip.side === "external" && vip.service !== "director-web" && found.address.natPublic !== undefined) {
          throw constructError(
            this,
            "HLB-09",
            `VIP ${vip.id}: member ${m.server} (${m.ip}) is behind NAT; a hardware-load-balanced Edge uses publicly routable external addresses`,
          );
        }
        members.set(m.ip, found);
      }
    }
    this.members = members;
    const publicAddresses: LabPublicAddress[] = [];
    const internet = props.publicFrontends ?? false;
    const tags = () => tagsOf(props, this.site);
    const groups = new Map<string, { kind: "public" | "internal"; role: string; vips: PlanVip[] }>();
    for (const vip of props.vips) {
      const isPublic = internet && vip.side === "external" && vip.service !== "director-web";
      const role = vip.service === "director-web" ? "dir" : isPublic ? "edge-public" : "edge";
      const key = role;
      const g = groups.get(key) ?? { kind: isPublic ? ("public" as const) : ("internal" as const), role, vips: [] };
      g.vips.push(vip);
      groups.set(key, g);
    }
    const built: LbGroup[] = [];
    for (const [key, g] of groups) {
      const frontends: LbFrontendIpConfiguration[] = g.vips.map((vip) => {
        const name = `fe-${SERVICE_NAME[vip.service]}`;
        if (g.kind === "public") {
          const pip = new PublicIp(this, `pip-${name}`, {
            name: prefixedName(props, "publicIp", "pip", props.scenarioId, this.site, "vip", SERVICE_NAME[vip.service]),
            location: props.location,
            resourceGroupName: props.resourceGroupName,
            sku: "Standard",
            allocationMethod: "Static",
            tags: tags(),
          });
          publicAddresses.push({ planAddress: vip.ip, label: vip.id, publicIp: pip });
          return { name, publicIpAddressId: pip.id };
        }
        const subnet = props.network.subnetContaining(this.site, vip.ip);
        return { name, subnetId: subnet.subnetId, privateIpAddressAllocation: "Static", privateIpAddress: vip.ip };
      });
      const lb = new Lb(this, `lb-${key}`, {
        name: prefixedName(props, "loadBalancer", g.kind === "public" ? "lbe" : "lbi", props.scenarioId, this.site, g.role),
        location: props.location,
        resourceGroupName: props.resourceGroupName,
        sku: "Standard",
        frontendIpConfiguration: frontends,
        tags: tags(),
      });
      built.push({ lb, vips: g.vips });
      for (const vip of g.vips) this.vipRules(`${key}-${SERVICE_NAME[vip.service]}`, lb, vip, g.kind === "public");
    }
    this.loadBalancers = built.map((b) => b.lb);
    this.publicAddresses = publicAddresses;
  }

  private vipRules(id: string, lb: Lb, vip: PlanVip, isPublic: boolean): void {
    const svc = SERVICE_NAME[vip.service];
    const pool = new LbBackendAddressPool(this, `pool-${id}`, { name: azureName("lbChild", "be", svc), loadbalancerId: lb.id });
    vip.members.forEach((m) => {
      const nicAddress = this.members.get(m.ip)!;
      new NetworkInterfaceBackendAddressPoolAssociation(this, `pool-${id}-${m.server}`, {
        networkInterfaceId: nicAddress.nic.id,
        ipConfigurationName: nicAddress.ipConfigName,
        backendAddressPoolId: pool.id,
      });
    });
    const tcpPorts = vip.ports.filter((p) => p.transport === "TCP").map((p) => p.from);
    if (tcpPorts.length === 0) throw new Error(`edge-lab: VIP ${vip.id} has no TCP port to probe (Azure probes are TCP/HTTP only)`);
    const probes = new Map<number, LbProbe>();
    const probe = (port: number) => {
      let p = probes.get(port);
      if (!p) {
        p = new LbProbe(this, `probe-${id}-${port}`, {
          name: azureName("lbChild", "probe", svc, "tcp", String(port)),
          loadbalancerId: lb.id,
          protocol: "Tcp",
          port,
          intervalInSeconds: 5,
          numberOfProbes: 2,
        });
        probes.set(port, p);
      }
      return p;
    };
    for (const p of vip.ports) {
      const tcp = p.transport === "TCP";
      new LbRule(this, `rule-${id}-${p.transport.toLowerCase()}-${p.from}`, {
        name: azureName("lbChild", svc, p.transport.toLowerCase(), String(p.from)),
        loadbalancerId: lb.id,
        frontendIpConfigurationName: `fe-${svc}`,
        backendAddressPoolIds: [pool.id],
        protocol: tcp ? "Tcp" : "Udp",
        frontendPort: p.from,
        backendPort: p.from,
        // UDP rules are probed with a TCP port of the same VIP (Azure has no UDP probe).
        probeId: probe(tcp ? p.from : tcpPorts[0]).id,
        floatingIpEnabled: false,
        idleTimeoutInMinutes: tcp ? SIP_IDLE_TIMEOUT_MINUTES : 4,
        loadDistribution: "Default",
        ...(isPublic ? { disableOutboundSnat: true } : {}),
      });
    }
    if (isPublic && vip.service === "access") {
      new LbOutboundRule(this, `outbound-${id}`, {
        name: azureName("lbChild", "outbound", svc),
        loadbalancerId: lb.id,
        backendAddressPoolId: pool.id,
        protocol: "All",
        frontendIpConfiguration: [{ name: `fe-${svc}` }],
        idleTimeoutInMinutes: SIP_IDLE_TIMEOUT_MINUTES,
      });
    }
  }
}
