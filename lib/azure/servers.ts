/**
 * Lab servers from the plan's `servers`: NICs and ip configurations exactly as the plan lists them (interface order =
 * NIC order, the first NIC primary; address order = ip configuration order, the plan's primary address primary), then
 * the VM for the server's role: Edge (Windows, guest PowerShell), Director (Windows, internal side), reverse proxy
 * (Linux + nginx from the publishing rules). Each server is its own VM: Edge, Director and reverse proxy are dedicated
 * servers, never collocated with other roles (NET-09).
 *
 * Constructs: `EdgePool` (the Edge Servers of one pool: single or several, DNS or hardware load balanced, NAT or
 * public addressing), `DirectorPool`, `ReverseProxy`. Each takes its slice of the plan (its servers, the reverse
 * proxy's publishing rules), a network (`IPerimeterNetwork`: the lab's or your own subnets) and the VM settings, and
 * checks the servers against the reference rules at construction. NICs, ip configurations and public IPs are public
 * read-only properties; a load balancer finds its members through `ILoadBalancerTargets`.
 *
 * Internet mode: an ip configuration gets its own Standard static public IP when a plan row of the external firewall
 * lets the Internet reach its address (every Edge service address without HLB; the A/V addresses with HLB, whose
 * Access / Web Conferencing traffic goes to the VIPs; the reverse proxy listener).
 */
import { Construct } from "constructs";
import { NetworkInterface, type NetworkInterfaceIpConfiguration } from "@cdktf/provider-azurerm/lib/network-interface";
import { PublicIp } from "@cdktf/provider-azurerm/lib/public-ip";
import type { FirewallRule, Plan, PlanAddress, PlanServer, PlanSite, PublishingRule } from "../model/plan";
import { cidrContains, isAzureReserved, parseCidr } from "../model/net";
import { includesInternet } from "../model/peer";
import {
  checkPlacement,
  constructError,
  placementOf,
  prefixedName,
  resolveVmSettings,
  tagsOf,
  type LabResourceProps,
  type LabVmSettings,
  type ResolvedVmSettings,
} from "./common";
import { cloudConfig } from "../lab/guest/cloud-init";
import { ROUTES_SCRIPT, ROUTES_UNIT, routesScript, type LinuxRoute } from "./guest/linux-net";
import { nginxConfig, selfSignedCertCommands } from "../lab/guest/nginx";
import { windowsGuestScript } from "./guest/powershell";
import type { IPerimeterNetwork } from "./network";
import { placementFromPlan, planSite, siteServers, vmSettingsFromPlan, type PlanPlacementProps, type PlanSliceProps } from "./plan-slice";
import { PRODUCTS } from "../model/products";
import { LinuxLabVm, WindowsLabVm } from "./vm";

/** ip configuration names per address role (Azure: 1-80 characters, unique per NIC). */
export const IP_CONFIG_NAME: Readonly<Record<PlanAddress["role"], string>> = {
  access: "access",
  webConferencing: "webconf",
  av: "av",
  internal: "internal",
  listener: "listener",
  server: "server",
};

/** One plan address as created: the NIC and ip configuration holding it, and its public IP if it has one. */
export interface LabIpConfiguration {
  readonly server: PlanServer;
  readonly nic: NetworkInterface;
  readonly ipConfigName: string;
  readonly address: PlanAddress;
  readonly publicIp?: PublicIp;
}

/** An Azure public IP standing for a plan address (internet mode): for DNS records, outputs and Topology Builder. */
export interface LabPublicAddress {
  /** The plan address it stands for (a public address or a VIP). */
  readonly planAddress: string;
  /** "<server id>.<ip configuration>" or the VIP id. */
  readonly label: string;
  readonly publicIp: PublicIp;
}

/** Something a load balancer can put in its backend pools: it holds the members' ip configurations. */
export interface ILoadBalancerTargets {
  /** The ip configuration holding the plan address `ip`, if this construct created it. */
  ipConfigurationFor(ip: string): LabIpConfiguration | undefined;
}

