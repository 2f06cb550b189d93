/**
 * The reverse proxy's generated nginx configuration with real nginx:
 * - `nginx -t` accepts the configuration of every reverse proxy of every bundled scenario, exactly as generated (the
 *   plan's listener address and ports 443/80), run in a throwaway network namespace whose loopback holds that address;
 * - a functional test on 127.0.0.1 proves the publishing rules of contoso-enterprise's hq reverse proxy. Test-only
 *   rendering options of the generator (`NginxOptions`) move the listeners to free high ports (for 443 and 80) and
 *   point each plan target (address:port) to a local backend; everything else is the generated text. The backends
 *   are Node https/http servers that record the Host header, TLS and SNI of what they receive. The per-name
 *   certificates are made by the generator's own `selfSignedCertCommands` with the real openssl.
 */
import { constants as cryptoConstants } from "node:crypto";
import { copyFileSync, readFileSync, writeFileSync } from "node:fs";
import { createServer as createHttpServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import { createServer as createHttpsServer, request as httpsRequest } from "node:https";
import { connect, createServer as createNetServer, type AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { join } from "node:path";
import { nginxConfig, selfSignedCertCommands } from "../../lib/lab/guest/nginx";
import { nginxMainConf } from "../../lib/lab/daemon-conf";
import type { Plan, PublishingRule } from "../../lib/model/plan";
import { bundledPlan, bundledScenarioIds } from "../helpers";
import { describeWithTools } from "../system-tools";
import { run, startChild, tempDir, type Child } from "./tools";

jest.setTimeout(30000);

/** The reverse proxies of a plan: publishing rules per site and the proxy's external (listener) address. */
function reverseProxies(plan: Plan): { site: string; listenIp: string; rules: PublishingRule[] }[] {
  return plan.servers
    .filter((s) => s.role === "reverse-proxy")
    .map((s) => ({
      site: s.site,
      listenIp: s.interfaces.find((i) => i.side === "external")!.addresses[0].ip,
      rules: plan.publishingRules.filter((r) => r.site === s.site),
    }));
}

/** A throwaway EC certificate and key, <name>.crt and <name>.key in `dir`, made by the real openssl. */
function selfSignedCertificate(dir: string, name: string, cn: string): void {
  const args = ["req", "-x509", "-nodes", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-days", "2", "-subj", `/CN=${cn}`];
  run("openssl", [...args, "-keyout", join(dir, `${name}.key`), "-out", join(dir, `${name}.crt`)]);
}

describeWithTools("nginx -t accepts the generated reverse proxy configuration", ["root", "netns", "nginx", "openssl", "unshare", "ip"], () => {
  const dir = tempDir("edge-lab-nginx-t-");
  beforeAll(() => {
    selfSignedCertificate(dir.dir, "test", "edge-lab test");
  });
  afterAll(() => dir.remove());

  test.each(bundledScenarioIds())("%s: every reverse proxy", (id) => {
    const proxies = reverseProxies(bundledPlan(id));
    expect(proxies.length).toBeGreaterThan(0);
    for (const rp of proxies) {
      for (const name of new Set(rp.rules.map((r) => r.publicName))) {
        copyFileSync(join(dir.dir, "test.key"), join(dir.dir, `${name}.key`));
        copyFileSync(join(dir.dir, "test.crt"), join(dir.dir, `${name}.crt`));
      }
      const conf = join(dir.dir, `${id}-${rp.site}.conf`);
      writeFileSync(conf, nginxConfig(rp.rules, rp.listenIp, { certDir: dir.dir }));
      writeFileSync(join(dir.dir, "nginx.conf"), nginxMainConf(dir.dir, conf));
      const script = `ip link set lo up && ip addr add ${rp.listenIp}/32 dev lo && nginx -t -q -e stderr -p ${dir.dir}/ -c ${dir.dir}/nginx.conf`;
      const r = run("unshare", ["--net", "sh", "-c", script], { allowFail: true });
      expect({ proxy: `${id}/${rp.site}`, status: r.status, stderr: r.stderr }).toEqual({ proxy: `${id}/${rp.site}`, status: 0, stderr: "" });
    }
  });
});

interface Seen {
  readonly backend: string;
  readonly host: string | undefined;
  readonly tls: boolean;
  readonly sni: string | undefined;
  readonly url: string | undefined;
}

interface Reply {
  readonly ok: boolean;
  readonly status?: number;
  readonly body?: Seen;
  /** Subject CN of the certificate nginx presented. */
  readonly certCn?: string;
  readonly error?: string;
}

async function freePort(): Promise<number> {
  const s = createNetServer();
  await new Promise<void>((resolve) => s.listen(0, "127.0.0.1", resolve));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((resolve) => s.close(() => resolve()));
  return port;
}

function request(scheme: "https" | "http", port: number, host: string, sni = host): Promise<Reply> {
  return new Promise((resolve) => {
    const options = { host: "127.0.0.1", port, path: "/probe", headers: { Host: host }, timeout: 5000 };
    const done = (r: Reply) => resolve(r);
    const onResponse = (res: IncomingMessage) => {
      let data = "";
      const certCn = scheme === "https" ? ((res.socket as TLSSocket).getPeerCertificate().subject?.CN as string | undefined) : undefined;
      res.on("data", (d) => (data += d));
      res.on("end", () => done({ ok: true, status: res.statusCode, body: res.statusCode === 200 ? (JSON.parse(data) as Seen) : undefined, certCn }));
    };
    const req = scheme === "https" ? httpsRequest({ ...options, servername: sni, rejectUnauthorized: false }, onResponse) : httpRequest(options, onResponse);
    req.on("timeout", () => req.destroy(new Error("timeout")));
    req.on("error", (e: NodeJS.ErrnoException) => done({ ok: false, error: e.code ?? e.message }));
    req.end();
  });
}

describeWithTools("nginx proxies the publishing rules (contoso-enterprise hq, on loopback)", ["nginx", "openssl"], () => {
  const plan = bundledPlan("contoso-enterprise");
  const rp = reverseProxies(plan).find((p) => p.site === "hq")!;
  const dir = tempDir("edge-lab-nginx-");
  const backends = new Map<string, { port: number; server: Server }>();
  const seen: Seen[] = [];
  const ports = new Map<number, number>();
  let nginx: Child | undefined;

  beforeAll(async () => {
    // The generator's certificate commands, with the real openssl, into the test directory.
    run("sh", ["-c", selfSignedCertCommands(rp.rules, join(dir.dir, "certs")).join(" && ")], { timeoutMs: 30000 });
    selfSignedCertificate(dir.dir, "backend", "backend");
    // No session tickets: a resumed TLS 1.2 session reports no servername in Node (socket.servername is false), so a
    // backend would record nginx's SNI only when nginx happened not to resume (it does under load: a flaky test).
    const tlsOptions = {
      key: readFileSync(join(dir.dir, "backend.key")),
      cert: readFileSync(join(dir.dir, "backend.crt")),
      secureOptions: cryptoConstants.SSL_OP_NO_TICKET,
    };

    // One backend per plan target address:port; it answers with what it received.
    for (const rule of rp.rules) {
      for (const b of rule.bridges) {
        const target = `${rule.target.ip}:${b.target}`;
        if (backends.has(target)) continue;
        const handler = (req: IncomingMessage, res: import("node:http").ServerResponse) => {
          const socket = req.socket as TLSSocket;
          const record: Seen = {
            backend: target,
            host: req.headers.host,
            tls: Boolean(socket.encrypted),
            sni: socket.encrypted ? socket.servername || undefined : undefined,
            url: req.url,
          };
          seen.push(record);
          res.writeHead(200, { "content-type": "application/json" });
          res.end(JSON.stringify(record));
        };
        const server = b.scheme === "https" ? createHttpsServer(tlsOptions, handler) : createHttpServer(handler);
        await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
        backends.set(target, { port: (server.address() as AddressInfo).port, server });
      }
    }
    for (const listen of new Set(rp.rules.flatMap((r) => r.bridges.map((b) => b.listen)))) ports.set(listen, await freePort());

    const conf = nginxConfig(rp.rules, "127.0.0.1", {
      certDir: join(dir.dir, "certs"),
      listenPort: (p) => ports.get(p)!,
      upstream: (rule, b) => `127.0.0.1:${backends.get(`${rule.target.ip}:${b.target}`)!.port}`,
    });
    writeFileSync(join(dir.dir, "edge-lab.conf"), conf);
    writeFileSync(join(dir.dir, "nginx.conf"), nginxMainConf(dir.dir, join(dir.dir, "edge-lab.conf")));
    run("nginx", ["-t", "-q", "-e", "stderr", "-p", `${dir.dir}/`, "-c", join(dir.dir, "nginx.conf")]);
    const started = startChild("nginx", ["-e", "stderr", "-p", `${dir.dir}/`, "-c", join(dir.dir, "nginx.conf")], /$^/);
    nginx = started.child;
    started.ready.catch(() => undefined);
    // Ready when every listener accepts connections (bounded).
    const deadline = Date.now() + 10000;
    for (const port of ports.values()) {
      for (;;) {
        const up = await new Promise<boolean>((resolve) => {
          const s = connect(port, "127.0.0.1", () => (s.destroy(), resolve(true)));
          s.on("error", () => resolve(false));
        });
        if (up) break;
        if (Date.now() > deadline) throw new Error(`nginx did not listen on ${port}:\n${nginx.output()}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  });

  afterAll(async () => {
    await nginx?.stop();
    await Promise.all([...backends.values()].map((b) => new Promise((resolve) => b.server.close(resolve))));
    dir.remove();
  });

  test("every published FQDN and bridge reaches its target with the original Host header; HTTPS is re-encrypted to the backend", async () => {
    expect(rp.rules.length).toBeGreaterThanOrEqual(5);
    const cases = rp.rules.flatMap((rule) => rule.bridges.map((b) => ({ rule, b })));
    expect(cases.some(({ b }) => b.listen === 443 && b.target === 4443)).toBe(true);
    expect(cases.some(({ b }) => b.listen === 80 && b.target === 8080)).toBe(true);
    const replies = await Promise.all(cases.map(({ rule, b }) => request(b.scheme, ports.get(b.listen)!, rule.publicName)));
    const got = cases.map(({ rule, b }, i) => ({
      request: `${b.scheme}://${rule.publicName}:${b.listen}`,
      status: replies[i].status,
      error: replies[i].error,
      cert: replies[i].certCn,
      ...replies[i].body,
    }));
    const want = cases.map(({ rule, b }) => ({
      request: `${b.scheme}://${rule.publicName}:${b.listen}`,
      status: 200,
      error: undefined,
      cert: b.scheme === "https" ? rule.publicName : undefined,
      backend: `${rule.target.ip}:${b.target}`,
      host: rule.publicName,
      tls: b.scheme === "https",
      sni: b.scheme === "https" ? rule.publicName : undefined,
      url: "/probe",
    }));
    expect(got).toEqual(want);
    // Once more, one after another: nginx now resumes its TLS sessions to the backends (proxy_ssl_session_reuse), and
    // the name it sends must still arrive.
    for (const { rule, b } of cases.filter((c) => c.b.scheme === "https")) {
      const again = await request(b.scheme, ports.get(b.listen)!, rule.publicName);
      expect({ request: rule.publicName, status: again.status, sni: again.body?.sni }).toEqual({ request: rule.publicName, status: 200, sni: rule.publicName });
    }
  });

  test("names the plan does not publish are refused and never reach a backend", async () => {
    const before = seen.length;
    const known = rp.rules[0].publicName;
    const [tlsUnknown, httpUnknown, tlsKnownSniUnknownHost] = await Promise.all([
      request("https", ports.get(443)!, "unknown.contoso.com"),
      request("http", ports.get(80)!, "unknown.contoso.com"),
      request("https", ports.get(443)!, "unknown.contoso.com", known),
    ]);
    expect(tlsUnknown.ok).toBe(false); // TLS handshake rejected (no certificate for the name)
    expect(httpUnknown.ok).toBe(false); // 444: connection closed without an answer
    expect(tlsKnownSniUnknownHost.ok).toBe(false);
    expect(seen.length).toBe(before);
  });
});
