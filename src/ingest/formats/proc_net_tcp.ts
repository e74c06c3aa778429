/**
 * /proc/net/tcp and /proc/net/tcp6 (net/ipv4/tcp_ipv4.c get_tcp4_sock,
 * net/ipv6/tcp_ipv6.c get_tcp6_sock): the live snapshot's socket tables.
 *
 * A row: `sl: local rem st tx_queue:rx_queue tr:tm->when retrnsmt uid
 * timeout inode ...`, addresses in hex with each 32-bit word in host
 * (little-endian) order. Only the first ten fields are read; the rest is
 * padding and kernel internals.
 */

import { formatV4, formatV6, MAPPED_PREFIX } from "../../model/address.ts";
import { formatKernelTimer, packKernelTimer } from "../../model/kernel_timer.ts";
import type { LineKind } from "../../model/snapshot.ts";
import { kernelTimerCell, NONE, type PlainRow, type SocketRow, type StringPool } from "../../model/socket_table.ts";
import { stateId, UNKNOWN_STATE } from "../../model/states.ts";
import { type Format, type Line, MAX_LINE, type ParseContext, parserState, type RowReader, type Sink } from "../format.ts";
import {
  digitsEndBytes, digitsValue, digitsValueBytes, hexValue, hexValueBytes, indexIn, spacesAfterBytes, TokenBounds,
} from "../scan.ts";

const FORMAT = "proc-net-tcp";

/** The state codes of include/net/tcp_states.h, indexed by the hex value of the `st` column. */
const STATE_BY_CODE: readonly number[] = [
  UNKNOWN_STATE,
  stateId("ESTABLISHED"), // 01
  stateId("SYN_SENT"), // 02
  stateId("SYN_RECV"), // 03
  stateId("FIN_WAIT_1"), // 04
  stateId("FIN_WAIT_2"), // 05
  stateId("TIME_WAIT"), // 06
  stateId("CLOSED"), // 07 TCP_CLOSE
  stateId("CLOSE_WAIT"), // 08
  stateId("LAST_ACK"), // 09
  stateId("LISTEN"), // 0A
  stateId("CLOSING"), // 0B
  stateId("SYN_RECV"), // 0C TCP_NEW_SYN_RECV
];

/** Names of the timer codes in the `tr` column (tcp_ipv4.c get_tcp4_sock), by code. */
const LISTEN = stateId("LISTEN");

/** An address read from its hex form: an IPv4 (or IPv4-mapped) address's 32 bits, or an IPv6 address's 128. */
class HexAddress {
  /** An IPv4 or IPv4-mapped address: its bits are in `quad`. */
  isQuad = false;
  /** The dotted quad's 32 bits as an int32 (`quad >>> 0` is its value): a small integer, not a boxed double, in the object. */
  quad = 0;
  /** True for ::ffff:a.b.c.d (printed so, not as a dotted quad). */
  mapped = false;
  /** The words of other IPv6 addresses, most significant first. */
  readonly v6 = new Int32Array(4);
}

/** A /proc word's bytes in address order (the first byte is the word's low one), as an int32. */
function swap(w: number): number {
  return ((w & 255) << 24) | (((w >>> 8) & 255) << 16) | (((w >>> 16) & 255) << 8) | (w >>> 24);
}

/**
 * Reads a /proc hex address `s[a, b)`: 8 digits for IPv4, 32 for IPv6.
 * False for anything else. Only the IPv6 form of other IPv6 addresses
 * makes a string.
 */
function readHexAddress(s: string, a: number, b: number, out: HexAddress): boolean {
  if (b - a === 8) {
    const w = hexValue(s, a, b);
    if (w < 0) return false;
    out.isQuad = true;
    out.quad = swap(w);
    out.mapped = false;
    return true;
  }
  if (b - a !== 32) return false;
  const w0 = hexValue(s, a, a + 8), w1 = hexValue(s, a + 8, a + 16), w2 = hexValue(s, a + 16, a + 24), w3 = hexValue(s, a + 24, b);
  if (w0 < 0 || w1 < 0 || w2 < 0 || w3 < 0) return false;
  if (w0 === 0 && w1 === 0 && w2 === 0xffff0000) {
    out.isQuad = true;
    out.quad = swap(w3);
    out.mapped = true;
    return true;
  }
  out.isQuad = false;
  out.mapped = false;
  out.v6[0] = swap(w0), out.v6[1] = swap(w1), out.v6[2] = swap(w2), out.v6[3] = swap(w3);
  return true;
}

