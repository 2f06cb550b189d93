/**
 * The emulation report: Markdown (one line per probe with the plan row and rule ids it proves), JSON, JUnit XML.
 */
import { markdownText } from "../lab/escape";
import { junitXml, type JunitCase } from "../probe/report";
import type { EmulationReport, MutationResult, SiteReport } from "./index";

/** Text in a Markdown line or table cell: the worksheets' escaping (no raw HTML, no inline syntax, no cell break). */
const md = markdownText;
const secs = (ms: number) => `${(ms / 1000).toFixed(1)} s`;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

/** "42 rules: 25 caught, 7 covered by another rule, 10 cross no firewall, 0 findings". */
export function mutationSummary(muts: readonly MutationResult[]): string {
  const count = (o: MutationResult["outcome"]) => muts.filter((m) => m.outcome === o).length;
  return `${plural(muts.length, "rule", "rules")}: ${count("caught")} caught, ${count("covered")} covered by another rule, ${plural(count("no-firewall"), "crosses", "cross")} no firewall, ${plural(count("finding"), "finding", "findings")}`;
}

export function summaryLine(r: EmulationReport): string {
  const everything = r.sites.flatMap((s) => s.results);
  const all = everything.filter((x) => !x.skipped);
  const muts = r.sites.flatMap((s) => s.mutations ?? []);
  return [
    `${all.filter((x) => x.pass).length}/${all.length} probes pass`,
    ...(everything.length > all.length ? [`${everything.length - all.length} not emulated`] : []),
    ...(muts.length ? [mutationSummary(muts)] : []),
  ].join("; ");
}

/** The cell (and JUnit text) of one mutation: the catching probes, or why no probe noticed. */
export function mutationText(m: MutationResult): string {
  switch (m.outcome) {
    case "caught":
      return m.caughtBy.slice(0, 3).join(", ") + (m.caughtBy.length > 3 ? ` (+${m.caughtBy.length - 3})` : "");
    case "covered":
      return `covered by ${m.coveredBy}: ${m.reason}`;
    case "no-firewall":
      return `crosses no firewall: ${m.reason}`;
    case "finding":
      return `no probe noticed the removal: ${m.reason ?? "the rule is not needed, or a probe is missing"}`;
  }
}

const OUTCOME_CELL: Record<MutationResult["outcome"], string> = {
  caught: "caught",
  covered: "covered by another rule",
  "no-firewall": "crosses no firewall",
  finding: "**finding**",
};

function siteMarkdown(s: SiteReport): string[] {
  const out = [`## Site ${s.site}`, ""];
  out.push(
    `Run \`${s.tag}\`: up ${secs(s.timings.up)}, probes ${secs(s.timings.probes)}, teardown ${secs(s.timings.down)}${s.timings.mutate ? `, mutations ${secs(s.timings.mutate)}` : ""}.`,
    "",
  );
  out.push("| Result | Probe | Proves | Observed |", "|---|---|---|---|");
  for (const r of s.results)
    out.push(`| ${r.skipped ? "not emulated" : r.pass ? "PASS" : "**FAIL**"} | ${md(r.probe.what)} | ${md(r.probe.refs.join(", "))} | ${md(r.detail)} |`);
  out.push("");
  if (s.mutations) {
    out.push("### Mutations (one firewall rule removed at a time)", "");
    out.push(`${mutationSummary(s.mutations)}.`, "");
    const missed = s.mutations.filter((m) => m.outcome === "finding");
    if (missed.length) {
      out.push(
        "Findings: removing these rules changed no probe's result, and no other rule or the topology explains it (the rule is not needed, or a probe is missing):",
        "",
      );
      for (const m of missed) out.push(`- **${md(m.ruleId)}** (${m.firewall} firewall)`);
      out.push("");
    }
    out.push("| Rule removed | Firewall | Outcome | Caught by, or why not |", "|---|---|---|---|");
    for (const m of s.mutations) out.push(`| ${md(m.ruleId)} | ${m.firewall} | ${OUTCOME_CELL[m.outcome]} | ${md(mutationText(m))} |`);
    out.push("");
  }
  if (s.kept) {
    out.push(
      "### Kept up (--keep)",
      "",
      "Enter a namespace with `sudo ip netns exec <name> bash`; remove everything with `edge-lab emulate --cleanup` after this process has ended.",
      "",
    );
    for (const ns of s.kept) out.push(`- \`${ns}\``);
    out.push("");
  }
  return out;
}

export function reportMarkdown(r: EmulationReport): string {
  const out = [`# Emulation: ${md(r.title)}`, "", `Scenario \`${r.scenario}\`: ${summaryLine(r)}.`, ""];
  for (const s of r.sites) out.push(...siteMarkdown(s));
  return out.join("\n").replace(/\n+$/, "\n");
}

export function reportJson(r: EmulationReport): string {
  return (
    JSON.stringify(
      {
        scenario: r.scenario,
        summary: summaryLine(r),
        sites: r.sites.map((s) => ({
          site: s.site,
          run: s.tag,
          timingsMs: s.timings,
          probes: s.results.map((x) => ({
            id: x.probe.id,
            kind: x.probe.kind,
            what: x.probe.what,
            refs: x.probe.refs,
            pass: x.pass,
            ...(x.skipped ? { skipped: true } : {}),
            observed: x.detail,
          })),
          ...(s.mutations ? { mutations: s.mutations } : {}),
          ...(s.kept ? { kept: s.kept } : {}),
        })),
      },
      null,
      2,
    ) + "\n"
  );
}

export function reportJunit(r: EmulationReport): string {
  const suites = r.sites.map((s) => {
    const classname = `${r.scenario}.${s.site}`;
    const cases: JunitCase[] = [
      ...s.results.map((x) => ({ classname, name: x.probe.what, pass: x.pass, skipped: x.skipped, detail: x.detail, failure: x.probe.id })),
      // Covered and no-firewall removals are explained, not failures: the case passes and says why.
      ...(s.mutations ?? []).map((m) => ({
        classname,
        name: `mutation: ${m.ruleId} removed is caught or explained`,
        pass: m.outcome !== "finding",
        detail: m.outcome === "caught" ? m.caughtBy.join(", ") : mutationText(m),
        failure: m.ruleId,
      })),
    ];
    return { name: `${r.scenario}/${s.site}`, seconds: (s.timings.up + s.timings.probes + s.timings.down) / 1000, cases };
  });
  return junitXml(`edge-lab emulate ${r.scenario}`, suites);
}
