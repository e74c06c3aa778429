/**
 * `group`: sockets in the given states grouped by a key, biggest groups
 * first. One pass over the matching sockets per (states, key, filters,
 * exceptions) serves every request that differs only in `top`.
 */

import { NONE } from "../../model/socket_table.ts";
import {
  anyKnown,
  GROUP_BY,
  GROUP_LABELS,
  GROUP_WORDS,
  type GroupBy,
  isGroupBy,
  KeyCounter,
  round4,
  stateList,
  TIME_WAIT,
  stateMask,
  type TableScan,
  withoutFirst,
} from "./_scan.ts";
import type { Fact, FactValue, Params } from "./fact.ts";
import { stepsText } from "./fact.ts";

/** One group in a `group` or `ephemeral` value. */
export interface GroupEntry {
  key: string;
  count: number;
  share: number;
  listening?: boolean;
  timeWait?: number;
  timeWaitShare?: number;
  /** Index of the first socket in the group (for examples). */
  first: number;
}

/** The `group` fact's value. */
export interface GroupValue {
  total: number;
  distinct: number;
  tallied: number;
  top: Omit<GroupEntry, "first"> | { key: null; count: 0; share: 0 };
  keys: string[];
  groups: GroupEntry[];
}

/** The params that choose the sockets and the key, canonical: the same text for params that mean the same. */
interface Selection {
  states: string[] | undefined;
  by: string;
  listener: "present" | "absent" | undefined;
  localPort: "ephemeral" | "non-ephemeral" | undefined;
  queue: "recv" | "send" | undefined;
}

function selection(p: Params): Selection {
  const by = String(p.by);
  return {
    states: stateList(p.state ?? p.states),
    // the same key and the same text: one pass
    by: by === "destination" ? "remote-endpoint" : by,
    listener: p.listener as Selection["listener"],
    localPort: p.local_port as Selection["localPort"],
    queue: p.queue as Selection["queue"],
  };
}

function selectionKey(s: Selection): string {
  return `${s.states ? s.states.join("+") : "*"}|${s.by}|${s.listener ?? ""}|${s.localPort ?? ""}|${s.queue ?? ""}`;
}

function topOf(p: Params): number {
  return Math.max(1, Math.min(MAX_TOP, Number(p.top ?? 5) || 5));
}

/** Why "no listener" cannot be told. */
export const NO_FULL_TABLE = "the inputs hold no full socket table (an excerpt or counts only): a listener they do not show may exist";

/** Most groups a request may ask for (`top`). */
const MAX_TOP = 50;

/**
 * What one pass over the selected sockets found: the counts, and the
 * biggest MAX_TOP groups (count, TIME_WAIT count, first socket), biggest
 * first; every request with these params but another `top` reads a
 * prefix. The counter itself is not kept: it can hold a key per socket.
 */
type Pass = { why: string } | { total: number; tallied: number; distinct: number; counts: Int32Array; extra: Int32Array; first: Int32Array };

