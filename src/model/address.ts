/**
 * Addresses and endpoints as tcpdoc stores and prints them: the one reader
 * and writer of dotted quads, the address family of a host, and the one
 * endpoint formatter.
 */

/** Sentinel for a port the dump does not give ("*"); the same value as socket_table's NONE. */
const NO_PORT = -1;

function partLength(p: number): number {
  return p >= 100 ? 3 : p >= 10 ? 2 : 1;
}

/** How many characters the canonical dotted quad of `v` has (7 to 15). */
export function v4TextLength(v: number): number {
  return 3 + partLength(v >>> 24) + partLength((v >>> 16) & 255) + partLength((v >>> 8) & 255) + partLength(v & 255);
}

/**
 * Reads the canonical dotted quad that starts at `s[a]` (within `s[a, b)`),
 * as {@link readV4Bytes} reads it from bytes: its value (0 to 2^32-1), or
 * -1; with `at`, where it ends. The text is copied into a scratch buffer
 * (a quad and the character after it are at most 16), so the algorithm
 * exists once, on bytes, where the fast row readers call it directly.
 */
export function readV4(s: string, a: number, b: number, at?: { end: number }): number {
  const n = Math.min(b - a, QUAD_AND_NEXT);
  if (n <= 0) return -1;
  copyAscii(s, a, n);
  const v = readV4Bytes(SCRATCH, 0, n, at);
  if (v !== -1 && at !== undefined) at.end += a;
  return v;
}

/**
 * The value of `s[a, b)` when it is exactly a canonical dotted quad (see
 * {@link readV4Bytes}), or -1.
 *
 * @example
 * ```ts
 * parseV4("10.0.0.1") === 167772161; parseV4("10.0.0.01") === -1;
 * ```
 */
export function parseV4(s: string, a = 0, b = s.length): number {
  if (b - a < 7 || b - a > 15) return -1;
  copyAscii(s, a, b - a);
  return parseV4Bytes(SCRATCH, 0, b - a);
}

/** The dotted quad of a value from {@link parseV4}. */
export function formatV4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/** familyOf's copy of a host as bytes (hosts longer than this get their own). */
const FAMILY_SCRATCH = new Uint8Array(64);

/**
 * Address family of a host (`host[a, b)`) as a dump prints it: 6 when it
 * has a colon, 4 for four dot-separated runs of digits (leading zeros and
 * parts over 255 included), else 0 (a name, "*", "").
 */
export function familyOf(host: string, a = 0, b = host.length): 0 | 4 | 6 {
  // As bytes for familyOfBytes; a character beyond ASCII becomes 0, which is no colon, dot or digit.
  const n = b - a, buf = n <= FAMILY_SCRATCH.length ? FAMILY_SCRATCH : new Uint8Array(n);
  for (let i = a; i < b; i++) {
    const c = host.charCodeAt(i);
    buf[i - a] = c > 127 ? 0 : c;
  }
  return familyOfBytes(buf, 0, n);
}

/**
 * An endpoint as tcpdoc prints it: `host:port`, `[v6]:port`; a missing
 * host or port (NONE, undefined) is `*`.
 *
 * @example
 * ```ts
 * formatEndpoint("::1", 8080) === "[::1]:8080"; formatEndpoint("", -1) === "*:*";
 * ```
 */
export function formatEndpoint(host: string, port: number | undefined): string {
  const p = port === undefined || port === NO_PORT ? "*" : String(port);
  return host.indexOf(":") !== -1 ? `[${host}]:${p}` : `${host || "*"}:${p}`;
}

/**
 * Reads the canonical dotted quad that starts at `b[a]` (within `b[a, end)`):
 * four parts of 1 to 3 digits, 0-255, no leading zeros, as
 * `${a}.${b}.${c}.${d}` writes them. Returns its value (0 to 2^32-1), or -1
 * when none starts there; with `at`, says where it ends (`at.end`; it is
 * also {@link v4TextLength} characters on). This is tcpdoc's one reader of
 * IPv4 addresses, in place: no string is made; {@link readV4} and
 * {@link parseV4} run it on text.
 */
