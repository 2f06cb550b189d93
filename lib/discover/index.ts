/**
 * `edge-lab discover <sip-domain>` (issue 21): observe what the Internet sees of an existing deployment (observe.ts),
 * infer a scenario with questions and findings (infer.ts, rules.ts, findings.ts) and write it as commented YAML
 * (scenario-yaml.ts).
 */
import { existsSync } from "node:fs";
import { readBounded } from "../io/bounded-read";
import { UserError } from "../errors";
import { isHostName } from "../probe/tls-records";
import { explainRule, type DiscoverFinding } from "./findings";
import { infer, type Inferred } from "./infer";
import { observe, type Observations, type ObserveOptions } from "./observe";
import { scenarioYaml } from "./scenario-yaml";
import { addressesOf, srvOf } from "./view";

export { infer } from "./infer";
export { observe } from "./observe";
export { scenarioYaml } from "./scenario-yaml";
export { formatFindings } from "./findings";

/** A discover input the user can fix (the message names the argument or flag). */
export class DiscoverError extends UserError {}

/** The SIP domain argument: a DNS name of two or more labels. */
export function checkDomain(domain: string): string {
  const d = domain.trim().toLowerCase().replace(/\.$/, "");
  if (!isHostName(d) || !d.includes(".") || d.includes("_"))
    throw new DiscoverError(`<sip-domain> ${JSON.stringify(domain)} is not a DNS domain name such as contoso.com`);
  return d;
}

/** --ca FILE: one or more PEM certificates ("-": standard input). */
/** A trust-anchor file is a few certificates: more than this is not one (and a device or endless pipe stops here). */
const MAX_CA_BYTES = 1024 * 1024;

export function readCaFile(file: string): string[] {
  let text: string;
  try {
    text = readBounded(file === "-" ? 0 : file, MAX_CA_BYTES);
  } catch (e) {
    throw new DiscoverError(`--ca ${file}: cannot read it (${(e as NodeJS.ErrnoException).code ?? (e as Error).message})`);
  }
  if (text.length >= MAX_CA_BYTES) throw new DiscoverError(`--ca ${file}: more than ${MAX_CA_BYTES} bytes: not a CA file`);
  const pems = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (pems.length === 0) throw new DiscoverError(`--ca ${file}: no PEM certificate (-----BEGIN CERTIFICATE-----) in it`);
  return pems;
}

/** --out FILE: refuses an existing file unless --force. */
export function checkOut(file: string, force: boolean): void {
  if (existsSync(file) && !force) throw new DiscoverError(`--out ${file}: the file exists; use --force to replace it`);
}

/** Refuses a domain where nothing of Lync / Skype for Business is published (no file is written then). */
export function assertSomethingSeen(o: Observations): void {
  const d = o.domain;
  const any =
    srvOf(o.dns, `_sip._tls.${d}`) ||
    srvOf(o.dns, `_sipfederationtls._tcp.${d}`) ||
    addressesOf(o.dns, `sip.${d}`).length ||
    o.dns.some((x) => x.name === `lyncdiscover.${d}` && x.status === "ok");
  if (!any) {
    const statuses = [...new Set(o.dns.filter((x) => x.name.endsWith(d)).map((x) => x.status))].join(", ");
    throw new DiscoverError(
      `<sip-domain> ${d}: no _sip._tls, _sipfederationtls, sip or lyncdiscover record at ${o.resolver} (answers: ${statuses}); nothing to discover`,
    );
  }
}

export interface DiscoverResult {
  readonly observations: Observations;
  readonly inferred: Inferred;
  readonly yaml: string;
}

export async function discover(domain: string, options: ObserveOptions = {}): Promise<DiscoverResult> {
  const observations = await observe(checkDomain(domain), options);
  assertSomethingSeen(observations);
  const inferred = infer(observations);
  return { observations, inferred, yaml: scenarioYaml(inferred, observations) };
}

/** The --json document: findings (with their rule's explanation), questions, and the observations they come from. */
export function discoverJson(r: DiscoverResult, out?: string): string {
  const findings = r.inferred.findings.map((f: DiscoverFinding) => ({ ...f, explanation: explainRule(f.rule) }));
  return (
    JSON.stringify(
      { domain: r.observations.domain, out, findings, questions: r.inferred.questions, observations: r.observations, scenario: out ? undefined : r.yaml },
      null,
      2,
    ) + "\n"
  );
}
