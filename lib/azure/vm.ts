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
import { checkPlacement, tagsOf, type LabResourceProps, type ResolvedVmSettings } from "./common";
import { CUSTOM_DATA_COMMAND } from "./guest/powershell";
import { azureName } from "./names";
import { suppressPolicy } from "../policy/pack";

const b64 = (text: string) => Buffer.from(text, "utf8").toString("base64");

export interface WindowsLabVmProps extends LabResourceProps {
  /** VM and computer name (the plan server's `name`, at most 15 characters). */
  readonly name: string;
  /** Site of the VM (its `edge-lab-site` tag). */
  readonly site: string;
  /** VM settings, defaults applied (`resolveVmSettings`). */
  readonly vm: ResolvedVmSettings;
  /** NIC ids, primary first. */
  readonly nicIds: readonly string[];
  /** Guest configuration script, run once by the Custom Script Extension. @default none */
  readonly guestScript?: string;
  /** Image SKU of MicrosoftWindowsServer/WindowsServer: the plan's `scenario.labImage.sku` (the product's image, or lab.imageSku; lib/model/products.ts). */
  readonly imageSku: string;
  /** @default the settings' windowsVmSize */
  readonly size?: string;
}

export class WindowsLabVm extends Construct {
  readonly vm: WindowsVirtualMachine;

  constructor(scope: Construct, id: string, props: WindowsLabVmProps) {
    super(scope, id);
    checkPlacement(this, props);
    if (props.nicIds.length === 0) throw new Error(`edge-lab: VM ${props.name} needs at least one NIC`);
    const { vm } = props;
    const tags = tagsOf(props, props.site);
    this.vm = new WindowsVirtualMachine(this, "vm", {
      name: azureName("windowsVm", props.name),
      computerName: props.name,
      location: props.location,
      resourceGroupName: props.resourceGroupName,
      size: props.size ?? vm.windowsVmSize,
      adminUsername: vm.adminUsername,
      adminPassword: vm.adminPassword,
      networkInterfaceIds: [...props.nicIds],
      osDisk: { caching: "ReadWrite", storageAccountType: "StandardSSD_LRS" },
      sourceImageReference: { publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku: props.imageSku, version: "latest" },
      bootDiagnostics: {},
      timezone: vm.timezone,
      ...(props.guestScript ? { customData: b64(props.guestScript) } : {}),
      tags,
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
        tags,
      });
    }
    autoShutdown(this, vm, this.vm.id, props.location, tags);
  }
}

export interface LinuxLabVmProps extends LabResourceProps {
  /** VM and computer name. */
  readonly name: string;
  /** Site of the VM (its `edge-lab-site` tag). @default none (a lab-wide VM) */
  readonly site?: string;
  /** VM settings, defaults applied (`resolveVmSettings`). */
  readonly vm: ResolvedVmSettings;
  /** NIC ids, primary first. */
  readonly nicIds: readonly string[];
  /** cloud-init document. */
  readonly cloudInit: string;
}

export class LinuxLabVm extends Construct {
  readonly vm: LinuxVirtualMachine;

  constructor(scope: Construct, id: string, props: LinuxLabVmProps) {
    super(scope, id);
    checkPlacement(this, props);
    const { vm } = props;
    const tags = tagsOf(props, props.site);
    this.vm = new LinuxVirtualMachine(this, "vm", {
      name: azureName("linuxVm", props.name),
      computerName: props.name,
      location: props.location,
      resourceGroupName: props.resourceGroupName,
      size: vm.linuxVmSize,
      adminUsername: vm.adminUsername,
      adminPassword: vm.adminPassword,
      // Password login is only reachable from the admin range or Bastion (NSG); no SSH key is available offline.
      disablePasswordAuthentication: false,
      networkInterfaceIds: [...props.nicIds],
      osDisk: { caching: "ReadWrite", storageAccountType: "StandardSSD_LRS" },
      sourceImageReference: { publisher: "Canonical", offer: "0001-com-ubuntu-server-jammy", sku: "22_04-lts-gen2", version: "latest" },
      bootDiagnostics: {},
      customData: b64(props.cloudInit),
      tags,
    });
    autoShutdown(this, vm, this.vm.id, props.location, tags);
  }
}

function autoShutdown(scope: Construct, vm: ResolvedVmSettings, vmId: string, location: string, tags: Record<string, string>): void {
  if (vm.autoShutdown === false) {
    suppressPolicy(scope, [{ id: "LAB-POL-10", reason: "lab.autoShutdown is false in the scenario: the owner opted out of the daily shutdown" }]);
    return;
  }
  new DevTestGlobalVmShutdownSchedule(scope, "auto-shutdown", {
    virtualMachineId: vmId,
    location,
    enabled: true,
    dailyRecurrenceTime: vm.autoShutdown.replace(":", ""),
    timezone: vm.timezone,
    notificationSettings: { enabled: false },
    tags,
  });
}
