/**
 * Escaping of a GitHub-flavoured Markdown table cell. It sits in the model because the model renders one table of
 * its own (the scenario field table, lib/model/json-schema.ts); the worksheet tables (lib/render/table.ts) use it too.
 */

/** Escapes a cell for a GitHub-flavoured Markdown table (pipes, line breaks, leading/trailing blanks). */
export function markdownCell(text: string): string {
  const cell = text.replace(/\\/g, "\\\\").replace(/\|/g, "\\|").replace(/\r?\n/g, "<br>").trim();
  return cell === "" ? " " : cell;
}

/** Reverses `markdownCell` (for tests and tools that read a worksheet back). */
export function unescapeMarkdownCell(cell: string): string {
  return cell
    .trim()
    .replace(/<br>/g, "\n")
    .replace(/\\([\\|])/g, "$1");
}
