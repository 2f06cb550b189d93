/**
 * Composition: a whole lab for one plan. `EdgeLabScenario` is a construct (use it in your own stack);
 * `EdgeLabStack` is a ready TerraformStack with the azurerm and random providers, the admin password and outputs.
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
import type { LabContext, LabVmOptions } from "./context";
import { LabDns } from "./dns";
import { FirewallAppliance } from "./firewall-appliance";
import { labLayout, type LabLayout } from "./layout";
import { EdgeLoadBalancer } from "./load-balancer";
import { azureName, labTags } from "./names";
import { LabNetwork, type BastionMode } from "./network";
import { AddressBook, EdgePool, ReverseProxy, WindowsLabServer } from "./servers";
import { WindowsLabVm } from "./vm";
import { compareText } from "../model/compare";

/** Lab options that are not part of the logical plan (they come from the scenario's `lab` block). */
export interface LabOptions {
  /** VM size of the Windows servers (two NICs or more). @default "Standard_D4s_v5" */
  readonly vmSize?: string;
  /** VM size of the Linux reverse proxy and firewall appliance. @default "Standard_B2s" */
  readonly linuxVmSize?: string;
  /** RDP/SSH source range; never the whole Internet. @default none: administration through Azure Bastion */
  readonly adminSourceCidr?: string;
  /** Daily auto-shutdown "HH:MM" or false. @default "19:00" */
  readonly autoShutdown?: string | false;
  /** Windows time zone id for the auto-shutdown. @default "UTC" */
  readonly timezone?: string;
  /** A Windows test client on the simulated Internet (closed mode only). @default false */
  readonly testClient?: boolean;
  /** Azure Bastion SKU. @default "developer" */
  readonly bastion?: BastionMode;
}

/** Lab options from a scenario file's `lab` block (as validated by the model). */
export function labOptions(lab: { vmSize: string; adminSourceCidr?: string; autoShutdown: string | false; timezone: string; testClient: boolean }): LabOptions {
  return { vmSize: lab.vmSize, adminSourceCidr: lab.adminSourceCidr, autoShutdown: lab.autoShutdown, timezone: lab.timezone, testClient: lab.testClient };
}

export interface EdgeLabScenarioProps {
  /** The validated logical plan (from `loadScenarioFile` or `planFromProps`). */
  readonly plan: Plan;
  readonly lab?: LabOptions;
  /** Administrator user name of every VM. @default "labadmin" */
  readonly adminUsername?: string;
  /** Administrator password: a token (random_password result, sensitive variable). Never a literal. */
  readonly adminPassword: string;
}

export class EdgeLabScenario extends Construct {
  readonly layout: LabLayout;
  readonly network: LabNetwork;
  readonly addresses = new AddressBook();
  readonly resourceGroup: ResourceGroup;
  readonly context: LabContext;

