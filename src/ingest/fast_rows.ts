/**
 * Fast paths for the plain rows that big dumps are made of: `netstat -nat`
 * and `ss -tan` rows with no extra columns, and /proc/net/tcp{,6} rows (the
 * live snapshot). Once a parser has claimed a line
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
import { parseState, PROC_STATE_IDS, UNKNOWN_STATE } from "../model/states.ts";
import type { LineParser, ParseContext } from "./parser.ts";
import { netstatLinuxParser } from "./parsers/netstat_linux.ts";
import { procNetTcpParser, TIMER_NAMES } from "./parsers/proc_net_tcp.ts";
import { ssParser } from "./parsers/ss.ts";

/** A plain socket row as a fast path read it; strings are ids in the string pool (0: none). */
export interface PlainRow {
  state: number;
  family: number;
  localAddr: number;
  localPort: number;
  remoteAddr: number;
  remotePort: number;
  recvQ: number;
  sendQ: number;
  user: number;
  inode: number;
  timer: number;
}

/** Reads the line `text[start, end)` into `out`, or returns false to leave it to the parsers. */
export type FastPath = (text: string, start: number, end: number, pool: StringPool, out: PlainRow, ctx: ParseContext) => boolean;

/** Returns the fast path of a parser, if it has one. */
export function fastPathFor(parser: LineParser | undefined): FastPath | undefined {
  return _FAST.find((f) => f.parser === parser)?.fast;
}

/** The fast path of a format id, if it has one (without loading every parser: the read-ahead thread uses this). */
export function fastPathOf(format: string): FastPath | undefined {
  return _FAST.find((f) => f.parser.format === format)?.fast;
}

/** A fresh row to read into. */
export function plainRow(): PlainRow {
  return {
    state: 0, family: 0, localAddr: 0, localPort: NONE, remoteAddr: 0, remotePort: NONE, recvQ: 0, sendQ: 0,
    user: 0, inode: NONE, timer: 0,
  };
}

// Token bounds of the current line: start and end of token k at 2k and 2k+1.
const _MAX_TOKENS = 24;
const _B = new Int32Array(2 * _MAX_TOKENS);

/**
 * Splits the line as cleanLine + tokenize would, into _B. Returns the token
 * count, or -1 when cleanLine would change the line (a control character
 * other than tab and one final CR) or there are more than _MAX_TOKENS.
 * With `max`, stops after `max` tokens that end in a space or tab and
 * returns `max`: what comes after them cannot change them.
 */
function _scan(text: string, start: number, end: number, max = _MAX_TOKENS + 1): number {
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
      if (c <= 32 || c === 127) {
        if (c === 32 || c === 9) break;
        return -1;
      }
      if (++i >= end) break;
      c = text.charCodeAt(i);
    }
    _B[2 * n + 1] = i;
    if (++n === max && i < end) return n;
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
 * splitColonPort does: host without brackets, port or NONE for "*". The
 * port being "*" or digits also passes netstat's isColonEndpoint (no dot
 * after the last colon). Records the host's dotted-quad value (-1 if not canonical) and its
 * family as familyOf() tells it (6: a colon, 4: digits.digits.digits.digits,
 * 0: other). Returns false to decline.
 */
function _endpoint(text: string, a: number, b: number, k: number): boolean {
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
      return this.#ids[k];
    }
    const w = text.slice(a, b);
    const id = this.#lookup(w);
    if (id !== UNKNOWN_STATE && words.length < 64) {
      words.push(w);
      this.#ids.push(id);
    }
    return id;
  }
}

function _intern(text: string, k: number, pool: StringPool): number {
  return _v4[k] >= 0 ? pool.internV4(_v4[k]) : pool.intern(text.slice(_hostA[k], _hostB[k]));
}

// ---- the usual row, in one pass ----------------------------------------------
// Nearly every row of a big dump is `tcp 0 0 a.b.c.d:p a.b.c.d:p STATE` or
// `STATE 0 0 a.b.c.d:p a.b.c.d:p`, padded with spaces. These are read in one
// pass over the line, each field as it comes; anything else (a tab, IPv6, a
// dotted quad not written the canonical way, a CR, another column) makes
// the one-pass reader give up and the row go the general way below, which
// reads the same fields from the same text.

// Fields of the current usual row: queues, then (quad, port) for each endpoint.
const _u = new Float64Array(6);

/** After at least one space at i, the index of the next non-space; -1 if there is no space at i. */
function _gap(text: string, i: number, end: number): number {
  if (i >= end || text.charCodeAt(i) !== 32) return -1;
  do i++; while (i < end && text.charCodeAt(i) === 32);
  return i;
}

