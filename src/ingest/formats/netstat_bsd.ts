/**
 * BSD-family socket tables: macOS and FreeBSD/OpenBSD/NetBSD `netstat -an`,
 * `-anv` (macOS wide form), `-A`, `-p tcp`, the `-L` listen-queue tables, the
 * UNIX, kernel-control, kernel-event, multipath and vsock sections macOS
 * prints with `-a`.
 *
 * Endpoints are "host.port" (`127.0.0.1.8080`, `*.*`, `::1.631`,
 * `fe80::1%lo0.123`); Linux tools print "host:port", so a dot after the last
 * colon tells the two apart. Layouts follow Apple network_cmds
 * netstat.tproj (inet.c protopr_header/protopr, unix.c, systm.c, mptcp.c,
 * vsock.c) and FreeBSD usr.bin/netstat.
 */

import { familyOf } from "../../model/address.ts";
import { NONE, type SocketRow } from "../../model/socket_table.ts";
import { stateId, type StateName, UNKNOWN_STATE } from "../../model/states.ts";
import { socketRow, splitDotPort } from "../endpoint.ts";
import { type Format, type ParseContext, parserState } from "../format.ts";
import { digitsValue, isDigits } from "../scan.ts";

const FORMAT = "netstat-bsd";
const LISTEN = stateId("LISTEN");

/** The kernel's state names (tcpstates[] in BSD's netinet/tcp_fsm.h), which sockstat prints too. */
export const BSD_STATE_WORDS: Readonly<Record<string, StateName>> = {
  CLOSED: "CLOSED",
  LISTEN: "LISTEN",
  SYN_SENT: "SYN_SENT",
  SYN_RCVD: "SYN_RECV",
  ESTABLISHED: "ESTABLISHED",
  CLOSE_WAIT: "CLOSE_WAIT",
  FIN_WAIT_1: "FIN_WAIT_1",
  CLOSING: "CLOSING",
  LAST_ACK: "LAST_ACK",
  FIN_WAIT_2: "FIN_WAIT_2",
  TIME_WAIT: "TIME_WAIT",
};

// netstat prints "%-3.3s%-2.2s" of the protocol name and 4, 6, 46 or blanks.
export const TCP = new Set(["tcp", "tcp4", "tcp6", "tcp46"]);
export const OTHER = new Set([
  "udp", "udp4", "udp6", "udp46", "icm", "icm4", "icm6", "icm46", "icmp", "icmp4", "icmp6", "icp", "icp4", "icp6",
  "icp46", "raw", "raw4", "raw6", "raw46", "ip", "ip4", "ip6", "ip46", "div", "div4", "div6", "div46", "divert",
  "sctp", "sctp4", "sctp6", "sctp46", "udpl", "udpl4", "udpl6", "udplite", "gre", "gre4", "esp", "esp4", "carp", "pim",
]);
// Sections whose rows are never TCP sockets.
const KERNEL = new Set(["kctl", "kevt", "ndrv", "vsock", "unix", "mptcp"]);
export const UNIX_TYPES = new Set(["stream", "dgram", "seqpac", "seqpacket", "raw", "#0"]);

/** Section titles, exactly as printed (Linux adds suffixes like "(servers and established)"). */
const TITLES: Record<string, string> = {
  "Active Internet connections": "inet",
  "Active Internet connections (including servers)": "inet",
  "Current listen queue sizes (qlen/incqlen/maxqlen)": "listen",
  "Active LOCAL (UNIX) domain sockets": "unix",
  "Active UNIX domain sockets": "unix",
  "Active Multipath Internet connections": "mptcp",
  "Registered kernel control modules": "kctlreg",
  "Active kernel control sockets": "kernel",
  "Active kernel event sockets": "kernel",
  "Active VSock sockets": "kernel",
};

const HEADER_FIRST = new Set(["Proto", "Listen", "Socket", "Tcpcb", "PCB", "Proto/ID", "Address", "id", "kctlref"]);

/** What the parser remembers between lines of one input. */
interface State {
  section: string;
  /** Row-token index of the `pid` column (macOS -v), or -1. */
  pidCol: number;
  /** Row-token index of the `process:pid` column (macOS 26 -v), or -1. */
  procCol: number;
}

function state(ctx: ParseContext): State {
  return parserState<State>(ctx, FORMAT, () => ({ section: "", pidCol: -1, procCol: -1 }));
}

/** True for "host.port" endpoints: a dot after the last colon. */
function isDotEndpoint(s: string): boolean {
  const d = s.lastIndexOf(".");
  return d > 0 && d > s.lastIndexOf(":") && d < s.length - 1;
}

function isHex(s: string): boolean {
  if (s.length === 0 || s.length > 16) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (!(c >= 48 && c <= 57) && !(c >= 97 && c <= 102) && !(c >= 65 && c <= 70)) return false;
  }
  return true;
}

