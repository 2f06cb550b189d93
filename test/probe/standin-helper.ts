/** Runs the emulation's MS-TURN stand-in (lib/emulate/msturn-standin.ts) on loopback for the probe tests. */
import { spawn, type ChildProcess } from "node:child_process";
import { createSocket } from "node:dgram";
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { MSTURN_STANDIN_SOURCE } from "../../lib/emulate/msturn-standin";

export interface StandIn {
  readonly udpPort: number;
  readonly tcpPort: number;
  /** What reached the IETF TURN side (the stand-in pipes non-TLS TCP clients there). */
  readonly piped: Buffer[];
  stop(): Promise<void>;
}

/** A port of 127.0.0.1 that nothing listens on (bound, then closed again). */
export const freePort = (kind: "udp" | "tcp") =>
  new Promise<number>((resolve) => {
    if (kind === "udp") {
      const s = createSocket("udp4");
      s.bind(0, "127.0.0.1", () => {
        const { port } = s.address();
        s.close(() => resolve(port));
      });
    } else {
      const s = createServer();
      s.listen(0, "127.0.0.1", () => {
        const { port } = s.address() as AddressInfo;
        s.close(() => resolve(port));
      });
    }
  });

/** Starts the stand-in on 127.0.0.1 with `publicAddress` as its configured public address (ALTERNATE-SERVER). */
export async function startStandIn(publicAddress: string, realm = "contoso.com"): Promise<StandIn> {
  const piped: Buffer[] = [];
  const coturn: Server = createServer((s) => s.on("data", (d) => (piped.push(d), s.write(d))));
  await new Promise<void>((resolve) => coturn.listen(0, "127.0.0.1", resolve));
  const coturnPort = (coturn.address() as AddressInfo).port;
  const [udpPort, tcpPort] = [await freePort("udp"), await freePort("tcp")];
  const dir = mkdtempSync(join(tmpdir(), "msturn-"));
  writeFileSync(join(dir, "msturn.js"), MSTURN_STANDIN_SOURCE);
  const config = {
    udp: [{ host: "127.0.0.1", port: udpPort }],
    tcp: [{ host: "127.0.0.1", port: tcpPort, coturnPort }],
    realm,
    alternate: { "127.0.0.1": publicAddress },
  };
  writeFileSync(join(dir, "config.json"), JSON.stringify(config));
  const child: ChildProcess = spawn(process.execPath, [join(dir, "msturn.js"), join(dir, "config.json")], { stdio: ["ignore", "pipe", "pipe"] });
  await new Promise<void>((resolve, reject) => {
    let out = "";
    child.stdout!.on("data", (d) => (out += d) && out.includes("READY") && resolve());
    child.once("exit", (code) => reject(new Error(`stand-in exited ${code}`)));
  });
  return {
    udpPort,
    tcpPort,
    piped,
    stop: async () => {
      child.kill("SIGTERM");
      await new Promise<void>((resolve) => coturn.close(() => resolve()));
    },
  };
}

/** One datagram to the stand-in and the raw answer (or undefined after `ms`). */
export function exchangeUdp(port: number, request: Buffer, ms = 1000): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const s = createSocket("udp4");
    const timer = setTimeout(() => (s.close(), resolve(undefined)), ms);
    s.on("message", (m) => (clearTimeout(timer), s.close(), resolve(m)));
    s.send(request, port, "127.0.0.1");
  });
}
