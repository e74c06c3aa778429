/**
 * Solaris and illumos `netstat -an [-P tcp]`: a table per protocol and
 * address family ("TCP: IPv4", "TCP: IPv6", "UDP: IPv4"), BSD's `host.port`
 * endpoints, the queues after the window sizes
 * (`LOCAL REMOTE SWIND SEND-Q RWIND RECV-Q STATE`, IPv6 adds the interface).
 * States are the kernel's tcp_state names: SYN_RECEIVED, and BOUND and IDLE
 * for sockets not connected. IDLE (opened, not yet bound) is no TCP state:
 * such a row counts as a socket whose state the dump does not say.
 */

import { NONE } from "../../model/socket_table.ts";
import { type StateName, UNKNOWN_STATE } from "../../model/states.ts";
import { socketRow, splitDotPort } from "../endpoint.ts";
import { type Format, parserState } from "../format.ts";
import { digitsValue, isDigits } from "../scan.ts";

const FORMAT = "netstat-solaris";

/** The kernel's state names (usr/src/cmd/cmd-inet/usr.bin/netstat/netstat.c). */
const STATE_WORDS: Readonly<Record<string, StateName>> = {
  LISTEN: "LISTEN",
  SYN_SENT: "SYN_SENT",
  SYN_RECEIVED: "SYN_RECV",
  ESTABLISHED: "ESTABLISHED",
  FIN_WAIT_1: "FIN_WAIT_1",
  FIN_WAIT_2: "FIN_WAIT_2",
  CLOSE_WAIT: "CLOSE_WAIT",
  CLOSING: "CLOSING",
  LAST_ACK: "LAST_ACK",
  TIME_WAIT: "TIME_WAIT",
  CLOSED: "CLOSED",
  BOUND: "BOUND",
};

/** The table being read ("TCP: IPv4" / "TCP: IPv6" / "UDP: IPv4"). */
interface State {
  proto: "" | "tcp" | "other";
  family: 0 | 4 | 6;
}

/** Solaris netstat tables. */
export const netstatSolaris: Format = {
  format: FORMAT,
  reads: "Solaris and illumos netstat: -an, -P tcp, IPv4 and IPv6 tables",
  states: STATE_WORDS,
  commands: ["netstat"],
  parse(line, ctx, sink) {
    const t = line.tokens;
    const st = parserState<State>(ctx, FORMAT, () => ({ proto: "", family: 0 }));
    // The table title, its column heading and its underline.
    if (t.length === 2 && (t[1] === "IPv4" || t[1] === "IPv6") && /^(?:TCP|UDP|SCTP|RAWIP|ICMP):$/.test(t[0])) {
      st.proto = t[0] === "TCP:" ? "tcp" : "other";
      st.family = t[1] === "IPv4" ? 4 : 6;
      return "header";
    }
    if (st.proto === "") return undefined;
    if (t[0] === "Local" && t[1] === "Address") return "header";
    if (/^-+$/.test(t[0]) && t.every((w) => /^-+$/.test(w))) return "header";
    if (st.proto === "other") {
      if (t.length >= 2 && splitDotPort(t[0]) && t[0].indexOf(".") !== -1) return "other-socket";
      return undefined;
    }
    // LOCAL REMOTE SWIND SEND-Q RWIND RECV-Q STATE [IF]
    if ((t.length !== 7 && t.length !== 8) || !isDigits(t[2]) || !isDigits(t[3]) || !isDigits(t[4]) || !isDigits(t[5])) return undefined;
    const local = splitDotPort(t[0]), remote = splitDotPort(t[1]);
    if (!local || !remote) return undefined;
    const state = t[6] === "IDLE" ? UNKNOWN_STATE : ctx.states.id(t[6]);
    if (state === UNKNOWN_STATE && t[6] !== "IDLE") return undefined;
    const listening = t[6] === "LISTEN";
    sink.socket(socketRow(state, local, remote, listening ? NONE : digitsValue(t[5]), listening ? NONE : digitsValue(t[3]), st.family));
    return "socket";
  },
};
