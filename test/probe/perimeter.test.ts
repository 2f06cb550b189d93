/**
 * `edge-lab probe` without a perimeter: which probes run from where, the polite scheduler, the checks against local
 * TLS / SIP servers built from the fixtures (test/fixtures/probe: certificates, the Lync-shaped 401), the reports and
 * the command's refusals. The whole command against real software is test/probe/emulated.test.ts.
 */
import { readFileSync } from "node:fs";
import { createServer as createTcpServer, type AddressInfo } from "node:net";
import { join } from "node:path";
import { createServer as createTlsServer, type Server as TlsServer } from "node:tls";
import { run } from "../../bin/cli";
import type { Certificate, FirewallRule } from "../../lib/model/plan";
import { buildProbes, type BlockedProbe, type Probe, type TlsProbe } from "../../lib/model/probes";
import { checkBlocked, checkSipRegister, checkTls, judgeMsTurn, type CheckContext } from "../../lib/probe/checks";
import type { MsTurnProbeResult } from "../../lib/probe/msturn-transport";
import { perimeterPassed, routableFromInternet, skipReason, type PerimeterReport, type PerimeterResult } from "../../lib/probe/perimeter";
import { XMLParser } from "fast-xml-parser";
import { perimeterJson, perimeterJunit, perimeterLine, perimeterMarkdown, perimeterSummary } from "../../lib/probe/report";
import { PoliteScheduler, RateGate } from "../../lib/probe/schedule";
import { bundledPlan, SCENARIO_DIR } from "../helpers";

const FIX = join(__dirname, "..", "fixtures", "probe");
const EDGE = { key: readFileSync(join(FIX, "edge-rsa.key")), cert: readFileSync(join(FIX, "edge-rsa.crt")) };
const CA = readFileSync(join(FIX, "ca.crt"), "utf8");
const OTHER_CA = readFileSync(join(FIX, "other-ca.crt"), "utf8");
const LYNC_401 = readFileSync(join(FIX, "lync-register-401.txt"));

const context = (over: Partial<CheckContext> = {}): CheckContext => ({
  ca: [CA],
  timeoutMs: 2000,
  blockedTimeoutMs: 300,
  sipDomain: "contoso.com",
  nextHopFqdn: "pool01.contoso.net",
  sipServer: { header: "RTC/6.0", verified: true },
  addressOf: () => undefined,
  shared: new Map(),
  tlsVersions: new Map(),
  ...over,
});

async function listening<T extends TlsServer | ReturnType<typeof createTcpServer>>(server: T): Promise<{ server: T; port: number }> {
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, port: (server.address() as AddressInfo).port };
}

/** A TLS probe as the plan would make it for the fixture certificate, at a local port. */
function tlsProbe(port: number, sans: readonly string[], application: FirewallRule["application"] = "sip-tls"): TlsProbe {
  const certificate = { id: "hq-edge-external", subject: "sip.contoso.com", sans } as unknown as Certificate;
  const rule = { application } as unknown as FirewallRule;
  return {
    kind: "tls",
    id: `t/${port}`,
    site: "hq",
    from: { kind: "internet" },
    what: "tls",
    refs: [],
    rule,
    address: "127.0.0.1",
    port,
    serverName: "sip.contoso.com",
    certificate,
    forbiddenNames: ["av.contoso.com"],
    sipOptions: true,
  };
}

