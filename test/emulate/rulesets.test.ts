/**
 * The emulation's rulesets and report, without running anything: the external firewall is the appliance ruleset
 * text itself, the internal firewall and the load balancer come from the plan's rows and VIPs; `nft -c` accepts them.
 */
import { XMLParser } from "fast-xml-parser";
import { applianceRulesFiles } from "../../lib/lab/guest/iptables";
import type { EmulationReport } from "../../lib/emulate";
import { reportJson, reportJunit, reportMarkdown, summaryLine } from "../../lib/emulate/report";
import {
  applianceRules,
  asClosedLab,
  internalFirewallRules,
  loadBalancerRules,
  refusingInsteadOfDropping,
  refusingInternalRules,
  withoutApplianceRule,
  withoutDnat,
} from "../../lib/lab/rulesets";
import { buildProbes } from "../../lib/model/probes";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { bundledPlan, bundledScenarioIds, planOf, SCENARIO_DIR } from "../helpers";
import { run } from "../realtools/tools";
import { describeWithTools } from "../system-tools";

test("the external firewall loads the appliance ruleset text byte for byte (closed lab), or the closed lab's (internet lab)", () => {
  const closed = bundledPlan("contoso-enterprise");
  expect(closed.scenario.labMode).toBe("closed");
  const files = applianceRulesFiles(closed);
  expect(files.map((f) => f.site)).toEqual(["hq", "dr"]);
  for (const f of files) expect(applianceRules(closed, f.site)).toBe(f.content);
  // The 1:1 NAT of hq's Edge as the scenario file plans it (publicRange .10/.20/.30 -> perimeter .10/.20/.30).
  expect(applianceRules(closed, "hq")).toContain(
    '-A PREROUTING -d 131.107.155.10/32 -j DNAT --to-destination 10.45.16.10 -m comment --comment "1:1 DNAT lsedge01 access"',
  );
  const internet = planOf(readFileSync(join(SCENARIO_DIR, "scaled-hlb.yaml"), "utf8") + "\nlab:\n  mode: internet\n");
  expect(internet.scenario.labMode).toBe("internet");
  expect(applianceRulesFiles(internet)).toEqual([]);
  expect(applianceRules(internet, "hq")).toBe(applianceRulesFiles(asClosedLab(internet))[0].content);
});

test("withoutApplianceRule / withoutDnat remove exactly one line, and refuse what is not there", () => {
  const plan = bundledPlan("single-consolidated-nat");
  const rules = applianceRules(plan, "hq");
  const row = plan.firewallRules.find((r) => r.firewall === "external")!;
  const cut = withoutApplianceRule(rules, row.id);
  expect(rules.split("\n").length - cut.split("\n").length).toBe(1);
  expect(cut).not.toContain(`"${row.id}"`);
  expect(() => withoutApplianceRule(rules, "hq/nope")).toThrow("not in the appliance ruleset");
  const pub = plan.servers[0].interfaces[0].addresses[0].natPublic!;
  const dnat = `-A PREROUTING -d ${pub}/32 -j DNAT`;
  expect(rules.split("\n").filter((l) => l.startsWith(dnat))).toHaveLength(1);
  const noDnat = withoutDnat(rules, pub);
  expect(rules.split("\n").length - noDnat.split("\n").length).toBe(1);
  expect(noDnat).not.toContain(dnat);
  expect(() => withoutDnat(rules, "192.0.2.99")).toThrow("no DNAT");
});

test("internal firewall: one accept per internal row of the site, everything else dropped", () => {
  const plan = bundledPlan("scaled-hlb");
  const text = internalFirewallRules(plan, "hq");
  expect(text).toContain("policy drop;");
  const internal = plan.firewallRules.filter((r) => r.firewall === "internal");
  // Microsoft's scenario 5 tables: 8 rows on the Edge's internal interface, 6 on the internal VIP, and the reverse
  // proxy's 2 rows to the pool (4443, 8080).
  expect(internal).toHaveLength(16);
  expect(text.split("\n").filter((l) => l.includes(" accept comment ")).length).toBe(16);
  for (const r of internal) expect(text).toContain(`comment "${r.id}"`);
});

