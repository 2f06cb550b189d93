/**
 * Composition: a whole lab for one plan. `EdgeLabScenario` is a construct (use it in your own stack) that composes
 * the smaller constructs, handing each its slice of the plan through its props; `EdgeLabStack` is a ready
 * TerraformStack with the azurerm and random providers, the admin password and outputs.
 *
 * ```ts
 * const app = new App();
 * const { plan, scenario } = loadScenarioFile("scenarios/scaled-hlb.yaml");
 * new EdgeLabStack(app, plan!.scenario.id, { plan: plan!, lab: scenario!.lab });
 * app.synth();
 * ```
 */
import { Annotations, Aspects, TerraformOutput, TerraformStack } from "cdktf";
import { LabPolicyPack } from "../policy/pack";
import { Construct } from "constructs";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { NetworkInterface } from "@cdktf/provider-azurerm/lib/network-interface";
import { LinuxVirtualMachine } from "@cdktf/provider-azurerm/lib/linux-virtual-machine";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { WindowsVirtualMachine } from "@cdktf/provider-azurerm/lib/windows-virtual-machine";
import { Password } from "@cdktf/provider-random/lib/password";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import type { Plan } from "../model/plan";
import { constructError, resolveVmSettings, type LabResourceProps, type ResolvedVmSettings } from "./common";
import { EdgeDnsZones } from "./dns";
import { EdgeFirewallAppliance } from "./firewall-appliance";
import { applianceConfigOf } from "../lab/guest/iptables";
import { labLayout, type LabLayout, type SiteLayout } from "../lab/layout";
import { EdgeLoadBalancer } from "./load-balancer";
import { azureName, labTags } from "./names";
import { EdgePerimeterNetwork, type BastionMode } from "./network";
import { DirectorPool, EdgePool, internetFacingAddresses, ReverseProxy, type LabPublicAddress } from "./servers";
import { WindowsLabVm } from "./vm";
import { compareText } from "../model/compare";

/** Lab options that are not part of the logical plan (they come from the scenario's `lab` block). */
export interface LabOptions {
  /** VM size of the Windows servers (two NICs or more). @default "Standard_D4s_v5" */
  readonly vmSize?: string;
  /** VM size of the Linux reverse proxy and firewall appliance. @default "Standard_B2s" */
  readonly linuxVmSize?: string;
  /** RDP/SSH source range; never the whole Internet (LAB-SEC-01). @default none: administration through Azure Bastion */
  readonly adminSourceCidr?: string;
  /** Daily auto-shutdown "HH:MM" or false. @default "19:00" */
  readonly autoShutdown?: string | false;
  /** Windows time zone id for the auto-shutdown. @default "UTC" */
  readonly timezone?: string;
  /** A Windows test client on the simulated Internet (closed mode only, LAB-MODE-01). @default false */
  readonly testClient?: boolean;
  /** Azure Bastion SKU. @default "developer" */
  readonly bastion?: BastionMode;
}

/** Lab options from a scenario file's `lab` block (as validated by the model). */
export function labOptions(lab: {
  vmSize: string;
  adminSourceCidr?: string;
  autoShutdown: string | false;
  timezone: string;
  testClient: boolean;
  bastion?: BastionMode;
}): LabOptions {
  return {
    vmSize: lab.vmSize,
    adminSourceCidr: lab.adminSourceCidr,
    autoShutdown: lab.autoShutdown,
    timezone: lab.timezone,
    testClient: lab.testClient,
    ...(lab.bastion ? { bastion: lab.bastion } : {}),
  };
}

export interface EdgeLabScenarioProps {
  /** The validated logical plan (from `loadScenarioFile` or `planFromProps`). */
  readonly plan: Plan;
  /** @default every lab option's default */
  readonly lab?: LabOptions;
  /** Administrator user name of every VM. @default "labadmin" */
  readonly adminUsername?: string;
  /** Administrator password: a token (random_password result, sensitive variable). Never a literal (LAB-POL-09). */
  readonly adminPassword: string;
}

