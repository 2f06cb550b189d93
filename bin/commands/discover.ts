import { InvalidArgumentError } from "commander";
import { replaceFile } from "../../lib/io/atomic";
import { checkServer } from "../../lib/probe/dns";
import type { RegisterCommand } from "./context";

function resolver(value: string): string {
  try {
    return checkServer(value);
  } catch {
    throw new InvalidArgumentError("expected a DNS server address: an IP with an optional port (192.0.2.53, 192.0.2.53:5353, [2001:db8::53]:53)");
  }
}

function timeout(value: string): number {
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 100 || n > 120000) throw new InvalidArgumentError("expected milliseconds from 100 to 120000");
  return n;
}

interface DiscoverFlags {
  resolver?: string;
  ca?: string;
  out?: string;
  force?: boolean;
  json?: boolean;
  timeout?: number;
}

export const registerDiscover: RegisterCommand = (program, { io }) => {
  program
    .command("discover")
    .description("infer an existing deployment from public DNS and TLS: write a commented scenario file with questions, and report findings against the rules")
    .argument("<sip-domain>", "the SIP domain to look at, e.g. contoso.com")
    .option("--resolver <ip>", "DNS server to ask (default: the system's resolvers)", resolver)
    .option("--ca <file>", "extra trust anchors (PEM) for the certificate chain checks, e.g. a lab's private CA (- reads standard input)")
    .option("--out <file>", "write the scenario file here (atomically; an existing file only with --force)")
    .option("--force", "replace an existing --out file")
    .option("--json", "print the findings, questions and observations as JSON on stdout (nothing else on stdout)")
    .option("--timeout <ms>", "per connection and per DNS try", timeout, 4000)
    .action(async (domain: string, options: DiscoverFlags) => {
      // Loaded here: the other commands never pay for the probes.
      const d = await import("../../lib/discover");
      const sipDomain = d.checkDomain(domain);
      const ca = options.ca ? d.readCaFile(options.ca) : undefined;
      if (options.out) d.checkOut(options.out, options.force === true);
      const r = await d.discover(sipDomain, { resolver: options.resolver, ca, timeoutMs: options.timeout, log: (l) => io.err(`${l}\n`) });
      if (options.out) replaceFile(options.out, r.yaml);
      const q = r.inferred.questions;
      if (options.json) return io.out(d.discoverJson(r, options.out));
      if (!options.out) io.out(r.yaml);
      const report = [
        ...(options.out ? [`${options.out}: written`] : []),
        `${q.filter((x) => x.required).length} required and ${q.filter((x) => !x.required).length} optional questions (answer them in the file, then: edge-lab validate)`,
        `${r.inferred.findings.length} findings`,
        d.formatFindings(r.inferred.findings),
      ].filter(Boolean);
      (options.out ? io.out : io.err)(report.join("\n") + "\n");
    });
};