describe("which probes run from where", () => {
  const probes = buildProbes(bundledPlan("single-consolidated-nat"));
  const runs = (p: Probe, from: "internet" | "internal") => skipReason(p, from) === undefined;

  test("from the Internet: the external DNS view and the Internet client's probes; nothing a server or Microsoft 365 sends", () => {
    const ran = probes.filter((p) => runs(p, "internet"));
    expect(ran.filter((p) => p.kind === "dns").length).toBe(probes.filter((p) => p.kind === "dns" && p.record.view === "external").length);
    expect(ran.every((p) => p.from.kind === "internet")).toBe(true);
    expect(new Set(ran.map((p) => p.kind))).toEqual(new Set(["dns", "port", "tls", "turn", "web", "blocked"]));
    // UDP media answers only inside an allocation: proven by MS-TURN, not sent.
    expect(ran.some((p) => p.kind === "port" && p.transport === "UDP" && p.rule.application === "rtp")).toBe(false);
    expect(ran.some((p) => p.kind === "port" && p.transport === "UDP" && p.rule.application === "turn")).toBe(true);
  });

  test("from the internal network: the internal view and the internal client's rows only", () => {
    const ran = probes.filter((p) => runs(p, "internal"));
    expect(ran.length).toBeGreaterThan(10);
    expect(ran.every((p) => p.from.kind === "internal" && (p.kind !== "dns" || p.record.view === "internal"))).toBe(true);
  });

  test("every skipped probe says why and how to run it", () => {
    for (const p of probes.filter((x) => !runs(x, "internet")))
      expect(skipReason(p, "internet")).toMatch(/run it there|--from|not from|checked on the server|member only|MS-TURN|not routable from the Internet/);
  });

  test("from the Internet nothing is sent to a private address (it would reach this host's own network)", () => {
    const internalSide = probes.filter((p) => p.kind === "blocked" && p.refs.includes("NET-10"));
    expect(internalSide.length).toBeGreaterThan(0);
    for (const p of internalSide) expect(skipReason(p, "internet")).toContain("not routable from the Internet");
    expect(probes.filter((p) => runs(p, "internet") && "address" in p).every((p) => routableFromInternet((p as { address: string }).address))).toBe(true);
    expect(["10.1.2.3", "172.31.0.1", "192.168.10.20", "100.64.0.1", "127.0.0.1", "169.254.1.1"].map(routableFromInternet)).toEqual([
      false,
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(["131.107.155.10", "172.32.0.1", "2001:db8::1"].map(routableFromInternet)).toEqual([true, true, true]);
  });
});

describe("the polite scheduler", () => {
  // Fake clock: the spacing the gate decides, not what a loaded machine's timers deliver.
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test("one task at a time per target, several targets at once, starts spaced by the rate", async () => {
    const s = new PoliteScheduler({ concurrency: 3, ratePerSecond: 100 });
    const busy = new Map<string, number>();
    let running = 0;
    let most = 0;
    const starts: number[] = [];
    const task = (key: string) => async () => {
      starts.push(Date.now());
      expect(busy.get(key) ?? 0).toBe(0);
      busy.set(key, 1);
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 30));
      running--;
      busy.set(key, 0);
      return key;
    };
    const keys = ["a", "a", "a", "b", "b", "c", "d", "e"];
    const all = Promise.all(keys.map((k) => s.run(k, task(k))));
    await jest.advanceTimersByTimeAsync(2000);
    expect(await all).toEqual(keys);
    expect(most).toBe(3);
    const sorted = [...starts].sort((x, y) => x - y);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i] - sorted[i - 1]).toBeGreaterThanOrEqual(10);
  });

  test("two schedulers sharing a gate keep the one rate between them", async () => {
    const gate = new RateGate(100);
    const [a, b] = [new PoliteScheduler({ gate }), new PoliteScheduler({ concurrency: 64, gate })];
    const starts: number[] = [];
    const mark = async () => void starts.push(Date.now());
    const all = Promise.all([...Array(5)].flatMap((_, i) => [a.run(`a${i}`, mark), b.run(`b${i}`, mark)]));
    await jest.advanceTimersByTimeAsync(1000);
    await all;
    const sorted = [...starts].sort((x, y) => x - y);
    expect(sorted.length).toBe(10);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i] - sorted[i - 1]).toBeGreaterThanOrEqual(10);
  });

  test("a failing task does not stop its target's queue", async () => {
    const s = new PoliteScheduler();
    const first = s.run("x", () => Promise.reject(new Error("boom")));
    const second = s.run("x", async () => "next");
    await expect(first).rejects.toThrow("boom");
    await jest.advanceTimersByTimeAsync(100);
    await expect(second).resolves.toBe("next");
  });
});

