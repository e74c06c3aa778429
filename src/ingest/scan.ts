/**
 * Scanning primitives that every format's careful parser and fast row
 * reader are built on, as std's csv/_io.ts serves both of its readers.
 *
 * Each works on a range `text[a, b)` of a string in place: a careful parser
 * passes a token (`tok, 0, tok.length`), a fast reader the bounds of a field
 * inside the undivided line, and both get the same answer. None allocates
 * and none keeps state between calls; a reader that needs room (token
 * bounds) owns a {@link TokenBounds}.
 */

/** Splits a line on runs of spaces and tabs. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    while (i < n && (c === 32 || c === 9)) c = text.charCodeAt(++i);
    if (i >= n) break;
    const start = i;
    while (i < n && c !== 32 && c !== 9) c = text.charCodeAt(++i);
    out.push(text.slice(start, i));
  }
  return out;
}

/**
 * Where the fields of one line are, as {@link tokenize} would cut it: token
 * k spans `[start(k), end(k))`. One per reader, reused line after line.
 */
export class TokenBounds {
  readonly #at: Int32Array;
  readonly max: number;
  count = 0;

  constructor(max = 24) {
    this.max = max;
    this.#at = new Int32Array(2 * max);
  }

  start(k: number): number {
    return this.#at[2 * k];
  }

  end(k: number): number {
    return this.#at[2 * k + 1];
  }

  /**
   * Splits `text[start, end)` as cleanLine + tokenize would and returns the
   * token count; -1 when cleaning would change the line (a control character
   * other than a tab and one final CR) or it has more than `max` tokens.
   * With `upTo`, stops after that many tokens that end in a blank: what
   * follows cannot change them.
   */
  split(text: string, start: number, end: number, upTo = this.max + 1): number {
    const at = this.#at;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    let n = 0, i = start;
    while (i < end) {
      let c = text.charCodeAt(i);
      if (c === 32 || c === 9) {
        i++;
        continue;
      }
      if (n === this.max) return this.count = -1;
      at[2 * n] = i;
      for (;;) {
        if (c <= 32 || c === 127) {
          if (c === 32 || c === 9) break;
          return this.count = -1;
        }
        if (++i >= end) break;
        c = text.charCodeAt(i);
      }
      at[2 * n + 1] = i;
      if (++n === upTo && i < end) return this.count = n;
    }
    return this.count = n;
  }
}

/** True when `s[a, b)` is one or more ASCII digits. */
export function isDigits(s: string, a = 0, b = s.length): boolean {
  if (b <= a) return false;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * The value of `s[a, b)` when it is all ASCII digits, as Number() reads it
 * (exact up to 2^53, the nearest value beyond: a kernel's 64-bit counter
 * may be that big), or -1.
 */
export function digitsValue(s: string, a = 0, b = s.length): number {
  if (b <= a) return -1;
  let v = 0;
  for (let i = a; i < b; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  // Past 15 digits the sum above may round differently from the nearest value.
  return b - a > 15 ? Number(s.slice(a, b)) : v;
}

/** The index after the run of ASCII digits that starts at `i` (`i` itself when there is none). */
export function digitsEnd(s: string, i: number, end: number): number {
  while (i < end) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) break;
    i++;
  }
  return i;
}

/** The value of `s[a, b)` as 1 to 13 hexadecimal digits (either case), or -1. */
export function hexValue(s: string, a = 0, b = s.length): number {
  if (b <= a || b - a > 13) return -1;
  let v = 0;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/** Index of the first `code` in `s[a, b)`, or -1. */
export function indexIn(s: string, code: number, a: number, b: number): number {
  for (let i = a; i < b; i++) if (s.charCodeAt(i) === code) return i;
  return -1;
}

/** Index of the last `code` in `s[a, b)`, or -1. */
export function lastIndexIn(s: string, code: number, a: number, b: number): number {
  for (let i = b - 1; i >= a; i--) if (s.charCodeAt(i) === code) return i;
  return -1;
}

/** After a run of one or more spaces at `i`, the index of the next character; -1 when `i` holds no space. */
export function spacesAfter(s: string, i: number, end: number): number {
  if (i >= end || s.charCodeAt(i) !== 32) return -1;
  do i++; while (i < end && s.charCodeAt(i) === 32);
  return i;
}

/** True when `s[i, end)` is only spaces. */
export function onlySpaces(s: string, i: number, end: number): boolean {
  while (i < end && s.charCodeAt(i) === 32) i++;
  return i === end;
}

/** The end of the word at `i` (the next space, or `end`); -1 at a control character. */
export function wordEnd(s: string, i: number, end: number): number {
  for (; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 32) break;
    if (c < 32 || c === 127) return -1;
  }
  return i;
}

// ---- the same primitives on bytes ------------------------------------------
//
// The fast row readers read a line's bytes in place (Node reads a
// Uint8Array about twice as fast as a string's characters; Deno about as
// fast: bench/README.md). Each primitive below reads ASCII bytes exactly as
// its namesake above reads the same characters; the readers decline any
// line that is not printable ASCII where they read it.

/** After a run of one or more spaces at `b[i]`, the index of the next byte; -1 when `b[i]` is no space. */
export function spacesAfterBytes(b: Uint8Array, i: number, end: number): number {
  if (i >= end || b[i] !== 32) return -1;
  do i++; while (i < end && b[i] === 32);
  return i;
}

/** The index after the run of ASCII digits that starts at `i` (`i` itself when there is none). */
export function digitsEndBytes(b: Uint8Array, i: number, end: number): number {
  while (i < end) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) break;
    i++;
  }
  return i;
}

/** {@link digitsValue} of `b[a, e)`: its value when all ASCII digits (1 to 15 of them here), or -1. */
export function digitsValueBytes(b: Uint8Array, a: number, e: number): number {
  if (e <= a || e - a > 15) return -1;
  let v = 0;
  for (let i = a; i < e; i++) {
    const d = b[i] - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/** {@link hexValue} of `b[a, e)`: 1 to 13 hexadecimal digits (either case), or -1. */
export function hexValueBytes(b: Uint8Array, a: number, e: number): number {
  if (e <= a || e - a > 13) return -1;
  let v = 0;
  for (let i = a; i < e; i++) {
    const c = b[i];
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/** The end of the word at `i`: the next space, CR or LF, or `end`; -1 at any other byte that is not printable ASCII. */
export function wordEndBytes(b: Uint8Array, i: number, end: number): number {
  for (; i < end; i++) {
    const c = b[i];
    if (c === 32 || c === 13 || c === 10) break;
    if (c < 33 || c > 126) return -1;
  }
  return i;
}

/**
 * Where the line ends when only spaces are left from `i` on: the index of
 * its LF (after one final CR, which cleanLine drops), or `end`; -1 when
 * something else follows.
 */
export function lineEndBytes(b: Uint8Array, i: number, end: number): number {
  while (i < end && b[i] === 32) i++;
  if (i === end || b[i] === 10) return i;
  if (b[i] === 13 && (i + 1 === end || b[i + 1] === 10)) return i + 1 === end ? end : i + 1;
  return -1;
}

/** True when `b[a, e)` equals the ASCII string `s`. */
export function bytesAre(b: Uint8Array, a: number, e: number, s: string): boolean {
  if (e - a !== s.length) return false;
  for (let i = 0; i < s.length; i++) if (b[a + i] !== s.charCodeAt(i)) return false;
  return true;
}
