/**
 * SIP on the Access Edge (probe-protocols.md §1.2): one REGISTER without credentials over TLS. The Access Edge does no
 * authentication itself and passes the REGISTER to a Director / Front End, so a `401` with NTLM / TLS-DSK challenges
 * (realm, targetname, sts-uri) proves the Edge reaches its next hop; the `Server:` header names the generation
 * (`RTC/5.0` Lync 2013, `RTC/6.0` SfB 2015).
 *
 * Politeness (§0): one request on one fresh connection, a fixed probe identity ({@link PROBE_USER}), no credentials,
 * no retry, a timeout, close after the first final response.
 *
 * Not verified against a real Edge (probe-protocols.md §8 item 4):
 * VERIFY: the `Server:` value of SfB Server 2019 / Subscription Edition (RTC/7.0?); it is reported as sent.
 * VERIFY: what a real Edge answers to a REGISTER for a user that does not exist / a domain it does not serve
 *   (403 / 404?); the probe identity never exists, so a 401 is expected only if challenges come before the lookup.
 * VERIFY: the ms-diagnostics code of a 504 when the next hop is down; `diagnostics` carries the header as sent.
 * VERIFY: the response fixture (test/fixtures/probe/lync-register-401.txt) is shaped after the reference, not captured.
 *
 * No SIP library: a full stack (sip.js, drachtio) brings dialogs and transactions a single request does not need, so
 * the request is a fixed text and the response parser below is small, tolerant (folded headers, compact header
 * names, LF-only line ends, provisional 1xx skipped) and bounded (header bytes, header count, body size).
 */
import { randomBytes } from "node:crypto";
import { isIP } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { isHostName } from "./tls-records";

/** The only user name the probe ever sends. */
export const PROBE_USER = "edge-lab-probe";

export class SipParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SipParseError";
  }
}

export const MAX_HEADER_BYTES = 64 * 1024;
export const MAX_HEADERS = 256;
export const MAX_BODY_BYTES = 64 * 1024;

/** RFC 3261 §7.3.3 compact forms (and RFC 3515/3841/4028 ones a server might use). */
const COMPACT: Readonly<Record<string, string>> = {
  i: "call-id",
  m: "contact",
  e: "content-encoding",
  l: "content-length",
  c: "content-type",
  f: "from",
  s: "subject",
  k: "supported",
  t: "to",
  v: "via",
  o: "event",
  r: "refer-to",
  b: "referred-by",
  j: "reject-contact",
  a: "accept-contact",
  d: "request-disposition",
  x: "session-expires",
  u: "allow-events",
  y: "identity",
};

export interface SipResponse {
  readonly status: number;
  readonly reason: string;
  /** Header lines in order, names as sent (compact forms expanded to the long lower-case name in `name`). */
  readonly headerLines: readonly { readonly name: string; readonly value: string }[];
  readonly body: string;
  /** Every value of a header (case-insensitive, compact forms accepted), in order; [] when absent. */
  all(name: string): string[];
  /** The first value of a header, or undefined. */
  get(name: string): string | undefined;
}

export type SipParseResult = { readonly complete: false } | { readonly complete: true; readonly response: SipResponse; readonly consumed: number };

const canonical = (name: string) => {
  const lower = name.toLowerCase();
  return COMPACT[lower] ?? lower;
};

function headerEnd(data: Buffer, from: number): { end: number; sepLen: number } | undefined {
  const crlf = data.indexOf("\r\n\r\n", from, "latin1");
  const lf = data.indexOf("\n\n", from, "latin1");
  if (crlf < 0 && lf < 0) return undefined;
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { end: crlf, sepLen: 4 };
  return { end: lf, sepLen: 2 };
}

/**
 * Parses one SIP response from the start of `data` (bytes received so far). `complete: false` means read more.
 * Throws SipParseError when the bytes are not a SIP/2.0 response, exceed the bounds, or carry a bad Content-Length.
 */
