/**
 * What every edge-lab construct takes besides its own slice of the plan: where its resources go (resource group,
 * region, the scenario id that tags them) and, for constructs with VMs, the VM settings. There is no shared mutable
 * context: a construct receives these through its props, and what it creates is on its public read-only properties.
 */
import { Token } from "cdktf";
import type { IConstruct } from "constructs";
import { labTags } from "./names";
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

/** The tags of a resource of `site` (or of the whole lab). */
export function tagsOf(props: Pick<LabResourceProps, "scenarioId">, site?: string): Record<string, string> {
  return labTags(props.scenarioId, site);
}