function countGroups(scan: TableScan, s: Selection, mask: Uint8Array | null): Pass {
  const by = s.by as GroupBy;
  // a port without a listener in an excerpt may have one the excerpt does not show
  if (s.listener === "absent" && !scan.coverage().listenersComplete) return { why: NO_FULL_TABLE };
  const wanted = stateMask(s.states);
  const t = scan.t, st = t.state;
  const q = s.queue === undefined ? undefined : s.queue === "recv" ? t.recvQ : t.sendQ;
  const { list, from, to } = scan.select(wanted, mask, q, s.listener, s.localPort);
  const total = to - from;
  if (total > 0 && !isGroupBy(by)) return { why: `group: unknown "by" ${by}` };
  // service: a server's side by its port (direct), a client's by the remote endpoint (hashed)
  const dense = by === "local-port" || by === "remote-port" || by === "service" ? 65537
    : by === "local-address" || by === "remote-host" ? t.strings.size + 1
    : 0;
  // hashed keys: room for one group per socket up front (up to 2^16; a grown table is copied at each
  // doubling); the arrays go back to the scan's scratch for the next pass (see Scratch)
  const kc = new KeyCounter(dense, dense && by !== "service" ? 0 : Math.min(total, 1 << 16), scan.scratch);
  try {
    let withProcess = 0;
    switch (by) {
      case "local-port": kc.countByPort(list, from, to, t.localPort, st); break;
      case "remote-port": kc.countByPort(list, from, to, t.remotePort, st); break;
      case "local-address": kc.countByString(list, from, to, t.localAddr, st); break;
      case "remote-host": kc.countByString(list, from, to, t.remoteAddr, st); break;
      case "remote-subnet": kc.countByMapped(list, from, to, t.remoteAddr, scan.subnetsOf(list, from, to), st); break;
      case "local-endpoint": kc.countByTuple(list, from, to, t.localAddr, t.localPort, t.localAddr, st); break;
      case "remote-endpoint":
      case "destination": kc.countByTuple(list, from, to, t.remoteAddr, t.remotePort, t.remoteAddr, st); break;
      // no pass when no row names one: every socket would count under "none"
      case "process": withProcess = scan.namesAnyProcess() ? kc.countByProcess(list, from, to, t.pidColumn(), t.program, st) : 0; break;
      case "service":
        for (let k = from; k < to; k++) {
          const i = list[k];
          if (scan.serverSide(i)) kc.add(t.localPort[i], i, st[i] === TIME_WAIT ? 1 : 0);
          else kc.addTuple(t.remoteAddr[i], t.remotePort[i], -3, i, st[i] === TIME_WAIT ? 1 : 0);
        }
        break;
      case "source-destination": kc.countByTuple(list, from, to, t.remoteAddr, t.remotePort, t.localAddr, st); break;
    }
    let tallied = 0;
    for (let id = 0; id < wanted.length; id++) if (wanted[id]) tallied += scan.snap.tallies[id] ?? 0;
    if (total === 0 && tallied > 0) return { why: "those sockets are known only by count (a state histogram), not one by one" };
    if (q && total === 0) {
      // nothing kept: unknown when the sockets the other filters keep carry no such figure
      const r = scan.select(wanted, mask, undefined, s.listener, s.localPort);
      if (r.to > r.from && !anyKnown(r.list, r.from, r.to, q)) return { why: "those sockets carry no Recv-Q/Send-Q figures" };
    }
    if (by === "process" && total > 0 && withProcess === 0) return { why: scan.noProcessWhy() };
    // sockets that name no process are counted in the total but are no group of their own
    const named = (x: number) => by !== "process" || t.pidPlusOne[kc.first[x]] !== 0 || t.program[kc.first[x]] !== 0;
    const slots = kc.top(MAX_TOP + 1).filter(named).slice(0, MAX_TOP);
    return {
      total,
      tallied,
      distinct: kc.size,
      counts: Int32Array.from(slots, (x) => kc.counts[x]),
      extra: Int32Array.from(slots, (x) => kc.extra[x]),
      first: Int32Array.from(slots, (x) => kc.first[x]),
    };
  } finally {
    kc.release();
  }
}

function statesText(s: unknown): string {
  if (s === undefined || s === null) return "all";
  return Array.isArray(s) ? s.join("+") : String(s);
}

const HEADS: Readonly<Record<string, string>> = {
  "top.count": "sockets in the biggest group of",
  "top.share": "share of the biggest group among",
  "top.key": "the biggest group of",
  "top.listening": "whether a listener holds the port of the biggest group of",
  distinct: "number of distinct groups of",
  total: "number of",
  tallied: "number of tallied",
};

