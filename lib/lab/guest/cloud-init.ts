/** A minimal cloud-config writer (YAML subset: packages, write_files with literal blocks, runcmd). */
import { yamlLiteralBlockText } from "../escape";

export interface CloudInitFile {
  readonly path: string;
  readonly content: string;
  /** Octal permissions. @default "0644" */
  readonly permissions?: string;
}

export interface CloudInit {
  readonly packages?: readonly string[];
  readonly files?: readonly CloudInitFile[];
  readonly runcmd?: readonly string[];
}

const quote = (s: string) => JSON.stringify(s);

function block(content: string, indent: string): string {
  return yamlLiteralBlockText(content)
    .replace(/\n$/, "")
    .split("\n")
    .map((l) => (l.length ? `${indent}${l}` : ""))
    .join("\n");
}

/** Renders a `#cloud-config` document. */
export function cloudConfig(c: CloudInit): string {
  const out = ["#cloud-config", "package_update: true"];
  if (c.packages?.length) out.push("packages:", ...c.packages.map((p) => `  - ${p}`));
  if (c.files?.length) {
    out.push("write_files:");
    for (const f of c.files) {
      out.push(`  - path: ${f.path}`, `    permissions: "${f.permissions ?? "0644"}"`, "    content: |", block(f.content, "      "));
    }
  }
  if (c.runcmd?.length) out.push("runcmd:", ...c.runcmd.map((r) => `  - ${quote(r)}`));
  return `${out.join("\n")}\n`;
}