test("load balancer: DNAT with a source hash over the members for every VIP port, SNAT to the VIP for its outbound rows", () => {
  const plan = bundledPlan("scaled-hlb");
  const vips = plan.vips.filter((v) => v.side === "external");
  // Microsoft's scenario 5 external VIP table: Access (443, 5061, 5269), Web Conferencing (443), A/V (443, UDP 3478).
  expect(vips.map((v) => v.ports.length)).toEqual([3, 1, 2]);
  const text = loadBalancerRules(plan, vips);
  expect(text.split("\n").filter((l) => l.includes(" dnat to jhash "))).toHaveLength(6);
  expect(text).toContain("ip daddr 131.107.155.30 udp dport 3478 dnat to jhash ip saddr mod");
  for (const v of vips) {
    for (const p of v.ports)
      expect(text).toContain(
        `ip daddr ${v.ip} ${p.transport.toLowerCase()} dport ${p.from} dnat to jhash ip saddr mod ${v.members.length} map { ${v.members.map((m, i) => `${i} : ${m.ip}`).join(", ")} }`,
      );
  }
  const access = vips.find((v) => v.service === "access")!;
  expect(text).toContain(`ip saddr { ${access.members.map((m) => m.ip).join(", ")} } tcp dport 5061 snat to ${access.ip}`);
});

test("--mutate's refusing rulesets: what was dropped is refused (TCP reset, ICMP), every other rule as it was, policy DROP kept", () => {
  for (const id of bundledScenarioIds()) {
    const plan = bundledPlan(id);
    for (const site of plan.scenario.sites) {
      const rules = applianceRules(plan, site.name).split("\n");
      const refusing = refusingInsteadOfDropping(rules.join("\n")).split("\n");
      const filter = (lines: string[]) => lines.slice(lines.indexOf("*filter"));
      // Outside the filter table's FORWARD DROP rules nothing changes, in order; the policy line stays.
      const unchanged = (lines: string[]) => lines.filter((l) => !/^-A FORWARD .*-j (DROP|REJECT)/.test(l));
      expect(unchanged(refusing)).toEqual(unchanged(rules));
      expect(filter(refusing)).toContain(":FORWARD DROP [0:0]");
      // Each DROP becomes a TCP reset and an ICMP refusal at its place, and the chain's end refuses what the policy drops.
      const drops = filter(rules).filter((l) => / -j DROP/.test(l));
      expect(drops.length).toBeGreaterThan(0);
      const rejects = filter(refusing).filter((l) => / -j REJECT/.test(l));
      expect(rejects).toEqual([
        ...drops.flatMap((l) => [
          l.replace(" -j DROP", " -p tcp -j REJECT --reject-with tcp-reset"),
          l.replace(" -j DROP", " -j REJECT --reject-with icmp-port-unreachable"),
        ]),
        "-A FORWARD -p tcp -j REJECT --reject-with tcp-reset",
        "-A FORWARD -j REJECT --reject-with icmp-port-unreachable",
      ]);
      expect(refusing.indexOf(rejects[rejects.length - 1]) + 1).toBe(refusing.indexOf("COMMIT", refusing.indexOf("*filter")));
      const internal = internalFirewallRules(plan, site.name);
      const refusingInternal = refusingInternalRules(internal);
      expect(refusingInternal.replace("    reject with tcp reset\n    reject\n", "")).toBe(internal);
      expect(refusingInternal).toContain("policy drop;");
    }
  }
  expect(() => refusingInsteadOfDropping("*filter\n:FORWARD DROP [0:0]\n")).toThrow("no COMMIT");
});

describeWithTools("iptables-restore --test accepts --mutate's refusing appliance rulesets", ["root", "netns", "iptables-restore", "unshare"], () => {
  test.each(bundledScenarioIds())("%s", (id) => {
    const plan = bundledPlan(id);
    for (const site of plan.scenario.sites) {
      const r = run("unshare", ["--net", "iptables-restore", "--test"], { input: refusingInsteadOfDropping(applianceRules(plan, site.name)), allowFail: true });
      expect({ site: site.name, status: r.status, stderr: r.stderr }).toEqual({ site: site.name, status: 0, stderr: "" });
    }
  });
});

describeWithTools("nft -c accepts the internal firewall and load balancer rulesets of every bundled scenario", ["root", "netns", "nft", "unshare"], () => {
  test.each(bundledScenarioIds())("%s", (id) => {
    const plan = bundledPlan(id);
    for (const site of plan.scenario.sites) {
      const vips = plan.vips.filter((v) => v.site === site.name && v.service !== "director-web");
      const internal = internalFirewallRules(plan, site.name);
      for (const text of [internal, refusingInternalRules(internal), ...(vips.length ? [loadBalancerRules(plan, vips)] : [])]) {
        const r = run("unshare", ["--net", "nft", "-c", "-f", "-"], { input: text, allowFail: true });
        expect({ site: site.name, status: r.status, stderr: r.stderr }).toEqual({ site: site.name, status: 0, stderr: "" });
      }
    }
  });
});

