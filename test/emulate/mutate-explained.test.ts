/**
 * `edge-lab emulate --mutate` on the bundled hybrid scenario: every removal is caught by a probe or explained. The
 * Microsoft 365 rows that a broader row of Microsoft's Edge tables already allows are "covered" and name that row;
 * the Director rows between hosts of the internal network cross no firewall; nothing is a finding.
 */
import type { MutationResult } from "../../lib/emulate";
import { mutationsCaught } from "../../lib/emulate";
import { summaryLine } from "../../lib/emulate/report";
import { bundledPlan } from "../helpers";
import { describeWithTools } from "../system-tools";
import { emulateRecording, failing, NEEDS } from "./helpers";

jest.setTimeout(600_000);

describeWithTools("edge-lab emulate --mutate hybrid-se: every removal is caught or explained", NEEDS, () => {
  test("caught, covered by the named broader row, or crossing no firewall; no finding", async () => {
    const plan = bundledPlan("hybrid-se");
    const { report } = await emulateRecording(plan, { mutate: true });
    expect(failing(report)).toEqual([]);
    const mutations = report.sites.flatMap((s) => s.mutations ?? []);
    const byId = new Map<string, MutationResult>(mutations.map((m) => [m.ruleId, m]));
    // Every row of the plan is removed once.
    expect([...byId.keys()].sort()).toEqual(plan.firewallRules.map((r) => r.id).sort());
    expect(mutations.filter((m) => m.outcome === "finding")).toEqual([]);
    expect(mutationsCaught(report)).toBe(true);
    // Caught stays caught: a removal some probe noticed is never explained away.
    for (const m of mutations) expect(m.outcome === "caught").toBe(m.caughtBy.length > 0);

    const covered = (id: string) => [byId.get(id)?.outcome, byId.get(id)?.coveredBy];
    expect(covered("hq/edge-m365/m365-out-sip-mtls")).toEqual(["covered", "hq/edge-external/ext-out-access-sip-mtls"]);
    expect(covered("hq/edge-m365/m365-in-sip-mtls")).toEqual(["covered", "hq/edge-external/ext-in-access-sip-mtls"]);
    expect(covered("hq/edge-m365/m365-out-stun-tcp-443")).toEqual(["covered", "hq/edge-external/ext-out-av-stun-tcp"]);
    expect(covered("hq/edge-m365/m365-out-stun-tcp-50000")).toEqual(["covered", "hq/edge-external/ext-out-av-rtp-tcp"]);
    expect(covered("hq/edge-m365/m365-out-stun-udp")).toEqual(["covered", "hq/edge-external/ext-out-av-stun-udp"]);
    expect(covered("hq/edge-m365/m365-in-stun-udp")).toEqual(["covered", "hq/edge-external/ext-in-av-stun-udp"]);
    // The Edge tables open TCP 50000-59999 only outbound: the inbound row from Microsoft 365 is needed, and its probe
    // (from a Microsoft 365 address) catches its removal.
    expect(byId.get("hq/edge-m365/m365-in-stun-tcp-50000")?.outcome).toBe("caught");
    expect(byId.get("hq/edge-m365/m365-in-stun-tcp-50000")?.caughtBy.every((p) => p.startsWith("hq/edge-m365/m365-in-stun-tcp-50000/"))).toBe(true);

    const internalOnly = mutations.filter((m) => m.outcome === "no-firewall").map((m) => m.ruleId);
    expect(internalOnly.sort()).toEqual(
      ["dir-out-https-444", "dir-in-http-80", "dir-in-https-443", "dir-in-cls-50001", "dir-in-cls-50002", "dir-in-cls-50003"]
        .map((id) => `hq/director/${id}`)
        .sort(),
    );
    for (const id of internalOnly) expect(byId.get(id)?.reason).toContain("both on the internal networks");
    expect(summaryLine(report)).toMatch(/; 42 rules: \d+ caught, \d+ covered by another rule, 6 cross no firewall, 0 findings$/);
  });
});
