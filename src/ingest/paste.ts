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

// "A> tcp ...", "JD> > tcp ...": initials and one or more quote markers (tested first: a letter or two, then ">").
const SUPERCITE = /^[A-Za-z]{1,3}>(?:[ \t]?>)*[ \t]/;
// **x** around a word (no space or star inside): each try stops at the next star, so linear.
const EMPHASIS = /\*\*([^\s*][^*\s]*)\*\*/g;

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
  // Quote markers of a quoted comment: "> ", "> > ", ">" alone; a mail client's "A> > " (initials before the marker).
  // A reply quoting a mail with initials quotes ("> A> > ") has both, plain markers first.
  if (s.charCodeAt(0) === 62 /* > */) s = s.replace(/^(?:>[ \t]?)+/, "");
  if (SUPERCITE.test(s)) s = s.replace(SUPERCITE, "");
  // Markdown bold around a figure the paster wanted seen: "tcp   **121347**   0 ...".
  if (s.indexOf("**") !== -1) s = s.replace(EMPHASIS, "$1");
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

// "  12\ttcp ...", "12:tcp ...", "12-tcp ..." (grep -n context), "12 | tcp ...", "12. tcp", and a web page's
// numbered list run into its text: "1.time_wait 346".
const LINE_NUMBER = /^\s*\d{1,7}(?:[:\t]|\s*[|│]\s*|\.?\s+|-(?=[A-Za-z])|\.(?=[A-Za-z]))(?=\S)/;

/** The line without a leading line number, or undefined when it has none. */
export function withoutLineNumber(text: string): string | undefined {
  const m = LINE_NUMBER.exec(text);
  return m ? text.slice(m[0].length) : undefined;
}

/**
 * A line of a table drawn with pipes ("| tcp | 0 | 0 | 10.0.0.1:80 | ... |",
 * "TCP | 1048396 | 0 | ..."), or one a web page left cell borders at the end
 * of ("TCP: inuse 9 tw 3 | |"), without them: "" for a separator row
 * ("|---|---|"), undefined when the line has no such pipes.
 */
export function withoutTablePipes(text: string): string | undefined {
  const first = text.indexOf("|");
  if (first === -1) return undefined;
  let end = text.length;
  while (end > 0 && (text.charCodeAt(end - 1) === 32 || text.charCodeAt(end - 1) === 9)) end--;
  const trailing = end > 0 && text.charCodeAt(end - 1) === 124 /* | */;
  if (!trailing && text.indexOf("|", first + 1) === -1) return undefined;
  const s = text.split("|").map((cell) => cell.trim()).filter((cell) => cell !== "").join("  ");
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c !== "-" && c !== "=" && c !== "+" && c !== ":" && c !== " ") return s;
  }
  return "";
}

// A protocol word a socket row starts with.
const PROTO = /^(?:tcp|tcp4|tcp6|tcp46|TCP|TCPv6|udp|udp4|udp6|udp46|UDP|UDPv6)$/;

/** The first half of a socket row a terminal folded (`tcp SYN-RECV`, `tcp 3008 0`): a protocol and a few fields. */
export function foldedRowStart(text: string): boolean {
  const t = text.trim().split(/\s+/);
  return t.length <= 6 && PROTO.test(t[0]);
}

/**
 * The rows of a table a web page ran into one line, when the row structure
 * is plain: each row starts with the protocol word the line starts with
 * (`tcp 0 0 a b ESTABLISHED ... tcp 0 0 ...`, Windows `TCP a b LISTENING
 * TCP ...`), or, for `ss`, with a state word followed by the two queues.
 * Undefined for a line that is one row (most lines: fewer than ten fields).
 */
export function collapsedRows(tokens: string[], isState: (word: string) => boolean): string[][] | undefined {
  const n = tokens.length;
  if (n < 10) return undefined;
  const t0 = tokens[0];
  const proto = PROTO.test(t0);
  if (!proto && !isState(t0)) return undefined;
  const digits = (w: string | undefined) => w !== undefined && /^\d+$/.test(w);
  const cuts = [0];
  for (let k = 3; k < n - 2; k++) {
    if (k - cuts[cuts.length - 1] < 3) continue;
    const w = tokens[k];
    const cut = proto ? w === t0 || PROTO.test(w) && (digits(tokens[k + 1]) || /[:.]\d/.test(tokens[k + 1])) : isState(w) && digits(tokens[k + 1]) && digits(tokens[k + 2]);
    if (cut) cuts.push(k);
  }
  if (cuts.length < 2) return undefined;
  const out: string[][] = [];
  for (let c = 0; c < cuts.length; c++) out.push(tokens.slice(cuts[c], c + 1 < cuts.length ? cuts[c + 1] : n));
  return out;
}
