/**
 * `edge-lab emulate` refuses clearly where it cannot run (not root, a tool missing), naming what is missing and the
 * one command that installs it, and exits 1 without touching anything.
 */
import { run } from "../../bin/cli";
import * as emulator from "../../lib/emulate";
import { INSTALL_HINT, missingRequirements } from "../../lib/emulate";
import { listNamespaces } from "../../lib/emulate/cleanup";
import { forgetToolPaths, TOOL_ENV } from "../../lib/emulate/sys";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "../helpers";

const capture = () => {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (t: string) => void out.push(t), err: (t: string) => void err.push(t) } };
};

afterEach(() => jest.restoreAllMocks());

test("not root: the command names what is missing and the install command, exits 1, creates nothing", async () => {
  jest.spyOn(process, "getuid").mockReturnValue(1000);
  expect(missingRequirements()).toEqual(expect.arrayContaining([expect.stringContaining("root")]));
  const c = capture();
  expect(await run(["emulate", join(ROOT, "scenarios", "single-consolidated-nat.yaml")], c.io)).toBe(1);
  expect(c.err.join("")).toContain("edge-lab emulate: cannot run here; missing: ");
  expect(c.err.join("")).toContain("root");
  expect(c.err.join("")).toContain(INSTALL_HINT);
  expect(c.out).toEqual([]);
  // Only this process's names: other suites build namespaces of their own in parallel.
  expect(safeNamespaces().filter((n) => n.startsWith(`elemu-${process.pid}-`))).toEqual([]);
});

test("a tool missing from PATH is named with its Debian package", () => {
  const saved = TOOL_ENV.PATH;
  TOOL_ENV.PATH = "/nonexistent";
  forgetToolPaths();
  try {
    const missing = missingRequirements();
    expect(missing).toEqual(expect.arrayContaining(["turnserver (Debian package coturn)", "nft (Debian package nftables)", "named (Debian package bind9)"]));
  } finally {
    TOOL_ENV.PATH = saved;
    forgetToolPaths();
  }
});

test("no scenario and no --cleanup: a usage error", async () => {
  const c = capture();
  expect(await run(["emulate"], c.io)).toBe(1);
  expect(c.err.join("")).toContain("a scenario file is required (or --cleanup)");
});

/** Namespaces, or none where `ip` cannot list them (not Linux / no iproute2). */
function safeNamespaces(): string[] {
  try {
    return listNamespaces();
  } catch {
    return [];
  }
}

test("a site the scenario does not have: one line naming the sites, exit 1, nothing built (not an internal error)", async () => {
  jest.spyOn(emulator, "missingRequirements").mockReturnValue([]);
  const build = jest.spyOn(emulator, "emulate");
  const c = capture();
  expect(await run(["emulate", join(ROOT, "scenarios", "contoso-enterprise.yaml"), "--site", "nope"], c.io)).toBe(1);
  const err = c.err.join("");
  expect(err).toContain("edge-lab emulate: --site nope: the scenario has no such site (sites: hq, dr)");
  expect(err).not.toMatch(/internal error|^\s+at /m);
  expect(build).not.toHaveBeenCalled();
});

test("--out naming a folder edge-lab did not make is refused before anything is built, and left as it was", async () => {
  jest.spyOn(emulator, "missingRequirements").mockReturnValue([]);
  const build = jest.spyOn(emulator, "emulate");
  const mine = mkdtempSync(join(tmpdir(), "reports-"));
  writeFileSync(join(mine, "report.md"), "my own notes\n");
  const c = capture();
  expect(await run(["emulate", join(ROOT, "scenarios", "single-consolidated-nat.yaml"), "--out", mine], c.io)).toBe(1);
  expect(c.err.join("")).toMatch(/^edge-lab: .*reports-\w+ exists and was not written by edge-lab/m);
  expect(build).not.toHaveBeenCalled();
  expect(readFileSync(join(mine, "report.md"), "utf8")).toBe("my own notes\n");
});
