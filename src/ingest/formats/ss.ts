/**
 * iproute2 `ss`: -tan, -tanp (old and new `users:` forms), -e, -o, -i with its
 * continuation lines, Netid-first output (-a, -u, -x), and state-filtered
 * output that has no State column (the state comes from the command line).
 */

import type { LineKind } from "../../model/snapshot.ts";
import { NONE, type PlainRow, type SocketRow, type StringPool } from "../../model/socket_table.ts";
import { stateId, type StateName, UNKNOWN_STATE } from "../../model/states.ts";
import { socketRow, splitColonPort } from "../endpoint.ts";
import { type Format, type Line, MAX_LINE, type ParseContext, type RowReader, type Sink } from "../format.ts";
import type { StateMatcher } from "../state_words.ts";
import {
  bytesAre, digitsEndBytes, digitsValue, digitsValueBytes, isDigits, lineEndBytes, spacesAfterBytes, wordEndBytes,
} from "../scan.ts";
import { RowFields } from "./_table_row.ts";

const FORMAT = "ss";

/** ss's state column words (sstate_name[] in iproute2 misc/ss.c) that name a state. */
const STATE_WORDS: Readonly<Record<string, StateName>> = {
  ESTAB: "ESTABLISHED",
  "SYN-SENT": "SYN_SENT",
  "SYN-RECV": "SYN_RECV",
  "FIN-WAIT-1": "FIN_WAIT_1",
  "FIN-WAIT-2": "FIN_WAIT_2",
  "TIME-WAIT": "TIME_WAIT",
  // The kernel's TCP_CLOSE.
  UNCONN: "CLOSED",
  "CLOSE-WAIT": "CLOSE_WAIT",
  "LAST-ACK": "LAST_ACK",
  LISTEN: "LISTEN",
  CLOSING: "CLOSING",
  "NEW-SYN-RECV": "SYN_RECV",
};
/** sstate_name[0]: a state column word that names no state. */
const UNKNOWN_WORD = "UNKNOWN";

/** State filter words on an ss command line (`ss -tan state close-wait`), as iproute2 spells them. */
export const SS_FILTER_STATES: Readonly<Record<string, StateName>> = {
  established: "ESTABLISHED",
  "syn-sent": "SYN_SENT",
  "syn-recv": "SYN_RECV",
  "fin-wait-1": "FIN_WAIT_1",
  "fin-wait-2": "FIN_WAIT_2",
  "time-wait": "TIME_WAIT",
  closed: "CLOSED",
  "close-wait": "CLOSE_WAIT",
  "last-ack": "LAST_ACK",
  listening: "LISTEN",
  listen: "LISTEN",
  closing: "CLOSING",
};

const STATE_IDS = new Map(Object.entries(STATE_WORDS).map(([w, s]) => [w, stateId(s)]));
const LISTEN = stateId("LISTEN");

const NETIDS = new Set([
  "tcp", "udp", "raw", "u_str", "u_dgr", "u_seq", "p_raw", "p_dgr", "nl", "sctp", "mptcp", "tipc", "v_str", "v_dgr",
  "xdp", "icmp6", "u_seqpacket", "dccp",
]);

// users:(("nginx",pid=12,fd=6),...) and the old users:(("nginx",12,6))
const USERS = /users:\(\("((?:[^"\\]|\\.)*)",(?:pid=)?(\d+)/;
const INODE = /\bino:(\d+)/;
const UID = /\buid:(\d+)/;
// Fields of -i continuation lines.
const INFO_FIELD = /^(?:[a-z_]+:|ts$|sack$|ecn$|ecnseen$|fastopen$|cubic$|bbr2?$|reno$|dctcp$|vegas$|htcp$|westwood$|bic$|app_limited$|notsent:|delivery_rate|busy:|rcv_space|skmem:|minrtt|snd_wnd)/;

const HEADER_FIRST = new Set(["State", "Netid", "Recv-Q"]);

/** Marks that this input has shown ss output (a header or a row): indented lines may be its -i details. */
function seen(ctx: ParseContext): void {
  ctx.scratch[FORMAT] = true;
}

function header(line: Line, ctx: ParseContext): boolean {
  const t = line.tokens;
  if (!HEADER_FIRST.has(t[0])) return false;
  if (line.text.indexOf("Address:Port") === -1 && line.text.indexOf("Local Address") === -1) return false;
  // A header with a State column: the rows carry their own state.
  if (t.includes("State")) {
    ctx.stateFilter = 0;
    ctx.stateFilterAmbiguous = false;
  }
  seen(ctx);
  return true;
}

