/**
 * The reverse proxy in front of the Front End / Director web services (probe-protocols.md §4): lyncdiscover's JSON
 * `_links`, the user link's anonymous 401 (the OAuth challenge names the web ticket service and the grant types
 * allowed from outside), and plain GETs of the simple URLs (`meet`, `dialin`) and external web service paths.
 *
 * node:https with `agent: false` (one fresh connection per request, closed after it), a timeout per request,
 * `rejectUnauthorized: false` (tls-probe.ts judges the certificate; here the HTTP answer matters, and the chain verdict
 * is still recorded), redirects never followed (the Location is reported), bodies read up to {@link MAX_BODY_BYTES}.
 * No cookies, no credentials, no NTLM paths unless the caller asks for them (they leak the AD domain, §4, opt-in).
 *
 * Not verified against a real reverse proxy (probe-protocols.md §8 item 5):
 * VERIFY: the browser-shaped lyncdiscover answer (`AccessLocation`, `Root.Links`) and what `AccessLocation:"Internal"`
 *   says about the 443→4443 mapping; only the UCWA JSON (`Accept: application/json`) is parsed here.
 * VERIFY: the status of `meet.<d>/`, `dialin.<d>/` and `/` on a real deployment; probeWebPath reports, never judges.
 * VERIFY: the Bearer `authorization_uri` challenge (modern authentication) next to or instead of MsRtcOAuth.
 */
import { request as httpsRequest } from "node:https";
import { request as httpRequest } from "node:http";
import type { IncomingHttpHeaders } from "node:http";
import type { TLSSocket } from "node:tls";
import { parseChallenges, type AuthChallenge } from "./sip";
import { isHostName } from "./tls-records";

export const MAX_BODY_BYTES = 256 * 1024;

export interface HttpsGetOptions {
  readonly url: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly timeoutMs?: number;
  /** Trusted CAs for the recorded chain verdict; default Node's bundled roots. */
  readonly ca?: readonly (string | Buffer)[];
  /** Connect here instead of the URL's host (a planned IP), keeping the URL's host for SNI and Host. */
  readonly connectTo?: string;
  readonly port?: number;
}

export interface HttpsObservation {
  readonly url: string;
  readonly status?: number;
  /** Headers as node:http merges them (duplicates joined with ", "). */
  readonly headers: IncomingHttpHeaders;
  /** Every header's values one by one (node:http headersDistinct): one entry per WWW-Authenticate line. */
  readonly headerValues: Readonly<Record<string, readonly string[]>>;
  readonly body: string;
  readonly bodyTruncated: boolean;
  /** Redirect target (not followed). */
  readonly location?: string;
  readonly tlsVersion?: string;
  /** node:tls's verdict: chain trusted (given CAs or Node's roots) and the certificate valid for the URL's host name. */
  readonly certificateTrusted?: boolean;
  /** Why not ("UNABLE_TO_VERIFY_LEAF_SIGNATURE", "ERR_TLS_CERT_ALTNAME_INVALID", ...). */
  readonly certificateError?: string;
  readonly error?: string;
}

/** Accepts only https URLs with a host name or IP and no credentials in them. */
export function checkUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new Error(`not a URL: ${JSON.stringify(url)}`);
  }
  if (u.protocol !== "https:") throw new Error(`only https URLs are probed, not ${JSON.stringify(url)}`);
  if (u.username || u.password) throw new Error(`the probe sends no credentials: ${JSON.stringify(url)} has some`);
  return u;
}

