/** `states`: socket counts by canonical state. */

import { STATES } from "../../model/states.ts";
import type { Fact } from "./fact.ts";
import { stepsText } from "./fact.ts";

/**
 * The counts by state (and UNKNOWN, TOTAL) under a socket mask, socket rows
 * and tallies together; null for a state the evidence cannot show (see
 * TableScan.coverage: a state an excerpt filtered away, or any state when
 * the inputs hold no socket table).
 */
export function stateCounts(input: Pick<Parameters<Fact["compute"]>[0], "scan" | "mask">): Record<string, number | null> {
  const { scan, mask } = input;
  const counts = scan.stateStats(mask).seen;
  const cov = scan.coverage();
  const out: Record<string, number | null> = {};
  let total = 0;
  for (let id = 0; id < counts.length; id++) {
    const n = counts[id] + (scan.snap.tallies[id] ?? 0);
    total += n;
    out[id === 0 ? "UNKNOWN" : STATES[id - 1]] = cov.states[id] === "unknown" ? null : n;
  }
  out.TOTAL = cov.table === "none" ? null : total;
  return out;
}

/** Why a state's count is unknown. */
export function stateWhy(scan: Parameters<Fact["compute"]>[0]["scan"]): string {
  const cov = scan.coverage();
  if (cov.table === "none") return "the inputs hold no socket table or socket counts";
  const f = cov.filters.length ? ` (${cov.filters.join(", ")})` : "";
  return `the inputs show only part of the socket table${f}: a state they leave out is unknown, not zero`;
}

export const states: Fact = {
  spec: {
    id: "states",
    summary: "Socket counts by canonical state, socket rows and histogram tallies together.",
    params: [],
    type: "object",
    paths: [
      { path: "$.UNKNOWN", type: "number", nullable: true, help: "sockets whose state the dump does not say" },
      { path: "$.TOTAL", type: "number", nullable: true, help: "all TCP sockets (null when the inputs hold no socket table or counts)" },
      { path: "$.<STATE>", type: "number", nullable: true, help: "sockets in that state; from an excerpt a lower bound (see `coverage`)" },
    ],
    names: { STATE: STATES },
    unknown: "A state is null when the evidence cannot show it: the inputs hold no socket table or counts at all, or only excerpts (grep, head, a state filter) that leave the state out. A full table or a state histogram counts every state: one absent from it counts 0. From an excerpt a state's count is a lower bound.",
    example: "{ fact: states, path: $.CLOSE_WAIT, operator: greaterThanInclusive, value: 50 }",
  },
  masked: true,
  pass: () => "state-stats",
  compute: (input) => ({ value: stateCounts(input), why: stateWhy(input.scan) }),
  whyUnknown: (_tail, memo) => memo.why ?? "the inputs do not say",
  words: (_p, steps) => {
    const tail = stepsText(steps);
    return steps.length ? `${tail === "TOTAL" ? "all" : tail} sockets` : "sockets by state";
  },
};
