/**
 * `edge-lab probe` (issue 21) against emulated perimeters with faults: one fault of each class fails exactly the
 * probes that name it. The command runs inside the simulated Internet namespace as user nobody with no PATH, with the
 * emulation's public DNS server as --resolver and the run's CA on standard input (test/probe/outside.ts). Faults that
 * touch disjoint probes share a world (each fault's probes are computed apart and must not overlap); the A/V public
 * address has its own. Every bundled scenario built as planned, probed the same way: test/emulate/bundled.test.ts.
 */
import { join } from "node:path";
import { emulate, type EmulateOptions, type OutsideView } from "../../lib/emulate";
import { withoutApplianceRule } from "../../lib/lab/rulesets";
import { loadScenarioFile } from "../../lib/model/load";
import { buildProbes, type Probe } from "../../lib/model/probes";
import { NEEDS, TEST_SILENCE_MS } from "../emulate/helpers";
import { SCENARIO_DIR } from "../helpers";
import { describeWithTools } from "../system-tools";
import { cliAsNobody, failedIds, jsonOf, probeArgs, type CliRun, type ProbeJson } from "./outside";

jest.setTimeout(300_000);

const NAT_FILE = join(SCENARIO_DIR, "single-consolidated-nat.yaml");

type Runs = Record<string, (view: { outside: OutsideView; inside: OutsideView }) => Promise<CliRun>>;

/** Emulates the first site of `file` (built from `options.buildPlan` / `sabotage` for a fault) and runs the commands. */
async function withEmulated(file: string, commands: Runs, options: EmulateOptions = {}) {
  const plan = loadScenarioFile(file).plan!;
  const runs: Record<string, CliRun> = {};
  const report = await emulate(plan, {
    silenceMs: TEST_SILENCE_MS,
    ...options,
    sites: [plan.scenario.sites[0].name],
    onUp: async (info) => {
      for (const [name, run] of Object.entries(commands)) runs[name] = await run(info);
    },
  });
  return { plan, report, runs };
}

const probe = (file: string, extra: readonly string[] = []) => {
  const plan = loadScenarioFile(file).plan!;
  return ({ outside }: { outside: OutsideView }) => cliAsNobody(outside, probeArgs(file, plan, outside, extra));
};

describeWithTools("edge-lab probe: one fault of each class fails exactly the probes that name it", NEEDS, () => {
  const plan = loadScenarioFile(NAT_FILE).plan!;
  const probeList = buildProbes(plan);
  const idsWhere = (pred: (p: Probe) => boolean) => probeList.filter(pred).map((p) => p.id);

  test("five faults in one perimeter (SAN missing, SRV missing, UDP 3478 closed, publishing rule missing, RDP open): each fails its own probes", async () => {
    const cert = plan.certificates.find((c) => c.sans.length > 2 && c.installedOn.some((id) => id.includes("-edge-")) && c.id.endsWith("external"))!;
    const droppedSan = cert.sans[cert.sans.length - 1];
    const srv = plan.dnsRecords.find((r) => r.type === "SRV" && r.name.startsWith("_sipfederationtls._tcp."))!;
    const stunRow = plan.firewallRules.find((r) => r.portRow === "ext-in-av-stun-udp")!;
    const publishing = plan.publishingRules.find((r) => r.publicName.startsWith("dialin."))!;
    const access = plan.servers.flatMap((s) => s.interfaces.flatMap((i) => i.addresses)).find((a) => a.role === "access" && a.natPublic)!;
    const openRdp = (rules: string) =>
      rules.replace(
        /^(:FORWARD DROP \[0:0\]\n(?:.*\n)*?)(-A FORWARD)/m,
        `$1-A FORWARD -d ${access.ip} -p tcp --dport 3389 -j ACCEPT -m comment --comment "fault: RDP open"\n$2`,
      );
    const faults: Record<string, { ids: string[]; observed: RegExp }> = {
      "SAN missing": {
        ids: idsWhere((p) => p.kind === "tls" && p.from.kind === "internet" && p.certificate.id === cert.id),
        observed: new RegExp(`SANs lack ${droppedSan}`),
      },
      "SRV missing": { ids: idsWhere((p) => p.kind === "dns" && p.record === srv), observed: /^answer (\(none\)|nxdomain|nodata)/ },
      "UDP 3478 closed": {
        ids: idsWhere((p) => (p.kind === "turn" || p.kind === "port") && p.from.kind === "internet" && p.transport === "UDP" && p.port === 3478),
        observed: /^no answer/,
      },
      // The web checks of that name, and the TLS check that names it (nginx's default server answers that SNI).
      "publishing rule missing": {
        ids: idsWhere((p) => (p.kind === "web" && p.host === publishing.publicName) || (p.kind === "tls" && p.serverName === publishing.publicName)),
        observed: /./,
      },
      "RDP open": { ids: idsWhere((p) => p.kind === "blocked" && p.address === access.natPublic && p.port === 3389), observed: /^connected/ },
    };
    const all = Object.values(faults).flatMap((f) => f.ids);
    expect(new Set(all).size).toBe(all.length); // disjoint: each failure is one fault's
    for (const [name, f] of Object.entries(faults)) expect({ name, probes: f.ids.length > 0 }).toEqual({ name, probes: true });
    const { runs } = await withEmulated(
      NAT_FILE,
      { probe: probe(NAT_FILE) },
      {
        buildPlan: {
          ...plan,
          certificates: plan.certificates.map((c) => (c === cert ? { ...c, sans: c.sans.filter((n) => n !== droppedSan) } : c)),
          dnsRecords: plan.dnsRecords.filter((r) => r !== srv),
          publishingRules: plan.publishingRules.filter((r) => r !== publishing),
        },
        sabotage: { applianceRules: (rules) => openRdp(withoutApplianceRule(rules, stunRow.id)) },
      },
    );
    const j = jsonOf<ProbeJson>(runs.probe);
    expect(runs.probe.status).toBe(1);
    expect(failedIds(j).sort()).toEqual([...all].sort());
    for (const [name, f] of Object.entries(faults))
      for (const id of f.ids)
        expect({ name, id, observed: j.results.find((r) => r.id === id)!.observed }).toEqual({ name, id, observed: expect.stringMatching(f.observed) });
  });

  test("the A/V Edge configured with another public address than the NAT's: the TURN checks name both (NAT-02)", async () => {
    const { runs } = await withEmulated(NAT_FILE, { probe: probe(NAT_FILE) }, { sabotage: { avPublicAddress: "131.107.155.99" } });
    const j = jsonOf<ProbeJson>(runs.probe);
    expect(failedIds(j).sort()).toEqual(idsWhere((p) => p.kind === "turn").sort());
    for (const r of j.results.filter((x) => !x.pass && !x.skipped))
      expect(r.observed).toMatch(/public address is 131\.107\.155\.99, the plan says 131\.107\.155\.30 \(NAT-02\)/);
  });
});
