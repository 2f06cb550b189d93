/** Shared by the discover suites: answering a discovered file from the original scenario, and what is compared. */
import { parse, parseDocument } from "yaml";
import { readFileSync } from "node:fs";
import { loadScenarioText } from "../../lib/model/load";
import type { Question } from "../../lib/discover/view";
import type { Plan } from "../../lib/model/plan";

/**
 * What the comparison covers: the plan's face to the Internet, of one site when given (discover sees the site the SIP
 * domain's records lead to; another site's Edge, a DR site, is not named by them).
 */
export function externalFace(p: Plan, site?: string) {
  const mine = (x: { site: string }) => site === undefined || x.site === site;
  return {
    dns: p.dnsRecords
      .filter((r) => r.view === "external" && mine(r))
      .map((r) => `${r.type} ${r.name} ${r.values.join(",")}${r.srv ? ` ${r.srv.port} ${r.srv.target}` : ""}`)
      .sort(),
    certificates: p.certificates.filter((c) => /external/.test(c.component) && mine(c)).map((c) => `${c.component}: ${c.subject} [${c.sans.join(", ")}]`),
    firewall: p.firewallRules
      .filter((r) => r.firewall === "external" && mine(r))
      .map((r) =>
        [
          r.id,
          r.direction,
          r.transport,
          `${r.ports.from}-${r.ports.to}`,
          r.source.addresses,
          r.source.publicAddresses ?? [],
          r.destination.addresses,
          r.destination.publicAddresses ?? [],
        ].join(" "),
      )
      .sort(),
  };
}

/** Answers every question from the original file: its value there, or (not there) the schema default. */
export function answer(discovered: string, original: unknown, questions: readonly Question[]): string {
  const doc = parseDocument(discovered);
  const orig = parseDocument(JSON.stringify(original));
  for (const q of questions) {
    const value = orig.getIn(q.path);
    if (value !== undefined) doc.setIn(q.path, orig.getIn(q.path, true));
    else if (q.required) doc.deleteIn(q.path);
  }
  return doc.toString();
}

/** What `discover --json` prints. */
export interface DiscoverJson {
  readonly scenario: string;
  readonly questions: Question[];
  readonly findings: { rule: string; message: string; evidence?: string }[];
}

/**
 * The acceptance of one discovered file: refused while unanswered; answered from the original scenario file, it plans
 * the same external face of the emulated site (the first) as the original plan.
 */
export function expectDiscoveredMatches(json: DiscoverJson, originalFile: string, original: Plan): void {
  expect(loadScenarioText(json.scenario, "discovered.yaml").ok).toBe(false);
  const answered = answer(json.scenario, parse(readFileSync(originalFile, "utf8")), json.questions);
  const result = loadScenarioText(answered, "answered.yaml");
  expect(result.problems.filter((p) => p.severity === "error")).toEqual([]);
  const site = original.scenario.sites[0].name;
  expect(externalFace(result.plan!, site)).toEqual(externalFace(original, site));
}
