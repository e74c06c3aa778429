// The pairs fact: both ends of a connection in one table.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FactContext } from "../../../src/engine/mod.ts";
import { readInputs } from "../../../src/sources/mod.ts";
import { facts, get, lab, snapshotOf } from "../_helpers.ts";

/** The pairs figures by brute force: each socket's other end looked up by its 4-tuple as text, the first in table order. */
function reference(files: string[], state: string[], peer: string[], queue?: "send" | "recv") {
  const snap = readInputs(files), t = snap.sockets, first = new Map<string, number>();
  const sock = (i: number) => t.get(i);
  for (let i = 0; i < t.length; i++) {
    const s = sock(i);
    const k = `${s.localAddress}|${s.localPort}|${s.remoteAddress}|${s.remotePort}`;
    if (peer.includes(s.state ?? "") && !first.has(k)) first.set(k, i);
  }
  let paired = 0, sending = 0, idle = 0, unread = 0;
  for (let i = 0; i < t.length; i++) {
    const s = sock(i);
    if (!state.includes(s.state ?? "")) continue;
    if (queue === "send" && !((s.sendQ ?? 0) > 0) || queue === "recv" && !((s.recvQ ?? 0) > 0)) continue;
    const j = first.get(`${s.remoteAddress}|${s.remotePort}|${s.localAddress}|${s.localPort}`);
    if (j === undefined) continue;
    const o = sock(j);
    paired++;
    if ((o.sendQ ?? -1) > 0) sending++;
    else if (o.sendQ === 0) idle++;
    if ((o.recvQ ?? 0) > 0) unread++;
  }
  return { paired, peerSending: sending, peerIdle: idle, peerUnread: unread };
}

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
  it("counts the same pairs whichever side is the smaller (the index is built over the fewer sockets)", () => {
    const cases: [string, string[], string[], ("send" | "recv")?][] = [
      ["defer-accept", ["SYN_RECV"], ["ESTABLISHED"]],
      ["syn-recv-stuck-one-client", ["ESTABLISHED"], ["SYN_RECV"]],
      ["close-wait-leak", ["FIN_WAIT_2"], ["CLOSE_WAIT"]],
      ["close-wait-leak", ["CLOSE_WAIT"], ["FIN_WAIT_2", "ESTABLISHED"]],
      ["zero-window-stall", ["ESTABLISHED", "FIN_WAIT_1", "CLOSE_WAIT"], ["ESTABLISHED", "FIN_WAIT_2"], "send"],
      ["recv-queue-backlog", ["ESTABLISHED"], ["ESTABLISHED", "FIN_WAIT_1"], "recv"],
    ];
    for (const [scenario, state, peer, queue] of cases) {
      const files = lab(scenario, "ss-tan.txt");
      const v = get(facts(files), "pairs", { state, peer, queue }).value as Record<string, number>;
      const want = reference(files, state, peer, queue);
      assert.deepEqual({ paired: v.paired, peerSending: v.peerSending, peerIdle: v.peerIdle, peerUnread: v.peerUnread }, want, `${scenario} ${state} -> ${peer}`);
      assert.ok(want.paired > 0 || scenario === "syn-recv-stuck-one-client", `${scenario}: the case pairs nothing, so it tests nothing`);
    }
  });
  it("is 0 paired when the other ends are elsewhere", () => {
    const c = new FactContext(snapshotOf({ rows: ["FIN_WAIT_2 10.0.0.1:80 10.0.0.2:40000"] }));
    assert.deepEqual((get(c, "pairs", { state: "FIN_WAIT_2", peer: "CLOSE_WAIT" }).value as { paired: number }).paired, 0);
  });
});
