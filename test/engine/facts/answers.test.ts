// The answers fact: the user's answers as given, never memoized.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { facts, lab, why } from "../_helpers.ts";

describe("answers", () => {
  it("hands over the answers and says how to give a missing one", () => {
    const c = facts(lab("healthy", "ss-tan.txt"));
    assert.deepEqual(c.get("answers", {}, undefined, { restarted: true }).value, { restarted: true });
    assert.deepEqual(c.get("answers", {}, undefined, {}).value, {});
    assert.equal(c.computed, 0);
    assert.match(why(c, "answers", "$.restarted"), /--answer restarted=/);
  });
});