/** What the lab built for one site. */
export interface LabSite {
  readonly name: string;
  /** The external firewall appliance (closed lab only). */
  readonly firewall?: EdgeFirewallAppliance;
  readonly edgePool: EdgePool;
  readonly reverseProxies: readonly ReverseProxy[];
  /** The site's Director or Director pool, if the plan has one. */
  readonly directorPool?: DirectorPool;
  /** The hardware load balancer stand-in (HLB Edge pool or Director pool). */
  readonly loadBalancer?: EdgeLoadBalancer;
}

/**
 * A whole lab for one plan: resource group, `EdgePerimeterNetwork`, per site the firewall appliance, `EdgePool`,
 * `ReverseProxy`, `DirectorPool` and `EdgeLoadBalancer`, an optional test client, `EdgeDnsZones`, and the
 * fidelity notes and public addresses as outputs.
 */
export class EdgeLabScenario extends Construct {
  readonly layout: LabLayout;
  readonly resourceGroup: ResourceGroup;
  readonly network: EdgePerimeterNetwork;
  readonly sites: readonly LabSite[];
  readonly dns: EdgeDnsZones;
  /** Every Azure public IP standing for a plan address (internet mode), in creation order. */
  readonly publicAddresses: readonly LabPublicAddress[];
  /** VM settings of every lab VM (administrator user name included). */
  readonly vmSettings: ResolvedVmSettings;

  constructor(scope: Construct, id: string, props: EdgeLabScenarioProps) {
    super(scope, id);
    const { plan } = props;
    const lab = props.lab ?? {};
    if (lab.testClient && plan.scenario.labMode !== "closed")
      throw constructError(this, "LAB-MODE-01", "the test client needs the simulated Internet of the closed lab mode");
    this.vmSettings = resolveVmSettings(this, {
      adminUsername: props.adminUsername,
      adminPassword: props.adminPassword,
      windowsVmSize: lab.vmSize,
      linuxVmSize: lab.linuxVmSize,
      autoShutdown: lab.autoShutdown,
      timezone: lab.timezone,
    });
    this.layout = labLayout(plan);
    const scenarioId = plan.scenario.id;
    this.resourceGroup = new ResourceGroup(this, "rg", {
      name: azureName("resourceGroup", "rg", scenarioId),
      location: plan.scenario.sites[0].region,
      tags: labTags(scenarioId),
    });
    this.network = new EdgePerimeterNetwork(this, "network", {
      resourceGroupName: this.resourceGroup.name,
      scenarioId,
      layout: this.layout,
      rules: plan,
      adminSourceCidr: lab.adminSourceCidr,
      bastion: lab.bastion,
      simInternetVms: lab.testClient === true,
    });
    const internetFacing = this.layout.mode === "internet" ? internetFacingAddresses(plan.firewallRules) : [];
    const built = this.layout.sites.map((site) => this.buildSite(plan, site, internetFacing));
    this.sites = built.map((b) => b.site);
    this.publicAddresses = built.flatMap((b) => b.publicAddresses);
    if (lab.testClient) this.buildTestClient(scenarioId);
    this.dns = new EdgeDnsZones(this, "dns", {
      location: this.layout.sites[0].site.region,
      scenarioId,
      records: plan.dnsRecords,
      publicExternalView: this.layout.mode === "internet",
      externalNetworks: this.network.simInternet ? [{ name: "internet", virtualNetworkId: this.network.simInternet.vnet.id }] : [],
      internalNetworks: this.network.sites.map((sn) => ({ name: sn.layout.site.name, virtualNetworkId: sn.vnet.id })),
      publicAddresses: this.publicAddresses,
    });
    this.fidelityNotes(plan);
    this.publicAddressesOutput();
  }

