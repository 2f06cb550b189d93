import { coversPort, isInboundAllowFromInternet, nsgRules } from "../nsg";
import type { PolicyRule } from "../types";

const MANAGEMENT_PORTS = [3389, 22, 5985, 5986];

/** RDP, SSH and WinRM must never be reachable from the Internet; use adminSourceCidr or Azure Bastion. */
export const ManagementPortsFromInternet: PolicyRule = {
  id: "LAB-POL-01",
  level: "error",
  info: "A management port (RDP 3389, SSH 22, WinRM 5985/5986) is open to the Internet.",
  explanation:
    "Lab servers are administered only from the declared admin source range or through Azure Bastion; an Internet-wide management port is the most attacked surface in Azure.",
  checkov: ["CKV_AZURE_9", "CKV_AZURE_10"],
  trivy: ["AVD-AZU-0048", "AVD-AZU-0050"],
  check: (resource) =>
    nsgRules(resource)
      .filter(isInboundAllowFromInternet)
      .filter((r) => ["tcp", "*"].includes(r.protocol.toLowerCase()))
      .flatMap((r) =>
        MANAGEMENT_PORTS.filter((p) => r.ports.some((spec) => coversPort(spec, p))).map((p) => `rule ${r.name} allows port ${p} from ${r.sources.join(", ")}`),
      ),
};
