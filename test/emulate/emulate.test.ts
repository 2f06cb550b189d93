/**
 * `edge-lab emulate` with real software: every bundled scenario emulated with every probe passing; one test per
 * fault class showing the right probes failing (and only those); --mutate on a NAT and an HLB scenario catching every
 * external-firewall rule; nothing left behind after a run, a failed run, SIGINT and SIGTERM; --keep and --cleanup.
 *
 * Faults are built into the perimeter (EmulateOptions.buildPlan / sabotage) while the probes come from the real
 * plan: what a wrong firewall change, DNS zone or certificate would look like after deployment.
 */
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emulate, type EmulationReport } from "../../lib/emulate";
import { listNamespaces, NETNS_ETC } from "../../lib/emulate/cleanup";
import { withoutDnat } from "../../lib/emulate/rulesets";
import { processAlive, sh } from "../../lib/emulate/sys";
import type { Plan } from "../../lib/model/plan";
import { bundledIds } from "../azure/helpers";
import { bundledPlan, ROOT } from "../helpers";
import { describeWithTools, type Need } from "../system-tools";

jest.setTimeout(240_000);

const NEEDS: Need[] = ["root", "netns", "ip", "iptables-restore", "nft", "named", "nginx", "openssl", "turnserver", "turnutils_uclient"];
const NAT = "single-consolidated-nat";

const failing = (r: EmulationReport) => r.sites.flatMap((s) => s.results.filter((x) => !x.pass));
const failingIds = (r: EmulationReport) => failing(r).map((x) => x.probe.id);

/** Everything a run with this tag could have left: namespaces, /etc/netns entries, run directories. */
function leftoversOf(tag: string): string[] {
  return [
    ...listNamespaces().filter((n) => n.startsWith(tag)),
    ...(existsSync(NETNS_ETC) ? readdirSync(NETNS_ETC).filter((n) => n.startsWith(tag)) : []),
    ...readdirSync(tmpdir()).filter((n) => n.startsWith(tag)),
  ];
}

/** Runs an emulation and records the processes inside its namespaces once it is up. */
async function emulateRecording(plan: Plan, options: Parameters<typeof emulate>[1] = {}) {
  const pids: number[] = [];
  const tags: string[] = [];
  const report = await emulate(plan, {
    ...options,
    onUp: async (info) => {
      tags.push(info.tag);
      for (const ns of info.namespaces) pids.push(...sh("ip", ["netns", "pids", ns]).stdout.split(/\s+/).filter(Boolean).map(Number));
      await options.onUp?.(info);
    },
  });
  return { report, pids, tags };
}

describeWithTools("edge-lab emulate: every bundled scenario, every probe passes", NEEDS, () => {
  test.each(bundledIds())("%s", async (id) => {
    const { report, pids, tags } = await emulateRecording(bundledPlan(id));
    expect(failing(report).map((f) => `${f.probe.what}: ${f.detail}`)).toEqual([]);
    const kinds = new Set(report.sites.flatMap((s) => s.results.map((r) => r.probe.kind)));
    expect([...kinds].sort()).toEqual(["blocked", "dns", "hosts", "port", "tls", "turn", "web"]);
    expect(report.sites.map((s) => s.site)).toEqual(bundledPlan(id).scenario.sites.map((s) => s.name));
    // Nothing left behind: namespaces, files, processes.
    expect(pids.length).toBeGreaterThan(5);
    expect(pids.filter(processAlive)).toEqual([]);
    for (const tag of tags) expect(leftoversOf(tag)).toEqual([]);
  });
});

