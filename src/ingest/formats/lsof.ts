/**
 * `lsof -i` on Linux and macOS (-n, -P, -iTCP -sTCP:LISTEN, -T qs):
 * "COMMAND PID [TID TASKCMD] USER FD TYPE DEVICE SIZE/OFF NODE NAME" with NAME
 * like `127.0.0.1:8080->127.0.0.1:5555 (ESTABLISHED)` or `*:22 (LISTEN)`.
 *
 * lsof prints one row per process and file descriptor: a socket shared by
 * several processes (a forking server's listener, sshd's privilege-separated
 * pair) appears once per holder. Each row is kept, as lsof printed it, so
 * counts here can exceed the kernel's socket count.
 */

import { NONE } from "../../model/socket_table.ts";
import { stateId, type StateName, UNKNOWN_STATE } from "../../model/states.ts";
import { inert } from "../../text/inert.ts";
import { socketRow, splitColonPort } from "../endpoint.ts";
import type { Format } from "../format.ts";
import { digitsValue, isDigits } from "../scan.ts";

/**
 * The state names lsof prints in "(STATE)": the kernel's, as its Linux
 * dialect (dsock.c) and its BSD/macOS dialects (tcpstates[]) spell them.
 */
const STATE_WORDS: Readonly<Record<string, StateName>> = {
  ESTABLISHED: "ESTABLISHED",
  SYN_SENT: "SYN_SENT",
  SYN_RECV: "SYN_RECV",
  SYN_RCVD: "SYN_RECV",
  FIN_WAIT1: "FIN_WAIT_1",
  FIN_WAIT2: "FIN_WAIT_2",
  FIN_WAIT_1: "FIN_WAIT_1",
  FIN_WAIT_2: "FIN_WAIT_2",
  TIME_WAIT: "TIME_WAIT",
  CLOSE: "CLOSED",
  CLOSED: "CLOSED",
  CLOSE_WAIT: "CLOSE_WAIT",
  LAST_ACK: "LAST_ACK",
  LISTEN: "LISTEN",
  CLOSING: "CLOSING",
};

const OTHER_NODES = new Set(["UDP", "UDPLITE", "SCTP", "ICMP", "ICMPV6", "RAW", "RAW6", "DCCP", "UDP6"]);
// TYPE of the other files lsof -p lists (a process's cwd, libraries, pipes): accounted, not sockets.
const FILE_TYPES = new Set(["REG", "DIR", "CHR", "BLK", "FIFO", "LINK", "a_inode", "DEL", "unknown", "PSXSHM", "KQUEUE", "NPOLICY", "systm", "PIPE", "VREG", "VDIR", "VCHR"]);
const SOCKET_TYPES = new Set(["unix", "netlink", "packet", "sock", "IPv4", "IPv6", "ax25", "inet", "key", "raw", "raw6", "systm"]);
const CLOSED = stateId("CLOSED");
// FD: a number and an access mode ("3u", "274u", "12r"), as printed for sockets.
const FD = /^\d+[rwuRWU-]?[A-Za-z]?$/;
const HEX_ESCAPE = /\\x([0-9a-fA-F]{2})/g;

/**
 * Undoes lsof's escaping of COMMAND ("Google\x20" is "Google "). A decoded
 * control character does not come back to life: it stays a visible escape
 * (inert), so a process name cannot reach a terminal as a command.
 */
function unescapeCommand(s: string): string {
  return s.indexOf("\\x") === -1 ? s : inert(s.replace(HEX_ESCAPE, (_m, h: string) => String.fromCharCode(parseInt(h, 16))));
}

