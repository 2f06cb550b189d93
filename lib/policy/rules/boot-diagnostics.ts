import type { PolicyRule } from "../types";

export const VM_TYPES = ["azurerm_windows_virtual_machine", "azurerm_linux_virtual_machine"];

export const BootDiagnostics: PolicyRule = {
  id: "LAB-POL-06",
  level: "error",
  info: "A virtual machine has no boot diagnostics.",
  explanation: "Boot diagnostics (managed storage) give the serial console and screenshots needed to repair a lab VM whose network configuration went wrong.",
  checkov: ["CKV2_AZURE_39"],
  trivy: [],
  check: (resource) => {
    if (!VM_TYPES.includes(resource.type)) return [];
    const bd = resource.attrs.boot_diagnostics;
    const present = Array.isArray(bd) ? bd.length > 0 : bd !== undefined && bd !== null;
    return present ? [] : ["no boot_diagnostics block"];
  },
};
