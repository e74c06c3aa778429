/** `queues`: per state, sockets with data waiting in Recv-Q or Send-Q. */

import { STATES } from "../../model/states.ts";
import { round4 } from "./_scan.ts";
import type { Fact } from "./fact.ts";

const QUEUE_STATES = STATES.filter((s) => s !== "LISTEN");

export const queues: Fact = {
  spec: {
    id: "queues",
    summary: "Per state, how many sockets have data waiting in Recv-Q (not read by the application) or Send-Q (not acknowledged by the peer). LISTEN rows are left out (their queues mean something else, see `listeners`).",
    params: [],
    type: "object",
    paths: [
      { path: "$.<STATE>", type: "object", nullable: true, help: "the figures of that state (STATE: any but LISTEN)" },
      { path: "$.<STATE>.total", type: "number", help: "sockets in that state with queue figures" },
      { path: "$.<STATE>.recvQ", type: "number", help: "how many have a nonzero Recv-Q" },
      { path: "$.<STATE>.sendQ", type: "number", help: "how many have a nonzero Send-Q" },
      { path: "$.<STATE>.recvQShare", type: "number", unit: "share", help: "recvQ as a share of total, 0..1" },
      { path: "$.<STATE>.sendQShare", type: "number", unit: "share", help: "sendQ as a share of total, 0..1" },
      { path: "$.<STATE>.recvQBytes", type: "number", help: "bytes queued in Recv-Q in total" },
      { path: "$.<STATE>.sendQBytes", type: "number", help: "bytes queued in Send-Q in total" },
      { path: "$.<STATE>.maxRecvQ", type: "number", help: "the largest Recv-Q of one socket: 64 KiB or more unread on one connection is a whole receive window the program has not read" },
      { path: "$.<STATE>.maxSendQ", type: "number", help: "the largest Send-Q of one socket" },
    ],
    names: { STATE: QUEUE_STATES },
    unknown: "A state is null when its sockets carry no queue figures (state histograms, Windows netstat) but the inputs do hold sockets in it; a state nobody is in counts 0.",
    example: "{ fact: queues, path: $.CLOSE_WAIT.recvQ, operator: greaterThanInclusive, value: 10 }",
  },
  masked: true,
  pass: () => "state-stats",
  compute({ scan, mask }) {
    const { seen, withQ, rq, sq, rb, sb, mr, ms } = scan.stateStats(mask);
    const out: Record<string, unknown> = {};
    for (let id = 1; id < STATES.length + 1; id++) {
      const name = STATES[id - 1];
      if (name === "LISTEN") continue;
      const present = seen[id] + (scan.snap.tallies[id] ?? 0);
      if (withQ[id] === 0) {
        out[name] = present > 0 ? null : { total: 0, recvQ: 0, sendQ: 0, recvQShare: 0, sendQShare: 0, recvQBytes: 0, sendQBytes: 0, maxRecvQ: 0, maxSendQ: 0 };
        continue;
      }
      out[name] = {
        total: withQ[id],
        recvQ: rq[id],
        sendQ: sq[id],
        recvQShare: round4(rq[id] / withQ[id]),
        sendQShare: round4(sq[id] / withQ[id]),
        recvQBytes: rb[id],
        sendQBytes: sb[id],
        maxRecvQ: mr[id],
        maxSendQ: ms[id],
      };
    }
    return { value: out };
  },
  words(_p, steps) {
    const [state, field] = steps as string[];
    const words: Record<string, string> = {
      recvQ: "sockets with unread data (Recv-Q > 0)",
      sendQ: "sockets with unacknowledged data (Send-Q > 0)",
      recvQShare: "share of sockets with unread data",
      sendQShare: "share of sockets with unacknowledged data",
    };
    return `${state ?? ""} ${(field !== undefined && Object.hasOwn(words, field) ? words[field] : undefined) ?? field ?? "queues"}`.trim();
  },
  whyUnknown: () => "those sockets carry no Recv-Q/Send-Q figures",
};
