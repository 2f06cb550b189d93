/**
 * nginx configuration of the lab reverse proxy, generated from the plan's publishing rules (RP-02, RP-03, RP-04):
 * one server block per published FQDN and bridge (443 -> 4443 and 80 -> 8080 for Lync web services), the Host header
 * forwarded unchanged (HLB-19: "forward host header" on the 4443 rule), no authentication (pass-through, the Lync web
 * services authenticate). nginx stands in for TMG 2010 / ISA 2006 / IIS ARR; the lab is IPv4 only, which TMG and ISA
 * need anyway (RP-09: no IPv6).
 *
 * TLS: nginx terminates and re-encrypts (SSL bridging). The lab creates a self-signed certificate per published name
 * at first boot (`selfSignedCertCommands`); replace it with the public certificate of the plan's certificate table.
 * The upstream certificate is the internal pool certificate, which the lab VM does not trust: verification is off.
 */
import type { PublishingRule } from "../../model/plan";

export const NGINX_CERT_DIR = "/etc/nginx/edge-lab";

type Bridge = PublishingRule["bridges"][number];

export interface NginxOptions {
  /** Directory of the `<published name>.crt` / `.key` files. @default NGINX_CERT_DIR */
  readonly certDir?: string;
  /** Port nginx binds for a bridge's listener port (the plan's 443 / 80 unless given; tests bind high ports). */
  readonly listenPort?: (port: number) => number;
  /** Upstream "address:port" of a rule's bridge (the plan's target address and port unless given). */
  readonly upstream?: (rule: PublishingRule, bridge: Bridge) => string;
}

/**
 * The nginx `conf.d` file for the publishing rules of one reverse proxy listening on `listenIp`.
 * Each listener also gets a default server that refuses names the plan does not publish: TLS handshakes for an
 * unknown name (SNI) are rejected, plain HTTP requests for an unknown Host are closed without an answer (444).
 */
export function nginxConfig(rules: readonly PublishingRule[], listenIp: string, options: NginxOptions = {}): string {
  const certDir = options.certDir ?? NGINX_CERT_DIR;
  const port = options.listenPort ?? ((p: number) => p);
  const upstream = options.upstream ?? ((rule: PublishingRule, bridge: Bridge) => `${rule.target.ip}:${bridge.target}`);
  const out: string[] = [
    "# edge-lab reverse proxy: generated from the plan's publishing rules; do not edit by hand.",
    "map $http_upgrade $connection_upgrade { default upgrade; '' close; }",
    "",
  ];
  const listeners = new Map<number, boolean>();
  for (const rule of rules) for (const b of rule.bridges) listeners.set(b.listen, b.scheme === "https");
  for (const [listen, tls] of [...listeners].sort((a, b) => a[0] - b[0])) {
    out.push(`# Names the plan does not publish: ${tls ? "TLS handshake rejected" : "connection closed without an answer"}.`);
    out.push("server {");
    out.push(`  listen ${listenIp}:${port(listen)}${tls ? " ssl" : ""} default_server;`);
    out.push("  server_name _;");
    if (tls) out.push("  ssl_reject_handshake on;");
    out.push("  return 444;");
    out.push("}");
    out.push("");
  }
  for (const rule of rules) {
    for (const bridge of rule.bridges) {
      const tls = bridge.scheme === "https";
      out.push(`# ${rule.publicName}: ${rule.purpose} (${bridge.scheme} ${bridge.listen} -> ${rule.target.fqdn}:${bridge.target}) [${rule.refs.join(" ")}]`);
      out.push("server {");
      out.push(`  listen ${listenIp}:${port(bridge.listen)}${tls ? " ssl" : ""};`);
      out.push(`  server_name ${rule.publicName};`);
      if (tls) {
        out.push(`  ssl_certificate ${certDir}/${rule.publicName}.crt;`);
        out.push(`  ssl_certificate_key ${certDir}/${rule.publicName}.key;`);
        out.push("  ssl_protocols TLSv1.2 TLSv1.3;");
      }
      out.push("  client_max_body_size 0;");
      out.push(`  location / {`);
      out.push(`    proxy_pass ${bridge.scheme}://${upstream(rule, bridge)};`);
      out.push("    proxy_set_header Host $host;");
      out.push("    proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;");
      out.push("    proxy_set_header Upgrade $http_upgrade;");
      out.push("    proxy_set_header Connection $connection_upgrade;");
      out.push("    proxy_http_version 1.1;");
      out.push("    proxy_read_timeout 900s;");
      out.push("    proxy_buffering off;");
      if (tls) {
        out.push("    proxy_ssl_server_name on;");
        out.push("    proxy_ssl_name $host;");
        out.push("    proxy_ssl_verify off;");
      }
      out.push("  }");
      out.push("}");
      out.push("");
    }
  }
  return out.join("\n");
}

/** Shell commands that create a self-signed certificate per published name (lab placeholder for the public one). */
export function selfSignedCertCommands(rules: readonly PublishingRule[], certDir: string = NGINX_CERT_DIR): string[] {
  const names = [...new Set(rules.filter((r) => r.bridges.some((b) => b.scheme === "https")).map((r) => r.publicName))];
  return [
    `mkdir -p ${certDir}`,
    ...names.map(
      (n) =>
        `[ -f ${certDir}/${n}.crt ] || openssl req -x509 -nodes -newkey rsa:2048 -days 365 -subj "/CN=${n}" -addext "subjectAltName=DNS:${n}" -keyout ${certDir}/${n}.key -out ${certDir}/${n}.crt`,
    ),
  ];
}
