/** topSlots: the biggest groups of a counter, against a full sort. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { topSlots } from "../../../src/engine/facts/_scan.ts";

const RUNS = Number(process.env.TCPDOC_PROPERTY_RUNS ?? 300);

/** The n slots with the biggest counts by sorting all of them: count down, then order (or slot) up. */
function bySort(counts: Int32Array, n: number, order?: Int32Array): number[] {
  const slots = [...counts.keys()].filter((s) => counts[s] > 0);
  slots.sort((a, b) => counts[b] - counts[a] || (order ? order[a] - order[b] : 0) || a - b);
  return slots.slice(0, n);
}

describe("topSlots", () => {
  // small counts make ties common, where the kept slots' floor decides
  const counters = fc.array(fc.nat({ max: 6 }), { maxLength: 120 }).map((xs) => Int32Array.from(xs));

  it("keeps the n biggest counts, ties to the smaller slot", () => {
    fc.assert(
      fc.property(counters, fc.nat({ max: 9 }), (counts, n) => {
        assert.deepEqual(topSlots(counts.length, n, counts), bySort(counts, n));
      }),
      { numRuns: RUNS },
    );
  });

  it("with an order, ties go to the smaller order", () => {
    fc.assert(
      fc.property(counters.chain((c) => fc.tuple(fc.constant(c), fc.shuffledSubarray([...c.keys()], { minLength: c.length }))), fc.nat({ max: 9 }), ([counts, perm], n) => {
        const order = Int32Array.from(perm);
        assert.deepEqual(topSlots(counts.length, n, counts, order), bySort(counts, n, order));
      }),
      { numRuns: RUNS },
    );
  });

  it("reads only the first `size` slots", () => {
    const counts = Int32Array.from([1, 5, 2, 9, 9]);
    assert.deepEqual(topSlots(3, 2, counts), [1, 2]);
    assert.deepEqual(topSlots(5, 3, counts), [3, 4, 1]);
  });
});