/** Reads 1 to `max` digits at i into _u[k] (a queue as _uint reads it: max 9); returns the index after them, or -1. */
function _digitsAt(text: string, i: number, end: number, k: number, max: number): number {
  let v = 0, j = i;
  for (; j < end; j++) {
    const d = text.charCodeAt(j) - 48;
    if (d < 0 || d > 9) break;
    v = v * 10 + d;
  }
  if (j === i || j - i > max) return -1;
  _u[k] = v;
  return j;
}

/**
 * Reads `a.b.c.d:port` at i, the quad canonical (as _parseCanonicalV4) and
 * the port "*" or 1 to 5 digits (as _endpoint), into _u[k] and _u[k + 1];
 * returns the index after it (a space or the end), or -1.
 */
function _quadPortAt(text: string, i: number, end: number, k: number): number {
  let v = 0;
  for (let part = 0; part < 4; part++) {
    if (i >= end) return -1;
    let p = text.charCodeAt(i++) - 48;
    if (p < 0 || p > 9) return -1;
    if (p !== 0) {
      // up to two more digits; a leading zero ends the part
      for (let n = 0; n < 2 && i < end; n++, i++) {
        const d = text.charCodeAt(i) - 48;
        if (d < 0 || d > 9) break;
        p = p * 10 + d;
      }
      if (p > 255) return -1;
    }
    v = v * 256 + p;
    if (i >= end || text.charCodeAt(i++) !== (part < 3 ? 46 : 58)) return -1;
  }
  _u[k] = v;
  if (i < end && text.charCodeAt(i) === 42) {
    _u[k + 1] = NONE;
    i++;
  } else {
    if ((i = _digitsAt(text, i, end, k + 1, 5)) < 0) return -1;
    if (_u[k + 1] > 65535) _u[k + 1] = NONE;
  }
  return i === end || text.charCodeAt(i) === 32 ? i : -1;
}

/** The end of the word at i (up to a space or the end), or -1 at a control character. */
function _wordEnd(text: string, i: number, end: number): number {
  for (; i < end; i++) {
    const c = text.charCodeAt(i);
    if (c === 32) break;
    if (c < 32 || c === 127) return -1;
  }
  return i;
}

/** Reads `recvQ sendQ local peer` from the space at i (into _u); returns the index after the peer, or -1. */
function _usualFields(text: string, i: number, end: number): number {
  if ((i = _gap(text, i, end)) < 0 || (i = _digitsAt(text, i, end, 0, 9)) < 0) return -1;
  if ((i = _gap(text, i, end)) < 0 || (i = _digitsAt(text, i, end, 1, 9)) < 0) return -1;
  if ((i = _gap(text, i, end)) < 0 || (i = _quadPortAt(text, i, end, 2)) < 0) return -1;
  if ((i = _gap(text, i, end)) < 0 || (i = _quadPortAt(text, i, end, 4)) < 0) return -1;
  return i;
}

/** Only spaces from i to the end. */
function _blankTo(text: string, i: number, end: number): boolean {
  while (i < end && text.charCodeAt(i) === 32) i++;
  return i === end;
}

/** Fills `out` from _u: an IPv4 row with no user, inode or timer. */
function _usualRow(state: number, sendQ: number, pool: StringPool, out: PlainRow): void {
  out.state = state;
  out.family = 4;
  out.localAddr = pool.internV4(_u[2]);
  out.localPort = _u[3];
  out.remoteAddr = pool.internV4(_u[4]);
  out.remotePort = _u[5];
  out.recvQ = _u[0];
  out.sendQ = sendQ;
  out.user = 0;
  out.inode = NONE;
  out.timer = 0;
}

const _netstatWords = new _Words(parseState);
const _LISTEN = parseState("LISTEN");

