// The ephemeral fact: port use toward one destination against the range.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { expected, facts, get, lab } from "../_helpers.ts";

describe("ephemeral", () => {
  it("uses the sysctl range and counts the TIME_WAIT toward one destination", () => {
    const tw = expected("time-wait-port-exhaustion", "ss-tan.txt").states.TIME_WAIT;
    const v = get(facts(lab("time-wait-port-exhaustion", "ss-tan.txt", "sysctl.txt")), "ephemeral").value as {
      range: { low: number; high: number; size: number; source: string }; top: { key: string; count: number; timeWait: number; share: number };
    };
    assert.deepEqual(v.range, { low: 40000, high: 40999, size: 1000, source: "sysctl" });
    assert.deepEqual([v.top.key, v.top.count, v.top.timeWait, v.top.share], ["127.0.0.1 -> 127.0.0.1:8080", tw, tw, tw / 1000]);
  });
  it("falls back to the Linux default range and says so", () => {
    const v = get(facts(lab("time-wait-port-exhaustion", "ss-tan.txt")), "ephemeral").value as { range: { size: number; source: string } };
    assert.deepEqual(v.range, { low: 32768, high: 60999, size: 28232, source: "default" });
  });
});
