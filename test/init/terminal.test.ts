/**
 * `edge-lab init` in a real pseudo-terminal: the compiled CLI runs in a detached tmux session, the test waits for
 * each question on the screen (capture-pane polling, bounded) and answers it with send-keys; the file written must
 * equal the one the equivalent flags write. Also: no terminal and no --yes is refused, and the default output path.
 *
 * Needs tmux (Debian package `tmux`; scripts/install-test-tools.sh): without it the terminal suites are skipped.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { run } from "../../bin/cli";
import { describeWithTools } from "../system-tools";

const ROOT = join(__dirname, "..", "..");
const BIN = join(ROOT, "bin", "edge-lab.js");
const STEP_TIMEOUT_MS = 15_000;

let dir: string;

beforeAll(() => {
  // bin/edge-lab.js brings its bundle up to date itself (scripts/bundle.js): no build step, also on a clean clone.
  dir = mkdtempSync(join(tmpdir(), "edge-lab-init-tty-"));
}, 240_000);

afterAll(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** One detached tmux session on a private server socket in the test's directory (never the user's tmux server). */
class Terminal {
  private readonly socket = join(dir, `tmux-${Math.random().toString(36).slice(2, 8)}`);
  private readonly session = "init";

  constructor(command: string, cwd: string) {
    this.tmux("new-session", "-d", "-s", this.session, "-x", "220", "-y", "60", "-c", cwd, command);
  }

  private tmux(...args: string[]): string {
    return execFileSync("tmux", ["-S", this.socket, ...args], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  }

  /** The whole pane, scrollback included, wrapped lines joined. */
  screen(): string {
    return this.tmux("capture-pane", "-p", "-J", "-t", this.session, "-S", "-1000");
  }

  /** Waits until `text` is on the screen; fails with the screen after `timeout` ms. */
  async waitFor(text: string, timeout = STEP_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const screen = this.screen();
      if (screen.includes(text)) return;
      if (Date.now() > deadline) throw new Error(`timed out after ${timeout} ms waiting for ${JSON.stringify(text)}; the terminal shows:\n${screen}`);
      await sleep(50);
    }
  }

  /** Waits for the question (the "? " line of an active prompt), then sends the keys. */
  async answer(question: string, ...keys: (string | { text: string })[]): Promise<void> {
    await this.waitFor(`? ${question}`);
    for (const key of keys) {
      if (typeof key === "string") this.tmux("send-keys", "-t", this.session, key);
      else this.tmux("send-keys", "-t", this.session, "-l", key.text);
    }
  }

  kill(): void {
    try {
      this.tmux("kill-server");
    } catch {
      // already gone
    }
    rmSync(this.socket, { force: true });
  }
}

/** Runs `edge-lab init lab.yaml` in tmux inside a fresh directory, drives it with `script`, returns the file. */
async function interactive(name: string, script: (t: Terminal) => Promise<void>): Promise<{ text: string; screen: string }> {
  const cwd = join(dir, name);
  mkdirSync(cwd);
  const t = new Terminal(`node ${BIN} init lab.yaml; echo "[exit $?]"; sleep 600`, cwd);
  try {
    await script(t);
    await t.waitFor("[exit ");
    const screen = t.screen();
    expect(screen).toContain("[exit 0]");
    return { text: readFileSync(join(cwd, "lab.yaml"), "utf8"), screen };
  } finally {
    t.kill();
  }
}

/** The same answers as flags (`--yes`), in-process, into `<name>-flags/lab.yaml` (same file name: same id). */
async function withFlags(name: string, flags: string[]): Promise<string> {
  const cwd = join(dir, `${name}-flags`);
  mkdirSync(cwd);
  let err = "";
  const code = await run(["init", join(cwd, "lab.yaml"), "--yes", ...flags], { out: () => undefined, err: (t) => (err += t) });
  expect({ code, err: code ? err : "" }).toEqual({ code: 0, err: "" });
  return readFileSync(join(cwd, "lab.yaml"), "utf8");
}

