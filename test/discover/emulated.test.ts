/**
 * Acceptance of `edge-lab discover` (issue 21) against emulated perimeters: for each bundled scenario the emulation
 * builds the perimeter (public DNS in the simulated Internet, the Edge's TLS listeners with certificates from the run's
 * CA, nginx as reverse proxy), discover runs inside the simulated Internet namespace as user nobody (no root needed),
 * the test answers the file's questions from the original scenario, and the answered file must plan the same external
 * DNS records, Edge and reverse proxy certificate names and external firewall rows as the original.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from "yaml";
import { emulate } from "../../lib/emulate";
import { loadScenarioFile, loadScenarioText } from "../../lib/model/load";
import { NEEDS } from "../emulate/helpers";
import { bundledScenarioIds, ROOT, SCENARIO_DIR } from "../helpers";
import { describeWithTools, TOOL_ENV } from "../system-tools";
import type { Question } from "../../lib/discover/view";
import { answer, externalFace } from "./answer";

const SCENARIOS = bundledScenarioIds();

/** The simulated Internet's DNS server: the address .53 of the inet namespace. */
function publicDns(ns: string): string {
  const out = spawnSync("ip", ["-n", ns, "-4", "-o", "addr", "show"], { encoding: "utf8", env: TOOL_ENV }).stdout;
  const ip = [...out.matchAll(/inet (\d+\.\d+\.\d+\.53)\//g)][0]?.[1];
  if (!ip) throw new Error(`no .53 address in ${ns}:\n${out}`);
  return ip;
}

describeWithTools("discover against emulated perimeters (issue 21)", NEEDS, () => {
  test.each(SCENARIOS)(
    "%s: the answered discovered file plans the same external DNS, certificates and firewall rows",
    async (id) => {
      const file = join(SCENARIO_DIR, `${id}.yaml`);
      const loaded = loadScenarioFile(file);
      expect(loaded.problems.filter((p) => p.severity === "error")).toEqual([]);
      const plan = loaded.plan!;
      let run: { status: number | null; stdout: string; stderr: string; ms: number } | undefined;
      await emulate(plan, {
        sites: [plan.scenario.sites[0].name],
        onUp: ({ tag, runDir }) => {
          const ca = readFileSync(join(runDir, "pki", "ca.crt"), "utf8");
          const t0 = Date.now();
          // As nobody, inside the simulated Internet: the CA comes on stdin, the file comes back in the JSON.
          const r = spawnSync(
            "ip",
            [
              "netns",
              "exec",
              `${tag}-inet`,
              "setpriv",
              "--reuid=nobody",
              "--regid=nogroup",
              "--clear-groups",
              process.execPath,
              "-r",
              join(ROOT, "node_modules/ts-node/register/transpile-only"),
              join(ROOT, "bin/cli.ts"),
              "discover",
              "contoso.com",
              "--resolver",
              publicDns(`${tag}-inet`),
              "--ca",
              "-",
              "--json",
              "--timeout",
              "3000",
            ],
            { input: ca, encoding: "utf8", env: { ...TOOL_ENV, HOME: "/nonexistent" }, cwd: ROOT, timeout: 120_000 },
          );
          run = { status: r.status, stdout: r.stdout, stderr: r.stderr, ms: Date.now() - t0 };
        },
      });
      expect(run).toBeDefined();
      expect({ status: run!.status, stderr: run!.status === 0 ? "" : run!.stderr }).toEqual({ status: 0, stderr: "" });
      // EDGE_LAB_DISCOVER_RECORD=<dir>: keep the JSON (how test/fixtures/discover/*.observations.json were recorded).
      if (process.env.EDGE_LAB_DISCOVER_RECORD) writeFileSync(join(process.env.EDGE_LAB_DISCOVER_RECORD, `${id}.json`), run!.stdout);
      const json = JSON.parse(run!.stdout) as { scenario: string; questions: Question[]; findings: { rule: string }[] };
      process.stderr.write(`discover ${id}: ${run!.ms} ms, ${json.questions.length} questions, findings ${json.findings.map((f) => f.rule).join(" ")}\n`);
      // A perimeter built as planned shows none of the misconfigurations the next suite injects.
      expect(json.findings.filter((f) => ["DNS-03", "CERT-03", "DNS-04"].includes(f.rule))).toEqual([]);
      // Unanswered, the file is refused, and each refusal points at a required question's placeholder.
      const unanswered = loadScenarioText(json.scenario, "discovered.yaml");
      expect(unanswered.ok).toBe(false);
      const answered = answer(json.scenario, parse(readFileSync(file, "utf8")), json.questions);
      const result = loadScenarioText(answered, "answered.yaml");
      expect(result.problems.filter((p) => p.severity === "error")).toEqual([]);
      // The emulated site (the first): a second site's Edge is not named by the SIP domain's records.
      expect(externalFace(result.plan!, plan.scenario.sites[0].name)).toEqual(externalFace(plan, plan.scenario.sites[0].name));
    },
    600_000,
  );
});

describeWithTools("discover reports a perimeter's misconfigurations with their rule ids (issue 21)", NEEDS, () => {
  test("federation SRV missing while 5061 answers, a DNS name missing from the certificate, an SRV target outside its domain", async () => {
    const plan = loadScenarioFile(join(SCENARIO_DIR, "single-consolidated-nat.yaml")).plan!;
    const fedSrv = plan.dnsRecords.find((r) => r.view === "external" && r.name === "_sipfederationtls._tcp.contoso.com")!;
    const clientSrv = plan.dnsRecords.find((r) => r.view === "external" && r.name === "_sip._tls.contoso.com")!;
    const cert = plan.certificates.find((c) => c.component.includes("Edge") && /external/.test(c.component))!;
    const broken = {
      ...plan,
      // _sip._tls.contoso.com -> sip.fabrikam.com: outside contoso.com (strict domain matching, DNS-04).
      dnsRecords: plan.dnsRecords.filter((r) => r !== fedSrv).map((r) => (r === clientSrv ? { ...r, srv: { ...r.srv!, target: "sip.fabrikam.com" } } : r)),
      // xmpp.contoso.com, the XMPP SRV target, left off the Edge certificate (CERT-03).
      certificates: plan.certificates.map((c) => (c === cert ? { ...c, sans: c.sans.filter((n) => n !== "xmpp.contoso.com") } : c)),
    };
    let stdout = "";
    await emulate(plan, {
      buildPlan: broken,
      sites: [plan.scenario.sites[0].name],
      onUp: ({ outside }) => {
        const r = spawnSync(
          "ip",
          [
            ...["netns", "exec", outside.namespace, "setpriv", "--reuid=nobody", "--regid=nogroup", "--clear-groups"],
            ...[process.execPath, "-r", join(ROOT, "node_modules/ts-node/register/transpile-only"), join(ROOT, "bin/cli.ts")],
            ...["discover", "contoso.com", "--resolver", outside.resolver, "--ca", "-", "--json", "--timeout", "3000"],
          ],
          { input: readFileSync(outside.caFile, "utf8"), encoding: "utf8", env: { ...TOOL_ENV, HOME: "/nonexistent" }, cwd: ROOT, timeout: 120_000 },
        );
        expect(r.status).toBe(0);
        stdout = r.stdout;
      },
    });
    const findings = (JSON.parse(stdout) as { findings: { rule: string; message: string; evidence?: string }[] }).findings;
    const rules = new Set(findings.map((f) => f.rule));
    // Each fault with its rule: federation discoverability (DNS-03), the certificate (CERT-03), the SRV target (DNS-04).
    for (const rule of ["DNS-03", "CERT-03", "DNS-04"]) expect({ rule, found: rules.has(rule) }).toEqual({ rule, found: true });
    expect(findings.find((f) => f.rule === "CERT-03")!.message + (findings.find((f) => f.rule === "CERT-03")!.evidence ?? "")).toContain("xmpp.contoso.com");
    expect(findings.find((f) => f.rule === "DNS-04")!.message + (findings.find((f) => f.rule === "DNS-04")!.evidence ?? "")).toContain("_sip._tls.contoso.com");
  }, 300_000);
});
