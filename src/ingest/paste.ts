/**
 * What a paste adds around a tool's lines: Markdown from GitHub issues and
 * Q&A pages (code fences, `> ` quote markers, inline-code backticks around a
 * whole line, bare HTML tags) and leading line numbers (`cat -n`, `grep -n`,
 * an editor's gutter). The dispatcher reads each line through
 * {@link unwrapPaste}; a line no parser claims is offered once more without
 * its line number ({@link withoutLineNumber}).
 *
 * Tools never print these shapes at the start of a socket row, so the fast
 * paths (fast_rows.ts), which only take rows that start with a protocol or
 * state word and end in a state word or a port, never see a line this
 * changes.
 */

// A fence: ``` or ~~~ (3 or more), optionally followed by a language tag
// ("```sh", "``` bash", "~~~console"), and nothing else.
const FENCE = /^\s*(?:`{3,}|~{3,})\s*[\w+#.-]*\s*$/;
// Bare HTML block tags GitHub renders: <details>, </summary>, <pre>, <br/>.
const HTML_TAG = /^\s*<\/?(?:details|summary|pre|code|p|br|div|blockquote|kbd|samp|tt|del|ins|s|strike|b|i|em|strong|sub|sup|hr)(?:\s[^<>]*)?\/?>\s*$/i;
// An HTML wrapper glued to the first or last row: "<pre>tcp 0 0 ..." / "...LISTEN</pre>".
const HTML_WRAP = /^\s*<(?:pre|code|samp)(?:\s[^<>]*)?>|<\/(?:pre|code|samp)>\s*$/gi;

/**
 * Removes Markdown and HTML wrapping from one line of a paste. Returns ""
 * for a line that is only wrapping (a fence, a bare tag, a lone `>`).
 */
export function unwrapPaste(text: string): string {
  let s = text;
  // Quote markers of a quoted comment: "> ", "> > ", ">" alone.
  if (s.charCodeAt(0) === 62 /* > */) s = s.replace(/^(?:>[ \t]?)+/, "");
  // The first character that is not a space or tab decides whether the line can be wrapping.
  let i = 0;
  while (i < s.length && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9)) i++;
  const c = s.charCodeAt(i);
  if ((c === 96 /* ` */ || c === 126 /* ~ */) && FENCE.test(s)) return "";
  if (c === 60 /* < */) {
    if (HTML_TAG.test(s)) return "";
    s = s.replace(HTML_WRAP, "");
  } else if (s.indexOf("</") !== -1) s = s.replace(HTML_WRAP, "");
  if (s.indexOf("`") === -1) return s;
  // A fence glued to a row: "```tcp 0 0 ...", "... LISTEN```".
  let t = s.trim();
  if (t.startsWith("```") || t.endsWith("```")) s = t = t.replace(/^`{3,}/, "").replace(/`{3,}$/, "").trim();
  // Inline code around the whole line, or an inline span cut by a line break:
  // "`tcp6 0 0 :::3000 :::* LISTEN 23788/node`", "`sudo lsof | grep x", "... (ESTABLISHED)`".
  if (t.length > 0 && (t.charCodeAt(0) === 96 || t.charCodeAt(t.length - 1) === 96)) {
    const a = t.charCodeAt(0) === 96 ? 1 : 0;
    const b = t.length > a && t.charCodeAt(t.length - 1) === 96 ? t.length - 1 : t.length;
    const inner = t.slice(a, b);
    // Only a single backtick at each end; a span inside the line (`ss -tan`) is prose.
    if (inner.indexOf("`") === -1) s = inner;
  }
  return s;
}

// "  12\ttcp ...", "12:tcp ...", "12-tcp ..." (grep -n context), "12 | tcp ...", "12. tcp".
const LINE_NUMBER = /^\s*\d{1,7}(?:[:\t]|\s*[|│]\s*|\.?\s+|-(?=[A-Za-z]))(?=\S)/;

/** The line without a leading line number, or undefined when it has none. */
export function withoutLineNumber(text: string): string | undefined {
  const m = LINE_NUMBER.exec(text);
  return m ? text.slice(m[0].length) : undefined;
}
