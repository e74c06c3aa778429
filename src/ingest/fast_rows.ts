/**
 * Fast paths for the plain rows that big dumps are made of: `netstat -nat`
 * and `ss -tan` rows with no extra columns. Once a parser has claimed a line
 * (it is "sticky"), the next lines are first offered to its fast path, which
 * scans the line in place, without making a string for it or its fields.
 *
 * A fast path either reads the row exactly as the parser would (same state,
 * family, addresses, ports and queues, same side effects) or declines, and
 * the line takes the ordinary way: cleaned, split and offered to the
 * parsers. It declines on anything unusual (control characters, extra
 * columns, service names for ports, scoped addresses). test/fast_rows.test.ts
 * checks the agreement on real sample lines and mutations of them.
 */

import { NONE, type StringPool } from "../model/socket_table.ts";
import { parseState, UNKNOWN_STATE } from "../model/states.ts";
import type { LineParser, ParseContext } from "./parser.ts";
import { netstatLinuxParser } from "./parsers/netstat_linux.ts";
import { ssParser } from "./parsers/ss.ts";

/** A plain socket row as a fast path read it; addresses are ids in the string pool. */
export interface PlainRow {
  state: number;
  family: number;
  localAddr: number;
  localPort: number;
  remoteAddr: number;
  remotePort: number;
  recvQ: number;
  sendQ: number;
}

/** Reads the line `text[start, end)` into `out`, or returns false to leave it to the parsers. */
export type FastPath = (text: string, start: number, end: number, pool: StringPool, out: PlainRow, ctx: ParseContext) => boolean;

/** Returns the fast path of a parser, if it has one. */
export function fastPathFor(parser: LineParser | undefined): FastPath | undefined {
  if (parser === netstatLinuxParser) return netstatRow;
  if (parser === ssParser) return ssRow;
  return undefined;
}

/** A fresh row to read into. */
export function plainRow(): PlainRow {
  return { state: 0, family: 0, localAddr: 0, localPort: NONE, remoteAddr: 0, remotePort: NONE, recvQ: 0, sendQ: 0 };
}

// Token bounds of the current line: start and end of token k at 2k and 2k+1.
const _B = new Int32Array(16);
const _MAX_TOKENS = 8;

/**
 * Splits the line as cleanLine + tokenize would, into _B. Returns the token
 * count, or -1 when cleanLine would change the line (a control character
 * other than tab and one final CR) or there are more than _MAX_TOKENS.
 */
function _scan(text: string, start: number, end: number): number {
  if (end > start && text.charCodeAt(end - 1) === 13) end--;
  let n = 0, i = start;
  while (i < end) {
    let c = text.charCodeAt(i);
    if (c === 32 || c === 9) {
      i++;
      continue;
    }
    if (n === _MAX_TOKENS) return -1;
    _B[2 * n] = i;
    for (;;) {
      if (c < 32 || c === 127) return -1;
      if (++i >= end) break;
      c = text.charCodeAt(i);
      if (c === 32 || c === 9) break;
    }
    _B[2 * n + 1] = i;
    n++;
  }
  return n;
}

/** The value of an all-digit token of 1 to 9 digits (what Number() gives it), or -1. */
function _uint(text: string, a: number, b: number): number {
  if (b - a < 1 || b - a > 9) return -1;
  let v = 0;
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    v = v * 10 + c;
  }
  return v;
}

// The two endpoints of the current row, as _endpoint read them.
const _hostA = [0, 0], _hostB = [0, 0], _v4 = [0, 0], _port = [0, 0], _fam = [0, 0];

/**
 * Reads an endpoint token whose port follows the last colon, as
 * splitColonPort does: host without brackets, port or NONE for "*".
 * `colonAfterDot` adds netstat's check that the last colon follows the last
 * dot. Records the host's dotted-quad value (-1 if not canonical) and its
 * family as familyOf() tells it (6: a colon, 4: digits.digits.digits.digits,
 * 0: other). Returns false to decline.
 */
function _endpoint(text: string, a: number, b: number, k: number, colonAfterDot: boolean): boolean {
  let c = b - 1;
  while (c >= a && text.charCodeAt(c) !== 58) c--;
  if (c <= a) return false; // no colon, or nothing before it: not for the fast path
  // Port: "*" or 1 to 5 digits; anything else (service names, "") declines.
  const pl = b - c - 1;
  if (pl === 1 && text.charCodeAt(c + 1) === 42) _port[k] = NONE;
  else {
    if (pl > 5) return false;
    const p = _uint(text, c + 1, b);
    if (p < 0) return false;
    _port[k] = p <= 65535 ? p : NONE;
  }
  let ha = a, hb = c;
  if (hb - ha > 1 && text.charCodeAt(ha) === 91 && text.charCodeAt(hb - 1) === 93) {
    ha++;
    hb--;
  }
  // One pass over the host: colons, dots, digits, scope.
  let colon = false, dots = 0, digitsOnly = true, part = -1, v = 0, canonical = true, partDigits = 0;
  for (let i = ha; i < hb; i++) {
    const ch = text.charCodeAt(i);
    if (ch === 58) {
      colon = true;
      canonical = false;
    } else if (ch === 46) {
      if (part < 0) digitsOnly = false; // empty part
      else v = v * 256 + part;
      if (part > 255) canonical = false;
      dots++;
      part = -1;
      partDigits = 0;
    } else if (ch >= 48 && ch <= 57) {
      if (partDigits === 1 && part === 0) canonical = false; // leading zero
      part = part < 0 ? ch - 48 : part * 10 + ch - 48;
      if (part > 99999) canonical = false, part = 99999;
      partDigits++;
    } else if (ch === 37) {
      return false; // %scope: leave to the parser
    } else {
      digitsOnly = false;
      canonical = false;
    }
  }
  // netstat's isColonEndpoint: no dot after the last colon (the port has none, "*" or digits).
  if (colonAfterDot) {
    for (let d = c + 1; d < b; d++) if (text.charCodeAt(d) === 46) return false;
  }
  if (part < 0) digitsOnly = false;
  const dotted = !colon && digitsOnly && dots === 3;
  _fam[k] = colon ? 6 : dotted ? 4 : 0;
  _v4[k] = dotted && canonical && part <= 255 ? (v * 256 + part) >>> 0 : -1;
  _hostA[k] = ha;
  _hostB[k] = hb;
  return true;
}

