/**
 * net-tools `netstat` on Linux (-nat, -antp, -anp, -e, -o, -W, localized
 * state words) and BusyBox/toybox netstat, which print the same columns.
 */

import type { LineKind } from "../../model/snapshot.ts";
import { familyOf } from "../../model/address.ts";
import { NONE, type PlainRow, type SocketRow, type StringPool } from "../../model/socket_table.ts";
import { stateId, type StateName, UNKNOWN_STATE } from "../../model/states.ts";
import { socketRow, splitColonPort } from "../endpoint.ts";
import { type Format, type Line, MAX_LINE, type ParseContext, type RowReader, type Sink } from "../format.ts";
import type { StateMatcher } from "../state_words.ts";
import {
  bytesAre, digitsEndBytes, digitsValue, digitsValueBytes, isDigits, lineEndBytes, spacesAfterBytes, wordEndBytes,
} from "../scan.ts";
import { RowFields } from "./_table_row.ts";

const FORMAT = "netstat-linux";

/**
 * State words: net-tools netstat.c tcp_state[] (BusyBox and toybox print
 * the same), and the translations that differ from English (po/de.po,
 * po/pt_BR.po, po/cs.po; the table is in samples/LOCALIZATION.md).
 */
const STATE_WORDS: Readonly<Record<string, StateName>> = {
  ESTABLISHED: "ESTABLISHED",
  SYN_SENT: "SYN_SENT",
  SYN_RECV: "SYN_RECV",
  FIN_WAIT1: "FIN_WAIT_1",
  FIN_WAIT2: "FIN_WAIT_2",
  TIME_WAIT: "TIME_WAIT",
  // The kernel's TCP_CLOSE.
  CLOSE: "CLOSED",
  CLOSE_WAIT: "CLOSE_WAIT",
  LAST_ACK: "LAST_ACK",
  LISTEN: "LISTEN",
  CLOSING: "CLOSING",
  VERBUNDEN: "ESTABLISHED",
  ESTABELECIDA: "ESTABLISHED",
  SYN_ENVIADO: "SYN_SENT",
  SYN_RECEBIDO: "SYN_RECV",
  ESPERA_FIN1: "FIN_WAIT_1",
  ESPERA_FIN2: "FIN_WAIT_2",
  FECHAR: "CLOSED",
  ESPERANDO_FECHAR: "CLOSE_WAIT",
  "ÚLTIMO_ACK": "LAST_ACK",
  "OUÇA": "LISTEN",
  FECHANDO: "CLOSING",
  SPOJENO: "ESTABLISHED",
  "ZAVŘEN": "CLOSED",
  "NASLOUCHÁ": "LISTEN",
  "ZAVÍRÁ": "CLOSING",
};
// Czech prints LAST_ACK as two words, "POSLEDNÍ ACK".
const TWO_WORD_STATES = new Map([["POSLEDNÍ", "ACK"]]);
const LAST_ACK = stateId("LAST_ACK");
const LISTEN = stateId("LISTEN");

const TCP = new Set(["tcp", "tcp6"]);
const OTHER = new Set(["udp", "udp6", "udpl", "udpl6", "udplite", "raw", "raw6", "unix", "sctp", "sctp6", "ax25", "ipx", "netrom", "x25"]);
// Timer names, English and as the translations print "off" (aus, desligado, vyp, オフ).
const TIMERS = new Set(["off", "on", "keepalive", "timewait", "unkn", "probe", "aus", "desligado", "vyp", "オフ"]);

