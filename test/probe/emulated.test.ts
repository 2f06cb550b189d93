/**
 * `edge-lab probe` (issue 21) against emulated perimeters: the command runs inside the simulated Internet namespace
 * as user nobody with no PATH (no root, no Debian tool: only Node), with the emulation's public DNS server as --resolver and the
 * run's CA on standard input, against the same addresses a real deployment would have. Every bundled scenario (and
 * the Teams Only example) passes every probe; a perimeter with one fault of each class fails exactly the probes that
 * name that fault. The A/V Edge answers MS-TURN (lib/emulate/msturn-standin.ts) and the Access Edge the REGISTER's
 * 401, as a real Edge does, so what passes here is what a real Edge must show.
 */
import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { emulate, type EmulateOptions } from "../../lib/emulate";
import { tool } from "../../lib/emulate/sys";
import { withoutApplianceRule } from "../../lib/lab/rulesets";
import { loadScenarioFile } from "../../lib/model/load";
import { buildProbes, type Probe } from "../../lib/model/probes";
import { bundledScenarioIds, ROOT, SCENARIO_DIR } from "../helpers";
import { describeWithTools } from "../system-tools";
import { NEEDS } from "../emulate/helpers";

jest.setTimeout(300_000);

interface ProbeJson {
  summary: string;
  elapsedMs: number;
  results: { id: string; check: string; pass: boolean; skipped?: boolean; observed: string; warnings: string[] }[];
}

const BUNDLED = bundledScenarioIds();
const TEAMS_ONLY = join(ROOT, "docs", "examples", "hybrid-se-teams-only.yaml");
const fileOf = (id: string) => (id === "teams-only" ? TEAMS_ONLY : join(SCENARIO_DIR, `${id}.yaml`));

type View = { namespace: string; resolver: string; caFile: string };

/** Runs `edge-lab probe` as nobody inside a view's namespace (the CA on standard input), JSON out. */
function probeAsNobody(view: View, file: string, site: string, extra: readonly string[]) {
  const t0 = Date.now();
  const r = spawnSync(
    tool("ip"),
    [
      ...["netns", "exec", view.namespace],
      ...[tool("setpriv"), "--reuid=nobody", "--regid=nogroup", "--clear-groups"],
      ...[process.execPath, "-r", join(ROOT, "node_modules/ts-node/register/transpile-only"), join(ROOT, "bin/cli.ts")],
      ...["probe", file, "--site", site, "--resolver", view.resolver, "--ca", "-", "--json", "--timeout", "3000", ...extra],
    ],
    // No PATH: the command may not start any tool (Node only); no HOME: nothing of root's.
    { input: readFileSync(view.caFile, "utf8"), encoding: "utf8", env: { PATH: "/nonexistent", HOME: "/nonexistent" }, cwd: ROOT, timeout: 180_000 },
  );
  let json: ProbeJson | undefined;
  try {
    json = JSON.parse(r.stdout) as ProbeJson;
  } catch {
    throw new Error(`probe printed no JSON (exit ${r.status}): ${r.stderr.slice(0, 2000)}`);
  }
  return { status: r.status, json, stderr: r.stderr, ms: Date.now() - t0 };
}

/** Emulates the first site of `file` (built from `options.buildPlan` / `sabotage` when a fault is injected) and probes it. */
async function probeEmulated(file: string, options: EmulateOptions = {}, extra: readonly string[] = [], from: "outside" | "inside" = "outside") {
  const plan = loadScenarioFile(file).plan!;
  const site = plan.scenario.sites[0].name;
  let run: ReturnType<typeof probeAsNobody> | undefined;
  const report = await emulate(plan, {
    ...options,
    sites: [site],
    onUp: (info) => {
      run = probeAsNobody(info[from], file, site, from === "inside" ? ["--from", "internal", ...extra] : extra);
    },
  });
  return { plan, report, run: run! };
}

const failedIds = (j: ProbeJson) => j.results.filter((r) => !r.pass && !r.skipped).map((r) => r.id);
const ran = (j: ProbeJson) => j.results.filter((r) => !r.skipped);
const NAT_FILE = join(SCENARIO_DIR, "single-consolidated-nat.yaml");

