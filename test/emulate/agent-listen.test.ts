/**
 * A serving probe agent also runs its namespace's listeners (lib/emulate/agent.ts, a listen request on its standard
 * input; issue 20: one Node process per namespace), run as the emulator runs it (`node agent.js serve`) on the
 * loopback: the request is answered once every listener is bound, the listeners answer as the listen mode's do, and
 * the agent outlives its standard input while it listens (the teardown ends it; --keep leaves it answering). A
 * listener that cannot bind is reported with its address and ends the agent. The A/V Edge's MS-TURN stand-in runs in
 * the agent the same way (an msturn request).
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdtempSync, writeFileSync } from "node:fs";
import { connect, createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AGENT_SOURCE } from "../../lib/emulate/agent";
import { MSTURN_STANDIN_SOURCE } from "../../lib/emulate/msturn-standin";
import { encodeAllocateRequest, interpretAllocateAnswer, msTurnTransactionId } from "../../lib/probe/msturn";
import { exchangeUdp, freePort } from "../probe/standin-helper";

const dir = mkdtempSync(join(tmpdir(), "edge-lab-agent-listen-"));
writeFileSync(join(dir, "agent.js"), AGENT_SOURCE);
writeFileSync(join(dir, "msturn.js"), MSTURN_STANDIN_SOURCE);

/** `node agent.js serve`, with its standard output read line by line. */
function serveAgent() {
  const child: ChildProcessWithoutNullStreams = spawn(process.execPath, [join(dir, "agent.js"), "serve"], { stdio: "pipe" });
  let buffer = "";
  const lines: string[] = [];
  const waiting: { resolve: (line: string) => void; reject: (e: Error) => void }[] = [];
  let stderr = "";
  child.stderr.setEncoding("utf8").on("data", (d: string) => (stderr += d));
  child.stdout.setEncoding("utf8").on("data", (d: string) => {
    buffer += d;
    for (let i = buffer.indexOf("\n"); i >= 0; i = buffer.indexOf("\n")) {
      const line = buffer.slice(0, i);
      buffer = buffer.slice(i + 1);
      const w = waiting.shift();
      if (w) w.resolve(line);
      else lines.push(line);
    }
  });
  // The next line as JSON; an agent that ends first fails the wait with what it wrote on standard error.
  const next = () =>
    new Promise<unknown>((resolve, reject) =>
      lines.length ? resolve(JSON.parse(lines.shift()!)) : waiting.push({ resolve: (l) => resolve(JSON.parse(l)), reject }),
    );
  const exited = new Promise<number | null>((resolve) =>
    child.on("exit", (code) => {
      for (const w of waiting.splice(0)) w.reject(new Error(`agent exited (${code}): ${stderr.slice(0, 500)}`));
      resolve(code);
    }),
  );
  return { child, next, exited };
}

/** The JSON line a raw TCP listener sends on connection. */
const lineFrom = (port: number) =>
  new Promise<string>((resolve, reject) => {
    let data = "";
    const s = connect({ host: "127.0.0.1", port });
    s.setEncoding("utf8").on("data", (d: string) => (data += d));
    s.on("end", () => resolve(data));
    s.on("error", reject);
  });

test("listen request: answered once bound; the listener answers; the agent outlives its standard input until SIGTERM", async () => {
  const port = await freePort("tcp");
  const file = join(dir, "listen-ok.json");
  writeFileSync(file, JSON.stringify({ tcp: [{ host: "127.0.0.1", port }], udp: [] }));
  const agent = serveAgent();
  try {
    expect(await agent.next()).toEqual({ ready: true });
    agent.child.stdin.write(JSON.stringify({ id: 7, listen: file }) + "\n");
    expect(await agent.next()).toEqual({ id: 7, replies: [] });
    expect(JSON.parse(await lineFrom(port))).toEqual({ local: `127.0.0.1:${port}`, remote: "127.0.0.1" });
    // The emulator closes the agents' standard input at the end of a run (and with --keep): a listening one stays.
    agent.child.stdin.end();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(agent.child.exitCode).toBeNull();
    expect(JSON.parse(await lineFrom(port))).toMatchObject({ local: `127.0.0.1:${port}` });
  } finally {
    agent.child.kill("SIGTERM");
  }
  expect(await agent.exited).toBe(0);
}, 15_000);

test("an agent that does not listen ends with its standard input", async () => {
  const agent = serveAgent();
  expect(await agent.next()).toEqual({ ready: true });
  agent.child.stdin.end();
  expect(await agent.exited).toBe(0);
}, 15_000);

test("a listener that cannot bind: the request fails with its address and the reason, and the agent ends", async () => {
  const taken: Server = createServer();
  await new Promise<void>((resolve) => taken.listen(0, "127.0.0.1", resolve));
  const { port } = taken.address() as AddressInfo;
  const file = join(dir, "listen-taken.json");
  writeFileSync(file, JSON.stringify({ tcp: [{ host: "127.0.0.1", port }] }));
  const agent = serveAgent();
  try {
    expect(await agent.next()).toEqual({ ready: true });
    agent.child.stdin.write(JSON.stringify({ id: 1, listen: file }) + "\n");
    expect(await agent.next()).toEqual({
      id: 1,
      replies: [{ ok: false, error: expect.stringMatching(new RegExp(`^listen 127\\.0\\.0\\.1:${port}/tcp: .*EADDRINUSE`)) }],
    });
    expect(await agent.exited).toBe(1);
  } finally {
    agent.child.kill("SIGTERM");
    await new Promise<void>((resolve) => taken.close(() => resolve()));
  }
}, 15_000);

test("msturn request: the MS-TURN stand-in runs in the agent and answers an Allocate with its 401", async () => {
  const port = await freePort("udp");
  const config = join(dir, "msturn-config.json");
  writeFileSync(config, JSON.stringify({ udp: [{ host: "127.0.0.1", port }], tcp: [], realm: "contoso.com", alternate: { "127.0.0.1": "131.107.155.30" } }));
  const agent = serveAgent();
  try {
    expect(await agent.next()).toEqual({ ready: true });
    agent.child.stdin.write(JSON.stringify({ id: 3, msturn: { script: join(dir, "msturn.js"), config } }) + "\n");
    expect(await agent.next()).toEqual({ id: 3, replies: [] });
    const tid = msTurnTransactionId(randomBytes(12));
    const answer = await exchangeUdp(port, encodeAllocateRequest({ transactionId: tid, msVersion: 6 }));
    expect(answer).toBeDefined();
    expect(interpretAllocateAnswer(answer!, tid)).toMatchObject({ kind: "challenge", realm: "contoso.com" });
  } finally {
    agent.child.kill("SIGTERM");
  }
}, 15_000);

test("a request whose file cannot be read fails with the reason, and the agent ends", async () => {
  const agent = serveAgent();
  try {
    expect(await agent.next()).toEqual({ ready: true });
    agent.child.stdin.write(JSON.stringify({ id: 2, msturn: { script: join(dir, "msturn.js"), config: join(dir, "no-such-config.json") } }) + "\n");
    expect(await agent.next()).toEqual({ id: 2, replies: [{ ok: false, error: expect.stringMatching(/^MS-TURN stand-in: ENOENT: .*no-such-config\.json/) }] });
    expect(await agent.exited).toBe(1);
  } finally {
    agent.child.kill("SIGTERM");
  }
}, 15_000);
