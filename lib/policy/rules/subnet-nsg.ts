import type { PolicyRule } from "../types";

/** Subnet references ("${azurerm_subnet.x.id}") of a NIC's ip configurations. */
function nicSubnets(attrs: Readonly<Record<string, unknown>>): string[] {
  const configs = Array.isArray(attrs.ip_configuration) ? (attrs.ip_configuration as Record<string, unknown>[]) : [];
  return configs.map((c) => c.subnet_id).filter((s): s is string => typeof s === "string");
}

export const SubnetWithoutNsg: PolicyRule = {
  id: "LAB-POL-07",
  level: "error",
  info: "A subnet that holds NICs has no network security group.",
  explanation:
    "The perimeter subnets are the lab's firewalls (NSGs on the subnet, not only on NICs); a subnet without one lets every subnet of the VNet reach it.",
  checkov: ["CKV2_AZURE_31"],
  trivy: [],
  check: (resource, context) => {
    if (resource.type !== "azurerm_network_interface") return [];
    const associated = new Set(
      context.resources.filter((r) => r.type === "azurerm_subnet_network_security_group_association").map((r) => String(r.attrs.subnet_id)),
    );
    return [...new Set(nicSubnets(resource.attrs))].filter((s) => !associated.has(s)).map((s) => `subnet ${s} has no NSG association`);
  },
};
