/**
 * Composition: a whole lab for one plan. `EdgeLabScenario` is a construct (use it in your own stack) that composes
 * the smaller constructs through their `fromPlan` helpers; `EdgeLabStack` is a ready TerraformStack with the azurerm
 * and random providers, the admin password, the policy pack and outputs. Both read the lab options from the plan
 * (`plan.scenario.lab`, the scenario's `lab` block); `lab` props override them one by one.
 *
 * ```ts
 * const app = new App();
 * const { plan } = loadScenarioFile("scenarios/scaled-hlb.yaml");
 * new EdgeLabStack(app, plan!.scenario.id, { plan: plan! });
 * app.synth();
 * ```
 */
import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { AzurermProvider } from "@cdktf/provider-azurerm/lib/provider";
import { ResourceGroup } from "@cdktf/provider-azurerm/lib/resource-group";
import { RandomProvider } from "@cdktf/provider-random/lib/provider";
import { LabPolicyPack } from "../policy/pack";
import type { Plan } from "../model/plan";
import { checkPlacement, constructError, prefixedName, resolveVmSettings, tagsOf, type LabResourceProps, type ResolvedVmSettings } from "./common";
import { EdgeDnsZones } from "./dns";
import type { LabLayout } from "../lab/layout";
import { EdgePerimeterNetwork, type BastionMode } from "./network";
import { LabAdminPassword } from "./password";
import { prepareTokens } from "./prepare";
import { planLayout } from "./plan-slice";
import { internetFacingAddresses, type LabPublicAddress } from "./servers";
import { EdgeLabSite, fidelityNotesOutput, LabTestClient, publicAddressesOutput, type LabSite } from "./site";

export type { LabSite } from "./site";

/** Lab options that are not part of the logical plan's addresses (the scenario's `lab` block, `plan.scenario.lab`). */
export interface LabOptions {
  /** VM size of the Windows servers (two NICs or more). @default the plan's `lab.vmSize` ("Standard_D4s_v5") */
  readonly vmSize?: string;
  /** VM size of the Linux reverse proxy and firewall appliance. @default "Standard_B2s" */
  readonly linuxVmSize?: string;
  /** RDP/SSH source range; never the whole Internet (LAB-SEC-01). @default the plan's `lab.adminSourceCidr` (none: Azure Bastion) */
  readonly adminSourceCidr?: string;
  /** Daily auto-shutdown "HH:MM" or false. @default the plan's `lab.autoShutdown` ("19:00") */
  readonly autoShutdown?: string | false;
  /** Windows time zone id for the auto-shutdown. @default the plan's `lab.timezone` ("UTC") */
  readonly timezone?: string;
  /** A Windows test client on the simulated Internet (closed mode only, LAB-MODE-01). @default the plan's `lab.testClient` (false) */
  readonly testClient?: boolean;
  /** Azure Bastion SKU. @default the plan's `lab.bastion` ("developer") */
  readonly bastion?: BastionMode;
}

export interface EdgeLabScenarioProps extends Pick<LabResourceProps, "tags" | "namePrefix"> {
  /** The validated logical plan (from `loadScenarioFile` or `planFromProps`). */
  readonly plan: Plan;
  /** Lab options, each overriding the plan's. @default the plan's lab options (`plan.scenario.lab`) */
  readonly lab?: LabOptions;
  /** Administrator user name of every VM. @default "labadmin" */
  readonly adminUsername?: string;
  /** Administrator password: a token (`LabAdminPassword.value`, a sensitive variable). Never a literal (LAB-POL-09). */
  readonly adminPassword: string;
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
    const lab = { ...plan.scenario.lab, ...props.lab };
    const scenarioId = plan.scenario.id;
    const naming = { scenarioId, ...(props.tags ? { tags: props.tags } : {}), ...(props.namePrefix !== undefined ? { namePrefix: props.namePrefix } : {}) };
    checkPlacement(this, naming);
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
    this.layout = planLayout(plan);
    this.resourceGroup = new ResourceGroup(this, "rg", {
      name: prefixedName(naming, "resourceGroup", "rg", scenarioId),
      location: plan.scenario.sites[0].region,
      tags: tagsOf(naming),
    });
    const resourceGroupName = this.resourceGroup.name;
    this.network = EdgePerimeterNetwork.fromPlan(this, "network", {
      ...naming,
      plan,
      resourceGroupName,
      ...(lab.adminSourceCidr !== undefined ? { adminSourceCidr: lab.adminSourceCidr } : {}),
      ...(lab.bastion !== undefined ? { bastion: lab.bastion } : {}),
      simInternetVms: lab.testClient === true,
    });
    const internetFacing = this.layout.mode === "internet" ? internetFacingAddresses(plan.firewallRules) : [];
    const sites = this.layout.sites.map(
      (s) =>
        new EdgeLabSite(this, {
          ...naming,
          plan,
          site: s.site.name,
          resourceGroupName,
          network: this.network,
          vm: this.vmSettings,
          publicAddresses: internetFacing,
        }),
    );
    this.sites = sites;
    this.publicAddresses = sites.flatMap((s) => s.publicAddresses);
    const simInternet = this.layout.simInternet;
    if (lab.testClient && simInternet && this.network.simInternet) {
      new LabTestClient(this, "test-client", {
        ...naming,
        resourceGroupName,
        network: this.network,
        vm: this.vmSettings,
        site: this.layout.sites[0].site,
        clientIp: simInternet.clientIp,
      });
    }
    this.dns = EdgeDnsZones.fromPlan(this, "dns", {
      ...naming,
      plan,
      publicExternalView: this.layout.mode === "internet",
      externalNetworks: this.network.simInternet ? [{ name: "internet", virtualNetworkId: this.network.simInternet.vnet.id }] : [],
      internalNetworks: this.network.sites.map((sn) => ({ name: sn.layout.site.name, virtualNetworkId: sn.vnet.id })),
      publicAddresses: this.publicAddresses,
    });
    fidelityNotesOutput(this, plan);
    publicAddressesOutput(this, this.publicAddresses);
  }
}

