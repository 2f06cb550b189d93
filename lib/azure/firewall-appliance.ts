/**
 * The closed lab's external firewall: a Linux network virtual appliance with two NICs (outside toward the simulated
 * Internet, inside toward the perimeter), IP forwarding on both (the only NICs of the lab with forwarding), and
 * iptables rules from the plan (see guest/iptables.ts): 1:1 NAT for NAT scenarios, plain routing for public ones.
 */
import { Construct } from "constructs";
import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import type { LabContext } from "./context";
import { cloudConfig } from "./guest/cloud-init";
import { FORWARDING_SYSCTL, IPTABLES_UNIT, applianceConfigOf, iptablesRules, type FirewallApplianceConfig } from "./guest/iptables";
import { ROUTES_SCRIPT, ROUTES_UNIT, routesScript } from "./guest/linux-net";
import type { SiteLayout } from "./layout";
import { hostAt, parseCidr } from "../model/net";
import { azureName } from "./names";
import type { LabNetwork } from "./network";
import { LinuxLabVm } from "./vm";
import { suppressPolicy } from "../policy/pack";

/** The appliance configuration of one site, from the plan (pure; exported for tests and other renderers). */
export function applianceConfig(ctx: LabContext, site: SiteLayout): FirewallApplianceConfig {
  return applianceConfigOf(ctx.plan, ctx.layout, site);
}

export class FirewallAppliance extends Construct {
  readonly outsideNic: NetworkInterface;
  readonly insideNic: NetworkInterface;
  readonly vm: LinuxLabVm;
  readonly config: FirewallApplianceConfig;

  constructor(scope: Construct, id: string, ctx: LabContext, props: { readonly site: SiteLayout; readonly network: LabNetwork }) {
    super(scope, id);
    const { site, network } = props;
    const fw = site.firewall;
    if (!fw) throw new Error(`edge-lab: site ${site.site.name} has no firewall appliance layout (closed mode only)`);
    const name = site.site.name;
    const nic = (which: "outside" | "inside", key: string, ip: string) =>
      new NetworkInterface(this, `nic-${which}`, {
        name: azureName("networkInterface", "nic", `fw${name}`, which),
        location: site.site.region,
        resourceGroupName: ctx.resourceGroupName,
        ipForwardingEnabled: true,
        ipConfiguration: [{ name: which, primary: true, subnetId: network.subnet(name, key).id, privateIpAddressAllocation: "Static", privateIpAddress: ip }],
        tags: ctx.tags(name),
      });
    this.outsideNic = nic("outside", "fwout", fw.outsideIp);
    this.insideNic = nic("inside", "fwin", fw.insideIp);
    suppressPolicy(this, [{ id: "LAB-POL-08", reason: "this is the closed lab's external firewall appliance: it routes and translates (1:1 NAT) between the simulated Internet and the perimeter" }]);
    this.config = applianceConfig(ctx, site);
    const insideSubnet = site.subnets.find((s) => s.key === "fwin")!;
    const insideGateway = hostAt(parseCidr(insideSubnet.cidr), 1);
    const routes = site.addressSpace.filter((p) => p !== site.infraCidr).map((p) => ({ destination: p, via: insideGateway, nicAddress: fw.insideIp }));
    const init = cloudConfig({
      files: [
        { path: "/etc/sysctl.d/90-edge-lab.conf", content: FORWARDING_SYSCTL },
        { path: "/etc/iptables/edge-lab.rules", content: iptablesRules(this.config), permissions: "0600" },
        { path: "/etc/systemd/system/edge-lab-firewall.service", content: IPTABLES_UNIT },
        { path: ROUTES_SCRIPT, content: routesScript(routes), permissions: "0755" },
        { path: "/etc/systemd/system/edge-lab-routes.service", content: ROUTES_UNIT },
      ],
      runcmd: ["sysctl --system", "systemctl daemon-reload", "systemctl enable --now edge-lab-firewall.service", "systemctl enable --now edge-lab-routes.service"],
    });
    this.vm = new LinuxLabVm(this, "appliance", ctx, {
      name: azureName("linuxVm", `fw${name}`),
      site: name,
      location: site.site.region,
      nicIds: [this.outsideNic.id, this.insideNic.id],
      cloudInit: init,
    });
  }
}
