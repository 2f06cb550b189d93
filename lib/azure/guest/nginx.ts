/**
 * nginx configuration of the lab reverse proxy, generated from the plan's publishing rules (RP-02, RP-03, RP-04):
 * one server block per published FQDN and bridge (443 -> 4443 and 80 -> 8080 for Lync web services), the Host header
 * forwarded unchanged, no authentication (pass-through, the Lync web services authenticate).
 *
 * TLS: nginx terminates and re-encrypts (SSL bridging). The lab creates a self-signed certificate per published name
 * at first boot (`selfSignedCertCommands`); replace it with the public certificate of the plan's certificate table.
 * The upstream certificate is the internal pool certificate, which the lab VM does not trust: verification is off.
 */
import type { PublishingRule } from "../../model/plan";

export const NGINX_CERT_DIR = "/etc/nginx/edge-lab";

/** The nginx `conf.d` file for the publishing rules of one reverse proxy listening on `listenIp`. */
export function nginxConfig(rules: readonly PublishingRule[], listenIp: string): string {
  const out: string[] = [
    "# edge-lab reverse proxy: generated from the plan's publishing rules; do not edit by hand.",
    "map $http_upgrade $connection_upgrade { default upgrade; '' close; }",
    "",
  ];
  for (const rule of rules) {
    for (const bridge of rule.bridges) {
      const tls = bridge.scheme === "https";
      out.push(`# ${rule.publicName}: ${rule.purpose} (${bridge.scheme} ${bridge.listen} -> ${rule.target.fqdn}:${bridge.target}) [${rule.refs.join(" ")}]`);
      out.push("server {");
      out.push(`  listen ${listenIp}:${bridge.listen}${tls ? " ssl" : ""};`);
      out.push(`  server_name ${rule.publicName};`);
      if (tls) {
        out.push(`  ssl_certificate ${NGINX_CERT_DIR}/${rule.publicName}.crt;`);
        out.push(`  ssl_certificate_key ${NGINX_CERT_DIR}/${rule.publicName}.key;`);
        out.push("  ssl_protocols TLSv1.2 TLSv1.3;");
      }
      out.push("  client_max_body_size 0;");
      out.push(`  location / {`);
      out.push(`    proxy_pass ${bridge.scheme}://${rule.target.ip}:${bridge.target};`);
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
export function selfSignedCertCommands(rules: readonly PublishingRule[]): string[] {
  const names = [...new Set(rules.filter((r) => r.bridges.some((b) => b.scheme === "https")).map((r) => r.publicName))];
  return [
    `mkdir -p ${NGINX_CERT_DIR}`,
    ...names.map(
      (n) =>
        `[ -f ${NGINX_CERT_DIR}/${n}.crt ] || openssl req -x509 -nodes -newkey rsa:2048 -days 365 -subj "/CN=${n}" -addext "subjectAltName=DNS:${n}" -keyout ${NGINX_CERT_DIR}/${n}.key -out ${NGINX_CERT_DIR}/${n}.crt`,
    ),
  ];
}
