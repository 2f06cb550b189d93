import { isInboundAllowFromInternet, nsgRules } from "../nsg";
import type { PolicyRule } from "../types";

export const UdpFromInternet: PolicyRule = {
  id: "LAB-POL-04",
  level: "warning",
  info: "UDP is allowed inbound from the Internet.",
  explanation:
    "Scanners flag Internet UDP; the A/V Edge needs UDP 3478 (and 50,000-59,999 for OCS 2007 partners) by design, so those rules carry a suppression with the reason.",
  checkov: ["CKV_AZURE_77"],
  trivy: [],
  check: (resource) =>
    nsgRules(resource)
      .filter(isInboundAllowFromInternet)
      .filter((r) => ["udp", "*"].includes(r.protocol.toLowerCase()))
      .map((r) => `rule ${r.name} allows UDP ${r.ports.join(",")} from ${r.sources.join(", ")}`),
};
