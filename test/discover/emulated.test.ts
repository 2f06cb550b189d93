/**
 * `edge-lab discover` (issue 21) against an emulated perimeter with known misconfigurations: each is reported with its
 * rule id. discover runs inside the simulated Internet as user nobody with no PATH (test/probe/outside.ts). Every
 * bundled scenario built as planned is discovered in test/probe/emulated.test.ts (one world for probe and discover):
 * the answered file plans the same external face, and none of these findings appear.
 */
import { join } from "node:path";
import { emulate } from "../../lib/emulate";
import { loadScenarioFile } from "../../lib/model/load";
import { NEEDS, TEST_SILENCE_MS } from "../emulate/helpers";
import { SCENARIO_DIR } from "../helpers";
import { cliAsNobody, jsonOf, type CliRun } from "../probe/outside";
import { describeWithTools } from "../system-tools";
import type { DiscoverJson } from "./answer";

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
    let run: CliRun | undefined;
    await emulate(plan, {
      silenceMs: TEST_SILENCE_MS,
      buildPlan: broken,
      sites: [plan.scenario.sites[0].name],
      onUp: async ({ outside }) => {
        run = await cliAsNobody(outside, ["discover", "contoso.com", "--resolver", outside.resolver, "--json", "--timeout", "3000"]);
      },
    });
    expect(run!.status).toBe(0);
    const findings = jsonOf<DiscoverJson>(run!).findings;
    const text = (rule: string) =>
      findings
        .filter((f) => f.rule === rule)
        .map((f) => `${f.message} ${f.evidence ?? ""}`)
        .join("\n");
    // Each fault with its rule: federation discoverability (DNS-03), the certificate (CERT-03), the SRV target (DNS-04).
    for (const rule of ["DNS-03", "CERT-03", "DNS-04"]) expect({ rule, found: findings.some((f) => f.rule === rule) }).toEqual({ rule, found: true });
    expect(text("CERT-03")).toContain("xmpp.contoso.com");
    expect(text("DNS-04")).toContain("_sip._tls.contoso.com");
  }, 300_000);
});
