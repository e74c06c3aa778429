// The inputs fact: what kinds of data the inputs carried.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { facts, get, lab } from "../_helpers.ts";

describe("inputs", () => {
  it("tells ss -tan from ss -tanp, and notices counters, sysctls and logs", () => {
    const bare = get(facts(lab("close-wait-leak", "ss-tan.txt")), "inputs").value as Record<string, boolean>;
    assert.deepEqual([bare.processes, bare.queues, bare.counters, bare.logs, bare.live], [false, true, false, false, false]);
    const full = get(facts(lab("time-wait-port-exhaustion", "ss-tanp.txt", "nstat.txt", "sysctl.txt", "app.log")), "inputs").value as Record<string, boolean>;
    assert.deepEqual([full.processes, full.counters, full.sysctls, full.logs], [true, true, true, true]);
  });
});
