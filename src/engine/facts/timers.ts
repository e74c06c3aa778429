/** `timers`: the timers the dump shows on sockets (ss -o, netstat -o, /proc/net/tcp), by kind. */

import { round4, stateList, stateMask, TIMER_KINDS } from "./_scan.ts";
import type { Fact } from "./fact.ts";
import { stepsText } from "./fact.ts";

export const timers: Fact = {
  spec: {
    id: "timers",
    summary: "The timers running on sockets, by kind, as `ss -o` (`timer:(persist,...)`), `netstat -o` (`probe (...)`) and /proc/net/tcp (the `tr` column) show them: persist is the zero-window probe timer (the peer advertises no room), retransmit resends unacknowledged data, keepalive probes an idle connection.",
    params: [
      { name: "state", alias: "states", type: "states", help: "a state name or a list of them; all states when absent" },
      { name: "queue", type: "string", choices: ["recv", "send"], help: "keep only sockets with data in Recv-Q (recv) or Send-Q (send)" },
    ],
    type: "object",
    paths: [
      { path: "$.total", type: "number", help: "sockets matched" },
      { path: "$.shown", type: "number", help: "of them, those whose row shows a timer column" },
      { path: "$.persist", type: "number", help: "with the persist (zero-window probe) timer" },
      { path: "$.retransmit", type: "number", help: "with the retransmission timer" },
      { path: "$.keepalive", type: "number", help: "with the keepalive timer" },
      { path: "$.timewait", type: "number", help: "with the TIME_WAIT timer" },
      { path: "$.persistShare", type: "number", unit: "share", help: "persist / shown" },
      { path: "$.retransmitShare", type: "number", unit: "share", help: "retransmit / shown" },
    ],
    unknown: "null when none of the matched sockets shows a timer (the dump was taken without -o, or the format has none).",
    example: "{ fact: timers, params: { state: ESTABLISHED, queue: send }, path: $.persist, operator: greaterThanInclusive, value: 1 }",
  },
  masked: true,
  pass: (p) => `timers|${(stateList(p.state ?? p.states) ?? []).join("+")}|${String(p.queue ?? "")}`,
  compute({ scan, params, mask }) {
    const t = scan.t;
    const q = params.queue === "send" ? t.sendQ : params.queue === "recv" ? t.recvQ : undefined;
    const { list, from, to } = scan.select(stateMask(params.state ?? params.states), mask, q, undefined, undefined);
    const by = new Array<number>(TIMER_KINDS.length).fill(0);
    let shown = 0;
    for (let k = from; k < to; k++) {
      const c = t.timer[list[k]];
      if (c === 0) continue;
      shown++;
      by[scan.timerKindOf(c)]++;
    }
    if (shown === 0) return { value: null, why: to > from ? "the dump shows no timers on those sockets (ss -o, netstat -o and /proc/net/tcp show them)" : "no socket matched" };
    return {
      value: {
        total: to - from,
        shown,
        persist: by[2],
        retransmit: by[1],
        keepalive: by[3],
        timewait: by[4],
        persistShare: round4(by[2] / shown),
        retransmitShare: round4(by[1] / shown),
      },
    };
  },
  words(p, steps) {
    const what = `${(stateList(p.state ?? p.states) ?? ["all"]).join("+")} sockets${p.queue ? ` with data in ${p.queue === "send" ? "Send-Q" : "Recv-Q"}` : ""}`;
    const tail = stepsText(steps);
    const w: Record<string, string> = {
      persist: "with the persist (zero-window probe) timer", retransmit: "retransmitting", keepalive: "with a keepalive timer",
      persistShare: "share with the persist timer", retransmitShare: "share retransmitting", shown: "showing a timer", total: "in all",
    };
    return `${what} ${Object.hasOwn(w, tail) ? w[tail] : tail}`.trim();
  },
};