/** lsof network-file rows. */
export const lsof: Format = {
  format: "lsof",
  reads: "lsof -i, -nP, -iTCP -sTCP:STATE (Linux and macOS)",
  states: STATE_WORDS,
  commands: ["lsof"],
  parse(line, ctx, sink) {
    const t = line.tokens;
    if (t[0] === "COMMAND" && t[1] === "PID") {
      ctx.scratch.lsof = true;
      return "header";
    }
    // Printed under "lsof: WARNING: can't stat() ..." messages.
    if (t[0] === "Output" && t[1] === "information" && t[3] === "be" && t[4] === "incomplete.") return "noise";
    if (t.length < 6 || !isDigits(t[1])) return undefined;
    // A socket in no kernel table: "sock 0,9 0t0 4982348 protocol: TCP" (Linux lsof found its protocol, not
    // its row), or "sock 0,8 0t0 47494363 can't identify protocol" (older lsof, which names the protocol
    // only from the row). /proc/net/tcp lists every TCP socket but those in CLOSE, which the kernel keeps
    // only while a descriptor holds them: one in CLOSE held by the process (the unidentified ones are
    // that in practice: a created socket leaves the tables only once its connection is over).
    const unidentified = t[t.length - 1] === "protocol" && t[t.length - 2] === "identify" &&
      (t[t.length - 3] === "can't" || t[t.length - 3] === "cannot");
    if (unidentified && !t.includes("sock")) return undefined;
    if (unidentified || t[t.length - 2] === "protocol:" && t.includes("sock")) {
      if (!unidentified && t[t.length - 1] !== "TCP" && t[t.length - 1] !== "TCPv6") return "other-socket";
      const none = { host: "", port: NONE };
      const row = socketRow(CLOSED, none, none, NONE, NONE, t[t.length - 1] === "TCPv6" ? 6 : 0);
      row.pid = Number(t[1]);
      row.program = unescapeCommand(t[0]);
      row.user = t[2];
      sink.socket(row);
      return "socket";
    }
    // NODE is the protocol; NAME follows it. Columns before may be empty (TID, SIZE/OFF).
    let k = -1;
    for (let j = 4; j < t.length - 1 && j < 12; j++) {
      const w = t[j];
      if (w === "TCP" || OTHER_NODES.has(w)) {
        k = j;
        break;
      }
    }
    if (k === -1) {
      // The other files of an lsof listing (lsof -p PID): its cwd, program, libraries, pipes, UNIX sockets.
      if (ctx.scratch.lsof === true || ctx.command?.tool === "lsof") {
        for (let j = 3; j < 7 && j < t.length; j++) {
          if (FILE_TYPES.has(t[j])) return "noise";
          if (SOCKET_TYPES.has(t[j])) return "other-socket";
        }
      }
      return undefined;
    }
    if (t[k] !== "TCP") return "other-socket";
    // "->" arrives HTML-escaped ("-&gt;") from pages that pasted the output as text.
    const name = t[k + 1].indexOf("&gt;") === -1 ? t[k + 1] : t[k + 1].replace("-&gt;", "->");
    const arrow = name.indexOf("->");
    const local = splitColonPort(arrow === -1 ? name : name.slice(0, arrow));
    if (!local) return undefined;
    const remote = arrow === -1 ? { host: "*", port: NONE } : splitColonPort(name.slice(arrow + 2));
    if (!remote) return undefined;
    // "(ESTABLISHED)" or, with -T qs, "(ESTABLISHED QR=0 QS=0)".
    let st = UNKNOWN_STATE, recvQ = NONE, sendQ = NONE;
    for (let j = k + 2; j < t.length; j++) {
      const w = t[j].replace(/^\(|\)$/g, "");
      if (w.startsWith("QR=")) recvQ = isDigits(w, 3) ? digitsValue(w, 3) : NONE;
      else if (w.startsWith("QS=")) sendQ = isDigits(w, 3) ? digitsValue(w, 3) : NONE;
      else if (st === UNKNOWN_STATE) st = ctx.states.id(w);
    }
    let family: 0 | 4 | 6 = 0;
    for (let j = 3; j < k; j++) {
      if (t[j] === "IPv4") family = 4;
      else if (t[j] === "IPv6") family = 6;
    }
    // USER sits right before FD; with -K, TID and TASKCMD come between PID and USER.
    let user = t[2];
    if (!FD.test(t[3])) {
      for (let j = 4; j < k; j++) {
        if (FD.test(t[j])) {
          user = t[j - 1];
          break;
        }
      }
    }
    const row = socketRow(st, local, remote, recvQ, sendQ, family);
    row.pid = Number(t[1]);
    row.program = unescapeCommand(t[0]);
    row.user = user;
    sink.socket(row);
    return "socket";
  },
};
