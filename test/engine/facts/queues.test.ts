// The queues fact: unread and unacknowledged data per state.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { facts, get, lab, ROOT, why } from "../_helpers.ts";

describe("queues", () => {
  it("counts the CLOSE_WAIT sockets with unread data", () => {
    const q = get(facts(lab("close-wait-leak", "ss-tan.txt")), "queues").value as Record<string, { recvQ: number; total: number } | null>;
    assert.ok(q.CLOSE_WAIT!.recvQ > 0 && q.CLOSE_WAIT!.recvQ <= q.CLOSE_WAIT!.total);
    assert.equal(Object.hasOwn(q, "LISTEN"), false, "LISTEN queues mean something else");
  });
  it("a state nobody is in counts zero", () => {
    const q = get(facts(lab("healthy", "ss-tan.txt")), "queues").value as Record<string, { recvQ: number } | null>;
    assert.equal(q.CLOSE_WAIT!.recvQ, 0);
  });
  it("is null for a state known only by count, and says why", () => {
    const c = facts([path.join(ROOT, "samples/other/engineio237-netstat-awk-state-histogram.txt")]);
    assert.equal((get(c, "queues").value as Record<string, unknown>).CLOSE_WAIT, null);
    assert.match(why(c, "queues", "$.CLOSE_WAIT.recvQ"), /no Recv-Q\/Send-Q/);
  });
});
