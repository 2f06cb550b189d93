/**
 * Lab servers from the plan's `servers`: NICs and ip configurations exactly as the plan lists them (interface order =
 * NIC order, the first NIC primary; address order = ip configuration order, the plan's primary address primary), then
 * the VM for the server's role: Edge (Windows, guest PowerShell), Director (Windows, internal side), reverse proxy
 * (Linux + nginx from the publishing rules). Each server is its own VM: Edge, Director and reverse proxy are dedicated
 * servers, never collocated with other roles (NET-09).
 *
 * Internet mode: an ip configuration gets its own Standard static public IP when a plan row of the external firewall
 * lets the Internet reach its address (every Edge service address without HLB; the A/V addresses with HLB, whose
 * Access / Web Conferencing traffic goes to the VIPs; the reverse proxy listener).
 */
import { Construct } from "constructs";
import { NetworkInterface, type NetworkInterfaceIpConfiguration } from "@cdktf/provider-azurerm/lib/network-interface";
import { PublicIp } from "@cdktf/provider-azurerm/lib/public-ip";
import type { PlanAddress, PlanServer } from "../model/plan";
import type { LabContext } from "./context";
import { cloudConfig } from "./guest/cloud-init";
import { ROUTES_SCRIPT, ROUTES_UNIT, routesScript, type LinuxRoute } from "./guest/linux-net";
import { nginxConfig, selfSignedCertCommands } from "./guest/nginx";
import { windowsGuestScript } from "./guest/powershell";
import { azureName } from "./names";
import type { LabNetwork } from "./network";
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

export interface NicAddress {
  readonly server: PlanServer;
  readonly nic: NetworkInterface;
  readonly ipConfigName: string;
  readonly address: PlanAddress;
  readonly publicIp?: PublicIp;
}

/** Every lab address, by private address, and the Azure public IPs that stand for plan public addresses. */
export class AddressBook {
  private readonly byIp = new Map<string, NicAddress>();
  /** Plan public address (or VIP) -> the Azure public IP standing for it (internet mode). */
  readonly publicIps = new Map<string, { readonly pip: PublicIp; readonly label: string }>();

  add(entry: NicAddress): void {
    if (this.byIp.has(entry.address.ip)) throw new Error(`edge-lab: address ${entry.address.ip} is used by two ip configurations`);
    this.byIp.set(entry.address.ip, entry);
  }

  get(ip: string): NicAddress {
    const found = this.byIp.get(ip);
    if (!found) throw new Error(`edge-lab: no lab NIC holds ${ip}`);
    return found;
  }
}

/** Addresses the Internet reaches directly according to the plan's external firewall rows. */
export function internetFacingAddresses(ctx: LabContext): Set<string> {
  return new Set(
    ctx.plan.firewallRules
      .filter((r) => r.firewall === "external" && r.direction === "inbound" && r.source.addresses.includes("Internet"))
      .flatMap((r) => r.destination.addresses),
  );
}

export interface LabServerProps {
  readonly server: PlanServer;
  readonly network: LabNetwork;
  readonly addresses: AddressBook;
}

/** NICs of a plan server. */
function createNics(scope: Construct, ctx: LabContext, props: LabServerProps): NetworkInterface[] {
  const { server, network, addresses } = props;
  const site = ctx.plan.scenario.sites.find((s) => s.name === server.site)!;
  const facing = ctx.layout.mode === "internet" ? internetFacingAddresses(ctx) : new Set<string>();
  return server.interfaces.map((iface, n) => {
    const { subnet } = network.subnetByCidr(server.site, iface.subnet);
    const suffix = server.interfaces.length === 1 ? "" : iface.side === "external" ? "ext" : "int";
    const pips = new Map<string, PublicIp>();
    const ipConfiguration = iface.addresses.map((a): NetworkInterfaceIpConfiguration => {
      let publicIpAddressId: string | undefined;
      if (facing.has(a.ip)) {
        const pip = new PublicIp(scope, `pip-${IP_CONFIG_NAME[a.role]}`, {
          name: azureName("publicIp", "pip", server.name, IP_CONFIG_NAME[a.role]),
          location: site.region,
          resourceGroupName: ctx.resourceGroupName,
          sku: "Standard",
          allocationMethod: "Static",
          tags: ctx.tags(server.site),
        });
        pips.set(a.ip, pip);
        publicIpAddressId = pip.id;
      }
      return {
        name: IP_CONFIG_NAME[a.role],
        primary: a.primary,
        subnetId: subnet.id,
        privateIpAddressAllocation: "Static",
        privateIpAddress: a.ip,
        ...(publicIpAddressId ? { publicIpAddressId } : {}),
      };
    });
    const nic = new NetworkInterface(scope, `nic-${n + 1}`, {
      name: azureName("networkInterface", "nic", server.name, suffix),
      location: site.region,
      resourceGroupName: ctx.resourceGroupName,
      ipForwardingEnabled: false,
      ipConfiguration,
      tags: ctx.tags(server.site),
    });
    for (const a of iface.addresses) {
      const pip = pips.get(a.ip);
      addresses.add({ server, nic, ipConfigName: IP_CONFIG_NAME[a.role], address: a, ...(pip ? { publicIp: pip } : {}) });
      if (pip) addresses.publicIps.set(a.publicIp ?? a.ip, { pip, label: `${server.id}.${IP_CONFIG_NAME[a.role]}` });
    }
    return nic;
  });
}

