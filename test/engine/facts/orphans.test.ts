// The orphans fact: sockets no process owns.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { facts, get, lab, ROOT, why } from "../_helpers.ts";

describe("orphans", () => {
  it("knows ownership where the dump shows processes", () => {
    const o = get(facts(lab("close-wait-leak", "ss-tanp.txt")), "orphans").value as Record<string, { count: number; known: number } | null>;
    assert.equal(o.CLOSE_WAIT!.count, 0);
    assert.ok(o.CLOSE_WAIT!.known > 0);
  });
  it("is null where no socket says whether a process owns it, and says why", () => {
    const c = facts([path.join(ROOT, "samples/other/engineio237-netstat-awk-state-histogram.txt")]);
    assert.equal((get(c, "orphans").value as Record<string, unknown>).CLOSE_WAIT, null);
    assert.match(why(c, "orphans", "$.CLOSE_WAIT.count"), /which process owns/);
  });
});
