/**
 * The probe agent's UDP exchange (lib/emulate/agent.ts), run as the emulator runs it (`node agent.js probe <file>`) on
 * the loopback: its socket is connected, so an ICMP port unreachable (a host that got the datagram and has nothing
 * listening, or --mutate's refusing firewall) ends the probe at once with ECONNREFUSED instead of the timeout; an
 * answer from the target still passes.
 */
import { execFile } from "node:child_process";
import { promisify } from "node:util";
import { createSocket, type Socket } from "node:dgram";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { AGENT_SOURCE } from "../../lib/emulate/agent";
import { freePort } from "../probe/standin-helper";

let echo: Socket;
let echoPort = 0;
let closedPort = 0;

beforeAll(async () => {
  echo = createSocket("udp4");
  echo.on("message", (_m, r) => echo.send(JSON.stringify({ remote: `${r.address}:${r.port}` }), r.port, r.address));
  await new Promise<void>((resolve) => echo.bind(0, "127.0.0.1", resolve));
  echoPort = echo.address().port;
  closedPort = await freePort("udp");
});

afterAll(() => new Promise<void>((resolve) => echo.close(() => resolve())));

test("UDP: an answering target passes; a closed port is refused at once (ECONNREFUSED), not after the timeout", async () => {
  const dir = mkdtempSync(join(tmpdir(), "edge-lab-agent-"));
  writeFileSync(join(dir, "agent.js"), AGENT_SOURCE);
  const items = [
    { type: "udp", host: "127.0.0.1", port: echoPort, local: "127.0.0.1", timeoutMs: 20_000 },
    { type: "udp", host: "127.0.0.1", port: closedPort, local: "127.0.0.1", timeoutMs: 20_000 },
  ];
  writeFileSync(join(dir, "items.json"), JSON.stringify(items));
  // Both items run in parallel; a closed port waited out would take the whole 20 s, past this test's 10 s bound. (Not
  // execFileSync: the echo socket answers from this process.)
  const { stdout: out } = await promisify(execFile)(process.execPath, [join(dir, "agent.js"), "probe", join(dir, "items.json")], {
    encoding: "utf8",
    timeout: 10_000,
  });
  const [answered, refused] = JSON.parse(out) as { ok: boolean; error?: string; reply?: { remote?: string } }[];
  expect(answered).toMatchObject({ ok: true, reply: { remote: expect.stringMatching(/^127\.0\.0\.1:\d+$/) } });
  expect(refused).toEqual({ ok: false, error: "ECONNREFUSED" });
}, 15_000);
