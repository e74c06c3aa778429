/** `ephemeral`: ephemeral-port use per (source ip, destination ip, destination port). */

import { STATES } from "../../model/states.ts";
import { platformFacts } from "../platforms.ts";
import { CLOSE_WAIT, CONNECTED, GROUP_LABELS, round4, stateMask, TIME_WAIT, topSlots, withoutFirst } from "./_scan.ts";
import type { Fact } from "./fact.ts";
import { stepsText } from "./fact.ts";

const WORDS: Readonly<Record<string, string>> = {
  "top.share": "share of the ephemeral port range used toward the busiest destination",
  "top.count": "sockets toward the busiest destination from one source address",
  "top.timeWaitShare": "TIME_WAIT share of the sockets toward the busiest destination",
  "top.timeWait": "TIME_WAIT sockets toward the busiest destination",
  "range.size": "size of the ephemeral port range",
};

/** The states whose sockets hold an ephemeral port. */
const COUNTED = stateMask([...CONNECTED]);

/** "440 CLOSE_WAIT, 40 TIME_WAIT and 20 ESTABLISHED": the states holding ports (`seen` by state id), most first. */
function statesWords(seen: Float64Array): string {
  const parts: string[] = [], counts: number[] = [];
  STATES.forEach((name, id) => {
    if (seen[id + 1] > 0) parts.push(name), counts.push(seen[id + 1]);
  });
  // sort is stable: a tie keeps the states' order
  const order = parts.map((_, k) => k).sort((a, b) => counts[b] - counts[a]).map((k) => `${counts[k]} ${parts[k]}`);
  return order.length <= 1 ? order.join("") : `${order.slice(0, -1).join(", ")} and ${order[order.length - 1]}`;
}

/** `seen` (by state id) as an object of the states present, in the states' order. */
function statesObject(seen: Float64Array): Record<string, number> {
  const by: Record<string, number> = {};
  STATES.forEach((name, id) => {
    if (seen[id + 1] > 0) by[name] = seen[id + 1];
  });
  return by;
}

/**
 * Counts the client sockets (`rows`, their groups in `group`) whose local
 * port is in [low, high] by group: `counts`, TIME_WAIT ones in `extra`,
 * each group's first row in `first`, the positions in `rows` of those
 * counted in `list`; returns how many. Its own function: a watch runs this
 * loop once a tick, and V8 keeps a small loop's code where it would
 * compile a whole fact again.
 */
function countInRange(rows: Int32Array, group: Int32Array, lport: Int32Array, st: Uint8Array, low: number, high: number, ex: Uint8Array | null, list: Int32Array, counts: Int32Array, extra: Int32Array, first: Int32Array): number {
  let total = 0;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k], g = group[k], p = lport[i];
    if (p < low || p > high || (ex !== null && ex[i] !== 0)) continue;
    list[total++] = k;
    if (counts[g]++ === 0) first[g] = i;
    if (st[i] === TIME_WAIT) extra[g]++;
  }
  return total;
}

/** The states of the rows counted (positions in `rows`: `list[0, total)`) whose group is `g`. */
function statesOfGroup(rows: Int32Array, group: Int32Array, st: Uint8Array, list: Int32Array, total: number, g: number): Float64Array {
  const seen = new Float64Array(STATES.length + 1);
  for (let k = 0; k < total; k++) if (group[list[k]] === g) seen[st[rows[list[k]]]]++;
  return seen;
}

