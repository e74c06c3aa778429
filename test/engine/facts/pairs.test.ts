// The pairs fact: both ends of a connection in one table.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FactContext } from "../../../src/engine/mod.ts";
import { facts, get, lab, snapshotOf } from "../_helpers.ts";

describe("pairs", () => {
  it("finds the CLOSE_WAIT end of each FIN_WAIT_2 of a loopback leak", () => {
    const v = get(facts(lab("close-wait-leak", "ss-tan.txt")), "pairs", { state: "FIN_WAIT_2", peer: "CLOSE_WAIT" }).value as { total: number; paired: number; share: number };
    assert.deepEqual([v.total, v.paired, v.share], [300, 300, 1]);
  });
  it("tells the TCP_DEFER_ACCEPT signature (client ESTABLISHED, nothing sent) from lost ACKs (client data unacknowledged)", () => {
    const defer = get(facts(lab("defer-accept", "ss-tan.txt")), "pairs", { state: "SYN_RECV", peer: "ESTABLISHED" }).value as { paired: number; peerIdleShare: number };
    assert.deepEqual([defer.paired, defer.peerIdleShare], [80, 1]);
    const stuck = get(facts(lab("syn-recv-stuck-one-client", "ss-tan.txt")), "pairs", { state: "SYN_RECV", peer: "ESTABLISHED" }).value as { paired: number; peerSendingShare: number };
    assert.deepEqual([stuck.paired, stuck.peerSendingShare], [40, 1]);
  });
  it("sees a zero-window stall from both ends: Send-Q here, unread Recv-Q there", () => {
    const v = get(facts(lab("zero-window-stall", "ss-tan.txt")), "pairs", { state: "ESTABLISHED", peer: "ESTABLISHED", queue: "send" }).value as { total: number; peerUnread: number };
    assert.ok(v.total >= 50 && v.peerUnread >= 50, JSON.stringify(v));
  });
  it("is 0 paired when the other ends are elsewhere", () => {
    const c = new FactContext(snapshotOf({ rows: ["FIN_WAIT_2 10.0.0.1:80 10.0.0.2:40000"] }));
    assert.deepEqual((get(c, "pairs", { state: "FIN_WAIT_2", peer: "CLOSE_WAIT" }).value as { paired: number }).paired, 0);
  });
});
