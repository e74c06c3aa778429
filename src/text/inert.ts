/**
 * Inert text: the one output filter for every string that came from outside
 * (a dump, a rule file, a command's output, a file name). Characters that a
 * terminal, a Markdown renderer or a reader's eye would take for something
 * other than text become visible escapes:
 *
 * - C0 controls (including ESC, BEL, CR, LF) and DEL: `\x1b`, `\x07` ...;
 *   a tab becomes one space, since it moves the cursor and nothing else;
 * - C1 controls U+0080..U+009F (windows-1252 decoding can make them): `\u009b`;
 * - bidirectional controls (U+061C, U+200E, U+200F, U+202A..U+202E,
 *   U+2066..U+2069), zero-width characters (U+200B..U+200D, U+2060, U+FEFF)
 *   and the line and paragraph separators U+2028, U+2029: `\u202e`;
 * - a lone surrogate: `\ud800` (a valid pair stays as it is).
 *
 * Everything else, including printable Unicode in any script, passes
 * unchanged, so ordinary text costs one regular-expression test.
 */

// deno-lint-ignore no-control-regex
const UNSAFE = /[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff\ud800-\udfff]/;
// deno-lint-ignore no-control-regex
const UNSAFE_G = /[\x00-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

function escapeChar(c: string): string {
  const code = c.charCodeAt(0);
  if (code === 9) return " ";
  return code < 0x80 ? `\\x${code.toString(16).padStart(2, "0")}` : `\\u${code.toString(16).padStart(4, "0")}`;
}

/**
 * Returns `s` with every unsafe character made a visible escape (see the
 * module comment). Newlines are escaped too: use {@link inertLines} for
 * text that is meant to span lines.
 *
 * @example
 * ```ts
 * inert("java\x1b]52;c;cnk=\x07"); // "java\\x1b]52;c;cnk=\\x07"
 * ```
 */
export function inert(s: string): string {
  return UNSAFE.test(s) ? s.replace(UNSAFE_G, escapeChar) : s;
}

/** True when {@link inert} would change `s`. */
export function hasUnsafe(s: string): boolean {
  if (!UNSAFE.test(s)) return false;
  UNSAFE_G.lastIndex = 0;
  return UNSAFE_G.test(s);
}

/** Splits text on LF (and CRLF) and makes each line inert. */
export function inertLines(s: string): string[] {
  return s.split(/\r?\n/).map(inert);
}

// Characters JSON.stringify leaves raw that a terminal or a viewer would act on.
const JSON_UNSAFE_G = /[\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2060\u2066-\u2069\ufeff]/g;

/**
 * JSON text safe to print: JSON.stringify already writes C0 controls and
 * lone surrogates as `\uXXXX`; this writes DEL, C1, bidi, zero-width and
 * separator characters the same way. The parsed value is unchanged.
 */
export function inertJson(json: string): string {
  return json.replace(JSON_UNSAFE_G, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
}
