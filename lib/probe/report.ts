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

export function perimeterJunit(r: PerimeterReport): string {
  const failures = r.results.filter((x) => !x.pass && !x.skipped).length;
  const skipped = r.results.filter((x) => x.skipped).length;
  const out = [
    '<?xml version="1.0" encoding="UTF-8"?>',
    `<testsuites name="edge-lab probe ${xml(r.scenario)}">`,
    `  <testsuite name="${xml(`${r.scenario} from ${r.from}`)}" tests="${r.results.length}" failures="${failures}" skipped="${skipped}" time="${(r.elapsedMs / 1000).toFixed(3)}">`,
  ];
  for (const x of r.results) {
    out.push(
      `    <testcase classname="${xml(`${r.scenario}.${x.probe.site}.${x.check}`)}" name="${xml(`${x.probe.what} [${x.id}]`)}" time="${(x.elapsedMs / 1000).toFixed(3)}">`,
    );
    if (x.skipped) out.push(`      <skipped message="${xml(x.detail)}"/>`);
    else if (!x.pass) out.push(`      <failure message="${xml(x.detail)}">${xml(x.probe.refs.join(", "))}</failure>`);
    else out.push(`      <system-out>${xml([x.detail, ...x.warnings.map((w) => `warning: ${w}`)].join("\n"))}</system-out>`);
    out.push("    </testcase>");
  }
  out.push("  </testsuite>", "</testsuites>", "");
  return out.join("\n");
}
