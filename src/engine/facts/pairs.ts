/**
 * `pairs`: connections whose two ends are both in the table (the client
 * and the server on one host, loopback or not): sockets in one state whose
 * other end is in another, and what that other end holds in its queues.
 */

import { NONE } from "../../model/socket_table.ts";
import { PeerIndex, round4, stateList, stateMask, type TableScan } from "./_scan.ts";
import type { Fact, FactValue, Params } from "./fact.ts";
import { stepsText } from "./fact.ts";

interface PairValue {
  total: number;
  paired: number;
  share: number;
  peerSending: number;
  peerIdle: number;
  peerUnread: number;
  peerSendingShare: number;
  peerIdleShare: number;
  peerUnreadShare: number;
  top: { key: string; count: number } | null;
}

const WORDS: Readonly<Record<string, string>> = {
  total: "sockets of the state asked",
  paired: "of them, those whose other end is in the table",
  share: "share of them whose other end is in the table",
  peerSending: "of the paired, those whose other end has unacknowledged data (Send-Q > 0)",
  peerIdle: "of the paired, those whose other end has nothing in Send-Q",
  peerUnread: "of the paired, those whose other end has unread data (Recv-Q > 0)",
  peerSendingShare: "share of the paired whose other end has data in Send-Q",
  peerIdleShare: "share of the paired whose other end has an empty Send-Q",
  peerUnreadShare: "share of the paired whose other end has unread data in Recv-Q",
};

function compute(scan: TableScan, p: Params, mask: Uint8Array | null): FactValue {
  const t = scan.t;
  const mine = scan.select(stateMask(p.state), mask, p.queue === "send" ? t.sendQ : p.queue === "recv" ? t.recvQ : undefined, undefined, undefined);
  const total = mine.to - mine.from;
  if (total === 0) {
    return { value: { total: 0, paired: 0, share: 0, peerSending: 0, peerIdle: 0, peerUnread: 0, peerSendingShare: 0, peerIdleShare: 0, peerUnreadShare: 0, top: null } };
  }
  // copy: select() hands back a shared scratch buffer the next select reuses
  const list = mine.list.slice(mine.from, mine.to);
  const peers = scan.select(stateMask(p.peer), null, undefined, undefined, undefined);
  let paired = 0, sending = 0, idle = 0, unread = 0, first = -1;
  /** Counts n sockets of `state` whose other end is socket j. */
  const tally = (j: number, n: number) => {
    paired += n;
    if (t.sendQ[j] > 0) sending += n;
    else if (t.sendQ[j] === 0) idle += n;
    if (t.recvQ[j] > 0) unread += n;
  };
  // A socket's other end is in the table only if its remote address is a
  // local address of the other side: a pool-id lookup rules out the rest
  // (a server's clients) before any hashing.
  const mineLocal = new Uint8Array(t.strings.size);
  for (let k = 0; k < list.length; k++) mineLocal[t.localAddr[list[k]]] = 1;
  if (peers.to - peers.from <= list.length) {
    const kept = new Int32Array(peers.to - peers.from);
    let n = 0;
    for (let k = peers.from; k < peers.to; k++) if (mineLocal[t.remoteAddr[peers.list[k]]] === 1) kept[n++] = peers.list[k];
    const index = new PeerIndex(t, kept, 0, n, scan.scratch);
    for (let k = 0; k < list.length; k++) {
      const i = list[k], j = index.peerOf(t, i);
      if (j === -1) continue;
      if (first === -1) first = i;
      tally(j, 1);
    }
    index.release();
  } else {
    // Fewer sockets of `state` than peers (a few SYN_RECV among a million
    // ESTABLISHED): index those, and let each peer look up its other end.
    // The same figures: each tuple's first peer in table order, as above.
    const index = new PeerIndex(t, list, 0, list.length, scan.scratch);
    const seen = new Uint8Array(index.size);
    let firstId = index.size;
    for (let k = peers.from; k < peers.to; k++) {
      const j = peers.list[k];
      if (mineLocal[t.remoteAddr[j]] === 0) continue;
      const id = index.peerId(t, j);
      if (id === -1 || seen[id] === 1) continue;
      seen[id] = 1;
      if (id < firstId) firstId = id;
      tally(j, index.count(id));
    }
    if (firstId < index.size) first = index.socket(firstId);
    index.release();
  }
  const of = (n: number) => (paired ? round4(n / paired) : 0);
  const value: PairValue = {
    total,
    paired,
    share: round4(paired / total),
    peerSending: sending,
    peerIdle: idle,
    peerUnread: unread,
    peerSendingShare: of(sending),
    peerIdleShare: of(idle),
    peerUnreadShare: of(unread),
    top: first === -1 ? null : { key: scan.keyText("local-endpoint", first), count: paired },
  };
  const noQueues = paired > 0 && sending + idle === 0 && t.sendQ[list[0]] === NONE;
  return { value, why: noQueues ? "those sockets carry no Recv-Q/Send-Q figures" : undefined };
}

