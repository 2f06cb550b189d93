/**
 * Which Debian tools this machine can actually run, for the suites that prove the plan with real software (BIND,
 * iptables in network namespaces, nginx, Chromium, tmux, ...).
 *
 * `npm test` must pass on a machine that has only Node: a suite whose tools are missing is declared with
 * `describeWithTools` and is reported as skipped, its title naming what is missing and the one command that installs
 * it (`sudo scripts/install-test-tools.sh`); test/skip-reporter.js lists those skips after jest's summary.
 * CI (.ci/run) installs everything and sets EDGE_LAB_REQUIRE_TOOLS=1: a missing tool then fails the suite instead.
 *
 * A tool counts as present only when it runs: each is started with a harmless version / help argument and must exit 0
 * within a few seconds (a dangling symlink, a wrapper without its package or a binary for another architecture does
 * not count).
 */
import { spawnSync } from "node:child_process";

/** How to check that a tool runs, and the Debian package that provides it (scripts/install-test-tools.sh installs them all). */
export const TOOLS = {
  named: { probe: ["named", "-v"], pkg: "bind9" },
  "named-checkzone": { probe: ["named-checkzone", "-v"], pkg: "bind9-utils" },
  "named-checkconf": { probe: ["named-checkconf", "-v"], pkg: "bind9-utils" },
  dig: { probe: ["dig", "-v"], pkg: "bind9-dnsutils" },
  iptables: { probe: ["iptables", "--version"], pkg: "iptables" },
  "iptables-restore": { probe: ["iptables-restore", "--version"], pkg: "iptables" },
  ip: { probe: ["ip", "-V"], pkg: "iproute2" },
  unshare: { probe: ["unshare", "--version"], pkg: "util-linux" },
  sysctl: { probe: ["sysctl", "--version"], pkg: "procps" },
  nginx: { probe: ["nginx", "-v"], pkg: "nginx" },
  openssl: { probe: ["openssl", "version"], pkg: "openssl" },
  nft: { probe: ["nft", "--version"], pkg: "nftables" },
  turnserver: { probe: ["turnserver", "--version"], pkg: "coturn" },
  // turnutils_uclient has no version flag (-h exits 255): it runs when its usage text comes out.
  turnutils_uclient: { probe: ["sh", "-c", "turnutils_uclient -h 2>&1 | grep -q Usage"], pkg: "coturn" },
  tmux: { probe: ["tmux", "-V"], pkg: "tmux" },
  // libnice's STUN library, compiled into test/probe/nice-stun.c: its pkg-config file and a C compiler.
  libnice: { probe: ["sh", "-c", "pkg-config --exists nice && cc --version"], pkg: "libnice-dev pkg-config gcc" },
  chromium: { probe: [process.env.CHROMIUM ?? "chromium", "--version"], pkg: "chromium fonts-dejavu-core" },
} as const satisfies Record<string, { probe: readonly string[]; pkg: string }>;

export type Tool = keyof typeof TOOLS;

/** Capabilities beyond a tool: root (CAP_NET_ADMIN for namespaces and iptables) and working network namespaces. */
export type Capability = "root" | "netns";

export type Need = Tool | Capability;

export const INSTALL_COMMAND = "sudo scripts/install-test-tools.sh";
/** Set by .ci/run: every suite must run, a missing tool is a failure. */
export const REQUIRE_TOOLS = process.env.EDGE_LAB_REQUIRE_TOOLS === "1";

const SBIN_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
/** PATH with the sbin directories (named, nginx, iptables live there; a non-login shell may not have them). */
export const TOOL_ENV = { ...process.env, PATH: `${process.env.PATH ?? ""}:${SBIN_PATH}` };

/** True when the command starts and exits 0 within 10 s. */
export const runs = (argv: readonly string[]): boolean => {
  const r = spawnSync(argv[0], argv.slice(1), { env: TOOL_ENV, stdio: "ignore", timeout: 10_000 });
  return r.error === undefined && r.status === 0;
};

const known = new Map<Need, boolean>();

/** True when the tool runs here / the capability is available (checked once per test file). */
export function available(need: Need): boolean {
  let ok = known.get(need);
  if (ok === undefined) {
    if (need === "root") ok = process.getuid?.() === 0;
    // Creating a namespace needs CAP_SYS_ADMIN and a kernel that allows it (some containers do not).
    else if (need === "netns") ok = available("root") && available("unshare") && runs(["unshare", "--net", "true"]);
    else ok = runs(TOOLS[need].probe);
    known.set(need, ok);
  }
  return ok;
}

/** What is missing of `needs`, as one readable phrase, or undefined when everything is there. */
export function missingNeeds(needs: readonly Need[]): string | undefined {
  const missing = needs.filter((n) => !available(n));
  if (missing.length === 0) return undefined;
  const tools = missing.filter((n): n is Tool => n in TOOLS);
  const parts: string[] = [];
  if (tools.length) parts.push(`${tools.join(", ")} (Debian: ${[...new Set(tools.map((t) => TOOLS[t].pkg))].join(" ")})`);
  if (missing.includes("root")) parts.push("root");
  else if (missing.includes("netns")) parts.push("network namespaces (unshare --net failed)");
  return parts.join("; ");
}

/** The marker test/skip-reporter.js looks for in a skipped suite's title. */
export const SKIP_MARK = "[skipped: needs ";

/**
 * `describe` that runs only where `needs` are available. Elsewhere the suite is skipped with a title that says what
 * is missing and how to install it, or (EDGE_LAB_REQUIRE_TOOLS=1, as in CI) fails with that message.
 */
export function describeWithTools(title: string, needs: readonly Need[], body: () => void): void {
  const missing = missingNeeds(needs);
  // Only root (or namespaces) missing: installing packages would not help.
  const remedy = needs.some((n) => n in TOOLS && !available(n)) ? `install with: ${INSTALL_COMMAND}` : "run the tests as root: sudo npm test";
  if (missing === undefined) {
    describe(title, body);
  } else if (REQUIRE_TOOLS) {
    describe(title, () => {
      test(`needs ${needs.join(", ")}`, () => {
        throw new Error(`missing ${missing}: ${remedy} (EDGE_LAB_REQUIRE_TOOLS=1 makes this a failure)`);
      });
    });
  } else {
    describe.skip(`${title} ${SKIP_MARK}${missing}; ${remedy}]`, body);
  }
}

/** `describe.each` counterpart of describeWithTools: one suite per row, each titled with the row's first value. */
export function describeEachWithTools<Row extends readonly unknown[]>(
  rows: readonly Row[],
  title: (row: Row) => string,
  needs: readonly Need[],
  body: (row: Row) => void,
): void {
  for (const row of rows) describeWithTools(title(row), needs, () => body(row));
}