/**
 * State words seen so far and their ids, so a row's state is matched in
 * place. Only words that name a state are kept (at most 64): a word the
 * table does not know is looked up each time, so an alias added later
 * (addStateAliases) is still seen.
 */
class _Words {
  readonly #words: string[] = [];
  readonly #ids: number[] = [];
  readonly #lookup: (word: string) => number;
  /** The word matched last. */
  word = "";
  constructor(lookup: (word: string) => number) {
    this.#lookup = lookup;
  }
  /** The state id of text[a, b), or UNKNOWN_STATE. */
  state(text: string, a: number, b: number): number {
    const n = b - a, words = this.#words;
    next: for (let k = 0; k < words.length; k++) {
      const w = words[k];
      if (w.length !== n) continue;
      for (let i = 0; i < n; i++) if (w.charCodeAt(i) !== text.charCodeAt(a + i)) continue next;
      this.word = w;
      return this.#ids[k];
    }
    const w = text.slice(a, b);
    const id = this.#lookup(w);
    if (id !== UNKNOWN_STATE && words.length < 64) {
      words.push(w);
      this.#ids.push(id);
    }
    this.word = w;
    return id;
  }
}

function _intern(text: string, k: number, pool: StringPool): number {
  return _v4[k] >= 0 ? pool.internV4(_v4[k], text, _hostA[k], _hostB[k]) : pool.intern(text.slice(_hostA[k], _hostB[k]));
}

const _netstatWords = new _Words(parseState);

/** `netstat -nat` rows: `tcp RECVQ SENDQ LOCAL REMOTE STATE`, nothing after the state. */
export const netstatRow: FastPath = (text, start, end, pool, out) => {
  if (_scan(text, start, end) !== 6) return false;
  const p = _B[0], pl = _B[1] - p;
  if (
    (pl !== 3 && pl !== 4) || text.charCodeAt(p) !== 116 || text.charCodeAt(p + 1) !== 99 || text.charCodeAt(p + 2) !== 112 ||
    (pl === 4 && text.charCodeAt(p + 3) !== 54)
  ) return false;
  const recvQ = _uint(text, _B[2], _B[3]), sendQ = _uint(text, _B[4], _B[5]);
  if (recvQ < 0 || sendQ < 0) return false;
  if (!_endpoint(text, _B[6], _B[7], 0, true) || !_endpoint(text, _B[8], _B[9], 1, true)) return false;
  const state = _netstatWords.state(text, _B[10], _B[11]);
  if (state === UNKNOWN_STATE) return false;
  out.state = state;
  out.family = pl === 4 || _fam[0] === 6 ? 6 : 4;
  out.localAddr = _intern(text, 0, pool);
  out.localPort = _port[0];
  out.remoteAddr = _intern(text, 1, pool);
  out.remotePort = _port[1];
  out.recvQ = recvQ;
  out.sendQ = _netstatWords.word === "LISTEN" ? NONE : sendQ;
  return true;
};

// ss's state column words (iproute2 misc/ss.c sstate_name[]) that name a
// state; "UNKNOWN" is left to the parser.
const _SS_WORDS = new Set([
  "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "UNCONN", "CLOSE-WAIT", "LAST-ACK",
  "LISTEN", "CLOSING", "NEW-SYN-RECV",
]);

const _ssWords = new _Words((w) => (_SS_WORDS.has(w) ? parseState(w) : UNKNOWN_STATE));

/** `ss -tan` rows: `STATE RECVQ SENDQ LOCAL PEER`, no Netid and no process column. */
export const ssRow: FastPath = (text, start, end, pool, out, ctx) => {
  if (_scan(text, start, end) !== 5) return false;
  const state = _ssWords.state(text, _B[0], _B[1]);
  if (state === UNKNOWN_STATE) return false;
  const recvQ = _uint(text, _B[2], _B[3]), sendQ = _uint(text, _B[4], _B[5]);
  if (recvQ < 0 || sendQ < 0) return false;
  if (!_endpoint(text, _B[6], _B[7], 0, false) || !_endpoint(text, _B[8], _B[9], 1, false)) return false;
  out.state = state;
  out.family = _fam[0] || _fam[1];
  out.localAddr = _intern(text, 0, pool);
  out.localPort = _port[0];
  out.remoteAddr = _intern(text, 1, pool);
  out.remotePort = _port[1];
  out.recvQ = recvQ;
  out.sendQ = sendQ;
  ctx.scratch.ss = true;
  return true;
};
