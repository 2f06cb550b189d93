/**
 * Output folders (issue 12): edge-lab writes only into folders it created (marker file), never through a symbolic
 * link, one writer at a time (lock), publishes the whole tree in one rename with rollback, and leaves no staging
 * folder or lock behind on any exit path, including SIGINT and SIGTERM.
 */
import { spawn } from "node:child_process";
import * as fs from "node:fs";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { hostname, tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../bin/cli";
import { synthScenarios } from "../../bin/synth";
import { OUTPUT_MARKER, lockOutput, publishTree, replaceDirectory, stagingDirFor } from "../../lib/io/atomic";
import { keepOnExit, pendingCleanups } from "../../lib/io/cleanup";
import { evalWithSources } from "../cli";
import { ROOT, SCENARIO_DIR } from "../helpers";

// renameSync can be made to fail for one call (a publish that breaks midway); everything else is the real fs.
jest.mock("node:fs", () => {
  const actual = jest.requireActual("node:fs");
  return { ...actual, renameSync: jest.fn((from: string, to: string) => actual.renameSync(from, to)) };
});

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "edge-lab-output-"));
});
afterEach(() => {
  (fs.renameSync as jest.Mock).mockImplementation((from: string, to: string) => jest.requireActual("node:fs").renameSync(from, to));
  rmSync(dir, { recursive: true, force: true });
  expect(pendingCleanups()).toEqual([]);
});

async function cli(args: string[]) {
  let out = "";
  let err = "";
  const code = await run(args, { out: (t) => (out += t), err: (t) => (err += t) });
  return { code, out, err };
}

function scenario(id: string): string {
  const file = join(dir, `${id}.yaml`);
  writeFileSync(file, `id: ${id}\nsipDomains: [contoso.com]\n`);
  return file;
}

const NAT = join(SCENARIO_DIR, "single-consolidated-nat.yaml");
const quiet = { log: () => undefined, error: () => undefined };
/** The bundled Lync 2013 scenarios' product notices (SE-01, SE-02): warnings every synth of them prints. */
const notNotice = (line: string) => !/ warning \[SE-0[12]\] /.test(line);

describe("only folders edge-lab created are replaced", () => {
  test.each(["worksheets", "zones"])("%s --out refuses a folder of the user that the scenario id names, and leaves it intact", async (command) => {
    const out = join(dir, "project");
    mkdirSync(join(out, "handbook"), { recursive: true });
    writeFileSync(join(out, "handbook", "README.md"), "my notes");
    const { code, out: stdout, err } = await cli([command, scenario("handbook"), "--out", out]);
    expect(code).toBe(1);
    expect(stdout).toBe("");
    expect(err).toContain(`edge-lab: ${join(out, "handbook")} exists and was not written by edge-lab (it has no ${OUTPUT_MARKER} file)`);
    expect(readdirSync(join(out, "handbook"))).toEqual(["README.md"]);
    expect(readdirSync(out)).toEqual(["handbook"]);
  });

  test("a folder edge-lab wrote (marker) is replaced; one written before markers (only edge-lab's file names) too", async () => {
    const out = join(dir, "out");
    expect((await cli(["worksheets", NAT, "--out", out])).code).toBe(0);
    const target = join(out, "single-consolidated-nat");
    expect(readFileSync(join(target, OUTPUT_MARKER), "utf8")).toMatch(/written by edge-lab/);
    expect((await cli(["worksheets", NAT, "--out", out])).code).toBe(0);
    rmSync(join(target, OUTPUT_MARKER));
    expect((await cli(["worksheets", NAT, "--out", out])).code).toBe(0);
    expect(existsSync(join(target, OUTPUT_MARKER))).toBe(true);
    expect(readdirSync(out)).toEqual(["single-consolidated-nat"]);
  });

  test("synth refuses an output folder it did not create", async () => {
    const outdir = join(dir, "docs");
    mkdirSync(outdir);
    writeFileSync(join(outdir, "guide.md"), "keep me");
    const errors: string[] = [];
    const result = await synthScenarios({ files: [NAT], outdir, log: () => undefined, error: (l) => errors.push(l) });
    expect(result.ok).toBe(false);
    expect(errors.filter(notNotice)).toEqual([expect.stringMatching(/^edge-lab synth: .*docs exists and was not written by edge-lab/)]);
    expect(readdirSync(outdir)).toEqual(["guide.md"]);
    expect(readdirSync(dir)).toEqual(["docs"]);
  });
});