describeWithTools("edge-lab emulate: each fault class makes the right probes fail", NEEDS, () => {
  const plan = bundledPlan(NAT);
  const probeIds = (pred: (r: EmulationReport["sites"][number]["results"][number]) => boolean, report: EmulationReport) => report.sites.flatMap((s) => s.results.filter(pred).map((r) => r.probe.id));

  test("a DNAT rule dropped: the probes to that public address fail (ports, TLS, TURN), nothing else", async () => {
    const av = plan.servers.flatMap((s) => s.interfaces.flatMap((i) => i.addresses.filter((a) => a.role === "av"))).find((a) => a.natPublic)!;
    const { report } = await emulateRecording(plan, { sabotage: { applianceRules: (rules) => withoutDnat(rules, av.natPublic!) } });
    const expected = probeIds((r) => r.probe.kind !== "dns" && r.probe.kind !== "blocked" && "address" in r.probe && r.probe.address === av.natPublic, report);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    expect(failingIds(report).sort()).toEqual(expected.sort());
    expect(failing(report).some((f) => f.probe.kind === "turn")).toBe(true);
  });

  test("an SRV record missing: exactly that DNS probe fails", async () => {
    const srv = plan.dnsRecords.find((r) => r.type === "SRV" && r.name.startsWith("_sipfederationtls._tcp."))!;
    const { report } = await emulateRecording(plan, { buildPlan: { ...plan, dnsRecords: plan.dnsRecords.filter((r) => r !== srv) } });
    expect(failingIds(report)).toEqual(probeIds((r) => r.probe.kind === "dns" && r.probe.record === srv, report));
    expect(failing(report)[0].detail).toContain("answer");
  });

  test("a SAN missing from the certificate: the TLS probes of that certificate fail, naming the SANs", async () => {
    const cert = plan.certificates.find((c) => c.sans.length > 2 && c.installedOn.some((id) => id.includes("-edge-")))!;
    const dropped = cert.sans[cert.sans.length - 1];
    const broken = { ...cert, sans: cert.sans.filter((n) => n !== dropped) };
    const { report } = await emulateRecording(plan, { buildPlan: { ...plan, certificates: plan.certificates.map((c) => (c === cert ? broken : c)) } });
    const expected = probeIds((r) => r.probe.kind === "tls" && r.probe.certificate.id === cert.id, report);
    expect(expected.length).toBeGreaterThan(0);
    expect(failingIds(report).sort()).toEqual(expected.sort());
    expect(failing(report).every((f) => f.detail.includes("SANs") || f.detail.includes("ALTNAME"))).toBe(true);
  });

  test("the default gateway on the Edge's internal NIC: Internet-facing Edge probes fail, the internal side still works", async () => {
    const edge = plan.servers.find((s) => s.role === "edge")!;
    const gw = edge.interfaces.find((i) => i.side === "internal")!.routes[0].via;
    const moved = { ...edge, interfaces: edge.interfaces.map((i) => ({ ...i, gateway: i.side === "internal" ? gw : null })) };
    const { report } = await emulateRecording(plan, { buildPlan: { ...plan, servers: plan.servers.map((s) => (s === edge ? moved : s)) } });
    const failed = failing(report);
    const edgeIps = new Set(edge.interfaces.flatMap((i) => i.addresses.flatMap((a) => [a.ip, a.natPublic ?? a.ip])));
    expect(failed.some((f) => f.probe.kind === "port" && f.probe.from.kind === "internet")).toBe(true);
    expect(failed.some((f) => f.probe.kind === "port" && f.probe.toInternet)).toBe(true);
    expect(failed.some((f) => f.probe.kind === "turn")).toBe(true);
    // Only Edge probes: the reverse proxy, DNS and the internal rows are unaffected.
    for (const f of failed) {
      const p = f.probe;
      const touchesEdge = (p.from.kind === "server" && p.from.server === edge.id) || ("address" in p && edgeIps.has(p.address));
      expect({ probe: p.id, touchesEdge }).toEqual({ probe: p.id, touchesEdge: true });
    }
    const internalRows = report.sites[0].results.filter((r) => r.probe.kind === "port" && r.probe.rule.firewall === "internal" && r.probe.rule.table.startsWith("edge-internal"));
    expect(internalRows.length).toBeGreaterThan(0);
    expect(internalRows.filter((r) => !r.pass)).toEqual([]);
  });

  test("an internal firewall row missing: the probes of that row fail, nothing else", async () => {
    const row = plan.firewallRules.find((r) => r.firewall === "internal" && r.portRow === "int-in-cms")!;
    const { report } = await emulateRecording(plan, { buildPlan: { ...plan, firewallRules: plan.firewallRules.filter((r) => r !== row) } });
    const expected = probeIds((r) => (r.probe.kind === "port" || r.probe.kind === "tls") && r.probe.rule.id === row.id, report);
    expect(expected.length).toBeGreaterThan(0);
    expect(failingIds(report).sort()).toEqual(expected.sort());
  });

  test("coturn's relay range outside 50000-59999: the TURN probes fail on the relayed port", async () => {
    const { report } = await emulateRecording(plan, { sabotage: { turnRelayRange: { from: 40000, to: 40999 } } });
    const expected = probeIds((r) => r.probe.kind === "turn", report);
    expect(expected.length).toBeGreaterThanOrEqual(2);
    expect(failingIds(report).sort()).toEqual(expected.sort());
    expect(failing(report).every((f) => /relay port 40\d{3} outside 50000-59999/.test(f.detail))).toBe(true);
  });
});

