/**
 * Netfilter connection tracking: `conntrack -L`, `cat /proc/net/nf_conntrack`
 * (two more leading columns, `ipv4 2`) and `conntrack -E` events (`[NEW]`,
 * `[UPDATE]`, `[DESTROY]` first).
 *
 * A row is a flow, not a socket: the kernel tracks one entry for both ends
 * of a connection, and a host that only forwards (a NAT gateway, a
 * container bridge) tracks flows it holds no socket for. tcpdoc counts each
 * TCP flow as one socket-like row: the original direction's source is the
 * local end (`src=` `sport=`), its destination the remote end, and the
 * state is conntrack's (nf_conntrack_proto_tcp.c tcp_conntrack_names):
 * SYN_SENT (`[UNREPLIED]` when no answer came), SYN_RECV, ESTABLISHED,
 * FIN_WAIT (a FIN seen, not yet acknowledged: read as FIN_WAIT_1),
 * CLOSE_WAIT, LAST_ACK, TIME_WAIT, CLOSE (CLOSED), SYN_SENT2 (a
 * simultaneous open: SYN_SENT). No flow is ever LISTEN. An event is one
 * row, so `conntrack -E` shows one flow once per change.
 */

import { familyOf } from "../../model/address.ts";
import { NONE } from "../../model/socket_table.ts";
import { stateId, type StateName, UNKNOWN_STATE } from "../../model/states.ts";
import { parsePort, socketRow } from "../endpoint.ts";
import type { Format } from "../format.ts";
import { isDigits } from "../scan.ts";

const FORMAT = "conntrack";

/** conntrack's state names that no other tool spells differently. */
const STATE_WORDS: Readonly<Record<string, StateName>> = {
  SYN_SENT: "SYN_SENT",
  SYN_RECV: "SYN_RECV",
  ESTABLISHED: "ESTABLISHED",
  CLOSE_WAIT: "CLOSE_WAIT",
  LAST_ACK: "LAST_ACK",
  TIME_WAIT: "TIME_WAIT",
  CLOSE: "CLOSED",
  SYN_SENT2: "SYN_SENT",
};
/**
 * conntrack's FIN_WAIT is its own state (either end's FIN not yet
 * acknowledged); read here as FIN_WAIT_1. It is kept out of the registry:
 * elsewhere (a histogram of netstat output) the word names no one state.
 */
const FIN_WAIT = stateId("FIN_WAIT_1");

const EVENTS = new Set(["[NEW]", "[UPDATE]", "[DESTROY]"]);
const OTHER = new Set(["udp", "icmp", "icmpv6", "sctp", "dccp", "gre", "udplite", "unknown"]);

/** conntrack and /proc/net/nf_conntrack rows. */
export const conntrack: Format = {
  format: FORMAT,
  reads: "netfilter connection tracking: conntrack -L, conntrack -E events, /proc/net/nf_conntrack (one TCP flow is one row)",
  states: STATE_WORDS,
  commands: ["conntrack"],
  platform: "linux",
  parse(line, ctx, sink) {
    const t = line.tokens;
    let i = 0;
    if (EVENTS.has(t[0])) i = 1;
    let v6 = false;
    if ((t[i] === "ipv4" || t[i] === "ipv6") && isDigits(t[i + 1] ?? "")) {
      v6 = t[i] === "ipv6";
      i += 2;
    }
    const proto = t[i];
    // "tcp 6 117 TIME_WAIT src=..." / "udp 17 29 src=...": the name, its number, the timeout.
    if (proto === undefined || !isDigits(t[i + 1] ?? "") || !isDigits(t[i + 2] ?? "")) {
      // "conntrack v1.4.6 (conntrack-tools): 32 flow entries have been shown."
      return t[0] === "conntrack" && t[1]?.startsWith("v") && line.text.indexOf("flow entries") !== -1 ? "noise" : undefined;
    }
    const tcp = proto === "tcp";
    if (!tcp && !OTHER.has(proto)) return undefined;
    // The original direction: the first src=, dst=, sport=, dport=.
    let src: string | undefined, dst: string | undefined, sport: string | undefined, dport: string | undefined;
    let k = i + 3;
    const word = tcp ? t[k++] : undefined;
    for (; k < t.length; k++) {
      const w = t[k];
      const eq = w.indexOf("=");
      if (eq <= 0) continue;
      const key = w.slice(0, eq), v = w.slice(eq + 1);
      if (key === "src" && src === undefined) src = v;
      else if (key === "dst" && dst === undefined) dst = v;
      else if (key === "sport" && sport === undefined) sport = v;
      else if (key === "dport" && dport === undefined) dport = v;
      else if (key === "src" || key === "dst") break;
    }
    if (src === undefined || dst === undefined) return undefined;
    if (!tcp) return "other-socket";
    const state = word === "FIN_WAIT" ? FIN_WAIT : ctx.states.id(word!);
    if (state === UNKNOWN_STATE && word !== "NONE") return undefined;
    const local = { host: src, port: sport === undefined ? NONE : parsePort(sport) };
    const remote = { host: dst, port: dport === undefined ? NONE : parsePort(dport) };
    const family = v6 ? 6 : familyOf(src) || familyOf(dst);
    sink.socket(socketRow(state, local, remote, NONE, NONE, family));
    return "socket";
  },
};
