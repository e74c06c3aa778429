/** `sockets`: the number of TCP sockets. */

import type { Fact } from "./fact.ts";
import { stateCounts } from "./states.ts";

export const sockets: Fact = {
  spec: {
    id: "sockets",
    summary: "The number of TCP sockets (rows and tallies), after the rule's exceptions.",
    params: [],
    type: "number",
    paths: [],
    unknown: "Never.",
    example: "{ fact: sockets, operator: greaterThan, value: 0 }",
  },
  masked: true,
  pass: () => "state-stats",
  compute: (input) => ({ value: stateCounts(input).TOTAL }),
  words: () => "TCP sockets",
};
