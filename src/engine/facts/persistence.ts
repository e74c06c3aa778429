/**
 * `persistence`: whether the sockets in a state are the same sockets from
 * one snapshot to the next (a leak keeps them) or new ones each time
 * (churn: the count may be flat while every socket is replaced).
 */

import type { StatePersistence } from "../../model/series.ts";
import { stateId, type StateName, STATES } from "../../model/states.ts";
import { round4 } from "./_scan.ts";
import { ONE_SNAPSHOT, round2, seriesOf } from "./_time.ts";
import type { Fact, FactValue } from "./fact.ts";
import { stepsText } from "./fact.ts";
import { stateCounts } from "./states.ts";

/** Of the sockets of a moment, at most this share may leave by the next for the pile to count as the same sockets. */
const SAME_LEFT = 0.05;
/** At least this share leaving per step, on average, is rotation. */
const ROTATING_LEFT = 0.25;

const WORDS: Readonly<Record<string, string>> = {
  moments: "snapshots with a socket table",
  now: "sockets now",
  first: "sockets at the first snapshot",
  stayed: "sockets still there since the snapshot before",
  left: "sockets gone since the snapshot before",
  joined: "sockets new since the snapshot before",
  stayedShare: "share of the sockets of the snapshot before still there",
  leftShare: "share of the sockets gone between two snapshots, on average",
  fromFirst: "sockets of the first snapshot still there now",
  fromFirstShare: "share of the first snapshot's sockets still there now",
  oldest: "seconds the oldest socket has been there",
  median: "median seconds the sockets have been there",
  seconds: "seconds spanned by the snapshots",
  same: "the same sockets staying",
  rotating: "the sockets being replaced",
};

export const persistence: Fact = {
  spec: {
    id: "persistence",
    summary: "Whether the sockets in a state are the same sockets from one snapshot to the next, by 4-tuple (and inode where known): how many stayed, left and joined, how old they are (since first seen in the state), and whether the pile keeps the same sockets (a leak) or rotates (churn: the count may be flat while every socket is replaced). Needs socket tables over time; on one snapshot `moments` is 1 and `same` and `rotating` are false.",
    params: [{ name: "state", type: "state", required: true, help: "the state whose sockets are followed" }],
    type: "object",
    paths: [
      { path: "$.moments", type: "number", help: "snapshots with a socket table (1 for a single snapshot, 0 for a series of counts only: a histogram)" },
      { path: "$.seconds", type: "number", help: "seconds from the first of them to the last" },
      { path: "$.now", type: "number", nullable: true, help: "sockets in the state now" },
      { path: "$.first", type: "number", nullable: true, help: "sockets in it at the first snapshot" },
      { path: "$.stayed", type: "number", nullable: true, help: "of the previous snapshot's, those still in the state now" },
      { path: "$.left", type: "number", nullable: true, help: "of the previous snapshot's, those gone from it" },
      { path: "$.joined", type: "number", nullable: true, help: "those new in it since the previous snapshot" },
      { path: "$.stayedShare", type: "number", nullable: true, help: "stayed / the previous snapshot's count (null when it had none)" },
      { path: "$.leftShare", type: "number", nullable: true, help: "the share gone between two snapshots, averaged over the steps (null when no step had any)" },
      { path: "$.fromFirst", type: "number", nullable: true, help: "of the first snapshot's sockets in the state, those still in it now" },
      { path: "$.fromFirstShare", type: "number", nullable: true, help: "fromFirst / the first count (null when it was 0)" },
      { path: "$.oldest", type: "number", nullable: true, help: "seconds the oldest socket has been seen in the state" },
      { path: "$.median", type: "number", nullable: true, help: "median seconds the sockets have been seen in it" },
      { path: "$.same", type: "boolean", help: "the same sockets stay: at two snapshots or more, at most 5% of a snapshot's sockets leave by the next, and some stay" },
      { path: "$.rotating", type: "boolean", help: "the sockets are replaced: at two snapshots or more, on average a quarter or more leave between two snapshots" },
    ],
    unknown: "Never null. On one snapshot `moments` is 1, and on a series of counts only (a state histogram: the same count may be other sockets) 0: then the figures are null and `same` and `rotating` false.",
    example: "{ fact: persistence, params: { state: CLOSE_WAIT }, path: $.same, operator: equal, value: true }",
  },
  masked: false,
  key: (p) => String(p.state ?? ""),
  compute({ scan, params }): FactValue {
    const id = stateId(String(params.state) as StateName);
    const series = seriesOf(scan);
    if (!series) {
      const n = id > 0 ? stateCounts({ scan, mask: null })[STATES[id - 1]] : null;
      return { value: single(n) };
    }
    const steps = series.moments.filter((m) => m.persistence !== undefined);
    // Counts only (a histogram): the same count may be other sockets each time; nothing to tell.
    if (steps.length === 0) return { value: { ...single(null), moments: 0 } };
    const zero: StatePersistence = { count: 0, stayed: 0, left: 0, joined: 0, oldest: 0, median: 0, fromFirst: 0 };
    const at = (i: number) => steps[i].persistence!.get(id) ?? zero;
    const first = at(0), last = at(steps.length - 1);
    let shares = 0, n = 0, maxLeft = 0, stayedAny = false;
    for (let i = 1; i < steps.length; i++) {
      const before = at(i - 1).count;
      if (before === 0) continue;
      const share = at(i).left / before;
      shares += share;
      maxLeft = Math.max(maxLeft, share);
      if (at(i).stayed > 0) stayedAny = true;
      n++;
    }
    const prevCount = steps.length > 1 ? at(steps.length - 2).count : 0;
    const leftShare = n ? round4(shares / n) : null;
    return {
      value: {
        moments: steps.length,
        seconds: round2((steps[steps.length - 1].at - steps[0].at) / 1000),
        now: last.count,
        first: first.count,
        stayed: last.stayed,
        left: last.left,
        joined: last.joined,
        stayedShare: prevCount ? round4(last.stayed / prevCount) : null,
        leftShare,
        fromFirst: last.fromFirst,
        fromFirstShare: first.count ? round4(last.fromFirst / first.count) : null,
        oldest: round2(last.oldest),
        median: round2(last.median),
        same: n > 0 && stayedAny && maxLeft <= SAME_LEFT,
        rotating: leftShare !== null && leftShare >= ROTATING_LEFT,
      },
    };
  },
  words(p, steps) {
    const tail = stepsText(steps);
    return `${Object.hasOwn(WORDS, tail) ? WORDS[tail] : tail} (${String(p.state)}, over time)`;
  },
  whyUnknown: () => ONE_SNAPSHOT,
};

/** The value on one snapshot: nothing to compare with. */
function single(n: number | null) {
  return {
    moments: 1, seconds: 0, now: n, first: null, stayed: null, left: null, joined: null, stayedShare: null, leftShare: null,
    fromFirst: null, fromFirstShare: null, oldest: null, median: null, same: false, rotating: false,
  };
}
