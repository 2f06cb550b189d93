/**
 * The server products edge-lab plans, as one table: support status with its source, what the product lacks (XMPP,
 * public IM connectivity), the Windows Server image a lab uses for it and its TLS note. Dates and images are data
 * here and nowhere else; plan notes, the worksheet summary, `validate` and the Azure lab read them from this table.
 *
 * Sources: Microsoft's lifecycle data (MicrosoftDocs/lifecycle-data, products/*.yml) for the fixed-lifecycle
 * products; the Modern Lifecycle Policy page for Subscription Edition; the TLS pages of the Skype for Business Server
 * documentation. Claims marked "not verified" rest on secondary sources (see docs/scenario.md, "Products").
 */

/** Newest first: the order `edge-lab init` offers them in. */
export const PRODUCT_IDS = ["sfbse", "sfb2019", "sfb2015", "lync2013"] as const;
export type ProductId = (typeof PRODUCT_IDS)[number];

export interface ProductSupport {
  /** "ended": past the end of extended support; "supported": in support. */
  readonly status: "supported" | "ended";
  readonly policy: "Fixed Lifecycle" | "Modern Lifecycle";
  /** ISO dates (fixed lifecycle). */
  readonly mainstreamEnd?: string;
  readonly extendedEnd?: string;
  /** Modern lifecycle: the earliest date support can end, if announced. */
  readonly earliestEnd?: string;
  readonly source: string;
  /** Set when no primary source confirmed the dates. */
  readonly unverified?: string;
}

export interface WindowsImage {
  readonly publisher: string;
  readonly offer: string;
  readonly sku: string;
}

export interface ProductInfo {
  readonly id: ProductId;
  readonly name: string;
  /** Release order (2013 = 1, ..., SE = 4): "Skype for Business 2015 or later" is generation >= 2. */
  readonly generation: number;
  readonly support: ProductSupport;
  /** XMPP gateway and proxy (removed in Skype for Business Server 2019, LAB-VER-01). */
  readonly xmpp: boolean;
  /** Public IM connectivity still configurable in the product (it has no working provider left, SE-02). */
  readonly publicImConfigurable: boolean;
  /** Default lab image (a scenario overrides the SKU with lab.imageSku). */
  readonly labImage: WindowsImage;
  readonly labImageNote: string;
  /** Minimum TLS and what disabling TLS 1.0/1.1 on the Edge means for partners. */
  readonly tls: string;
  /**
   * The SIP `Server:` header its Access Edge answers with (`RTC/<major>.0`): captured Lync 2013 and Skype for Business
   * 2015 responses show RTC/5.0 and RTC/6.0 (probe-protocols.md 1.2 [TC] [DOD]); 2019 and SE follow the build number
   * (7.0.x) but no captured response was seen: `verified` says so (VERIFY, reference section 8 item 4).
   */
  readonly sipServer: { readonly header: string; readonly verified: boolean };
}

const LIFECYCLE = "MicrosoftDocs/lifecycle-data-pr.de-de:lifecycle-data/products";
const TLS_PAGE = "MicrosoftDocs/OfficeDocs-SkypeForBusiness:Skype/SfbServer/manage/topology/disable-tls-1.0-1.1.md";
const TLS_PARTNERS =
  "Disabling TLS 1.0/1.1 on an Edge may break federation with partners whose servers are not patched for TLS 1.2; Microsoft 365 and its federation gateways already use TLS 1.2.";
const windowsServer = (sku: string): WindowsImage => ({ publisher: "MicrosoftWindowsServer", offer: "WindowsServer", sku });

