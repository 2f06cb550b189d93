import type { PolicyRule } from "../types";
import { VM_TYPES } from "./boot-diagnostics";

export const AutoShutdown: PolicyRule = {
  id: "LAB-POL-10",
  level: "error",
  info: "A lab VM has no daily auto-shutdown schedule.",
  explanation:
    "A lab of several Windows VMs costs money every hour it runs; a daily shutdown (lab.autoShutdown) is the frugal default. Set lab.autoShutdown: false to opt out explicitly (the finding is then suppressed with that reason).",
  checkov: [],
  trivy: [],
  check: (resource, context) => {
    if (!VM_TYPES.includes(resource.type)) return [];
    const id = `\${${resource.address}.id}`;
    const scheduled = context.resources.some(
      (r) => r.type === "azurerm_dev_test_global_vm_shutdown_schedule" && r.attrs.virtual_machine_id === id && r.attrs.enabled !== false,
    );
    return scheduled ? [] : ["no azurerm_dev_test_global_vm_shutdown_schedule references it"];
  },
};
