// The facts' scratch arrays (src/engine/facts/_scan.ts Scratch): lent zeroed,
// lent again once given back, and a counter that takes its arrays there
// counts exactly as one with arrays of its own.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { KeyCounter, Scratch } from "../../../src/engine/facts/_scan.ts";

const BIG = Scratch.MIN_KEPT;
const RUNS = Number(process.env.TCPDOC_PROPERTY_RUNS ?? 300);

describe("Scratch", () => {
  it("lends an array given back again, zeroed, to a request it fits", () => {
    const s = new Scratch();
    const a = s.take(BIG * 2);
    a.fill(7);
    s.give(a);
    const b = s.take(BIG + 3);
    assert.equal(b.buffer, a.buffer, "the same memory");
    assert.equal(b.length, BIG + 3);
    assert.ok(b.every((x) => x === 0), "zeroed");
    // lent, it is not lent twice
    assert.notEqual(s.take(BIG).buffer, a.buffer);
  });

  it("lends the smallest array that fits, and the whole of a view given back", () => {
    const s = new Scratch();
    const small = s.take(BIG), large = s.take(BIG * 4);
    s.give(large), s.give(small);
    assert.equal(s.take(BIG).buffer, small.buffer);
    const view = s.take(BIG * 2);
    assert.equal(view.buffer, large.buffer);
    s.give(view);
    assert.equal(s.take(BIG * 4).length, BIG * 4, "the view's whole buffer came back");
  });

  it("keeps neither small arrays nor anything when made not to keep", () => {
    const s = new Scratch();
    const tiny = s.take(16);
    s.give(tiny);
    assert.notEqual(s.take(16), tiny);
    const none = new Scratch(false), a = none.take(BIG);
    none.give(a);
    assert.notEqual(none.take(BIG).buffer, a.buffer);
  });

  it("cuts new arrays from the spare memory given while it lasts, apart and zeroed, then makes its own", () => {
    const spare = new SharedArrayBuffer(BIG * 4 * 5);
    const s = new Scratch(true, spare);
    const a = s.take(BIG * 2), b = s.array(BIG + 1), c = s.take(BIG * 2);
    assert.equal(a.buffer, spare);
    assert.equal(b.buffer, spare);
    assert.notEqual(c.buffer, spare, "no room left for it: its own");
    assert.ok(c.every((x) => x === 0));
    // apart: each byte of the spare in one array at most
    assert.ok(b.byteOffset >= a.byteOffset + a.byteLength, `${a.byteOffset}+${a.byteLength} then ${b.byteOffset}`);
    a.fill(1), b.fill(2);
    assert.ok(a.every((x) => x === 1) && b.every((x) => x === 2));
    // small arrays come from the heap, not the spare
    assert.notEqual(s.array(16).buffer, spare);
    // one given back is lent again, itself and not the whole spare
    s.give(a);
    assert.notEqual(s.take(BIG * 4).buffer, spare, "lent more than was given back");
    assert.ok(b.every((x) => x === 2), "an array kept by its caller is never lent");
    const again = s.take(BIG);
    assert.equal(again.buffer, spare);
    assert.equal(again.byteOffset, a.byteOffset);
    assert.ok(again.every((x) => x === 0), "zeroed");
    s.give(again);
    assert.equal(s.take(BIG * 2).length, BIG * 2, "the whole of it came back");
    assert.ok(b.every((x) => x === 2), "an array kept by its caller is never lent");
  });

  it("a counter on lent arrays counts as one on its own, and gives them back", () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: -1, max: 70_000 }), fc.integer({ min: 0, max: 3 })), { maxLength: 3000 }), (keys) => {
        const s = new Scratch();
        // dirty memory in the pool: a counter must not see it
        const dirty = s.take(BIG * 8);
        dirty.fill(3);
        s.give(dirty);
        const own = new KeyCounter(65537), lent = new KeyCounter(65537, 2000, s);
        const hashedOwn = new KeyCounter(), hashedLent = new KeyCounter(0, 100, s);
        keys.forEach(([k, b], i) => {
          own.add(k, i, b & 1), lent.add(k, i, b & 1);
          hashedOwn.addTuple(k, b, 0, i, 0), hashedLent.addTuple(k, b, 0, i, 0);
        });
        for (const [a, b] of [[own, lent], [hashedOwn, hashedLent]]) {
          assert.equal(b.size, a.size);
          assert.deepEqual([...b.counts.subarray(0, b.size)], [...a.counts.subarray(0, a.size)]);
          assert.deepEqual([...b.extra.subarray(0, b.size)], [...a.extra.subarray(0, a.size)]);
          assert.deepEqual([...b.first.subarray(0, b.size)], [...a.first.subarray(0, a.size)]);
          assert.deepEqual(b.top(5), a.top(5));
        }
        lent.release();
        assert.equal(s.take(65537).buffer, dirty.buffer, "the direct table went back to the pool");
      }),
      { numRuns: Math.min(RUNS, 100) },
    );
  });
});