export function readV4Bytes(b: Uint8Array, a: number, end: number, at?: { end: number }): number {
  let v = 0, i = a;
  for (let part = 0; part < 4; part++) {
    if (i >= end) return -1;
    let p = b[i++] - 48;
    if (p < 0 || p > 9) return -1;
    if (p !== 0) {
      for (let n = 0; n < 2 && i < end; n++, i++) {
        const d = b[i] - 48;
        if (d < 0 || d > 9) break;
        p = p * 10 + d;
      }
      if (p > 255) return -1;
    }
    v = ((v << 8) | p) >>> 0;
    if (i < end) {
      const c = b[i];
      if (part < 3) {
        if (c !== 46) return -1;
        i++;
      } else if (c >= 48 && c <= 57) return -1;
    } else if (part < 3) return -1;
  }
  if (at !== undefined) at.end = i;
  return v;
}

/** The prefix of an IPv4-mapped IPv6 address as tools print it: `::ffff:a.b.c.d`. */
export const MAPPED_PREFIX = "::ffff:";

/** The value of `b[a, end)` when it is exactly a canonical dotted quad, or -1 (see {@link readV4Bytes}). */
export function parseV4Bytes(b: Uint8Array, a: number, end: number): number {
  if (end - a < 7 || end - a > 15) return -1;
  const v = readV4Bytes(b, a, end);
  return v !== -1 && v4TextLength(v) === end - a ? v : -1;
}

/** True when `b[a, end)` starts with MAPPED_PREFIX (lowercase) and has room for a quad after it. */
export function mappedPrefixAt(b: Uint8Array, a: number, end: number): boolean {
  return end - a >= 14 && b[a] === 58 && b[a + 1] === 58 && b[a + 2] === 102 && b[a + 3] === 102 && b[a + 4] === 102 &&
    b[a + 5] === 102 && b[a + 6] === 58;
}

/** The value of the quad in `b[a, end)` when it reads exactly `::ffff:a.b.c.d` (canonical quad, lowercase), or -1. */
export function parseMappedBytes(b: Uint8Array, a: number, end: number): number {
  return mappedPrefixAt(b, a, end) ? parseV4Bytes(b, a + 7, end) : -1;
}

/**
 * An IPv6 address (four 32-bit words, most significant first, as int32s)
 * as tcpdoc writes it: lowercase hexadecimal groups without leading zeros,
 * the longest run of two or more zero groups (the first of equal runs) as
 * `::` (RFC 5952), no dotted quad. The kernel's inet_ntop and iproute2
 * print the addresses of real dumps so, but for IPv4-mapped and
 * IPv4-compatible ones (kept as text, or as IPv4 with a flag).
 */
export function formatV6(w0: number, w1: number, w2: number, w3: number): string {
  const g = [w0 >>> 16, w0 & 0xffff, w1 >>> 16, w1 & 0xffff, w2 >>> 16, w2 & 0xffff, w3 >>> 16, w3 & 0xffff];
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (g[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && g[j] === 0) j++;
    if (j - i > bestLen && j - i >= 2) [best, bestLen] = [i, j - i];
    i = j;
  }
  const hex = (xs: number[]) => xs.map((x) => x.toString(16)).join(":");
  return best === -1 ? hex(g) : `${hex(g.slice(0, best))}::${hex(g.slice(best + bestLen))}`;
}

/** readV6Bytes's groups, reused. */
const GROUPS = new Int32Array(8);

/**
 * Reads `b[a, end)` as an IPv6 address written exactly as {@link formatV6}
 * writes one, into `words` (four int32s, most significant first). False for
 * anything else, including other spellings of an address ("0::1",
 * "2001:DB8::1", "1:0:0:0:0:0:0:1"): those are kept as the dump wrote them.
 */
