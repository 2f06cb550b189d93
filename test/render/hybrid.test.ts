/**
 * What the teams receive for current products and hybrid: `validate` on Subscription Edition and Lync 2013 files,
 * the cmdlets file (every command commented with its source; values quoted for PowerShell), the checklist's
 * read-backs and Edge-side SRV checks, the worksheet's hybrid sections, `plan` and `diff` with --m365-endpoints.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../bin/cli";
import { SNAPSHOT, stalenessMessage } from "../../lib/model/m365-endpoints";
import type { Plan } from "../../lib/model/plan";
import { callText, cmdletsPowerShell, psComment, psLiteral } from "../../lib/render/cmdlets";
import { buildChecklist, checklistMarkdown, checklistPowerShell } from "../../lib/render/checklist";
import { renderOutputFiles, worksheetMarkdown } from "../../lib/render/worksheets";
import { ROOT, bundledPlan, load, planOf } from "../helpers";

const dir = mkdtempSync(join(tmpdir(), "edge-lab-hybrid-cli-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const HYBRID = join(ROOT, "scenarios", "hybrid-se.yaml");
const TEAMS_ONLY = join(ROOT, "docs", "examples", "hybrid-se-teams-only.yaml");

async function cli(args: string[]) {
  let out = "";
  let err = "";
  const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}
function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe("edge-lab validate: products", () => {
  test("a Subscription Edition file with XMPP or Skype public IM connectivity fails with the rule ids", async () => {
    const f = file("se.yaml", "product: sfbse\nsipDomains: [contoso.com]\nfederation:\n  sip: true\n  publicIm: [skype]\n  xmpp: true\n");
    const { code, out, err } = await cli(["validate", f]);
    expect(code).toBe(1);
    expect(out).toBe("");
    expect(err).toContain(
      `${f}:5:13: error [SE-02] federation.publicIm: Skype for Business Server Subscription Edition has no public IM connectivity: skype is retired`,
    );
    expect(err).toContain(`${f}:6:9: error [LAB-VER-01] federation.xmpp: XMPP federation is not available in Skype for Business Server Subscription Edition`);
    expect(err).toMatch(/2 errors in 1 file\n$/);
  });

  test("a Lync Server 2013 file warns about its support and about public IM connectivity, and stays valid", async () => {
    const f = file("lync.yaml", "product: lync2013\nsipDomains: [contoso.com]\nfederation: {sip: true, publicIm: [skype]}\n");
    const { code, out, err } = await cli(["validate", f]);
    expect(code).toBe(0);
    expect(out).toBe(`${f}: valid (2 warnings)\n`);
    expect(err).toContain(
      `${f}:1:10: warning [SE-01] product: Lync Server 2013: out of support; mainstream support ended on 2018-04-10, extended support on 2023-04-11`,
    );
    expect(err).toContain(
      `warning [SE-02] federation.publicIm: skype: public IM connectivity with this service no longer exists (Skype consumer retired in May 2025)`,
    );
  });

  test("the hybrid scenarios validate without warnings (but the snapshot's age once it is over 90 days)", async () => {
    const { code, out, err } = await cli(["validate", HYBRID, TEAMS_ONLY]);
    expect(code).toBe(0);
    // The age is measured against today: after 90 days the snapshot warning (and only it) appears, until it is refreshed.
    const stale = stalenessMessage(SNAPSHOT, new Date()) !== undefined;
    const suffix = stale ? " (1 warning)" : "";
    expect(out).toBe(`${HYBRID}: valid${suffix}\n${TEAMS_ONLY}: valid${suffix}\n`);
    expect(err.split("\n").filter((l) => / (warning|error) \[/.test(l) && !l.includes("warning [M365-ENDPOINTS]"))).toEqual([]);
  });
});

test("edge-lab validate: a hybrid file listing the tenant's onmicrosoft.com domain passes, and the plan says the domain gets no certificate name or DNS (issue 22)", async () => {
  const f = file(
    "onmicrosoft.yaml",
    "product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\nhybrid: {tenantDomains: [contoso.com, contoso.onmicrosoft.com]}\n",
  );
  const { code, out, err } = await cli(["validate", f]);
  expect(code).toBe(0);
  expect(out).toMatch(new RegExp(`^${f.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}: valid`));
  expect(err.split("\n").filter((l) => / (warning|error) \[/.test(l) && !l.includes("[M365-ENDPOINTS]"))).toEqual([]);
  const plan = await cli(["plan", f]);
  expect(plan.out).toMatch(/contoso\.onmicrosoft\.com is the tenant's Microsoft-owned/);
  // In sipDomains it is refused with the reason.
  const bad = file("onmicrosoft-sip.yaml", "product: sfbse\nsipDomains: [contoso.com, contoso.onmicrosoft.com]\n");
  const refused = await cli(["validate", bad]);
  expect(refused.code).toBe(1);
  expect(refused.err).toContain(`${bad}:2:27: error [HYB-06] sipDomains[1]: contoso.onmicrosoft.com is a Microsoft-owned domain`);
});

describe("cmdlets.ps1", () => {
  const plan = bundledPlan("hybrid-se");
  const text = cmdletsPowerShell(plan);
  const lines = text.split("\r\n").filter(Boolean);

  test("every command is preceded by its purpose, its shell and its source", () => {
    const commands = lines.filter((l) => !l.startsWith("#"));
    expect(commands).toEqual(plan.cmdlets.map((c) => callText(c.call)));
    for (const c of plan.cmdlets) {
      const at = lines.indexOf(callText(c.call));
      expect(lines.slice(at - 3, at)).toEqual([
        `# [${c.id}] ${c.purpose}.`,
        expect.stringMatching(/^# Runs in: (Skype for Business Server Management Shell|Microsoft Teams PowerShell module)/),
        `# Source: ${c.source} (${c.refs.join(", ")}).`,
      ]);
      expect(c.source).toMatch(/\.md|PowerShell module/);
    }
    expect(text).toContain(
      "New-CsHostingProvider -Identity 'Office365' -ProxyFqdn 'sipfed.online.lync.com' -Enabled $true -EnabledSharedAddressSpace $true -HostsOCSUsers $true",
    );
    expect(text.endsWith("\r\n")).toBe(true);
  });

  test("written next to the worksheets with SIP federation only", async () => {
    expect((await renderOutputFiles(plan)).map((f) => f.name)).toContain("cmdlets.ps1");
    expect((await renderOutputFiles(planOf("sipDomains: [contoso.com]\n"))).map((f) => f.name)).not.toContain("cmdlets.ps1");
  });

  test("free text is quoted or neutralised: a hostile title stays a comment, a quote in a value cannot close the literal", () => {
    // A title with a line break is refused by validation (LAB-TEXT-02); one that tries to close a block comment is not.
    expect(load(`id: evil\ntitle: "x\\n#> Remove-Item"\nsipDomains: [contoso.com]\n`).problems.map((p) => p.rule)).toEqual(["LAB-TEXT-02"]);
    const hostile = planOf(
      `id: evil\ntitle: "x #> Remove-Item C:\\\\ -Recurse; 'q' \u2019 <# y"\nproduct: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\n`,
    );
    const ps = cmdletsPowerShell(hostile);
    for (const line of ps.split("\r\n").filter(Boolean)) expect(line.startsWith("#") || /^(Set|Get|New)-Cs/.test(line)).toBe(true);
    expect(ps).not.toContain("#> Remove-Item");
    expect(psLiteral("it's \u2019x\u2019")).toBe("'it''s \u2019\u2019x\u2019\u2019'");
    expect(() => psLiteral("a\nb")).toThrow(/control character/);
    expect(psComment("a\r\nb #> c")).toBe("# a b # > c");
    expect(() => callText({ steps: [{ cmdlet: "Get-Item; rm", parameters: [] }] })).toThrow(/not a PowerShell command or parameter name/);
    expect(() => callText({ steps: [{ cmdlet: "Set-X", parameters: [{ name: "A B", kind: "switch" }] }] })).toThrow(/not a PowerShell/);
  });

  test("Teams Only: the cutover commands come after a reminder to change DNS first", async () => {
    const { code, out } = await cli(["plan", TEAMS_ONLY, "--json"]);
    expect(code).toBe(0);
    const teamsOnly = JSON.parse(out) as Plan;
    const ps = cmdletsPowerShell(teamsOnly);
    expect(ps).toMatch(/# Teams Only cutover: change the external DNS to the cutover table .* BEFORE these commands\.\r\n/);
    expect(ps.indexOf("Set-CsTenantFederationConfiguration -SharedSipAddressSpace $false")).toBeLessThan(
      ps.indexOf("Get-CsHostingProvider | Set-CsHostingProvider -Enabled $false"),
    );
  });
});

test("Lync Server 2013: the on-premises commands run in the Lync Server Management Shell (issue 22)", () => {
  const texts = JSON.parse(readFileSync(join(ROOT, "test", "fixtures", "microsoft", "teams-only-texts.json"), "utf8"));
  expect(texts.lyncShell.text).toMatch(/^Start the Lync Server Management Shell/);
  const lync = cmdletsPowerShell(planOf("product: lync2013\nsipDomains: [contoso.com]\nfederation: {sip: true}\n"));
  const shells = lync.split("\r\n").filter((l) => l.startsWith("# Runs in: "));
  expect(shells).toEqual(Array(3).fill("# Runs in: Lync Server Management Shell, on a Front End Server of the federation route."));
  expect(lync).not.toContain("Skype for Business Server Management Shell");
  // The worksheet's command table and the checklist's read-backs name it too.
  const lyncPlan = planOf("product: lync2013\nsipDomains: [contoso.com]\nfederation: {sip: true}\n");
  expect(worksheetMarkdown(lyncPlan)).toContain("| access-edge | Lync Server Management Shell |");
  expect(checklistMarkdown(lyncPlan)).toContain("## From the Lync Server Management Shell (a Front End Server) (`-From management-shell`)");
  expect(`${worksheetMarkdown(lyncPlan)}${checklistMarkdown(lyncPlan)}${checklistPowerShell(lyncPlan)}`).not.toContain(
    "Skype for Business Server Management Shell",
  );
  const se = cmdletsPowerShell(planOf("product: sfbse\nsipDomains: [contoso.com]\nfederation: {sip: true}\n"));
  expect(se).toContain("# Runs in: Skype for Business Server Management Shell, on a Front End Server of the federation route.");
});

describe("checklist", () => {
  const plan = bundledPlan("hybrid-se");
  const c = buildChecklist(plan);

  test("each federation-route Edge resolves every _sipfederationtls._tcp record itself", () => {
    const fromEdges = c.dns.filter((d) => d.origin.id.startsWith("hq-edge-"));
    expect(fromEdges.map((d) => `${d.origin.id} ${d.record.name} ${d.expected.join(" ")}`).sort()).toEqual([
      "hq-edge-01 _sipfederationtls._tcp.contoso.com 0 0 5061 sip.contoso.com",
      "hq-edge-01 _sipfederationtls._tcp.fabrikam.com 0 0 5061 sip.fabrikam.com",
      "hq-edge-02 _sipfederationtls._tcp.contoso.com 0 0 5061 sip.contoso.com",
      "hq-edge-02 _sipfederationtls._tcp.fabrikam.com 0 0 5061 sip.fabrikam.com",
    ]);
    const md = checklistMarkdown(plan);
    expect(md).toContain("### DNS (external view, resolved by the Edge itself)");
    expect(bundledPlan("scaled-dnslb-nat") && buildChecklist(bundledPlan("scaled-dnslb-nat")).dns.some((d) => d.origin.id.includes("edge"))).toBe(false);
  });

  test("read-backs: Get-CsAccessEdgeConfiguration, Get-CsHostingProvider, Get-CsTenantFederationConfiguration", () => {
    const md = checklistMarkdown(plan);
    expect(md).toContain("## From the Skype for Business Server Management Shell (a Front End Server) (`-From management-shell`)");
    expect(md).toContain(
      "- [ ] `Get-CsAccessEdgeConfiguration` shows AllowOutsideUsers = true, AllowFederatedUsers = true, EnablePartnerDiscovery = true, RoutingMethod = UseDnsSrvRouting",
    );
    expect(md).toContain(
      "- [ ] `Get-CsHostingProvider -Identity 'Office365'` shows ProxyFqdn = sipfed.online.lync.com, Enabled = true, EnabledSharedAddressSpace = true, HostsOCSUsers = true, VerificationLevel = UseSourceVerification",
    );
    expect(md).toContain("## From the Microsoft Teams PowerShell module (tenant administrator) (`-From teams-powershell`)");
    expect(md).toContain("- [ ] `Get-CsTenantFederationConfiguration` shows SharedSipAddressSpace = true");
    const ps1 = checklistPowerShell(plan);
    expect(ps1).toContain("[ValidateSet('external-client', 'internal-client', 'hq-edge-01', 'hq-edge-02', 'hq-rp-01', 'management-shell', 'teams-powershell'");
    expect(ps1).toContain(
      "  Test-Setting -Read { Get-CsTenantFederationConfiguration } -What 'tenant-shared-sip' -Expected @{ SharedSipAddressSpace = $true }\r\n",
    );
    expect(ps1).toContain(
      "-Expected @{ ProxyFqdn = 'sipfed.online.lync.com'; Enabled = $true; EnabledSharedAddressSpace = $true; HostsOCSUsers = $true; VerificationLevel = 'UseSourceVerification'; AutodiscoverUrl = 'https://webdir.online.lync.com/Autodiscover/AutodiscoverService.svc/root' }",
    );
    expect(ps1).toContain("if ($From -eq 'hq-edge-01') {\r\n  # external view: Federation discovery");
  });
});

describe("worksheet and plan text", () => {
  test("the worksheet summary shows the support status; the hybrid sections list ranges, lists, cutover and deletions", () => {
    const md = worksheetMarkdown(bundledPlan("hybrid-se"));
    expect(md).toContain("Support: Skype for Business Server Subscription Edition: supported under the Modern Lifecycle Policy");
    expect(md).toContain("Lab image: MicrosoftWindowsServer / WindowsServer / 2019-Datacenter.");
    expect(md).toContain("### Edge <-> Microsoft 365 (hybrid)");
    expect(md).toContain("| Source port |");
    expect(md).toContain("## Microsoft 365 hybrid");
    expect(md).toContain("### Federation lists both sides need");
    expect(md).toContain("### Teams Only cutover DNS (at the cutover)");
    expect(md).toContain("| hq | contoso.com | lyncdiscover.contoso.com | CNAME | webdir.online.lync.com | 3600 |");
    expect(md).toContain("### Records the cutover deletes");
    expect(md).toContain("| external | sip.contoso.com | A | 131.107.155.10, 131.107.155.11 | required | replaced by the cutover record of the same name |");
    expect(md).toContain("`*.lync.com`");
    const lync = worksheetMarkdown(bundledPlan("scaled-hlb"));
    expect(lync).toContain("Support: Lync Server 2013: out of support; mainstream support ended on 2018-04-10, extended support on 2023-04-11");
    expect(lync).not.toContain("## Microsoft 365 hybrid");
  });

  test("edge-lab plan prints the support status and the hybrid summary; --m365-endpoints changes the rows", async () => {
    const plain = await cli(["plan", HYBRID]);
    expect(plain.out).toContain("  support: Skype for Business Server Subscription Edition: supported");
    expect(plain.out).toContain("  hybrid with Microsoft 365: phase hybrid; tenant SIP domains contoso.com, fabrikam.com");
    expect(plain.out).toContain("Configuration cmdlets (cmdlets.ps1):");
    const endpoints = file(
      "endpoints.json",
      JSON.stringify([
        { id: 11, ips: ["13.107.64.0/18"] },
        { id: 12, urls: ["*.lync.com"], ips: ["52.112.0.0/14"] },
      ]),
    );
    const withFile = await cli(["plan", HYBRID, "--json", "--m365-endpoints", endpoints]);
    expect(withFile.code).toBe(0);
    const plan = JSON.parse(withFile.out) as Plan;
    expect(plan.firewallRules.find((r) => r.id === "hq/edge-m365/m365-in-sip-mtls")!.source.addresses).toEqual(["13.107.64.0/18", "52.112.0.0/14"]);
    const bad = await cli(["plan", HYBRID, "--m365-endpoints", join(dir, "missing.json")]);
    expect(bad.code).toBe(1);
    expect(bad.err).toBe(`${join(dir, "missing.json")}: error [FILE] no such file (--m365-endpoints)\n`);
    expect(bad.out).toBe("");
  });

  test("edge-lab diff between the phases lists the DNS changes and exits 2", async () => {
    const { code, out } = await cli(["diff", HYBRID, TEAMS_ONLY, "--no-terraform"]);
    expect(code).toBe(2);
    expect(out).toContain("DNS records");
    expect(out).toContain("+ external CNAME lyncdiscover.contoso.com");
    expect(out).toContain("- external A sip.fabrikam.com");
    expect(out).toContain("~ external SRV _sipfederationtls._tcp.contoso.com");
    // The commands change too, and the actions say what to run, in order, after the DNS (issue 22).
    expect(out).toContain("  Configuration cmdlets\n");
    expect(out).toContain("+ teams-only-mode: Grant-CsTeamsUpgradePolicy -PolicyName 'UpgradeToTeams' -Global");
    expect(out).toContain("- tenant-shared-sip: Set-CsTenantFederationConfiguration -SharedSipAddressSpace $true");
    const actions = out
      .slice(out.indexOf("\nActions\n"))
      .split("\n")
      .filter((l) => l.startsWith("  * "));
    expect(actions).toEqual([
      expect.stringMatching(/^ {2}\* Change the DNS first: the Teams Only cutover records of contoso\.com, fabrikam\.com and the deletions above/),
      "  * Then run in the Microsoft Teams PowerShell module (Connect-MicrosoftTeams as a Teams administrator): Grant-CsTeamsUpgradePolicy -PolicyName 'UpgradeToTeams' -Global",
      "  * Then run in the Microsoft Teams PowerShell module (Connect-MicrosoftTeams as a Teams administrator): Set-CsTenantFederationConfiguration -SharedSipAddressSpace $false",
      "  * Then run in the Skype for Business Server Management Shell, on a Front End Server of the federation route: Get-CsHostingProvider | Set-CsHostingProvider -Enabled $false",
    ]);
    // No firewall or certificate change (a note may name them).
    expect(out).not.toContain("\n  Firewall rules\n");
    expect(out).not.toContain("\n  Certificates\n");
  });

  test("the hybrid scenario's worksheets are written like the others (cmdlets.ps1, zones, appliance rules)", async () => {
    const out = join(dir, "ws");
    const { code, out: text } = await cli(["worksheets", HYBRID, "--out", out]);
    expect(code).toBe(0);
    expect(text).toContain("cmdlets.ps1");
    expect(readFileSync(join(out, "hybrid-se", "firewall-edge-m365.csv"), "utf8").split("\n")[0]).toContain("Source port");
    expect(readFileSync(join(out, "hybrid-se", "zone-internal-webcon.contoso.com.zone"), "utf8")).toContain("webcon.contoso.com.\t3600\tIN\tA\t131.107.155.20");
  });
});