describe("checks against local servers (fixture certificates, the Lync-shaped 401)", () => {
  let tls: { server: TlsServer; port: number };
  let sip: { server: TlsServer; port: number; answer: Buffer };
  beforeAll(async () => {
    tls = await listening(createTlsServer(EDGE, (s) => s.on("error", () => undefined)));
    const state: { answer: Buffer } = { answer: LYNC_401 };
    sip = {
      ...(await listening(createTlsServer(EDGE, (s) => (s.on("error", () => undefined), s.once("data", () => s.write(state.answer)))))),
      get answer() {
        return state.answer;
      },
      set answer(a: Buffer) {
        state.answer = a;
      },
    };
  });
  afterAll(() => (tls.server.close(), sip.server.close()));

  test("TLS: subject and every planned SAN present, chain trusted: pass, with what was seen", async () => {
    const v = await checkTls(context(), tlsProbe(tls.port, ["sip.contoso.com", "webconf.contoso.com", "sip.fabrikam.com"]));
    expect(v).toMatchObject({ pass: true });
    expect(v.detail).toMatch(
      /^sip\.contoso\.com \[sip\.contoso\.com, webconf\.contoso\.com, sip\.fabrikam\.com\], TLSv1\.[23], rsa 2048, sha256WithRSAEncryption/,
    );
  });

  test("TLS: a planned SAN missing, an untrusted chain, a forbidden name: each named", async () => {
    const missing = await checkTls(context(), tlsProbe(tls.port, ["sip.contoso.com", "webconf.contoso.com", "sip.fabrikam.com", "sip.litware.com"]));
    expect(missing).toMatchObject({ pass: false, detail: expect.stringContaining("SANs lack sip.litware.com") });
    const untrusted = await checkTls(context({ ca: [OTHER_CA] }), tlsProbe(tls.port, ["sip.contoso.com"]));
    expect(untrusted).toMatchObject({ pass: false, detail: expect.stringContaining("chain not trusted") });
    const forbidden = await checkTls(context(), { ...tlsProbe(tls.port, ["sip.contoso.com"]), forbiddenNames: ["sip.fabrikam.com"] });
    expect(forbidden).toMatchObject({ pass: false, detail: expect.stringContaining("must not carry sip.fabrikam.com") });
    // Names the certificate has and the plan does not: a warning, not a failure.
    const extra = await checkTls(context(), tlsProbe(tls.port, ["sip.contoso.com"]));
    expect(extra.pass).toBe(true);
    expect(extra.warnings).toContain("SANs not in the plan: webconf.contoso.com, sip.fabrikam.com");
  });

  test("SIP: the 401 passes, naming the schemes, the registrar and Server; another product's header is a warning", async () => {
    sip.answer = LYNC_401;
    const v = await checkSipRegister(context(), tlsProbe(sip.port, []));
    expect(v.pass).toBe(true);
    expect(v.detail).toMatch(/^401 NTLM targetname=\S+, TLS-DSK targetname=\S+, Server: RTC\/6\.0/);
    const older = await checkSipRegister(context({ sipServer: { header: "RTC/5.0", verified: true } }), tlsProbe(sip.port, []));
    expect((older.warnings ?? []).some((w) => w.includes("the planned product answers RTC/5.0"))).toBe(true);
  });

  test("SIP: a 504 with ms-diagnostics fails, quoting them (the Edge did not reach its next hop)", async () => {
    sip.answer = Buffer.from(
      LYNC_401.toString("latin1")
        .replace("401 Unauthorized", "504 Server time-out")
        .replace(/\r\nWWW-Authenticate:[^\r]*/g, "")
        .replace("\r\nServer:", '\r\nms-diagnostics: 1046;reason="Failed to connect to a peer server"\r\nServer:'),
      "latin1",
    );
    const v = await checkSipRegister(context(), tlsProbe(sip.port, []));
    expect(v).toMatchObject({ pass: false });
    expect(v.detail).toMatch(/^504 Server time-out \(ms-diagnostics: 1046;reason="Failed to connect to a peer server"\)/);
    sip.answer = LYNC_401;
  });

  test("blocked: an open port and a refusing port both fail, each saying which", async () => {
    const open = await listening(createTcpServer((s) => s.end()));
    const blocked = (port: number): BlockedProbe => ({
      kind: "blocked",
      id: "b",
      site: "hq",
      from: { kind: "internet" },
      what: "",
      refs: [],
      transport: "TCP",
      address: "127.0.0.1",
      port,
    });
    expect(await checkBlocked(context(), blocked(open.port))).toMatchObject({ pass: false, detail: expect.stringContaining("connected") });
    open.server.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(await checkBlocked(context(), blocked(open.port))).toMatchObject({ pass: false, detail: expect.stringContaining("refused") });
  });
});

describe("MS-TURN verdicts", () => {
  const base = { transport: "udp" as const, target: "131.107.155.30:3478", attempts: 1, elapsedMs: 3, request: "", transactionId: "" };
  const challenge = (alternate?: string): MsTurnProbeResult => ({
    ...base,
    outcome: "answer",
    from: "131.107.155.30:3478",
    answer: {
      kind: "challenge",
      code: 401,
      reason: "Unauthorized",
      realm: "contoso.com",
      nonce: "n",
      attributes: [],
      ...(alternate ? { alternateServer: { family: "IPv4", address: alternate, port: 3478 } } : {}),
    } as never,
  });
  test("a challenge passes; a different public address fails naming both (NAT-02); none is a warning", () => {
    expect(judgeMsTurn(challenge("131.107.155.30"), ["131.107.155.30"]).pass).toBe(true);
    expect(judgeMsTurn(challenge("10.45.16.30"), ["131.107.155.30"])).toMatchObject({
      pass: false,
      detail: expect.stringContaining("public address is 10.45.16.30, the plan says 131.107.155.30 (NAT-02)"),
    });
    expect(judgeMsTurn(challenge(), ["131.107.155.30"]).warnings).toEqual([expect.stringContaining("no ALTERNATE-SERVER")]);
  });
  test("silence is no answer (never 'closed'); an RFC 5389 server is named as not an A/V Edge", () => {
    expect(judgeMsTurn({ ...base, outcome: "no-answer", detail: "3 requests" }).detail).toMatch(/^no answer .*not "closed"/);
    const coturn: MsTurnProbeResult = {
      ...base,
      outcome: "answer",
      from: "x",
      answer: { kind: "unexpected", cause: "rfc5389", detail: "RFC 5389 cookie", attributes: [] },
    };
    expect(judgeMsTurn(coturn)).toMatchObject({ pass: false, detail: expect.stringContaining("not an MS-TURN A/V Edge") });
  });
});

