import type { PolicyRule } from "../types";

/** Basic public IPs and load balancers were retired on 30 Sep 2025 (azure-lab.md); Standard requires static allocation. */
export const StandardSku: PolicyRule = {
  id: "LAB-POL-05",
  level: "error",
  info: "A public IP or load balancer is not Standard SKU with static allocation.",
  explanation: "Basic SKUs are retired; Standard public IPs and load balancers must match, and Standard public IPs are static.",
  checkov: [],
  trivy: [],
  check: (resource) => {
    const a = resource.attrs;
    if (resource.type === "azurerm_public_ip") {
      const problems: string[] = [];
      if (a.sku !== "Standard") problems.push(`sku is ${String(a.sku ?? "unset")}, expected Standard`);
      if (a.allocation_method !== "Static") problems.push(`allocation_method is ${String(a.allocation_method ?? "unset")}, expected Static`);
      return problems;
    }
    if (resource.type === "azurerm_lb") return a.sku === "Standard" ? [] : [`sku is ${String(a.sku ?? "unset")}, expected Standard`];
    return [];
  },
};