function addressText(a: HexAddress): string {
  if (!a.isQuad) return formatV6(a.v6[0], a.v6[1], a.v6[2], a.v6[3]);
  return a.mapped ? MAPPED_PREFIX + formatV4(a.quad >>> 0) : formatV4(a.quad >>> 0);
}

/** Decodes a /proc hex address ("0100007F" is 127.0.0.1), or undefined. */
export function decodeProcAddress(hex: string): string | undefined {
  const a = new HexAddress();
  return readHexAddress(hex, 0, hex.length, a) ? addressText(a) : undefined;
}

/** The `tr:when` timer as text ("keepalive (71.84s)"), or "" when none runs; `when` is in clock ticks (USER_HZ, 100 a second). */
const timerText = formatKernelTimer;

/**
 * The fields of one row, read from token bounds: both readers go through
 * here, the careful one on its own tokens. One per reader, reused.
 */
class ProcRow {
  readonly tokens = new TokenBounds();
  readonly local = new HexAddress();
  readonly remote = new HexAddress();
  localPort = 0;
  remotePort = 0;
  state = 0;
  tx = 0;
  rx = 0;
  tr = 0;
  when = 0;
  inode = 0;
  /** The row's family: 4 for an 8-digit local address, 6 for a 32-digit one. */
  family: 4 | 6 = 4;

  /**
   * Reads the row whose first ten tokens `tokens` holds; false when it is
   * not a /proc row (the careful reader then says "not understood").
   */
  read(text: string): boolean {
    const t = this.tokens;
    // "12:": digits then a colon.
    const s0 = t.start(0), e0 = t.end(0);
    if (e0 - s0 < 2 || text.charCodeAt(e0 - 1) !== 58 || digitsValue(text, s0, e0 - 1) < 0) return false;
    const lc = indexIn(text, 58, t.start(1), t.end(1)), rc = indexIn(text, 58, t.start(2), t.end(2));
    if (lc === -1 || rc === -1) return false;
    if (!readHexAddress(text, t.start(1), lc, this.local) || !readHexAddress(text, t.start(2), rc, this.remote)) return false;
    this.family = lc - t.start(1) === 8 ? 4 : 6;
    this.localPort = hexValue(text, lc + 1, t.end(1));
    this.remotePort = hexValue(text, rc + 1, t.end(2));
    if (this.localPort < 0 || this.localPort > 65535 || this.remotePort < 0 || this.remotePort > 65535) return false;
    const st = hexValue(text, t.start(3), t.end(3));
    if (!(st > 0 && st < STATE_BY_CODE.length)) return false;
    this.state = STATE_BY_CODE[st];
    const qc = indexIn(text, 58, t.start(4), t.end(4));
    if (qc === -1) return false;
    this.tx = hexValue(text, t.start(4), qc);
    this.rx = hexValue(text, qc + 1, t.end(4));
    const tc = indexIn(text, 58, t.start(5), t.end(5));
    this.tr = tc === -1 ? -1 : hexValue(text, t.start(5), tc);
    this.when = tc === -1 ? -1 : hexValue(text, tc + 1, t.end(5));
    this.inode = digitsValue(text, t.start(9), t.end(9));
    return true;
  }

  /** Recv-Q: rx_queue, when it reads. */
  recvQ(): number {
    return this.rx < 0 ? NONE : this.rx;
  }

  /** Send-Q: tx_queue, when it reads; a listener's is not its backlog: unknown. */
  sendQ(): number {
    return this.state === LISTEN || this.tx < 0 ? NONE : this.tx;
  }

  /** The timer when both halves read and one runs, else "". */
  timer(): string {
    return this.tr < 0 || this.when < 0 ? "" : timerText(this.tr, this.when);
  }

}

