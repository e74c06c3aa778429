/**
 * /proc/net/tcp and /proc/net/tcp6 (net/ipv4/tcp_ipv4.c get_tcp4_sock,
 * net/ipv6/tcp_ipv6.c get_tcp6_sock): the live snapshot's socket tables.
 *
 * A row: `sl: local rem st tx_queue:rx_queue tr:tm->when retrnsmt uid
 * timeout inode ...`, addresses in hex with each 32-bit word in host
 * (little-endian) order. Only the first ten fields are read; the rest is
 * padding and kernel internals.
 */

import { formatV4 } from "../../model/address.ts";
import type { LineKind } from "../../model/snapshot.ts";
import { NONE, type PlainRow, type SocketRow, type StringPool } from "../../model/socket_table.ts";
import { stateId, UNKNOWN_STATE } from "../../model/states.ts";
import { type Format, type Line, type ParseContext, parserState, type RowReader, type Sink } from "../format.ts";
import { digitsValue, hexValue, indexIn, TokenBounds } from "../scan.ts";

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
const TIMER_NAMES = ["", "retransmit", "keepalive", "timewait", "probe", "keepalive"];
const LISTEN = stateId("LISTEN");

/** An address read from its hex form: an IPv4 (or IPv4-mapped) address's 32 bits, or an IPv6 address's text. */
class HexAddress {
  /** An IPv4 or IPv4-mapped address: its bits are in `quad`. */
  isQuad = false;
  /** The dotted quad's 32 bits as an int32 (`quad >>> 0` is its value): a small integer, not a boxed double, in the object. */
  quad = 0;
  /** True for ::ffff:a.b.c.d (printed so, not as a dotted quad). */
  mapped = false;
  /** The IPv6 text of other IPv6 addresses. */
  v6 = "";
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
  const groups: string[] = [];
  for (const w of [w0, w1, w2, w3]) {
    const x = swap(w);
    groups.push((x >>> 16).toString(16), (x & 0xffff).toString(16));
  }
  out.v6 = compressV6(groups);
  return true;
}

function compressV6(groups: string[]): string {
  // Replace the longest run of two or more zero groups with "::" (RFC 5952).
  let best = -1, bestLen = 0;
  for (let i = 0; i < 8;) {
    if (groups[i] !== "0") {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === "0") j++;
    if (j - i > bestLen && j - i >= 2) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (best === -1) return groups.join(":");
  return `${groups.slice(0, best).join(":")}::${groups.slice(best + bestLen).join(":")}`;
}

function addressText(a: HexAddress): string {
  if (!a.isQuad) return a.v6;
  return a.mapped ? `::ffff:${formatV4(a.quad >>> 0)}` : formatV4(a.quad >>> 0);
}

/** Decodes a /proc hex address ("0100007F" is 127.0.0.1), or undefined. */
export function decodeProcAddress(hex: string): string | undefined {
  const a = new HexAddress();
  return readHexAddress(hex, 0, hex.length, a) ? addressText(a) : undefined;
}

/** The `tr:when` timer as text ("keepalive (71.84s)"), or "" when none runs. */
function timerText(tr: number, when: number): string {
  // The expiry is in clock ticks (USER_HZ, 100 a second on Linux).
  return tr > 0 && tr < TIMER_NAMES.length ? `${TIMER_NAMES[tr]} (${(when / 100).toFixed(2)}s)` : "";
}

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

function intern(text: string, a: HexAddress, pool: StringPool): number {
  return a.isQuad && !a.mapped ? pool.internV4(a.quad) : pool.intern(addressText(a));
}

/** /proc/net/tcp{,6} rows, every address family. */
function rows(): RowReader {
  const r = new ProcRow();
  // The uid column repeats from row to row: keep the last one's text and id.
  let lastUser = "", lastUserId = 0, lastPool: StringPool | undefined;
  return (text, start, end, pool, out: PlainRow) => {
    const t = r.tokens;
    if (t.split(text, start, end, 10) < 10 || !r.read(text)) return false;
    out.state = r.state;
    out.family = r.family;
    out.localAddr = intern(text, r.local, pool);
    out.localPort = r.localPort;
    out.remoteAddr = intern(text, r.remote, pool);
    out.remotePort = r.remotePort;
    out.recvQ = r.recvQ();
    out.sendQ = r.sendQ();
    const ua = t.start(7), ub = t.end(7);
    let same = lastPool === pool && ub - ua === lastUser.length;
    for (let i = 0; same && i < ub - ua; i++) same = text.charCodeAt(ua + i) === lastUser.charCodeAt(i);
    if (!same) {
      lastUser = text.slice(ua, ub);
      lastUserId = pool.intern(lastUser);
      lastPool = pool;
    }
    out.user = lastUserId;
    out.inode = r.inode < 0 ? NONE : r.inode;
    const timer = r.timer();
    out.timer = timer ? pool.intern(timer) : 0;
    return true;
  };
}

export const procNetTcp: Format = {
  format: FORMAT,
  reads: "/proc/net/tcp and /proc/net/tcp6",
  platform: "linux",
  commands: ["cat"],
  parse,
  rows,
};