export const PRODUCTS: Readonly<Record<ProductId, ProductInfo>> = {
  sfbse: {
    id: "sfbse",
    name: "Skype for Business Server Subscription Edition",
    generation: 4,
    support: {
      status: "supported",
      policy: "Modern Lifecycle",
      earliestEnd: "2035-12-31",
      source: "https://learn.microsoft.com/lifecycle/policies/modern",
      unverified: "the earliest end date is quoted from a secondary source",
    },
    xmpp: false,
    publicImConfigurable: false,
    labImage: windowsServer("2019-Datacenter"),
    labImageNote:
      "Windows Server 2019 (the OS Skype for Business Server 2019 lists; Windows Server 2022/2025 support for SE is reported for later cumulative updates, not verified; 2022 is needed for TLS 1.3 in Schannel).",
    tls: `Minimum TLS 1.2: SE offers TLS 1.3 and 1.2 (1.3 needs Windows Server 2022 or later); TLS 1.0/1.1 can be disabled (as from Skype for Business Server 2019 CU1). ${TLS_PARTNERS}`,
    sipServer: { header: "RTC/7.0", verified: false },
  },
  sfb2019: {
    id: "sfb2019",
    name: "Skype for Business Server 2019",
    generation: 3,
    support: {
      status: "ended",
      policy: "Fixed Lifecycle",
      mainstreamEnd: "2024-01-09",
      extendedEnd: "2025-10-14",
      source: `${LIFECYCLE}/skype-for-business-server-2019.yml`,
    },
    xmpp: false,
    publicImConfigurable: true,
    labImage: windowsServer("2019-Datacenter"),
    labImageNote: "Windows Server 2019 (Windows Server 2016 and 2019 are supported; Server Core is not).",
    tls: `Minimum TLS 1.2: Skype for Business Server 2019 offers TLS 1.3 and 1.2; disabling TLS 1.0/1.1 is supported from CU1. ${TLS_PARTNERS}`,
    sipServer: { header: "RTC/7.0", verified: false },
  },
  sfb2015: {
    id: "sfb2015",
    name: "Skype for Business Server 2015",
    generation: 2,
    support: {
      status: "ended",
      policy: "Fixed Lifecycle",
      mainstreamEnd: "2020-10-13",
      extendedEnd: "2025-10-14",
      source: `${LIFECYCLE}/skype-for-business-server-2015.yml`,
    },
    xmpp: true,
    publicImConfigurable: true,
    labImage: windowsServer("2016-Datacenter"),
    labImageNote: "Windows Server 2016.",
    tls: `Skype for Business Server 2015 offers TLS 1.2, 1.1 and 1.0; disabling TLS 1.0/1.1 (minimum TLS 1.2) is supported from CU9. ${TLS_PARTNERS}`,
    sipServer: { header: "RTC/6.0", verified: true },
  },
  lync2013: {
    id: "lync2013",
    name: "Lync Server 2013",
    generation: 1,
    support: {
      status: "ended",
      policy: "Fixed Lifecycle",
      mainstreamEnd: "2018-04-10",
      extendedEnd: "2023-04-11",
      source: `${LIFECYCLE}/microsoft-lync-server-2013.yml`,
    },
    xmpp: true,
    publicImConfigurable: true,
    labImage: windowsServer("2012-R2-Datacenter"),
    labImageNote: "Windows Server 2012 R2 (extended support ended; the Azure image may be missing in some regions).",
    tls: `Minimum TLS 1.2 is supported for the Lync Server 2013 Edge role only (it has no Windows Fabric dependency); other Lync 2013 roles are out of scope of Microsoft's TLS 1.0/1.1 removal. ${TLS_PARTNERS}`,
    sipServer: { header: "RTC/5.0", verified: true },
  },
};

export const TLS_SOURCE = TLS_PAGE;

export function productInfo(id: ProductId): ProductInfo {
  return PRODUCTS[id];
}

/** The support note of a product: "Lync Server 2013: extended support ended on 2023-04-11 (...)". */
export function supportText(p: ProductInfo): string {
  const s = p.support;
  if (s.status === "ended") {
    return `${p.name}: out of support; mainstream support ended on ${s.mainstreamEnd}, extended support on ${s.extendedEnd} (no security updates since). Plan new Edge deployments on Skype for Business Server Subscription Edition.`;
  }
  return `${p.name}: supported under the ${s.policy} Policy while kept on current cumulative updates${s.earliestEnd ? ` (earliest possible end ${s.earliestEnd}${s.unverified ? ", not verified" : ""})` : ""}.`;
}

/** "supported" / "out of support since 2023-04-11": shown next to the product in `edge-lab init`. */
export function supportStatusShort(p: ProductInfo): string {
  return p.support.status === "ended" ? `out of support since ${p.support.extendedEnd}` : `supported, ${p.support.policy}`;
}
