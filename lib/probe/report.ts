/**
 * The `edge-lab probe` report: the same shapes as emulate's (`N/M probes pass`, Markdown with one line per check and
 * the plan row and rule ids it proves, JSON, JUnit XML), for a perimeter probed from outside.
 */
import { markdownText as md, oneLine, xmlText } from "../lab/escape";
import type { PerimeterReport, PerimeterResult } from "./perimeter";

const FROM_TEXT = { internet: "the Internet", internal: "the internal network" } as const;

export function perimeterSummary(r: PerimeterReport): string {
  const ran = r.results.filter((x) => !x.skipped);
  const notRun = r.results.length - ran.length;
  const warned = ran.filter((x) => x.warnings.length).length;
  return [
    `${ran.filter((x) => x.pass).length}/${ran.length} probes pass`,
    ...(warned ? [`${warned} with warnings`] : []),
    ...(notRun ? [`${notRun} not run from ${FROM_TEXT[r.from]}`] : []),
  ].join("; ");
}

const resultWord = (x: PerimeterResult) => (x.skipped ? "not run" : x.pass ? "PASS" : "**FAIL**");

/** One line of text per check (the command's progress output). */
export function perimeterLine(x: PerimeterResult): string {
  const head = `${x.skipped ? "SKIP" : x.pass ? "PASS" : "FAIL"}  ${x.check.padEnd(7)} ${x.probe.what}${x.check === "sip" ? " (SIP REGISTER)" : ""}  [${x.probe.refs.slice(0, 3).join(", ")}]`;
  // What a server sent reaches the terminal on one line, without control characters (no escape sequences).
  return `${head}  -> ${oneLine(x.detail)}${x.warnings.map((w) => `\n      warning: ${oneLine(w)}`).join("")}`;
}

export function perimeterMarkdown(r: PerimeterReport): string {
  const out = [
    `# Probe: ${md(r.title)}`,
    "",
    `Scenario \`${r.scenario}\` probed from ${FROM_TEXT[r.from]} (DNS: ${md(r.resolver)}) in ${(r.elapsedMs / 1000).toFixed(1)} s: ${perimeterSummary(r)}.`,
    "",
    "| Result | Check | Probe | Proves | Observed | Warnings |",
    "|---|---|---|---|---|---|",
  ];
  for (const x of r.results)
    out.push(`| ${resultWord(x)} | ${x.check} | ${md(x.probe.what)} | ${md(x.probe.refs.join(", "))} | ${md(x.detail)} | ${md(x.warnings.join("; "))} |`);
  return out.join("\n") + "\n";
}

export function perimeterJson(r: PerimeterReport): string {
  const results = r.results.map((x) => ({
    id: x.id,
    check: x.check,
    site: x.probe.site,
    what: x.probe.what,
    refs: x.probe.refs,
    pass: x.pass,
    ...(x.skipped ? { skipped: true } : {}),
    observed: x.detail,
    warnings: x.warnings,
    elapsedMs: x.elapsedMs,
  }));
  return (
    JSON.stringify({ scenario: r.scenario, from: r.from, resolver: r.resolver, summary: perimeterSummary(r), elapsedMs: r.elapsedMs, results }, null, 2) + "\n"
  );
}

const xml = xmlText;

/** One JUnit test case: skipped with its reason, failed with its detail (message) and `failure` (body), or passed. */
export interface JunitCase {
  readonly classname: string;
  readonly name: string;
  /** Seconds, when known. */
  readonly seconds?: number;
  readonly pass: boolean;
  readonly skipped?: boolean;
  readonly detail: string;
  /** The failure element's text (the ids a failing case names). */
  readonly failure: string;
  /** What a passing case prints. @default detail */
  readonly out?: string;
}

/** A JUnit XML document (the emulate and probe reports): one testsuite per entry, its counts from its cases. */
export function junitXml(name: string, suites: readonly { name: string; seconds: number; cases: readonly JunitCase[] }[]): string {
  const out = ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="${xml(name)}">`];
  for (const s of suites) {
    const failures = s.cases.filter((c) => !c.pass && !c.skipped).length;
    const skipped = s.cases.filter((c) => c.skipped).length;
    out.push(`  <testsuite name="${xml(s.name)}" tests="${s.cases.length}" failures="${failures}" skipped="${skipped}" time="${s.seconds.toFixed(3)}">`);
    for (const c of s.cases) {
      out.push(`    <testcase classname="${xml(c.classname)}" name="${xml(c.name)}"${c.seconds === undefined ? "" : ` time="${c.seconds.toFixed(3)}"`}>`);
      if (c.skipped) out.push(`      <skipped message="${xml(c.detail)}"/>`);
      else if (!c.pass) out.push(`      <failure message="${xml(c.detail)}">${xml(c.failure)}</failure>`);
      else out.push(`      <system-out>${xml(c.out ?? c.detail)}</system-out>`);
      out.push("    </testcase>");
    }
    out.push("  </testsuite>");
  }
  out.push("</testsuites>", "");
  return out.join("\n");
}

export function perimeterJunit(r: PerimeterReport): string {
  const cases = r.results.map((x) => ({
    classname: `${r.scenario}.${x.probe.site}.${x.check}`,
    name: `${x.probe.what} [${x.id}]`,
    seconds: x.elapsedMs / 1000,
    pass: x.pass,
    skipped: x.skipped,
    detail: x.detail,
    failure: x.probe.refs.join(", "),
    out: [x.detail, ...x.warnings.map((w) => `warning: ${w}`)].join("\n"),
  }));
  return junitXml(`edge-lab probe ${r.scenario}`, [{ name: `${r.scenario} from ${r.from}`, seconds: r.elapsedMs / 1000, cases }]);
}
