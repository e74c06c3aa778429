/** `state-share`: one state's count as a share of several, e.g. CLOSE_WAIT among CLOSE_WAIT and ESTABLISHED. */

import { STATES } from "../../model/states.ts";
import { stateList } from "./_scan.ts";
import type { Fact } from "./fact.ts";
import { stateCounts, stateWhy } from "./states.ts";

export const stateShare: Fact = {
  spec: {
    id: "state-share",
    summary: "Sockets in `state` as a share of those in `state` and the `of` states together (table rows and counts), 0..1: how much of a kind of connection is stuck in one state. CLOSE_WAIT among CLOSE_WAIT and ESTABLISHED near 0 on a healthy server (a socket spends microseconds there), comparable to ESTABLISHED when the program leaks them.",
    params: [
      { name: "state", type: "state", required: true, help: "the state counted" },
      { name: "of", type: "states", required: true, help: "the states it is compared with (the state itself is added)" },
    ],
    type: "number",
    unit: "share",
    paths: [],
    unknown: "null when one of the states is unknown (an excerpt filtered by state that leaves it out, or no socket table), or when none of the sockets is in any of them. An excerpt cut without regard to state (head, tail, an elision, a filter on a port, address or process: `coverage.stateBlind`) gives the share among the rows it shows: they are a sample of their sockets in every state, in the order of the kernel's hash table (exact for an ss port filter).",
    example: "{ fact: state-share, params: { state: CLOSE_WAIT, of: [ESTABLISHED] }, operator: greaterThanInclusive, value: 0.3 }",
  },
  masked: true,
  pass: () => "state-stats",
  compute(input) {
    const counts = stateCounts(input);
    const s = String(input.params.state);
    const of = [...new Set([s, ...(stateList(input.params.of) ?? [])])];
    let read = (x: string): number | null | undefined => counts[x];
    if (of.some((x) => counts[x] === null || counts[x] === undefined) && input.scan.coverage().stateBlind) {
      // an excerpt cut without regard to state samples every state: the share among its rows estimates the table's
      const seen = input.scan.stateStats(input.mask).seen;
      read = (x) => seen[STATES.indexOf(x as never) + 1] ?? 0;
    }
    let total = 0, own = 0;
    for (const x of of) {
      const n = read(x);
      if (n === null || n === undefined) return { value: null, why: stateWhy(input.scan) };
      total += n;
      if (x === s) own = n;
    }
    if (total === 0) return { value: null, why: `no socket is in ${of.join(" or ")}` };
    return { value: Math.round((own / total) * 10000) / 10000 };
  },
  words: (p) => `share of ${String(p.state)} among ${[...new Set([String(p.state), ...(stateList(p.of) ?? [])])].join(" + ")} sockets`,
};