function header(t: string[]): boolean {
  return t[0] === "sl" && t[1] === "local_address";
}

function parse(line: Line, ctx: ParseContext, sink: Sink): LineKind | undefined {
  const t = line.tokens;
  if (header(t)) return "header";
  const t0 = t[0];
  if (t0.charCodeAt(t0.length - 1) !== 58 /* : */ || t.length < 10) return undefined;
  const r = parserState(ctx, FORMAT, () => new ProcRow());
  if (r.tokens.split(line.text, 0, line.text.length, 10) < 10 || !r.read(line.text)) return undefined;
  const row: SocketRow = {
    family: r.family,
    state: r.state,
    localAddress: addressText(r.local),
    localPort: r.localPort,
    remoteAddress: addressText(r.remote),
    remotePort: r.remotePort,
    recvQ: r.recvQ(),
    sendQ: r.sendQ(),
    user: t[7],
    inode: r.inode < 0 ? NONE : r.inode,
  };
  const timer = r.timer();
  if (timer) row.timer = timer;
  sink.socket(row);
  return "socket";
}

/** Hex digit values by byte (either case); -1 for any other byte. */
const HEX = new Int8Array(256).fill(-1);
for (let d = 0; d < 16; d++) HEX["0123456789ABCDEF".charCodeAt(d)] = HEX["0123456789abcdef".charCodeAt(d)] = d;

/** The `n` (at most 8) hex digits at `i` as an unsigned number; -1 when a byte is not one. */
function hexFixed(b: Uint8Array, i: number, n: number): number {
  let v = 0, bad = 0;
  for (let k = i; k < i + n; k++) {
    const d = HEX[b[k]];
    bad |= d;
    v = v * 16 + d;
  }
  return bad < 0 ? -1 : v;
}

/** Sets `a` from the words of an address of `n` (8 or 32) hex digits, as readHexAddress reads its text. */
function setAddress(a: HexAddress, n: number, w: Int32Array): void {
  if (n === 8) {
    a.isQuad = true;
    a.quad = swap(w[0]);
    a.mapped = false;
  } else if (w[0] === 0 && w[1] === 0 && w[2] === (0xffff0000 | 0)) {
    a.isQuad = true;
    a.quad = swap(w[3]);
    a.mapped = true;
  } else {
    a.isQuad = false;
    a.mapped = false;
    a.v6[0] = swap(w[0]), a.v6[1] = swap(w[1]), a.v6[2] = swap(w[2]), a.v6[3] = swap(w[3]);
  }
}

/** Reads the fields of one /proc row from its bytes in one pass, as ProcRow reads them from its text. One per reader. */
class ProcBytes {
  readonly local = new HexAddress();
  readonly remote = new HexAddress();
  localPort = 0;
  remotePort = 0;
  st = 0;
  tx = 0;
  rx = 0;
  tr = 0;
  when = 0;
  /** The value of the hex field hex() read last. */
  value = 0;
  /** The address's words as endpoint() reads them. */
  readonly #w = new Int32Array(4);

