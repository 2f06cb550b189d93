/**
 * The closed lab's external firewall: a Linux network virtual appliance with two NICs (outside toward the simulated
 * Internet, inside toward the perimeter), IP forwarding on both (the only NICs of the lab with forwarding), and
 * iptables rules from the plan (see guest/iptables.ts): 1:1 NAT for NAT scenarios, plain routing for public ones.
 */
import { Construct } from "constructs";
import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { cidrContains, hostAt, isAzureReserved, parseCidr } from "../model/net";
import { checkPlacement, constructError, placementOf, prefixedName, resolveVmSettings, tagsOf, type LabResourceProps, type LabVmSettings } from "./common";
import { cloudConfig } from "../lab/guest/cloud-init";
import {
  applianceConfigOf,
  APPLIANCE_SYSCTL,
  FIREWALL_CHECK_SCRIPT,
  firewallCheckScript,
  IPTABLES_UNIT,
  iptablesRules,
  type FirewallApplianceConfig,
} from "../lab/guest/iptables";
import { ROUTES_SCRIPT, ROUTES_UNIT, routesScript } from "./guest/linux-net";
import { azureName } from "./names";
import type { IPerimeterNetwork, PerimeterSubnet } from "./network";
import { placementFromPlan, planLayout, planSite, vmSettingsFromPlan, type PlanPlacementProps, type PlanSliceProps } from "./plan-slice";
import { LinuxLabVm } from "./vm";
import { suppressPolicy } from "../policy/pack";

/** One side of the appliance: its subnet and its static address there. */
export interface ApplianceInterface {
  readonly subnet: PerimeterSubnet;
  readonly ip: string;
}

export interface EdgeFirewallApplianceProps extends LabResourceProps {
  /** Site the appliance guards: its name is "fw<site>", its tags carry the site. */
  readonly site: string;
  /** The outside NIC, toward the (simulated) Internet. */
  readonly outside: ApplianceInterface;
  /** The inside NIC, toward the perimeter external networks. */
  readonly inside: ApplianceInterface;
  /**
   * NAT mappings and forwarding rules: `applianceConfigOf(plan, layout, site)` (the plan's external firewall rows, NAT-02..04).
   */
  readonly config: FirewallApplianceConfig;
  /** Prefixes behind the inside NIC (the perimeter networks), routed through the inside subnet's gateway. */
  readonly insidePrefixes: readonly string[];
  /** Administrator credentials, size (`linuxVmSize`) and auto-shutdown of the appliance VM. */
  readonly vm: LabVmSettings;
}

/** What `EdgeFirewallAppliance.fromPlan` takes. */
export interface EdgeFirewallApplianceFromPlanProps extends PlanSliceProps, PlanPlacementProps {
  /** The lab network holding the site's appliance subnets (`EdgePerimeterNetwork`: "fwout" and "fwin"). */
  readonly network: IPerimeterNetwork;
  /**
   * Administrator credentials, size (`linuxVmSize`) and auto-shutdown of the appliance VM; the shutdown time and time
   * zone not given here are the plan's lab options.
   */
  readonly vm: LabVmSettings;
}

/** The external firewall appliance of one site (closed lab): routes and translates between the Internet and the perimeter. */
export class EdgeFirewallAppliance extends Construct {
  /**
   * The appliance of one plan site of a closed lab: its addresses from the lab layout, its subnets from `network`,
   * its NAT mappings and forwarding rules from the plan's external firewall rows.
   */
  static fromPlan(scope: Construct, id: string, props: EdgeFirewallApplianceFromPlanProps): EdgeFirewallAppliance {
    const where = `${scope.node.path}/${id}`;
    const { plan } = props;
    const site = planSite(where, plan, props.site);
    const layout = planLayout(plan);
    const siteLayout = layout.sites.find((s) => s.site.name === site.name)!;
    const fw = siteLayout.firewall;
    if (!fw) throw constructError(where, undefined, `the plan's lab mode is ${plan.scenario.labMode}: only a closed lab has a firewall appliance`);
    const subnetOfKey = (key: string) => props.network.subnetFor(site.name, siteLayout.subnets.find((s) => s.key === key)!.cidr);
    return new EdgeFirewallAppliance(scope, id, {
      ...placementFromPlan(props, plan, site),
      site: site.name,
      outside: { subnet: subnetOfKey("fwout"), ip: fw.outsideIp },
      inside: { subnet: subnetOfKey("fwin"), ip: fw.insideIp },
      config: applianceConfigOf(plan, layout, siteLayout),
      insidePrefixes: siteLayout.addressSpace.filter((p) => p !== siteLayout.infraCidr),
      vm: vmSettingsFromPlan(plan, props.vm),
    });
  }

