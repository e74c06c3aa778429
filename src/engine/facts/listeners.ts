/** `listeners`: LISTEN sockets and their accept queues against their backlog. */

import { NONE } from "../../model/socket_table.ts";
import { fmtEndpoint, LISTEN, round4 } from "./_scan.ts";
import type { Fact } from "./fact.ts";
import { stepsText } from "./fact.ts";

const WORDS: Readonly<Record<string, string>> = {
  full: "listeners whose accept queue is at or over the backlog",
  maxFill: "fullest accept queue / backlog",
  maxRecvQ: "longest accept queue",
  count: "LISTEN sockets",
  withBacklog: "LISTEN sockets showing their backlog",
};

/**
 * Backlogs programs and kernels commonly use: Java's 50, Tomcat's
 * acceptCount 100, the old somaxconn 128, nginx's and Node.js's 511,
 * somaxconn 4096 since Linux 5.4, and the powers of two people pick.
 * Linux lets an accept queue hold one more than its backlog, so a queue of
 * exactly one of these plus one is full (the lab: Recv-Q 17 for listen(16)).
 */
export const COMMON_BACKLOGS: ReadonlySet<number> = new Set([
  5, 8, 10, 16, 20, 32, 50, 64, 100, 128, 150, 200, 256, 500, 511, 512, 1000, 1024, 2048, 4096, 8192, 16384, 32768, 65535,
]);

export const listeners: Fact = {
  spec: {
    id: "listeners",
    summary: "LISTEN sockets and their accept queues (Recv-Q) against their backlog (ss prints the backlog in Send-Q of LISTEN rows; FreeBSD netstat -L as maxqlen).",
    params: [],
    type: "object",
    paths: [
      { path: "$.count", type: "number", help: "LISTEN sockets" },
      { path: "$.withBacklog", type: "number", help: "LISTEN sockets whose backlog the dump shows" },
      { path: "$.full", type: "number", nullable: true, help: "LISTEN sockets whose accept queue is at or over the backlog (null when no backlog is known)" },
      { path: "$.likelyFull", type: "number", help: "LISTEN sockets without a backlog shown (netstat, /proc/net/tcp) whose accept queue is one past a common backlog (51, 101, 129, 512, 1025, 4097, ...): Linux holds backlog + 1 in a full queue" },
      { path: "$.maxFill", type: "number", unit: "share", nullable: true, help: "the largest accept queue / backlog ratio (null when no backlog is known)" },
      { path: "$.maxBacklog", type: "number", nullable: true, help: "the largest backlog any LISTEN row shows (null when none shows one): a cap on backlogs is at least that" },
      { path: "$.maxRecvQ", type: "number", nullable: true, help: "the largest accept queue (null when no LISTEN row shows one)" },
      { path: "$.top", type: "object", nullable: true, help: "the fullest listener (null when no LISTEN row shows a queue)" },
      { path: "$.top.key", type: "string", help: "its local endpoint" },
      { path: "$.top.recvQ", type: "number", help: "its accept queue" },
      { path: "$.top.backlog", type: "number", nullable: true, help: "its backlog" },
      { path: "$.top.fill", type: "number", unit: "share", nullable: true, help: "recvQ / backlog" },
      { path: "$.ports", type: "list", items: "string", nullable: true, help: "the listening ports as text, sorted (compare with `symptoms`' `ports.<KIND>` using someFact:notIn); null unless the inputs show every listener (a full table, or `ss -ltn`): an excerpt's missing listener may exist" },
      { path: "$.complete", type: "boolean", help: "the inputs show every listener (see `coverage`)" },
    ],
    unknown: "`full` and `maxFill` are null when no LISTEN row carries a backlog (netstat and /proc/net/tcp do not show it); `maxRecvQ` is null when there are no LISTEN rows with a queue figure.",
    example: "{ fact: listeners, path: $.full, operator: greaterThanInclusive, value: 1 }",
  },
  masked: true,
  pass: () => "listeners",
  compute({ scan, mask: ex }) {
    const t = scan.t, { order, start } = scan.stateIndex();
    let count = 0, withBacklog = 0, full = 0, withQueue = 0, likelyFull = 0;
    let maxFill = -1, maxRecvQ = -1, best = -1, maxBacklog = -1;
    const ports = new Set<number>();
    for (let k = start[LISTEN]; k < start[LISTEN + 1]; k++) {
      const i = order[k];
      if (ex && ex[i]) continue;
      count++;
      if (t.localPort[i] !== NONE) ports.add(t.localPort[i]);
      const q = t.recvQ[i];
      if (q !== NONE) {
        withQueue++;
        if (q > maxRecvQ) maxRecvQ = q;
      }
      const b = t.sendQ[i];
      if (b !== NONE && b > maxBacklog) maxBacklog = b;
      if (b !== NONE && q !== NONE) {
        withBacklog++;
        const fill = q / Math.max(b, 1);
        if (q >= b && q > 0) full++;
        if (fill > maxFill) [maxFill, best] = [fill, i];
      } else {
        if (q !== NONE && q > 1 && COMMON_BACKLOGS.has(q - 1)) likelyFull++;
        if (best === -1 && q !== NONE && q === maxRecvQ && q > 0) best = i;
      }
    }
    const top = best === -1 ? null : {
      key: fmtEndpoint(t.strings.str(t.localAddr[best]), t.localPort[best]),
      recvQ: t.recvQ[best],
      backlog: t.sendQ[best] === NONE ? null : t.sendQ[best],
      fill: t.sendQ[best] === NONE ? null : round4(t.recvQ[best] / Math.max(t.sendQ[best], 1)),
      first: best,
    };
    const value = {
      count,
      withBacklog,
      full: withBacklog ? full : null,
      likelyFull,
      maxFill: withBacklog ? round4(maxFill) : null,
      maxRecvQ: withQueue ? maxRecvQ : null,
      maxBacklog: maxBacklog >= 0 ? maxBacklog : null,
      top,
      ports: scan.coverage().listenersComplete ? [...ports].sort((a, b) => a - b).map(String) : null,
      complete: scan.coverage().listenersComplete,
    };
    const why = count === 0
      ? "the inputs hold no LISTEN socket"
      : withBacklog === 0
      ? "no LISTEN row shows its backlog (ss -ltn shows it in Send-Q; netstat and /proc/net/tcp do not)"
      : undefined;
    return { value, why };
  },
  words(_p, steps) {
    const tail = stepsText(steps);
    return Object.hasOwn(WORDS, tail) ? WORDS[tail] : `listeners.${tail}`;
  },
  whyUnknown: (_tail, memo) => memo.why ?? "no LISTEN row shows it",
};
