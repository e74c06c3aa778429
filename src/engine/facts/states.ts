/** `states`: socket counts by canonical state. */

import { STATES } from "../../model/states.ts";
import type { Fact } from "./fact.ts";
import { stepsText } from "./fact.ts";

/** The counts by state (and UNKNOWN, TOTAL) under a socket mask, socket rows and tallies together. */
export function stateCounts(input: Pick<Parameters<Fact["compute"]>[0], "scan" | "mask">): Record<string, number> {
  const { scan, mask } = input;
  const counts = scan.stateStats(mask).seen;
  const out: Record<string, number> = {};
  let total = 0;
  for (let id = 0; id < counts.length; id++) {
    const n = counts[id] + (scan.snap.tallies[id] ?? 0);
    total += n;
    out[id === 0 ? "UNKNOWN" : STATES[id - 1]] = n;
  }
  out.TOTAL = total;
  return out;
}

export const states: Fact = {
  spec: {
    id: "states",
    summary: "Socket counts by canonical state, socket rows and histogram tallies together.",
    params: [],
    type: "object",
    paths: [
      { path: "$.UNKNOWN", type: "number", help: "sockets whose state the dump does not say" },
      { path: "$.TOTAL", type: "number", help: "all TCP sockets" },
      { path: "$.<STATE>", type: "number", help: "sockets in that state" },
    ],
    names: { STATE: STATES },
    unknown: "Never: a state absent from the inputs counts 0. A dump filtered to one state (`ss state close-wait`, `| grep`) makes the other states read 0.",
    example: "{ fact: states, path: $.CLOSE_WAIT, operator: greaterThanInclusive, value: 50 }",
  },
  masked: true,
  pass: () => "state-stats",
  compute: (input) => ({ value: stateCounts(input) }),
  words: (_p, steps) => {
    const tail = stepsText(steps);
    return steps.length ? `${tail === "TOTAL" ? "all" : tail} sockets` : "sockets by state";
  },
};