/** Parses "qlen/incqlen/maxqlen"; undefined unless three numbers. */
function queueTriple(s: string): [number, number, number] | undefined {
  const a = s.indexOf("/");
  if (a <= 0) return undefined;
  const b = s.indexOf("/", a + 1);
  if (b <= a + 1 || s.indexOf("/", b + 1) !== -1) return undefined;
  const q = s.slice(0, a), inc = s.slice(a + 1, b), max = s.slice(b + 1);
  if (!isDigits(q) || !isDigits(inc) || !isDigits(max)) return undefined;
  return [digitsValue(q), digitsValue(inc), digitsValue(max)];
}

/** The family a protocol column says (tcp4, tcp6, tcp46), else the host's. */
export function familyFor(proto: string, host: string): 0 | 4 | 6 {
  if (proto === "tcp4") return 4;
  if (proto === "tcp6" || proto === "tcp46") return 6;
  return familyOf(host);
}

/** Reads a column header line; returns false when the line is not one. */
function header(t: string[], text: string, st: State): boolean {
  const t0 = t[0];
  // "Socket Flowhash ..." (macOS -A), "Tcpcb ..." (FreeBSD -A).
  const first = t0 === "Socket" || t0 === "Tcpcb" || t0 === "PCB" ? (t[1] === "Flowhash" ? t[2] : t[1]) : t0;
  if (first === "Listen" && text.indexOf("Local Address") !== -1) return true;
  if (first === "Proto" && t[1 + t.indexOf("Proto")] === "Listen") return true;
  // FreeBSD -T: "Proto Rexmit OOORcv 0-win  Local Address  Foreign Address [(state)]".
  if (first === "Proto" && t[1] === "Rexmit") {
    st.pidCol = st.procCol = -1;
    return true;
  }
  if (first === "Proto" && (text.indexOf("(state)") !== -1 || text.indexOf("TCP-State") !== -1)) {
    // Map columns to row-token indices: "Local Address" and "Foreign Address" are one column each.
    st.pidCol = -1;
    st.procCol = -1;
    let col = 0;
    for (let i = 0; i < t.length; i++, col++) {
      if ((t[i] === "Local" || t[i] === "Foreign") && t[i + 1] === "Address") i++;
      else if (t[i] === "pid" && st.pidCol < 0) st.pidCol = col;
      else if (t[i] === "process:pid") st.procCol = col;
    }
    return true;
  }
  if (first === "Proto/ID") return true; // multipath
  // UNIX, kernel control/event and vsock tables.
  if (t0 === "Address" && t[1] === "Type") return true;
  if (first === "Proto" && (st.section === "kernel" || t[1] === "Type")) return true;
  if ((t0 === "id" && t[1] === "flags") || t0 === "kctlref") return true;
  return false;
}

/** The `process:pid` column: the name may hold spaces ("Autodesk Fusion:22712"). */
function processColumn(t: string[], from: number, row: SocketRow): void {
  for (let k = from; k < t.length && k < from + 8; k++) {
    const c = t[k].lastIndexOf(":");
    if (c > 0 && isDigits(t[k].slice(c + 1))) {
      row.pid = Number(t[k].slice(c + 1));
      const name = (k > from ? t.slice(from, k).join(" ") + " " : "") + t[k].slice(0, c);
      if (name) row.program = name;
      return;
    }
  }
}

