/**
 * Socket rows of tools no other format knows (IncludeOS's status dump,
 * exasock-stat, a reporter's own pcblist tool, columns picked by awk): a
 * local and a remote endpoint side by side, and a state word of any stack
 * (here the spellings no other format prints: `SYN-RCVD`, `SYN-RECEIVED`,
 * `FIN-WAIT1`, ...), in any case, perhaps in brackets; or no state word at
 * all when the line is only the two endpoints. Around them only what such
 * rows carry: a protocol word, numbers, a pid/program, marks without
 * letters. Two numbers right after the protocol are Recv-Q and Send-Q, as
 * every netstat-like tool orders them. Bars between columns (`| 0 |`) are
 * dropped first.
 *
 * This format is offered a line after every other data format, so a line a
 * real format reads is never read here.
 */

import { NONE } from "../../model/socket_table.ts";
import { type StateName, UNKNOWN_STATE } from "../../model/states.ts";
import { type Endpoint, socketRow, splitColonPort, splitDotPort } from "../endpoint.ts";
import type { Format, ParseContext } from "../format.ts";
import { digitsValue, isDigits } from "../scan.ts";

/** Spellings of other stacks (RFC 793's names, BSD kernels' short forms, embedded stacks). */
const STATE_WORDS: Readonly<Record<string, StateName>> = {
  "SYN-RECEIVED": "SYN_RECV",
  "SYN-RCVD": "SYN_RECV",
  "SYN-RCV": "SYN_RECV",
  "FIN-WAIT1": "FIN_WAIT_1",
  "FIN-WAIT2": "FIN_WAIT_2",
};

const PROTO = /^(?:tcp|tcp4|tcp6|tcp46|TCP|TCP4|TCP6|TCPv4|TCPv6)$/;
const OTHER_PROTO = /^(?:udp|udp4|udp6|udp46|UDP|UDP4|UDP6|UDPv4|UDPv6)$/;
// A host as such rows print it: an IPv4 or IPv6 address, "*", or a masked one ("xxx.xxx.1.2"); no names.
const IP_HOST = /^(?:\*|(?:\d{1,3}|[xX]{1,3})(?:\.(?:\d{1,3}|[xX]{1,3})){3}|[0-9a-fA-F:]*:[0-9a-fA-F:.]*)$/;

/** An endpoint token of either notation, with an address for a host; undefined for anything else. */
function endpoint(tok: string): Endpoint | undefined {
  let s = tok;
  if (s.startsWith("[") && s.indexOf("]") !== -1) {
    const e = splitColonPort(s);
    return e && IP_HOST.test(e.host) ? e : undefined;
  }
  const colon = s.lastIndexOf(":"), dot = s.lastIndexOf(".");
  if (colon > 0 && colon > dot && /^(?:\d{1,5}|\*)$/.test(s.slice(colon + 1))) {
    const e = splitColonPort(s);
    if (e && IP_HOST.test(e.host)) return e;
  }
  if (dot > 0 && /^(?:\d{1,5}|\*)$/.test(s.slice(dot + 1))) {
    const e = splitDotPort(s);
    if (e && (IP_HOST.test(e.host) || e.host === "*")) return e;
  }
  return undefined;
}

/** A state word of any stack: exact, in upper case, without the brackets around it. */
function stateOf(w: string, ctx: ParseContext): number {
  let s = w;
  if (s.startsWith("(") && s.endsWith(")")) s = s.slice(1, -1);
  const id = ctx.states.id(s);
  return id !== UNKNOWN_STATE ? id : ctx.states.id(s.toUpperCase());
}

/** A field such rows carry beside the endpoints and the state: numbers, a pid/program, "-", marks without letters. */
function plainField(w: string): boolean {
  return !/[A-Za-z]/.test(w) || /^\d+\/\S+$/.test(w);
}

/** Rows of other tools. */
export const otherRows: Format = {
  format: "other-rows",
  reads: "socket rows of other tools (IncludeOS, exasock-stat, awk-picked columns, Markdown tables): two endpoints side by side and a state word of any stack, or the two endpoints alone",
  states: STATE_WORDS,
  parse(line, ctx, sink) {
    // A table with "|" between its columns (exasock-stat, a Markdown table): the bars are no fields.
    const t = line.tokens.includes("|") ? line.tokens.filter((w) => w !== "|") : line.tokens;
    if (t.length < 2 || t.length > 16) return undefined;
    let at = -1;
    let local: Endpoint | undefined, remote: Endpoint | undefined;
    for (let i = 0; i + 1 < t.length; i++) {
      const a = endpoint(t[i]);
      if (!a) continue;
      const b = endpoint(t[i + 1]);
      if (!b) return undefined;
      if (i + 2 < t.length && endpoint(t[i + 2])) return undefined;
      [at, local, remote] = [i, a, b];
      break;
    }
    if (at === -1) return undefined;
    let state = UNKNOWN_STATE, words = 0, proto = "";
    for (let i = 0; i < t.length; i++) {
      if (i === at || i === at + 1) continue;
      const w = t[i];
      if (i === 0 && (PROTO.test(w) || OTHER_PROTO.test(w))) {
        proto = w;
        continue;
      }
      const s = stateOf(w, ctx);
      if (s !== UNKNOWN_STATE && state === UNKNOWN_STATE && i > at) {
        state = s;
        words++;
        continue;
      }
      if (!plainField(w)) return undefined;
    }
    // Without a state word, only the two endpoints (and numbers): `awk '{print $4, $5}'`.
    if (words === 0 && proto === "" && t.some((w, i) => i !== at && i !== at + 1 && !/^[\d.]+$/.test(w))) return undefined;
    if (OTHER_PROTO.test(proto)) return "other-socket";
    let recvQ = NONE, sendQ = NONE;
    if (proto && at === 3 && isDigits(t[1]) && isDigits(t[2])) {
      recvQ = digitsValue(t[1]);
      sendQ = digitsValue(t[2]);
    }
    const row = socketRow(state, local!, remote!, recvQ, state === ctx.states.id("LISTEN") ? NONE : sendQ, /6/.test(proto) ? 6 : 0);
    if (row.remotePort === 0 && state === ctx.states.id("LISTEN")) row.remotePort = NONE;
    const pid = t.find((w) => /^\d+\/\S+$/.test(w));
    if (pid) {
      const slash = pid.indexOf("/");
      row.pid = Number(pid.slice(0, slash));
      row.program = pid.slice(slash + 1);
    }
    sink.socket(row);
    return "socket";
  },
};
