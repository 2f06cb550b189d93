/**
 * `edge-lab probe` and `edge-lab discover` (issue 21) against emulated perimeters. Both commands run inside the
 * simulated Internet namespace as user nobody with no PATH (no root, no Debian tool: only Node), with the emulation's
 * public DNS server as --resolver and the run's CA on standard input, against the addresses a real deployment would
 * have. The A/V Edge answers MS-TURN (lib/emulate/msturn-standin.ts) and the Access Edge the REGISTER's 401, as a real
 * Edge does, so what passes here is what a real Edge must show.
 *
 * - Every bundled scenario (and the Teams Only example): every probe passes and agrees with emulate's own probes; the
 *   file discover writes, answered from the original, plans the same external face (one world per scenario for both).
 * - One fault of each class fails exactly the probes that name it. Faults that touch disjoint probes share a world
 *   (each fault's probes are computed apart and must not overlap); the A/V public address has its own.
 */
import { join } from "node:path";
import { emulate, type EmulateOptions, type OutsideView } from "../../lib/emulate";
import { withoutApplianceRule } from "../../lib/lab/rulesets";
import { loadScenarioFile } from "../../lib/model/load";
import type { Plan } from "../../lib/model/plan";
import { buildProbes, type Probe } from "../../lib/model/probes";
import { expectDiscoveredMatches, type DiscoverJson } from "../discover/answer";
import { limitConcurrency, NEEDS, TEST_SILENCE_MS } from "../emulate/helpers";
import { bundledScenarioIds, ROOT, SCENARIO_DIR } from "../helpers";
import { describeWithTools } from "../system-tools";
import { cliAsNobody, jsonOf, type CliRun } from "./outside";

jest.setTimeout(300_000);

interface ProbeJson {
  summary: string;
  elapsedMs: number;
  results: { id: string; check: string; pass: boolean; skipped?: boolean; observed: string; warnings: string[]; elapsedMs: number }[];
}

const TEAMS_ONLY = join(ROOT, "docs", "examples", "hybrid-se-teams-only.yaml");
const fileOf = (id: string) => (id === "teams-only" ? TEAMS_ONLY : join(SCENARIO_DIR, `${id}.yaml`));
const NAT_FILE = fileOf("single-consolidated-nat");

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

// Inside one machine a dropped SYN and an answer are told apart well within 300 ms (the default silence, 1 s, is for
// real networks), and the rate gate can be opened to its maximum: the bundled scenarios have 100-300 checks.
const probeArgs = (file: string, plan: Plan, view: OutsideView, extra: readonly string[] = []) => [
  ...["probe", file, "--site", plan.scenario.sites[0].name, "--resolver", view.resolver, "--json", "--timeout", "3000"],
  ...["--silence", "300", "--rate", "200"],
  ...extra,
];
const probe = (file: string, extra: readonly string[] = []) => {
  const plan = loadScenarioFile(file).plan!;
  return ({ outside }: { outside: OutsideView }) => cliAsNobody(outside, probeArgs(file, plan, outside, extra));
};

const failedIds = (j: ProbeJson) => j.results.filter((r) => !r.pass && !r.skipped).map((r) => r.id);
const ran = (j: ProbeJson) => j.results.filter((r) => !r.skipped);

