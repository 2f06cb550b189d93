/**
 * The hardware load balancer stand-in, from the plan's `vips` (HLB pools) and the Director web VIP.
 *
 * Azure constraints (azure-lab.md): a NIC may sit behind at most one internal and one public load balancer, and two
 * rules of one load balancer type may not share backend ip configuration + port + protocol. So each VIP gets its own
 * backend pool holding the one ip configuration per member that has the member address the plan lists, and:
 * - closed lab: ONE internal Standard LB per site for the Edge pool, with the external VIP frontends in the perimeter
 *   external subnet and the internal VIP frontend in the perimeter internal subnet;
 * - internet mode: a public Standard LB for the external VIPs (one static public IP per VIP) plus an internal Standard
 *   LB for the internal VIP. The public LB's outbound rule SNATs the Access pool behind the Access VIP (HLB-05 allows
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
import type { LabContext } from "./context";
import { subnetOf } from "./layout";
import { azureName } from "./names";
import type { LabNetwork } from "./network";
import type { AddressBook } from "./servers";

/** Idle timeout of TCP rules (minutes; Azure allows 4-100): long enough for idle SIP connections. */
export const SIP_IDLE_TIMEOUT_MINUTES = 30;

const SERVICE_NAME: Record<PlanVip["service"], string> = { access: "access", webConferencing: "webconf", av: "av", internal: "internal", "director-web": "dirweb" };

export interface EdgeLoadBalancerProps {
  readonly site: string;
  readonly network: LabNetwork;
  readonly addresses: AddressBook;
  /** VIPs carried by this construct (one site). */
  readonly vips: readonly PlanVip[];
}

interface LbGroup {
  readonly lb: Lb;
  readonly vips: PlanVip[];
}

export class EdgeLoadBalancer extends Construct {
  readonly loadBalancers: readonly Lb[];

  constructor(scope: Construct, id: string, ctx: LabContext, private readonly props: EdgeLoadBalancerProps) {
    super(scope, id);
    if (props.vips.length === 0) throw new Error("edge-lab: EdgeLoadBalancer needs at least one VIP");
    const internet = ctx.layout.mode === "internet";
    const site = ctx.plan.scenario.sites.find((s) => s.name === props.site)!;
    const siteLayout = ctx.layout.sites.find((s) => s.site.name === props.site)!;
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
            name: azureName("publicIp", "pip", ctx.plan.scenario.id, props.site, "vip", SERVICE_NAME[vip.service]),
            location: site.region,
            resourceGroupName: ctx.resourceGroupName,
            sku: "Standard",
            allocationMethod: "Static",
            tags: ctx.tags(props.site),
          });
          props.addresses.publicIps.set(vip.ip, { pip, label: vip.id });
          return { name, publicIpAddressId: pip.id };
        }
        const subnetLayout = subnetOf(siteLayout, vip.ip);
        if (!subnetLayout) throw new Error(`edge-lab: VIP ${vip.id} (${vip.ip}) lies in no subnet of site ${props.site}`);
        return { name, subnetId: props.network.subnet(props.site, subnetLayout.key).id, privateIpAddressAllocation: "Static", privateIpAddress: vip.ip };
      });
      const lb = new Lb(this, `lb-${key}`, {
        name: azureName("loadBalancer", g.kind === "public" ? "lbe" : "lbi", ctx.plan.scenario.id, props.site, g.role),
        location: site.region,
        resourceGroupName: ctx.resourceGroupName,
        sku: "Standard",
        frontendIpConfiguration: frontends,
        tags: ctx.tags(props.site),
      });
      built.push({ lb, vips: g.vips });
      for (const vip of g.vips) this.vipRules(`${key}-${SERVICE_NAME[vip.service]}`, lb, vip, g.kind === "public");
    }
    this.loadBalancers = built.map((b) => b.lb);
  }

  private vipRules(id: string, lb: Lb, vip: PlanVip, isPublic: boolean): void {
    const svc = SERVICE_NAME[vip.service];
    const pool = new LbBackendAddressPool(this, `pool-${id}`, { name: azureName("lbChild", "be", svc), loadbalancerId: lb.id });
    vip.members.forEach((m) => {
      const nicAddress = this.props.addresses.get(m.ip);
      new NetworkInterfaceBackendAddressPoolAssociation(this, `pool-${id}-${m.server}`, {
        networkInterfaceId: nicAddress.nic.id,
        ipConfigurationName: nicAddress.ipConfigName,
        backendAddressPoolId: pool.id,
      });
    });
    const tcpPorts = vip.ports.filter((p) => p.transport === "TCP").map((p) => p.port);
    if (tcpPorts.length === 0) throw new Error(`edge-lab: VIP ${vip.id} has no TCP port to probe (Azure probes are TCP/HTTP only)`);
    const probes = new Map<number, LbProbe>();
    const probe = (port: number) => {
      let p = probes.get(port);
      if (!p) {
        p = new LbProbe(this, `probe-${id}-${port}`, { name: azureName("lbChild", "probe", svc, "tcp", String(port)), loadbalancerId: lb.id, protocol: "Tcp", port, intervalInSeconds: 5, numberOfProbes: 2 });
        probes.set(port, p);
      }
      return p;
    };
    for (const p of vip.ports) {
      const tcp = p.transport === "TCP";
      new LbRule(this, `rule-${id}-${p.transport.toLowerCase()}-${p.port}`, {
        name: azureName("lbChild", svc, p.transport.toLowerCase(), String(p.port)),
        loadbalancerId: lb.id,
        frontendIpConfigurationName: `fe-${svc}`,
        backendAddressPoolIds: [pool.id],
        protocol: tcp ? "Tcp" : "Udp",
        frontendPort: p.port,
        backendPort: p.port,
        // UDP rules are probed with a TCP port of the same VIP (Azure has no UDP probe).
        probeId: probe(tcp ? p.port : tcpPorts[0]).id,
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