/**
 * The plan addresses the Internet reaches directly according to the external firewall's inbound rows: in internet
 * mode each gets its own public IP (pass them as `publicAddresses`).
 */
export function internetFacingAddresses(firewallRules: readonly FirewallRule[]): string[] {
  return [
    ...new Set(
      firewallRules.filter((r) => r.firewall === "external" && r.direction === "inbound" && includesInternet(r.source)).flatMap((r) => r.destination.addresses),
    ),
  ];
}

/** What every server construct takes besides its servers. */
export interface LabServerCommonProps extends LabResourceProps {
  /** Subnets for the NICs: `EdgePerimeterNetwork`, or `EdgePerimeterNetwork.fromExistingSubnets(...)`. */
  readonly network: IPerimeterNetwork;
  /** Administrator credentials, sizes, auto-shutdown. */
  readonly vm: LabVmSettings;
  /**
   * Plan addresses that get their own Standard static public IP (the Internet reaches them without NAT of yours;
   * `internetFacingAddresses(plan.firewallRules)` in an internet-mode lab).
   * @default none: the addresses are reached through your NAT or firewall (the closed lab's appliance)
   */
  readonly publicAddresses?: readonly string[];
}

export interface WindowsServerProps extends LabServerCommonProps {
  /**
   * Windows Server image SKU (MicrosoftWindowsServer / WindowsServer): the plan's `scenario.labImage.sku`, which follows
   * the product (lib/model/products.ts) or the scenario's lab.imageSku.
   * @default "2019-Datacenter" (Skype for Business Server Subscription Edition's lab image)
   */
  readonly imageSku?: string;
  /** DNS suffix of the server's adapters. @default the domain of the server's FQDN */
  readonly dnsSuffix?: string;
}

/** Base of the server constructs: creates NICs from plan servers and remembers every ip configuration. */
abstract class LabServerGroup extends Construct implements ILoadBalancerTargets {
  private readonly createdIpConfigurations: LabIpConfiguration[] = [];
  private readonly createdPublicAddresses: LabPublicAddress[] = [];

  /** Every plan address of these servers, as created. */
  get ipConfigurations(): readonly LabIpConfiguration[] {
    return this.createdIpConfigurations;
  }

  /** The public IPs created for `publicAddresses`. */
  get publicAddresses(): readonly LabPublicAddress[] {
    return this.createdPublicAddresses;
  }

  ipConfigurationFor(ip: string): LabIpConfiguration | undefined {
    return this.ipConfigurations.find((c) => c.address.ip === ip);
  }