export function parseSipResponse(data: Buffer): SipParseResult {
  let start = 0;
  while (start + 1 < data.length && data[start] === 0x0d && data[start + 1] === 0x0a) start += 2; // keep-alive CRLFs
  const end = headerEnd(data, start);
  if (!end) {
    if (data.length - start > MAX_HEADER_BYTES) throw new SipParseError(`no end of SIP headers within ${MAX_HEADER_BYTES} bytes`);
    if (
      data.length - start >= 8 &&
      !data
        .subarray(start, start + 8)
        .toString("latin1")
        .startsWith("SIP/2.0 ")
    ) {
      throw new SipParseError(`not a SIP response: starts with ${JSON.stringify(data.subarray(start, start + 40).toString("latin1"))}`);
    }
    return { complete: false };
  }
  if (end.end - start > MAX_HEADER_BYTES) throw new SipParseError(`SIP headers longer than ${MAX_HEADER_BYTES} bytes`);
  const head = data.subarray(start, end.end).toString("utf8");
  const lines = head.split(/\r?\n/);
  const statusLine = lines[0];
  const m = /^SIP\/2\.0 ([1-6]\d\d)(?: (.*))?$/.exec(statusLine);
  if (!m) throw new SipParseError(`not a SIP/2.0 status line: ${JSON.stringify(statusLine.slice(0, 80))}`);
  const headerLines: { name: string; value: string }[] = [];
  for (const [i, line] of lines.slice(1).entries()) {
    if (/^[ \t]/.test(line)) {
      // RFC 3261 §7.3.1 header folding: continuation of the previous header's value.
      const prev = headerLines[headerLines.length - 1];
      if (!prev) throw new SipParseError(`line ${i + 2}: continuation line before any header`);
      prev.value = `${prev.value} ${line.trim()}`.trim();
      continue;
    }
    const h = /^([A-Za-z0-9!%'*+.^_`|~-]+)[ \t]*:[ \t]*(.*)$/.exec(line);
    if (!h) throw new SipParseError(`line ${i + 2}: not a header: ${JSON.stringify(line.slice(0, 80))}`);
    if (headerLines.length >= MAX_HEADERS) throw new SipParseError(`more than ${MAX_HEADERS} headers`);
    headerLines.push({ name: canonical(h[1]), value: h[2].trim() });
  }
  const all = (name: string) => headerLines.filter((h) => h.name === canonical(name)).map((h) => h.value);
  const lengths = all("content-length");
  if (new Set(lengths).size > 1) throw new SipParseError(`conflicting Content-Length headers: ${lengths.join(", ")}`);
  // Over a stream transport Content-Length is mandatory (RFC 3261 §20.14); tolerate its absence as an empty body.
  const lengthText = lengths[0] ?? "0";
  if (!/^\d{1,9}$/.test(lengthText)) throw new SipParseError(`bad Content-Length ${JSON.stringify(lengthText)}`);
  const bodyLength = Number(lengthText);
  if (bodyLength > MAX_BODY_BYTES) throw new SipParseError(`Content-Length ${bodyLength} exceeds ${MAX_BODY_BYTES}`);
  const bodyStart = end.end + end.sepLen;
  if (data.length < bodyStart + bodyLength) return { complete: false };
  const response: SipResponse = {
    status: Number(m[1]),
    reason: m[2] ?? "",
    headerLines,
    body: data.subarray(bodyStart, bodyStart + bodyLength).toString("utf8"),
    all,
    get: (name) => all(name)[0],
  };
  return { complete: true, response, consumed: bodyStart + bodyLength };
}

// ---------------------------------------------------------------------------------------------------------------
// Challenges (SIP WWW-Authenticate / Proxy-Authenticate, and HTTP WWW-Authenticate for web.ts)

export interface AuthChallenge {
  /** As sent ("NTLM", "TLS-DSK", "Kerberos", "MsRtcOAuth", "Bearer", ...). */
  readonly scheme: string;
  /** auth-params, names lower-cased, values unquoted. */
  readonly params: Readonly<Record<string, string>>;
  /** A token68 (e.g. "Negotiate <base64>") instead of params. */
  readonly token68?: string;
}

/**
 * Parses challenges from header values. One SIP WWW-Authenticate header carries one challenge (Lync sends one header
 * per scheme); an HTTP header may carry several ("Negotiate, NTLM"), which are split here as RFC 9110 §11.6.1 says: a
 * new challenge starts where a token is followed by a space or by a comma / the end. Quoted values may contain
 * commas (grant_type="a,b,c"). Throws SipParseError for an unterminated quoted string.
 */
export function parseChallenges(values: readonly string[]): AuthChallenge[] {
  const out: AuthChallenge[] = [];
  for (const value of values) {
    let i = 0;
    const s = value;
    const skipWs = () => {
      while (i < s.length && (s[i] === " " || s[i] === "\t")) i++;
    };
    const token = () => {
      const m = /^[A-Za-z0-9!#$%&'*+.^_`|~-]+/.exec(s.slice(i));
      if (!m) return undefined;
      i += m[0].length;
      return m[0];
    };
    let current: { scheme: string; params: Record<string, string>; token68?: string } | undefined;
    while (i < s.length) {
      skipWs();
      if (i >= s.length) break;
      if (s[i] === ",") {
        i++;
        continue;
      }
      const t = token();
      if (t === undefined) throw new SipParseError(`challenge: unexpected ${JSON.stringify(s.slice(i, i + 20))} at ${i} in ${JSON.stringify(s.slice(0, 80))}`);
      skipWs();
      if (current && s[i] === "=") {
        // name=value: an auth-param of the current challenge
        i++;
        skipWs();
        let v: string;
        if (s[i] === '"') {
          i++;
          v = "";
          while (i < s.length && s[i] !== '"') {
            if (s[i] === "\\" && i + 1 < s.length) i++;
            v += s[i++];
          }
          if (i >= s.length) throw new SipParseError(`challenge: unterminated quoted value for ${t} in ${JSON.stringify(s.slice(0, 80))}`);
          i++;
        } else {
          const m = /^[^,\s]*/.exec(s.slice(i));
          v = m ? m[0] : "";
          i += v.length;
        }
        current.params[t.toLowerCase()] = v;
        continue;
      }
      // A new challenge: scheme, then maybe a token68.
      current = { scheme: t, params: {} };
      out.push(current);
      skipWs();
      const t68 = /^[A-Za-z0-9+/._~-]+=*(?=[ \t]*(,|$))/.exec(s.slice(i));
      if (t68) {
        current.token68 = t68[0];
        i += t68[0].length;
      }
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------------------------
// REGISTER

export interface RegisterRequestParts {
  /** SIP domain of the plan (Request-URI and the probe identity's domain). */
  readonly domain: string;
  /** Our address and port as the server sees the socket (Via, Contact). */
  readonly localAddress: string;
  readonly localPort: number;
  readonly callId: string;
  readonly branch: string;
  readonly tag: string;
}

const TOKEN = /^[A-Za-z0-9.!%*_+`'~-]{1,64}$/;

/** Fresh Call-ID, Via branch (RFC 3261 magic cookie z9hG4bK) and From tag: unique per request. */
export function newIdentifiers(): Pick<RegisterRequestParts, "callId" | "branch" | "tag"> {
  return { callId: randomBytes(12).toString("hex"), branch: `z9hG4bK${randomBytes(8).toString("hex")}`, tag: randomBytes(6).toString("hex") };
}

/**
 * The REGISTER of probe-protocols.md §1.2. Every field is validated: no CR/LF or header text can be injected through
 * the domain or the identifiers.
 */
export function buildRegister(p: RegisterRequestParts): string {
  if (!isHostName(p.domain)) throw new SipParseError(`SIP domain ${JSON.stringify(p.domain)} is not a domain name`);
  const family = isIP(p.localAddress);
  if (family === 0) throw new SipParseError(`local address ${JSON.stringify(p.localAddress)} is not an IP address`);
  if (!Number.isInteger(p.localPort) || p.localPort < 1 || p.localPort > 65535) throw new SipParseError(`bad local port ${p.localPort}`);
  for (const [k, v] of [
    ["Call-ID", p.callId],
    ["branch", p.branch],
    ["tag", p.tag],
  ] as const) {
    if (!TOKEN.test(v)) throw new SipParseError(`${k} ${JSON.stringify(v)} is not a SIP token`);
  }
  const host = family === 6 ? `[${p.localAddress}]` : p.localAddress;
  const aor = `sip:${PROBE_USER}@${p.domain}`;
  return [
    `REGISTER sip:${p.domain} SIP/2.0`,
    `Via: SIP/2.0/TLS ${host}:${p.localPort};branch=${p.branch}`,
    "Max-Forwards: 70",
    `From: <${aor}>;tag=${p.tag}`,
    `To: <${aor}>`,
    `Call-ID: ${p.callId}`,
    "CSeq: 1 REGISTER",
    `Contact: <sip:${host}:${p.localPort};transport=tls>`,
    "User-Agent: edge-lab-probe",
    "Content-Length: 0",
    "",
    "",
  ].join("\r\n");
}

export interface SipRegisterOptions {
  readonly host: string;
  readonly port: number;
  readonly domain: string;
  /** SNI; default `host` when it is a name. */
  readonly servername?: string | false;
  readonly timeoutMs?: number;
}

export interface SipChallengeSummary {
  readonly scheme: string;
  readonly realm?: string;
  readonly targetname?: string;
  readonly version?: string;
  /** TLS-DSK: the certificate provisioning service URL (leaks the pool web FQDN). */
  readonly stsUri?: string;
  readonly params: Readonly<Record<string, string>>;
}

export interface SipRegisterObservation {
  readonly host: string;
  readonly port: number;
  readonly domain: string;
  readonly tlsVersion?: string;
  /** The request as sent (no secrets in it). */
  readonly request: string;
  readonly status?: number;
  readonly reason?: string;
  readonly server?: string;
  readonly challenges: readonly SipChallengeSummary[];
  /** `ms-diagnostics` (routing failures: 504 with 1009 / 1010 ...). */
  readonly diagnostics?: string;
  /** The Via the server echoed (ms-received-port / ms-received-cid on a Lync Edge). */
  readonly via?: string;
  /** Provisional responses seen before the final one ("100 Trying"). */
  readonly provisional: readonly number[];
  /** Set when no final response was read: timeout, connection failure, malformed response. */
  readonly error?: string;
  readonly response?: SipResponse;
}

/** Reduces a SIP response to what the plan comparison needs. */
export function summarizeChallenges(r: SipResponse): SipChallengeSummary[] {
  return parseChallenges([...r.all("www-authenticate"), ...r.all("proxy-authenticate")]).map((c) => ({
    scheme: c.scheme,
    realm: c.params.realm,
    targetname: c.params.targetname,
    version: c.params.version,
    stsUri: c.params["sts-uri"],
    params: c.params,
  }));
}

/**
 * Sends one REGISTER over a fresh TLS connection and reads until the first final response (or timeout), then closes.
 * Never throws for network or protocol problems: they are in `error`. Certificates are not checked here (tls-probe.ts
 * does that); the connection only carries the REGISTER.
 */
export function probeSipRegister(o: SipRegisterOptions): Promise<SipRegisterObservation> {
  const timeoutMs = o.timeoutMs ?? 5000;
  const servername = o.servername === false ? undefined : (o.servername ?? (isIP(o.host) === 0 ? o.host : undefined));
  if (!isHostName(o.domain)) return Promise.reject(new SipParseError(`SIP domain ${JSON.stringify(o.domain)} is not a domain name`));
  const ids = newIdentifiers();
  return new Promise((resolve) => {
    let data = Buffer.alloc(0);
    let request = "";
    let tlsVersion: string | undefined;
    const provisional: number[] = [];
    let settled = false;
    const base = () => ({ host: o.host, port: o.port, domain: o.domain, request, tlsVersion, provisional, challenges: [] as SipChallengeSummary[] });
    const finish = (r: SipRegisterObservation) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(r);
    };
    const socket = tlsConnect(
      { host: o.host, port: o.port, servername, rejectUnauthorized: false, minVersion: "TLSv1", ciphers: "DEFAULT:@SECLEVEL=0" },
      () => {
        tlsVersion = socket.getProtocol() ?? undefined;
        request = buildRegister({ domain: o.domain, localAddress: socket.localAddress ?? "0.0.0.0", localPort: socket.localPort ?? 5061, ...ids });
        socket.write(request);
      },
    );
    const timer = setTimeout(
      () => finish({ ...base(), error: request ? `no final SIP response within ${timeoutMs} ms` : `no TLS connection within ${timeoutMs} ms` }),
      timeoutMs,
    );
    socket.on("data", (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      try {
        for (;;) {
          const p = parseSipResponse(data);
          if (!p.complete) return;
          data = data.subarray(p.consumed);
          const r = p.response;
          if (r.status < 200) {
            provisional.push(r.status);
            if (provisional.length > 10) throw new SipParseError("more than 10 provisional responses");
            continue;
          }
          return finish({
            ...base(),
            status: r.status,
            reason: r.reason,
            server: r.get("server"),
            challenges: summarizeChallenges(r),
            diagnostics: r.get("ms-diagnostics"),
            via: r.get("via"),
            response: r,
          });
        }
      } catch (e) {
        finish({ ...base(), error: (e as Error).message });
      }
    });
    socket.once("error", (e) => finish({ ...base(), error: e.message }));
    socket.once("close", () => finish({ ...base(), error: "connection closed before a final SIP response" }));
  });
}