  readonly outsideNic: NetworkInterface;
  readonly insideNic: NetworkInterface;
  readonly vm: LinuxLabVm;
  readonly config: FirewallApplianceConfig;

  constructor(scope: Construct, id: string, props: EdgeFirewallApplianceProps) {
    super(scope, id);
    checkPlacement(this, props);
    const name = props.site;
    for (const [side, iface] of [
      ["outside", props.outside],
      ["inside", props.inside],
    ] as const) {
      const range = parseCidr(iface.subnet.cidr);
      if (!cidrContains(range, iface.ip)) throw constructError(this, "LAB-ADDR-01", `${side} address ${iface.ip} is not in its subnet ${iface.subnet.cidr}`);
      if (isAzureReserved(range, iface.ip))
        throw constructError(this, "LAB-ADDR-03", `${side} address ${iface.ip} is reserved by Azure in ${iface.subnet.cidr}`);
    }
    for (const m of props.config.nat) {
      if (!props.insidePrefixes.some((p) => cidrContains(parseCidr(p), m.privateIp))) {
        throw constructError(
          this,
          "NAT-01",
          `NAT mapping ${m.label} translates to ${m.privateIp}, which is not behind the inside interface (${props.insidePrefixes.join(", ")})`,
        );
      }
    }
    const vm = resolveVmSettings(this, props.vm);
    const nic = (which: "outside" | "inside", iface: ApplianceInterface) =>
      new NetworkInterface(this, `nic-${which}`, {
        name: prefixedName(props, "networkInterface", "nic", `fw${name}`, which),
        location: props.location,
        resourceGroupName: props.resourceGroupName,
        ipForwardingEnabled: true,
        ipConfiguration: [{ name: which, primary: true, subnetId: iface.subnet.subnetId, privateIpAddressAllocation: "Static", privateIpAddress: iface.ip }],
        tags: tagsOf(props, name),
      });
    this.outsideNic = nic("outside", props.outside);
    this.insideNic = nic("inside", props.inside);
    suppressPolicy(this, [
      {
        id: "LAB-POL-08",
        reason: "this is the closed lab's external firewall appliance: it routes and translates (1:1 NAT) between the simulated Internet and the perimeter",
      },
    ]);
    this.config = props.config;
    const insideGateway = hostAt(parseCidr(props.inside.subnet.cidr), 1);
    const routes = props.insidePrefixes.map((p) => ({ destination: p, via: insideGateway, nicAddress: props.inside.ip }));
    const rules = iptablesRules(this.config);
    const init = cloudConfig({
      files: [
        { path: "/etc/sysctl.d/90-edge-lab.conf", content: APPLIANCE_SYSCTL },
        { path: "/etc/iptables/edge-lab.rules", content: rules, permissions: "0600" },
        { path: FIREWALL_CHECK_SCRIPT, content: firewallCheckScript(rules), permissions: "0755" },
        { path: "/etc/systemd/system/edge-lab-firewall.service", content: IPTABLES_UNIT },
        { path: ROUTES_SCRIPT, content: routesScript(routes), permissions: "0755" },
        { path: "/etc/systemd/system/edge-lab-routes.service", content: ROUTES_UNIT },
      ],
      runcmd: [
        "sysctl --system",
        "systemctl daemon-reload",
        "systemctl enable --now edge-lab-firewall.service",
        "systemctl enable --now edge-lab-routes.service",
      ],
    });
    this.vm = new LinuxLabVm(this, "appliance", {
      ...placementOf(props),
      vm,
      name: azureName("linuxVm", `fw${name}`),
      site: name,
      nicIds: [this.outsideNic.id, this.insideNic.id],
      cloudInit: init,
    });
  }
}
