import { parse } from "csv-parse/sync";
import { makeTable, tableCsv, tableMarkdown } from "../../lib/render/table";
import { markdownTables } from "./md-tables";

const nasty = [
  { a: "plain", b: "comma, inside" },
  { a: 'quote " inside', b: "pipe | inside" },
  { a: "line\nbreak", b: "back\\slash and \\| both" },
  { a: "", b: "  padded  " },
];
const table = makeTable(
  "t",
  "T",
  [
    { header: "A", cell: (x: (typeof nasty)[number]) => x.a },
    { header: "B, with comma", cell: (x: (typeof nasty)[number]) => x.b },
  ],
  nasty,
);

describe("table model", () => {
  test("one row per item, cells from the columns", () => {
    expect(table.columns).toEqual(["A", "B, with comma"]);
    expect(table.rows).toEqual(nasty.map((x) => [x.a, x.b]));
  });

  test("CSV round-trips through csv-parse (quotes, commas, line breaks) with CRLF records", () => {
    const csv = tableCsv(table);
    expect(csv.endsWith("\r\n")).toBe(true);
    const back: string[][] = parse(csv);
    expect(back).toEqual([table.columns, ...table.rows]);
  });

  test("Markdown round-trips through the test reader (pipes, line breaks, backslashes escaped)", () => {
    const md = tableMarkdown(table);
    const [parsed] = markdownTables(md);
    expect(parsed.columns).toEqual(table.columns);
    expect(parsed.rows).toEqual(table.rows.map((r) => r.map((c) => c.trim())));
    // Every row is one Markdown line with the right number of cells.
    expect(md.trimEnd().split("\n")).toHaveLength(2 + nasty.length);
  });
});
