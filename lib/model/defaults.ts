/**
 * Facts of the scenario format that several layers need, written once: the default address ranges (Microsoft's
 * example ranges, shifted per site), the site-name pattern and the public IM connectivity (PIC) providers. The zod
 * schema (lib/model/schema.ts) documents and checks them, `resolve` applies the defaults, and `edge-lab init`
 * (lib/init/flowchart.ts) offers and checks the same values. Pure data, no imports.
 */

/** The address ranges of a site that have a default. */
export type DefaultRangeField = "perimeterExternal" | "perimeterInternal" | "publicRange" | "internalNetwork";

/**
 * The first three octets of each default range for the first site (Microsoft's example ranges): site k shifts the
 * third octet by k, and every default range is a /24.
 */
export const DEFAULT_RANGE_PREFIX: Readonly<Record<DefaultRangeField, string>> = {
  perimeterExternal: "10.45.16",
  perimeterInternal: "172.25.33",
  publicRange: "131.107.155",
  internalNetwork: "192.168.10",
};

/** The default range `field` of site `siteIndex` (0 for the first site), e.g. "10.45.17.0/24" for the second site. */
export function defaultRangeText(field: DefaultRangeField, siteIndex: number): string {
  const [a, b, c] = DEFAULT_RANGE_PREFIX[field].split(".").map(Number);
  return `${a}.${b}.${c + siteIndex}.0/24`;
}

/** How the schema's field descriptions state a default range: "10.45.16.0/24 (site k: 10.45.16+k.0/24)". */
export function defaultRangeDoc(field: DefaultRangeField): string {
  const prefix = DEFAULT_RANGE_PREFIX[field];
  return `${defaultRangeText(field, 0)} (site k: ${prefix}+k.0/24)`;
}

/** Site names: 1-8 lower-case letters or digits, starting with a letter (they become part of computer names). */
export const SITE_NAME_PATTERN = /^[a-z][a-z0-9]{0,7}$/;

/** The site-name rule in words, for error messages. */
export const SITE_NAME_RULE = "site names are 1-8 lower-case letters or digits, starting with a letter";

/** Public IM connectivity providers a scenario can name (`federation.publicIm`), in the order they are offered. */
export const PIC_PROVIDERS = ["skype", "windows-live", "aol", "yahoo"] as const;

export type PicProviderId = (typeof PIC_PROVIDERS)[number];
