// The states fact against the lab's awk oracle, and with histogram tallies.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { expected, facts, get, lab, ROOT } from "../_helpers.ts";

describe("states", () => {
  for (const scenario of ["healthy", "close-wait-leak", "time-wait-port-exhaustion", "syn-flood", "last-ack-after-load-test"]) {
    it(`matches the awk oracle for ${scenario}/ss-tan.txt`, () => {
      const want = expected(scenario, "ss-tan.txt");
      const st = get(facts(lab(scenario, "ss-tan.txt")), "states").value as Record<string, number>;
      assert.equal(st.TOTAL, want.sockets);
      for (const [s, n] of Object.entries(want.states)) assert.equal(st[s], n, s);
    });
  }
  it("counts a state histogram's tallies", () => {
    const c = facts([path.join(ROOT, "samples/other/engineio237-netstat-awk-state-histogram.txt")]);
    assert.equal((get(c, "states").value as Record<string, number>).CLOSE_WAIT, 710);
  });
  it("reads in words", async () => {
    const { refWords } = await import("../../../src/engine/describe.ts");
    assert.equal(refWords("states", {}, "$.CLOSE_WAIT"), "CLOSE_WAIT sockets");
    assert.equal(refWords("states", {}, "$.TOTAL"), "all sockets");
  });
});