/** A Windows lab server (Edge or Director): NICs from the plan, guest configuration from the plan. */
export class WindowsLabServer extends Construct {
  readonly nics: readonly NetworkInterface[];
  readonly vm: WindowsLabVm;

  constructor(scope: Construct, id: string, ctx: LabContext, props: LabServerProps) {
    super(scope, id);
    const { server } = props;
    if (server.role === "reverse-proxy") throw new Error(`edge-lab: ${server.id} is a reverse proxy; use ReverseProxy`);
    if (server.role === "edge" && server.interfaces[0]?.side !== "external") {
      throw new Error(`edge-lab: Edge ${server.id} must list its external interface first (Azure gives only the primary NIC a gateway)`);
    }
    this.nics = createNics(this, ctx, props);
    const site = ctx.plan.scenario.sites.find((s) => s.name === server.site)!;
    this.vm = new WindowsLabVm(this, "server", ctx, {
      name: server.name,
      site: server.site,
      location: site.region,
      nicIds: this.nics.map((n) => n.id),
      guestScript: windowsGuestScript(server, { dnsSuffix: ctx.plan.scenario.internalDomain }),
    });
  }
}

/** The Edge Servers of one site (a pool when several). */
export class EdgePool extends Construct {
  readonly servers: readonly WindowsLabServer[];

  constructor(scope: Construct, id: string, ctx: LabContext, props: { readonly site: string; readonly network: LabNetwork; readonly addresses: AddressBook }) {
    super(scope, id);
    const members = ctx.plan.servers.filter((s) => s.site === props.site && s.role === "edge");
    if (members.length === 0) throw new Error(`edge-lab: site ${props.site} has no Edge Server in the plan`);
    this.servers = members.map((server) => new WindowsLabServer(this, server.id, ctx, { server, network: props.network, addresses: props.addresses }));
  }
}

/** The reverse proxy: Linux + nginx, two NICs like the Edge (RP-06), publishing rules from the plan. */
export class ReverseProxy extends Construct {
  readonly nics: readonly NetworkInterface[];
  readonly vm: LinuxLabVm;

  constructor(scope: Construct, id: string, ctx: LabContext, props: LabServerProps) {
    super(scope, id);
    const { server } = props;
    if (server.role !== "reverse-proxy") throw new Error(`edge-lab: ${server.id} is not a reverse proxy`);
    const external = server.interfaces.find((i) => i.side === "external");
    if (!external) throw new Error(`edge-lab: reverse proxy ${server.id} has no external interface`);
    this.nics = createNics(this, ctx, props);
    const rules = ctx.plan.publishingRules.filter((r) => r.site === server.site);
    const routes: LinuxRoute[] = server.interfaces.flatMap((i) => i.routes.map((r) => ({ destination: r.destination, via: r.via, nicAddress: i.addresses[0].ip })));
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
    const site = ctx.plan.scenario.sites.find((s) => s.name === server.site)!;
    this.vm = new LinuxLabVm(this, "server", ctx, { name: server.name, site: server.site, location: site.region, nicIds: this.nics.map((n) => n.id), cloudInit: init });
  }
}
