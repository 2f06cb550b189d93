/**
 * `edge-lab emulate --mutate` on a NAT and an HLB scenario catching every external-firewall rule; nothing left
 * behind after a failed run, SIGINT and SIGTERM; --keep and --cleanup.
 */
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emulate } from "../../lib/emulate";
import { listNamespaces } from "../../lib/emulate/cleanup";
import { RUN_BASE } from "../../lib/emulate/run-registry";
import { processAlive, sh } from "../../lib/emulate/sys";
import { cliCommand } from "../cli";
import { bundledPlan, ROOT } from "../helpers";
import { describeWithTools } from "../system-tools";
import { emulateRecording, failing, leftoversOf, NAT, NEEDS, pidsIn, cliChild } from "./helpers";

jest.setTimeout(240_000);

describeWithTools("edge-lab emulate --mutate: every external-firewall rule is caught by some probe", NEEDS, () => {
  test.each([NAT, "scaled-hlb"])("%s", async (id) => {
    const { report } = await emulateRecording(bundledPlan(id), { mutate: true, mutateFirewalls: ["external"] });
    const mutations = report.sites.flatMap((s) => s.mutations ?? []);
    const externalRows = bundledPlan(id).firewallRules.filter((r) => r.firewall === "external");
    expect(mutations.map((m) => m.ruleId).sort()).toEqual(externalRows.map((r) => r.id).sort());
    expect(mutations.filter((m) => m.caughtBy.length === 0)).toEqual([]);
    expect(mutations.filter((m) => m.outcome !== "caught")).toEqual([]);
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
          seen.pids.push(...pidsIn(info.namespaces));
          throw new Error("deliberate failure");
        },
      }),
    ).rejects.toThrow("deliberate failure");
    expect(seen.pids.length).toBeGreaterThan(5);
    expect(seen.pids.filter(processAlive)).toEqual([]);
    expect(leftoversOf(seen.tag)).toEqual([]);
  });

  test.each([
    ["SIGINT", 130, false],
    ["SIGTERM", 143, false],
    ["SIGHUP", 129, false],
    ["SIGQUIT", 131, false],
    ["SIGINT", 130, true],
  ] as const)(
    "%s (repeated during the teardown: %s) in the middle of a run removes everything; the exit code says which signal",
    async (signal, code, twice) => {
      const run = cliChild(["emulate", join(ROOT, "scenarios", `${NAT}.yaml`)]);
      await run.waitFor(/up in .* running \d+ probes/, 60_000);
      const tag = /run (elemu-\d+-[0-9a-f]{4})/.exec(run.output())![1];
      const pids = pidsIn(listNamespaces().filter((n) => n.startsWith(tag)));
      expect(pids.length).toBeGreaterThan(5);
      run.child.kill(signal);
      if (twice) {
        // A second Ctrl-C while the first one's teardown runs.
        await run.waitFor(/tearing down/, 10_000);
        run.child.kill(signal);
        run.child.kill(signal);
      }
      expect(await run.exited).toBe(code);
      expect(pids.filter(processAlive)).toEqual([]);
      expect(leftoversOf(tag)).toEqual([]);
    },
  );

  test("--keep leaves the perimeter up after the process ends; --cleanup removes it and only ended runs", async () => {
    const outDir = join(tmpdir(), `emulate-out-${process.pid}`);
    const run = cliChild(["emulate", join(ROOT, "scenarios", `${NAT}.yaml`), "--keep", "--out", outDir]);
    expect(await run.exited).toBe(0);
    // The reports: Markdown, JSON and JUnit agree on the count.
    const json = JSON.parse(readFileSync(join(outDir, "report.json"), "utf8"));
    const probes = json.sites[0].probes.length;
    expect(probes).toBeGreaterThan(50);
    expect(json.summary).toBe(`${probes}/${probes} probes pass`);
    expect(readFileSync(join(outDir, "report.md"), "utf8")).toContain(`${probes}/${probes} probes pass`);
    expect(readFileSync(join(outDir, "junit.xml"), "utf8")).toContain(`tests="${probes}" failures="0"`);
    expect(run.output()).toContain(`${probes}/${probes} probes pass`);
    const tag = /run (elemu-\d+-[0-9a-f]{4})/.exec(run.output())![1];
    expect(run.output()).toContain("sudo ip netns exec <namespace> bash");
    const kept = listNamespaces().filter((n) => n.startsWith(tag));
    expect(kept.length).toBeGreaterThan(4);
    expect(run.output()).toContain(`  ${kept[0]}`);
    const pids = pidsIn(kept);
    expect(pids.filter(processAlive).length).toBeGreaterThan(5);
    // The kept perimeter still answers: every raw TCP listener, run by its namespace's probe agent, whose standard
    // input closed when edge-lab ended (a listening agent stays up until the teardown).
    const [runDir] = readdirSync(RUN_BASE).filter((d) => d.startsWith(tag));
    const listenFiles = readdirSync(join(RUN_BASE, runDir)).filter((f) => /^listen-.+\.json$/.test(f));
    expect(listenFiles.length).toBeGreaterThan(1);
    for (const f of listenFiles) {
      const ns = f.slice("listen-".length, -".json".length);
      const raw = (
        JSON.parse(readFileSync(join(RUN_BASE, runDir, f), "utf8")) as { tcp: { host: string; port: number; tls?: unknown; http?: boolean }[] }
      ).tcp.filter((l) => !l.tls && !l.http);
      for (const l of raw.slice(0, 1)) {
        const answer = sh("ip", ["netns", "exec", ns, "bash", "-c", `exec 3<>/dev/tcp/${l.host}/${l.port} && timeout 5 cat <&3`]).stdout;
        expect({ ns, answer: JSON.parse(answer).local }).toEqual({ ns, answer: `${l.host}:${l.port}` });
      }
    }
    // A namespace of a live run (this test process) must survive --cleanup.
    const live = `elemu-${process.pid}-beef-live`;
    sh("ip", ["netns", "add", live]);
    try {
      const [node, cli] = cliCommand();
      const clean = spawnSync(node, [cli, "emulate", "--cleanup"], {
        cwd: ROOT,
        encoding: "utf8",
      });
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