/** One GET; never throws for network problems (they are in `error`), only for a URL it refuses. */
export function httpsGet(o: HttpsGetOptions): Promise<HttpsObservation> {
  const u = checkUrl(o.url);
  const timeoutMs = o.timeoutMs ?? 5000;
  const host = u.hostname.replace(/^\[|\]$/g, "");
  return new Promise((resolve) => {
    let settled = false;
    const finish = (r: HttpsObservation) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      req.destroy();
      resolve(r);
    };
    const req = httpsRequest({
      host: o.connectTo ?? host,
      port: o.port ?? (u.port ? Number(u.port) : 443),
      path: `${u.pathname}${u.search}`,
      method: "GET",
      servername: isHostName(host) ? host : undefined,
      headers: { Host: u.host, "User-Agent": "edge-lab-probe", Accept: "*/*", ...o.headers },
      agent: false,
      rejectUnauthorized: false,
      ca: o.ca ? [...o.ca] : undefined,
      minVersion: "TLSv1",
      ciphers: "DEFAULT:@SECLEVEL=0",
    });
    const none = { headers: {}, headerValues: {}, body: "", bodyTruncated: false };
    const timer = setTimeout(() => finish({ url: o.url, ...none, error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    req.once("error", (e) => finish({ url: o.url, ...none, error: e.message }));
    req.once("response", (res) => {
      const socket = res.socket as TLSSocket;
      const headerValues = Object.fromEntries(Object.entries(res.headersDistinct).map(([k, v]) => [k, v ?? []]));
      const chunks: Buffer[] = [];
      let size = 0;
      let truncated = false;
      const done = () =>
        finish({
          url: o.url,
          status: res.statusCode,
          headers: res.headers,
          headerValues,
          body: Buffer.concat(chunks).toString("utf8"),
          bodyTruncated: truncated,
          location: res.headers.location,
          tlsVersion: socket.getProtocol?.() ?? undefined,
          certificateTrusted: socket.authorized,
          certificateError: socket.authorizationError ? String(socket.authorizationError) : undefined,
        });
      res.on("data", (c: Buffer) => {
        if (size + c.length > MAX_BODY_BYTES) {
          chunks.push(c.subarray(0, MAX_BODY_BYTES - size));
          size = MAX_BODY_BYTES;
          truncated = true;
          done();
          return;
        }
        chunks.push(c);
        size += c.length;
      });
      res.once("end", done);
      res.once("error", (e) => finish({ url: o.url, ...none, headers: res.headers, headerValues, status: res.statusCode, error: e.message }));
    });
    req.end();
  });
}

/**
 * One plain-HTTP GET (the reverse proxy's port 80, which Microsoft publishes for the simple URLs): status and headers,
 * the body is not read. Never throws for network problems; refuses anything but an http URL without credentials.
 */
export function httpGet(o: { url: string; connectTo?: string; port?: number; timeoutMs?: number }): Promise<HttpsObservation> {
  const u = new URL(o.url);
  if (u.protocol !== "http:" || u.username || u.password) throw new Error(`only http URLs without credentials: ${JSON.stringify(o.url)}`);
  const timeoutMs = o.timeoutMs ?? 5000;
  const none = { headers: {}, headerValues: {}, body: "", bodyTruncated: false };
  return new Promise((resolve) => {
    const req = httpRequest({
      host: o.connectTo ?? u.hostname,
      port: o.port ?? (u.port ? Number(u.port) : 80),
      path: `${u.pathname}${u.search}`,
      method: "GET",
      headers: { Host: u.host, "User-Agent": "edge-lab-probe", Accept: "*/*" },
      agent: false,
    });
    const finish = (r: HttpsObservation) => (clearTimeout(timer), req.destroy(), resolve(r));
    const timer = setTimeout(() => finish({ url: o.url, ...none, error: `no answer within ${timeoutMs} ms` }), timeoutMs);
    req.once("error", (e) => finish({ url: o.url, ...none, error: e.message }));
    req.once("response", (res) => {
      const headerValues = Object.fromEntries(Object.entries(res.headersDistinct).map(([k, v]) => [k, v ?? []]));
      finish({ url: o.url, status: res.statusCode, headers: res.headers, headerValues, body: "", bodyTruncated: true, location: res.headers.location });
    });
    req.end();
  });
}

// ---------------------------------------------------------------------------------------------------------------
// lyncdiscover

export interface LyncdiscoverLinks {
  /** Link name → href, as in `_links` (self, user, xframe, redirect, ...). */
  readonly links: Readonly<Record<string, string>>;
  readonly user?: string;
  readonly redirect?: string;
  readonly xframe?: string;
  /** "user": a user link (this proxy serves the domain); "redirect": go elsewhere; "none": neither. */
  readonly kind: "user" | "redirect" | "none";
}

/**
 * Parses lyncdiscover's UCWA JSON (`Accept: application/json`): `{"_links":{"self":{"href":…},"user":{"href":…},
 * "xframe":{"href":…}}}` or with `redirect` [UCWA-app] [STK]. Throws with the reason when it is not that shape.
 */
export function parseLyncdiscoverJson(text: string): LyncdiscoverLinks {
  let doc: unknown;
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ""));
  } catch (e) {
    throw new Error(`lyncdiscover: not JSON (${(e as Error).message}): ${JSON.stringify(text.slice(0, 80))}`);
  }
  const raw = (doc as { _links?: unknown })?._links;
  if (typeof raw !== "object" || raw === null || Array.isArray(raw))
    throw new Error(`lyncdiscover: no "_links" object in ${JSON.stringify(text.slice(0, 80))}`);
  const links: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw as Record<string, unknown>)) {
    const href = (value as { href?: unknown })?.href;
    if (typeof href === "string") links[name] = href;
  }
  const kind = links.user ? "user" : links.redirect ? "redirect" : "none";
  return { links, user: links.user, redirect: links.redirect, xframe: links.xframe, kind };
}

export interface LyncdiscoverObservation {
  readonly http: HttpsObservation;
  readonly links?: LyncdiscoverLinks;
  readonly error?: string;
}

