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
  // One perimeter for both tests: they only read its report.
  let emulated: ReturnType<typeof emulateRecording> | undefined;
  const slowWorld = () => (emulated ??= emulateRecording(bundledPlan("hybrid-se"), { sabotage: { answerDelayMs: 1000 } }));

  test("hybrid-se: every probe passes, and each source-checking probe got the far end's answer", async () => {
    const { report } = await slowWorld();
    expect(failing(report).map((f) => `${f.probe.what}: ${f.detail}`)).toEqual([]);
    // The probes whose far end is a late raw TCP listener: outbound to the Internet partner and to Microsoft 365.
    const checked = report.sites
      .flatMap((s) => s.results)
      .filter((r) => !r.skipped && r.probe.kind === "port" && r.probe.transport === "TCP" && r.probe.expectSource && !/TLS/.test(r.probe.rule.protocol));
    expect(checked.length).toBeGreaterThanOrEqual(10);
    for (const r of checked) expect(r.detail).toMatch(new RegExp(`saw ${r.probe.kind === "port" ? r.probe.expectSource!.replace(/\./g, "\\.") : "-"}$`));
  });

  test("hybrid-se: the Edge's own listeners reached from the Internet and Microsoft 365 say whom they saw (NAT-03 is checked)", async () => {
    const { report } = await slowWorld();
    expect(failing(report).map((f) => `${f.probe.what}: ${f.detail}`)).toEqual([]);
    const inbound = report.sites
      .flatMap((s) => s.results)
      .filter(
        (r) => !r.skipped && r.probe.kind === "port" && r.probe.transport === "TCP" && (r.probe.from.kind === "internet" || r.probe.from.kind === "remote"),
      );
    // Before: a listener a second late was passed as "connected", the source it saw never compared (NAT-03). The raw
    // listeners here are the A/V Edges' TCP 50000 that Microsoft 365 opens.
    const sawOrigin = inbound.filter((r) => / saw \d+\.\d+\.\d+\.\d+$/.test(r.detail));
    expect(sawOrigin.map((r) => `${r.probe.what}: ${r.detail.replace(/^.* saw /, "saw ")}`)).toEqual([
      "TCP 50000 52.112.0.0/14 -> 131.107.155.30 (range 50000-59999 sampled at 50000): A/V STUN: saw 52.112.0.11",
      "TCP 50000 52.112.0.0/14 -> 131.107.155.31 (range 50000-59999 sampled at 50000): A/V STUN: saw 52.112.0.11",
    ]);
    // The rest are TLS listeners, coturn (TCP 443 on the A/V address) and nginx: they say nothing on a bare connection.
    const rest = inbound.filter((r) => !sawOrigin.includes(r));
    expect(rest.length).toBeGreaterThanOrEqual(10);
    expect(
      rest.filter((r) => r.detail !== "connected" || !/TLS|STUN\/MSTURN|Reverse proxy/.test(r.probe.what)).map((r) => `${r.probe.what}: ${r.detail}`),
    ).toEqual([]);
  });
});
