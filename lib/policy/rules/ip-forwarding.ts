import type { PolicyRule } from "../types";

export const IpForwarding: PolicyRule = {
  id: "LAB-POL-08",
  level: "error",
  info: "IP forwarding is enabled on a NIC.",
  explanation:
    "Only the closed lab's firewall appliance routes and translates traffic (its NIC carries a suppression saying so); an Edge or other server must not forward packets between networks (NET-04).",
  checkov: ["CKV_AZURE_118"],
  trivy: ["AVD-AZU-0075"],
  check: (resource) =>
    resource.type === "azurerm_network_interface" && resource.attrs.ip_forwarding_enabled === true ? ["ip_forwarding_enabled is true"] : [],
};
