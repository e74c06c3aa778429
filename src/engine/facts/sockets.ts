/** `sockets`: the number of TCP sockets. */

import type { Fact } from "./fact.ts";
import { stateCounts, stateWhy } from "./states.ts";

export const sockets: Fact = {
  spec: {
    id: "sockets",
    summary: "The number of TCP sockets (rows and tallies), after the rule's exceptions.",
    params: [],
    type: "number",
    paths: [],
    unknown: "Unknown when the inputs hold no socket table or counts (only logs, counters or settings).",
    example: "{ fact: sockets, operator: greaterThan, value: 0 }",
  },
  masked: true,
  pass: () => "state-stats",
  compute: (input) => {
    const total = stateCounts(input).TOTAL;
    return total === null ? { value: null, why: stateWhy(input.scan) } : { value: total };
  },
  words: () => "TCP sockets",
};