describe("no write through a symbolic link", () => {
  test("an output folder that is a link is refused", async () => {
    const elsewhere = join(dir, "elsewhere");
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, "precious.txt"), "x");
    const out = join(dir, "out");
    mkdirSync(out);
    symlinkSync(elsewhere, join(out, "single-consolidated-nat"));
    const { code, err } = await cli(["worksheets", NAT, "--out", out]);
    expect(code).toBe(1);
    expect(err).toContain("single-consolidated-nat is a symbolic link; edge-lab writes only into real folders it created");
    expect(readdirSync(elsewhere)).toEqual(["precious.txt"]);
  });

  test("a stack folder that is a link to elsewhere is replaced by a real folder; the link's target is not written", async () => {
    const outdir = join(dir, "cdktf.out");
    expect((await synthScenarios({ files: [NAT], outdir, ...quiet })).ok).toBe(true);
    const elsewhere = join(dir, "elsewhere");
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, "cdk.tf.json"), "foreign");
    const stack = join(outdir, "stacks", "single-consolidated-nat");
    rmSync(stack, { recursive: true });
    symlinkSync(elsewhere, stack);
    expect((await synthScenarios({ files: [NAT], outdir, ...quiet })).ok).toBe(true);
    expect(readFileSync(join(elsewhere, "cdk.tf.json"), "utf8")).toBe("foreign");
    expect(fs.lstatSync(stack).isDirectory()).toBe(true);
    expect(JSON.parse(readFileSync(join(stack, "cdk.tf.json"), "utf8")).resource).toBeDefined();
  });
});

describe("whole-tree publishing", () => {
  test("Terraform's working files and older stacks are kept; stale worksheets are dropped", async () => {
    const outdir = join(dir, "cdktf.out");
    expect((await synthScenarios({ files: [NAT, join(SCENARIO_DIR, "scaled-hlb.yaml")], outdir, ...quiet })).ok).toBe(true);
    mkdirSync(join(outdir, "stacks", "single-consolidated-nat", ".terraform", "providers"), { recursive: true });
    writeFileSync(join(outdir, "stacks", "single-consolidated-nat", ".terraform", "providers", "p"), "plugin");
    writeFileSync(join(outdir, "worksheets", "single-consolidated-nat", "stale.csv"), "old");
    expect((await synthScenarios({ files: [NAT], outdir, ...quiet })).ok).toBe(true);
    expect(readFileSync(join(outdir, "stacks", "single-consolidated-nat", ".terraform", "providers", "p"), "utf8")).toBe("plugin");
    expect(existsSync(join(outdir, "stacks", "scaled-hlb", "cdk.tf.json"))).toBe(true); // still needed to destroy that lab
    expect(existsSync(join(outdir, "worksheets", "single-consolidated-nat", "stale.csv"))).toBe(false);
    expect(readdirSync(dir)).toEqual(["cdktf.out"]);
  });

  test("a failure while publishing restores the previous tree exactly and names the path", async () => {
    const outdir = join(dir, "cdktf.out");
    expect((await synthScenarios({ files: [NAT], outdir, ...quiet })).ok).toBe(true);
    mkdirSync(join(outdir, "stacks", "single-consolidated-nat", ".terraform"));
    writeFileSync(join(outdir, "stacks", "single-consolidated-nat", ".terraform", "lock"), "kept");
    const before = snapshot(outdir);
    const realRename = jest.requireActual("node:fs").renameSync;
    (fs.renameSync as jest.Mock).mockImplementation((from: string, to: string) => {
      if (/\.staging-\w+$/.test(from) && to === outdir) throw Object.assign(new Error("EIO: i/o error, rename"), { code: "EIO", path: from });
      return realRename(from, to);
    });
    const errors: string[] = [];
    const result = await synthScenarios({ files: [NAT], outdir, log: () => undefined, error: (l) => errors.push(l) });
    expect(result.ok).toBe(false);
    expect(errors.join("\n")).toMatch(/edge-lab synth: cannot publish .*cdktf\.out .*input\/output error \(EIO\); the previous output is unchanged/);
    expect(snapshot(outdir)).toEqual(before);
    expect(readdirSync(dir)).toEqual(["cdktf.out"]);
  });

  function snapshot(root: string): Record<string, string> {
    const out: Record<string, string> = {};
    const walk = (rel: string) => {
      for (const name of readdirSync(join(root, rel))) {
        const path = join(root, rel, name);
        if (fs.lstatSync(path).isDirectory()) walk(join(rel, name));
        else out[join(rel, name)] = readFileSync(path, "utf8");
      }
    };
    walk("");
    return out;
  }
});