  /** NICs of a plan server in plan order (interface order = NIC order; address order = ip configuration order). */
  protected createNics(scope: Construct, server: PlanServer, props: LabServerCommonProps): NetworkInterface[] {
    const facing = new Set(props.publicAddresses ?? []);
    const tags = () => tagsOf(props, server.site);
    return server.interfaces.map((iface, n) => {
      const subnet = props.network.subnetFor(server.site, iface.subnet);
      const range = parseCidr(subnet.cidr);
      for (const a of iface.addresses) {
        if (!cidrContains(range, a.ip)) throw constructError(this, "LAB-ADDR-01", `${server.id} ${a.role} address ${a.ip} is not in its subnet ${subnet.cidr}`);
        if (isAzureReserved(range, a.ip))
          throw constructError(this, "LAB-ADDR-03", `${server.id} ${a.role} address ${a.ip} is reserved by Azure in ${subnet.cidr}`);
      }
      const suffix = server.interfaces.length === 1 ? "" : iface.side === "external" ? "ext" : "int";
      const pips = new Map<string, PublicIp>();
      const ipConfiguration = iface.addresses.map((a): NetworkInterfaceIpConfiguration => {
        let publicIpAddressId: string | undefined;
        if (facing.has(a.ip)) {
          const pip = new PublicIp(scope, `pip-${IP_CONFIG_NAME[a.role]}`, {
            name: prefixedName(props, "publicIp", "pip", server.name, IP_CONFIG_NAME[a.role]),
            location: props.location,
            resourceGroupName: props.resourceGroupName,
            sku: "Standard",
            allocationMethod: "Static",
            tags: tags(),
          });
          pips.set(a.ip, pip);
          publicIpAddressId = pip.id;
        }
        return {
          name: IP_CONFIG_NAME[a.role],
          primary: a.primary,
          subnetId: subnet.subnetId,
          privateIpAddressAllocation: "Static",
          privateIpAddress: a.ip,
          ...(publicIpAddressId ? { publicIpAddressId } : {}),
        };
      });
      const nic = new NetworkInterface(scope, `nic-${n + 1}`, {
        name: prefixedName(props, "networkInterface", "nic", server.name, suffix),
        location: props.location,
        resourceGroupName: props.resourceGroupName,
        ipForwardingEnabled: false,
        ipConfiguration,
        tags: tags(),
      });
      for (const a of iface.addresses) {
        const pip = pips.get(a.ip);
        this.createdIpConfigurations.push({ server, nic, ipConfigName: IP_CONFIG_NAME[a.role], address: a, ...(pip ? { publicIp: pip } : {}) });
        if (pip) this.createdPublicAddresses.push({ planAddress: a.publicIp ?? a.ip, label: `${server.id}.${IP_CONFIG_NAME[a.role]}`, publicIp: pip });
      }
      return nic;
    });
  }

  /** Checks that every server has `role` and that they all belong to one site (NET-09: dedicated servers). */
  protected checkServers(servers: readonly PlanServer[], role: PlanServer["role"], what: string): string {
    if (servers.length === 0) throw constructError(this, "NET-09", `${what} needs at least one server of role ${role}`);
    for (const s of servers) {
      if (s.role !== role)
        throw constructError(
          this,
          "NET-09",
          `${s.id} has role ${s.role}; ${what} holds only ${role} servers (Edge, Director and reverse proxy are dedicated servers)`,
        );
    }
    const sites = [...new Set(servers.map((s) => s.site))];
    if (sites.length > 1) throw constructError(this, "LB-01", `${what} servers are in several sites (${sites.join(", ")}); a pool lives in one site`);
    return sites[0];
  }
}

/** One Windows lab server (an Edge Server or a Director): its NICs and its VM. */
export class WindowsLabServer extends Construct {
  readonly nics: readonly NetworkInterface[];
  readonly vm: WindowsLabVm;

  /** @internal created by EdgePool and DirectorPool, which own the NICs' ip configurations. */
  constructor(
    scope: Construct,
    id: string,
    server: PlanServer,
    nics: (scope: Construct) => NetworkInterface[],
    props: WindowsServerProps & { readonly vmSettings: ResolvedVmSettings },
  ) {
    super(scope, id);
    this.nics = nics(this);
    this.vm = new WindowsLabVm(this, "server", {
      ...placementOf(props),
      vm: props.vmSettings,
      name: server.name,
      site: server.site,
      nicIds: this.nics.map((n) => n.id),
      imageSku: props.imageSku ?? PRODUCTS.sfbse.labImage.sku,
      guestScript: windowsGuestScript(server, { dnsSuffix: props.dnsSuffix ?? server.fqdn.slice(server.fqdn.indexOf(".") + 1) }),
    });
  }
}

/** What the `fromPlan` helpers of the server constructs take besides the plan and the site. */
export interface ServersFromPlanProps extends PlanSliceProps, PlanPlacementProps {
  /** Subnets for the NICs: `EdgePerimeterNetwork`, or `EdgePerimeterNetwork.fromExistingSubnets(...)`. */
  readonly network: IPerimeterNetwork;
  /**
   * Administrator credentials, sizes, auto-shutdown; the Windows VM size, shutdown time and time zone not given here
   * are the plan's lab options (`plan.scenario.lab`).
   */
  readonly vm: LabVmSettings;
  /**
   * Plan addresses that get their own Standard static public IP: a list, or "internet-facing" for every address the
   * plan's external firewall rows let the Internet reach (`internetFacingAddresses(plan.firewallRules)`).
   * @default none: the addresses are reached through your NAT or firewall (the closed lab's appliance)
   */
  readonly publicAddresses?: readonly string[] | "internet-facing";
}

