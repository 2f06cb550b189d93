/**
 * `edge-lab emulate` of a hybrid deployment: a Microsoft 365 stand-in on the simulated Internet (addresses inside the
 * plan's Microsoft 365 IPv4 prefixes) proves the Edge <-> Microsoft 365 rows with packets, in both directions.
 */
import { isIPv4 } from "node:net";
import { bundledPlan } from "../helpers";
import { describeWithTools } from "../system-tools";
import { emulateRecording, failing, NEEDS } from "./helpers";

jest.setTimeout(120_000);

describeWithTools("edge-lab emulate: hybrid-se, the Microsoft 365 rows with a stand-in on the simulated Internet", NEEDS, () => {
  const plan = bundledPlan("hybrid-se");
  const m365Rows = plan.firewallRules.filter((r) => r.table === "edge-m365");
  type Results = Awaited<ReturnType<typeof emulateRecording>>["report"]["sites"][number]["results"];
  let results: Results = [];
  let hairpins: Results = [];
  let failures: string[] = [];

  beforeAll(async () => {
    const { report } = await emulateRecording(plan);
    failures = failing(report).map((f) => `${f.probe.what}: ${f.detail}`);
    const all = report.sites.flatMap((s) => s.results);
    results = all.filter((r) => m365Rows.some((row) => r.probe.refs[0] === row.id));
    hairpins = all.filter((r) => r.probe.id.includes("/hairpin/"));
  });

  test("every probe that ran passes", () => {
    expect(failures).toEqual([]);
  });

  test("the DNS load-balanced NAT pool's members reach each other's public A/V address, seen from their own (hairpin)", () => {
    // 2 members: each one to the other, STUN over UDP 3478 through the appliance.
    expect(hairpins.map((r) => r.probe.kind === "port" && `${r.probe.from.kind === "server" ? r.probe.from.ip : "?"} -> ${r.probe.address}`).sort()).toEqual([
      "10.45.16.30 -> 131.107.155.31",
      "10.45.16.31 -> 131.107.155.30",
    ]);
    expect(hairpins.map((r) => ({ id: r.probe.id, pass: r.pass, detail: r.detail }))).toEqual(
      hairpins.map((r) => ({ id: r.probe.id, pass: true, detail: expect.stringMatching(/saw 131\.107\.155\.3[01]$/) })),
    );
  });

  test("every Microsoft 365 row is probed with packets over IPv4, both directions, and passes", () => {
    const ran = results.filter((r) => !r.skipped);
    for (const row of m365Rows)
      expect({ row: row.id, passed: ran.filter((r) => r.probe.refs[0] === row.id && r.pass).length > 0 }).toEqual({ row: row.id, passed: true });
    expect(ran.some((r) => r.probe.from.kind === "remote")).toBe(true);
    expect(ran.some((r) => r.probe.from.kind === "server")).toBe(true);
  });

  test("only the IPv6 prefixes are not emulated (the lab is IPv4)", () => {
    const skipped = results.filter((r) => r.skipped);
    expect(skipped.length).toBeGreaterThan(0);
    expect(skipped.filter((r) => r.probe.kind !== "port" || isIPv4(r.probe.address.split("/")[0]) || !/IPv6/.test(r.detail))).toEqual([]);
  });

  test("Microsoft 365 sees each Edge's own public address (NAT-04), and the Edge sees Microsoft 365's (NAT-03)", () => {
    const outbound = results.filter((r) => !r.skipped && r.probe.kind === "port" && r.probe.from.kind === "server");
    expect(outbound.length).toBeGreaterThanOrEqual(2 * 4 * 2); // 2 Edges x 4 outbound rows x 2 IPv4 prefixes
    for (const r of outbound) expect(r.probe.kind === "port" && r.probe.expectSource?.startsWith("131.107.155.")).toBe(true);
    const inbound = results.filter((r) => !r.skipped && r.probe.from.kind === "remote" && r.probe.kind === "port");
    // A TLS listener (SIP/MTLS 5061) says nothing back on a bare connection: the others report the source they saw.
    const answered = inbound.filter((r) => r.detail !== "connected");
    expect(answered.length).toBeGreaterThanOrEqual(4);
    for (const r of answered) expect(r.detail).toMatch(/saw 52\.112\.0\.\d+$/);
  });
});