/** GET https://lyncdiscover.<domain>/ with Accept: application/json (or `url` when given). */
export async function probeLyncdiscover(o: {
  domain: string;
  url?: string;
  timeoutMs?: number;
  ca?: readonly (string | Buffer)[];
  connectTo?: string;
  port?: number;
}) {
  if (!o.url && !isHostName(o.domain)) throw new Error(`SIP domain ${JSON.stringify(o.domain)} is not a domain name`);
  const http = await httpsGet({
    url: o.url ?? `https://lyncdiscover.${o.domain}/`,
    headers: { Accept: "application/json" },
    timeoutMs: o.timeoutMs,
    ca: o.ca,
    connectTo: o.connectTo,
    port: o.port,
  });
  if (http.error) return { http, error: http.error } satisfies LyncdiscoverObservation;
  if (http.status !== 200) return { http, error: `lyncdiscover answered ${http.status}, not 200` } satisfies LyncdiscoverObservation;
  try {
    return { http, links: parseLyncdiscoverJson(http.body) } satisfies LyncdiscoverObservation;
  } catch (e) {
    return { http, error: (e as Error).message } satisfies LyncdiscoverObservation;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// The user link's challenge

export interface OAuthChallengeObservation {
  readonly http: HttpsObservation;
  readonly challenges: readonly AuthChallenge[];
  /** MsRtcOAuth `href` (the web ticket OAuth endpoint) [UCWA-auth]. */
  readonly webTicketHref?: string;
  /** MsRtcOAuth `grant_type` values: urn:microsoft.rtc:windows, …:anonmeeting, password (missing = disabled externally, [MA]). */
  readonly grantTypes: readonly string[];
  /** Bearer `authorization_uri` (modern authentication through Azure AD / ADFS). */
  readonly authorizationUri?: string;
  /** `X-MS-Server-Fqdn`: the Front End that answered [STK]. */
  readonly serverFqdn?: string;
  readonly webTicketUrl?: string;
  readonly error?: string;
}

type HeaderValues = Readonly<Record<string, readonly string[] | undefined>>;
const headerList = (headers: HeaderValues, name: string): readonly string[] => headers[name] ?? [];

/** Pure: the challenge fields of a user-link response's headers (lower-case names, one value per header line). */
export function readOAuthChallenge(headers: HeaderValues): Omit<OAuthChallengeObservation, "http" | "error"> {
  const challenges = parseChallenges(headerList(headers, "www-authenticate"));
  const ms = challenges.find((c) => c.scheme.toLowerCase() === "msrtcoauth");
  // VERIFY (probe-protocols.md §8 item 5, §4): the Bearer form with authorization_uri is what modern-auth (hybrid
  // ADAL) deployments are reported to send; not seen against a real Edge reverse proxy here.
  const bearer = challenges.find((c) => c.scheme.toLowerCase() === "bearer" && c.params.authorization_uri);
  const grantTypes = (ms?.params.grant_type ?? "")
    .split(",")
    .map((g) => g.trim())
    .filter(Boolean);
  return {
    challenges,
    webTicketHref: ms?.params.href,
    grantTypes,
    authorizationUri: bearer?.params.authorization_uri,
    serverFqdn: headerList(headers, "x-ms-server-fqdn")[0],
    webTicketUrl: headerList(headers, "x-ms-webticketurl")[0],
  };
}

/** GET the user href from lyncdiscover without credentials; a 401 with the OAuth challenge is the expected answer. */
export async function probeUserLink(o: {
  url: string;
  timeoutMs?: number;
  ca?: readonly (string | Buffer)[];
  connectTo?: string;
  port?: number;
}): Promise<OAuthChallengeObservation> {
  const http = await httpsGet({ url: o.url, headers: { Accept: "application/json" }, timeoutMs: o.timeoutMs, ca: o.ca, connectTo: o.connectTo, port: o.port });
  if (http.error) return { http, challenges: [], grantTypes: [], error: http.error };
  let parsed: Omit<OAuthChallengeObservation, "http" | "error">;
  try {
    parsed = readOAuthChallenge(http.headerValues);
  } catch (e) {
    return { http, challenges: [], grantTypes: [], error: `WWW-Authenticate: ${(e as Error).message}` };
  }
  const error =
    http.status !== 401 ? `user link answered ${http.status}, not 401` : parsed.challenges.length === 0 ? "401 without WWW-Authenticate" : undefined;
  return { http, ...parsed, error };
}

/** Simple URLs and web service paths (§4 [RPV]): status, Location, Server, title; nothing followed. */
export interface WebPathObservation {
  readonly http: HttpsObservation;
  readonly title?: string;
  readonly challengeSchemes: readonly string[];
}

export async function probeWebPath(o: {
  url: string;
  timeoutMs?: number;
  ca?: readonly (string | Buffer)[];
  connectTo?: string;
  port?: number;
}): Promise<WebPathObservation> {
  // VERIFY (probe-protocols.md §8 item 5): the expected status of meet.<d>/ and dialin.<d>/ on a real deployment.
  const http = await httpsGet({
    url: o.url,
    headers: { Accept: "text/html,application/xhtml+xml,*/*" },
    timeoutMs: o.timeoutMs,
    ca: o.ca,
    connectTo: o.connectTo,
    port: o.port,
  });
  const title = /<title[^>]*>([^<]{0,200})<\/title>/i.exec(http.body)?.[1]?.trim();
  let challengeSchemes: string[] = [];
  try {
    challengeSchemes = parseChallenges(headerList(http.headerValues, "www-authenticate")).map((c) => c.scheme);
  } catch {
    challengeSchemes = headerList(http.headerValues, "www-authenticate").map((v) => v.split(/\s/)[0]);
  }
  return { http, title, challengeSchemes };
}
