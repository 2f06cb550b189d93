/**
 * `edge-lab emulate` runs as root (issue 18): each test replays an attack by an unprivileged local user (`nobody`)
 * against a root run and checks that it no longer works. The attacker's steps run in a separate process with
 * nobody's uid and gid; the run itself is this (root) test process or a CLI child.
 */
import { spawn, spawnSync, type SpawnSyncReturns } from "node:child_process";
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { emulate } from "../../lib/emulate";
import { findLeftovers, listNamespaces, pidsInNamespaces, removeLeftovers, removeNamespaces } from "../../lib/emulate/cleanup";
import { RUN_BASE, RunRecord } from "../../lib/emulate/run-registry";
import { processAlive, sh, tool } from "../../lib/emulate/sys";
import { bundledPlan, filesUnder, ROOT } from "../helpers";
import { describeWithTools } from "../system-tools";
import { cliChild, NAT, NEEDS, pidsIn } from "./helpers";

jest.setTimeout(120_000);

/** While `fixed`, randomBytes returns zeros (the run directory test: one guess stands for the attacker's 65,536). */
const mockRandom = { fixed: false };
jest.mock("node:crypto", () => {
  const actual = jest.requireActual("node:crypto");
  return { ...actual, randomBytes: (n: number) => (mockRandom.fixed ? Buffer.alloc(n) : actual.randomBytes(n)) };
});

const NOBODY = 65534;

/** Runs a Node script as the unprivileged user `nobody` (the attacker). */
function asNobody(script: string, args: readonly string[] = []): SpawnSyncReturns<string> {
  const r = spawnSync(process.execPath, ["-e", script, ...args], { uid: NOBODY, gid: NOBODY, encoding: "utf8", timeout: 60_000, cwd: "/" });
  if (r.status !== 0) throw new Error(`attacker script failed (${r.status}): ${r.stderr}`);
  return r;
}

/**
 * Where the attacker can reach: the system temp directory (jest's own run directory is root's, mode 0700). Each
 * directory made here is removed by its test.
 */
const SYSTEM_TMP = process.env.EDGE_LAB_SYSTEM_TMPDIR ?? "/tmp";

/** Directories a test made, removed after it whatever its outcome. */
const made: string[] = [];
afterEach(() => {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A world-writable sticky directory like /tmp, with a space in its name (TMPDIR must no longer matter). */
function sharedTemp(): string {
  const dir = mkdtempSync(join(SYSTEM_TMP, "edge-lab-shared tmp-"));
  made.push(dir);
  chmodSync(dir, 0o1777);
  return dir;
}

/** A file only root can reach, which the attacker wants root to overwrite or delete. */
function rootOnlyFile(): { dir: string; file: string } {
  const dir = mkdtempSync(join(tmpdir(), "root-only-"));
  made.push(dir);
  chmodSync(dir, 0o700);
  const file = join(dir, "victim");
  writeFileSync(file, "untouched\n");
  return { dir, file };
}

/** Every path under `dir` (not following links) whose owner is not `uid`. */
function notOwnedBy(dir: string, uid: number): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    const st = lstatSync(p);
    if (st.uid !== uid) out.push(p);
    if (st.isDirectory()) for (const n of readdirSync(p)) walk(join(p, n));
  };
  for (const n of readdirSync(dir)) walk(join(dir, n));
  return out;
}

/** A pid that no process has now (a process that has ended). */
function deadPid(): number {
  const r = spawnSync("true");
  return r.pid!;
}