const HEADINGS = [
  /^Active (Internet|UNIX|Bluetooth|IPX|AX\.25|NET\/ROM|X\.25) /,
  /^Proto\s+Recv-Q\s+Send-Q\s+/,
  /^Proto\s+RefCnt\s+Flags\s+/,
  // Translated titles (net-tools po/de, fr, ja, pt_BR, cs).
  /^(Aktive Internetverbindungen|Aktive Sockets in der UNIX-Domäne|Connexions Internet actives|Sockets du domaine UNIX actives|稼働中の(インターネット接続|UNIXドメインソケット)|Conexões Internet Ativas|Domain sockets UNIX ativos|Aktivní (Internetová spojení|sokety domény UNIX))/,
  // netstat -p as a non-root user.
  /^\(Not all processes could be identified|^will not be shown, you would have to be root|^\(No info could be read for "-p"/,
];

function isColonEndpoint(s: string): boolean {
  // "0.0.0.0:*", "::1:8080", ":::*": the port follows the last colon.
  return s.lastIndexOf(":") > s.lastIndexOf(".");
}

/**
 * Joins an address cut from its port by spaces, as hand-redacted pastes show
 * it ("172.17.0.2:80   #MyIP        :54416  CLOSE_WAIT"): a token that is not
 * an endpoint followed by one that is only ":port".
 */
function joinSplitEndpoints(t: string[]): string[] {
  const out = t.slice(0, 3);
  let k = 3;
  while (k < t.length) {
    if (out.length < 5 && k + 1 < t.length && !isColonEndpoint(t[k]) && /^:(?:\d{1,5}|\*)$/.test(t[k + 1])) {
      out.push(t[k] + t[k + 1]);
      k += 2;
    } else out.push(t[k++]);
  }
  return out;
}

const AWAIT_ADDRESSES = "netstat-linux.awaitAddresses";

// What a paste leaves where it hid an address: "...", "…", "xxx", "<redacted>", "[hidden]".
const ELIDED = /^(?:\.{2,}|…|x{3,}|X{3,}|\*{3,}|<[^<>]*>|\[[^[\]]*\])$/;

/**
 * A TCP row whose addresses are not there: hidden by the paster
 * ("tcp 0 0 ... ESTABLISHED"), or printed on the next line by a two-line
 * layout ("tcp 0 0 ESTABLISHED" then "10.0.0.1:5000 10.0.0.2:443"), or lost
 * by a web page ("tcp 3008 0 ESTABLISHED 2879/socat"). The socket and its
 * state count; its addresses are unknown. A -p column after the state is
 * read as in a whole row.
 */
function addressless(t: string[], ctx: ParseContext, sink: Sink): LineKind | undefined {
  let k = 3;
  while (k < t.length && ELIDED.test(t[k])) k++;
  const owner = k === t.length - 2 && (t[k + 1] === "-" || /^\d+\/./.test(t[k + 1]));
  if (k !== t.length - 1 && !owner) return undefined;
  const state = ctx.states.id(t[k]);
  if (state === UNKNOWN_STATE) return undefined;
  const none = { host: "", port: NONE };
  const row = socketRow(state, none, none, digitsValue(t[1]), state === LISTEN ? NONE : digitsValue(t[2]), t[0] === "tcp6" ? 6 : 0);
  if (owner && t[k + 1] !== "-") {
    const slash = t[k + 1].indexOf("/");
    row.pid = Number(t[k + 1].slice(0, slash));
    row.program = t[k + 1].slice(slash + 1);
  }
  sink.socket(row);
  if (k === 3) ctx.scratch[AWAIT_ADDRESSES] = true;
  return "socket";
}

function tcpRow(line: Line, ctx: ParseContext, sink: Sink): LineKind | undefined {
  let t = line.tokens;
  const proto = t[0];
  if (t.length < 6 && t.length >= 4 && isDigits(t[1]) && isDigits(t[2])) return addressless(t, ctx, sink);
  if (t.length < 6 || !isDigits(t[1]) || !isDigits(t[2])) return undefined;
  if (!isColonEndpoint(t[3]) || !isColonEndpoint(t[4])) {
    t = joinSplitEndpoints(t);
    if (t.length < 6 || !isColonEndpoint(t[3]) || !isColonEndpoint(t[4])) return undefined;
  }
  let state = ctx.states.id(t[5]);
  let extra = 0;
  if (state === UNKNOWN_STATE && t.length > 6 && TWO_WORD_STATES.get(t[5]) === t[6]) {
    state = LAST_ACK;
    extra = 1;
  }
  // No state word: ss's state-filtered `tcp n n a b` rows, not ours.
  if (state === UNKNOWN_STATE) return undefined;
  const local = splitColonPort(t[3]);
  const remote = splitColonPort(t[4]);
  // ":80" passes isColonEndpoint but has no host: not a row.
  if (!local || !remote) return undefined;
  // A listener's Send-Q here is not its backlog (net-tools has none): unknown.
  const family = proto === "tcp6" ? 6 : familyOf(local.host) || 4;
  const row: SocketRow = socketRow(state, local, remote, digitsValue(t[1]), state === LISTEN ? NONE : digitsValue(t[2]), family);
  let i = 6 + extra;
  // -e: User and Inode columns.
  if (t.length >= i + 2 && isDigits(t[i + 1]) && !t[i].includes("/") && !TIMERS.has(t[i])) {
    row.user = t[i];
    row.inode = digitsValue(t[i + 1]);
    i += 2;
  }
  // -p: "PID/Program name" or "-"; the name may contain spaces.
  if (i < t.length && (t[i] === "-" || /^\d+\//.test(t[i]))) {
    if (t[i] !== "-") {
      const slash = t[i].indexOf("/");
      row.pid = Number(t[i].slice(0, slash));
      let name = t[i].slice(slash + 1);
      let j = i + 1;
      while (j < t.length && !TIMERS.has(t[j])) name += " " + t[j++];
      row.program = name;
      i = j;
    } else i++;
  }
  // -o: "keepalive (7184.01/0/0)".
  if (i + 1 < t.length && TIMERS.has(t[i]) && t[i + 1].startsWith("(")) row.timer = `${t[i]} ${t[i + 1]}`;
  sink.socket(row);
  return "socket";
}

function parse(line: Line, ctx: ParseContext, sink: Sink): LineKind | undefined {
  const t = line.tokens;
  const proto = t[0];
  if (TCP.has(proto)) return tcpRow(line, ctx, sink);
  if (OTHER.has(proto)) {
    if (proto === "unix" ? t.length >= 4 && isDigits(t[1]) : t.length >= 5 && isDigits(t[1]) && isColonEndpoint(t[3])) {
      return "other-socket";
    }
    return undefined;
  }
  // The address line under an address-less row (a two-line-per-socket layout).
  if (ctx.scratch[AWAIT_ADDRESSES] === true) {
    ctx.scratch[AWAIT_ADDRESSES] = false;
    if (t.length === 2 && isColonEndpoint(t[0]) && isColonEndpoint(t[1])) return "detail";
  }
  // Headings, also indented (a paste under a list item or with a leading space).
  const text = line.text.charCodeAt(0) === 32 || line.text.charCodeAt(0) === 9 ? line.text.trimStart() : line.text;
  for (const h of HEADINGS) if (h.test(text)) return "header";
  return undefined;
}

/** Timer words as bytes are matched against (the ASCII ones of TIMERS). */
const TIMER_WORDS = [...TIMERS].filter((w) => /^[\x21-\x7e]+$/.test(w));

/** Bytes a timer word starts with (1): a word that starts otherwise (most of them) is told at once. */
const TIMER_FIRST = new Uint8Array(256);
for (const w of TIMER_WORDS) TIMER_FIRST[w.charCodeAt(0)] = 1;

function isTimer(b: Uint8Array, a: number, e: number): boolean {
  if (e <= a || TIMER_FIRST[b[a]] !== 1) return false;
  for (const w of TIMER_WORDS) if (bytesAre(b, a, e, w)) return true;
  return false;
}

/** The most words after the state a fast reader takes (-e, -p with a name of a few words, -o). */
const TAIL = 12;

/**
 * `netstat -nat` rows, `tcp RECVQ SENDQ LOCAL REMOTE STATE`, and what -e,
 * -p and -o add after the state (user and inode, PID/Program name, timer),
 * read as the parser reads them.
 */
class NetstatRows implements RowReader {
  readonly #f = new RowFields();
  // Where the words after the state start and end.
  readonly #tail = new Int32Array(2 * TAIL);
  #words: StateMatcher | undefined;

  read(b: Uint8Array, start: number, end: number, pool: StringPool, out: PlainRow, ctx: ParseContext): number {
    const f = this.#f, tail = this.#tail, words = this.#words ??= ctx.states.matcher();
    // "tcp" or "tcp6", then the queues and endpoints.
    let i = start;
    if (end - i < 5 || b[i] !== 116 || b[i + 1] !== 99 || b[i + 2] !== 112) return -1;
    i += 3;
    const six = b[i] === 54;
    if (six) i++;
    if ((i = f.read(b, i, end)) < 0 || (i = spacesAfterBytes(b, i, end)) < 0) return -1;
    const w = i;
    if ((i = wordEndBytes(b, i, end)) <= w) return -1;
    const state = words.stateBytes(b, w, i);
    if (state === UNKNOWN_STATE) return -1;
    out.state = state;
    out.family = six || f.localFamily === 6 ? 6 : 4;
    out.localPort = f.localPort;
    out.remotePort = f.remotePort;
    out.recvQ = f.recvQ;
    // As the parser: a listener's Send-Q is not its backlog in netstat (any spelling of LISTEN).
    out.sendQ = state === LISTEN ? NONE : f.sendQ;
    out.pid = NONE;
    out.program = 0;
    out.user = 0;
    out.inode = NONE;
    out.timer = 0;
    const e = lineEndBytes(b, i, end);
    if (e >= 0) {
      if (e - start > MAX_LINE) return -1;
      f.intern(b, pool);
      out.localAddr = f.localAddr;
      out.remoteAddr = f.remoteAddr;
      return e;
    }
    // Words after the state: split them, each printable ASCII (no "`" or "<", which a paste's wrapping could take away).
    let n = 0;
    for (;;) {
      while (i < end && b[i] === 32) i++;
      if (i === end || b[i] === 10 || (b[i] === 13 && (i + 1 === end || b[i + 1] === 10))) break;
      if (n === TAIL) return -1;
      tail[2 * n] = i;
      for (; i < end; i++) {
        const c = b[i];
        if (c === 32 || c === 10) break;
        if (c === 13 && (i + 1 === end || b[i + 1] === 10)) break;
        if (c < 33 || c > 126 || c === 96 || c === 60) return -1;
      }
      tail[2 * n + 1] = i;
      n++;
    }
    const lineEnd = i < end && b[i] === 13 ? i + 1 : i;
    // word k is b[tail[2k], tail[2k + 1]), read in place (closures to read it were allocated row after row)
    let k = 0, user = -1, pa = -1, pe = -1, timer = -1;
    // -e: User and Inode columns.
    if (n >= 2 && digitsEndBytes(b, tail[2], tail[3]) === tail[3] && indexOfByte(b, 47, tail[0], tail[1]) === -1 && !isTimer(b, tail[0], tail[1])) {
      const inode = digitsValueBytes(b, tail[2], tail[3]);
      if (inode < 0) return -1;
      user = 0;
      out.inode = inode;
      k = 2;
    }
    // -p: "PID/Program name" or "-"; the name may be several words (one space apart here, as the parser joins them).
    if (k < n) {
      if (tail[2 * k + 1] - tail[2 * k] === 1 && b[tail[2 * k]] === 45) k++;
      else {
        const d = digitsEndBytes(b, tail[2 * k], tail[2 * k + 1]);
        if (d > tail[2 * k] && d < tail[2 * k + 1] && b[d] === 47) {
          if (d - tail[2 * k] > 9) return -1;
          out.pid = digitsValueBytes(b, tail[2 * k], d);
          pa = d + 1;
          pe = tail[2 * k + 1];
          let j = k + 1;
          for (; j < n && !isTimer(b, tail[2 * j], tail[2 * j + 1]); j++) {
            if (tail[2 * j] !== tail[2 * j - 1] + 1) return -1;
            pe = tail[2 * j + 1];
          }
          k = j;
        }
      }
    }
    // -o: "keepalive (7184.01/0/0)".
    if (k + 1 < n && isTimer(b, tail[2 * k], tail[2 * k + 1]) && b[tail[2 * k + 2]] === 40) {
      if (tail[2 * k + 2] !== tail[2 * k + 1] + 1) return -1;
      timer = k;
    }
    if (lineEnd - start > MAX_LINE) return -1;
    // Interned in the table's order: addresses, program, user, timer.
    f.intern(b, pool);
    out.localAddr = f.localAddr;
    out.remoteAddr = f.remoteAddr;
    if (pa >= 0) out.program = pool.internName(b, pa, pe);
    if (user >= 0) out.user = pool.internName(b, tail[0], tail[1]);
    if (timer >= 0) out.timer = pool.internBytes(b, tail[2 * timer], tail[2 * timer + 3]);
    return lineEnd;
  }
}

function indexOfByte(b: Uint8Array, c: number, a: number, e: number): number {
  for (let i = a; i < e; i++) if (b[i] === c) return i;
  return -1;
}

export const netstatLinux: Format = {
  format: FORMAT,
  reads: "net-tools netstat on Linux: -nat, -antp, -anp, -e, -o, -W, translated titles and states; BusyBox and toybox netstat",
  platform: "linux",
  states: STATE_WORDS,
  commands: ["netstat", "busybox", "toybox"],
  parse,
  rows: () => new NetstatRows(),
};
