/** The worksheet says which Microsoft 365 rows a broader row already allows (from lib/model/plan/coverage.ts). */
import { worksheetMarkdown } from "../../lib/render/worksheets";
import { bundledPlan } from "../helpers";

test("hybrid-se: the Microsoft 365 table names the broader row of each covered row and says when to keep it", () => {
  const md = worksheetMarkdown(bundledPlan("hybrid-se"));
  const section = md.slice(md.indexOf("### Edge <-> Microsoft 365 (hybrid)"), md.indexOf("### Reverse proxy"));
  const note = section.split("\n").find((l) => l.startsWith("Already allowed by a broader row"));
  expect(note).toBeDefined();
  for (const [row, by] of [
    ["m365-out-sip-mtls", "edge-external/ext-out-access-sip-mtls"],
    ["m365-in-sip-mtls", "edge-external/ext-in-access-sip-mtls"],
    ["m365-out-stun-tcp-443", "edge-external/ext-out-av-stun-tcp"],
    ["m365-out-stun-tcp-50000", "edge-external/ext-out-av-rtp-tcp"],
    ["m365-out-stun-udp", "edge-external/ext-out-av-stun-udp"],
    ["m365-in-stun-udp", "edge-external/ext-in-av-stun-udp"],
  ])
    expect(note).toContain(`\`hq/edge-m365/${row}\` by \`hq/${by}\``);
  // The inbound media row from Microsoft 365 has no broader row: it is not in the note.
  expect(note).not.toContain("m365-in-stun-tcp-50000");
  expect(note).toContain("Keep each of these rows if your firewall restricts the broader row");
  // Before the table, which stays as it was.
  expect(section.indexOf("Already allowed")).toBeLessThan(section.indexOf("| Site |"));
});

test("a scenario without hybrid has no such note", () => {
  expect(worksheetMarkdown(bundledPlan("scaled-hlb"))).not.toContain("Already allowed by a broader row");
});
