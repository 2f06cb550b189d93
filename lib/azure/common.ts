/**
 * What every edge-lab construct takes besides its own slice of the plan: where its resources go (resource group,
 * region, the scenario id that tags them) and, for constructs with VMs, the VM settings. There is no shared mutable
 * context: a construct receives these through its props, and what it creates is on its public read-only properties.
 */
import { Token } from "cdktf";
import type { IConstruct } from "constructs";
import { azureName, labTags, type NameKind } from "./names";
import { UserError } from "../errors";

/** Placement of a construct's resources (Azure Verified Modules put the same three inputs first). */
export interface LabResourceProps {
  /** Resource group that holds the created resources (a name or a token such as `myGroup.name`). */
  readonly resourceGroupName: string;
  /** Azure region of the created resources, e.g. "westeurope". */
  readonly location: string;
  /**
   * Scenario id: tags every resource (`edge-lab-scenario`, so a lab can be found and cleaned up) and is part of the
   * names that must be unique in the resource group (load balancers, VIP public IPs, NSGs).
   */
  readonly scenarioId: string;
  /**
   * Your own tags, added to every resource the construct creates that takes tags (after edge-lab's
   * `edge-lab-scenario`, `edge-lab-site` and `managed-by`, which they may not replace). Azure's limits apply: at most
   * 50 tags per resource (edge-lab's included), names of 1-512 characters without `<>%&\?/`, values of at most 256.
   * @default none: edge-lab's own tags only
   */
  readonly tags?: Readonly<Record<string, string>>;
  /**
   * Prefix of the Azure names of the resources the construct names itself: resource groups, virtual networks, NSGs,
   * NICs, public IPs, load balancers, route tables, NAT gateways, Bastion hosts and DNS zone links ("lab1" makes
   * "lab1-nic-hq-edge-01-ext"). 1-20 lower-case letters, digits or hyphens, starting with a letter and not ending with
   * a hyphen. VMs keep their plan names (the servers' computer names, at most 15 characters), DNS zones their domain
   * names, subnets and the other child resources their names within their parent.
   * @default none
   */
  readonly namePrefix?: string;
}

/** The placement props of `props` (to hand to a construct made inside another). */
export function placementOf(props: LabResourceProps): LabResourceProps {
  return {
    resourceGroupName: props.resourceGroupName,
    location: props.location,
    scenarioId: props.scenarioId,
    ...(props.tags ? { tags: props.tags } : {}),
    ...(props.namePrefix !== undefined ? { namePrefix: props.namePrefix } : {}),
  };
}

/** VM settings shared by the lab VMs a construct creates. */
export interface LabVmSettings {
  /** Administrator user name of every VM. @default "labadmin" */
  readonly adminUsername?: string;
  /**
   * Administrator password: a token (a `random_password` result, a sensitive variable), never a literal: a literal
   * would be written into the Terraform document (LAB-POL-09).
   */
  readonly adminPassword: string;
  /** VM size of the Windows servers (Edge, Director, test client); it must allow two NICs. @default "Standard_D4s_v5" */
  readonly windowsVmSize?: string;
  /** VM size of the Linux reverse proxy and firewall appliance. @default "Standard_B2s" */
  readonly linuxVmSize?: string;
  /** Daily auto-shutdown time "HH:MM", or false for none (LAB-POL-10 is then suppressed with that reason). @default "19:00" */
  readonly autoShutdown?: string | false;
  /** Windows time zone id of the VMs and of the auto-shutdown time. @default "UTC" */
  readonly timezone?: string;
}

/** `LabVmSettings` with every default applied. */
export type ResolvedVmSettings = Required<LabVmSettings>;

/**
 * The error a construct throws for invalid props: names the construct and the rule it enforces (a reference rule id
 * such as NET-01, or an edge-lab LAB- id; the same ids the model's checks and the policy pack use), or none for a
 * composition mistake that no rule covers (a VIP member missing from the targets).
 */