/** `netstat -nat` rows: `tcp RECVQ SENDQ LOCAL REMOTE STATE`, nothing after the state. */
export const netstatRow: FastPath = (text, start, end, pool, out) => {
  // the usual row: "tcp", fields, the state, then only spaces
  if (end - start > 4 && text.charCodeAt(start) === 116 && text.charCodeAt(start + 1) === 99 && text.charCodeAt(start + 2) === 112) {
    const f = _usualFields(text, start + 3, end);
    const w = f < 0 ? -1 : _gap(text, f, end), we = w < 0 ? -1 : _wordEnd(text, w, end);
    if (we > w && _blankTo(text, we, end)) {
      const state = _netstatWords.state(text, w, we);
      if (state !== UNKNOWN_STATE) {
        _usualRow(state, state === _LISTEN ? NONE : _u[1], pool, out);
        return true;
      }
    }
  }
  if (_scan(text, start, end) !== 6) return false;
  const p = _B[0], pl = _B[1] - p;
  if (
    (pl !== 3 && pl !== 4) || text.charCodeAt(p) !== 116 || text.charCodeAt(p + 1) !== 99 || text.charCodeAt(p + 2) !== 112 ||
    (pl === 4 && text.charCodeAt(p + 3) !== 54)
  ) return false;
  const recvQ = _uint(text, _B[2], _B[3]), sendQ = _uint(text, _B[4], _B[5]);
  if (recvQ < 0 || sendQ < 0) return false;
  if (!_endpoint(text, _B[6], _B[7], 0) || !_endpoint(text, _B[8], _B[9], 1)) return false;
  const state = _netstatWords.state(text, _B[10], _B[11]);
  if (state === UNKNOWN_STATE) return false;
  out.state = state;
  out.family = pl === 4 || _fam[0] === 6 ? 6 : 4;
  out.localAddr = _intern(text, 0, pool);
  out.localPort = _port[0];
  out.remoteAddr = _intern(text, 1, pool);
  out.remotePort = _port[1];
  out.recvQ = recvQ;
  // As the parser: a listener's Send-Q is not its backlog in netstat (any spelling of LISTEN).
  out.sendQ = state === _LISTEN ? NONE : sendQ;
  out.user = 0;
  out.inode = NONE;
  out.timer = 0;
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
  // the usual row: the state, fields, then only spaces
  const we = _wordEnd(text, start, end);
  if (we > start) {
    const f = _usualFields(text, we, end);
    if (f >= 0 && _blankTo(text, f, end)) {
      const state = _ssWords.state(text, start, we);
      if (state !== UNKNOWN_STATE) {
        _usualRow(state, _u[1], pool, out);
        ctx.scratch.ss = true;
        return true;
      }
    }
  }
  if (_scan(text, start, end) !== 5) return false;
  const state = _ssWords.state(text, _B[0], _B[1]);
  if (state === UNKNOWN_STATE) return false;
  const recvQ = _uint(text, _B[2], _B[3]), sendQ = _uint(text, _B[4], _B[5]);
  if (recvQ < 0 || sendQ < 0) return false;
  if (!_endpoint(text, _B[6], _B[7], 0) || !_endpoint(text, _B[8], _B[9], 1)) return false;
  out.state = state;
  out.family = _fam[0] || _fam[1];
  out.localAddr = _intern(text, 0, pool);
  out.localPort = _port[0];
  out.remoteAddr = _intern(text, 1, pool);
  out.remotePort = _port[1];
  out.recvQ = recvQ;
  out.sendQ = sendQ;
  out.user = 0;
  out.inode = NONE;
  out.timer = 0;
  ctx.scratch.ss = true;
  return true;
};

// ---- /proc/net/tcp and /proc/net/tcp6 ---------------------------------------

/** The value of text[a, b) as hex digits (1 to 8 of them), or -1. */
function _hex(text: string, a: number, b: number): number {
  if (b - a < 1 || b - a > 8) return -1;
  let v = 0;
  for (let i = a; i < b; i++) {
    const c = text.charCodeAt(i);
    const d = c >= 48 && c <= 57 ? c - 48 : c >= 65 && c <= 70 ? c - 55 : c >= 97 && c <= 102 ? c - 87 : -1;
    if (d < 0) return -1;
    v = v * 16 + d;
  }
  return v;
}

/** Index of the first colon in text[a, b), or -1. */
function _colon(text: string, a: number, b: number): number {
  for (let i = a; i < b; i++) if (text.charCodeAt(i) === 58) return i;
  return -1;
}

// The address of the current proc row's endpoint k: a dotted-quad value, and
// whether it came as an IPv4-mapped IPv6 address (::ffff:a.b.c.d).
const _procV4 = [0, 0], _procMapped = [false, false];

/** The address bytes of a /proc word (host order: the first byte is the low one). */
function _swap(w: number): number {
  return (((w & 255) << 24) | (((w >>> 8) & 255) << 16) | (((w >>> 16) & 255) << 8) | (w >>> 24)) >>> 0;
}

/**
 * Reads a /proc hex address as decodeProcAddress does, for IPv4 (8 digits)
 * and IPv4-mapped IPv6 (32 digits). Other IPv6 addresses decline.
 */