describeWithTools("edge-lab probe against emulated perimeters, as nobody from the simulated Internet", NEEDS, () => {
  test.each([...BUNDLED, "teams-only"])("%s: every probe from the Internet passes, and agrees with emulate's own probes", async (id) => {
    const { plan, report, run } = await probeEmulated(fileOf(id));
    process.stderr.write(`probe ${id}: ${run.json.summary} in ${run.json.elapsedMs} ms (command ${run.ms} ms)\n`);
    expect(run.json.results.filter((r) => !r.pass && !r.skipped).map((r) => `${r.id}: ${r.observed}`)).toEqual([]);
    expect(run.status).toBe(0);
    // The real protocols were spoken: an MS-TURN 401 with a realm on the A/V Edge, a 401 to the REGISTER.
    const turn = ran(run.json).filter((r) => r.check === "turn");
    expect(turn.length).toBeGreaterThanOrEqual(2);
    for (const t of turn) expect(t.observed).toMatch(/^401 from .* realm "[^"]+"/);
    // One REGISTER per Access Edge client listener the plan has (none after a Teams Only cutover that removed it).
    const listeners = new Set(
      buildProbes(plan).flatMap((p) =>
        p.kind === "tls" && p.from.kind === "internet" && p.rule.application === "sip-tls" && p.site === plan.scenario.sites[0].name
          ? [`${p.address}:${p.port}`]
          : [],
      ),
    );
    const sip = ran(run.json).filter((r) => r.check === "sip");
    expect(sip.length).toBe(listeners.size);
    for (const s of sip) expect(s.observed).toMatch(/^401 NTLM targetname=\S+, TLS-DSK .*Server: RTC\/\d\.0/);
    // Every probe both ran, emulate passed too (its own agent, coturn's IETF TURN with relayed media, SIP OPTIONS).
    const emulated = new Map(report.sites[0].results.map((r) => [r.probe.id, r.pass]));
    const both = ran(run.json).filter((r) => emulated.has(r.id));
    expect(both.length).toBeGreaterThan(20);
    expect(both.filter((r) => !emulated.get(r.id)).map((r) => r.id)).toEqual([]);
  });

  test("--from internal, inside the emulated LAN: the internal DNS view, the Edge's internal certificates and MS-TURN", async () => {
    const { run } = await probeEmulated(NAT_FILE, {}, [], "inside");
    expect(failedIds(run.json)).toEqual([]);
    expect(run.status).toBe(0);
    expect(
      ran(run.json)
        .filter((r) => r.check === "dns")
        .every((r) => r.id.includes("/dns/internal/")),
    ).toBe(true);
    expect(ran(run.json).filter((r) => r.check === "dns").length).toBeGreaterThan(0);
    expect(run.json.results.filter((r) => r.id.includes("/dns/external/")).every((r) => r.skipped)).toBe(true);
    // The internal certificate on the Edge's internal listeners, and MS-TURN on its internal A/V (UDP 3478, TCP 443).
    expect(ran(run.json).filter((r) => r.check === "tls").length).toBeGreaterThan(3);
    const msturn = ran(run.json).filter((r) => r.check === "port" && r.observed.startsWith("401 from"));
    expect(msturn.length).toBe(2);
  });
});

