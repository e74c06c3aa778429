/**
 * What a paste adds around a tool's lines: Markdown from GitHub issues and
 * Q&A pages (code fences, `> ` quote markers, inline-code backticks around a
 * whole line, bare HTML tags) and leading line numbers (`cat -n`, `grep -n`,
 * an editor's gutter). The dispatcher reads each line through
 * {@link unwrapPaste}; a line no parser claims is offered once more without
 * its line number ({@link withoutLineNumber}).
 *
 * Tools never print these shapes at the start of a socket row, so the fast
 * row readers, which only take rows that start with a protocol, state word
 * or slot number and end in a state word, a port or kernel fields, never see
 * a line this changes.
 *
 * Every pattern here runs on a trimmed line and has no two neighbouring
 * parts that can match the same characters: a line of one odd character
 * after thousands of spaces or backticks takes linear time.
 */

// A fence: ``` or ~~~ (3 or more), optionally followed by a language tag
// ("```sh", "``` bash", "~~~console"), and nothing else; tested on the trimmed line.
const FENCE = /^(?:`{3,}|~{3,})\s*[\w+#.-]*$/;
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
  if ((c === 96 /* ` */ || c === 126 /* ~ */) && FENCE.test(s.trim())) return "";
  if (c === 60 /* < */) {
    if (HTML_TAG.test(s)) return "";
    s = s.replace(HTML_WRAP, "");
  } else if (s.indexOf("</") !== -1) s = s.replace(HTML_WRAP, "");
  if (s.indexOf("`") === -1) return s;
  // A fence glued to a row: "```tcp 0 0 ...", "... LISTEN```".
  let t = s.trim();
  if (t.startsWith("```") || t.endsWith("```")) s = t = withoutFences(t);
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

/** `t` without a run of three or more backticks at either end, trimmed. */
function withoutFences(t: string): string {
  let a = 0, b = t.length;
  while (a < b && t.charCodeAt(a) === 96) a++;
  if (a < 3) a = 0;
  const end = b;
  while (b > a && t.charCodeAt(b - 1) === 96) b--;
  if (end - b < 3) b = end;
  return t.slice(a, b).trim();
}

// "  12\ttcp ...", "12:tcp ...", "12-tcp ..." (grep -n context), "12 | tcp ...", "12. tcp".
const LINE_NUMBER = /^\s*\d{1,7}(?:[:\t]|\s*[|│]\s*|\.?\s+|-(?=[A-Za-z]))(?=\S)/;

/** The line without a leading line number, or undefined when it has none. */
export function withoutLineNumber(text: string): string | undefined {
  const m = LINE_NUMBER.exec(text);
  return m ? text.slice(m[0].length) : undefined;
}