describe("reports", () => {
  const probes = buildProbes(bundledPlan("single-consolidated-nat"));
  const result = (p: Probe, pass: boolean, extra: Partial<PerimeterResult> = {}): PerimeterResult => ({
    id: p.id,
    check: "port",
    probe: p,
    pass,
    detail: "a | b <x>",
    warnings: [],
    elapsedMs: 5,
    ...extra,
  });
  const report: PerimeterReport = {
    scenario: "single-consolidated-nat",
    title: "T",
    from: "internet",
    resolver: "192.0.2.53",
    elapsedMs: 1234,
    results: [result(probes[0], true, { warnings: ["w"] }), result(probes[1], false), result(probes[2], false, { skipped: true })],
  };
  test("the summary counts passes, warnings and probes not run; JUnit has the same counts", () => {
    expect(perimeterSummary(report)).toBe("1/2 probes pass; 1 with warnings; 1 not run from the Internet");
    const junit = perimeterJunit(report);
    expect(junit).toContain('tests="3" failures="1" skipped="1"');
    expect(junit).toContain("a | b &lt;x&gt;");
  });
  test("text a server sent cannot break the JUnit file or reach the terminal as control characters", () => {
    const hostile = { ...report, results: [result(probes[1], false, { detail: "503 \u001b[31mred\u0000 & <b>", warnings: ["\u0007bell"] })] };
    const parsed = JSON.stringify(new XMLParser({ ignoreAttributes: false }).parse(perimeterJunit(hostile), true));
    expect(parsed).toContain("503 [31mred");
    // eslint-disable-next-line no-control-regex -- looking for control characters is the point
    expect(perimeterLine(hostile.results[0])).not.toMatch(/[\u0000-\u0008\u001b]/);
  });

  test("nothing run is no proof: all checks skipped is not a pass", () => {
    expect(perimeterPassed({ ...report, results: [result(probes[2], false, { skipped: true })] })).toBe(false);
    expect(perimeterPassed({ ...report, results: [result(probes[0], true), result(probes[2], false, { skipped: true })] })).toBe(true);
  });

  test("Markdown escapes what it quotes; JSON is one document with every result", () => {
    const md = perimeterMarkdown(report);
    expect(md.split("\n").filter((l) => l.startsWith("| ")).length).toBe(4);
    expect(md).not.toContain("a | b <x>");
    const json = JSON.parse(perimeterJson(report));
    expect(json.results.map((r: { pass: boolean }) => r.pass)).toEqual([true, false, false]);
    expect(json.results[2].skipped).toBe(true);
  });
});

describe("the command refuses bad flags before sending anything", () => {
  const file = join(SCENARIO_DIR, "single-consolidated-nat.yaml");
  test.each([
    [["--only", "dns,ping"], "--only ping: not a check"],
    [["--from", "mars"], "--from mars: use internet or internal"],
    [["--timeout", "5"], "--timeout 5: milliseconds"],
    [["--rate", "0"], "--rate 0: checks per second"],
    [["--silence", "50"], "--silence 50: milliseconds, 100-60000"],
    [["--silence", "1.5"], "--silence 1.5: milliseconds, 100-60000"],
    [["--resolver", "dns.example"], "--resolver dns.example:"],
    [["--ca", join(FIX, "missing.crt")], "--ca "],
    [["--ca", join(FIX, "lync-register-401.txt")], `--ca ${join(FIX, "lync-register-401.txt")}: not a PEM certificate file`],
    [["--site", "nowhere"], "--site nowhere: the scenario has no such site"],
  ])("%s", async (flags, message) => {
    let out = "";
    let err = "";
    const code = await run(["probe", file, ...flags], { out: (t) => (out += t), err: (t) => (err += t) });
    expect({ code, out }).toEqual({ code: 1, out: "" });
    expect(err).toContain(`edge-lab probe: ${message}`);
  });
});