  /**
   * One site: the firewall appliance (closed lab), `EdgePool`, `ReverseProxy`s, `DirectorPool` and `EdgeLoadBalancer`,
   * with the Azure public IPs they created (internet mode), in creation order.
   */
  private buildSite(plan: Plan, site: SiteLayout, internetFacing: readonly string[]): { site: LabSite; publicAddresses: LabPublicAddress[] } {
    const network = this.network;
    const vm = this.vmSettings;
    const name = site.site.name;
    const scenarioId = plan.scenario.id;
    const placement: LabResourceProps = { resourceGroupName: this.resourceGroup.name, location: site.site.region, scenarioId };
    const serverProps = {
      ...placement,
      network,
      vm,
      publicAddresses: internetFacing,
      imageSku: plan.scenario.labImage.sku,
      dnsSuffix: plan.scenario.internalDomain,
    };
    const siteScope = new Construct(this, `site-${name}`);
    // Servers of a closed-lab site reach the outside through the appliance: create it first.
    const firewall = site.firewall ? this.buildFirewall(siteScope, plan, site, placement) : undefined;
    const ofRole = (role: "edge" | "reverse-proxy" | "director") => plan.servers.filter((s) => s.site === name && s.role === role);
    const edgePool = new EdgePool(siteScope, "edge-pool", { ...serverProps, servers: ofRole("edge") });
    const publishingRules = plan.publishingRules.filter((r) => r.site === name);
    const reverseProxies = ofRole("reverse-proxy").map((server) => new ReverseProxy(siteScope, server.id, { ...serverProps, server, publishingRules }));
    const directors = ofRole("director");
    // "Default" keeps the Directors' Terraform addresses as they were before DirectorPool existed (cdktf leaves
    // that id out of logical ids), so deployed labs keep their Director VMs.
    const directorPool = directors.length > 0 ? new DirectorPool(siteScope, "Default", { ...serverProps, servers: directors }) : undefined;
    if (firewall) {
      const vms = siteScope.node
        .findAll()
        .filter((c): c is WindowsVirtualMachine | LinuxVirtualMachine => c instanceof WindowsVirtualMachine || c instanceof LinuxVirtualMachine);
      for (const v of vms) if (v !== firewall.vm.vm) v.dependsOn = [firewall.vm.vm.fqn];
    }
    const vips = plan.vips.filter((v) => v.site === name);
    const loadBalancer =
      vips.length > 0
        ? new EdgeLoadBalancer(siteScope, "load-balancer", {
            ...placement,
            vips,
            network,
            targets: [edgePool, ...(directorPool ? [directorPool] : [])],
            publicFrontends: this.layout.mode === "internet",
          })
        : undefined;
    return {
      site: {
        name,
        edgePool,
        reverseProxies,
        ...(firewall ? { firewall } : {}),
        ...(directorPool ? { directorPool } : {}),
        ...(loadBalancer ? { loadBalancer } : {}),
      },
      publicAddresses: [
        ...edgePool.publicAddresses,
        ...reverseProxies.flatMap((r) => r.publicAddresses),
        ...(directorPool?.publicAddresses ?? []),
        ...(loadBalancer?.publicAddresses ?? []),
      ],
    };
  }

  /** A closed-lab site's external firewall appliance, between the simulated Internet and the perimeter. */
  private buildFirewall(siteScope: Construct, plan: Plan, site: SiteLayout, placement: LabResourceProps): EdgeFirewallAppliance {
    const name = site.site.name;
    const subnetOfKey = (key: string) => this.network.subnetFor(name, site.subnets.find((s) => s.key === key)!.cidr);
    return new EdgeFirewallAppliance(siteScope, "firewall", {
      ...placement,
      site: name,
      outside: { subnet: subnetOfKey("fwout"), ip: site.firewall!.outsideIp },
      inside: { subnet: subnetOfKey("fwin"), ip: site.firewall!.insideIp },
      config: applianceConfigOf(plan, this.layout, site),
      insidePrefixes: site.addressSpace.filter((p) => p !== site.infraCidr),
      vm: this.vmSettings,
    });
  }

  /** The Windows test client on the simulated Internet (closed lab mode), in the first site's region. */
  private buildTestClient(scenarioId: string): void {
    const simInternet = this.network.simInternet;
    const simLayout = this.layout.simInternet;
    if (!simInternet || !simLayout) return;
    const resourceGroupName = this.resourceGroup.name;
    const client = new Construct(this, "test-client");
    const first = this.layout.sites[0].site;
    const nic = new NetworkInterface(client, "nic", {
      name: azureName("networkInterface", "nic", "testclient"),
      location: first.region,
      resourceGroupName,
      ipForwardingEnabled: false,
      ipConfiguration: [
        {
          name: "client",
          primary: true,
          subnetId: simInternet.clientSubnet.id,
          privateIpAddressAllocation: "Static",
          privateIpAddress: simLayout.clientIp,
        },
      ],
      tags: labTags(scenarioId),
    });
    new WindowsLabVm(client, "vm", {
      resourceGroupName,
      location: first.region,
      scenarioId,
      vm: this.vmSettings,
      name: "testclient",
      site: first.name,
      nicIds: [nic.id],
      imageSku: "2019-Datacenter",
      size: "Standard_B2ms",
    });
  }