describeWithTools("edge-lab emulate --mutate: every external-firewall rule is caught by some probe", NEEDS, () => {
  test.each([NAT, "scaled-hlb"])("%s", async (id) => {
    const { report } = await emulateRecording(bundledPlan(id), { mutate: true, mutateFirewalls: ["external"] });
    const mutations = report.sites.flatMap((s) => s.mutations ?? []);
    const externalRows = bundledPlan(id).firewallRules.filter((r) => r.firewall === "external");
    expect(mutations.map((m) => m.ruleId).sort()).toEqual(externalRows.map((r) => r.id).sort());
    expect(mutations.filter((m) => m.caughtBy.length === 0)).toEqual([]);
    // The catching probes name the row that was removed, or the service behind it.
    for (const m of mutations) expect(m.caughtBy.some((p) => p.startsWith(m.ruleId))).toBe(true);
    expect(failing(report)).toEqual([]);
  });
});

describeWithTools("edge-lab emulate: nothing is left behind", NEEDS, () => {
  test("a failed run (an error once the site is up) removes everything and rethrows", async () => {
    const seen: { tag: string; pids: number[] } = { tag: "", pids: [] };
    await expect(
      emulate(bundledPlan(NAT), {
        onUp: (info) => {
          seen.tag = info.tag;
          for (const ns of info.namespaces) seen.pids.push(...sh("ip", ["netns", "pids", ns]).stdout.split(/\s+/).filter(Boolean).map(Number));
          throw new Error("deliberate failure");
        },
      }),
    ).rejects.toThrow("deliberate failure");
    expect(seen.pids.length).toBeGreaterThan(5);
    expect(seen.pids.filter(processAlive)).toEqual([]);
    expect(leftoversOf(seen.tag)).toEqual([]);
  });

  /** The CLI in a child process (ts-node), so that it can be signalled. */
  function cli(args: string[]) {
    const child = spawn(process.execPath, ["-r", "ts-node/register/transpile-only", join(ROOT, "bin/cli.ts"), ...args], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
    let out = "";
    child.stdout.on("data", (d) => (out += d));
    child.stderr.on("data", (d) => (out += d));
    const exited = new Promise<number | null>((resolve) => child.on("exit", (code, signal) => resolve(code ?? (signal ? -1 : null))));
    const waitFor = (pattern: RegExp, ms: number) =>
      new Promise<void>((resolve, reject) => {
        const timer = setInterval(() => pattern.test(out) && (clearInterval(timer), clearTimeout(limit), resolve()), 50);
        const limit = setTimeout(() => (clearInterval(timer), reject(new Error(`no ${pattern} within ${ms} ms:\n${out}`))), ms);
      });
    return { child, exited, waitFor, output: () => out };
  }

  test.each([
    ["SIGINT", 130],
    ["SIGTERM", 143],
  ] as const)("%s in the middle of a run removes everything; the exit code says which signal", async (signal, code) => {
    const run = cli(["emulate", join(ROOT, "scenarios", `${NAT}.yaml`)]);
    await run.waitFor(/up in .* running \d+ probes/, 60_000);
    const tag = /run (elemu-\d+-[0-9a-f]{4})/.exec(run.output())![1];
    const pids = listNamespaces().filter((n) => n.startsWith(tag)).flatMap((ns) => sh("ip", ["netns", "pids", ns]).stdout.split(/\s+/).filter(Boolean).map(Number));
    expect(pids.length).toBeGreaterThan(5);
    run.child.kill(signal);
    expect(await run.exited).toBe(code);
    expect(pids.filter(processAlive)).toEqual([]);
    expect(leftoversOf(tag)).toEqual([]);
  });

  test("--keep leaves the perimeter up after the process ends; --cleanup removes it and only ended runs", async () => {
    const run = cli(["emulate", join(ROOT, "scenarios", `${NAT}.yaml`), "--keep"]);
    expect(await run.exited).toBe(0);
    const tag = /run (elemu-\d+-[0-9a-f]{4})/.exec(run.output())![1];
    expect(run.output()).toContain("sudo ip netns exec <namespace> bash");
    const kept = listNamespaces().filter((n) => n.startsWith(tag));
    expect(kept.length).toBeGreaterThan(4);
    expect(run.output()).toContain(`  ${kept[0]}`);
    const pids = kept.flatMap((ns) => sh("ip", ["netns", "pids", ns]).stdout.split(/\s+/).filter(Boolean).map(Number));
    expect(pids.filter(processAlive).length).toBeGreaterThan(5);
    // A namespace of a live run (this test process) must survive --cleanup.
    const live = `elemu-${process.pid}-beef-live`;
    sh("ip", ["netns", "add", live]);
    try {
      const clean = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", join(ROOT, "bin/cli.ts"), "emulate", "--cleanup"], { cwd: ROOT, encoding: "utf8" });
      expect(clean.status).toBe(0);
      expect(clean.stdout).toContain(kept[0]);
      expect(leftoversOf(tag)).toEqual([]);
      expect(pids.filter(processAlive)).toEqual([]);
      expect(listNamespaces()).toContain(live);
    } finally {
      sh("ip", ["netns", "del", live], { allowFail: true });
    }
  });
});
