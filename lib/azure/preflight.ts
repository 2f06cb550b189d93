/**
 * Preflight: what a lab asks of the Azure subscription, read from the synthesized stack (so it counts exactly what
 * `cdktf deploy` would create): vCPUs per region and VM family (regional and per-family vCPU quotas), Standard public
 * IP addresses (quota per region, 10 by default on many subscriptions), VNet peerings, Azure Bastion Developer's
 * regions, and the support status of the Windows Server image. `edge-lab plan --preflight` prints it.
 */
import type { Plan } from "../model/plan";
import { vmSizeCpus } from "../model/lab/vm-sizes";
import { compareText } from "../model/compare";

/** Regions where the Azure docs list the Bastion Developer SKU (includes/bastion-developer-sku-regions.md, 10/2023). */
export const BASTION_DEVELOPER_REGIONS: readonly string[] = ["westcentralus", "northcentralus", "westus", "northeurope"];

/** Default Standard public IP quota per region that many subscriptions start with (raise it by a quota request). */
export const DEFAULT_PUBLIC_IP_QUOTA = 10;

/** Azure's limit of peerings per virtual network. */
export const MAX_PEERINGS_PER_VNET = 500;

/** Support status of the Windows Server images the lab uses (Microsoft lifecycle). */
const IMAGE_STATUS: Readonly<Record<string, string>> = {
  "2012-R2-Datacenter":
    "Windows Server 2012 R2 (Lync Server 2013): mainstream support ended 2018-10-09, extended support 2023-10-10, the Extended Security Updates on Azure 2026-10-13; the Marketplace image may be missing in newer regions (az vm image list --location <region> --publisher MicrosoftWindowsServer --offer WindowsServer --sku 2012-R2-Datacenter --all)",
  "2016-Datacenter": "Windows Server 2016 (Skype for Business Server 2015): extended support until 2027-01-12",
  "2019-Datacenter": "Windows Server 2019 (Skype for Business Server 2019): extended support until 2029-01-09",
};

type Resources = Record<string, Record<string, Record<string, unknown>>>;

export interface RegionDemand {
  readonly region: string;
  readonly vms: number;
  readonly vcpus: number;
  /** vCPUs per VM size, in size order. */
  readonly sizes: readonly { readonly size: string; readonly count: number; readonly vcpus: number }[];
  readonly standardPublicIps: number;
}

export interface PreflightReport {
  readonly scenario: string;
  readonly regions: readonly RegionDemand[];
  readonly peerings: readonly { readonly vnet: string; readonly count: number }[];
  readonly bastions: readonly { readonly sku: string; readonly region: string }[];
  readonly images: readonly string[];
  /** Lines that need the user's attention before deploying. */
  readonly warnings: readonly string[];
}

/** The name of the resource a "${type.id.attr}" reference points to, or the text itself. */
function referencedName(resources: Resources, ref: unknown): string {
  const m = /^\$\{([\w]+)\.([\w-]+)\.name\}$/.exec(String(ref));
  return m ? String(resources[m[1]]?.[m[2]]?.name ?? ref) : String(ref);
}

