import { isInboundAllowFromInternet, nsgRules } from "../nsg";
import type { PolicyRule } from "../types";

/** A reference rule id (FW-03, HLB-17, RP-02 ...) in the rule's description ties it to a row of Microsoft's tables. */
const REFERENCE_ID = /\b(?:FW|HLB|RP|DIR|FED|DNS|LB|NET|NAT)-\d{2}\b/;

export const TraceableInternetRules: PolicyRule = {
  id: "LAB-POL-03",
  level: "error",
  info: "An Internet-facing allow rule does not trace to a row of Microsoft's port tables.",
  explanation:
    "Every port opened to the Internet must come from the plan's firewall rows (one Edge port table); its description cites the reference rule id so reviewers can check it.",
  checkov: [],
  trivy: ["AVD-AZU-0047"],
  check: (resource) =>
    nsgRules(resource)
      .filter(isInboundAllowFromInternet)
      .filter((r) => !REFERENCE_ID.test(r.description))
      .map((r) => `rule ${r.name} (${r.protocol} ${r.ports.join(",")}) has no reference rule id in its description`),
};
