/**
 * lib/probe/web.ts against a Node https server started here, playing the reverse proxy for contoso.com with the
 * fixture certificate: lyncdiscover JSON, the user link's 401 (MsRtcOAuth and Bearer challenges, X-MS-Server-Fqdn),
 * a redirect that must not be followed, a page title, a body over the limit, a silent path. Host names are reached
 * through `connectTo: 127.0.0.1`, so SNI and Host carry the planned names.
 */
import { createServer as createHttpsServer, type Server } from "node:https";
import type { AddressInfo } from "node:net";
import type { TLSSocket } from "node:tls";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  checkUrl,
  httpsGet,
  MAX_BODY_BYTES,
  parseLyncdiscoverJson,
  probeLyncdiscover,
  probeUserLink,
  probeWebPath,
  readOAuthChallenge,
} from "../../lib/probe/web";

jest.setTimeout(20000);

const FIX = join(__dirname, "..", "fixtures", "probe");
const CA = readFileSync(join(FIX, "ca.crt"), "utf8");
const USER_PATH = "/Autodiscover/AutodiscoverService.svc/root/oauth/user?originalDomain=contoso.com";
const GRANTS = "urn:microsoft.rtc:windows,urn:microsoft.rtc:anonmeeting,password";

interface Seen {
  path: string;
  host?: string;
  servername?: string | false | null;
  accept?: string;
  authorization?: string;
}