  constructor(scope: Construct, id: string, props: EdgeLabScenarioProps) {
    super(scope, id);
    const { plan } = props;
    const lab = props.lab ?? {};
    if (lab.testClient && plan.scenario.labMode !== "closed") throw new Error("edge-lab: the test client needs the simulated Internet of the closed lab mode");
    if (lab.autoShutdown !== undefined && lab.autoShutdown !== false && !/^([01]\d|2[0-3]):[0-5]\d$/.test(lab.autoShutdown)) {
      throw new Error(`edge-lab: autoShutdown "${lab.autoShutdown}" is not a time such as "19:00"`);
    }
    this.layout = labLayout(plan);
    const vm: LabVmOptions = {
      vmSize: lab.vmSize ?? "Standard_D4s_v5",
      linuxVmSize: lab.linuxVmSize ?? "Standard_B2s",
      autoShutdown: lab.autoShutdown ?? "19:00",
      timezone: lab.timezone ?? "UTC",
    };
    this.resourceGroup = new ResourceGroup(this, "rg", {
      name: azureName("resourceGroup", "rg", plan.scenario.id),
      location: plan.scenario.sites[0].region,
      tags: labTags(plan.scenario.id),
    });
    this.context = {
      plan,
      layout: this.layout,
      resourceGroupName: this.resourceGroup.name,
      adminUsername: props.adminUsername ?? "labadmin",
      adminPassword: props.adminPassword,
      vm,
      tags: (site?: string) => labTags(plan.scenario.id, site),
    };
    const ctx = this.context;
    this.network = new LabNetwork(this, "network", ctx, { adminSourceCidr: lab.adminSourceCidr, bastion: lab.bastion, simInternetVms: lab.testClient === true });

    for (const site of this.layout.sites) {
      const name = site.site.name;
      const siteScope = new Construct(this, `site-${name}`);
      // Servers of a closed-lab site reach the outside through the appliance: create it first.
      const appliance = site.firewall ? new FirewallAppliance(siteScope, "firewall", ctx, { site, network: this.network }) : undefined;
      new EdgePool(siteScope, "edge-pool", ctx, { site: name, network: this.network, addresses: this.addresses });
      for (const server of plan.servers.filter((s) => s.site === name && s.role === "reverse-proxy")) {
        new ReverseProxy(siteScope, server.id, ctx, { server, network: this.network, addresses: this.addresses });
      }
      for (const server of plan.servers.filter((s) => s.site === name && s.role === "director")) {
        new WindowsLabServer(siteScope, server.id, ctx, { server, network: this.network, addresses: this.addresses });
      }
      if (appliance) {
        const vms = siteScope.node.findAll().filter((c): c is WindowsVirtualMachine | LinuxVirtualMachine => c instanceof WindowsVirtualMachine || c instanceof LinuxVirtualMachine);
        for (const vm of vms) if (vm !== appliance.vm.vm) vm.dependsOn = [appliance.vm.vm.fqn];
      }
      const vips = plan.vips.filter((v) => v.site === name);
      if (vips.length > 0) new EdgeLoadBalancer(siteScope, "load-balancer", ctx, { site: name, network: this.network, addresses: this.addresses, vips });
    }
    if (lab.testClient && this.network.simInternet && this.layout.simInternet) {
      const client = new Construct(this, "test-client");
      const nic = new NetworkInterface(client, "nic", {
        name: azureName("networkInterface", "nic", "testclient"),
        location: this.layout.sites[0].site.region,
        resourceGroupName: ctx.resourceGroupName,
        ipForwardingEnabled: false,
        ipConfiguration: [{ name: "client", primary: true, subnetId: this.network.simInternet.clientSubnet.id, privateIpAddressAllocation: "Static", privateIpAddress: this.layout.simInternet.clientIp }],
        tags: ctx.tags(),
      });
      new WindowsLabVm(client, "vm", ctx, { name: "testclient", site: this.layout.sites[0].site.name, location: this.layout.sites[0].site.region, nicIds: [nic.id], imageSku: "2019-Datacenter", size: "Standard_B2ms" });
    }
    new LabDns(this, "dns", ctx, { network: this.network, addresses: this.addresses });

    // Fidelity notes: a warning annotation each, and an output listing them all.
    const fidelity = plan.notes.filter((n) => n.kind === "fidelity");
    for (const n of fidelity) Annotations.of(this).addWarning(`edge-lab fidelity${n.site ? ` (${n.site})` : ""}: ${n.message}`);
    const notesOutput = new TerraformOutput(this, "fidelity_notes", {
      description: "Where this lab departs from Microsoft's topology (plan notes of kind fidelity)",
      value: fidelity.map((n) => `${n.site ? `[${n.site}] ` : ""}${n.message} (${n.refs.join(", ")})`),
    });
    notesOutput.overrideLogicalId("fidelity_notes");
    if (this.addresses.publicIps.size > 0) {
      const entries = [...this.addresses.publicIps.entries()].sort(([, a], [, b]) => compareText(a.label, b.label));
      const out = new TerraformOutput(this, "public_addresses", {
        description: "Azure-assigned public addresses, by plan address (use them in Topology Builder, e.g. the A/V Edge public IP for NAT)",
        value: Object.fromEntries(entries.map(([planIp, { pip, label }]) => [`${label} (plan ${planIp})`, pip.ipAddress])),
      });
      out.overrideLogicalId("public_addresses");
    }
  }
}

export interface EdgeLabStackProps {
  readonly plan: Plan;
  readonly lab?: LabOptions;
  /** Azure subscription id. @default taken by the provider from ARM_SUBSCRIPTION_ID at deploy time */
  readonly subscriptionId?: string;
  /**
   * When the policy pack runs: `validation` (as an Aspect, when cdktf validates the stack at synth) or `document`
   * (the caller runs `stack.policy.checkDocument(stack, json)` on the written cdk.tf.json, as `npm run synth` does,
   * which saves a resolution of the stack). @default "validation"
   */
  readonly policyCheck?: "validation" | "document";
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
    const password = new Password(this, "admin-password", { length: 24, special: true, overrideSpecial: "!#%*-_=+?", minUpper: 2, minLower: 2, minNumeric: 2, minSpecial: 2 });
    this.scenario = new EdgeLabScenario(this, "lab", { plan: props.plan, lab: props.lab, adminPassword: password.result });
    // Policy checks run when cdktf validates the stack: errors fail the synth, warnings are printed (lib/policy).
    this.policy = new LabPolicyPack();
    if (props.policyCheck !== "document") Aspects.of(this).add(this.policy);
    new TerraformOutput(this, "admin_username", { value: this.scenario.context.adminUsername });
    new TerraformOutput(this, "admin_password", { value: password.result, sensitive: true, description: "Read with: terraform output -raw admin_password (in cdktf.out/stacks/<id>)" });
  }
}
