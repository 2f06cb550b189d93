/**
 * Checks on every string of a scenario, whatever field it is in (the schema checks each field's own format).
 *
 * - Terraform evaluates `${...}` and `%{...}` in any string of a .tf.json file at plan time (`${file("/etc/passwd")}`
 *   reads a local file), and cdktf resolves its own token markers (`${TfToken[TOKEN.12]}`, `#{TfToken[...]}`) when it
 *   synthesizes, which could route the generated admin password into a plain attribute. No scenario value needs them
 *   (LAB-TEXT-01).
 * - Control characters would break the line-oriented formats edge-lab writes (a newline in a title starts a new
 *   Markdown block, zone file record or PowerShell statement; ANSI escapes rewrite the terminal) and bidirectional
 *   overrides make text read differently from what it is (LAB-TEXT-02). A description may span lines.
 */
import type { RuleId } from "../rules/catalogue";

export interface TextFinding {
  readonly rule: RuleId;
  readonly path: readonly (string | number)[];
  readonly message: string;
}

const TERRAFORM_MARKER = /\$\{|%\{|TfToken\[/;
// C0 and C1 controls, DEL, line/paragraph separators, bidirectional embeddings, overrides and isolates, BOM.
// eslint-disable-next-line no-control-regex -- finding control characters is the point
const CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;
// eslint-disable-next-line no-control-regex -- as above
const CONTROL_EXCEPT_LINES = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/;
/** Fields whose text may span lines. */
const MULTI_LINE_FIELDS = new Set(["description"]);

/** A short, printable preview of a hostile value for the message. */
function preview(text: string): string {
  const escaped = JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}...` : text);
  return escaped.replace(/[\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}

/** Every finding for the strings (values and keys) of `input`, walked without recursion (inputs may be deep). */
export function textFindings(input: unknown): TextFinding[] {
  const findings: TextFinding[] = [];
  const stack: { value: unknown; path: (string | number)[] }[] = [{ value: input, path: [] }];
  while (stack.length > 0) {
    const { value, path } = stack.pop()!;
    if (typeof value === "string") {
      const last = path[path.length - 1];
      if (TERRAFORM_MARKER.test(value)) {
        findings.push({
          rule: "LAB-TEXT-01",
          path,
          message: `${preview(value)} contains a Terraform template sequence or cdktf token marker ("\${", "%{" or "TfToken["), which Terraform or cdktf would evaluate; remove it`,
        });
      }
      const control = typeof last === "string" && MULTI_LINE_FIELDS.has(last) ? CONTROL_EXCEPT_LINES : CONTROL;
      if (control.test(value)) {
        findings.push({
          rule: "LAB-TEXT-02",
          path,
          message: `${preview(value)} contains a control or bidirectional-override character; use plain text${control === CONTROL ? " on one line" : ""}`,
        });
      }
    } else if (Array.isArray(value)) {
      for (let i = value.length - 1; i >= 0; i--) stack.push({ value: value[i], path: [...path, i] });
    } else if (value !== null && typeof value === "object") {
      const entries = Object.entries(value);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i];
        if (TERRAFORM_MARKER.test(key) || CONTROL.test(key)) {
          findings.push({
            rule: TERRAFORM_MARKER.test(key) ? "LAB-TEXT-01" : "LAB-TEXT-02",
            path,
            message: `the key ${preview(key)} is not a scenario key and contains characters edge-lab refuses`,
          });
          continue;
        }
        stack.push({ value: child, path: [...path, key] });
      }
    }
  }
  return findings;
}
