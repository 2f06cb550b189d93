/**
 * One table model for every worksheet table: the Markdown worksheet and the CSV files are both rendered from the
 * same `Table` (columns + rows of plain strings), so there is no second copy of the data to drift.
 */
import { stringify } from "csv-stringify/sync";
import { markdownCell } from "../model/markdown-cell";

/** A column: its header and how to read a cell from one source item. */
export interface Column<T> {
  readonly header: string;
  readonly cell: (item: T) => string;
}

export interface Table {
  /** File-name-safe id: the CSV file is `<id>.csv`. */
  readonly id: string;
  readonly title: string;
  readonly columns: readonly string[];
  readonly rows: readonly (readonly string[])[];
}

/** Builds a table from source items, one row per item, in the items' order. */
export function makeTable<T>(id: string, title: string, columns: readonly Column<T>[], items: readonly T[]): Table {
  return { id, title, columns: columns.map((c) => c.header), rows: items.map((item) => columns.map((c) => c.cell(item))) };
}

export function tableMarkdown(table: Table): string {
  const line = (cells: readonly string[]) => `| ${cells.map(markdownCell).join(" | ")} |`;
  return [line(table.columns), `|${table.columns.map(() => " --- ").join("|")}|`, ...table.rows.map(line)].join("\n") + "\n";
}

/** RFC 4180 CSV (CRLF line ends, quoted when needed) with a header row; opens as-is in a spreadsheet. */
export function tableCsv(table: Table): string {
  return stringify([[...table.columns], ...table.rows.map((r) => [...r])], { record_delimiter: "windows" });
}