/** The `publicAddresses` of a construct made from the plan. */
function publicAddressesOf(props: ServersFromPlanProps): { publicAddresses?: readonly string[] } {
  const { publicAddresses } = props;
  if (publicAddresses === undefined) return {};
  return { publicAddresses: publicAddresses === "internet-facing" ? internetFacingAddresses(props.plan.firewallRules) : publicAddresses };
}

/** What `EdgePool.fromPlan` and `DirectorPool.fromPlan` take. */
export interface WindowsServersFromPlanProps extends ServersFromPlanProps {
  /** Windows Server image SKU. @default the plan's lab image (`plan.scenario.labImage.sku`) */
  readonly imageSku?: string;
  /** DNS suffix of the servers' adapters. @default the plan's internal domain */
  readonly dnsSuffix?: string;
}

/** The props of a Windows server construct of `site`, from the plan. */
function windowsServerProps(props: WindowsServersFromPlanProps, plan: Plan, site: PlanSite): WindowsServerProps {
  return {
    ...placementFromPlan(props, plan, site),
    network: props.network,
    vm: vmSettingsFromPlan(plan, props.vm),
    ...publicAddressesOf(props),
    imageSku: props.imageSku ?? plan.scenario.labImage.sku,
    dnsSuffix: props.dnsSuffix ?? plan.scenario.internalDomain,
  };
}

export interface EdgePoolProps extends WindowsServerProps {
  /**
   * The Edge Servers of one pool, in pool order: `plan.servers` of role "edge" in one site. One server is a single
   * consolidated Edge; several are a pool, DNS or hardware load balanced as the plan says (add an
   * `EdgeLoadBalancer` for the plan's VIPs when hardware load balanced).
   */
  readonly servers: readonly PlanServer[];
}

/**
 * The Edge Servers of one site: single or pooled, NAT or public addressing. Each server gets the NICs the plan lists
 * (external first: Azure gives only the primary NIC a default gateway, NET-02), the Windows VM and its guest
 * configuration (addresses, routes, HOSTS, from the plan).
 *
 * ```ts
 * const pool = new EdgePool(stack, "edge", {
 *   servers: plan.servers.filter((s) => s.role === "edge"), // or EdgePool.fromPlan(stack, "edge", { plan, site: "hq", ... })
 *   network: EdgePerimeterNetwork.fromExistingSubnets([{ subnetId: dmzExternal.id, cidr: "10.45.16.0/24" }, { subnetId: dmzInternal.id, cidr: "172.25.33.0/24" }]),
 *   vm: { adminPassword: password.result },
 *   resourceGroupName: rg.name, location: "westeurope", scenarioId: plan.scenario.id,
 * });
 * ```
 */
export class EdgePool extends LabServerGroup {
  /**
   * The Edge pool of one plan site: its Edge Servers in pool order, the plan's lab image and internal domain, the
   * site's region and the plan's id as defaults.
   *
   * ```ts
   * const edge = EdgePool.fromPlan(stack, "edge", { plan, site: "hq", resourceGroupName: rg.name, network, vm: { adminPassword: password.value } });
   * ```
   */
  static fromPlan(scope: Construct, id: string, props: WindowsServersFromPlanProps): EdgePool {
    const site = planSite(`${scope.node.path}/${id}`, props.plan, props.site);
    return new EdgePool(scope, id, { ...windowsServerProps(props, props.plan, site), servers: siteServers(props.plan, site.name, "edge") });
  }

  /** The site of the pool. */
  readonly site: string;
  readonly servers: readonly WindowsLabServer[];