describeWithTools("edge-lab init in a terminal (tmux)", ["tmux"], () => {
  it("a pool with DNS LB and public IPs at two sites, every federation, mobility; refuses 13 servers (LB-05)", async () => {
    let refusal = "";
    const { text, screen } = await interactive("pool", async (t) => {
      // Newest first: Subscription Edition, 2019, 2015, Lync 2013.
      await t.answer("Which server version?", "Down", "Down", "Enter");
      await t.answer("One Edge Server, or high availability with an Edge pool?", "Down", "Enter");
      await t.answer("How is the Edge pool load balanced?", "Enter");
      await t.answer("External Edge addresses: private IPs behind NAT, or public IPs?", "Down", "Enter");
      await t.answer("Which kinds of federation?", "Down", "Space", "Down", "Space", "Enter");
      await t.answer("Which public IM connectivity providers?", "Down", "Space", "Enter");
      await t.answer("Mobility (Lync mobile clients, lyncdiscover through the reverse proxy)?", "y", "Enter");
      await t.answer("Data centers (sites) with an Edge deployment", { text: "hq,dr" }, "Enter");
      await t.answer("Which site's Edge is the federation route?", "Down", "Enter");
      await t.answer("SIP domain(s), primary first", { text: "fabrikam.com,contoso.com" }, "Enter");
      await t.answer("Internal DNS domain of the servers", { text: "contoso.net" }, "Enter");
      await t.answer("Hybrid with Microsoft 365 / Teams", "Enter");
      await t.answer("How many Edge Servers in the pool?", { text: "13" }, "Enter");
      await t.waitFor("LB-05: At most 12 Edge Servers per pool are supported");
      refusal = t.screen();
      await t.answer("How many Edge Servers in the pool?", "BSpace", "BSpace", { text: "3" }, "Enter");
      await t.answer("Directors per site in front of the Front End pool", { text: "2" }, "Enter");
      await t.answer("Site hq: perimeter internal subnet", "Enter");
      await t.answer("Site hq: public address range", "Enter");
      await t.answer("Site hq: internal network", "Enter");
      await t.answer("Site dr: perimeter internal subnet", "Enter");
      await t.answer("Site dr: public address range", { text: "131.107.200.0/24" }, "Enter");
      await t.answer("Site dr: internal network", "Enter");
    });
    // Only the applicable questions were asked: no NATed external subnet with public IPs, no id (from the file name),
    // nothing left to plan for later (every federation and mobility are deployed now).
    expect(screen).not.toContain("perimeter external subnet");
    expect(screen).not.toContain("Which features come later?");
    expect(screen).not.toContain("Scenario id");
    // The refusal is shown under the prompt while it is asked again (inquirer clears it once answered).
    expect(refusal).toContain("error [LB-05] sites[0].edge.servers: 13 Edge Servers in one pool; the supported maximum is 12");
    expect(screen).toContain("✔ How many Edge Servers in the pool? (2-12, LB-04 / LB-05) 3");
    expect(screen).toContain("  - Scaled consolidated Edge, DNS load balancing with public IP addresses: an Edge pool of 3");
    expect(screen).toContain("EDGE_LAB_SCENARIOS=lab.yaml npx cdktf deploy lab");
    expect(screen).toContain("  - Director: a Director pool of 2 per site");
    const flags = await withFlags("pool", [
      "--product",
      "sfb2015",
      "--servers",
      "3",
      "--load-balancing",
      "dns",
      "--addressing",
      "public",
      "--federation",
      "sip,pic,xmpp",
      "--pic-providers",
      "skype,windows-live",
      "--mobility",
      "--sites",
      "hq,dr",
      "--federation-route",
      "dr",
      "--sip-domain",
      "fabrikam.com,contoso.com",
      "--internal-domain",
      "contoso.net",
      "--directors",
      "2",
      "--public-range",
      ",131.107.200.0/24",
    ]);
    expect(text).toBe(flags);
  }, 120_000);

  it("hardware load balancing on SfB 2019: no NAT question, XMPP not offered", async () => {
    const { text, screen } = await interactive("hlb", async (t) => {
      await t.answer("Which server version?");
      // The version question shows each product's support status (SE-01).
      expect(t.screen()).toContain(
        "Skype for Business Server Subscription Edition (supported, Modern Lifecycle; no XMPP, LAB-VER-01; no public IM connectivity, SE-02)",
      );
      expect(t.screen()).toContain("Lync Server 2013 (out of support since 2023-04-11)");
      await t.answer("Which server version?", "Down", "Enter");
      await t.answer("One Edge Server, or high availability with an Edge pool?", "Down", "Enter");
      await t.answer("How is the Edge pool load balanced?", "Down", "Enter");
      await t.answer("Which kinds of federation?");
      expect(t.screen()).toContain("not in Skype for Business Server 2019 (LAB-VER-01)");
      await t.answer("Which kinds of federation?", "Enter");
      await t.answer("Mobility (Lync mobile clients, lyncdiscover through the reverse proxy)?", "Enter");
      // Federation and mobility not chosen now can be planned for later; XMPP is not offered on 2019.
      await t.answer("Which features come later?");
      expect(t.screen()).toMatch(/XMPP federation.*not in Skype for Business Server 2019/);
      await t.answer("Which features come later?", "Space", "Enter");
      await t.answer("Data centers (sites) with an Edge deployment", "Enter");
      await t.answer("SIP domain(s), primary first", "Enter");
      await t.answer("Internal DNS domain of the servers", "Enter");
      await t.answer("Hybrid with Microsoft 365 / Teams", "Enter");
      await t.answer("How many Edge Servers in the pool?", "Enter");
      await t.answer("Directors per site in front of the Front End pool", "Enter");
      await t.answer("Site hq: perimeter internal subnet", "Enter");
      await t.answer("Site hq: public address range", "Enter");
      await t.answer("Site hq: internal network", "Enter");
    });
    expect(screen).not.toContain("External Edge addresses");
    expect(screen).not.toContain("federation route?");
    expect(screen).toContain("  - Scaled consolidated Edge with hardware load balancers");
    expect(text).toMatch(/^later:\n {2}mobility: true/m);
    expect(text).toBe(await withFlags("hlb", ["--product", "sfb2019", "--load-balancing", "hardware", "--later", "mobility"]));
  }, 120_000);
});

