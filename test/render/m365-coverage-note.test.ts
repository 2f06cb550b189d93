/** The worksheet says which Microsoft 365 rows a broader row already allows (from lib/model/plan/coverage.ts). */
import { worksheetMarkdown } from "../../lib/render/worksheets";
import { bundledPlan, HYBRID_SE_COVERED_M365_ROWS } from "../helpers";

test("hybrid-se: the Microsoft 365 table names the broader row of each covered row and says when to keep it", () => {
  const md = worksheetMarkdown(bundledPlan("hybrid-se"));
  const section = md.slice(md.indexOf("### Edge <-> Microsoft 365 (hybrid)"), md.indexOf("### Reverse proxy"));
  const note = section.split("\n").find((l) => l.startsWith("Already allowed by a broader row"));
  expect(note).toBeDefined();
  for (const [row, by] of HYBRID_SE_COVERED_M365_ROWS) expect(note).toContain(`\`hq/edge-m365/${row}\` by \`hq/${by}\``);
  // The inbound media row from Microsoft 365 has no broader row: it is not in the note.
  expect(note).not.toContain("m365-in-stun-tcp-50000");
  expect(note).toContain("Keep each of these rows if your firewall restricts the broader row");
  // Before the table, which stays as it was.
  expect(section.indexOf("Already allowed")).toBeLessThan(section.indexOf("| Site |"));
});

test("a scenario without hybrid has no such note", () => {
  expect(worksheetMarkdown(bundledPlan("scaled-hlb"))).not.toContain("Already allowed by a broader row");
});