  /**
   * Reads local_address to tr:tm->when at `i` into the fields, as the
   * kernel prints them: fixed widths (%08X, %04X, %02X; an IPv6 address as
   * four %08X) and one space or colon between. The index of the space after
   * tm->when; -1 for any other layout (fields() reads those).
   */
  fixed(b: Uint8Array, i: number, end: number): number {
    // an IPv6 row's addresses are 24 digits longer each
    const d = b[i + 8] === 58 ? 0 : 24, e = d + d;
    if (i + 61 + e > end) return -1;
    if (b[i + 8 + d] !== 58 || b[i + 13 + d] !== 32 || b[i + 22 + e] !== 58 || b[i + 27 + e] !== 32 || b[i + 30 + e] !== 32) return -1;
    if (b[i + 39 + e] !== 58 || b[i + 48 + e] !== 32 || b[i + 51 + e] !== 58 || b[i + 60 + e] !== 32) return -1;
    if (!this.#address(b, i, d, this.local) || !this.#address(b, i + 14 + d, d, this.remote)) return -1;
    const lp = hexFixed(b, i + 9 + d, 4), rp = hexFixed(b, i + 23 + e, 4), st = hexFixed(b, i + 28 + e, 2);
    const tx = hexFixed(b, i + 31 + e, 8), rx = hexFixed(b, i + 40 + e, 8), tr = hexFixed(b, i + 49 + e, 2), when = hexFixed(b, i + 52 + e, 8);
    if ((lp | rp | st | tr) < 0 || tx < 0 || rx < 0 || when < 0) return -1;
    this.localPort = lp, this.remotePort = rp, this.st = st, this.tx = tx, this.rx = rx, this.tr = tr, this.when = when;
    return i + 60 + e;
  }

  /** An address of 8 (`d` 0) or 32 (`d` 24) hex digits at `i` into `a`; false if a byte is not a digit. */
  #address(b: Uint8Array, i: number, d: number, a: HexAddress): boolean {
    const w = this.#w;
    for (let k = 0; k <= d; k += 8) {
      const v = hexFixed(b, i + k, 8);
      if (v < 0) return false;
      w[k >> 3] = v | 0;
    }
    setAddress(a, d + 8, w);
    return true;
  }

  /** Reads the same fields as fixed() with any widths the parser takes; the index after tm->when, or -1. */
  fields(b: Uint8Array, i: number, end: number): number {
    if ((i = this.endpoint(b, i, end, this.local)) < 0) return -1;
    this.localPort = this.value;
    if ((i = spacesAfterBytes(b, i, end)) < 0 || (i = this.endpoint(b, i, end, this.remote)) < 0) return -1;
    this.remotePort = this.value;
    if ((i = spacesAfterBytes(b, i, end)) < 0 || (i = this.hex(b, i, end, 32)) < 0) return -1;
    this.st = this.value;
    if ((i = spacesAfterBytes(b, i, end)) < 0 || (i = this.hex(b, i, end, 58)) < 0) return -1;
    this.tx = this.value;
    if ((i = this.hex(b, i + 1, end, 32)) < 0) return -1;
    this.rx = this.value;
    if ((i = spacesAfterBytes(b, i, end)) < 0 || (i = this.hex(b, i, end, 58)) < 0) return -1;
    this.tr = this.value;
    if ((i = this.hex(b, i + 1, end, 32)) < 0) return -1;
    this.when = this.value;
    return i;
  }

  /**
   * Reads 1 to 13 hex digits at `i` (as hexValue) into `value`, ending at
   * byte `stop` (or, with `stop` 32, a space); the index of that byte, or -1.
   */
  hex(b: Uint8Array, i: number, end: number, stop: number): number {
    let v = 0;
    const from = i;
    for (; i < end; i++) {
      const d = HEX[b[i]];
      if (d < 0) break;
      v = v * 16 + d;
    }
    if (i === from || i - from > 13 || i >= end || b[i] !== stop) return -1;
    this.value = v;
    return i;
  }

  /**
   * Reads `ADDRESS:PORT` at `i` (8 or 32 hex digits, a colon, a port of 1
   * to 13 hex digits up to 65535) into `a` and `value`, as readHexAddress
   * and hexValue read them; the index of the space after it, or -1.
   */
  endpoint(b: Uint8Array, i: number, end: number, a: HexAddress): number {
    const w = this.#w, from = i;
    let v = 0;
    for (; i < end; i++) {
      const d = HEX[b[i]];
      if (d < 0) break;
      v = (v << 4) | d;
      const n = i - from + 1;
      if ((n & 7) === 0) {
        if (n > 32) return -1;
        w[(n >> 3) - 1] = v;
        v = 0;
      }
    }
    const n = i - from;
    if ((n !== 8 && n !== 32) || i >= end || b[i] !== 58) return -1;
    setAddress(a, n, w);
    i = this.hex(b, i + 1, end, 32);
    return i < 0 || this.value > 65535 ? -1 : i;
  }
}