/** Where a row's process column was cut by a terminal that folded the line: its start, for the next line to complete. */
const FOLD = "ss-fold";

/**
 * The start of a process column that does not end on this line
 * (`users:(("node",p` when a terminal folded `ss -tanp` at 80 columns), or
 * undefined. Its pid and name are then read from it and the next line together.
 */
function cutProcess(text: string): string | undefined {
  const u = text.indexOf("users:((");
  return u !== -1 && text.indexOf("))", u) === -1 ? text.slice(u).trimEnd() : undefined;
}

/** The next line after a cut process column: its rest (`id=28672,fd=19))`) gives the row above its pid and name. */
function foldedRest(line: Line, cut: string, sink: Sink): LineKind | undefined {
  if (line.tokens.length !== 1 || line.text.indexOf("))") === -1) return undefined;
  const m = USERS.exec(cut + line.tokens[0]);
  if (!m) return undefined;
  sink.detail({ program: m[1], pid: Number(m[2]) });
  return "detail";
}

function fillProcess(text: string, row: SocketRow, cut: boolean): void {
  if (!cut && text.indexOf("users:") !== -1) {
    const m = USERS.exec(text);
    if (m) {
      row.program = m[1];
      row.pid = Number(m[2]);
    }
  }
  // timer:(keepalive,9min,0): up to the first ")" after the first "timer:(" (a search, not a pattern: linear time).
  const timer = text.indexOf("timer:(");
  if (timer !== -1) {
    const close = text.indexOf(")", timer);
    if (close !== -1) row.timer = text.slice(timer + 7, close);
  }
  if (text.indexOf("ino:") !== -1) {
    const m = INODE.exec(text);
    if (m) row.inode = digitsValue(m[1]);
  }
  if (text.indexOf("uid:") !== -1) {
    const m = UID.exec(text);
    if (m) row.user = m[1];
  }
}

function parse(line: Line, ctx: ParseContext, sink: Sink): LineKind | undefined {
  const t = line.tokens;
  const cut = ctx.scratch[FOLD] as string | undefined;
  if (cut !== undefined) {
    ctx.scratch[FOLD] = undefined;
    const kind = foldedRest(line, cut, sink);
    if (kind) return kind;
  }
  let i = 0;
  let netid: string | undefined;
  if (NETIDS.has(t[0])) {
    netid = t[0];
    i = 1;
  }
  let state = UNKNOWN_STATE;
  let hasState = false;
  const id = STATE_IDS.get(t[i]);
  if (id !== undefined || t[i] === UNKNOWN_WORD) {
    hasState = true;
    state = id ?? UNKNOWN_STATE;
    i++;
  }
  // A listener's row under an ss command line, its Peer column cut off: a listener has no peer.
  if (hasState && t.length === i + 3 && state === LISTEN && isDigits(t[i]) && isDigits(t[i + 1]) && (ctx.command?.tool === "ss" || ctx.scratch[FORMAT])) {
    const local = splitColonPort(t[i + 2]);
    if (local) {
      seen(ctx);
      sink.socket(socketRow(state, local, { host: "*", port: NONE }, digitsValue(t[i]), digitsValue(t[i + 1])));
      return "socket";
    }
  }
  if (t.length < i + 4 || !isDigits(t[i]) || !isDigits(t[i + 1])) {
    if (header(line, ctx)) return "header";
    // -i continuation: indented fields under the socket above.
    if (ctx.scratch[FORMAT] && (line.text.charCodeAt(0) === 9 || line.text.charCodeAt(0) === 32) && INFO_FIELD.test(t[0])) {
      return "detail";
    }
    return undefined;
  }
  // A netid without a state column: `ss -a state established` output.
  // Linux netstat rows look alike but end in a state word: leave them.
  if (!hasState && netid && ctx.states.id(t[i + 4] ?? "") !== UNKNOWN_STATE && !ctx.scratch[FORMAT]) return undefined;
  if (!hasState && !netid && !ctx.scratch[FORMAT] && ctx.stateFilter === 0 && !ctx.stateFilterAmbiguous) {
    // Bare "n n addr addr" rows with no ss header or command seen: still ss's shape.
    if (t[i + 2].indexOf(":") === -1) return undefined;
  }
  if (netid && netid !== "tcp" && netid !== "mptcp") return "other-socket";
  const local = splitColonPort(t[i + 2]);
  const remote = splitColonPort(t[i + 3]);
  // A TCP row whose endpoints do not read (an address edited by hand): not ss's, and never "other".
  if (!local || !remote) return undefined;
  if (!hasState && ctx.stateFilter !== 0) state = ctx.stateFilter;
  // For listeners ss reports the backlog limit in Send-Q.
  const row = socketRow(state, local, remote, digitsValue(t[i]), digitsValue(t[i + 1]));
  if (t.length > i + 4) {
    const cutAt = cutProcess(line.text);
    fillProcess(line.text, row, cutAt !== undefined);
    if (cutAt !== undefined) ctx.scratch[FOLD] = cutAt;
  }
  seen(ctx);
  sink.socket(row);
  return "socket";
}