describe("reverse proxy stand-in (Node https server)", () => {
  const seen: Seen[] = [];
  let port = 0;
  let server: Server;
  const pending: import("node:http").ServerResponse[] = [];

  beforeAll(async () => {
    server = createHttpsServer({ key: readFileSync(join(FIX, "edge-rsa.key")), cert: readFileSync(join(FIX, "edge-rsa.crt")) }, (req, res) => {
      const path = req.url ?? "";
      seen.push({
        path,
        host: req.headers.host,
        servername: (req.socket as TLSSocket).servername,
        accept: req.headers.accept,
        authorization: req.headers.authorization,
      });
      const json = (status: number, body: unknown): void => {
        res.writeHead(status, { "Content-Type": "application/json" });
        res.end(JSON.stringify(body));
      };
      if (path === "/") {
        if (req.headers.accept !== "application/json") return void res.writeHead(406).end();
        return json(200, {
          _links: {
            self: { href: `https://lyncdiscover.contoso.com:${port}/?originalDomain=contoso.com` },
            user: { href: `https://lyncweb.contoso.com:${port}${USER_PATH}` },
            xframe: { href: `https://lyncweb.contoso.com:${port}/Autodiscover/XFrame/XFrame.html` },
          },
        });
      }
      if (path === "/redirect") return json(200, { _links: { self: { href: "https://x/" }, redirect: { href: "https://lyncdiscover.fabrikam.com/" } } });
      if (path === USER_PATH) {
        res.setHeader("WWW-Authenticate", [
          `MsRtcOAuth href="https://lyncweb.contoso.com/WebTicket/oauthtoken",grant_type="${GRANTS}"`,
          'Bearer trusted_issuers="00000001-0000-0000-c000-000000000000@*", client_id="00000004-0000-0ff1-ce00-000000000000", authorization_uri="https://login.windows.net/common/oauth2/authorize"',
        ]);
        res.setHeader("X-MS-Server-Fqdn", "fe01.contoso.local");
        return json(401, { code: "Unauthorized" });
      }
      if (path === "/meet") return void res.writeHead(302, { Location: "/meet/" }).end();
      if (path === "/meet/") return void res.writeHead(200).end("followed!");
      if (path === "/dialin")
        return void res.writeHead(200, { "Content-Type": "text/html" }).end("<html><head><title> Dial-in Conferencing Settings </title></head></html>");
      if (path === "/abs") return void res.writeHead(401, { "WWW-Authenticate": ["Negotiate", "NTLM"] }).end();
      if (path === "/big") return void res.writeHead(200).end(Buffer.alloc(MAX_BODY_BYTES + 5000, 0x61));
      if (path === "/html") return void res.writeHead(200, { "Content-Type": "text/html" }).end("<html>IIS</html>");
      if (path === "/silent") return void pending.push(res);
      return void res.writeHead(404).end();
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    pending.forEach((r) => r.destroy());
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
  });

  const at = { connectTo: "127.0.0.1", timeoutMs: 3000 };

  test("lyncdiscover: JSON _links read; SNI, Host and Accept as a UCWA client sends them; the certificate lacks the name", async () => {
    const o = await probeLyncdiscover({ domain: "contoso.com", url: `https://lyncdiscover.contoso.com:${port}/`, ca: [CA], ...at });
    expect(o.error).toBeUndefined();
    expect(o.links).toMatchObject({ kind: "user", user: `https://lyncweb.contoso.com:${port}${USER_PATH}`, xframe: expect.stringMatching(/XFrame\.html$/) });
    // The fixture certificate has no lyncdiscover.contoso.com SAN: trusted chain, wrong name.
    expect(o.http).toMatchObject({ certificateTrusted: false, certificateError: "ERR_TLS_CERT_ALTNAME_INVALID" });
    expect(seen[seen.length - 1]).toEqual({
      path: "/",
      host: `lyncdiscover.contoso.com:${port}`,
      servername: "lyncdiscover.contoso.com",
      accept: "application/json",
      authorization: undefined,
    });
  });

  test("a name on the certificate with the CA is trusted; without the CA it is answered but untrusted", async () => {
    const trusted = await httpsGet({ url: `https://webconf.contoso.com:${port}/`, headers: { Accept: "application/json" }, ca: [CA], ...at });
    expect(trusted).toMatchObject({ status: 200, certificateTrusted: true, certificateError: undefined, tlsVersion: "TLSv1.3" });
    const o = await probeLyncdiscover({ domain: "contoso.com", url: `https://webconf.contoso.com:${port}/`, ...at });
    expect(o.links?.kind).toBe("user");
    expect(o.http).toMatchObject({ certificateTrusted: false, certificateError: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" });
  });

  test("the user link: 401, MsRtcOAuth web ticket href and grant types, Bearer authorization_uri, X-MS-Server-Fqdn, no credentials sent", async () => {
    const discover = await probeLyncdiscover({ domain: "contoso.com", url: `https://lyncdiscover.contoso.com:${port}/`, ...at });
    const o = await probeUserLink({ url: discover.links!.user!, ...at });
    expect(o.error).toBeUndefined();
    expect(o.http.status).toBe(401);
    expect(o.webTicketHref).toBe("https://lyncweb.contoso.com/WebTicket/oauthtoken");
    expect(o.grantTypes).toEqual(["urn:microsoft.rtc:windows", "urn:microsoft.rtc:anonmeeting", "password"]);
    expect(o.authorizationUri).toBe("https://login.windows.net/common/oauth2/authorize");
    expect(o.serverFqdn).toBe("fe01.contoso.local");
    expect(o.challenges.map((c) => c.scheme)).toEqual(["MsRtcOAuth", "Bearer"]);
    expect(seen[seen.length - 1]).toMatchObject({ path: USER_PATH, servername: "lyncweb.contoso.com", authorization: undefined });
  });

  test("meet: the 302 is reported and not followed", async () => {
    const before = seen.length;
    const o = await probeWebPath({ url: `https://meet.contoso.com:${port}/meet`, ...at });
    expect(o.http).toMatchObject({ status: 302, location: "/meet/" });
    expect(seen.slice(before).map((s) => s.path)).toEqual(["/meet"]);
  });

  test("dialin: page title; /abs: the challenge schemes", async () => {
    expect((await probeWebPath({ url: `https://dialin.contoso.com:${port}/dialin`, ...at })).title).toBe("Dial-in Conferencing Settings");
    expect((await probeWebPath({ url: `https://lyncweb.contoso.com:${port}/abs`, ...at })).challengeSchemes).toEqual(["Negotiate", "NTLM"]);
  });

  test("a body over the limit is cut and marked", async () => {
    const o = await httpsGet({ url: `https://lyncweb.contoso.com:${port}/big`, ...at });
    expect(o.body.length).toBe(MAX_BODY_BYTES);
    expect(o.bodyTruncated).toBe(true);
  });

  test("no answer: an error after the timeout", async () => {
    const started = Date.now();
    const o = await httpsGet({ url: `https://lyncweb.contoso.com:${port}/silent`, connectTo: "127.0.0.1", timeoutMs: 300 });
    expect(o.error).toBe("no answer within 300 ms");
    expect(Date.now() - started).toBeLessThan(2000);
  });

  test("lyncdiscover answering HTML or 404: the reason, no links", async () => {
    expect((await probeLyncdiscover({ domain: "contoso.com", url: `https://lyncdiscover.contoso.com:${port}/html`, ...at })).error).toMatch(
      /^lyncdiscover: not JSON/,
    );
    expect((await probeLyncdiscover({ domain: "contoso.com", url: `https://lyncdiscover.contoso.com:${port}/nothing`, ...at })).error).toBe(
      "lyncdiscover answered 404, not 200",
    );
  });

  test("a redirect document", async () => {
    const o = await probeLyncdiscover({ domain: "contoso.com", url: `https://lyncdiscover.contoso.com:${port}/redirect`, ...at });
    expect(o.links).toMatchObject({ kind: "redirect", redirect: "https://lyncdiscover.fabrikam.com/" });
  });
});

describe("pure parts", () => {
  test("lyncdiscover JSON shapes and refusals", () => {
    expect(parseLyncdiscoverJson('\uFEFF{"_links":{"self":{"href":"a"},"user":{"href":"b"}}}')).toEqual({
      links: { self: "a", user: "b" },
      user: "b",
      redirect: undefined,
      xframe: undefined,
      kind: "user",
    });
    expect(parseLyncdiscoverJson('{"_links":{"self":{"href":"a"}}}').kind).toBe("none");
    expect(() => parseLyncdiscoverJson("<html/>")).toThrow(/^lyncdiscover: not JSON/);
    expect(() => parseLyncdiscoverJson('{"AccessLocation":"External","Root":{"Links":[]}}')).toThrow(/no "_links" object/);
    expect(() => parseLyncdiscoverJson('{"_links":[]}')).toThrow(/no "_links" object/);
  });

  test("OAuth challenge without grant types and without any challenge", () => {
    expect(readOAuthChallenge({ "www-authenticate": ['MsRtcOAuth href="https://x/WebTicket/oauthtoken"'] })).toMatchObject({
      grantTypes: [],
      webTicketHref: "https://x/WebTicket/oauthtoken",
    });
    expect(readOAuthChallenge({})).toMatchObject({ challenges: [], grantTypes: [], webTicketHref: undefined, authorizationUri: undefined });
  });

  test("only https URLs without credentials", () => {
    expect(() => checkUrl("http://lyncdiscover.contoso.com/")).toThrow(/only https URLs are probed/);
    expect(() => checkUrl("https://user:pw@lyncdiscover.contoso.com/")).toThrow(/the probe sends no credentials/);
    expect(() => checkUrl("not a url")).toThrow(/not a URL/);
    expect(checkUrl("https://meet.contoso.com/x").hostname).toBe("meet.contoso.com");
  });

  test("a domain that is not a domain name is refused before any request", async () => {
    await expect(probeLyncdiscover({ domain: "contoso.com/evil?" })).rejects.toThrow(/is not a domain name/);
  });
});