export function preflight(plan: Plan, terraform: { resource?: Resources }): PreflightReport {
  const resources: Resources = terraform.resource ?? {};
  const all = (type: string) => Object.values(resources[type] ?? {});
  const vms = [...all("azurerm_windows_virtual_machine"), ...all("azurerm_linux_virtual_machine")];
  const regions = [...new Set([...vms.map((v) => String(v.location)), ...all("azurerm_public_ip").map((p) => String(p.location))])].sort(compareText);
  const demand = regions.map((region): RegionDemand => {
    const here = vms.filter((v) => v.location === region);
    const bySize = new Map<string, number>();
    for (const vm of here) bySize.set(String(vm.size), (bySize.get(String(vm.size)) ?? 0) + 1);
    const sizes = [...bySize].sort(([a], [b]) => compareText(a, b)).map(([size, count]) => ({ size, count, vcpus: count * (vmSizeCpus(size) ?? 0) }));
    return {
      region,
      vms: here.length,
      vcpus: sizes.reduce((n, s) => n + s.vcpus, 0),
      sizes,
      standardPublicIps: all("azurerm_public_ip").filter((p) => p.location === region && p.sku === "Standard").length,
    };
  });
  const peeringCounts = new Map<string, number>();
  for (const p of all("azurerm_virtual_network_peering")) {
    const vnet = referencedName(resources, p.virtual_network_name);
    peeringCounts.set(vnet, (peeringCounts.get(vnet) ?? 0) + 1);
  }
  const peerings = [...peeringCounts].sort(([a], [b]) => compareText(a, b)).map(([vnet, count]) => ({ vnet, count }));
  const bastions = all("azurerm_bastion_host").map((b) => ({ sku: String(b.sku), region: String(b.location) }));
  const images = [...new Set(all("azurerm_windows_virtual_machine").map((v) => String((v.source_image_reference as { sku?: string } | undefined)?.sku)))].sort(
    compareText,
  );

  const warnings: string[] = [];
  for (const r of demand) {
    if (r.standardPublicIps > DEFAULT_PUBLIC_IP_QUOTA) {
      warnings.push(
        `${r.region}: ${r.standardPublicIps} Standard public IP addresses; many subscriptions allow ${DEFAULT_PUBLIC_IP_QUOTA} per region by default: check "az network list-usages --location ${r.region} -o table" and request more before deploying`,
      );
    }
  }
  for (const p of peerings)
    if (p.count > MAX_PEERINGS_PER_VNET) warnings.push(`${p.vnet}: ${p.count} peerings; Azure allows ${MAX_PEERINGS_PER_VNET} per virtual network`);
  for (const region of [...new Set(bastions.filter((b) => b.sku === "Developer").map((b) => b.region))]) {
    if (!BASTION_DEVELOPER_REGIONS.includes(region)) {
      warnings.push(
        `Bastion Developer in ${region}: not among the regions the Azure docs list for the Developer SKU (${BASTION_DEVELOPER_REGIONS.join(", ")}; the list grows, check the Bastion SKU documentation); if the deploy refuses it, set lab.bastion: basic (one Bastion for all sites, about $0.19/h) or none`,
      );
    }
  }
  if (images.includes("2012-R2-Datacenter")) {
    warnings.push(
      "Windows Server 2012 R2 is out of support (see Image above): check that the region still offers the 2012-R2-Datacenter image before deploying",
    );
  }
  return { scenario: plan.scenario.id, regions: demand, peerings, bastions, images, warnings };
}

export function formatPreflight(report: PreflightReport): string {
  const out = [`Preflight for ${report.scenario}: what the lab needs from the subscription (check quotas before "cdktf deploy")`];
  for (const r of report.regions) {
    out.push(
      `  ${r.region}: ${r.vms} VMs, ${r.vcpus} vCPUs (${r.sizes.map((s) => `${s.count} x ${s.size} = ${s.vcpus}`).join(", ")}); ${r.standardPublicIps} Standard public IP addresses`,
    );
    out.push(
      `    quotas: az vm list-usage --location ${r.region} -o table (Total Regional vCPUs and each family above); az network list-usages --location ${r.region} -o table (Public IP Addresses - Standard)`,
    );
  }
  if (report.peerings.length)
    out.push(`  VNet peerings: ${report.peerings.map((p) => `${p.vnet} ${p.count}`).join(", ")} (limit ${MAX_PEERINGS_PER_VNET} per VNet)`);
  const bastions = new Map<string, number>();
  for (const b of report.bastions) bastions.set(`${b.sku} in ${b.region}`, (bastions.get(`${b.sku} in ${b.region}`) ?? 0) + 1);
  out.push(
    `  Azure Bastion: ${bastions.size ? [...bastions].map(([what, n]) => `${n} x ${what}`).join(", ") : "none (administration from lab.adminSourceCidr only)"}`,
  );
  for (const image of report.images) out.push(`  Image ${image}: ${IMAGE_STATUS[image] ?? "see the Windows Server lifecycle"}`);
  if (report.warnings.length) out.push("Before deploying:", ...report.warnings.map((w) => `  ! ${w}`));
  return `${out.join("\n")}\n`;
}
