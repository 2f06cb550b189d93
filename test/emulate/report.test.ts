/** The emulation report as text: scenario text reaches Markdown only through the worksheets' escaping (issue 18). */
import type { EmulationReport } from "../../lib/emulate";
import { reportMarkdown } from "../../lib/emulate/report";

const report = (title: string): EmulationReport => ({ scenario: "rt", title, sites: [] });

test("the scenario title reaches report.md escaped: no raw HTML, no link, no emphasis", () => {
  const text = reportMarkdown(report('Lab <img src=x onerror="alert(1)"> [click](http://evil) **bold**'));
  const heading = text.split("\n")[0];
  expect(heading).not.toMatch(/<img|<\/?\w+[\s>]/);
  expect(heading).toContain("&lt;img");
  expect(heading).toContain("\\[click\\](http://evil)");
  expect(heading).toContain("\\*\\*bold\\*\\*");
});

test("a title cannot add lines to the report", () => {
  const text = reportMarkdown(report("Lab\n# Injected heading"));
  expect(text.split("\n").filter((l) => l.startsWith("#"))).toEqual(["# Emulation: Lab # Injected heading"]);
});
