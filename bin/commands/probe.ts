import { assertEdgeLabOutput, replaceDirectory } from "../../lib/io/atomic";
import { readBounded } from "../../lib/io/bounded-read";
import type { RegisterCommand } from "./context";
import { withEndpointsOption, withPlan } from "./endpoints";

interface ProbeFlags {
  site?: string[];
  from?: string;
  resolver?: string;
  ca?: string[];
  only?: string;
  out?: string;
  json?: boolean;
  timeout?: string;
  silence?: string;
  rate?: string;
  m365Endpoints?: string;
}

const MAX_CA_BYTES = 1024 * 1024;

/** A flag in whole milliseconds, 100-60000: its value (undefined when not given), or the problem. */
function milliseconds(flag: string, value: string | undefined): { ms?: number; problem?: string } {
  if (value === undefined) return {};
  const ms = Number(value);
  return Number.isInteger(ms) && ms >= 100 && ms <= 60_000 ? { ms } : { problem: `${flag} ${value}: milliseconds, 100-60000` };
}

/** The flags' values checked before anything is sent; the first problem, or the options. */
async function optionsFrom(f: ProbeFlags, sites: readonly string[]) {
  const { CHECK_KINDS } = await import("../../lib/probe/perimeter");
  const { checkServer } = await import("../../lib/probe/dns");
  const from = f.from ?? "internet";
  if (from !== "internet" && from !== "internal") return { problem: `--from ${from}: use internet or internal` };
  const only = f.only?.split(",").map((s) => s.trim());
  const unknownKind = only?.find((k) => !(CHECK_KINDS as readonly string[]).includes(k));
  if (unknownKind !== undefined) return { problem: `--only ${unknownKind}: not a check (checks: ${CHECK_KINDS.join(", ")})` };
  const unknownSite = (f.site ?? []).find((s) => !sites.includes(s));
  if (unknownSite) return { problem: `--site ${unknownSite}: the scenario has no such site (sites: ${sites.join(", ")})` };
  const timeout = milliseconds("--timeout", f.timeout);
  if (timeout.problem) return { problem: timeout.problem };
  const silence = milliseconds("--silence", f.silence);
  if (silence.problem) return { problem: silence.problem };
  const ratePerSecond = f.rate === undefined ? undefined : Number(f.rate);
  if (ratePerSecond !== undefined && !(ratePerSecond >= 1 && ratePerSecond <= 200)) return { problem: `--rate ${f.rate}: checks per second, 1-200` };
  if (f.resolver) {
    try {
      checkServer(f.resolver);
    } catch (e) {
      return { problem: `--resolver ${f.resolver}: ${(e as Error).message}` };
    }
  }
  const ca: string[] = [];
  for (const file of f.ca ?? []) {
    let text: string;
    try {
      // "-": standard input (a lab CA handed to a process that cannot read root's run directory).
      text = readBounded(file === "-" ? 0 : file, MAX_CA_BYTES + 1);
    } catch (e) {
      return { problem: `--ca ${file}: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}` };
    }
    if (text.length > MAX_CA_BYTES || !text.includes("-----BEGIN CERTIFICATE-----")) return { problem: `--ca ${file}: not a PEM certificate file` };
    ca.push(text);
  }
  return {
    options: {
      from,
      sites: f.site,
      only: only as (typeof CHECK_KINDS)[number][] | undefined,
      resolver: f.resolver,
      ca: ca.length ? ca : undefined,
      timeoutMs: timeout.ms,
      blockedTimeoutMs: silence.ms,
      ratePerSecond,
    } as const,
  };
}

export const registerProbe: RegisterCommand = (program, ctx) => {
  const { io, setExitCode } = ctx;
  withEndpointsOption(
    program
      .command("probe")
      .description(
        "check a real perimeter against the plan from this host: DNS, TLS certificates, one SIP REGISTER, MS-TURN on the A/V Edge, the reverse proxy, silent management ports (no root, no credentials)",
      )
      .argument("<file>", "scenario file (YAML)")
      .option("--site <name...>", "probe only these sites (default: every site)")
      .option("--from <where>", "where this host stands: internet (default) or internal", "internet")
      .option("--resolver <ip>", "DNS server to ask (ip or ip:port; default: the system's resolvers)")
      .option("--ca <file...>", "extra trusted CA certificates (PEM), e.g. a lab's private CA; - reads standard input")
      .option("--only <checks>", "comma-separated checks: dns,port,tls,sip,turn,web,blocked (default: all)")
      .option("--timeout <ms>", "per check (default 5000)")
      .option("--silence <ms>", "how long a management port must stay silent to pass (default 1000; one port at a time per address)")
      .option("--rate <n>", "check starts per second over all targets (default 50; one check at a time per address)")
      .option("--out <dir>", "write probe-report.md, probe-report.json and junit.xml to this directory")
      .option("--json", "print the report as JSON on stdout (nothing else)"),
  ).action(async (file: string, flags: ProbeFlags) => {
    const result = withPlan(file, flags, ctx);
    if (!result) return;
    const checked = await optionsFrom(
      flags,
      result.plan.scenario.sites.map((s) => s.name),
    );
    if (!checked.options) {
      io.err(`edge-lab probe: ${checked.problem}\n`);
      setExitCode(1);
      return;
    }
    if (flags.out) assertEdgeLabOutput(flags.out);
    const { probePerimeter, perimeterPassed } = await import("../../lib/probe/perimeter");
    const report = await import("../../lib/probe/report");
    const r = await probePerimeter(result.plan, checked.options);
    if (flags.json) io.out(report.perimeterJson(r));
    else for (const x of r.results) io.out(`${report.perimeterLine(x)}\n`);
    if (flags.out) {
      replaceDirectory(flags.out, [
        { name: "probe-report.md", content: report.perimeterMarkdown(r) },
        { name: "probe-report.json", content: report.perimeterJson(r) },
        { name: "junit.xml", content: report.perimeterJunit(r) },
      ]);
      (flags.json ? io.err : io.out)(`${flags.out}: probe-report.md, probe-report.json, junit.xml written\n`);
    }
    (flags.json ? io.err : io.out)(`${report.perimeterSummary(r)}\n`);
    if (!perimeterPassed(r)) setExitCode(1);
  });
};