describe("one writer at a time", () => {
  test("two synths into one output folder: one publishes, the other is refused; the tree is one run's", async () => {
    const outdir = join(dir, "cdktf.out");
    const errors: string[] = [];
    const results = await Promise.all([
      synthScenarios({ files: [NAT], outdir, ...quiet }),
      synthScenarios({ files: [join(SCENARIO_DIR, "scaled-hlb.yaml")], outdir, log: () => undefined, error: (l) => errors.push(l) }),
    ]);
    expect(results.map((r) => r.ok)).toEqual([true, false]);
    expect(errors.filter(notNotice)).toEqual([expect.stringMatching(/cdktf\.out is being written by another edge-lab run \(pid \d+/)]);
    expect(readdirSync(join(outdir, "stacks"))).toEqual(["single-consolidated-nat"]);
    expect(readdirSync(dir)).toEqual(["cdktf.out"]);
  });

  test("a stale lock (its process is gone) is taken over", () => {
    const target = join(dir, "out", "x");
    mkdirSync(join(dir, "out"));
    writeFileSync(join(dir, "out", ".x.lock"), `999999999 ${hostname()}\n`);
    replaceDirectory(target, [{ name: "a.txt", content: "a" }]);
    expect(readFileSync(join(target, "a.txt"), "utf8")).toBe("a");
    expect(readdirSync(join(dir, "out"))).toEqual(["x"]);
  });

  test("a live lock is refused with the holder's pid", () => {
    const target = join(dir, "y");
    const release = lockOutput(target);
    try {
      expect(() => replaceDirectory(target, [{ name: "a.txt", content: "a" }])).toThrow(
        new RegExp(`y is being written by another edge-lab run \\(pid ${process.pid}`),
      );
    } finally {
      release();
    }
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe("staging and lock are removed on every exit path", () => {
  const child = `
    const { lockOutput, stagingDirFor } = require(${JSON.stringify(join(ROOT, "lib/io/atomic.ts"))});
    const target = process.argv[1];
    lockOutput(target);
    const staging = stagingDirFor(target);
    require("node:fs").writeFileSync(staging + "/partial.json", "{");
    process.stdout.write("ready\\n");
    setInterval(() => undefined, 1000);
  `;
  test.each(["SIGINT", "SIGTERM", "SIGHUP"] as const)(
    "%s while writing",
    async (signal) => {
      const target = join(dir, "cdktf.out");
      const proc = spawn(process.execPath, [...evalWithSources(child), target], { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
      await new Promise<void>((resolve, reject) => {
        proc.stdout.on("data", (d: Buffer) => d.toString().includes("ready") && resolve());
        proc.on("exit", (code) => reject(new Error(`child exited early (${code})`)));
      });
      expect(readdirSync(dir).sort()).toEqual([".cdktf.out.lock", expect.stringMatching(/^\.cdktf\.out\.staging-/)].sort());
      const exited = new Promise<NodeJS.Signals | null>((resolve) => proc.on("exit", (_code, sig) => resolve(sig)));
      proc.kill(signal);
      expect(await exited).toBe(signal);
      expect(readdirSync(dir)).toEqual([]);
    },
    30000,
  );

  test("an error thrown while staging removes the staging folder and the lock", () => {
    const target = join(dir, "z");
    expect(() =>
      replaceDirectory(target, [
        { name: "ok.txt", content: "1" },
        { name: "../escape.txt", content: "2" },
      ]),
    ).toThrow(/invalid output file name/);
    expect(readdirSync(dir)).toEqual([]);
    const staging = stagingDirFor(target);
    publishTree(staging, target, ["."]);
    expect(readdirSync(target)).toEqual([OUTPUT_MARKER]);
  });
});

test("a cdktf.out written before the marker existed (only manifest.json, stacks/, worksheets/) is taken over", async () => {
  const outdir = join(dir, "cdktf.out");
  mkdirSync(join(outdir, "stacks", "old-stack"), { recursive: true });
  writeFileSync(join(outdir, "stacks", "old-stack", "cdk.tf.json"), "{}");
  expect((await synthScenarios({ files: [NAT], outdir, ...quiet })).ok).toBe(true);
  expect(readdirSync(outdir).sort()).toEqual([OUTPUT_MARKER, "manifest.json", "stacks", "worksheets"]);
  expect(readdirSync(join(outdir, "stacks")).sort()).toEqual(["old-stack", "single-consolidated-nat"]);
});

describe("a publish killed midway (SIGKILL: no handler runs) is finished by the next run, which says so in one line", () => {
  /**
   * A child process publishes `first`, then publishes `second` and is killed (SIGKILL, from inside renameSync) right
   * after the rename `killAfter` selects: "old" after the previous tree moved aside (no output folder at all), "carry"
   * after the first entry of the previous tree moved into the staging folder.
   */
  const child = `
    const fs = require("node:fs");
    const { lockOutput, publishTree, replaceDirectory, stagingDirFor, writeFilesInto } = require(${JSON.stringify(join(ROOT, "lib/io/atomic.ts"))});
    const [target, killAfter] = process.argv.slice(1);
    replaceDirectory(target, [{ name: "report.txt", content: "first" }]);
    fs.mkdirSync(target + "/.terraform");
    fs.writeFileSync(target + "/.terraform/state", "kept");
    fs.writeFileSync(target + "/notes.txt", "kept too");
    const rename = fs.renameSync;
    fs.renameSync = (from, to) => {
      rename(from, to);
      if ((killAfter === "old" && to.endsWith(".old")) || (killAfter === "carry" && /\\.staging-\\w+\\//.test(to))) process.kill(process.pid, "SIGKILL");
    };
    lockOutput(target);
    const staging = stagingDirFor(target);
    writeFilesInto(staging, [{ name: "report.txt", content: "second" }]);
    publishTree(staging, target);
  `;
  /** The next run finishes the interrupted publish, says so once, and the second run's tree is whole; its notices. */
  function finishesInterruptedPublish(target: string): string[] {
    const lines = notices();
    lockOutput(target)();
    expect(lines).toEqual([`edge-lab: finished the interrupted publish of ${target} (an earlier run was stopped while publishing it)\n`]);
    expect(readFileSync(join(target, "report.txt"), "utf8")).toBe("second");
    expect(readFileSync(join(target, ".terraform", "state"), "utf8")).toBe("kept");
    expect(readFileSync(join(target, "notes.txt"), "utf8")).toBe("kept too");
    expect(readdirSync(dir)).toEqual(["out"]);
    return lines;
  }

  async function killedPublish(target: string, killAfter: "old" | "carry"): Promise<void> {
    const proc = spawn(process.execPath, [...evalWithSources(child), target, killAfter], {
      cwd: ROOT,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    proc.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const signal = await new Promise<NodeJS.Signals | null>((resolve) => proc.on("exit", (_code, sig) => resolve(sig)));
    expect({ signal, stderr }).toEqual({ signal: "SIGKILL", stderr: "" });
  }
  const notices = () => {
    const lines: string[] = [];
    jest.spyOn(process.stderr, "write").mockImplementation((text: string | Uint8Array) => (lines.push(String(text)), true));
    return lines;
  };
  afterEach(() => jest.restoreAllMocks());

  test("killed between the two renames: no output folder, the previous tree in <staging>.old; the next run finishes the publish first", async () => {
    const target = join(dir, "out");
    await killedPublish(target, "old");
    expect(existsSync(target)).toBe(false); // the state the issue describes
    expect(readdirSync(dir).filter((n) => n.endsWith(".old"))).toHaveLength(1);
    const lines = finishesInterruptedPublish(target);
    // And the run goes on: its own publish replaces the finished one, with nothing more said.
    replaceDirectory(target, [{ name: "report.txt", content: "third" }]);
    expect(readFileSync(join(target, "report.txt"), "utf8")).toBe("third");
    expect(lines).toHaveLength(1);
    expect(readdirSync(dir)).toEqual(["out"]);
  }, 30000);

  test("killed while carrying the previous tree's entries over: the next run carries the rest and publishes", async () => {
    const target = join(dir, "out");
    await killedPublish(target, "carry");
    expect(existsSync(join(target, ".terraform"))).toBe(false); // carried into the staging folder before the kill
    expect(existsSync(join(target, "notes.txt"))).toBe(true); // not yet
    finishesInterruptedPublish(target);
  }, 30000);

  test("a run killed while writing its staging folder: the previous tree stays, the half-written folder is removed", () => {
    const target = join(dir, "out");
    replaceDirectory(target, [{ name: "report.txt", content: "first" }]);
    const staging = stagingDirFor(target);
    writeFileSync(join(staging, "partial.json"), "{");
    writeFileSync(join(dir, ".out.lock"), `999999999 ${hostname()}\n`); // the dead writer's lock
    keepOnExit(staging); // as a killed process leaves it (this process would remove it on exit)
    const lines = notices();
    replaceDirectory(target, [{ name: "report.txt", content: "third" }]);
    expect(lines).toEqual([]);
    expect(readFileSync(join(target, "report.txt"), "utf8")).toBe("third");
    expect(readdirSync(dir)).toEqual(["out"]);
  });

  test("the previous tree alone in <staging>.old (the new one lost) is put back", () => {
    const target = join(dir, "out");
    replaceDirectory(target, [{ name: "report.txt", content: "first" }]);
    fs.renameSync(target, join(dir, ".out.staging-AbC123.old"));
    const lines = notices();
    lockOutput(target)();
    expect(lines).toEqual([`edge-lab: restored the previous ${target} (an earlier run was stopped while publishing it)\n`]);
    expect(readFileSync(join(target, "report.txt"), "utf8")).toBe("first");
    expect(readdirSync(dir)).toEqual(["out"]);
  });
});