  constructor(scope: Construct, id: string, props: EdgePoolProps) {
    super(scope, id);
    checkPlacement(this, props);
    this.site = this.checkServers(props.servers, "edge", "an Edge pool");
    for (const server of props.servers) {
      const external = server.interfaces.filter((i) => i.side === "external");
      const internal = server.interfaces.filter((i) => i.side === "internal");
      if (external.length === 0 || internal.length === 0) throw constructError(this, "NET-01", `Edge ${server.id} needs an external and an internal interface`);
      if (server.interfaces[0].side !== "external")
        throw constructError(this, "NET-02", `Edge ${server.id} must list its external interface first (Azure gives only the primary NIC a default gateway)`);
      if (internal.some((i) => i.gateway !== null)) throw constructError(this, "NET-03", `Edge ${server.id}: the internal interface has no default gateway`);
      if (internal.some((i) => i.addresses.some((a) => a.natPublic !== undefined)))
        throw constructError(this, "NAT-01", `Edge ${server.id}: NAT is supported on the external interface only`);
      if (external.some((e) => internal.some((i) => i.subnet === e.subnet)))
        throw constructError(this, "NET-04", `Edge ${server.id}: the internal and external interfaces must be in different subnets`);
      if (!external[0].addresses[0]?.primary || external[0].addresses[0].role !== "access")
        throw constructError(this, "NET-05", `Edge ${server.id}: the Access Edge address is the first, primary address of the external interface`);
    }
    const vmSettings = resolveVmSettings(this, props.vm);
    this.servers = props.servers.map(
      (server) => new WindowsLabServer(this, server.id, server, (s) => this.createNics(s, server, props), { ...props, vmSettings }),
    );
  }
}

export interface DirectorPoolProps extends WindowsServerProps {
  /** The Directors of one site (`plan.servers` of role "director"): one Director or a pool. */
  readonly servers: readonly PlanServer[];
}

/**
 * A Director or Director pool on the internal network (DIR-01: one adapter, never collocated). A pool's web services
 * VIP is the plan's `director-web` VIP: pass this construct to `EdgeLoadBalancer` as a target.
 */
export class DirectorPool extends LabServerGroup {
  /** The Director or Director pool of one plan site (NET-09 when the site has none), with the plan's defaults. */
  static fromPlan(scope: Construct, id: string, props: WindowsServersFromPlanProps): DirectorPool {
    const site = planSite(`${scope.node.path}/${id}`, props.plan, props.site);
    return new DirectorPool(scope, id, { ...windowsServerProps(props, props.plan, site), servers: siteServers(props.plan, site.name, "director") });
  }

  readonly site: string;
  readonly servers: readonly WindowsLabServer[];

  constructor(scope: Construct, id: string, props: DirectorPoolProps) {
    super(scope, id);
    checkPlacement(this, props);
    this.site = this.checkServers(props.servers, "director", "a Director pool");
    for (const server of props.servers) {
      if (server.interfaces.length !== 1)
        throw constructError(this, "DIR-01", `Director ${server.id} has ${server.interfaces.length} interfaces; a Director is not multi-homed`);
    }
    const vmSettings = resolveVmSettings(this, props.vm);
    this.servers = props.servers.map(
      (server) => new WindowsLabServer(this, server.id, server, (s) => this.createNics(s, server, props), { ...props, vmSettings }),
    );
  }
}

export interface ReverseProxyProps extends LabServerCommonProps {
  /** The reverse proxy: a plan server of role "reverse-proxy". */
  readonly server: PlanServer;
  /** Its publishing rules (`plan.publishingRules` of its site): nginx listeners and targets (RP-02). */
  readonly publishingRules: readonly PublishingRule[];
}

/** What `ReverseProxy.fromPlan` takes. */
export interface ReverseProxyFromPlanProps extends ServersFromPlanProps {
  /** The plan id of the reverse proxy (e.g. "hq-rp-01"). @default the site's only reverse proxy (an error when it has several) */
  readonly serverId?: string;
}

