/**
 * `edge-lab emulate` with real software: every bundled scenario emulated with every probe passing, nothing left behind.
 */
import { processAlive } from "../../lib/emulate/sys";
import { bundledIds } from "../azure/helpers";
import { bundledPlan } from "../helpers";
import { describeWithTools } from "../system-tools";
import { emulateRecording, failing, leftoversOf, NEEDS } from "./helpers";

jest.setTimeout(240_000);

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

