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
    assert.deepEqual(v.range, { low: 40000, high: 40999, size: 1000, source: "sysctl", sourceText: "from net.ipv4.ip_local_port_range" });
    assert.deepEqual([v.top.key, v.top.count, v.top.timeWait, v.top.share], ["127.0.0.1 -> 127.0.0.1:8080", tw, tw, tw / 1000]);
  });
  it("without the sysctl, reads the range from a block of ports all in use toward one destination", () => {
    const v = get(facts(lab("time-wait-port-exhaustion", "ss-tan.txt")), "ephemeral").value as { range: { low: number; high: number; size: number; source: string } };
    assert.deepEqual([v.range.low, v.range.high, v.range.size, v.range.source], [40000, 40999, 1000, "block"]);
    const b = get(facts(lab("ephemeral-block-full", "ss-tan.txt")), "ephemeral").value as { range: { low: number; high: number; source: string }; top: { share: number } };
    assert.deepEqual([b.range.low, b.range.high, b.range.source, b.top.share], [40000, 40255, "block", 1]);
  });
  it("falls back to the Linux default range and says so", () => {
    const v = get(facts(lab("time-wait-churn", "ss-tan.txt")), "ephemeral").value as { range: { size: number; source: string } };
    assert.deepEqual(v.range, { low: 32768, high: 60999, size: 28232, source: "default", sourceText: "the Linux default" });
  });
  it("counts every state that holds a port toward the destination, and names them", () => {
    const v = get(facts(lab("client-close-wait-port-exhaustion", "ss-tan.txt", "sysctl.txt")), "ephemeral").value as {
      top: { destination: string; count: number; share: number; states: Record<string, number>; statesText: string; closeWaitShare: number };
    };
    assert.equal(v.top.destination, "127.0.0.2:5432");
    assert.equal(v.top.count, 500);
    assert.equal(v.top.share, 1);
    assert.equal(v.top.states.CLOSE_WAIT, 440);
    assert.equal(v.top.closeWaitShare, 0.88);
    assert.match(v.top.statesText, /^440 CLOSE_WAIT, /);
  });
});