/** The pool id of an address read from bytes, the same as that of its text. */
function internHex(a: HexAddress, pool: StringPool): number {
  if (a.isQuad) return a.mapped ? pool.internMapped(a.quad) : pool.internV4(a.quad);
  return pool.internV6(a.v6[0], a.v6[1], a.v6[2], a.v6[3]);
}

/** After a run of spaces at `i` and a token of printable ASCII, the index of the space after the token; -1 otherwise. */
function skipToken(b: Uint8Array, i: number, end: number): number {
  if ((i = spacesAfterBytes(b, i, end)) < 0) return -1;
  const from = i;
  for (; i < end; i++) {
    const c = b[i];
    if (c === 32) break;
    if (c < 33 || c > 126) return -1;
  }
  return i === from || i === end ? -1 : i;
}

/**
 * /proc/net/tcp{,6} rows, every address family, read as the parser reads
 * them (its first ten fields; the rest of the line is padding and kernel
 * internals).
 */
class ProcRows implements RowReader {
  readonly #r = new ProcBytes();

  read(b: Uint8Array, start: number, end: number, pool: StringPool, out: PlainRow): number {
    const r = this.#r;
    let i = start;
    while (i < end && b[i] === 32) i++;
    // "12:"
    const e0 = digitsEndBytes(b, i, end);
    if (e0 === i || e0 - i > 15 || e0 >= end || b[e0] !== 58) return -1;
    // local_address, rem_address, st, tx_queue:rx_queue, tr:tm->when
    if ((i = spacesAfterBytes(b, e0 + 1, end)) < 0) return -1;
    const f = r.fixed(b, i, end);
    if ((i = f >= 0 ? f : r.fields(b, i, end)) < 0) return -1;
    const family = r.local.isQuad && !r.local.mapped ? 4 : 6;
    const lport = r.localPort, rport = r.remotePort, st = r.st, tx = r.tx, rx = r.rx, tr = r.tr, when = r.when;
    if (!(st > 0 && st < STATE_BY_CODE.length)) return -1;
    const state = STATE_BY_CODE[st];
    // retrnsmt, uid, timeout
    if ((i = skipToken(b, i, end)) < 0) return -1;
    const ua = spacesAfterBytes(b, i, end);
    if ((i = skipToken(b, i, end)) < 0 || (i = skipToken(b, i, end)) < 0) return -1;
    const ue = ua + (b.indexOf(32, ua) - ua);
    // inode: the tenth field; then anything up to the line's end.
    if ((i = spacesAfterBytes(b, i, end)) < 0) return -1;
    let e = digitsEndBytes(b, i, end);
    if (e === i || e - i > 15 || (e < end && b[e] !== 32 && b[e] !== 10 && !(b[e] === 13 && (e + 1 === end || b[e + 1] === 10)))) return -1;
    const inode = digitsValueBytes(b, i, e);
    // The rest is padding and kernel internals: only its end matters (memchr, not a loop over some 80 bytes).
    e = b.indexOf(10, e);
    if (e === -1 || e > end) e = end;
    if (e - start > MAX_LINE) return -1;
    out.state = state;
    out.family = family;
    out.localAddr = internHex(r.local, pool);
    out.localPort = lport;
    out.remoteAddr = internHex(r.remote, pool);
    out.remotePort = rport;
    out.recvQ = rx;
    // A listener's tx_queue is not its backlog: unknown.
    out.sendQ = state === LISTEN ? NONE : tx;
    out.pid = NONE;
    out.program = 0;
    // the uid column repeats from row to row
    out.user = pool.internName(b, ua, ue);
    out.inode = inode;
    // A timer by value (no string); one past what is kept so, as text.
    const packed = packKernelTimer(tr, when);
    out.timer = packed !== -1 ? kernelTimerCell(packed) : timerText(tr, when) === "" ? 0 : pool.intern(timerText(tr, when));
    return e;
  }
}

export const procNetTcp: Format = {
  format: FORMAT,
  reads: "/proc/net/tcp and /proc/net/tcp6",
  platform: "linux",
  commands: ["cat"],
  parse,
  rows: () => new ProcRows(),
};
