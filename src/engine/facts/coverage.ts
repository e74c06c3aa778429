/** `coverage`: how much of the socket table the evidence shows: full tables, excerpts, counts only, or none. */

import { STATES } from "../../model/states.ts";
import type { Fact } from "./fact.ts";
import { stepsText } from "./fact.ts";

const WORDS: Readonly<Record<string, string>> = {
  table: "the nature of the socket evidence",
  full: "the inputs hold a full socket table",
  excerpt: "the socket evidence is an excerpt",
  counts: "the socket evidence is counts without rows",
  rows: "socket rows in the inputs",
  tallied: "sockets known only by count",
  listenersComplete: "the inputs show every listener",
  filters: "the filters that made the excerpt",
};

export const coverage: Fact = {
  spec: {
    id: "coverage",
    summary: "How much of the socket table the evidence shows: a full table (every socket, so an absent listener does not exist), an excerpt (grep, head, a state or port filter, elided rows: counts are lower bounds, and states it leaves out are unknown), counts without rows (a histogram, `| wc -l`), or none. Rules read it to judge a pattern on an excerpt and to make absence-based claims only on a full table.",
    params: [],
    type: "object",
    paths: [
      { path: "$.table", type: "string", help: "`full`, `excerpt`, `counts` or `none` (the best evidence among the inputs)" },
      { path: "$.full", type: "boolean", help: "a full socket table was given (or the live table)" },
      { path: "$.excerpt", type: "boolean", help: "the best socket evidence is an excerpt" },
      { path: "$.counts", type: "boolean", help: "the best socket evidence is counts without rows" },
      { path: "$.rows", type: "number", help: "socket rows" },
      { path: "$.tallied", type: "number", help: "sockets known only by count" },
      { path: "$.listenersComplete", type: "boolean", help: "a full table with rows: a port it shows no listener on has none" },
      { path: "$.filters", type: "string", help: "the filters that made the excerpt, as pasted, comma separated (empty when none)" },
      { path: "$.truncated", type: "boolean", help: "rows were cut (head, tail, an elision such as `...`, or a count larger than the rows shown): the pile is bigger than what is shown" },
      { path: "$.portFiltered", type: "boolean", help: "the rows or counts are limited to some ports (`sport = :8080`, `grep :8080`, an awk test on the port)" },
      { path: "$.stateBlind", type: "boolean", help: "the excerpts were cut without regard to state (head, tail, an elision, a filter on ports, addresses or processes): shares among the rows shown estimate the table's" },
      { path: "$.states", type: "object", help: "per state, how well it is counted" },
      { path: "$.states.<STATE>", type: "string", help: "`exact` (every socket in that state is counted), `lower` (an excerpt shows some: a lower bound), `unknown` (the evidence cannot show it)" },
    ],
    names: { STATE: STATES },
    unknown: "Never.",
    example: "{ fact: coverage, path: $.full, operator: equal, value: true }",
  },
  masked: false,
  pass: () => "coverage",
  compute({ scan }) {
    const c = scan.coverage();
    const states: Record<string, string> = {};
    STATES.forEach((s, k) => (states[s] = c.states[k + 1]));
    return {
      value: {
        table: c.table,
        full: c.table === "full",
        excerpt: c.table === "excerpt",
        counts: c.table === "counts",
        rows: c.rows,
        tallied: c.tallied,
        listenersComplete: c.listenersComplete,
        filters: c.filters.join(", "),
        truncated: c.truncated,
        portFiltered: c.portFiltered,
        stateBlind: c.stateBlind,
        states,
      },
    };
  },
  words(_p, steps) {
    const tail = stepsText(steps);
    if (steps[0] === "states" && steps.length === 2) return `how well ${String(steps[1])} sockets are counted`;
    return Object.hasOwn(WORDS, tail) ? WORDS[tail] : `coverage.${tail}`;
  },
};
