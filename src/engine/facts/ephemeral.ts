/** `ephemeral`: ephemeral-port use per (source ip, destination ip, destination port). */

import { stateMask, GROUP_LABELS, KeyCounter, round4, withoutFirst } from "./_scan.ts";
import type { Fact } from "./fact.ts";
import { stepsText } from "./fact.ts";

const WORDS: Readonly<Record<string, string>> = {
  "top.share": "share of the ephemeral port range used toward the busiest destination",
  "top.count": "sockets toward the busiest destination from one source address",
  "top.timeWaitShare": "TIME_WAIT share of the sockets toward the busiest destination",
  "top.timeWait": "TIME_WAIT sockets toward the busiest destination",
  "range.size": "size of the ephemeral port range",
};

/** The states whose sockets hold an ephemeral port. */
const COUNTED = stateMask(["ESTABLISHED", "SYN_SENT", "TIME_WAIT", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSING", "LAST_ACK", "CLOSE_WAIT"]);

export const ephemeral: Fact = {
  spec: {
    id: "ephemeral",
    summary: "Ephemeral-port use per (source ip, destination ip, destination port): sockets in any connected state whose local port lies in net.ipv4.ip_local_port_range and holds no listener, against the size of that range.",
    params: [],
    type: "object",
    paths: [
      { path: "$.range", type: "object", help: "the port range used" },
      { path: "$.range.low", type: "number", help: "its first port" },
      { path: "$.range.high", type: "number", help: "its last port" },
      { path: "$.range.size", type: "number", help: "how many ports it holds" },
      { path: "$.range.source", type: "string", help: "`sysctl` when the inputs carry net.ipv4.ip_local_port_range, `default` (32768-60999) when not" },
      { path: "$.total", type: "number", help: "sockets counted" },
      { path: "$.distinct", type: "number", help: "distinct (source, destination) pairs" },
      { path: "$.top", type: "object", help: "the busiest (source, destination)" },
      { path: "$.top.key", type: "string", nullable: true, help: "its key, `source -> destination:port` (null when nothing was counted)" },
      { path: "$.top.count", type: "number", help: "its sockets" },
      { path: "$.top.share", type: "number", help: "its share of the range" },
      { path: "$.top.timeWait", type: "number", help: "how many of those are TIME_WAIT" },
      { path: "$.top.timeWaitShare", type: "number", help: "their share of the group" },
      { path: "$.groups", type: "list", items: "object", help: "the busiest, busiest first" },
      { path: "$.groups[N].key", type: "string", help: "the N-th busiest's key" },
      { path: "$.groups[N].count", type: "number", help: "its sockets" },
      { path: "$.groups[N].share", type: "number", help: "its share of the range" },
      { path: "$.groups[N].timeWait", type: "number", help: "how many are TIME_WAIT" },
      { path: "$.groups[N].timeWaitShare", type: "number", help: "their share of the group" },
    ],
    unknown: "Never null; when the range is not in the inputs the Linux default is used and `range.source` says `default`.",
    example: "{ fact: ephemeral, path: $.top.share, operator: greaterThanInclusive, value: 0.8 }",
  },
  masked: true,
  pass: () => "ephemeral",
  compute({ scan, mask: ex }) {
    const range = scan.portRange();
    const t = scan.t, st = t.state;
    const lp = scan.listenPorts();
    // the sockets counted, then their groups: at most one per socket, room made up front
    const list = scan.scratchList(), lport = t.localPort, low = range.low, high = range.high;
    let total = 0;
    for (let i = 0; i < t.length; i++) {
      const p = lport[i];
      if (p < low || p > high || !COUNTED[st[i]] || lp[p + 1] || (ex && ex[i])) continue;
      list[total++] = i;
    }
    const kc = new KeyCounter(0, total);
    kc.countByTuple(list, 0, total, t.remoteAddr, t.remotePort, t.localAddr, st);
    const groups = kc.top(5).map((s) => {
      const i = kc.first[s];
      return {
        key: scan.keyText("source-destination", i),
        count: kc.counts[s],
        share: round4(kc.counts[s] / range.size),
        timeWait: kc.extra[s],
        timeWaitShare: round4(kc.extra[s] / kc.counts[s]),
        first: i,
      };
    });
    const top = groups[0]
      ? withoutFirst(groups[0])
      : { key: null, count: 0, share: 0, timeWait: 0, timeWaitShare: 0 };
    return { value: { range: { ...range }, total, distinct: kc.size, top, groups } };
  },
  words(_p, steps) {
    const tail = stepsText(steps);
    return Object.hasOwn(WORDS, tail) ? WORDS[tail] : `ephemeral.${tail}`;
  },
  groups: () => ({ by: "source-destination", label: GROUP_LABELS["source-destination"] }),
};