export interface EdgeLabStackProps extends Pick<LabResourceProps, "tags" | "namePrefix"> {
  /** The validated logical plan of the scenario. */
  readonly plan: Plan;
  /** Lab options, each overriding the plan's. @default the plan's lab options (`plan.scenario.lab`) */
  readonly lab?: LabOptions;
  /** Azure subscription id. @default taken by the provider from ARM_SUBSCRIPTION_ID at deploy time */
  readonly subscriptionId?: string;
}

/** One Terraform stack per scenario: providers, a generated admin password, the policy pack, and the scenario's lab. */
export class EdgeLabStack extends TerraformStack {
  readonly scenario: EdgeLabScenario;
  /** The policy findings of this stack, filled when it is synthesized. */
  readonly policy: LabPolicyPack;
  /** Set by cdktf's validation of the stack: the next document written is checked. */
  private policyDue = false;

  constructor(scope: Construct, id: string, props: EdgeLabStackProps) {
    super(scope, id);
    new AzurermProvider(this, "azurerm", {
      features: [{}],
      ...(props.subscriptionId ? { subscriptionId: props.subscriptionId } : {}),
    });
    new RandomProvider(this, "random", {});
    const password = new LabAdminPassword(this, "admin-password");
    this.scenario = new EdgeLabScenario(this, "lab", {
      plan: props.plan,
      ...(props.lab ? { lab: props.lab } : {}),
      ...(props.tags ? { tags: props.tags } : {}),
      ...(props.namePrefix !== undefined ? { namePrefix: props.namePrefix } : {}),
      adminPassword: password.value,
    });
    // The policy pack checks the very document cdktf writes (toTerraform below): errors stop the synth before it is
    // written, warnings are printed (lib/policy). So the stack is resolved once for both, not once more for the check
    // (as the pack does as an aspect of any other stack). cdktf's validation of the stack arms the check, so that
    // `skipValidation` skips it as it skips every validation.
    this.policy = new LabPolicyPack();
    this.node.addValidation({
      validate: () => {
        this.policyDue = true;
        return [];
      },
    });
    new TerraformOutput(this, "admin_username", { value: this.scenario.vmSettings.adminUsername });
  }

  /**
   * cdktf's preparing pass (it registers references to other stacks' resources before anything is written), over the
   * stack's tokens only instead of its every value (lib/azure/prepare.ts).
   */
  override prepareStack(): void {
    this.ensureBackendExists();
    prepareTokens(this);
  }

  /** The stack's Terraform document; after cdktf has validated the stack, checked by the policy pack first. */
  override toTerraform(): ReturnType<TerraformStack["toTerraform"]> {
    const document = super.toTerraform();
    this.enforcePolicyWhenDue(() => document);
    return document;
  }

  /** The stack as HCL (`cdktf synth --hcl`), checked by the policy pack first as the JSON document is. */
  override toHclTerraform(): ReturnType<TerraformStack["toHclTerraform"]> {
    this.enforcePolicyWhenDue(() => super.toTerraform());
    return super.toHclTerraform();
  }

  /** Checks the document once after each validation of the stack (the writer asks for it once per synth). */
  private enforcePolicyWhenDue(document: () => unknown): void {
    if (!this.policyDue) return;
    this.policyDue = false;
    this.policy.enforce(this, document());
  }
}
