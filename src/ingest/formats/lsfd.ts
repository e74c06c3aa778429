/**
 * util-linux `lsfd` (2.39 and later): a file descriptor per row, TCP sockets
 * with TYPE `TCP` or `TCPv6` and NAME `state=established
 * laddr=10.0.0.1:5000 raddr=10.0.0.2:443` (a listener has no raddr). The
 * state words are lsfd's own (sock-xinfo.c l4_decode_state: the kernel's
 * names in lower case with dashes). Other descriptors (files, pipes, UNIX
 * and UDP sockets) under an lsfd header are accounted, not counted.
 */

import { NONE } from "../../model/socket_table.ts";
import type { StateName } from "../../model/states.ts";
import { socketRow, splitColonPort } from "../endpoint.ts";
import { type Format, parserState } from "../format.ts";
import { isDigits } from "../scan.ts";

const FORMAT = "lsfd";

const STATE_WORDS: Readonly<Record<string, StateName>> = {
  established: "ESTABLISHED",
  "syn-sent": "SYN_SENT",
  "syn-recv": "SYN_RECV",
  "fin-wait1": "FIN_WAIT_1",
  "fin-wait2": "FIN_WAIT_2",
  "time-wait": "TIME_WAIT",
  close: "CLOSED",
  "close-wait": "CLOSE_WAIT",
  "last-ack": "LAST_ACK",
  listen: "LISTEN",
  closing: "CLOSING",
  "new-syn-recv": "SYN_RECV",
};

const TCP_TYPES = new Set(["TCP", "TCPv6"]);
const SOCKET_TYPES = new Set(["UDP", "UDPv6", "UDPLITE", "UDPLITEv6", "RAW", "RAWv6", "PING", "PINGv6", "UNIX", "UNIX-STREAM", "UNIX-DGRAM", "UNIX-SEQPACKET", "NETLINK", "PACKET", "SOCK"]);

interface State {
  /** An lsfd header with COMMAND and PID was seen: rows start with the command, then its pid. */
  header: boolean;
}

/** lsfd rows. */
export const lsfd: Format = {
  format: FORMAT,
  reads: "util-linux lsfd: TCP and TCPv6 rows with state=, laddr=, raddr= (other descriptors accounted)",
  states: STATE_WORDS,
  commands: ["lsfd"],
  platform: "linux",
  parse(line, ctx, sink) {
    const t = line.tokens;
    const st = parserState<State>(ctx, FORMAT, () => ({ header: false }));
    if (t[0] === "COMMAND" && t.includes("ASSOC") && t.includes("TYPE")) {
      st.header = true;
      return "header";
    }
    let s = -1;
    for (let i = 1; i < t.length && i < 24; i++) {
      if (t[i].startsWith("state=")) {
        s = i;
        break;
      }
    }
    if (s === -1 || !t[s + 1]?.startsWith("laddr=")) {
      // Another descriptor of an lsfd listing.
      if (st.header && t.length >= 8 && isDigits(t[1])) return t.some((w) => SOCKET_TYPES.has(w)) ? "other-socket" : "noise";
      return undefined;
    }
    let type = -1;
    for (let i = s - 1; i >= 0; i--) {
      if (TCP_TYPES.has(t[i]) || SOCKET_TYPES.has(t[i]) && t[i] !== "SOCK") {
        type = i;
        break;
      }
    }
    if (type === -1) return undefined;
    if (!TCP_TYPES.has(t[type])) return "other-socket";
    const state = ctx.states.id(t[s].slice(6));
    const local = splitColonPort(t[s + 1].slice(6));
    const remote = t[s + 2]?.startsWith("raddr=") ? splitColonPort(t[s + 2].slice(6)) : { host: "*", port: NONE };
    if (!local || !remote) return undefined;
    const row = socketRow(state, local, remote, NONE, NONE, t[type] === "TCPv6" ? 6 : 4);
    if (st.header) {
      // COMMAND (it may hold spaces) and PID: the first all-digit field.
      const p = t.findIndex((w, i) => i > 0 && i < type && isDigits(w));
      if (p > 0) {
        row.pid = Number(t[p]);
        row.program = t.slice(0, p).join(" ");
      }
    }
    sink.socket(row);
    return "socket";
  },
};
