/**
 * iproute2 `ss`: -tan, -tanp (old and new `users:` forms), -e, -o, -i with its
 * continuation lines, Netid-first output (-a, -u, -x), and state-filtered
 * output that has no State column (the state comes from the command line).
 */

import { NONE, type SocketRow } from "../../model/socket_table.ts";
import { parseState, UNKNOWN_STATE } from "../../model/states.ts";
import { familyOf, splitColonPort } from "../address.ts";
import { isDigits, type Line, type LineParser, type ParseContext } from "../parser.ts";

const NETIDS = new Set([
  "tcp", "udp", "raw", "u_str", "u_dgr", "u_seq", "p_raw", "p_dgr", "nl", "sctp", "mptcp", "tipc", "v_str", "v_dgr",
  "xdp", "icmp6", "u_seqpacket", "dccp",
]);

// ss's own state words (sstate_name[] in misc/ss.c); LISTEN and CLOSING are
// shared with netstat, the rest are ss's.
const SS_STATES = new Set([
  "ESTAB", "SYN-SENT", "SYN-RECV", "FIN-WAIT-1", "FIN-WAIT-2", "TIME-WAIT", "UNCONN", "CLOSE-WAIT", "LAST-ACK",
  "LISTEN", "CLOSING", "UNKNOWN", "NEW-SYN-RECV",
]);

// users:(("nginx",pid=12,fd=6),...) and the old users:(("nginx",12,6))
const USERS = /users:\(\("((?:[^"\\]|\\.)*)",(?:pid=)?(\d+)/;
const TIMER = /timer:\(([^)]*)\)/;
const INODE = /\bino:(\d+)/;
const UID = /\buid:(\d+)/;
// Fields of -i continuation lines.
const INFO_FIELD = /^(?:[a-z_]+:|ts$|sack$|ecn$|ecnseen$|fastopen$|cubic$|bbr2?$|reno$|dctcp$|vegas$|htcp$|westwood$|bic$|app_limited$|notsent:|delivery_rate|busy:|rcv_space|skmem:|minrtt|snd_wnd)/;

const HEADER_FIRST = new Set(["State", "Netid", "Recv-Q"]);

function header(line: Line, ctx: ParseContext): boolean {
  const t = line.tokens;
  if (!HEADER_FIRST.has(t[0])) return false;
  if (line.text.indexOf("Address:Port") === -1 && line.text.indexOf("Local Address") === -1) return false;
  // A header with a State column: the rows carry their own state.
  if (t.includes("State")) {
    ctx.stateFilter = 0;
    ctx.stateFilterAmbiguous = false;
  }
  ctx.scratch.ss = true;
  return true;
}

function fillProcess(text: string, row: SocketRow): void {
  if (text.indexOf("users:") !== -1) {
    const m = USERS.exec(text);
    if (m) {
      row.program = m[1];
      row.pid = Number(m[2]);
    }
  }
  if (text.indexOf("timer:") !== -1) {
    const m = TIMER.exec(text);
    if (m) row.timer = m[1];
  }
  if (text.indexOf("ino:") !== -1) {
    const m = INODE.exec(text);
    if (m) row.inode = Number(m[1]);
  }
  if (text.indexOf("uid:") !== -1) {
    const m = UID.exec(text);
    if (m) row.user = m[1];
  }
}

/** ss rows. */
export const ssParser: LineParser = {
  format: "ss",
  parse(line, ctx, sink) {
    const t = line.tokens;
    let i = 0;
    let netid: string | undefined;
    if (NETIDS.has(t[0])) {
      netid = t[0];
      i = 1;
    }
    let state = UNKNOWN_STATE;
    let hasState = false;
    if (SS_STATES.has(t[i])) {
      hasState = true;
      state = parseState(t[i]);
      i++;
    }
    if (t.length < i + 4 || !isDigits(t[i]) || !isDigits(t[i + 1])) {
      if (header(line, ctx)) return "header";
      // -i continuation: indented fields under the socket above.
      if (ctx.scratch.ss && (line.text.charCodeAt(0) === 9 || line.text.charCodeAt(0) === 32) && INFO_FIELD.test(t[0])) {
        return "detail";
      }
      return undefined;
    }
    // A netid without a state column: `ss -a state established` output.
    // Linux netstat rows look alike but end in a state word: leave them.
    if (!hasState && netid && parseState(t[i + 4] ?? "") !== UNKNOWN_STATE && !ctx.scratch.ss) return undefined;
    if (!hasState && !netid && !ctx.scratch.ss && ctx.stateFilter === 0 && !ctx.stateFilterAmbiguous) {
      // Bare "n n addr addr" rows with no ss header or command seen: still ss's shape.
      if (t[i + 2].indexOf(":") === -1) return undefined;
    }
    if (netid && netid !== "tcp" && netid !== "mptcp") return "other-socket";
    const local = splitColonPort(t[i + 2]);
    const remote = splitColonPort(t[i + 3]);
    // A TCP row whose endpoints do not read (an address edited by hand): not ss's, and never "other".
    if (!local || !remote) return undefined;
    if (!hasState && ctx.stateFilter !== 0) state = ctx.stateFilter;
    const recvQ = Number(t[i]);
    const sendQ = Number(t[i + 1]);
    const row: SocketRow = {
      family: familyOf(local.host) || familyOf(remote.host),
      state,
      localAddress: local.host,
      localPort: local.port,
      remoteAddress: remote.host,
      remotePort: remote.port,
      recvQ,
      // For listeners ss reports the backlog limit in Send-Q.
      sendQ,
    };
    if (t.length > i + 4) fillProcess(line.text, row);
    ctx.scratch.ss = true;
    sink.socket(row);
    return "socket";
  },
};

export { NONE };