/** The reverse proxy: Linux + nginx, two NICs like the Edge (RP-06), publishing rules from the plan. */
export class ReverseProxy extends LabServerGroup {
  /** The reverse proxy of one plan site with the site's publishing rules, and the plan's defaults. */
  static fromPlan(scope: Construct, id: string, props: ReverseProxyFromPlanProps): ReverseProxy {
    const where = `${scope.node.path}/${id}`;
    const { plan } = props;
    const site = planSite(where, plan, props.site);
    const proxies = siteServers(plan, site.name, "reverse-proxy");
    const server = props.serverId === undefined ? (proxies.length === 1 ? proxies[0] : undefined) : proxies.find((s) => s.id === props.serverId);
    if (!server)
      throw constructError(
        where,
        "NET-09",
        `site ${site.name} has ${props.serverId === undefined ? `${proxies.length} reverse proxies; name one as \`serverId\`` : `no reverse proxy ${props.serverId}`} (its reverse proxies: ${proxies.map((s) => s.id).join(", ") || "none"})`,
      );
    return new ReverseProxy(scope, id, {
      ...placementFromPlan(props, plan, site),
      network: props.network,
      vm: vmSettingsFromPlan(plan, props.vm),
      ...publicAddressesOf(props),
      server,
      publishingRules: plan.publishingRules.filter((r) => r.site === site.name),
    });
  }

  readonly nics: readonly NetworkInterface[];
  readonly vm: LinuxLabVm;

  constructor(scope: Construct, id: string, props: ReverseProxyProps) {
    super(scope, id);
    const { server } = props;
    checkPlacement(this, props);
    this.checkServers([server], "reverse-proxy", "ReverseProxy");
    const external = server.interfaces.find((i) => i.side === "external");
    if (!external) throw constructError(this, "RP-06", `reverse proxy ${server.id} has no external interface`);
    if (server.interfaces[0] !== external)
      throw constructError(this, "RP-06", `reverse proxy ${server.id} must list its external interface (the one with the default gateway) first`);
    const rules = props.publishingRules;
    const foreign = rules.find((r) => r.site !== server.site);
    if (foreign) throw constructError(this, "RP-02", `publishing rule ${foreign.publicName} belongs to site ${foreign.site}, not to ${server.site}`);
    const vm = resolveVmSettings(this, props.vm);
    this.nics = this.createNics(this, server, props);
    const routes: LinuxRoute[] = server.interfaces.flatMap((i) =>
      i.routes.map((r) => ({ destination: r.destination, via: r.via, nicAddress: i.addresses[0].ip })),
    );
    const hosts = server.hosts.map((h) => `${h.ip} ${h.fqdn}`).join("\n");
    const init = cloudConfig({
      files: [
        { path: "/etc/nginx/conf.d/edge-lab.conf", content: nginxConfig(rules, external.addresses[0].ip) },
        { path: ROUTES_SCRIPT, content: routesScript(routes), permissions: "0755" },
        { path: "/etc/systemd/system/edge-lab-routes.service", content: ROUTES_UNIT },
        { path: "/etc/edge-lab/hosts", content: `${hosts}\n` },
      ],
      runcmd: [
        "cat /etc/edge-lab/hosts >> /etc/hosts",
        "systemctl daemon-reload",
        "systemctl enable --now edge-lab-routes.service",
        // In the closed lab the way out is the firewall appliance, which may still be booting: retry.
        "for i in $(seq 1 30); do apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y nginx openssl && break; sleep 20; done",
        ...selfSignedCertCommands(rules),
        "rm -f /etc/nginx/sites-enabled/default",
        "systemctl restart nginx",
      ],
    });
    this.vm = new LinuxLabVm(this, "server", {
      ...placementOf(props),
      vm,
      name: server.name,
      site: server.site,
      nicIds: this.nics.map((n) => n.id),
      cloudInit: init,
    });
  }
}
