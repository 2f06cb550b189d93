import { isInboundAllowFromInternet, nsgRules } from "../nsg";
import type { PolicyRule } from "../types";

export const InboundAllowAll: PolicyRule = {
  id: "LAB-POL-02",
  level: "error",
  info: "An NSG rule allows every port and protocol inbound from the Internet.",
  explanation:
    "Edge firewalls open only the ports of Microsoft's tables for the features offered (FW-02); an allow-all rule makes every other check meaningless.",
  checkov: [],
  trivy: ["AVD-AZU-0047"],
  check: (resource) =>
    nsgRules(resource)
      .filter(isInboundAllowFromInternet)
      .filter((r) => r.protocol === "*" && r.ports.some((p) => p.trim() === "*" || p.trim() === "0-65535"))
      .map((r) => `rule ${r.name} allows all traffic from ${r.sources.join(", ")}`),
};
