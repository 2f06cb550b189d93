/**
 * The address layout of a lab, computed from the plan's `scenario.sites[].networks` (pure, no cdktf): the Azure lab
 * builds it, the emulation reproduces it.
 *
 * Design choices (azure-lab.md):
 * - One lab VNet per site. Its address space is the union of the site's own networks (perimeter external, reverse
 *   proxy external, perimeter internal, internal networks; a public-addressing site's perimeter external *is* the
 *   public range, so the NICs hold Microsoft's "public" addresses without NAT in the closed lab) plus one lab
 *   infrastructure /24 for the firewall appliance and Azure Bastion.
 * - Lab infrastructure ranges come from the shared address space 100.64.0.0/10 (RFC 6598), which Lync scenarios do
 *   not use: the first free /24 is the simulated Internet (closed mode), the next free /24 per site is that site's
 *   infrastructure block. "Free" means not overlapping any network or public range of any site, so a scenario that
 *   does use 100.64.x.x still gets a non-overlapping layout.
 * - Infrastructure /24 of a site: .0/27 firewall outside (NVA eth0 at .4), .32/27 firewall inside (NVA eth1 at .36),
 *   .64/26 AzureBastionSubnet (Bastion Basic needs a /26; created only when that SKU is chosen).
 * - Simulated Internet /24: .0/25 client subnet, test client at .10.
 */
import { cidrsOverlap, hostAt, parseCidr, type Cidr } from "../model/net";
import { LAB_INFRA_SPACE, freeInfraBlocks } from "../model/rules/lab-limits";
import type { Plan, PlanSite } from "../model/plan";

export type SubnetRole = "perimeter-external" | "reverse-proxy-external" | "perimeter-internal" | "internal" | "fw-outside" | "fw-inside" | "bastion";

export interface SubnetLayout {
  /** Key unique in the site ("pext", "rpext", "pint", "int1", "fwout", "fwin", "bastion"). */
  readonly key: string;
  readonly name: string;
  readonly cidr: string;
  readonly role: SubnetRole;
  /** The subnet holds NICs (gets an NSG). */
  readonly hasNics: boolean;
}

export interface FirewallLayout {
  readonly outsideIp: string;
  readonly insideIp: string;
}

export interface SiteLayout {
  readonly site: PlanSite;
  readonly index: number;
  readonly addressSpace: readonly string[];
  readonly subnets: readonly SubnetLayout[];
  /** The site's lab infrastructure /24. */
  readonly infraCidr: string;
  /** The external firewall appliance (closed mode only). */
  readonly firewall?: FirewallLayout;
}

export interface SimInternetLayout {
  readonly cidr: string;
  readonly clientSubnet: string;
  readonly clientIp: string;
}

export interface LabLayout {
  readonly mode: "closed" | "internet";
  readonly sites: readonly SiteLayout[];
  /** The simulated Internet VNet (closed mode only). */
  readonly simInternet?: SimInternetLayout;
}

function freeBlocks(taken: readonly string[], count: number): Cidr[] {
  const out = freeInfraBlocks(taken, count).map((text) => parseCidr(text));
  // Unreachable for a validated scenario (LAB-NET-04); a guard for plans built in code.
  if (out.length < count) throw new Error(`edge-lab: no free /24 left in ${LAB_INFRA_SPACE} for the lab infrastructure (LAB-NET-04)`);
  return out;
}

const sub = (cidr: Cidr, offset: number, prefix: number) => `${hostAt(cidr, offset)}/${prefix}`;

/** Computes the lab layout of a plan. Throws on a plan that cannot be laid out (never for a validated plan). */
export function labLayout(plan: Plan): LabLayout {
  const mode = plan.scenario.labMode;
  const taken = plan.scenario.sites.flatMap((s) => {
    const n = s.networks;
    return [n.perimeterExternal, n.perimeterInternal, n.publicRange, n.reverseProxyExternal, ...n.internalNetworks];
  });
  const closed = mode === "closed";
  const blocks = freeBlocks(taken, plan.scenario.sites.length + (closed ? 1 : 0));
  const simBlock = closed ? blocks.shift() : undefined;

  const sites = plan.scenario.sites.map((site, index): SiteLayout => {
    const n = site.networks;
    const infra = blocks[index];
    const subnets: SubnetLayout[] = [{ key: "pext", name: "snet-perimeter-external", cidr: n.perimeterExternal, role: "perimeter-external", hasNics: true }];
    if (n.reverseProxyExternal !== n.perimeterExternal) {
      subnets.push({ key: "rpext", name: "snet-rp-external", cidr: n.reverseProxyExternal, role: "reverse-proxy-external", hasNics: true });
    }
    subnets.push({ key: "pint", name: "snet-perimeter-internal", cidr: n.perimeterInternal, role: "perimeter-internal", hasNics: true });
    n.internalNetworks.forEach((cidr, i) => subnets.push({ key: `int${i + 1}`, name: `snet-internal-${i + 1}`, cidr, role: "internal", hasNics: true }));
    if (closed) {
      subnets.push({ key: "fwout", name: "snet-fw-outside", cidr: sub(infra, 0, 27), role: "fw-outside", hasNics: true });
      subnets.push({ key: "fwin", name: "snet-fw-inside", cidr: sub(infra, 32, 27), role: "fw-inside", hasNics: true });
    }
    // Azure requires this exact subnet name for Bastion.
    subnets.push({ key: "bastion", name: "AzureBastionSubnet", cidr: sub(infra, 64, 26), role: "bastion", hasNics: false });
    const addressSpace = [
      ...new Set(subnets.filter((s) => s.role !== "fw-outside" && s.role !== "fw-inside" && s.role !== "bastion").map((s) => s.cidr)),
      infra.text,
    ];
    return {
      site,
      index,
      addressSpace,
      subnets,
      infraCidr: infra.text,
      ...(closed ? { firewall: { outsideIp: hostAt(infra, 4), insideIp: hostAt(infra, 36) } } : {}),
    };
  });
  return {
    mode,
    sites,
    ...(simBlock ? { simInternet: { cidr: simBlock.text, clientSubnet: sub(simBlock, 0, 25), clientIp: hostAt(simBlock, 10) } } : {}),
  };
}

/** The subnet of a site that contains `ip` (an address or a prefix inside a subnet), if any. */
export function subnetOf(site: SiteLayout, ipOrCidr: string): SubnetLayout | undefined {
  const probe = ipOrCidr.includes("/") ? parseCidr(ipOrCidr) : parseCidr(`${ipOrCidr}/32`);
  return site.subnets.find((s) => cidrsOverlap(parseCidr(s.cidr), probe));
}

/** The subnet of a site with exactly this CIDR (plan interfaces name their subnet by CIDR). */
export function subnetByCidr(site: SiteLayout, cidr: string): SubnetLayout {
  const found = site.subnets.find((s) => s.cidr === cidr);
  if (!found) throw new Error(`edge-lab: site ${site.site.name} has no subnet ${cidr}`);
  return found;
}

/**
 * What "Internet" means as an NSG source in the closed lab: the simulated Internet VNet plus the public ranges of
 * the other sites (their Edges reach this one through the firewall appliances with their public source addresses).
 */
export function closedInternetPrefixes(layout: LabLayout, site: SiteLayout): string[] {
  if (!layout.simInternet) return [];
  return [layout.simInternet.cidr, ...layout.sites.filter((s) => s !== site).map((s) => s.site.networks.publicRange)];
}
