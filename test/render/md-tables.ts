/** Test helper: reads the tables of a Markdown worksheet back, keyed by the heading above each table. */
import { unescapeMarkdownCell } from "../../lib/model/markdown-cell";

export interface ParsedTable {
  readonly heading: string;
  readonly columns: string[];
  readonly rows: string[][];
}

/** Splits "| a | b\|c |" into ["a", "b|c"], honouring backslash escapes. */
export function splitRow(line: string): string[] {
  const cells: string[] = [];
  let cur = "";
  const body = line.trim().replace(/^\|/, "").replace(/\|$/, "");
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === "\\" && i + 1 < body.length) {
      cur += ch + body[i + 1];
      i++;
    } else if (ch === "|") {
      cells.push(cur);
      cur = "";
    } else {
      cur += ch;
    }
  }
  cells.push(cur);
  return cells.map((c) => unescapeMarkdownCell(c));
}

export function markdownTables(md: string): ParsedTable[] {
  const out: ParsedTable[] = [];
  let heading = "";
  let current: ParsedTable | undefined;
  for (const line of md.split("\n")) {
    const h = /^#{1,6} (.*)$/.exec(line);
    if (h) heading = h[1];
    if (line.startsWith("|")) {
      if (!current) {
        current = { heading, columns: splitRow(line), rows: [] };
        out.push(current);
      } else if (/^\|( --- \|)+$/.test(line)) {
        continue;
      } else {
        current.rows.push(splitRow(line));
      }
    } else {
      current = undefined;
    }
  }
  return out;
}

/** The single table under `heading` (fails when there is none or several). */
export function tableUnder(md: string, heading: string): ParsedTable {
  const found = markdownTables(md).filter((t) => t.heading === heading);
  if (found.length !== 1) throw new Error(`expected one table under "${heading}", found ${found.length}`);
  return found[0];
}

/** Rows as objects keyed by column header. */
export function records(t: { columns: readonly string[]; rows: readonly (readonly string[])[] }): Record<string, string>[] {
  return t.rows.map((r) => Object.fromEntries(t.columns.map((c, i) => [c, r[i]])));
}
