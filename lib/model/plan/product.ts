/** What the plan says about the product: support status, lab image, TLS and retired services (lib/model/products.ts). */
import { PRODUCTS, supportText, TLS_SOURCE } from "../products";
import type { ResolvedScenario } from "../resolve";
import type { PlanNote, PlanScenario } from "./types";

export function productSummary(s: ResolvedScenario): Pick<PlanScenario, "support" | "labImage"> {
  const p = PRODUCTS[s.product];
  return {
    support: {
      status: p.support.status,
      text: supportText(p),
      ...(p.support.extendedEnd ? { extendedEnd: p.support.extendedEnd } : {}),
      source: p.support.source,
    },
    labImage: s.lab.imageSku ? { ...p.labImage, sku: s.lab.imageSku, from: "scenario" } : { ...p.labImage, from: "product" },
  };
}

/** Retired public IM connectivity services (SE-02): Skype consumer retired in May 2025, Windows Live merged into it. */
export const RETIRED_PIC = ["skype", "windows-live"] as const;

export function productNotes(s: ResolvedScenario): PlanNote[] {
  const p = PRODUCTS[s.product];
  const notes: PlanNote[] = [
    { kind: p.support.status === "ended" ? "warning" : "info", message: `${supportText(p)} Source: ${p.support.source}.`, refs: ["SE-01"] },
    { kind: "info", message: `TLS: ${p.tls} Source: ${TLS_SOURCE}.`, refs: ["SE-01"] },
    s.lab.imageSku
      ? {
          kind: "fidelity",
          message: `Lab image: Windows Server SKU ${s.lab.imageSku} from lab.imageSku (the product's default is ${p.labImage.sku}: ${p.labImageNote})`,
          refs: ["NET-13"],
        }
      : { kind: "info", message: `Lab image for ${p.name}: ${p.labImageNote}`, refs: ["NET-13"] },
  ];
  const retired = s.federation.publicIm.filter((x): x is (typeof RETIRED_PIC)[number] => (RETIRED_PIC as readonly string[]).includes(x));
  if (retired.length > 0) {
    notes.push({
      kind: "warning",
      message: `Public IM connectivity with ${retired.join(" and ")} no longer works: Skype (consumer) was retired in May 2025 and Windows Live Messenger before it; the rows stay in this plan because Microsoft's tables list them.`,
      refs: ["SE-02", "FED-03"],
    });
  }
  return notes;
}
