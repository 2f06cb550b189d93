/**
 * Configuration around the generated files for running BIND and nginx unprivileged-style in one directory, in the
 * foreground (the emulation and the real-software tests): everything they write stays under `dir`.
 */
import { join } from "node:path";

/** named.conf `options` and an empty `controls` for a server listening on `addresses`, authoritative only. */
export function namedOptions(dir: string, addresses: readonly string[]): string[] {
  return [
    "options {",
    `  directory "${dir}";`,
    "  pid-file none;",
    `  session-keyfile "${join(dir, "session.key")}";`,
    `  listen-on port 53 { ${addresses.map((a) => `${a};`).join(" ")} };`,
    "  listen-on-v6 { none; };",
    "  recursion no;",
    "  dnssec-validation no;",
    "  allow-query { any; };",
    "};",
    "controls { };",
  ];
}

/** The main nginx.conf around a generated conf.d file: everything under `dir`, foreground, one process. */
export function nginxMainConf(dir: string, include: string): string {
  return [
    "daemon off;",
    "master_process off;",
    `pid ${dir}/nginx.pid;`,
    "error_log stderr notice;",
    "events { worker_connections 256; }",
    "http {",
    "  access_log off;",
    ...["client_body", "proxy", "fastcgi", "uwsgi", "scgi"].map((t) => `  ${t}_temp_path ${dir}/${t}_temp;`),
    `  include ${include};`,
    "}",
    "",
  ].join("\n");
}
