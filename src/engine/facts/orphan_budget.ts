/** `orphan-budget`: orphaned sockets against net.ipv4.tcp_max_orphans. */

import { intOf, round4 } from "./_scan.ts";
import type { Fact } from "./fact.ts";
import { stepsText } from "./fact.ts";

export const orphanBudget: Fact = {
  spec: {
    id: "orphan-budget",
    summary: "Orphaned sockets (no process owns them: FIN_WAIT_1, LAST_ACK, CLOSING after close() or after the process died) against net.ipv4.tcp_max_orphans. The kernel resets orphans once their count, doubled or quadrupled for orphans whose peer is silent or sent an ICMP error (tcp_out_of_resources), passes the limit: \"too many orphaned sockets\". Both figures are global to the host, not per namespace or container.",
    params: [],
    type: "object",
    paths: [
      { path: "$.orphans", type: "number", help: "orphaned sockets: /proc/net/sockstat `orphan` (or `ss -s` `orphaned`)" },
      { path: "$.max", type: "number", nullable: true, help: "net.ipv4.tcp_max_orphans (null when not in the inputs)" },
      { path: "$.share", type: "number", unit: "share", nullable: true, help: "orphans / max, 0..1 and above (null when max is unknown)" },
    ],
    unknown: "null when the inputs carry neither /proc/net/sockstat nor ss -s; `max` and `share` are null when net.ipv4.tcp_max_orphans is not in the inputs (it is not visible inside a network namespace: read it on the host).",
    example: "{ fact: orphan-budget, path: $.share, operator: greaterThanInclusive, value: 0.25 }",
  },
  masked: false,
  compute({ scan }) {
    const c = scan.snap.counters.get("sockstat.tcp.orphan");
    if (!c) return { value: null, why: "the inputs carry no orphan count (add cat /proc/net/sockstat or ss -s)" };
    const s = scan.snap.sysctls.get("net.ipv4.tcp_max_orphans");
    const max = s ? intOf(s.value) : undefined;
    if (max === undefined) {
      return {
        value: { orphans: c.value, max: null, share: null },
        why: "sysctl net.ipv4.tcp_max_orphans is not in the inputs (add the output of sysctl net.ipv4.tcp_max_orphans, run on the host: a namespace or container does not see it)",
      };
    }
    return { value: { orphans: c.value, max, share: round4(c.value / Math.max(max, 1)) } };
  },
  words: (_p, steps) => `orphan-budget${steps.length ? `.${stepsText(steps)}` : ""}`,
};