test("report: Markdown line per probe with its refs, JSON, JUnit XML with failures and findings; covered and no-firewall removals are explained, not failures", () => {
  const plan = bundledPlan("single-consolidated-nat");
  const all = buildProbes(plan);
  expect(all.length).toBeGreaterThanOrEqual(3);
  const probes = all.slice(0, 3);
  const report: EmulationReport = {
    scenario: plan.scenario.id,
    title: plan.scenario.title,
    sites: [
      {
        site: "hq",
        tag: "elemu-1-abcd",
        results: [
          { probe: probes[0], pass: true, detail: "answer ok" },
          { probe: probes[1], pass: false, detail: "answer (none) <missing>" },
          { probe: probes[2], pass: true, detail: "ok" },
        ],
        mutations: [
          { ruleId: "hq/edge-external/a", firewall: "external", caughtBy: [probes[0].id], outcome: "caught" },
          { ruleId: "hq/edge-internal/b", firewall: "internal", caughtBy: [], outcome: "finding", reason: "no other rule allows the same packets" },
          {
            ruleId: "hq/edge-m365/c",
            firewall: "external",
            caughtBy: [],
            outcome: "covered",
            coveredBy: "hq/edge-external/a",
            reason: "hq/edge-external/a allows every packet this row allows",
          },
          { ruleId: "hq/director/d", firewall: "internal", caughtBy: [], outcome: "no-firewall", reason: "both on the internal networks" },
        ],
        timings: { up: 2000, probes: 3000, down: 200, mutate: 9000 },
      },
    ],
  };
  expect(summaryLine(report)).toBe("2/3 probes pass; 4 rules: 1 caught, 1 covered by another rule, 1 crosses no firewall, 1 finding");
  const md = reportMarkdown(report);
  // Cells are escaped as the worksheets' Markdown is: underscores backslash-escaped, no raw HTML.
  expect(md).toContain(`| **FAIL** | ${probes[1].what.replace(/_/g, "\\_")} | ${probes[1].refs.join(", ")} | answer (none) &lt;missing&gt; |`);
  // Only the real finding is listed as one; every removal has its outcome and why.
  const findings = md.slice(md.indexOf("Findings:"), md.indexOf("| Rule removed"));
  expect(findings).toContain("- **hq/edge-internal/b** (internal firewall)");
  expect(findings).not.toContain("hq/edge-m365/c");
  expect(findings).not.toContain("hq/director/d");
  expect(md).toContain(
    "| hq/edge-m365/c | external | covered by another rule | covered by hq/edge-external/a: hq/edge-external/a allows every packet this row allows |",
  );
  expect(md).toContain("| hq/director/d | internal | crosses no firewall | crosses no firewall: both on the internal networks |");
  expect(md).toContain("| hq/edge-internal/b | internal | **finding** | no probe noticed the removal: no other rule allows the same packets |");
  const json = JSON.parse(reportJson(report));
  expect(json.sites[0].probes.map((p: { pass: boolean }) => p.pass)).toEqual([true, false, true]);
  expect(json.sites[0].mutations.map((m: { outcome: string; coveredBy?: string }) => [m.outcome, m.coveredBy])).toEqual([
    ["caught", undefined],
    ["finding", undefined],
    ["covered", "hq/edge-external/a"],
    ["no-firewall", undefined],
  ]);
  const xml = new XMLParser({ ignoreAttributes: false }).parse(reportJunit(report));
  const suite = xml.testsuites.testsuite;
  expect(suite["@_tests"]).toBe("7");
  // The failing probe and the finding; the covered and no-firewall removals pass and say why.
  expect(suite["@_failures"]).toBe("2");
  expect(suite.testcase[1].failure["@_message"]).toBe("answer (none) <missing>");
  expect(suite.testcase[4].failure["@_message"]).toBe("no probe noticed the removal: no other rule allows the same packets");
  expect(suite.testcase[5].failure).toBeUndefined();
  expect(suite.testcase[5]["system-out"]).toBe("covered by hq/edge-external/a: hq/edge-external/a allows every packet this row allows");
  expect(suite.testcase[6]["system-out"]).toBe("crosses no firewall: both on the internal networks");
});
