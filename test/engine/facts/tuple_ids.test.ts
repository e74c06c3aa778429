// TupleIds (src/engine/facts/_scan.ts): ids of three-int32 keys in first-seen
// order, with or without the table indexed by the first key (`front`), on
// fresh or lent memory, as a Map of the keys would number them.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { Scratch, TupleIds } from "../../../src/engine/facts/_scan.ts";

const RUNS = Number(process.env.TCPDOC_PROPERTY_RUNS ?? 300);

/** The ids a Map gives the tuples, first seen first. */
function reference(tuples: [number, number, number][]): number[] {
  const m = new Map<string, number>();
  return tuples.map(([a, b, c]) => {
    const k = `${a}|${b}|${c}`;
    if (!m.has(k)) m.set(k, m.size);
    return m.get(k)!;
  });
}

describe("TupleIds", () => {
  it("numbers tuples in first-seen order and finds them again, with a front for small first keys or none", () => {
    // first keys around the front's edge (negative, inside, past it); few b and c so tuples repeat
    const tuple = fc.tuple(fc.integer({ min: -3, max: 40 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: -1, max: 2 }));
    fc.assert(
      fc.property(fc.array(tuple, { maxLength: 2000 }), fc.array(tuple, { maxLength: 50 }), fc.constantFrom(0, 1, 32), (tuples, probes, front) => {
        const s = new Scratch();
        // dirty memory in the pool: the tables must not see it
        const dirty = s.take(Scratch.MIN_KEPT * 8);
        dirty.fill(5);
        s.give(dirty);
        const ids = new TupleIds(0, s, front);
        let n = 0;
        const got = tuples.map(([a, b, c]) => {
          const id = ids.idOf(a, b, c, n);
          if (id === n) n++;
          return id;
        });
        const want = reference(tuples);
        assert.deepEqual(got, want);
        assert.equal(ids.size, new Set(want).size);
        tuples.forEach(([a, b, c], k) => assert.equal(ids.find(a, b, c), want[k]));
        for (const [a, b, c] of probes) {
          const k = tuples.findIndex((t) => t[0] === a && t[1] === b && t[2] === c);
          assert.equal(ids.find(a, b, c), k === -1 ? -1 : want[k], `find(${a}, ${b}, ${c})`);
        }
        ids.release();
      }),
      { numRuns: Math.min(RUNS, 200) },
    );
  });

  it("with a front as long as a million first keys, numbers one tuple of each, and a second tuple of one apart", () => {
    const n = 1 << 20, ids = new TupleIds(0, new Scratch(), n);
    for (let a = 0; a < n; a++) assert.equal(ids.idOf(a, 80, 7, a), a);
    // each found again, the last ones too (past the room the front's tables start with)
    for (let a = 0; a < n; a += 997) assert.equal(ids.idOf(a, 80, 7, -1), a);
    assert.equal(ids.find(n - 1, 80, 7), n - 1);
    // a second tuple for a first key goes to the hash table and gets its own id
    assert.equal(ids.idOf(5, 443, 7, n), n);
    assert.equal(ids.find(5, 80, 7), 5);
    assert.equal(ids.find(5, 443, 7), n);
    assert.equal(ids.size, n + 1);
  });
});
