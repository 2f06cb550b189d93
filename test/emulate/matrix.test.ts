/**
 * The emulation matrix (issue 22): every run of test/emulate/matrix.ts (a pairwise cover of product × topology ×
 * features, written by init's own scenario generator) emulated with real software, every probe passing.
 *
 * Refused pairs: none. The variants that a rule would refuse are avoided by construction, and
 * test/emulate/matrix-cover.test.ts proves the refusal of each: XMPP federation on sfb2019 / sfbse (LAB-VER-01:
 * "federation" is SIP federation alone there), a hardware load balancer with NAT (LB-02: the HLB topology is public),
 * hybrid with SIP federation only planned for later (HYB-02) and a feature both deployed and planned for later
 * (LAB-LATER-01: "later" plans a feature the run does not deploy).
 *
 * The runs are emulated a few at a time (they mostly wait on probe timeouts, not on the CPU): the whole matrix
 * takes about two minutes on two cores.
 */
import { processAlive } from "../../lib/emulate/sys";
import { describeWithTools } from "../system-tools";
import { emulateRecording, failing, leftoversOf, limitConcurrency, NEEDS } from "./helpers";
import { loadRun, matrixRuns } from "./matrix";

/** Emulations at once: the matrix's wall time against the probes' timing margins on a loaded 2-core machine. */
const limited = limitConcurrency(3);
jest.setTimeout(600_000);

describeWithTools("edge-lab emulate: the matrix of product × topology × features, every probe passes", NEEDS, () => {
  test.concurrent.each(matrixRuns().map((r) => [`${r.id}: ${r.features.join(", ") || "no feature"}`, r] as const))("%s", async (_title, run) => {
    const loaded = loadRun(run);
    expect(loaded.problems.filter((p) => p.severity === "error")).toEqual([]);
    const plan = loaded.plan!;
    const { report, pids, tags } = await limited(() => emulateRecording(plan));
    expect(failing(report).map((f) => `${f.probe.what}: ${f.detail}`)).toEqual([]);
    // Every site emulated, probes run in each; only the Microsoft 365 rows' IPv6 prefixes are not emulated.
    expect(report.sites.map((s) => s.site)).toEqual(plan.scenario.sites.map((s) => s.name));
    for (const s of report.sites) expect(s.results.filter((r) => !r.skipped).length).toBeGreaterThan(50);
    const m365Rows = new Set(plan.firewallRules.filter((r) => r.table === "edge-m365").map((r) => r.id));
    const skipped = report.sites.flatMap((s) => s.results.filter((r) => r.skipped));
    expect(skipped.filter((r) => !m365Rows.has(r.probe.refs[0])).map((r) => `${r.probe.what}: ${r.detail}`)).toEqual([]);
    // Nothing left behind.
    expect(pids.filter(processAlive)).toEqual([]);
    for (const tag of tags) expect(leftoversOf(tag)).toEqual([]);
  });
});