describeWithTools("edge-lab probe: one fault of each class fails exactly the probes that name it", NEEDS, () => {
  const plan = loadScenarioFile(NAT_FILE).plan!;
  const probeList = buildProbes(plan);
  const idsWhere = (pred: (p: Probe) => boolean) => probeList.filter(pred).map((p) => p.id);

  test("a certificate without one of its planned SANs: the TLS checks of that certificate fail", async () => {
    const cert = plan.certificates.find((c) => c.sans.length > 2 && c.installedOn.some((id) => id.includes("-edge-")) && c.id.endsWith("external"))!;
    const dropped = cert.sans[cert.sans.length - 1];
    const broken = { ...cert, sans: cert.sans.filter((n) => n !== dropped) };
    const { run } = await probeEmulated(NAT_FILE, { buildPlan: { ...plan, certificates: plan.certificates.map((c) => (c === cert ? broken : c)) } });
    const expected = idsWhere((p) => p.kind === "tls" && p.from.kind === "internet" && p.certificate.id === cert.id);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(failedIds(run.json).sort()).toEqual(expected.sort());
    expect(run.json.results.filter((r) => !r.pass && !r.skipped).every((r) => r.observed.includes(`SANs lack ${dropped}`))).toBe(true);
    expect(run.status).toBe(1);
  });

  test("a missing SRV record: exactly that DNS check fails", async () => {
    const srv = plan.dnsRecords.find((r) => r.type === "SRV" && r.name.startsWith("_sipfederationtls._tcp."))!;
    const { run } = await probeEmulated(NAT_FILE, { buildPlan: { ...plan, dnsRecords: plan.dnsRecords.filter((r) => r !== srv) } });
    expect(failedIds(run.json)).toEqual(idsWhere((p) => p.kind === "dns" && p.record === srv));
  });

  test("UDP 3478 closed on the external firewall: the MS-TURN checks over UDP fail, TCP 443 still answers", async () => {
    const row = plan.firewallRules.find((r) => r.portRow === "ext-in-av-stun-udp")!;
    const { run } = await probeEmulated(NAT_FILE, { sabotage: { applianceRules: (rules) => withoutApplianceRule(rules, row.id) } });
    const expected = idsWhere((p) => (p.kind === "turn" || p.kind === "port") && p.from.kind === "internet" && p.transport === "UDP" && p.port === 3478);
    expect(expected.length).toBe(2);
    expect(failedIds(run.json).sort()).toEqual(expected.sort());
    expect(run.json.results.filter((r) => !r.pass && !r.skipped).every((r) => r.observed.startsWith("no answer"))).toBe(true);
  });

  test("the A/V Edge configured with another public address than the NAT's: the TURN checks name both (NAT-02)", async () => {
    const { run } = await probeEmulated(NAT_FILE, { sabotage: { avPublicAddress: "131.107.155.99" } });
    expect(failedIds(run.json).sort()).toEqual(idsWhere((p) => p.kind === "turn").sort());
    for (const r of run.json.results.filter((x) => !x.pass && !x.skipped))
      expect(r.observed).toMatch(/public address is 131\.107\.155\.99, the plan says 131\.107\.155\.30 \(NAT-02\)/);
  });

  test("a publishing rule missing on the reverse proxy: the web checks of that name fail", async () => {
    const rule = plan.publishingRules.find((r) => r.publicName.startsWith("dialin."))!;
    const { run } = await probeEmulated(NAT_FILE, { buildPlan: { ...plan, publishingRules: plan.publishingRules.filter((r) => r !== rule) } });
    // The web checks of that name, and the TLS check that names it (nginx's default server answers that SNI).
    const expected = idsWhere((p) => (p.kind === "web" && p.host === rule.publicName) || (p.kind === "tls" && p.serverName === rule.publicName));
    expect(expected.length).toBe(3);
    expect(failedIds(run.json).sort()).toEqual(expected.sort());
  });

  test("a management port opened to the Edge: exactly that blocked check fails", async () => {
    const access = plan.servers.flatMap((s) => s.interfaces.flatMap((i) => i.addresses)).find((a) => a.role === "access" && a.natPublic)!;
    const open = (rules: string) =>
      rules.replace(
        /^(:FORWARD DROP \[0:0\]\n(?:.*\n)*?)(-A FORWARD)/m,
        `$1-A FORWARD -d ${access.ip} -p tcp --dport 3389 -j ACCEPT -m comment --comment "fault: RDP open"\n$2`,
      );
    const { run } = await probeEmulated(NAT_FILE, { sabotage: { applianceRules: open } });
    expect(failedIds(run.json)).toEqual(idsWhere((p) => p.kind === "blocked" && p.address === access.natPublic && p.port === 3389));
    expect(run.json.results.find((r) => !r.pass && !r.skipped)!.observed).toContain("connected");
  });
});