/** BSD and macOS netstat rows. */
export const netstatBsd: Format = {
  format: FORMAT,
  reads: "macOS and FreeBSD netstat: -an, -anv, -p tcp, -A, listen queues from -L",
  states: BSD_STATE_WORDS,
  commands: ["netstat"],
  parse(line, ctx, sink) {
    const t = line.tokens;
    const t0 = t[0];
    const c0 = t0.charCodeAt(0);

    // The second half of a wrapped listen-queue title.
    if (t0 === "(qlen/incqlen/maxqlen)" && t.length === 1) return "header";
    // Titles and column headers start with an upper-case letter (or "id"/"kctlref").
    if ((c0 >= 65 && c0 <= 90) || t0 === "id" || t0 === "kctlref") {
      const st = state(ctx);
      if (t0 === "Active" || t0 === "Current" || t0 === "Registered") {
        const trimmed = line.text.trim();
        // The listen-queue title wraps at "(qlen/incqlen/maxqlen)" in some pastes.
        const title = TITLES[trimmed] ?? (trimmed === "Current listen queue sizes" ? "listen" : undefined);
        if (title === undefined) return undefined;
        st.section = title;
        if (title === "inet" || title === "listen") st.pidCol = st.procCol = -1;
        return "header";
      }
      if (HEADER_FIRST.has(t0) && header(t, line.text, st)) return "header";
      // "Some tcp sockets may have been deleted." (printed when the table changed while read).
      if (t0 === "Some" && t[2] === "sockets" && t[3] === "may") return "noise";
      return undefined;
    }

    let i = 0;
    // -A: a control-block address, and on macOS a flow hash, before the protocol.
    if (t.length > 2 && !TCP.has(t0) && !OTHER.has(t0) && t0.length >= 6 && isHex(t0)) {
      if (UNIX_TYPES.has(t[1])) return "other-socket"; // UNIX domain row
      i = 1;
      if (!TCP.has(t[1]) && !OTHER.has(t[1]) && isHex(t[1]) && t[1].indexOf("/") === -1 && t.length > 3 &&
        (TCP.has(t[2]) || OTHER.has(t[2]) || t[2].indexOf("/") !== -1)) i = 2;
    }
    const proto = t[i];

    // -L rows: macOS "0/0/128 *.8080", FreeBSD "tcp4 0/0/128 *.22", "unix 0/0/10 /var/run/x".
    let qi = -1;
    if (proto.indexOf("/") !== -1) qi = i;
    else if (i + 1 < t.length && t[i + 1].indexOf("/") !== -1 && (TCP.has(proto) || OTHER.has(proto) || proto === "unix")) qi = i + 1;
    const q = qi !== -1 && qi + 1 < t.length ? queueTriple(t[qi]) : undefined;
    if (q) {
      if (qi > i && !TCP.has(proto)) return "other-socket";
      const local = isDotEndpoint(t[qi + 1]) ? splitDotPort(t[qi + 1]) : undefined;
      if (!local) return undefined;
      // Only listening sockets have a listen queue; Send-Q is the backlog limit, as ss reports it for listeners.
      sink.socket(socketRow(LISTEN, local, { host: "*", port: NONE }, q[0], q[2], familyFor(qi > i ? proto : "", local.host)));
      return "socket";
    }

    if (TCP.has(proto)) {
      if (t.length < i + 5 || !isDigits(t[i + 1]) || !isDigits(t[i + 2])) return undefined;
      // FreeBSD -T prints three counters (Rexmit OOORcv 0-win) before the endpoints, not the queues.
      const rexmit = t.length >= i + 6 && isDigits(t[i + 3]) && isDotEndpoint(t[i + 4]) && isDotEndpoint(t[i + 5]);
      const e = rexmit ? i + 4 : i + 3;
      const ls = t[e], rs = t[e + 1];
      if (!isDotEndpoint(ls) || !isDotEndpoint(rs)) return undefined;
      const local = splitDotPort(ls)!;
      const remote = splitDotPort(rs)!;
      const st = state(ctx);
      // The state follows the endpoints; a number when out of range, nothing with FreeBSD -x.
      const state_ = t.length > e + 2 ? ctx.states.id(t[e + 2]) : UNKNOWN_STATE;
      // A BSD listener's Recv-Q/Send-Q count buffer bytes, not its accept queue or backlog.
      const noQueues = state_ === LISTEN || rexmit;
      const row: SocketRow = socketRow(state_, local, remote, noQueues ? NONE : digitsValue(t[i + 1]), noQueues ? NONE : digitsValue(t[i + 2]), familyFor(proto, local.host));
      if (st.pidCol > 0 && st.pidCol < t.length && isDigits(t[st.pidCol])) row.pid = Number(t[st.pidCol]);
      else if (st.procCol > 0 && st.procCol < t.length) processColumn(t, st.procCol, row);
      sink.socket(row);
      return "socket";
    }

    if (OTHER.has(proto)) {
      if (t.length >= i + 4 && isDigits(t[i + 1]) && (isDotEndpoint(t[i + 3]) || t[i + 3] === "*.*")) return "other-socket";
      // FreeBSD -T leaves a UDP row's counter columns blank: "udp4  *.syslog  *.*".
      if (t.length === i + 3 && isDotEndpoint(t[i + 1]) && isDotEndpoint(t[i + 2])) return "other-socket";
      // FreeBSD sctp: "sctp4 1to1 0 0 ..."
      if (proto.startsWith("sctp") && t.length >= i + 5 && isDigits(t[i + 2])) return "other-socket";
      return undefined;
    }

    const st = state(ctx);
    if (KERNEL.has(proto)) {
      // kctl/kevt/ndrv "Proto Recv-Q Send-Q ...", vsock "vsock stream 0 0 *:* *:* LISTEN".
      if (t.length >= i + 3 && (isDigits(t[i + 1]) || t[i + 1] === "stream")) return "other-socket";
      return undefined;
    }
    if (st.section === "mptcp") {
      // "mptcp/0 ...", subflows " tcp4/00 ...", and "[tok(...) ...]" continuation lines.
      if (proto.startsWith("mptcp") || /^tcp[46]\/\d+$/.test(proto)) return "other-socket";
      if (c0 === 91 /* [ */) return "detail";
      return undefined;
    }
    if (st.section === "kctlreg" && t.length >= 6 && isHex(t0) && isDigits(t[t.length - 2])) return "other-socket";
    return undefined;
  },
};

