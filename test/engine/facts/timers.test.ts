// The timers fact: the persist timer of a zero-window stall in ss -o, netstat -o and /proc/net/tcp.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { facts, get, lab, why } from "../_helpers.ts";

describe("timers", () => {
  for (const f of ["ss-tanoi.txt", "netstat-tanoe.txt", "proc-net-tcp.txt"]) {
    it(`reads the persist timer in ${f}`, () => {
      const v = get(facts(lab("zero-window-stall", f)), "timers", { state: "ESTABLISHED", queue: "send" }).value as { persist: number; persistShare: number };
      assert.ok(v.persist >= 50, JSON.stringify(v));
      assert.equal(v.persistShare, 1);
    });
  }
  it("is unknown when the dump shows no timers", () => {
    const c = facts(lab("zero-window-stall", "ss-tan.txt"));
    assert.equal(get(c, "timers", { state: "ESTABLISHED" }).value, null);
    assert.match(why(c, "timers", "$.persist", { state: "ESTABLISHED" }), /no timers/);
  });
});
