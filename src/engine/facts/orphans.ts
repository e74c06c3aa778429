/** `orphans`: per state, sockets no process owns any more. */

import { STATES } from "../../model/states.ts";
import { round4 } from "./_scan.ts";
import type { Fact } from "./fact.ts";

export const orphans: Fact = {
  spec: {
    id: "orphans",
    summary: "Per state, sockets no process owns any more (closed by the application or left behind by a process that died): inode 0 where the dump shows inodes, no owner where the dump shows owners.",
    params: [],
    type: "object",
    paths: [
      { path: "$.<STATE>", type: "object", nullable: true, help: "the figures of that state" },
      { path: "$.<STATE>.count", type: "number", help: "orphaned sockets in that state" },
      { path: "$.<STATE>.share", type: "number", unit: "share", help: "count / sockets in that state whose ownership is known" },
      { path: "$.<STATE>.known", type: "number", help: "sockets in that state whose ownership is known" },
    ],
    names: { STATE: STATES },
    unknown: "A state is null when none of its sockets says whether a process owns it (no -p/-e columns).",
    example: "{ fact: orphans, path: $.FIN_WAIT_1.share, operator: greaterThanInclusive, value: 0.5 }",
  },
  masked: true,
  pass: () => "state-stats",
  compute({ scan, mask }) {
    const { seen, known, orphan } = scan.stateStats(mask);
    const out: Record<string, unknown> = {};
    for (let id = 1; id < STATES.length + 1; id++) {
      const name = STATES[id - 1];
      const present = seen[id] + (scan.snap.tallies[id] ?? 0);
      if (known[id] === 0) out[name] = present > 0 ? null : { count: 0, share: 0, known: 0 };
      else out[name] = { count: orphan[id], share: round4(orphan[id] / known[id]), known: known[id] };
    }
    return { value: out };
  },
  words(_p, steps) {
    const [state, field] = steps as string[];
    return `${field === "share" ? "share of orphaned" : "orphaned"} ${state ?? ""} sockets`.replace(/\s+/g, " ").trim();
  },
  whyUnknown: () => "the dump does not say which process owns those sockets (ss -tanpe as root shows it)",
};