export const ephemeral: Fact = {
  spec: {
    id: "ephemeral",
    summary: "Ephemeral-port use per (source ip, destination ip, destination port): sockets in any connected state whose local port lies in net.ipv4.ip_local_port_range and holds no listener, against the size of that range.",
    params: [],
    type: "object",
    names: { STATE: STATES },
    paths: [
      { path: "$.range", type: "object", help: "the port range used" },
      { path: "$.range.low", type: "number", help: "its first port" },
      { path: "$.range.high", type: "number", help: "its last port" },
      { path: "$.range.size", type: "number", help: "how many ports it holds" },
      { path: "$.range.source", type: "string", help: "`sysctl` when the inputs carry the range (net.ipv4.ip_local_port_range, net.inet.ip.portrange.*, netsh's dynamic ports); `block` when every port of one block of at least 64 is in use toward one destination (the range is that block; not on Windows, which hands ports out in order); `default` (the platform's default, Linux's 32768-60999 when nothing says) otherwise" },
      { path: "$.range.sourceText", type: "string", help: "where the range comes from, in words (\"from net.ipv4.ip_local_port_range\", \"read from a full block of ports in use\", \"the Linux default\")" },
      { path: "$.total", type: "number", help: "sockets counted" },
      { path: "$.distinct", type: "number", help: "distinct (source, destination) pairs" },
      { path: "$.top", type: "object", help: "the busiest (source, destination)" },
      { path: "$.top.key", type: "string", nullable: true, help: "its key, `source -> destination:port` (null when nothing was counted)" },
      { path: "$.top.count", type: "number", help: "its sockets" },
      { path: "$.top.share", type: "number", unit: "share", help: "its share of the range" },
      { path: "$.top.timeWait", type: "number", help: "how many of those are TIME_WAIT" },
      { path: "$.top.timeWaitShare", type: "number", unit: "share", help: "their share of the group" },
      { path: "$.top.states", type: "object", help: "its sockets by state (every state that holds a local port: ESTABLISHED, CLOSE_WAIT, FIN_WAIT_*, TIME_WAIT, SYN_SENT, ...)" },
      { path: "$.top.states.<STATE>", type: "number", help: "its sockets in that state" },
      { path: "$.top.statesText", type: "string", help: "the states holding its ports in words, most first (\"440 CLOSE_WAIT, 40 TIME_WAIT and 20 ESTABLISHED\")" },
      { path: "$.top.closeWaitShare", type: "number", unit: "share", help: "the CLOSE_WAIT share of the group (connections the peer closed and this host never did)" },
      { path: "$.top.destination", type: "string", nullable: true, help: "the destination alone, `ip:port`" },
      { path: "$.tallied", type: "number", help: "sockets in states that hold a port known only by count (a histogram, `| wc -l`), or TIME_WAIT as ss -s and /proc/net/sockstat count them, whichever is more; none of them has a destination" },
      { path: "$.talliedShare", type: "number", unit: "share", help: "tallied / range.size: above 1, more sockets hold ports than the range has, so some destination shares ports with others or the range is full" },
      { path: "$.groups", type: "list", items: "object", help: "the busiest, busiest first" },
      { path: "$.groups[N].key", type: "string", help: "the N-th busiest's key" },
      { path: "$.groups[N].count", type: "number", help: "its sockets" },
      { path: "$.groups[N].share", type: "number", unit: "share", help: "its share of the range" },
      { path: "$.groups[N].timeWait", type: "number", help: "how many are TIME_WAIT" },
      { path: "$.groups[N].timeWaitShare", type: "number", unit: "share", help: "their share of the group" },
    ],
    unknown: "Never null; when the range is not in the inputs the Linux default is used and `range.source` says `default`.",
    example: "{ fact: ephemeral, path: $.top.share, operator: greaterThanInclusive, value: 0.8 }",
  },
  masked: true,
  pass: () => "ephemeral",
  compute({ scan, mask: ex }) {
    const range = scan.portRange();
    const t = scan.t, st = t.state;
    // the client sockets' groups (hashed once per snapshot), counted for those in the range
    const { rows, group, size } = scan.clientGroups();
    const list = scan.scratchList(), scratch = scan.scratch;
    const counts = scratch.take(size), extra = scratch.take(size), first = scratch.take(size).fill(-1);
    const total = countInRange(rows, group, t.localPort, st, range.low, range.high, ex, list, counts, extra, first);
    let distinct = 0;
    for (let g = 0; g < size; g++) if (counts[g] > 0) distinct++;
    // the five biggest, biggest first; ties: the group first seen among those counted
    const best = topSlots(size, 5, counts, first);
    // the busiest group's sockets by state, for the words
    const seen = best.length ? statesOfGroup(rows, group, st, list, total, best[0]) : new Float64Array(STATES.length + 1);
    const groups = best.map((g) => {
      const i = first[g];
      return {
        key: scan.keyText("source-destination", i),
        count: counts[g],
        share: round4(counts[g] / range.size),
        timeWait: extra[g],
        timeWaitShare: round4(extra[g] / counts[g]),
        first: i,
      };
    });
    scratch.give(counts), scratch.give(extra), scratch.give(first);
    const top = groups[0]
      ? {
        ...withoutFirst(groups[0]),
        states: statesObject(seen),
        statesText: statesWords(seen),
        closeWaitShare: round4(seen[CLOSE_WAIT] / groups[0].count),
        destination: scan.keyText("destination", groups[0].first),
      }
      : { key: null, count: 0, share: 0, timeWait: 0, timeWaitShare: 0, states: {}, statesText: "", closeWaitShare: 0, destination: null };
    // counts without rows: the port-holding states' tallies, or TIME_WAIT as ss -s / sockstat count it
    let tallied = 0;
    for (let id = 0; id < COUNTED.length; id++) if (COUNTED[id]) tallied += scan.snap.tallies[id] ?? 0;
    const tw = Math.max(scan.snap.counters.get("ss.tcp.timewait")?.value ?? 0, scan.snap.counters.get("sockstat.tcp.tw")?.value ?? 0);
    tallied = Math.max(tallied, tw);
    const p = scan.platform();
    const sourceText = range.source === "sysctl" ? `from ${p.family === "windows" ? "netsh's dynamic port range" : p.family === "bsd" || p.name === "macos" || p.name === "freebsd" ? "net.inet.ip.portrange" : "net.ipv4.ip_local_port_range"}`
      : range.source === "block" ? "the range read from a full block of ports in use toward one destination"
      : `the ${p.name ? platformFacts(p.name).name : "Linux"} default`;
    return { value: { range: { ...range, sourceText }, total, distinct, top, tallied, talliedShare: round4(tallied / range.size), groups } };
  },
  words(_p, steps) {
    const tail = stepsText(steps);
    return Object.hasOwn(WORDS, tail) ? WORDS[tail] : `ephemeral.${tail}`;
  },
  groups: () => ({ by: "source-destination", label: GROUP_LABELS["source-destination"] }),
};
