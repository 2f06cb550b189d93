/** Shared by the discover suites: answering a discovered file from the original scenario, and what is compared. */
import { parseDocument } from "yaml";
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
