/**
 * Lab virtual machines: Windows (Edge, Director, test client) and Linux (reverse proxy, firewall appliance) with the
 * frugal, secure defaults every lab VM shares: managed boot diagnostics, Standard SSD OS disk, no public IP of its own,
 * admin password from the stack's secret, daily auto-shutdown.
 */
import { Construct } from "constructs";
import { DevTestGlobalVmShutdownSchedule } from "@cdktf/provider-azurerm/lib/dev-test-global-vm-shutdown-schedule";
import { LinuxVirtualMachine } from "@cdktf/provider-azurerm/lib/linux-virtual-machine";
import { VirtualMachineExtension } from "@cdktf/provider-azurerm/lib/virtual-machine-extension";
import { WindowsVirtualMachine } from "@cdktf/provider-azurerm/lib/windows-virtual-machine";
import type { LabContext } from "./context";
import { CUSTOM_DATA_COMMAND } from "./guest/powershell";
import { azureName } from "./names";
import { suppressPolicy } from "../policy/pack";

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

/** Windows Server image per Lync / Skype for Business version (azure-lab.md, "Images"). */
export const WINDOWS_IMAGE_SKU: Readonly<Record<"lync2013" | "sfb2015" | "sfb2019", string>> = {
  lync2013: "2012-R2-Datacenter",
  sfb2015: "2016-Datacenter",
  sfb2019: "2019-Datacenter",
};

export interface WindowsLabVmProps {
  /** VM and computer name (the plan server's `name`, at most 15 characters). */
  readonly name: string;
  readonly site: string;
  readonly location: string;
  /** NIC ids, primary first. */
  readonly nicIds: readonly string[];
  /** Guest configuration script, run once by the Custom Script Extension. @default none */
  readonly guestScript?: string;
  /** Image SKU of MicrosoftWindowsServer/WindowsServer. @default the plan product's image */
  readonly imageSku?: string;
  /** @default the context's vmSize */
  readonly size?: string;
}

export class WindowsLabVm extends Construct {
  readonly vm: WindowsVirtualMachine;

  constructor(scope: Construct, id: string, ctx: LabContext, props: WindowsLabVmProps) {
    super(scope, id);
    if (props.nicIds.length === 0) throw new Error(`edge-lab: VM ${props.name} needs at least one NIC`);
    this.vm = new WindowsVirtualMachine(this, "vm", {
      name: azureName("windowsVm", props.name),
      computerName: props.name,
      location: props.location,
      resourceGroupName: ctx.resourceGroupName,
      size: props.size ?? ctx.vm.vmSize,
      adminUsername: ctx.adminUsername,
      adminPassword: ctx.adminPassword,
      networkInterfaceIds: [...props.nicIds],
      osDisk: { caching: "ReadWrite", storageAccountType: "StandardSSD_LRS" },
      sourceImageReference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: props.imageSku ?? WINDOWS_IMAGE_SKU[ctx.plan.scenario.product], version: "latest" },
      bootDiagnostics: {},
      timezone: ctx.vm.timezone,
      ...(props.guestScript ? { customData: b64(props.guestScript) } : {}),
      tags: ctx.tags(props.site),
    });
    if (props.guestScript) {
      new VirtualMachineExtension(this, "guest-config", {
        name: azureName("vmExtension", "edge-lab-guest-config"),
        virtualMachineId: this.vm.id,
        publisher: "Microsoft.Compute",
        type: "CustomScriptExtension",
        typeHandlerVersion: "1.10",
        autoUpgradeMinorVersion: true,
        settings: JSON.stringify({ commandToExecute: CUSTOM_DATA_COMMAND }),
        tags: ctx.tags(props.site),
      });
    }
    autoShutdown(this, ctx, this.vm.id, props.location, props.site);
  }
}

export interface LinuxLabVmProps {
  readonly name: string;
  readonly site?: string;
  readonly location: string;
  readonly nicIds: readonly string[];
  /** cloud-init document. */
  readonly cloudInit: string;
}

export class LinuxLabVm extends Construct {
  readonly vm: LinuxVirtualMachine;

  constructor(scope: Construct, id: string, ctx: LabContext, props: LinuxLabVmProps) {
    super(scope, id);
    this.vm = new LinuxVirtualMachine(this, "vm", {
      name: azureName("linuxVm", props.name),
      computerName: props.name,
      location: props.location,
      resourceGroupName: ctx.resourceGroupName,
      size: ctx.vm.linuxVmSize,
      adminUsername: ctx.adminUsername,
      adminPassword: ctx.adminPassword,
      // Password login is only reachable from the admin range or Bastion (NSG); no SSH key is available offline.
      disablePasswordAuthentication: false,
      networkInterfaceIds: [...props.nicIds],
      osDisk: { caching: "ReadWrite", storageAccountType: "StandardSSD_LRS" },
      sourceImageReference: { publisher: "Canonical", offer: "0001-com-ubuntu-server-jammy", sku: "22_04-lts-gen2", version: "latest" },
      bootDiagnostics: {},
      customData: b64(props.cloudInit),
      tags: ctx.tags(props.site),
    });
    autoShutdown(this, ctx, this.vm.id, props.location, props.site);
  }
}

function autoShutdown(scope: Construct, ctx: LabContext, vmId: string, location: string, site?: string): void {
  if (ctx.vm.autoShutdown === false) {
    suppressPolicy(scope, [{ id: "LAB-POL-10", reason: "lab.autoShutdown is false in the scenario: the owner opted out of the daily shutdown" }]);
    return;
  }
  new DevTestGlobalVmShutdownSchedule(scope, "auto-shutdown", {
    virtualMachineId: vmId,
    location,
    enabled: true,
    dailyRecurrenceTime: ctx.vm.autoShutdown.replace(":", ""),
    timezone: ctx.vm.timezone,
    notificationSettings: { enabled: false },
    tags: ctx.tags(site),
  });
}