/** A construct refused its props (validation at construction), naming the construct path and the rule. */
export class ConstructError extends UserError {}

export function constructError(scope: IConstruct | string, rule: string | undefined, message: string): ConstructError {
  const where = typeof scope === "string" ? scope : scope.node.path || scope.node.id;
  return new ConstructError(`edge-lab ${where}: ${rule ? `[${rule}] ` : ""}${message}`, { ruleId: rule });
}

/** Applies the defaults of `LabVmSettings` and validates them (a literal password, a malformed shutdown time). */
export function resolveVmSettings(scope: IConstruct | string, settings: LabVmSettings): ResolvedVmSettings {
  if (!Token.isUnresolved(settings.adminPassword)) {
    throw constructError(scope, "LAB-POL-09", "adminPassword must be a token (random_password result or sensitive variable), not a literal");
  }
  const autoShutdown = settings.autoShutdown ?? "19:00";
  if (autoShutdown !== false && !/^([01]\d|2[0-3]):[0-5]\d$/.test(autoShutdown)) {
    throw constructError(scope, "LAB-POL-10", `autoShutdown "${autoShutdown}" is not a time such as "19:00"`);
  }
  return {
    adminUsername: settings.adminUsername ?? "labadmin",
    adminPassword: settings.adminPassword,
    windowsVmSize: settings.windowsVmSize ?? "Standard_D4s_v5",
    linuxVmSize: settings.linuxVmSize ?? "Standard_B2s",
    autoShutdown,
    timezone: settings.timezone ?? "UTC",
  };
}

/** The tags of a resource of `site` (or of the whole lab): edge-lab's, then the props' own `tags`. */
export function tagsOf(props: Pick<LabResourceProps, "scenarioId" | "tags">, site?: string): Record<string, string> {
  return { ...labTags(props.scenarioId, site), ...props.tags };
}

/** The Azure name of a resource that takes tags: `azureName` with the props' `namePrefix` first. */
export function prefixedName(props: Pick<LabResourceProps, "namePrefix">, kind: NameKind, ...parts: readonly string[]): string {
  return azureName(kind, props.namePrefix ?? "", ...parts);
}

const TAG_NAME_FORBIDDEN = /[<>%&\\?/]/;
const NAME_PREFIX = /^[a-z](?:[a-z0-9-]{0,18}[a-z0-9])?$/;
/** Azure's limit of tags on one resource. */
export const MAX_TAGS = 50;

/**
 * Validates the placement props a construct shares (`tags`, `namePrefix`): Azure's tag limits, no tag replacing one
 * of edge-lab's, a prefix Azure names accept.
 */
export function checkPlacement(scope: IConstruct | string, props: Pick<LabResourceProps, "scenarioId" | "tags" | "namePrefix">): void {
  if (props.namePrefix !== undefined && !NAME_PREFIX.test(props.namePrefix))
    throw constructError(
      scope,
      undefined,
      `namePrefix "${props.namePrefix}" must be 1-20 lower-case letters, digits or hyphens, starting with a letter and not ending with a hyphen`,
    );
  const tags = Object.entries(props.tags ?? {});
  const own = labTags(props.scenarioId, "site");
  for (const [name, value] of tags) {
    if (name in own) throw constructError(scope, undefined, `tag "${name}" is edge-lab's own; choose another name`);
    if (name.length === 0 || name.length > 512 || TAG_NAME_FORBIDDEN.test(name))
      throw constructError(scope, undefined, `tag name "${name}" must be 1-512 characters without < > % & \\ ? /`);
    if (typeof value !== "string" || value.length > 256) throw constructError(scope, undefined, `tag "${name}" needs a text value of at most 256 characters`);
  }
  if (tags.length + Object.keys(own).length > MAX_TAGS)
    throw constructError(scope, undefined, `${tags.length} tags and edge-lab's ${Object.keys(own).length} exceed Azure's ${MAX_TAGS} per resource`);
}
