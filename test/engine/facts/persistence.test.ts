// The persistence fact: the same sockets staying (a leak) against sockets that rotate (churn).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { facts, get, lab, seriesFacts } from "../_helpers.ts";

type P = { moments: number; first: number | null; fromFirst: number | null; oldest: number | null; leftShare: number | null; same: boolean; rotating: boolean };

describe("persistence", () => {
  it("a leak keeps its sockets: every first-snapshot CLOSE_WAIT socket is still there 21 s later", () => {
    const v = get(seriesFacts(lab("series-close-wait-growing", "series-ss-tan.txt")), "persistence", { state: "CLOSE_WAIT" }).value as P;
    assert.deepEqual([v.moments, v.first, v.fromFirst, v.oldest, v.leftShare, v.same, v.rotating], [8, 27, 27, 21, 0, true, false]);
  });
  it("churn replaces them: a flat count whose sockets are gone by the next snapshot", () => {
    const v = get(seriesFacts(lab("series-churn-flat", "series-ss-tan.txt")), "persistence", { state: "CLOSE_WAIT" }).value as P;
    assert.deepEqual([v.same, v.rotating, v.fromFirst], [false, true, 0]);
    assert.ok(v.leftShare! > 0.5 && v.oldest! <= 6, JSON.stringify(v));
  });
  it("a series of counts only (a pasted uniq -c loop) cannot tell", () => {
    const v = get(seriesFacts(lab("series-close-wait-growing", "series-while-netstat-uniq-c.txt")), "persistence", { state: "CLOSE_WAIT" }).value as P;
    assert.deepEqual([v.moments, v.same, v.rotating, v.fromFirst], [0, false, false, null]);
  });
  it("on one snapshot: nothing to compare with", () => {
    const v = get(facts(lab("close-wait-leak", "ss-tan.txt")), "persistence", { state: "CLOSE_WAIT" }).value as P;
    assert.deepEqual([v.moments, v.same, v.rotating, v.oldest], [1, false, false, null]);
  });
});
