/**
 * Markdown that says only what it says: text from a dump, a rule or a file
 * name becomes literal Markdown text, so no HTML, image, link or heading
 * from an input lands in a ticket. Every function makes its text inert
 * first (src/text/inert.ts).
 *
 * - {@link mdText}: prose; Markdown's punctuation is escaped, and so are
 *   the characters that would start an autolink (`://`, `www.`, `@`).
 * - {@link mdCode}: verbatim text in a code span, fenced with more
 *   backticks than any run in it.
 * - {@link mdBlock}: verbatim lines in a fenced block, with a fence longer
 *   than any backtick run in them.
 * - {@link mdCell}: text for a table cell (no line break, `|` escaped).
 */

import { inert } from "./inert.ts";

// Characters that start or end Markdown constructs anywhere in a line:
// emphasis, code, links, images, HTML, entities, tables, strikethrough. An
// underscore inside a word (CLOSE_WAIT) never makes emphasis, so it stays.
const INLINE = /[\\`*[\]<>!&|~]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])/g;
// At the start of a line they make headings, quotes, lists, rules, setext underlines.
const LINE_START = /^(\s*)([#>+=-]|\d+[.)])/;

/**
 * Prose as literal Markdown. With `lineStart`, the text begins a line (a
 * paragraph, a list item's text), where `#`, `>`, `-`, `+`, `=` and `1.`
 * would start a block: those are escaped too.
 *
 * @example
 * ```ts
 * mdText("<img src=x> [a](http://e.vil)"); // "\\<img src=x\\> \\[a\\](http\\://e.vil)"
 * ```
 */
export function mdText(s: string, lineStart = false): string {
  let out = inert(s).replace(INLINE, "\\$&");
  // GitHub links bare URLs, www. names and e-mail addresses: break each trigger.
  out = out.replace(/([A-Za-z][A-Za-z0-9+.-]*):(?=\/\/)/g, "$1\\:").replace(/\b(www)\./gi, "$1\\.").replace(/@/g, "\\@");
  if (!lineStart) return out;
  return out.replace(LINE_START, (_m, sp: string, mark: string) => `${sp}${mark.replace(/^([#>+=-])$/, "\\$1").replace(/([.)])$/, "\\$1")}`);
}

/** The longest run of backticks in `s`. */
function longestTicks(s: string): number {
  let best = 0;
  for (const m of s.matchAll(/`+/g)) best = Math.max(best, m[0].length);
  return best;
}

/**
 * Verbatim text as a code span: no Markdown inside is acted on.
 *
 * @example
 * ```ts
 * mdCode("a`b"); // "``a`b``"
 * ```
 */
export function mdCode(s: string): string {
  const t = inert(s);
  const fence = "`".repeat(longestTicks(t) + 1);
  // A span that starts or ends with a backtick needs a space inside the fence; and since CommonMark
  // takes one space off both ends of a span that has one at each (unless it is all spaces), so does that.
  const pad = /^`|`$/.test(t) || (/^ [^]* $/.test(t) && t.trim() !== "") ? " " : "";
  return `${fence}${pad}${t}${pad}${fence}`;
}

/** Verbatim lines as a fenced code block, fenced longer than any backtick run in them. */
export function mdBlock(lines: readonly string[], info = "text"): string[] {
  const body = lines.map(inert);
  const fence = "`".repeat(Math.max(3, longestTicks(body.join("\n")) + 1));
  return [fence + info, ...body, fence];
}

/** Any Markdown (already escaped, or code spans) made fit for a table cell. */
export function mdCell(markdown: string): string {
  // In a GFM table a | ends the cell even inside a code span, unless escaped.
  return markdown.replace(/\n/g, " ").replace(/(?<!\\)\|/g, "\\|");
}