const USERS_OPEN = 'users:(("';

/**
 * `ss -tan` rows, `STATE RECVQ SENDQ LOCAL PEER`, and `ss -tanp` rows with
 * `users:(("name",pid=N,fd=N),...)` after them, read as the parser reads
 * them (the first process named). No Netid column; anything else after the
 * peer (-e, -o, -i) is left to the parser.
 */
class SsRows implements RowReader {
  readonly #f = new RowFields();
  #words: StateMatcher | undefined;

  read(b: Uint8Array, start: number, end: number, pool: StringPool, out: PlainRow, ctx: ParseContext): number {
    const f = this.#f, words = this.#words ??= ctx.states.matcher((w) => STATE_IDS.has(w));
    let i = wordEndBytes(b, start, end);
    if (i <= start) return -1;
    const state = words.stateBytes(b, start, i);
    if (state === UNKNOWN_STATE || (i = f.read(b, i, end)) < 0) return -1;
    out.state = state;
    out.family = f.localFamily || f.remoteFamily;
    out.localPort = f.localPort;
    out.remotePort = f.remotePort;
    out.recvQ = f.recvQ;
    // For listeners ss reports the backlog limit in Send-Q.
    out.sendQ = f.sendQ;
    out.pid = NONE;
    out.program = 0;
    out.user = 0;
    out.inode = NONE;
    out.timer = 0;
    let e = lineEndBytes(b, i, end), na = -1, ne = -1;
    if (e < 0) {
      // users:(("name",pid=N: the parser's USERS pattern; the name without a quote, backslash or colon.
      i = spacesAfterBytes(b, i, end);
      if (i < 0 || end - i < USERS_OPEN.length + 3 || !bytesAre(b, i, i + USERS_OPEN.length, USERS_OPEN)) return -1;
      na = i += USERS_OPEN.length;
      for (; i < end; i++) {
        const c = b[i];
        if (c === 34) break;
        if (c < 32 || c > 126 || c === 92 || c === 58 || c === 96 || c === 60) return -1;
      }
      ne = i;
      if (i + 1 >= end || b[i + 1] !== 44) return -1;
      i += 2;
      if (end - i > 4 && bytesAre(b, i, i + 4, "pid=")) i += 4;
      const pe = digitsEndBytes(b, i, end);
      if (pe === i || pe - i > 9) return -1;
      out.pid = digitsValueBytes(b, i, pe);
      // The rest names no timer, inode or uid (each needs a colon), and a paste's wrapping could not take any of it away.
      // A column with no closing "))" was cut by a terminal's fold: the parser joins it with the next line.
      let closed = false;
      for (i = pe; i < end; i++) {
        const c = b[i];
        if (c === 10 || (c === 13 && (i + 1 === end || b[i + 1] === 10))) break;
        if (c < 32 || c > 126 || c === 58 || c === 96 || c === 60) return -1;
        if (c === 41 && b[i - 1] === 41) closed = true;
      }
      if (!closed) return -1;
      e = i < end && b[i] === 13 ? i + 1 : i;
    }
    if (e - start > MAX_LINE) return -1;
    // Interned in the table's order, once the row is taken: addresses, program.
    f.intern(b, pool);
    out.localAddr = f.localAddr;
    out.remoteAddr = f.remoteAddr;
    if (na >= 0) out.program = pool.internName(b, na, ne);
    seen(ctx);
    return e;
  }
}

export const ss: Format = {
  format: FORMAT,
  reads: "iproute2 ss: -tan, -tanp (old and new users: forms), -e, -o, -i continuation lines, -a with Netid, state-filtered output",
  platform: "linux",
  states: STATE_WORDS,
  commands: ["ss"],
  parse,
  rows: () => new SsRows(),
};