function _procAddr(text: string, a: number, b: number, k: number): boolean {
  if (b - a === 8) {
    const w = _hex(text, a, b);
    if (w < 0) return false;
    _procV4[k] = _swap(w);
    _procMapped[k] = false;
    return true;
  }
  if (b - a === 32) {
    // ::ffff:a.b.c.d: words 0 and 1 zero, word 2 printed FFFF0000, word 3 the IPv4 word.
    if (_hex(text, a, a + 8) !== 0 || _hex(text, a + 8, a + 16) !== 0 || _hex(text, a + 16, a + 24) !== 0xffff0000) return false;
    const w = _hex(text, a + 24, b);
    if (w < 0) return false;
    _procV4[k] = _swap(w);
    _procMapped[k] = true;
    return true;
  }
  return false;
}

function _procIntern(k: number, pool: StringPool): number {
  const v = _procV4[k];
  if (!_procMapped[k]) return pool.internV4(v);
  return pool.intern(`::ffff:${v >>> 24}.${(v >>> 16) & 255}.${(v >>> 8) & 255}.${v & 255}`);
}

// The uid column repeats from row to row: keep the last one's text and id.
let _lastUser = "", _lastUserId = 0;
let _lastUserPool: StringPool | undefined;
const _PROC_LISTEN = parseState("LISTEN");

/**
 * /proc/net/tcp{,6} rows (`sl: local rem st tx:rx tr:when retrnsmt uid
 * timeout inode ...`) with IPv4 or IPv4-mapped addresses; other IPv6 rows
 * are left to the parser.
 */
export const procRow: FastPath = (text, start, end, pool, out) => {
  // The parser reads the first ten fields only (the rest is padding and kernel internals).
  if (_scan(text, start, end, 10) < 10) return false;
  // "12:": digits then a colon.
  const s0 = _B[0], e0 = _B[1];
  if (e0 - s0 < 2 || text.charCodeAt(e0 - 1) !== 58) return false;
  for (let i = s0; i < e0 - 1; i++) {
    const c = text.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  const lc = _colon(text, _B[2], _B[3]), rc = _colon(text, _B[4], _B[5]);
  if (lc === -1 || rc === -1) return false;
  if (!_procAddr(text, _B[2], lc, 0) || !_procAddr(text, _B[4], rc, 1)) return false;
  const localPort = _hex(text, lc + 1, _B[3]), remotePort = _hex(text, rc + 1, _B[5]);
  if (localPort < 0 || remotePort < 0) return false;
  const st = _hex(text, _B[6], _B[7]);
  if (!(st > 0 && st < PROC_STATE_IDS.length)) return false;
  const qc = _colon(text, _B[8], _B[9]);
  if (qc === -1) return false;
  const tx = _hex(text, _B[8], qc), rx = _hex(text, qc + 1, _B[9]);
  if (tx < 0 || rx < 0) return false;
  const tc = _colon(text, _B[10], _B[11]);
  if (tc === -1) return false;
  const tr = _hex(text, _B[10], tc), when = _hex(text, tc + 1, _B[11]);
  if (tr < 0 || when < 0) return false;
  // inode: 1 to 15 digits (what Number() reads exactly).
  const ia = _B[18], ib = _B[19];
  if (ib - ia < 1 || ib - ia > 15) return false;
  let inode = 0;
  for (let i = ia; i < ib; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return false;
    inode = inode * 10 + c;
  }
  const state = PROC_STATE_IDS[st];
  out.state = state;
  out.family = lc - _B[2] === 8 ? 4 : 6;
  out.localAddr = _procIntern(0, pool);
  out.localPort = localPort;
  out.remoteAddr = _procIntern(1, pool);
  out.remotePort = remotePort;
  out.recvQ = rx;
  // A listener's tx_queue is not its backlog: unknown (as the parser says).
  out.sendQ = state === _PROC_LISTEN ? NONE : tx;
  // uid, kept as the text it is.
  const ua = _B[14], ub = _B[15];
  let same = _lastUserPool === pool && ub - ua === _lastUser.length;
  for (let i = 0; same && i < ub - ua; i++) same = text.charCodeAt(ua + i) === _lastUser.charCodeAt(i);
  if (!same) {
    _lastUser = text.slice(ua, ub);
    _lastUserId = pool.intern(_lastUser);
    _lastUserPool = pool;
  }
  out.user = _lastUserId;
  out.inode = inode;
  out.timer = tr > 0 && tr < TIMER_NAMES.length ? pool.intern(`${TIMER_NAMES[tr]} (${(when / 100).toFixed(2)}s)`) : 0;
  return true;
};

/** The parsers that have a fast path, with it. */
const _FAST: { parser: LineParser; fast: FastPath }[] = [
  { parser: netstatLinuxParser, fast: netstatRow },
  { parser: ssParser, fast: ssRow },
  { parser: procNetTcpParser, fast: procRow },
];
