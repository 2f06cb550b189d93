/** What every lab construct needs from its scenario: the plan, the layout, the resource group, credentials, VM options. */
import type { Plan } from "../model/plan";
import type { LabLayout } from "./layout";

export interface LabVmOptions {
  /** VM size of Edge Servers, Directors and the test client (must allow two NICs). @default "Standard_D4s_v5" */
  readonly vmSize: string;
  /** VM size of the Linux reverse proxy and firewall appliance. @default "Standard_B2s" */
  readonly linuxVmSize: string;
  /** Daily auto-shutdown time "HH:MM", or false for none. @default "19:00" */
  readonly autoShutdown: string | false;
  /** Windows time zone id of the auto-shutdown time. @default "UTC" */
  readonly timezone: string;
}

export interface LabContext {
  readonly plan: Plan;
  readonly layout: LabLayout;
  readonly resourceGroupName: string;
  readonly adminUsername: string;
  /** A token (random_password or a sensitive variable); never a literal. */
  readonly adminPassword: string;
  readonly vm: LabVmOptions;
  readonly tags: (site?: string) => Record<string, string>;
}