describeWithTools("emulate as root against a local attacker", NEEDS, () => {
  test("run directories: the attacker's pre-created directory for this run and its symlink are never used", async () => {
    const shared = sharedTemp();
    const victim = rootOnlyFile();
    // The attacker knows the pid (it shows in /run/netns) and can cover all 65,536 suffixes of the old 16-bit name in
    // seconds; the test spares the machine that loop by fixing the random bytes, so one directory covers the name.
    mockRandom.fixed = true;
    asNobody(
      `const fs = require("fs"), path = require("path");
       const d = path.join(process.argv[1], "elemu-" + process.argv[2] + "-0000");
       fs.mkdirSync(d);
       fs.symlinkSync(process.argv[3], path.join(d, "agent.js"));`,
      [shared, String(process.pid), victim.file],
    );
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = shared;
    let runDir = "";
    let keyModes: string[][] = [];
    try {
      await expect(
        emulate(bundledPlan(NAT), {
          onUp: (info) => {
            runDir = info.runDir;
            // Private keys (the CA's, every certificate's, nginx's copies) are readable by root only.
            keyModes = filesUnder(runDir)
              .filter((f) => f.endsWith(".key"))
              .map((f) => [f.slice(runDir.length + 1), (lstatSync(f).mode & 0o777).toString(8)]);
            throw new Error("stop after the build");
          },
        }),
      ).rejects.toThrow("stop after the build");
    } finally {
      process.env.TMPDIR = saved;
      mockRandom.fixed = false;
    }
    expect(readFileSync(victim.file, "utf8")).toBe("untouched\n");
    expect(keyModes.length).toBeGreaterThan(3);
    expect(keyModes.filter(([, mode]) => mode !== "600")).toEqual([]);
    expect(keyModes.some(([f]) => f.startsWith("nginx-"))).toBe(true);
    // Root wrote nothing into the shared directory: everything there is still the attacker's own.
    expect(notOwnedBy(shared, NOBODY)).toEqual([]);
    // The run directory lived under the root-owned base, not in TMPDIR.
    expect(runDir.startsWith(`${RUN_BASE}/`)).toBe(true);
    const base = lstatSync(RUN_BASE);
    expect(base.isDirectory() && !base.isSymbolicLink()).toBe(true);
    expect([base.uid, base.mode & 0o777]).toEqual([0, 0o700]);
    // And the attacker cannot create anything there.
    expect(() => asNobody(`require("fs").mkdirSync(process.argv[1])`, [join(RUN_BASE, "planted")])).toThrow(/EACCES/);
  });

  test("a run refuses a base directory that is a link or not root's own", () => {
    // Checked through the module with a stand-in base path (the real one is root's and stays so).
    const { ensureBase } = jest.requireActual("../../lib/emulate/run-registry") as typeof import("../../lib/emulate/run-registry");
    const shared = sharedTemp();
    const linked = join(shared, "base-link");
    const elsewhere = mkdtempSync(join(tmpdir(), "real-"));
    made.push(elsewhere);
    spawnSync("ln", ["-s", elsewhere, linked]);
    expect(() => ensureBase(linked)).toThrow(/symbolic link|not a directory/);
    const foreign = join(shared, "foreign");
    mkdirSync(foreign, { mode: 0o700 });
    chownSync(foreign, NOBODY, NOBODY);
    expect(() => ensureBase(foreign)).toThrow(/owned by uid 65534/);
  });

  test("--cleanup removes only what edge-lab recorded: a user's look-alike leftover and a foreign namespace survive", () => {
    const shared = sharedTemp();
    const pid = deadPid();
    const lookAlike = join(shared, `elemu-${pid}-abcd`);
    asNobody(`const fs = require("fs"); fs.mkdirSync(process.argv[1]); fs.writeFileSync(process.argv[1] + "/mine", "x");`, [lookAlike]);
    const foreignNs = `elemu-${pid}-abcd-foreign`;
    sh("ip", ["netns", "add", foreignNs]);
    const saved = process.env.TMPDIR;
    process.env.TMPDIR = shared;
    try {
      const removed = removeLeftovers();
      expect(removed.namespaces).not.toContain(foreignNs);
      expect(existsSync(join(lookAlike, "mine"))).toBe(true);
      expect(listNamespaces()).toContain(foreignNs);
    } finally {
      process.env.TMPDIR = saved;
      sh("ip", ["netns", "del", foreignNs], { allowFail: true });
    }
  });

  test("--cleanup recognises a run by its record: a reused pid does not hide a leftover, a live owner keeps its run", () => {
    const base = mkdtempSync(join(tmpdir(), "run-base-"));
    made.push(base);
    const run = RunRecord.create(base);
    const ns = `${run.tag}-x`;
    sh("ip", ["netns", "add", ns]);
    run.addNamespace(ns);
    try {
      // The owner (this process) is running: nothing to clean.
      expect(findLeftovers(base).namespaces).toEqual([]);
      // The same pid, another start time: the owner ended and its pid went to another process.
      const file = join(run.dir, "run.json");
      const record = JSON.parse(readFileSync(file, "utf8"));
      writeFileSync(file, JSON.stringify({ ...record, owner: { pid: process.pid, startTime: record.owner.startTime - 1 } }));
      expect(removeLeftovers(base).namespaces).toEqual([ns]);
      expect(listNamespaces()).not.toContain(ns);
    } finally {
      sh("ip", ["netns", "del", ns], { allowFail: true });
    }
  });

  test("PATH unset and tools planted in the working directory: only the system's tools run", async () => {
    const plant = mkdtempSync(join(SYSTEM_TMP, "edge-lab-plant-"));
    made.push(plant);
    chmodSync(plant, 0o755);
    chownSync(plant, NOBODY, NOBODY);
    asNobody(
      `const fs = require("fs");
       for (const t of ["ip", "openssl", "iptables-restore", "nft", "named"])
         fs.writeFileSync(process.argv[1] + "/" + t, "#!/bin/sh\\necho planted > " + process.argv[1] + "/ran-as-root\\n", { mode: 0o755 });`,
      [plant],
    );
    // No PATH and no other variable at all, in the attacker's working directory.
    const run = cliChild(["emulate", "--cleanup"], { env: {}, cwd: plant });
    expect(await run.exited).toBe(0);
    expect(existsSync(join(plant, "ran-as-root"))).toBe(false);
  });

  test("the emulator refuses to probe behind a firewall that did not load completely", async () => {
    // The appliance text with its filter table cut off: iptables-restore loads the nat table and succeeds, the
    // FORWARD chain stays as a fresh namespace has it (no filter table: everything forwarded). Probing now would prove nothing.
    const withoutFilter = (rules: string) => rules.slice(0, rules.indexOf("*filter"));
    const runs: string[] = [];
    await expect(emulate(bundledPlan(NAT), { sabotage: { applianceRules: withoutFilter }, onUp: (info) => void runs.push(info.tag) })).rejects.toThrow(
      /external firewall ruleset did not load completely \(FORWARD policy none, filter 0 of/,
    );
    expect(runs).toEqual([]);
    expect(listNamespaces().filter((n) => n.startsWith("elemu-" + process.pid))).toEqual([]);
  });

  test("the teardown finds the processes `ip netns pids` finds, ends them (one ignores SIGTERM) and deletes every namespace", () => {
    const names = ["a", "b", "c"].map((x) => `eltd-${process.pid}-${x}`);
    const started: number[] = [];
    try {
      for (const ns of names) sh("ip", ["netns", "add", ns]);
      // Two sleepers in a, one that ignores SIGTERM in b, nothing in c; and one in the host's namespace (never signalled).
      const inNs = (ns: string, script: string) => spawn(tool("ip"), ["netns", "exec", ns, tool("sh"), "-c", script], { stdio: "ignore", detached: true });
      const children = [inNs(names[0], "exec sleep 60"), inNs(names[0], "exec sleep 60"), inNs(names[1], "trap '' TERM; sleep 60 & wait")];
      const outside = spawn(tool("sleep"), ["60"], { stdio: "ignore", detached: true });
      started.push(...children.map((c) => c.pid!), outside.pid!);
      const viaIp = () => pidsIn(names).sort();
      for (let i = 0; i < 100 && viaIp().length < 4; i++) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
      expect(viaIp().length).toBeGreaterThanOrEqual(4); // the two sleepers, the trapping shell and its sleep
      expect(pidsInNamespaces(names).sort()).toEqual(viaIp());
      expect(pidsInNamespaces([`eltd-${process.pid}-missing`, ...names]).sort()).toEqual(viaIp());
      const inside = viaIp();
      // The missing name first: the other deletions run only if one failure does not end the batch (-force).
      removeNamespaces([`eltd-${process.pid}-missing`, ...names]);
      expect(listNamespaces().filter((n) => names.includes(n))).toEqual([]);
      expect(inside.filter(processAlive)).toEqual([]);
      expect(processAlive(outside.pid!)).toBe(true);
    } finally {
      for (const pid of started) if (processAlive(pid)) process.kill(pid, "SIGKILL");
      for (const ns of names) if (listNamespaces().includes(ns)) sh("ip", ["netns", "del", ns], { allowFail: true });
    }
  });

  test("the teardown never takes the host's own namespace for a run's: not by a path in a name, not under another name", () => {
    // The teardown signals what pidsInNamespaces returns: here only asked, never signalled.
    const alias = `eltd-${process.pid}-host`;
    try {
      sh("ip", ["netns", "attach", alias, String(process.pid)]); // this process's (the host's) namespace under a run-like name
      expect(sh("ip", ["netns", "pids", alias]).stdout.trim()).not.toBe(""); // what `ip` alone would have handed over
      expect(pidsInNamespaces([alias])).toEqual([]);
      expect(pidsInNamespaces(["../../proc/1/ns/net", "..", "/proc/self/ns/net"])).toEqual([]);
    } finally {
      sh("ip", ["netns", "del", alias], { allowFail: true });
    }
  });

  test("--m365-endpoints reaches emulate: it proves the ranges the Azure ruleset is written with", async () => {
    const dir = mkdtempSync(join(tmpdir(), "endpoints-"));
    made.push(dir);
    const file = join(dir, "endpoints.json");
    writeFileSync(
      file,
      JSON.stringify([
        { id: 11, serviceArea: "Skype", ips: ["20.64.0.0/16"], udpPorts: "3478,3479,3480,3481" },
        { id: 12, serviceArea: "Skype", urls: ["*.lync.com"], ips: ["20.64.0.0/16"], tcpPorts: "443,80" },
      ]),
    );
    const out = join(dir, "report");
    const c = cliChild(["emulate", join(ROOT, "scenarios", "hybrid-se.yaml"), "--m365-endpoints", file, "--out", out]);
    expect(await c.exited).toBe(0);
    const report = JSON.parse(readFileSync(join(out, "report.json"), "utf8"));
    const text = JSON.stringify(report.sites.flatMap((s: { probes: unknown[] }) => s.probes));
    expect(text).toContain("20.64.0.0/16");
    expect(text).not.toContain("52.112.0.0/14");
  });
});
