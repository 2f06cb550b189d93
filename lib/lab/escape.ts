/**
 * Escaping of text for each output format edge-lab writes. Scenario text is validated first (LAB-TEXT-01/02: no
 * Terraform markers, no control characters, a title on one line); these functions make every writer safe on its
 * own, whatever text reaches it (plan text built in code, future fields).
 */

// C0/C1 controls except tab, DEL, and the characters YAML 1.1 (cloud-init's PyYAML) and Unicode treat as line breaks.
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const UNSAFE_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069\ufeff]/g;
const LINE_BREAKS = /\r\n|[\n\r\u0085\u2028\u2029]/g;

/** Text on one line: line breaks become spaces, other control characters are dropped. */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKS, " ").replace(UNSAFE_CONTROLS, "");
}

// Characters XML 1.0 does not allow anywhere (C0 controls but tab, LF, CR; the surrogates' halves alone; FFFE / FFFF).
// eslint-disable-next-line no-control-regex -- removing control characters is the point
const NOT_XML = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/**
 * Text in an XML element or double-quoted attribute (the JUnit reports): markup characters as entities, characters XML 1.0
 * forbids dropped, so that text a server sent (a reason phrase, a header, a certificate name) cannot break the file.
 */
export function xmlText(text: string): string {
  return text.replace(NOT_XML, "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/**
 * Markdown text that renders literally inside a line: no raw HTML (`<`, `>`, `&` as entities) and the characters
 * that open inline syntax backslash-escaped (CommonMark allows a backslash before any ASCII punctuation), so that a
 * title cannot open a link or image, emphasis, a code span, strikethrough or a table cell.
 */
export function markdownText(text: string): string {
  return oneLine(text)
    .replace(/[\\`*_[\]|~]/g, (c) => `\\${c}`)
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

/**
 * Markdown paragraphs from multi-line text: each line escaped as `markdownText`, and a line that would start a block
 * (heading, list item, thematic break, setext underline, fenced or indented code) has its first mark escaped.
 */
export function markdownParagraphs(text: string): string {
  return text
    .replace(/\r\n?/g, "\n")
    .split("\n")
    .map((line) => markdownText(line.trim()).replace(/^([#+\-=]|\d+(?=[.)]))/, (m) => (/^\d/.test(m) ? `${m}\\` : `\\${m}`)))
    .join("\n")
    .replace(/\n{3,}/g, "\n\n")
    .trim();
}

/**
 * Text inside a PowerShell block comment (`<# ... #>`, comment-based help): on one line, and without the sequences
 * that close or nest the block.
 */
export function powerShellCommentText(text: string): string {
  return oneLine(text).replace(/#>/g, "# >").replace(/<#/g, "< #");
}

/** Text of a zone file comment (`; ...` runs to the end of the line): one line. */
export function zoneCommentText(text: string): string {
  return oneLine(text);
}

/**
 * Content of a YAML literal block (`|`) as PyYAML reads it: the YAML 1.1 line breaks other than "\n" (CR, NEL,
 * U+2028, U+2029) would end a line without the block's indentation and let the rest be read as YAML keys, so they
 * are normalised to "\n" (CR LF to one "\n"); other control characters are dropped.
 */
export function yamlLiteralBlockText(text: string): string {
  return text.replace(LINE_BREAKS, "\n").replace(UNSAFE_CONTROLS, "");
}
