/** `inputs`: what kinds of data the inputs carried. */

import { NONE } from "../../model/socket_table.ts";
import { LISTEN } from "./_scan.ts";
import type { Fact } from "./fact.ts";
import { stepsText } from "./fact.ts";

export const inputs: Fact = {
  spec: {
    id: "inputs",
    summary: "What kinds of data the inputs carried, to let a rule tell 'absent' from 'not collected'.",
    params: [],
    type: "object",
    paths: [
      { path: "$.processes", type: "boolean", help: "some socket rows name their process (-p)" },
      { path: "$.queues", type: "boolean", help: "some socket rows carry Recv-Q/Send-Q" },
      { path: "$.backlog", type: "boolean", help: "some LISTEN rows carry their backlog" },
      { path: "$.counters", type: "boolean", help: "kernel counters were given" },
      { path: "$.sysctls", type: "boolean", help: "kernel settings were given" },
      { path: "$.logs", type: "boolean", help: "log lines were given" },
      { path: "$.tallies", type: "boolean", help: "some sockets are known only by count (state histograms)" },
      { path: "$.live", type: "boolean", help: "read from this machine rather than from dumps" },
    ],
    unknown: "Never.",
    example: "{ fact: inputs, path: $.processes, operator: equal, value: true }",
  },
  masked: false,
  pass: () => "inputs",
  compute({ scan }) {
    const t = scan.t, { order, start } = scan.stateIndex(), snap = scan.snap;
    const proc = scan.inputsWithProcess().includes(1);
    let queues = false, backlog = false;
    for (let i = 0; i < t.length && !queues; i++) if (t.recvQ[i] !== NONE) queues = true;
    for (let k = start[LISTEN]; k < start[LISTEN + 1] && !backlog; k++) if (t.sendQ[order[k]] !== NONE) backlog = true;
    return {
      value: {
        processes: proc,
        queues,
        backlog,
        counters: snap.counters.size > 0,
        sysctls: snap.sysctls.size > 0,
        logs: scan.hasLogs(),
        tallies: snap.tallies.some((n) => n > 0),
        live: snap.live,
      },
    };
  },
  words: (_p, steps) => `inputs${steps.length ? `.${stepsText(steps)}` : ""}`,
};