export const group: Fact = {
  spec: {
    id: "group",
    summary: "Sockets in the given states grouped by a key; the biggest groups first.",
    params: [
      { name: "state", alias: "states", type: "states", help: "a state name or a list of them (`states` is accepted too); all states when absent" },
      { name: "by", type: "string", choices: GROUP_BY, required: true, help: "the key: service (the server's local port for server-side sockets, the remote endpoint for client-side ones: what the connection is to), local-port, local-address, local-endpoint, remote-port, remote-host, remote-subnet (IPv4 /24, IPv6 /64), remote-endpoint, destination (remote ip and port; same as remote-endpoint), process (pid or program), source-destination (local ip, remote ip, remote port)" },
      { name: "listener", type: "string", choices: ["present", "absent"], help: "keep only sockets whose local port has (present) or has no (absent) LISTEN socket" },
      { name: "local_port", type: "string", choices: ["ephemeral", "non-ephemeral"], help: "keep only sockets whose local port lies inside (ephemeral) or outside (non-ephemeral) the ephemeral port range (see `ephemeral`): busy clients reuse each ephemeral port toward many destinations, servers listen outside the range" },
      { name: "queue", type: "string", choices: ["recv", "send"], help: "keep only sockets with data waiting in Recv-Q (recv: not read by the application yet) or in Send-Q (send: not acknowledged by the peer yet)" },
      { name: "top", type: "number", help: "how many groups to return (default 5, at most 50)" },
    ],
    type: "object",
    paths: [
      { path: "$.total", type: "number", help: "sockets matched (table rows only)" },
      { path: "$.distinct", type: "number", help: "number of distinct keys" },
      { path: "$.tallied", type: "number", help: "sockets in these states known only by count (not groupable)" },
      { path: "$.top", type: "object", help: "the biggest group" },
      { path: "$.top.key", type: "string", nullable: true, help: "the biggest group's key as text (e.g. `8080`, `10.0.0.5:5432`); null when nothing matched" },
      { path: "$.top.count", type: "number", help: "sockets in the biggest group (0 when nothing matched)" },
      { path: "$.top.share", type: "number", unit: "share", help: "top.count / total, 0..1 (0 when nothing matched)" },
      { path: "$.top.listening", type: "boolean", nullable: true, help: "for local-port and local-endpoint: whether a LISTEN socket holds that port" },
      { path: "$.top.timeWait", type: "number", nullable: true, help: "how many of its sockets are TIME_WAIT (absent when none)" },
      { path: "$.keys", type: "list", items: "string", help: "the keys of the biggest 50 groups, as text (compare with `symptoms`' `ports.<KIND>` using someFact:in)" },
      { path: "$.groups", type: "list", items: "object", help: "the biggest groups, biggest first" },
      { path: "$.groups[N].key", type: "string", help: "the N-th biggest group's key" },
      { path: "$.groups[N].count", type: "number", help: "its sockets" },
      { path: "$.groups[N].share", type: "number", unit: "share", help: "its share of total" },
      { path: "$.groups[N].listening", type: "boolean", nullable: true, help: "as top.listening" },
      { path: "$.groups[N].timeWait", type: "number", nullable: true, help: "as top.timeWait" },
    ],
    unknown: "null when the matched sockets are known only by count (a state histogram), or, for `by: process`, when no matched socket has a pid or program (dump taken without -p), or, with `queue`, when none of them carries Recv-Q/Send-Q figures (Windows netstat, lsof).",
    example: "{ fact: group, params: { state: CLOSE_WAIT, by: local-port }, path: $.top.share, operator: greaterThanInclusive, value: 0.5 }",
  },
  masked: true,
  key: (p) => `${selectionKey(selection(p))}|${topOf(p)}`,
  pass: (p) => `group|${selectionKey(selection(p))}`,
  compute({ scan, params, mask, shared }): FactValue {
    const s = selection(params);
    const pass = shared(`group|${selectionKey(s)}`, () => countGroups(scan, s, mask));
    if ("why" in pass) return { value: null, why: pass.why };
    const { total, tallied, distinct, counts, extra, first } = pass;
    const by = s.by as GroupBy, t = scan.t;
    const lp = by === "local-port" || by === "local-endpoint" ? scan.listenPorts() : undefined;
    const groups: GroupEntry[] = [];
    for (let k = 0; k < Math.min(topOf(params), counts.length); k++) {
      const i = first[k];
      const g: GroupEntry = { key: scan.keyText(by, i), count: counts[k], share: round4(counts[k] / total), first: i };
      if (lp) g.listening = lp[t.localPort[i] + 1] === 1 && t.localPort[i] !== NONE;
      if (extra[k]) g.timeWait = extra[k];
      groups.push(g);
    }
    const top = groups[0] ? withoutFirst(groups[0]) : { key: null, count: 0 as const, share: 0 as const };
    const keys: string[] = [];
    for (let k = 0; k < counts.length; k++) keys.push(scan.keyText(by, first[k]));
    const value: GroupValue = { total, distinct, tallied, top, keys, groups };
    return { value };
  },
  words(p, steps) {
    const tail = stepsText(steps);
    const by = isGroupBy(p.by) ? GROUP_WORDS[p.by] : String(p.by);
    const what = `${statesText(p.state ?? p.states)} sockets by ${by}${p.listener ? ` (ports ${p.listener === "absent" ? "without" : "with"} a listener)` : ""}`;
    return `${Object.hasOwn(HEADS, tail) ? HEADS[tail] : `${tail} of`} ${what}`;
  },
  groups: (p) => ({ by: p.by as GroupBy, label: isGroupBy(p.by) ? GROUP_LABELS[p.by] : String(p.by) }),
};

