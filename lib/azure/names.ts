/**
 * Deterministic Azure resource names and tags.
 *
 * Names are built from the scenario id, the site name and a role, never from random suffixes, so the same scenario
 * always synthesizes the same names. Each resource kind has Azure's length and character rules
 * (https://learn.microsoft.com/azure/azure-resource-manager/management/resource-name-rules); `azureName` checks them
 * at construction time and throws a clear error instead of letting `terraform apply` fail later.
 */

export type NameKind =
  | "resourceGroup"
  | "virtualNetwork"
  | "subnet"
  | "networkSecurityGroup"
  | "networkInterface"
  | "publicIp"
  | "loadBalancer"
  | "lbChild"
  | "routeTable"
  | "natGateway"
  | "bastion"
  | "peering"
  | "dnsLink"
  | "windowsVm"
  | "linuxVm"
  | "vmExtension"
  | "nsgRule";

interface NameRule {
  readonly min: number;
  readonly max: number;
  readonly pattern: RegExp;
  readonly text: string;
}

/** Alphanumeric start, then alphanumerics, `_`, `.` or `-`, ending with an alphanumeric or `_` (network resources). */
const NETWORK = /^[A-Za-z0-9](?:[A-Za-z0-9_.-]*[A-Za-z0-9_])?$/;

/** Most network resources share one rule: 1-80 characters of letters, digits, _ . - */
const NETWORK_NAME: NameRule = { min: 1, max: 80, pattern: NETWORK, text: "1-80 letters, digits, _ . -" };

export const NAME_RULES: Readonly<Record<NameKind, NameRule>> = {
  resourceGroup: { min: 1, max: 90, pattern: /^[-\w._()]*[-\w_()]$/, text: "1-90 letters, digits, _ - . ( ), not ending with ." },
  virtualNetwork: { min: 2, max: 64, pattern: NETWORK, text: "2-64 letters, digits, _ . -" },
  subnet: NETWORK_NAME,
  networkSecurityGroup: NETWORK_NAME,
  networkInterface: NETWORK_NAME,
  publicIp: NETWORK_NAME,
  loadBalancer: NETWORK_NAME,
  lbChild: NETWORK_NAME,
  routeTable: NETWORK_NAME,
  natGateway: NETWORK_NAME,
  bastion: NETWORK_NAME,
  peering: NETWORK_NAME,
  dnsLink: NETWORK_NAME,
  // Windows computer names (and therefore Windows VM names here) are at most 15 characters.
  windowsVm: { min: 1, max: 15, pattern: /^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$/, text: "1-15 letters, digits or hyphens (NetBIOS limit)" },
  linuxVm: { min: 1, max: 64, pattern: /^[A-Za-z0-9](?:[A-Za-z0-9.-]*[A-Za-z0-9])?$/, text: "1-64 letters, digits, . -" },
  vmExtension: NETWORK_NAME,
  nsgRule: NETWORK_NAME,
};

/** Joins parts with "-", lower-cases, and checks the result against the rules of `kind`. */
export function azureName(kind: NameKind, ...parts: readonly string[]): string {
  const name = parts
    .filter((p) => p.length > 0)
    .join("-")
    .toLowerCase();
  checkName(kind, name);
  return name;
}

/** A name Azure requires spelled exactly (e.g. "AzureBastionSubnet"): checked against the rules of `kind`, case kept. */
export function exactAzureName(kind: NameKind, name: string): string {
  checkName(kind, name);
  return name;
}

/** Throws when `name` breaks Azure's rules for `kind`. */
export function checkName(kind: NameKind, name: string): void {
  const rule = NAME_RULES[kind];
  if (name.length < rule.min || name.length > rule.max || !rule.pattern.test(name)) {
    throw new Error(`edge-lab: "${name}" is not a valid Azure ${kind} name (${rule.text})`);
  }
}

/** Tags on every taggable resource: the scenario id (and site) let a user find and clean up a lab. */
export function labTags(scenarioId: string, site?: string): Record<string, string> {
  return { "edge-lab-scenario": scenarioId, ...(site ? { "edge-lab-site": site } : {}), "managed-by": "edge-lab" };
}

/** A construct id from free text (construct ids may not contain "/"). */
export function cid(...parts: readonly string[]): string {
  return parts.join("-").replace(/[^A-Za-z0-9_-]/g, "_");
}
