import type { PolicyRule } from "../types";

const SECRET_KEY = /pass(word)?|secret|private_?key|client_secret|sas_?token|access_?key/i;
/** "password: hunter2", "Password=...", "-Password 'x'" in scripts and cloud-init. */
const SECRET_IN_TEXT = /(?:password|passwd|secret)\s*[:=]\s*["']?(?!\$\{)[^\s"'$]{4,}|-(?:Admin)?Password\s+["'](?!\$\{)[^"']{4,}/i;

const isReference = (value: string) => /^\$\{[^}]+\}$/.test(value.trim());

function decodeMaybeBase64(value: string): string {
  if (!/^[A-Za-z0-9+/=\s]{16,}$/.test(value)) return value;
  const decoded = Buffer.from(value, "base64").toString("utf8");
  // Control characters mean the value was binary, not base64 text: check it as written.
  // eslint-disable-next-line no-control-regex
  return /[\u0000-\u0008\u000e-\u001f]/.test(decoded) ? value : decoded;
}

function scan(value: unknown, path: string, key: string, out: string[]): void {
  if (typeof value === "string") {
    if (SECRET_KEY.test(key) && value !== "" && !isReference(value) && !/_(enabled|authentication)$/.test(key)) {
      out.push(`${path} is a literal value; use a sensitive variable or a generated password reference`);
    } else if (SECRET_IN_TEXT.test(decodeMaybeBase64(value))) {
      out.push(`${path} contains what looks like a password literal`);
    }
    return;
  }
  if (Array.isArray(value)) value.forEach((v, i) => scan(v, `${path}.${i}`, String(i), out));
  else if (value && typeof value === "object") for (const [k, v] of Object.entries(value)) if (k !== "//") scan(v, path ? `${path}.${k}` : k, k, out);
}

export const NoSecretLiterals: PolicyRule = {
  id: "LAB-POL-09",
  level: "error",
  info: "A secret or password literal appears in the synthesized output.",
  explanation:
    "cdk.tf.json is reviewed, diffed and committed; passwords come from the random provider or a sensitive variable, never as text (including custom data and extension settings).",
  checkov: ["CKV_AZURE_45"],
  trivy: ["AVD-AZU-0037"],
  check: (resource) => {
    const out: string[] = [];
    scan(resource.attrs, "", "", out);
    return out;
  },
};
