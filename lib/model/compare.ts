/**
 * Locale-independent ordering of strings (UTF-16 code units). `String.prototype.localeCompare` follows the
 * machine's locale (LANG), which would make output order differ between machines; edge-lab's output must be
 * byte-identical everywhere.
 */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
