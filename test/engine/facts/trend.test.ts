// The trend fact: a state's count over a series (the lab's recordings), and one snapshot.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { facts, get, lab, seriesFacts } from "../_helpers.ts";

type Course = { moments: number; first: number; last: number; perMinute: number | null; rising: boolean; falling: boolean; flat: boolean };

describe("trend", () => {
  it("sees a leaking CLOSE_WAIT pile rise (27 to 132 in 21 s, 5 a second)", () => {
    const v = get(seriesFacts(lab("series-close-wait-growing", "series-ss-tan.txt")), "trend", { state: "CLOSE_WAIT" }).value as Course;
    assert.deepEqual([v.moments, v.first, v.last, v.rising, v.flat], [8, 27, 132, true, false]);
    assert.ok(Math.abs(v.perMinute! - 300) < 15, String(v.perMinute));
  });
  it("sees a churning pile stay flat", () => {
    const v = get(seriesFacts(lab("series-churn-flat", "series-ss-tan.txt")), "trend", { state: "CLOSE_WAIT" }).value as Course;
    assert.deepEqual([v.rising, v.falling, v.flat], [false, false, true]);
  });
  it("sees an orphaned FIN_WAIT_1 pile fall once the clients read again", () => {
    const v = get(seriesFacts(lab("series-fin-wait-1-draining", "series-ss-tan.txt")), "trend", { state: "FIN_WAIT_1" }).value as Course;
    assert.equal(v.falling, true);
    assert.ok(v.last < v.first, `${v.first} -> ${v.last}`);
  });
  it("follows groups: the destination whose SYN_SENT grows fastest", () => {
    const v = get(seriesFacts(lab("series-accept-queue-overflow", "series-ss-tan.txt")), "trend", { state: "SYN_SENT", by: "destination" }).value as {
      fastest: Course & { key: string };
    };
    assert.equal(v.fastest.key, "127.0.0.1:8080");
    assert.equal(v.fastest.rising, true);
  });
  it("on one snapshot: one moment, the count, no course", () => {
    const v = get(facts(lab("close-wait-leak", "ss-tan.txt")), "trend", { state: "CLOSE_WAIT" }).value as Course;
    assert.deepEqual([v.moments, v.perMinute, v.rising, v.falling, v.flat], [1, null, false, false, false]);
    assert.ok(v.last > 0);
  });
});