  /** Fidelity notes: a warning annotation each, and an output listing them all. */
  private fidelityNotes(plan: Plan): void {
    const fidelity = plan.notes.filter((n) => n.kind === "fidelity");
    for (const n of fidelity) Annotations.of(this).addWarning(`edge-lab fidelity${n.site ? ` (${n.site})` : ""}: ${n.message}`);
    const notesOutput = new TerraformOutput(this, "fidelity_notes", {
      description: "Where this lab departs from Microsoft's topology (plan notes of kind fidelity)",
      value: fidelity.map((n) => `${n.site ? `[${n.site}] ` : ""}${n.message} (${n.refs.join(", ")})`),
    });
    notesOutput.overrideLogicalId("fidelity_notes");
  }

  /**
   * The Azure-assigned public addresses as an output: one entry per plan address (a later construct standing for the
   * same address wins, as DNS sees it), when there is any.
   */
  private publicAddressesOutput(): void {
    const byPlanAddress = new Map(this.publicAddresses.map((a) => [a.planAddress, a]));
    if (byPlanAddress.size === 0) return;
    const entries = [...byPlanAddress.entries()].sort(([, a], [, b]) => compareText(a.label, b.label));
    const out = new TerraformOutput(this, "public_addresses", {
      description: "Azure-assigned public addresses, by plan address (use them in Topology Builder, e.g. the A/V Edge public IP for NAT)",
      value: Object.fromEntries(entries.map(([planIp, { publicIp, label }]) => [`${label} (plan ${planIp})`, publicIp.ipAddress])),
    });
    out.overrideLogicalId("public_addresses");
  }
}

export interface EdgeLabStackProps {
  /** The validated logical plan of the scenario. */
  readonly plan: Plan;
  /** Lab options (the scenario file's `lab` block: `labOptions(scenario.lab)`). @default every lab option's default */
  readonly lab?: LabOptions;
  /** Azure subscription id. @default taken by the provider from ARM_SUBSCRIPTION_ID at deploy time */
  readonly subscriptionId?: string;
}

/** One Terraform stack per scenario: providers, a generated admin password, and the scenario's lab. */
export class EdgeLabStack extends TerraformStack {
  readonly scenario: EdgeLabScenario;
  /** The policy findings of this stack, filled when it is synthesized. */
  readonly policy: LabPolicyPack;

  constructor(scope: Construct, id: string, props: EdgeLabStackProps) {
    super(scope, id);
    new AzurermProvider(this, "azurerm", {
      features: [{}],
      ...(props.subscriptionId ? { subscriptionId: props.subscriptionId } : {}),
    });
    new RandomProvider(this, "random", {});
    // Windows complexity: upper, lower, digit and a special character; no characters that need escaping in scripts.
    const password = new Password(this, "admin-password", {
      length: 24,
      special: true,
      overrideSpecial: "!#%*-_=+?",
      minUpper: 2,
      minLower: 2,
      minNumeric: 2,
      minSpecial: 2,
    });
    this.scenario = new EdgeLabScenario(this, "lab", { plan: props.plan, lab: props.lab, adminPassword: password.result });
    // Policy checks run when cdktf validates the stack: errors fail the synth, warnings are printed (lib/policy).
    this.policy = new LabPolicyPack();
    Aspects.of(this).add(this.policy);
    new TerraformOutput(this, "admin_username", { value: this.scenario.vmSettings.adminUsername });
    new TerraformOutput(this, "admin_password", {
      value: password.result,
      sensitive: true,
      description: "Read with: terraform output -raw admin_password (in cdktf.out/stacks/<id>)",
    });
  }
}