export const pairs: Fact = {
  spec: {
    id: "pairs",
    summary: "Connections with both ends in the table (client and server on one host): of the sockets in `state`, those whose other end (the socket with the same 4-tuple reversed) is in a `peer` state, and what that other end holds in its queues. Both ends of a loopback connection, or a client and a server of one host, show up this way.",
    params: [
      { name: "state", type: "states", required: true, help: "the state (or states) of the sockets to look at" },
      { name: "peer", type: "states", required: true, help: "the state (or states) their other end must be in" },
      { name: "queue", type: "string", choices: ["recv", "send"], help: "keep only sockets of `state` with data in Recv-Q (recv) or Send-Q (send)" },
    ],
    type: "object",
    paths: [
      { path: "$.total", type: "number", help: "sockets in `state` (after `queue`)" },
      { path: "$.paired", type: "number", help: "of them, those whose other end is in the table in a `peer` state" },
      { path: "$.share", type: "number", unit: "share", help: "paired / total, 0..1" },
      { path: "$.peerSending", type: "number", help: "paired ones whose other end has data in Send-Q" },
      { path: "$.peerIdle", type: "number", help: "paired ones whose other end has an empty Send-Q" },
      { path: "$.peerUnread", type: "number", help: "paired ones whose other end has unread data in Recv-Q" },
      { path: "$.peerSendingShare", type: "number", unit: "share", help: "peerSending / paired" },
      { path: "$.peerIdleShare", type: "number", unit: "share", help: "peerIdle / paired" },
      { path: "$.peerUnreadShare", type: "number", unit: "share", help: "peerUnread / paired" },
      { path: "$.top", type: "object", nullable: true, help: "the first paired socket (null when none)" },
      { path: "$.top.key", type: "string", help: "its local endpoint" },
      { path: "$.top.count", type: "number", help: "how many are paired" },
    ],
    unknown: "Never null: a table with no such pair gives paired 0. The peer's queue figures read 0 when the dump carries no queues.",
    example: "{ fact: pairs, params: { state: FIN_WAIT_2, peer: CLOSE_WAIT }, path: $.share, operator: greaterThanInclusive, value: 0.5 }",
  },
  masked: true,
  pass: (p) => `pairs|${(stateList(p.state) ?? []).join("+")}|${(stateList(p.peer) ?? []).join("+")}|${String(p.queue ?? "")}`,
  compute: ({ scan, params, mask }) => compute(scan, params, mask),
  words(p, steps) {
    const tail = stepsText(steps);
    const what = `${(stateList(p.state) ?? []).join("+")} sockets whose other end is ${(stateList(p.peer) ?? []).join("+")}`;
    return `${Object.hasOwn(WORDS, tail) ? WORDS[tail] : tail} (${what})`;
  },
};