describeWithTools("edge-lab init interrupted", ["tmux"], () => {
  it("Ctrl-C at a question writes nothing and exits 130", async () => {
    const cwd = join(dir, "interrupted");
    mkdirSync(cwd);
    const t = new Terminal(`node ${BIN} init lab.yaml; echo "[exit $?]"; sleep 600`, cwd);
    try {
      await t.answer("Which server version?", "Down", "Enter");
      await t.answer("One Edge Server, or high availability with an Edge pool?", "C-c");
      await t.waitFor("[exit ");
      expect(t.screen()).toContain("edge-lab init: cancelled; nothing written");
      expect(t.screen()).toContain("[exit 130]");
      expect(existsSync(join(cwd, "lab.yaml"))).toBe(false);
    } finally {
      t.kill();
    }
  }, 60_000);
});

describe("edge-lab init as a process", () => {
  it("refuses to prompt without a terminal unless --yes is given", () => {
    const cwd = join(dir, "no-tty");
    mkdirSync(cwd);
    const r = spawnSync("node", [BIN, "init", "lab.yaml"], { cwd, input: "", encoding: "utf8", timeout: 30_000 });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain("edge-lab init: no terminal to ask the questions on; pass --yes");
    expect(existsSync(join(cwd, "lab.yaml"))).toBe(false);
  });

  it("writes scenarios/<id>.yaml by default, where npm run synth finds it", () => {
    const cwd = join(dir, "default-path");
    mkdirSync(cwd);
    const r = spawnSync("node", [BIN, "init", "--yes", "--sip-domain", "fabrikam.com"], { cwd, input: "", encoding: "utf8", timeout: 30_000 });
    expect(r.stderr).toBe("");
    expect(r.status).toBe(0);
    const file = join(cwd, "scenarios", "fabrikam-edge.yaml");
    expect(readFileSync(file, "utf8")).toMatch(/^id: fabrikam-edge$/m);
    expect(r.stdout).toContain("Wrote scenarios/fabrikam-edge.yaml");
    expect(r.stdout).toMatch(/^ {2}npm run synth$/m);
    expect(r.stdout).toMatch(/^ {2}npx cdktf deploy fabrikam-edge$/m);
    const again = spawnSync("node", [BIN, "init", "--yes", "--sip-domain", "fabrikam.com"], { cwd, input: "", encoding: "utf8", timeout: 30_000 });
    expect(again.status).toBe(1);
    expect(again.stderr).toContain("scenarios/fabrikam-edge.yaml already exists; use --force");
  });
});
