/**
 * A far end that answers late (as on a loaded machine: the emulation matrix beside the other suites) must not fail a
 * probe that needs its answer. The prober used to give a TCP connection 300 ms to say something and then pass it as
 * "connected": a probe that checks which address the far end saw (NAT-04: the partner and the Microsoft 365 stand-in
 * report it) then failed with "far end saw undefined" whenever the answer came later.
 */
import { bundledPlan } from "../helpers";
import { describeWithTools } from "../system-tools";
import { emulateRecording, failing, NEEDS } from "./helpers";

jest.setTimeout(120_000);

describeWithTools("edge-lab emulate: far ends that answer a second late", NEEDS, () => {
  test("hybrid-se: every probe passes, and each source-checking probe got the far end's answer", async () => {
    const plan = bundledPlan("hybrid-se");
    const { report } = await emulateRecording(plan, { sabotage: { answerDelayMs: 1000 } });
    expect(failing(report).map((f) => `${f.probe.what}: ${f.detail}`)).toEqual([]);
    // The probes whose far end is a late raw TCP listener: outbound to the Internet partner and to Microsoft 365.
    const checked = report.sites
      .flatMap((s) => s.results)
      .filter((r) => !r.skipped && r.probe.kind === "port" && r.probe.transport === "TCP" && r.probe.expectSource && !/TLS/.test(r.probe.rule.protocol));
    expect(checked.length).toBeGreaterThanOrEqual(10);
    for (const r of checked) expect(r.detail).toMatch(new RegExp(`saw ${r.probe.kind === "port" ? r.probe.expectSource!.replace(/\./g, "\\.") : "-"}$`));
  });
});