export function readV6Bytes(b: Uint8Array, a: number, end: number, words: Int32Array): boolean {
  if (end - a < 2 || end - a > 39) return false;
  // Groups before and after the "::" (at most one), each 1 to 4 lowercase hex digits without a leading zero.
  let head = 0, tail = 0, gap = -1, i = a;
  const g = GROUPS;
  // The longest run of explicit zero groups before the gap, after it, and the current run.
  let runBefore = 0, runAfter = 0, run = 0;
  let n = 0;
  if (b[i] === 58) {
    if (b[i + 1] !== 58) return false;
    gap = 0;
    i += 2;
  }
  while (i < end) {
    let v = 0;
    const from = i;
    for (; i < end && i - from < 5; i++) {
      const c = b[i];
      const d = c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : -1;
      if (d < 0) break;
      v = (v << 4) | d;
    }
    const len = i - from;
    if (len === 0 || len > 4 || (len > 1 && b[from] === 48) || n === 8) return false;
    g[n++] = v;
    if (gap === -1) head++;
    else tail++;
    // A zero group next to the "::" would be part of its run.
    if (v === 0 && gap !== -1 && tail === 1) return false;
    run = v === 0 ? run + 1 : 0;
    if (gap === -1) runBefore = Math.max(runBefore, run);
    else runAfter = Math.max(runAfter, run);
    if (i === end) break;
    if (b[i] !== 58) return false;
    i++;
    if (i < end && b[i] === 58) {
      if (gap !== -1) return false;
      if (v === 0) return false;
      gap = n;
      run = 0;
      i++;
    } else if (i === end) return false;
  }
  if (gap === -1) {
    if (n !== 8 || runBefore >= 2) return false;
  } else {
    const squeezed = 8 - n;
    // The "::" stands for the longest run (two groups or more), the first of equal runs.
    if (squeezed < 2 || runBefore >= squeezed || runAfter > squeezed) return false;
    // Move the tail groups to the end.
    for (let k = 7; k >= gap + squeezed; k--) g[k] = g[k - squeezed];
    for (let k = gap; k < gap + squeezed; k++) g[k] = 0;
  }
  words[0] = (g[0] << 16) | g[1];
  words[1] = (g[2] << 16) | g[3];
  words[2] = (g[4] << 16) | g[5];
  words[3] = (g[6] << 16) | g[7];
  return true;
}

/** A scratch buffer for reading short texts as bytes (the text readers). */
const SCRATCH = new Uint8Array(64);
/** A dotted quad (at most 15 characters) and the character after it, which says where it ends. */
const QUAD_AND_NEXT = 16;

/** `s[a, a + n)` (n at most SCRATCH's length) into SCRATCH as bytes; a character beyond ASCII as 0, a byte no reader takes. */
function copyAscii(s: string, a: number, n: number): void {
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(a + i);
    SCRATCH[i] = c > 127 ? 0 : c;
  }
}

/** `s[a, b)` copied into SCRATCH as bytes; false when it is longer than SCRATCH or not ASCII. */
function toScratch(s: string, a: number, b: number): boolean {
  if (b - a > SCRATCH.length) return false;
  for (let i = a; i < b; i++) {
    const c = s.charCodeAt(i);
    if (c > 127) return false;
    SCRATCH[i - a] = c;
  }
  return true;
}

/** {@link readV6Bytes} on text. */
export function readV6(s: string, a: number, b: number, words: Int32Array): boolean {
  return toScratch(s, a, b) && readV6Bytes(SCRATCH, 0, b - a, words);
}

/** {@link parseMappedBytes} on text: the quad of `::ffff:a.b.c.d`, or -1. */
export function parseMapped(s: string, a = 0, b = s.length): number {
  return b - a >= 14 && s.startsWith(MAPPED_PREFIX, a) ? parseV4(s, a + 7, b) : -1;
}

/**
 * Address family of `b[a, end)` from bytes, exactly as {@link familyOf}
 * tells it from text.
 */
export function familyOfBytes(b: Uint8Array, a: number, end: number): 0 | 4 | 6 {
  for (let i = a; i < end; i++) if (b[i] === 58) return 6;
  let dots = 0, run = 0;
  for (let i = a; i < end; i++) {
    const c = b[i];
    if (c === 46) {
      if (run === 0) return 0;
      dots++;
      run = 0;
    } else if (c >= 48 && c <= 57) run++;
    else return 0;
  }
  return dots === 3 && run > 0 ? 4 : 0;
}
