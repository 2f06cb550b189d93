/** Helpers to read NSG rules, whether separate `azurerm_network_security_rule` resources or inline `security_rule` blocks. */
import type { ResourceView } from "./types";

export interface NsgRuleView {
  readonly name: string;
  readonly direction: string;
  readonly access: string;
  readonly protocol: string;
  readonly sources: readonly string[];
  readonly ports: readonly string[];
  readonly description: string;
}

/** Addresses every scanner treats as "the Internet" (union of Checkov's and Trivy's lists; cdktf-notes §7). */
const INTERNET_ALIASES = new Set(["*", "0.0.0.0", "0.0.0.0/0", "::/0", "internet", "any", "/0"]);

export function isInternet(prefix: string): boolean {
  return INTERNET_ALIASES.has(prefix.trim().toLowerCase());
}

const list = (single: unknown, many: unknown): string[] => [
  ...(typeof single === "string" && single !== "" ? [single] : []),
  ...(Array.isArray(many) ? many.filter((x): x is string => typeof x === "string") : []),
];

function fromAttrs(a: Record<string, unknown>): NsgRuleView {
  return {
    name: String(a.name ?? ""),
    direction: String(a.direction ?? ""),
    access: String(a.access ?? ""),
    protocol: String(a.protocol ?? ""),
    sources: list(a.source_address_prefix, a.source_address_prefixes),
    ports: list(a.destination_port_range, a.destination_port_ranges),
    description: String(a.description ?? ""),
  };
}

export function nsgRules(resource: ResourceView): NsgRuleView[] {
  if (resource.type === "azurerm_network_security_rule") return [fromAttrs(resource.attrs as Record<string, unknown>)];
  if (resource.type === "azurerm_network_security_group" && Array.isArray(resource.attrs.security_rule)) {
    return (resource.attrs.security_rule as Record<string, unknown>[]).map(fromAttrs);
  }
  return [];
}

/** True when a port spec ("3389", "3000-4000", "*") covers `port`. */
export function coversPort(spec: string, port: number): boolean {
  if (spec.trim() === "*") return true;
  const [from, to] = spec.split("-").map((p) => Number(p.trim()));
  return Number.isFinite(from) && port >= from && port <= (Number.isFinite(to) ? to : from);
}

export const isInboundAllowFromInternet = (r: NsgRuleView) =>
  r.direction.toLowerCase() === "inbound" && r.access.toLowerCase() === "allow" && r.sources.some(isInternet);
