/**
 * VM sizes edge-lab accepts for the lab's Windows servers (`lab.vmSize`). The images are Generation 1 Windows Server
 * images (`2012-R2-Datacenter`, `2016-Datacenter`, `2019-Datacenter`: Lync 2013 needs 2012 R2, which Microsoft
 * publishes for both generations but whose Gen1 image is the one in every region), so a size that runs only
 * Generation 2 VMs fails at deploy time. Rather than guess for every size Azure has, edge-lab accepts the x64 families
 * that run both generations and allow two NICs from 2 vCPUs up, and names the reason for the others.
 */

/** x64 families that run Generation 1 and 2 images and allow 2+ NICs from 2 vCPUs (the capture is the vCPU count). */
const SUPPORTED_FAMILIES: readonly { readonly family: string; readonly pattern: RegExp }[] = [
  { family: "B-series (Bs, Bms)", pattern: /^Standard_B(\d+)m?s$/ },
  { family: "Dv3, Dsv3", pattern: /^Standard_D(\d+)s?_v3$/ },
  { family: "Dv4, Dsv4, Ddv4, Ddsv4, Dav4, Dasv4", pattern: /^Standard_D(\d+)a?d?s?_v4$/ },
  { family: "Dv5, Dsv5, Ddv5, Ddsv5, Dlsv5, Dldsv5, Dasv5, Dadsv5", pattern: /^Standard_D(\d+)a?l?d?s?_v5$/ },
  { family: "Ev3, Esv3, Ev4, Esv4, Edv4, Edsv4, Easv4, Ev5, Esv5, Edv5, Edsv5, Easv5, Eadsv5", pattern: /^Standard_E(\d+)a?d?s?_v[345]$/ },
  { family: "Fsv2", pattern: /^Standard_F(\d+)s_v2$/ },
];

export const SUPPORTED_VM_FAMILIES: readonly string[] = SUPPORTED_FAMILIES.map((f) => f.family);

/** The number of vCPUs of a supported size, or undefined when edge-lab does not accept the size. */
export function vmSizeCpus(size: string): number | undefined {
  for (const { pattern } of SUPPORTED_FAMILIES) {
    const m = pattern.exec(size);
    if (m) return Number(m[1]);
  }
  return undefined;
}

/** Why `size` cannot run the lab's Windows servers, or undefined when it can. */
export function vmSizeProblem(size: string): string | undefined {
  const cpus = vmSizeCpus(size);
  if (cpus !== undefined)
    return cpus >= 2 ? undefined : `${size} has ${cpus} vCPU; an Edge Server needs two NICs, which Azure allows from 2 vCPUs (e.g. Standard_D2s_v5)`;
  if (/^Standard_[DE]\d+p/.test(size)) return `${size} is an Arm64 size; Windows Server for Lync / Skype for Business needs x64 (e.g. Standard_D4s_v5)`;
  if (/_v6$/.test(size) || /^Standard_(?:M|DC|EC|ND|NC\d+ads_A100|HB|HX)/.test(size)) {
    return `${size} runs only Generation 2 VMs, and the lab uses Generation 1 Windows Server images (Lync 2013 needs Windows Server 2012 R2); use a size of: ${SUPPORTED_VM_FAMILIES.join("; ")}`;
  }
  return `${size} is not a size edge-lab has checked for Generation 1 images and two NICs; use a size of: ${SUPPORTED_VM_FAMILIES.join("; ")} (e.g. Standard_D4s_v5)`;
}