describeWithTools("edge-lab probe and discover against emulated perimeters, as nobody from the simulated Internet", NEEDS, () => {
  // The scenarios' perimeters side by side, three at a time: most of a run is waiting (silence, the CLI's checks).
  const limited = limitConcurrency(3);
  test.concurrent.each([...bundledScenarioIds(), "teams-only"])(
    "%s: every probe passes and agrees with emulate's; discover plans the same face",
    async (id) => {
      const file = fileOf(id);
      const commands: Runs = { probe: probe(file) };
      if (id !== "teams-only")
        commands.discover = ({ outside }) => cliAsNobody(outside, ["discover", "contoso.com", "--resolver", outside.resolver, "--json", "--timeout", "3000"]);
      const { plan, report, runs } = await limited(() => withEmulated(file, commands));
      const probed = jsonOf<ProbeJson>(runs.probe);
      process.stderr.write(`probe ${id}: ${probed.summary} in ${probed.elapsedMs} ms (command ${runs.probe.ms} ms)\n`);
      expect(probed.results.filter((r) => !r.pass && !r.skipped).map((r) => `${r.id}: ${r.observed}`)).toEqual([]);
      expect(runs.probe.status).toBe(0);
      // --silence reached the blocked checks: each waited its 300 ms, not the default second.
      const blocked = ran(probed).filter((r) => r.check === "blocked");
      expect(blocked.length).toBeGreaterThan(0);
      // (Each waited at least its 300 ms; the quickest well under the default's 1000, allowing a loaded machine's lag.)
      for (const b of blocked) expect({ id: b.id, waited: b.elapsedMs >= 290 }).toEqual({ id: b.id, waited: true });
      expect(Math.min(...blocked.map((b) => b.elapsedMs))).toBeLessThan(1000);
      // The real protocols were spoken: an MS-TURN 401 with a realm on the A/V Edge, a 401 to the REGISTER.
      const turn = ran(probed).filter((r) => r.check === "turn");
      expect(turn.length).toBeGreaterThanOrEqual(2);
      for (const t of turn) expect(t.observed).toMatch(/^401 from .* realm "[^"]+"/);
      // One REGISTER per Access Edge client listener the plan has (none after a Teams Only cutover that removed it).
      const site = plan.scenario.sites[0].name;
      const listeners = new Set(
        buildProbes(plan).flatMap((p) =>
          p.kind === "tls" && p.site === site && p.from.kind === "internet" && p.rule.application === "sip-tls" ? [`${p.address}:${p.port}`] : [],
        ),
      );
      const sip = ran(probed).filter((r) => r.check === "sip");
      expect(sip.length).toBe(listeners.size);
      for (const s of sip) expect(s.observed).toMatch(/^401 NTLM targetname=\S+, TLS-DSK .*Server: RTC\/\d\.0/);
      // Every probe both ran, emulate passed too (its own agent, coturn's IETF TURN with relayed media, SIP OPTIONS).
      const emulated = new Map(report.sites[0].results.map((r) => [r.probe.id, r.pass]));
      const both = ran(probed).filter((r) => emulated.has(r.id));
      expect(both.length).toBeGreaterThan(20);
      expect(both.filter((r) => !emulated.get(r.id)).map((r) => r.id)).toEqual([]);
      if (!runs.discover) return;
      expect({ status: runs.discover.status, stderr: runs.discover.status === 0 ? "" : runs.discover.stderr }).toEqual({ status: 0, stderr: "" });
      const discovered = jsonOf<DiscoverJson>(runs.discover);
      process.stderr.write(
        `discover ${id}: ${runs.discover.ms} ms, ${discovered.questions.length} questions, findings ${discovered.findings.map((f) => f.rule).join(" ")}\n`,
      );
      // A perimeter built as planned shows none of the misconfigurations test/discover/emulated.test.ts injects.
      expect(discovered.findings.filter((f) => ["DNS-03", "CERT-03", "DNS-04"].includes(f.rule))).toEqual([]);
      // After the Teams Only cutover the records lead to Microsoft 365: discover connects to none of its listeners.
      const observed = (discovered as unknown as { observations: { tls: { host?: string; name?: string }[] } }).observations;
      expect(JSON.stringify(observed.tls)).not.toContain("online.lync.com");
      if (id === "teams-only") return;
      expectDiscoveredMatches(discovered, file, plan);
    },
  );

  test("--from internal, inside the emulated LAN: the internal DNS view, the Edge's internal certificates and MS-TURN", async () => {
    const plan = loadScenarioFile(NAT_FILE).plan!;
    const { runs } = await withEmulated(NAT_FILE, { probe: ({ inside }) => cliAsNobody(inside, probeArgs(NAT_FILE, plan, inside, ["--from", "internal"])) });
    const j = jsonOf<ProbeJson>(runs.probe);
    expect(failedIds(j)).toEqual([]);
    expect(runs.probe.status).toBe(0);
    expect(ran(j).filter((r) => r.check === "dns").length).toBeGreaterThan(0);
    expect(
      ran(j)
        .filter((r) => r.check === "dns")
        .every((r) => r.id.includes("/dns/internal/")),
    ).toBe(true);
    expect(j.results.filter((r) => r.id.includes("/dns/external/")).every((r) => r.skipped)).toBe(true);
    // The internal certificate on the Edge's internal listeners, and MS-TURN on its internal A/V (UDP 3478, TCP 443).
    expect(ran(j).filter((r) => r.check === "tls").length).toBeGreaterThan(3);
    expect(ran(j).filter((r) => r.check === "port" && r.observed.startsWith("401 from")).length).toBe(2);
  });
});

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
