/**
 * Addresses and endpoints as tcpdoc stores and prints them: the one reader
 * and writer of dotted quads, the address family of a host, and the one
 * endpoint formatter.
 */

/** Sentinel for a port the dump does not give ("*"); the same value as socket_table's NONE. */
const NO_PORT = -1;

/**
 * Reads the canonical dotted quad that starts at `s[a]` (within `s[a, b)`):
 * four parts of 1 to 3 digits, 0-255, no leading zeros, as
 * `${a}.${b}.${c}.${d}` writes them. Returns its value (0 to 2^32-1), or -1
 * when none starts there; with `at`, says where it ends (`at.end`; it is
 * also {@link v4TextLength} characters on). This is tcpdoc's one reader of
 * IPv4 addresses, in place: no string is made.
 */
export function readV4(s: string, a: number, b: number, at?: { end: number }): number {
  let v = 0, i = a;
  for (let part = 0; part < 4; part++) {
    if (i >= b) return -1;
    let p = s.charCodeAt(i++) - 48;
    if (p < 0 || p > 9) return -1;
    if (p !== 0) {
      for (let n = 0; n < 2 && i < b; n++, i++) {
        const d = s.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        p = p * 10 + d;
      }
      if (p > 255) return -1;
    }
    v = ((v << 8) | p) >>> 0;
    // Between parts a dot; after the last, anything but a digit (a leading zero, "01", or a fourth digit).
    if (i < b) {
      const c = s.charCodeAt(i);
      if (part < 3) {
        if (c !== 46) return -1;
        i++;
      } else if (c >= 48 && c <= 57) return -1;
    } else if (part < 3) return -1;
  }
  if (at !== undefined) at.end = i;
  return v;
}

function partLength(p: number): number {
  return p >= 100 ? 3 : p >= 10 ? 2 : 1;
}

/** How many characters the canonical dotted quad of `v` has (7 to 15). */
export function v4TextLength(v: number): number {
  return 3 + partLength(v >>> 24) + partLength((v >>> 16) & 255) + partLength((v >>> 8) & 255) + partLength(v & 255);
}

/**
 * The value of `s[a, b)` when it is exactly a canonical dotted quad (see
 * {@link readV4}), or -1.
 *
 * @example
 * ```ts
 * parseV4("10.0.0.1") === 167772161; parseV4("10.0.0.01") === -1;
 * ```
 */
export function parseV4(s: string, a = 0, b = s.length): number {
  if (b - a < 7 || b - a > 15) return -1;
  const v = readV4(s, a, b);
  return v !== -1 && v4TextLength(v) === b - a ? v : -1;
}

/** The dotted quad of a value from {@link parseV4}. */
export function formatV4(v: number): string {
  return `${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`;
}

/**
 * Address family of a host (`host[a, b)`) as a dump prints it: 6 when it
 * has a colon, 4 for four dot-separated runs of digits (leading zeros and
 * parts over 255 included), else 0 (a name, "*", "").
 */
export function familyOf(host: string, a = 0, b = host.length): 0 | 4 | 6 {
  for (let i = a; i < b; i++) if (host.charCodeAt(i) === 58) return 6;
  let dots = 0, run = 0;
  for (let i = a; i < b; i++) {
    const c = host.charCodeAt(i);
    if (c === 46) {
      if (run === 0) return 0;
      dots++;
      run = 0;
    } else if (c >= 48 && c <= 57) run++;
    else return 0;
  }
  return dots === 3 && run > 0 ? 4 : 0;
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
