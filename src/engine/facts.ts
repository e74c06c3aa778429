/**
 * Facts: what the rules can ask about a snapshot. Each fact is computed
 * lazily, at most once per evaluation and per (params, exceptions), over the
 * socket table's columns without allocating per socket. A fact the inputs
 * cannot supply is `null` (unknown), never 0.
 */

import type { Snapshot } from "../model/snapshot.ts";
import { NONE, type SocketTable } from "../model/socket_table.ts";
import { STATES, type StateName, stateId, stateName } from "../model/states.ts";

const LISTEN = stateId("LISTEN");
const TIME_WAIT = stateId("TIME_WAIT");

// ---------------------------------------------------------------- the fact table

/** One parameter a fact takes. */
export interface FactParamSpec {
  name: string;
  /** Allowed values, when the parameter is an enumeration. */
  choices?: readonly string[];
  /** "state" for one state name, "states" for a state name or a list of them. */
  type: "string" | "number" | "state" | "states";
  required?: boolean;
  help: string;
}

/** What rule authors need to know about one fact. */
export interface FactSpec {
  id: string;
  summary: string;
  params: readonly FactParamSpec[];
  /** The shape of the value, as paths a condition can use. */
  paths: readonly { path: string; help: string }[];
  /** When the value (or part of it) is unknown. */
  unknown: string;
  example: string;
}

/** Keys `group` can group sockets by. */
export const GROUP_BY = [
  "local-port",
  "local-address",
  "local-endpoint",
  "remote-port",
  "remote-host",
  "remote-subnet",
  "remote-endpoint",
  "destination",
  "process",
  "source-destination",
] as const;
export type GroupBy = typeof GROUP_BY[number];

/** How each grouping is named in evidence. */
export const GROUP_LABELS: Record<GroupBy, string> = {
  "local-port": "local port",
  "local-address": "local address",
  "local-endpoint": "local endpoint",
  "remote-port": "remote port",
  "remote-host": "remote host",
  "remote-subnet": "remote subnet",
  "remote-endpoint": "remote endpoint",
  destination: "destination",
  process: "process",
  "source-destination": "source -> destination",
};

const STATE_KEYS = [...STATES, "UNKNOWN", "TOTAL"];

/** Every fact, documented: docs/facts.md is generated from this table. */
export const FACTS: readonly FactSpec[] = [
  {
    id: "states",
    summary: "Socket counts by canonical state, socket rows and histogram tallies together.",
    params: [],
    paths: [
      { path: "$.<STATE>", help: `count in that state; STATE is one of ${STATES.join(", ")}` },
      { path: "$.UNKNOWN", help: "sockets whose state the dump does not say" },
      { path: "$.TOTAL", help: "all TCP sockets" },
    ],
    unknown: "Never: a state absent from the inputs counts 0. A dump filtered to one state (`ss state close-wait`, `| grep`) makes the other states read 0.",
    example: "{ fact: states, path: $.CLOSE_WAIT, operator: greaterThanInclusive, value: 50 }",
  },
  {
    id: "sockets",
    summary: "The number of TCP sockets (rows and tallies), after the rule's exceptions.",
    params: [],
    paths: [{ path: "(the value itself)", help: "a number" }],
    unknown: "Never.",
    example: "{ fact: sockets, operator: greaterThan, value: 0 }",
  },
  {
    id: "group",
    summary: "Sockets in the given states grouped by a key; the biggest groups first.",
    params: [
      { name: "state", type: "states", help: "a state name or a list of them (`states` is accepted too); all states when absent" },
      { name: "by", type: "string", choices: GROUP_BY, required: true, help: "the key: local-port, local-address, local-endpoint, remote-port, remote-host, remote-subnet (IPv4 /24, IPv6 /64), remote-endpoint, destination (remote ip and port; same as remote-endpoint), process (pid or program), source-destination (local ip, remote ip, remote port)" },
      { name: "listener", type: "string", choices: ["present", "absent"], help: "keep only sockets whose local port has (present) or has no (absent) LISTEN socket" },
      { name: "local_port", type: "string", choices: ["ephemeral", "non-ephemeral"], help: "keep only sockets whose local port lies inside (ephemeral) or outside (non-ephemeral) the ephemeral port range (see `ephemeral`): busy clients reuse each ephemeral port toward many destinations, servers listen outside the range" },
      { name: "queue", type: "string", choices: ["recv", "send"], help: "keep only sockets with data waiting in Recv-Q (recv: not read by the application yet) or in Send-Q (send: not acknowledged by the peer yet)" },
      { name: "top", type: "number", help: "how many groups to return (default 5, at most 50)" },
    ],
    paths: [
      { path: "$.total", help: "sockets matched (table rows only)" },
      { path: "$.distinct", help: "number of distinct keys" },
      { path: "$.top.key", help: "the biggest group's key as text (e.g. `8080`, `10.0.0.5:5432`)" },
      { path: "$.top.count", help: "sockets in the biggest group (0 when nothing matched)" },
      { path: "$.top.share", help: "top.count / total, 0..1 (0 when nothing matched)" },
      { path: "$.top.listening", help: "for local-port and local-endpoint: whether a LISTEN socket holds that port" },
      { path: "$.groups[N].key / .count / .share", help: "the N-th biggest group" },
      { path: "$.tallied", help: "sockets in these states known only by count (not groupable)" },
    ],
    unknown: "null when the matched sockets are known only by count (a state histogram), or, for `by: process`, when no matched socket has a pid or program (dump taken without -p), or, with `queue`, when none of them carries Recv-Q/Send-Q figures (Windows netstat, lsof).",
    example: "{ fact: group, params: { state: CLOSE_WAIT, by: local-port }, path: $.top.share, operator: greaterThanInclusive, value: 0.5 }",
  },
  {
    id: "listeners",
    summary: "LISTEN sockets and their accept queues (Recv-Q) against their backlog (ss prints the backlog in Send-Q of LISTEN rows; FreeBSD netstat -L as maxqlen).",
    params: [],
    paths: [
      { path: "$.count", help: "LISTEN sockets" },
      { path: "$.withBacklog", help: "LISTEN sockets whose backlog the dump shows" },
      { path: "$.full", help: "LISTEN sockets whose accept queue is at or over the backlog (null when no backlog is known)" },
      { path: "$.maxFill", help: "the largest accept queue / backlog ratio (null when no backlog is known)" },
      { path: "$.maxRecvQ", help: "the largest accept queue (null when no LISTEN row shows one)" },
      { path: "$.top.key / .recvQ / .backlog / .fill", help: "the fullest listener" },
      { path: "$.ports", help: "the listening ports as text, sorted (compare with `symptoms`' `ports.<KIND>` using someFact:notIn)" },
    ],
    unknown: "`full` and `maxFill` are null when no LISTEN row carries a backlog (netstat and /proc/net/tcp do not show it); `maxRecvQ` is null when there are no LISTEN rows with a queue figure.",
    example: "{ fact: listeners, path: $.full, operator: greaterThanInclusive, value: 1 }",
  },
  {
    id: "ephemeral",
    summary: "Ephemeral-port use per (source ip, destination ip, destination port): sockets in any connected state whose local port lies in net.ipv4.ip_local_port_range and holds no listener, against the size of that range.",
    params: [],
    paths: [
      { path: "$.range.low / .high / .size", help: "the port range used" },
      { path: "$.range.source", help: "`sysctl` when the inputs carry net.ipv4.ip_local_port_range, `default` (32768-60999) when not" },
      { path: "$.total", help: "sockets counted" },
      { path: "$.top.key / .count / .share", help: "the busiest (source, destination) and its share of the range" },
      { path: "$.top.timeWait / .timeWaitShare", help: "how many of those are TIME_WAIT, and their share of the group" },
      { path: "$.groups[N]", help: "the N-th busiest" },
    ],
    unknown: "Never null; when the range is not in the inputs the Linux default is used and `range.source` says `default`.",
    example: "{ fact: ephemeral, path: $.top.share, operator: greaterThanInclusive, value: 0.8 }",
  },
  {
    id: "queues",
    summary: "Per state, how many sockets have data waiting in Recv-Q (not read by the application) or Send-Q (not acknowledged by the peer). LISTEN rows are left out (their queues mean something else, see `listeners`).",
    params: [],
    paths: [
      { path: "$.<STATE>.total", help: "sockets in that state with queue figures" },
      { path: "$.<STATE>.recvQ / .sendQ", help: "how many have a nonzero Recv-Q / Send-Q" },
      { path: "$.<STATE>.recvQShare / .sendQShare", help: "the same as a share of total, 0..1" },
      { path: "$.<STATE>.recvQBytes / .sendQBytes", help: "bytes queued in total" },
    ],
    unknown: "A state is null when its sockets carry no queue figures (state histograms, Windows netstat) but the inputs do hold sockets in it; a state nobody is in counts 0.",
    example: "{ fact: queues, path: $.CLOSE_WAIT.recvQ, operator: greaterThanInclusive, value: 10 }",
  },
  {
    id: "orphans",
    summary: "Per state, sockets no process owns any more (closed by the application or left behind by a process that died): inode 0 where the dump shows inodes, no owner where the dump shows owners.",
    params: [],
    paths: [
      { path: "$.<STATE>.count", help: "orphaned sockets in that state" },
      { path: "$.<STATE>.share", help: "count / sockets in that state whose ownership is known" },
      { path: "$.<STATE>.known", help: "sockets in that state whose ownership is known" },
    ],
    unknown: "A state is null when none of its sockets says whether a process owns it (no -p/-e columns).",
    example: "{ fact: orphans, path: $.FIN_WAIT_1.share, operator: greaterThanInclusive, value: 0.5 }",
  },
  {
    id: "counters",
    summary: "Kernel counters by nstat name (TcpExtListenOverflows, TcpExtTCPReqQFullDoCookies, ...) and /proc/net/sockstat figures (sockstat.tcp.orphan, sockstat.tcp.tw, ...). Counters count since boot (or since the namespace was created): a nonzero value may be old.",
    params: [],
    paths: [{ path: "$.<NAME>", help: "the counter's value" }],
    unknown: "Undefined (unknown) when the inputs carry no counter of that family (nstat/netstat -s vs sockstat). When some nstat counters are present, the well-known ones that are absent read 0, because nstat leaves out zero counters.",
    example: "{ fact: counters, path: $.TcpExtListenOverflows, operator: greaterThan, value: 0 }",
  },
  {
    id: "sysctls",
    summary: "Kernel settings by sysctl key (net.ipv4.tcp_tw_reuse, net.core.somaxconn, ...). Numbers for single integers, text otherwise (ranges read like `32768 60999`).",
    params: [],
    paths: [{ path: "$['<KEY>']", help: "the setting; use the bracket form since keys contain dots" }],
    unknown: "Undefined (unknown) when the key is not in the inputs; defaults are never assumed here.",
    example: "{ fact: sysctls, path: \"$['net.ipv4.tcp_tw_reuse']\", operator: equal, value: 0 }",
  },
  {
    id: "symptoms",
    summary: "How many application or kernel log lines named each socket error: EADDRINUSE, EADDRNOTAVAIL, ECONNREFUSED, ETIMEDOUT, ECONNRESET, EMFILE, ENOBUFS, SYN_FLOODING, ORPHANS_EXCEEDED, TW_BUCKET_OVERFLOW.",
    params: [],
    paths: [
      { path: "$.<KIND>", help: "lines seen with that error" },
      { path: "$.ports.<KIND>", help: "the ports those lines name, as text (compare with `group`'s `top.key` using `in`)" },
    ],
    unknown: "Unknown when the inputs hold no log at all (no log or error lines); with a log, an error not seen counts 0.",
    example: "{ fact: symptoms, path: $.EADDRNOTAVAIL, operator: greaterThan, value: 0 }",
  },
  {
    id: "orphan-budget",
    summary: "Orphaned sockets (no process owns them: FIN_WAIT_1, LAST_ACK, CLOSING after close() or after the process died) against net.ipv4.tcp_max_orphans. The kernel resets orphans once their count, doubled or quadrupled for orphans whose peer is silent or sent an ICMP error (tcp_out_of_resources), passes the limit: \"too many orphaned sockets\". Both figures are global to the host, not per namespace or container.",
    params: [],
    paths: [
      { path: "$.orphans", help: "orphaned sockets: /proc/net/sockstat `orphan` (or `ss -s` `orphaned`)" },
      { path: "$.max", help: "net.ipv4.tcp_max_orphans (null when not in the inputs)" },
      { path: "$.share", help: "orphans / max, 0..1 and above (null when max is unknown)" },
    ],
    unknown: "null when the inputs carry neither /proc/net/sockstat nor ss -s; `max` and `share` are null when net.ipv4.tcp_max_orphans is not in the inputs (it is not visible inside a network namespace: read it on the host).",
    example: "{ fact: orphan-budget, path: $.share, operator: greaterThanInclusive, value: 0.25 }",
  },
  {
    id: "unexpected-listeners",
    summary: "LISTEN sockets on ports outside an allow-list the user gives: the ports in `params.allow` plus those in the answer to the question named by `params.answer` (text like `22,80,443,8000-8100`). Grouped by local endpoint.",
    params: [
      { name: "allow", type: "string", help: "allowed ports and ranges, comma or space separated (e.g. \"22, 443, 8000-8100\"); set it in a copy of the rule in your rules directory" },
      { name: "answer", type: "string", help: "id of a question whose answer lists more allowed ports (the built-in rule asks `allowed-listen-ports`)" },
    ],
    paths: [
      { path: "$.allowed", help: "the allow-list used, as text" },
      { path: "$.listeners", help: "LISTEN sockets in the inputs" },
      { path: "$.count", help: "LISTEN sockets on ports outside the allow-list" },
      { path: "$.distinct", help: "distinct local endpoints among them" },
      { path: "$.ports", help: "their ports, sorted, as one text (\"8081, 8443\")" },
      { path: "$.top.key / .count", help: "the first such endpoint" },
      { path: "$.groups[N].key / .count", help: "the N-th such endpoint" },
    ],
    unknown: "null when no allow-list is given (no `allow` param and no answer): without one every listener would look unexpected.",
    example: "{ fact: unexpected-listeners, params: { answer: allowed-listen-ports }, path: $.count, operator: greaterThan, value: 0 }",
  },
  {
    id: "answers",
    summary: "The user's answers to the rules' questions, by question id: yes-no answers are true/false, number answers numbers, others text.",
    params: [],
    paths: [{ path: "$.<QUESTION-ID>", help: "the answer" }],
    unknown: "Undefined (unknown) until the question is answered (`--answer ID=VALUE` or the interactive session).",
    example: "{ fact: answers, path: $.server-restarted, operator: equal, value: true }",
  },
  {
    id: "inputs",
    summary: "What kinds of data the inputs carried, to let a rule tell 'absent' from 'not collected'.",
    params: [],
    paths: [
      { path: "$.processes", help: "some socket rows name their process (-p)" },
      { path: "$.queues", help: "some socket rows carry Recv-Q/Send-Q" },
      { path: "$.backlog", help: "some LISTEN rows carry their backlog" },
      { path: "$.counters / .sysctls / .logs", help: "kernel counters, settings, log lines were given" },
      { path: "$.tallies", help: "some sockets are known only by count (state histograms)" },
      { path: "$.live", help: "read from this machine rather than from dumps" },
    ],
    unknown: "Never.",
    example: "{ fact: inputs, path: $.processes, operator: equal, value: true }",
  },
];

/** Fact ids, for validation. */
export const FACT_IDS: ReadonlySet<string> = new Set(FACTS.map((f) => f.id));

/** Counters that read 0 when absent from a dump that has other nstat counters (nstat omits zeros). */
export const WELL_KNOWN_COUNTERS = [
  "TcpExtListenOverflows",
  "TcpExtListenDrops",
  "TcpExtTCPReqQFullDoCookies",
  "TcpExtTCPReqQFullDrop",
  "TcpExtSyncookiesSent",
  "TcpExtSyncookiesRecv",
  "TcpExtSyncookiesFailed",
  "TcpExtTCPTimeWaitOverflow",
  "TcpExtTCPAbortOnMemory",
  "TcpExtTCPAbortOnTimeout",
  "TcpExtTCPAbortOnClose",
  "TcpExtTCPAbortOnData",
  "TcpExtTW",
  "TcpExtTWRecycled",
  "TcpExtTWKilled",
  "TcpExtTCPBacklogDrop",
  "TcpAttemptFails",
  "TcpEstabResets",
  "TcpRetransSegs",
  "TcpOutRsts",
  "TcpInErrs",
  "TcpActiveOpens",
  "TcpPassiveOpens",
] as const;

/** The Linux default ephemeral port range (net.ipv4.ip_local_port_range). */
export const DEFAULT_PORT_RANGE = { low: 32768, high: 60999 } as const;

// ---------------------------------------------------------------- exceptions

/** Sockets a rule ignores: every field given must match (ports: either end; addresses: either end). */
export interface RuleException {
  name?: string;
  ports?: number[];
  local_ports?: number[];
  remote_ports?: number[];
  addresses?: string[];
  local_addresses?: string[];
  remote_addresses?: string[];
  processes?: string[];
}

/** Field names an exception may carry. */
export const EXCEPTION_FIELDS = [
  "name", "ports", "local_ports", "remote_ports", "addresses", "local_addresses", "remote_addresses", "processes",
] as const;

function ipv4ToInt(s: string): number | undefined {
  const p = s.split(".");
  if (p.length !== 4) return undefined;
  let n = 0;
  for (const x of p) {
    if (!/^\d{1,3}$/.test(x)) return undefined;
    const v = Number(x);
    if (v > 255) return undefined;
    n = n * 256 + v;
  }
  return n;
}

/** Returns a matcher for an address pattern: exact text, or IPv4 CIDR like 10.0.0.0/8. */
function addressMatcher(pattern: string): (addr: string) => boolean {
  const slash = pattern.indexOf("/");
  if (slash > 0) {
    const base = ipv4ToInt(pattern.slice(0, slash));
    const bits = Number(pattern.slice(slash + 1));
    if (base !== undefined && Number.isInteger(bits) && bits >= 0 && bits <= 32) {
      const size = 2 ** (32 - bits);
      const lo = Math.floor(base / size) * size;
      return (a) => {
        const v = ipv4ToInt(a.startsWith("::ffff:") ? a.slice(7) : a);
        return v !== undefined && v >= lo && v < lo + size;
      };
    }
  }
  const p = pattern.toLowerCase();
  return (a) => {
    const x = a.toLowerCase();
    return x === p || (x.startsWith("::ffff:") && x.slice(7) === p);
  };
}

/** A stable text key for a list of exceptions ("" for none). */
export function exceptionsKey(ex: readonly RuleException[] | undefined): string {
  return ex && ex.length ? JSON.stringify(ex) : "";
}

// ---------------------------------------------------------------- path resolver

type PathStep = string | number;
const PATH_CACHE = new Map<string, PathStep[] | null>();

/**
 * Parses the simple JSONPath subset rules may use: `$`, `.name`, `['name']`,
 * `["name"]`, `[N]`. No wildcards, filters or scripts: nothing in a rule is
 * ever evaluated. Returns null for anything else.
 */
export function parsePath(path: string): PathStep[] | null {
  const cached = PATH_CACHE.get(path);
  if (cached !== undefined) return cached;
  let out: PathStep[] | null = [];
  if (path.length > 300 || path[0] !== "$") out = null;
  let i = 1;
  while (out && i < path.length) {
    const c = path[i];
    if (c === ".") {
      const m = /^[A-Za-z0-9_-]+/.exec(path.slice(i + 1));
      if (!m) {
        out = null;
        break;
      }
      out.push(m[0]);
      i += 1 + m[0].length;
    } else if (c === "[") {
      const rest = path.slice(i);
      const m = /^\[(?:(\d{1,6})|'([^'\\]*)'|"([^"\\]*)")\]/.exec(rest);
      if (!m) {
        out = null;
        break;
      }
      out.push(m[1] !== undefined ? Number(m[1]) : (m[2] ?? m[3])!);
      i += m[0].length;
    } else {
      out = null;
    }
  }
  if (PATH_CACHE.size < 10000) PATH_CACHE.set(path, out);
  return out;
}

/** Resolves a path on a value; undefined when any step is missing. */
export function resolvePath(value: unknown, path: string): unknown {
  const steps = parsePath(path);
  if (!steps) return undefined;
  let v: unknown = value;
  for (const s of steps) {
    if (v === null || v === undefined || typeof v !== "object") return undefined;
    if (!Object.prototype.hasOwnProperty.call(v, s)) return undefined;
    v = (v as Record<string | number, unknown>)[s];
  }
  return v;
}

// ---------------------------------------------------------------- values

/** One group in a `group` or `ephemeral` result. */
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

export interface GroupValue {
  total: number;
  distinct: number;
  tallied: number;
  top: Omit<GroupEntry, "first"> | { key: null; count: 0; share: 0 };
  groups: GroupEntry[];
}

/** A memoized fact value, with why it is unknown when it is. */
interface Memo {
  value: unknown;
  why?: string;
}

/**
 * A map from keys of three int32s to dense ids, in first-seen order: open
 * addressing over one Int32Array holding per slot the key and id + 1 (0 =
 * empty) side by side, so a probe touches one cache line. Integer-only
 * hashing: no Float64 keys, no boxing.
 */
class TupleIds {
  #t: Int32Array;
  #mask: number;
  size = 0;

  constructor(expected = 0) {
    let n = 64;
    while (n < expected * 2) n *= 2;
    this.#t = new Int32Array(n * 4);
    this.#mask = n - 1;
  }

  static #hash(a: number, b: number, c: number): number {
    let h = Math.imul(a, 0x9e3779b1) ^ Math.imul(b, 0x85ebca6b) ^ Math.imul(c, 0xc2b2ae35);
    h ^= h >>> 15;
    h = Math.imul(h, 0x2c1b3c6d);
    return h ^ (h >>> 13);
  }

  /** The id of (a, b, c) (each taken as int32); a new key gets `fresh` (check the result against it). */
  idOf(a: number, b: number, c: number, fresh: number): number {
    a |= 0, b |= 0, c |= 0;
    const t = this.#t, mask = this.#mask;
    let h = TupleIds.#hash(a, b, c) & mask, k = h << 2;
    for (let e = t[k + 3]; e !== 0; e = t[k + 3]) {
      if (t[k] === a && t[k + 1] === b && t[k + 2] === c) return e - 1;
      h = (h + 1) & mask, k = h << 2;
    }
    t[k] = a, t[k + 1] = b, t[k + 2] = c, t[k + 3] = fresh + 1;
    if (++this.size * 2 > mask) this.#grow();
    return fresh;
  }

  #grow(): void {
    const old = this.#t, n = (this.#mask + 1) * 2, mask = n - 1, t = new Int32Array(n * 4);
    for (let j = 0; j < old.length; j += 4) {
      if (old[j + 3] === 0) continue;
      let h = TupleIds.#hash(old[j], old[j + 1], old[j + 2]) & mask;
      while (t[(h << 2) + 3] !== 0) h = (h + 1) & mask;
      const k = h << 2;
      t[k] = old[j], t[k + 1] = old[j + 1], t[k + 2] = old[j + 2], t[k + 3] = old[j + 3];
    }
    this.#t = t, this.#mask = mask;
  }
}

/**
 * Growable counters keyed by a number or by a tuple of three int32s: one
 * slot per distinct key, in first-seen order, no per-socket allocation.
 * Number keys in -1..dense-2 (ports, string ids) index a direct table;
 * others, and tuples, go through a TupleIds table.
 */
class KeyCounter {
  readonly #direct: Int32Array | undefined;
  readonly #hashed: TupleIds;
  counts: Int32Array;
  extra: Int32Array;
  first: Int32Array;
  size = 0;
  /** `expected`: how many keys to make room for up front. */
  constructor(dense = 0, expected = 0) {
    // every field set here, the same way: one object shape for every counter, so the loops stay optimized
    this.#direct = dense > 0 ? new Int32Array(dense) : undefined;
    this.#hashed = new TupleIds(expected);
    const n = Math.max(64, expected);
    this.counts = new Int32Array(n), this.extra = new Int32Array(n), this.first = new Int32Array(n);
  }
  /** Counts socket i under `key`; `extra` (0 or 1) adds to its extra count. */
  add(key: number, i: number, extra: number): void {
    const d = this.#direct;
    if (d !== undefined && key >= -1 && key < d.length - 1) {
      let s = d[key + 1] - 1;
      if (s < 0) d[key + 1] = (s = this.#slot(i)) + 1;
      this.counts[s]++;
      this.extra[s] += extra;
    } else this.addTuple(key, 0, 0, i, extra);
  }
  /** Counts socket i under the key (a, b, c). */
  addTuple(a: number, b: number, c: number, i: number, extra: number): void {
    const s = this.#hashed.idOf(a, b, c, this.size);
    if (s === this.size) this.#slot(i);
    this.counts[s]++;
    this.extra[s] += extra;
  }
  // The loops below count the sockets list[from..to), TIME_WAIT ones as
  // extra; one per column type, so that each stays monomorphic.

  /** By port: col[i]. */
  countByPort(list: Int32Array, from: number, to: number, col: Int32Array, st: Uint8Array): void {
    for (let k = from; k < to; k++) {
      const i = list[k];
      this.add(col[i], i, st[i] === TIME_WAIT ? 1 : 0);
    }
  }
  /** By string id: col[i]. */
  countByString(list: Int32Array, from: number, to: number, col: Uint32Array, st: Uint8Array): void {
    for (let k = from; k < to; k++) {
      const i = list[k];
      this.add(col[i], i, st[i] === TIME_WAIT ? 1 : 0);
    }
  }
  /** By map[col[i]], hashed. */
  countByMapped(list: Int32Array, from: number, to: number, col: Uint32Array, map: Int32Array, st: Uint8Array): void {
    for (let k = from; k < to; k++) {
      const i = list[k];
      this.addTuple(map[col[i]], 0, 0, i, st[i] === TIME_WAIT ? 1 : 0);
    }
  }
  /** By (a[i], b[i], c[i]): one loop for pairs and triples (a pair passes `a` again as `c`), its code shared by more facts. */
  countByTuple(list: Int32Array, from: number, to: number, a: Uint32Array, b: Int32Array, c: Uint32Array, st: Uint8Array): void {
    for (let k = from; k < to; k++) {
      const i = list[k];
      this.addTuple(a[i], b[i], c[i], i, st[i] === TIME_WAIT ? 1 : 0);
    }
  }
  /** By pid, else program, else none; returns how many name a process. */
  countByProcess(list: Int32Array, from: number, to: number, pid: Int32Array, program: Uint32Array, st: Uint8Array): number {
    let named = 0;
    for (let k = from; k < to; k++) {
      const i = list[k];
      const key = pid[i] !== NONE ? pid[i] : program[i] !== 0 ? -1 - program[i] : -1;
      if (key !== -1) named++;
      this.addTuple(key, 0, 0, i, st[i] === TIME_WAIT ? 1 : 0);
    }
    return named;
  }
  #slot(i: number): number {
    const s = this.size++;
    if (s === this.counts.length) {
      const n = s * 2;
      const c = new Int32Array(n), e = new Int32Array(n), f = new Int32Array(n);
      c.set(this.counts), e.set(this.extra), f.set(this.first);
      this.counts = c, this.extra = e, this.first = f;
    }
    this.first[s] = i;
    return s;
  }
  /** Slots of the `n` biggest groups, biggest first (ties: first seen first). */
  top(n: number): number[] {
    const best: number[] = [];
    const c = this.counts;
    for (let s = 0; s < this.size; s++) {
      if (best.length === n && c[s] <= c[best[n - 1]]) continue;
      let j = best.length < n ? best.length : n - 1;
      if (best.length < n) best.push(s);
      while (j > 0 && c[best[j - 1]] < c[s]) {
        best[j] = best[j - 1];
        j--;
      }
      best[j] = s;
    }
    return best;
  }
}

// List filters for FactContext.#select: each writes to `out` (from 0) the
// sockets of list[from..to) it keeps, in order, and returns how many; `out`
// may be `list` when `from` is 0.

function keepStates(st: Uint8Array, n: number, wanted: Uint8Array, out: Int32Array): number {
  let m = 0;
  for (let i = 0; i < n; i++) if (wanted[st[i]]) out[m++] = i;
  return m;
}

/** Keeps sockets with a positive queue figure (NONE is negative). */
function keepQueued(list: Int32Array, from: number, to: number, out: Int32Array, q: Int32Array): number {
  let m = 0;
  for (let k = from; k < to; k++) {
    const i = list[k];
    if (q[i] > 0) out[m++] = i;
  }
  return m;
}

function keepIncluded(list: Int32Array, from: number, to: number, out: Int32Array, ex: Uint8Array): number {
  let m = 0;
  for (let k = from; k < to; k++) {
    const i = list[k];
    if (!ex[i]) out[m++] = i;
  }
  return m;
}

/** Keeps sockets whose local port has (`has`) or has no LISTEN socket (lp: listenPorts()). */
function keepListened(list: Int32Array, from: number, to: number, out: Int32Array, port: Int32Array, lp: Uint8Array, has: boolean): number {
  let m = 0;
  for (let k = from; k < to; k++) {
    const i = list[k], p = port[i];
    if ((lp[p + 1] === 1 && p !== NONE) === has) out[m++] = i;
  }
  return m;
}

/** Keeps sockets whose local port lies inside (`inside`) or outside low..high. */
function keepInRange(list: Int32Array, from: number, to: number, out: Int32Array, port: Int32Array, low: number, high: number, inside: boolean): number {
  let m = 0;
  for (let k = from; k < to; k++) {
    const i = list[k], p = port[i];
    if ((p >= low && p <= high) === inside) out[m++] = i;
  }
  return m;
}

/** True when some socket of list[from..to) has a queue figure. */
function anyKnown(list: Int32Array, from: number, to: number, q: Int32Array): boolean {
  for (let k = from; k < to; k++) if (q[list[k]] !== NONE) return true;
  return false;
}

/** Parses an integer answer or sysctl; undefined when not a plain integer. */
function intOf(s: string): number | undefined {
  return /^-?\d+$/.test(s.trim()) ? Number(s.trim()) : undefined;
}

function subnetOf(addr: string): string {
  const a = addr.startsWith("::ffff:") ? addr.slice(7) : addr;
  const v4 = /^(\d+\.\d+\.\d+)\.\d+$/.exec(a);
  if (v4) return `${v4[1]}.0/24`;
  if (a.indexOf(":") !== -1) {
    // expand enough of an IPv6 address to take its first four groups
    const [head] = a.split("::");
    const groups = head.split(":").filter(Boolean);
    while (groups.length < 4) groups.push("0");
    return `${groups.slice(0, 4).join(":")}::/64`;
  }
  return a;
}

/**
 * The /24 of s[start..end) when it reads a.b.c.d with a, b, c written as
 * `${n}` writes 0-255 and d any digits (what subnetOf's pattern takes), as
 * a * 65536 + b * 256 + c; -1 otherwise.
 */
function v4Prefix(s: string, start: number, end = s.length): number {
  let v = 0, part = 0, digits = 0, dots = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) {
      if (digits === 0 || dots === 3) return -1;
      v = v * 256 + part, part = 0, digits = 0, dots++;
    } else if (c >= 48 && c <= 57) {
      digits++;
      if (dots === 3) continue;
      if (digits === 2 && part === 0) return -1; // leading zero
      part = part * 10 + c - 48;
      if (part > 255) return -1;
    } else return -1;
  }
  return dots === 3 && digits > 0 ? v : -1;
}

/** Subnet keys from here up name subnets that are not a dotted quad's /24 (FactContext.#subnet). */
const SUBNET_NAMED = 1 << 24;

/** subnetOf's name for a v4Prefix value. */
function prefixName(p: number): string {
  return `${p >>> 16}.${(p >>> 8) & 255}.${p & 255}.0/24`;
}

function fmtEndpoint(addr: string, port: number): string {
  const p = port === NONE ? "*" : String(port);
  return addr.indexOf(":") !== -1 ? `[${addr}]:${p}` : `${addr}:${p}`;
}

/** Per-state figures (index: state id): sockets, with queue figures, with a nonzero Recv-Q / Send-Q and their bytes, with known ownership, orphaned. */
interface StateStats {
  seen: Float64Array;
  withQ: Float64Array;
  rq: Float64Array;
  sq: Float64Array;
  rb: Float64Array;
  sb: Float64Array;
  known: Float64Array;
  orphan: Float64Array;
}

/**
 * Everything the facts share for one snapshot: column views, cached lookups
 * and the memo of computed values. Build one per snapshot; it outlives
 * re-evaluations with new answers.
 */
export class FactContext {
  readonly snap: Snapshot;
  readonly t: SocketTable;
  readonly #memo = new Map<string, Memo>();
  readonly #masks = new Map<string, Uint8Array | null>();
  #listenPorts: Uint8Array | undefined;
  #inputProcess: Uint8Array | undefined;
  #stateIndex: { order: Int32Array; start: Int32Array } | undefined;
  #subnetKeys: Int32Array | undefined;
  #scratch: Int32Array | undefined;
  readonly #stats = new Map<Uint8Array | null, StateStats>();
  readonly #subnetNames: string[] = [];
  readonly #subnetByName = new Map<string, number>();
  /** How many fact computations ran (for tests of the memo). */
  computed = 0;

  constructor(snap: Snapshot) {
    this.snap = snap;
    this.t = snap.sockets;
  }

  /** Ports (index port+1) that have a LISTEN socket. */
  listenPorts(): Uint8Array {
    if (this.#listenPorts) return this.#listenPorts;
    const lp = new Uint8Array(65537);
    const t = this.t, { order, start } = this.stateIndex();
    for (let k = start[LISTEN]; k < start[LISTEN + 1]; k++) lp[t.localPort[order[k]] + 1] = 1;
    return this.#listenPorts = lp;
  }

  /** Socket indices grouped by state (counting sort, table order within a state): state s is order[start[s]..start[s+1]). */
  stateIndex(): { order: Int32Array; start: Int32Array } {
    if (this.#stateIndex) return this.#stateIndex;
    const t = this.t, st = t.state, n = STATES.length + 1, seen = this.#stateStats(null).seen;
    const start = new Int32Array(n + 1);
    for (let s = 0; s < n; s++) start[s + 1] = start[s] + seen[s];
    const next = start.slice(0, n), order = new Int32Array(t.length);
    for (let i = 0; i < t.length; i++) order[next[st[i]]++] = i;
    return this.#stateIndex = { order, start };
  }

  /** Per input: 1 when some socket row of it names a process. */
  inputsWithProcess(): Uint8Array {
    if (!this.#inputProcess) this.#stateStats(null);
    return this.#inputProcess!;
  }

  /** Socket mask of a rule's exceptions: 1 = ignored; null when nothing is ignored. */
  excluded(ex: readonly RuleException[] | undefined): Uint8Array | null {
    const key = exceptionsKey(ex);
    if (!key) return null;
    const hit = this.#masks.get(key);
    if (hit !== undefined) return hit;
    const t = this.t;
    const pool = t.strings;
    const mask = new Uint8Array(t.length);
    let any = false;
    for (const e of ex!) {
      const portSet = (xs?: number[]) => xs && xs.length ? new Set(xs) : undefined;
      const ports = portSet(e.ports), lports = portSet(e.local_ports), rports = portSet(e.remote_ports);
      const addrFlags = (pats?: string[]) => {
        if (!pats || !pats.length) return undefined;
        const ms = pats.map(addressMatcher);
        const f = new Uint8Array(pool.size);
        for (let id = 0; id < pool.size; id++) if (ms.some((m) => m(pool.str(id)))) f[id] = 1;
        return f;
      };
      const addrs = addrFlags(e.addresses), laddrs = addrFlags(e.local_addresses), raddrs = addrFlags(e.remote_addresses);
      let procs: Uint8Array | undefined;
      let pids: Set<number> | undefined;
      if (e.processes && e.processes.length) {
        procs = new Uint8Array(pool.size);
        pids = new Set();
        for (const p of e.processes) {
          const n = intOf(String(p));
          if (n !== undefined) pids.add(n);
        }
        for (const name of new Set(e.processes.map(String))) {
          const id = pool.idOf(name);
          if (id > 0) procs[id] = 1;
        }
      }
      for (let i = 0; i < t.length; i++) {
        if (ports && !ports.has(t.localPort[i]) && !ports.has(t.remotePort[i])) continue;
        if (lports && !lports.has(t.localPort[i])) continue;
        if (rports && !rports.has(t.remotePort[i])) continue;
        if (addrs && !addrs[t.localAddr[i]] && !addrs[t.remoteAddr[i]]) continue;
        if (laddrs && !laddrs[t.localAddr[i]]) continue;
        if (raddrs && !raddrs[t.remoteAddr[i]]) continue;
        if (procs && !procs[t.program[i]] && !pids!.has(t.pid[i])) continue;
        mask[i] = 1;
        any = true;
      }
    }
    const out = any ? mask : null;
    this.#masks.set(key, out);
    return out;
  }

  /** Subnet keys by address id (-1: not computed yet), as long as the string pool. */
  #subnetTable(): Int32Array {
    const n = this.t.strings.size;
    if (!this.#subnetKeys || this.#subnetKeys.length < n) {
      const keys = new Int32Array(n).fill(-1);
      if (this.#subnetKeys) keys.set(this.#subnetKeys);
      this.#subnetKeys = keys;
    }
    return this.#subnetKeys;
  }

  /**
   * The subnet (see subnetOf) of an address as a number: a /24's
   * v4Prefix (the usual case, no name made), else SUBNET_NAMED + the index
   * of its name in #subnetNames.
   */
  #subnet(addrId: number): number {
    const keys = this.#subnetTable();
    if (keys[addrId] !== -1) return keys[addrId];
    const quad = this.t.strings.quad(addrId);
    if (quad >= 0) return keys[addrId] = quad >>> 8;
    const addr = this.t.strings.str(addrId);
    let key = v4Prefix(addr, addr.startsWith("::ffff:") ? 7 : 0);
    if (key === -1) {
      const name = subnetOf(addr);
      // an odd address can read like a /24's name ("10.0.0.0/24"): the same subnet
      key = name.endsWith(".0/24") ? v4Prefix(name, 0, name.length - 3) : -1;
      if (key === -1) {
        let id = this.#subnetByName.get(name);
        if (id === undefined) this.#subnetByName.set(name, id = this.#subnetNames.push(name) - 1);
        key = SUBNET_NAMED + id;
      }
    }
    return keys[addrId] = key;
  }

  #subnetName(key: number): string {
    return key < SUBNET_NAMED ? prefixName(key) : this.#subnetNames[key - SUBNET_NAMED];
  }

  /** The subnet keys by address id, computed for the remote addresses of list[from..to). */
  #subnetsOf(list: Int32Array, from: number, to: number): Int32Array {
    const keys = this.#subnetTable(), ra = this.t.remoteAddr;
    for (let k = from; k < to; k++) if (keys[ra[list[k]]] === -1) this.#subnet(ra[list[k]]);
    return keys;
  }

  /**
   * Returns a fact's value for params and exceptions, computing it once.
   * `why` explains a null value.
   */
  get(fact: string, params: Record<string, unknown>, ex: readonly RuleException[] | undefined, answers: Record<string, unknown>): Memo {
    if (fact === "answers") return { value: answers };
    // unexpected-listeners reads an answer: the answer is part of its memo key
    const ans = fact === "unexpected-listeners" && typeof params.answer === "string" ? `|${stableJson(answers[params.answer] ?? null)}` : "";
    const key = `${fact}|${stableJson(params)}|${exceptionsKey(ex)}${ans}`;
    let m = this.#memo.get(key);
    if (!m) {
      this.computed++;
      m = this.#compute(fact, params, this.excluded(ex), answers);
      this.#memo.set(key, m);
    }
    return m;
  }

  #compute(fact: string, params: Record<string, unknown>, ex: Uint8Array | null, answers: Record<string, unknown> = {}): Memo {
    switch (fact) {
      case "states": return { value: this.#states(ex) };
      case "sockets": return { value: (this.#states(ex) as Record<string, number>).TOTAL };
      case "group": return this.#group(params, ex);
      case "listeners": return this.#listeners(ex);
      case "ephemeral": return { value: this.#ephemeral(ex) };
      case "queues": return { value: this.#queues(ex) };
      case "orphans": return { value: this.#orphans(ex) };
      case "counters": return { value: this.#counters() };
      case "sysctls": return { value: this.#sysctls() };
      case "symptoms": return this.#symptoms();
      case "inputs": return { value: this.#inputs() };
      case "orphan-budget": return this.#orphanBudget();
      case "unexpected-listeners": return this.#unexpectedListeners(params, ex, answers);
      default: return { value: null, why: `unknown fact "${fact}"` };
    }
  }

  #states(ex: Uint8Array | null): Record<string, number> {
    const counts = this.#stateStats(ex).seen;
    const out: Record<string, number> = {};
    let total = 0;
    for (let id = 0; id < counts.length; id++) {
      const n = counts[id] + (this.snap.tallies[id] ?? 0);
      total += n;
      out[id === 0 ? "UNKNOWN" : STATES[id - 1]] = n;
    }
    out.TOTAL = total;
    return out;
  }

  #group(params: Record<string, unknown>, ex: Uint8Array | null): Memo {
    const by = params.by as GroupBy;
    const wanted = stateMask(params.state ?? params.states);
    const topN = Math.max(1, Math.min(50, Number(params.top ?? 5) || 5));
    const listener = params.listener as "present" | "absent" | undefined;
    const portFilter = params.local_port as "ephemeral" | "non-ephemeral" | undefined;
    const queue = params.queue as "recv" | "send" | undefined;
    const t = this.t, st = t.state;
    const q = queue === undefined ? undefined : queue === "recv" ? t.recvQ : t.sendQ;
    const lp = by === "local-port" || by === "local-endpoint" ? this.listenPorts() : undefined;
    const { list, from, to } = this.#select(wanted, ex, q, listener, portFilter);
    const total = to - from;
    if (total > 0 && !GROUP_BY.includes(by)) return { value: null, why: `group: unknown "by" ${String(by)}` };
    const pool = t.strings.size;
    const dense = by === "local-port" || by === "remote-port" ? 65537
      : by === "local-address" || by === "remote-host" ? pool + 1
      : 0;
    // hashed keys: room for one group per socket up front (up to 2^16; a grown table is copied at each doubling)
    const kc = new KeyCounter(dense, dense ? 0 : Math.min(total, 1 << 16));
    let withProcess = 0;
    switch (by) {
      case "local-port": kc.countByPort(list, from, to, t.localPort, st); break;
      case "remote-port": kc.countByPort(list, from, to, t.remotePort, st); break;
      case "local-address": kc.countByString(list, from, to, t.localAddr, st); break;
      case "remote-host": kc.countByString(list, from, to, t.remoteAddr, st); break;
      case "remote-subnet": kc.countByMapped(list, from, to, t.remoteAddr, this.#subnetsOf(list, from, to), st); break;
      case "local-endpoint": kc.countByTuple(list, from, to, t.localAddr, t.localPort, t.localAddr, st); break;
      case "remote-endpoint":
      case "destination": kc.countByTuple(list, from, to, t.remoteAddr, t.remotePort, t.remoteAddr, st); break;
      case "process": withProcess = kc.countByProcess(list, from, to, t.pid, t.program, st); break;
      case "source-destination": kc.countByTuple(list, from, to, t.remoteAddr, t.remotePort, t.localAddr, st); break;
    }
    let tallied = 0;
    for (let id = 0; id < wanted.length; id++) if (wanted[id]) tallied += this.snap.tallies[id] ?? 0;
    if (total === 0 && tallied > 0) {
      return { value: null, why: "those sockets are known only by count (a state histogram), not one by one" };
    }
    if (q && total === 0) {
      // nothing kept: unknown when the sockets the other filters keep carry no such figure
      const s = this.#select(wanted, ex, undefined, listener, portFilter);
      if (s.to > s.from && !anyKnown(s.list, s.from, s.to, q)) return { value: null, why: "those sockets carry no Recv-Q/Send-Q figures" };
    }
    if (by === "process" && total > 0 && withProcess === 0) {
      return { value: null, why: this.#noProcessWhy() };
    }
    const groups: GroupEntry[] = kc.top(topN).map((s) => {
      const i = kc.first[s];
      const g: GroupEntry = { key: this.#keyText(by, i), count: kc.counts[s], share: round4(kc.counts[s] / total), first: i };
      if (by === "local-port" || by === "local-endpoint") g.listening = lp![t.localPort[i] + 1] === 1 && t.localPort[i] !== NONE;
      if (kc.extra[s]) g.timeWait = kc.extra[s];
      return g;
    });
    const top = groups[0] ? withoutFirst(groups[0]) : { key: null, count: 0 as const, share: 0 as const };
    const value: GroupValue = { total, distinct: kc.size, tallied, top, groups };
    return { value };
  }

  /**
   * The sockets in the wanted states that pass the filters, in table order,
   * as list[from..to). One state (the usual case) reads its run of
   * stateIndex(); each filter then keeps a shorter list in the scratch
   * buffer, the queue test first (it keeps few sockets).
   */
  #select(
    wanted: Uint8Array, ex: Uint8Array | null, q: Int32Array | undefined,
    listener: "present" | "absent" | undefined, portFilter: "ephemeral" | "non-ephemeral" | undefined,
  ): { list: Int32Array; from: number; to: number } {
    const t = this.t, only = onlyState(wanted);
    let list: Int32Array, from = 0, to: number;
    if (only >= 0) {
      const idx = this.stateIndex();
      list = idx.order, from = idx.start[only], to = idx.start[only + 1];
    } else {
      list = this.#scratchList();
      to = keepStates(t.state, t.length, wanted, list);
    }
    const out = this.#scratchList();
    if (q) to = keepQueued(list, from, to, out, q), list = out, from = 0;
    if (ex) to = keepIncluded(list, from, to, out, ex), list = out, from = 0;
    if (listener) to = keepListened(list, from, to, out, t.localPort, this.listenPorts(), listener === "present"), list = out, from = 0;
    if (portFilter) {
      const r = this.portRange();
      to = keepInRange(list, from, to, out, t.localPort, r.low, r.high, portFilter === "ephemeral"), list = out, from = 0;
    }
    return { list, from, to };
  }

  /** A socket-index buffer as long as the table, shared by the filters of #select. */
  #scratchList(): Int32Array {
    if (!this.#scratch || this.#scratch.length < this.t.length) this.#scratch = new Int32Array(this.t.length);
    return this.#scratch;
  }

  /** Why no socket has a process: the live snapshot skipped or could not do the owner scan, or the dump has none. */
  #noProcessWhy(): string {
    if (!this.snap.live) return "the dump names no process (take it with ss -tanp or netstat -tanp, as root)";
    if (!this.snap.capture?.ownerScan) return "the live snapshot was taken with --no-owners (run it without to map sockets to processes)";
    return "no socket could be matched to a process (run tcpdoc as root to see other users' processes)";
  }

  #keyText(by: GroupBy, i: number): string {
    const t = this.t, v = t.strings;
    switch (by) {
      case "local-port": return t.localPort[i] === NONE ? "*" : String(t.localPort[i]);
      case "remote-port": return t.remotePort[i] === NONE ? "*" : String(t.remotePort[i]);
      case "local-address": return v.str(t.localAddr[i]) || "*";
      case "remote-host": return v.str(t.remoteAddr[i]) || "*";
      case "remote-subnet": return this.#subnetName(this.#subnet(t.remoteAddr[i]));
      case "local-endpoint": return fmtEndpoint(v.str(t.localAddr[i]), t.localPort[i]);
      case "remote-endpoint":
      case "destination": return fmtEndpoint(v.str(t.remoteAddr[i]), t.remotePort[i]);
      case "process": {
        const prog = t.program[i] ? v.str(t.program[i]) : "";
        if (t.pid[i] !== NONE) return prog ? `${prog} (pid ${t.pid[i]})` : `pid ${t.pid[i]}`;
        return prog || "(no process)";
      }
      case "source-destination":
        return `${v.str(t.localAddr[i]) || "*"} -> ${fmtEndpoint(v.str(t.remoteAddr[i]), t.remotePort[i])}`;
    }
  }

  #listeners(ex: Uint8Array | null): Memo {
    const t = this.t, { order, start } = this.stateIndex();
    let count = 0, withBacklog = 0, full = 0, withQueue = 0;
    let maxFill = -1, maxRecvQ = -1, best = -1;
    for (let k = start[LISTEN]; k < start[LISTEN + 1]; k++) {
      const i = order[k];
      if (ex && ex[i]) continue;
      count++;
      const q = t.recvQ[i];
      if (q !== NONE) {
        withQueue++;
        if (q > maxRecvQ) maxRecvQ = q;
      }
      const b = t.sendQ[i];
      if (b !== NONE && q !== NONE) {
        withBacklog++;
        const fill = q / Math.max(b, 1);
        if (q >= b && q > 0) full++;
        if (fill > maxFill) [maxFill, best] = [fill, i];
      } else if (best === -1 && q !== NONE && q === maxRecvQ && q > 0) best = i;
    }
    const top = best === -1 ? null : {
      key: fmtEndpoint(t.strings.str(t.localAddr[best]), t.localPort[best]),
      recvQ: t.recvQ[best],
      backlog: t.sendQ[best] === NONE ? null : t.sendQ[best],
      fill: t.sendQ[best] === NONE ? null : round4(t.recvQ[best] / Math.max(t.sendQ[best], 1)),
      first: best,
    };
    const value = {
      count,
      withBacklog,
      full: withBacklog ? full : null,
      maxFill: withBacklog ? round4(maxFill) : null,
      maxRecvQ: withQueue ? maxRecvQ : null,
      top,
      ports: this.#listenPortList(ex),
    };
    const why = count === 0
      ? "the inputs hold no LISTEN socket"
      : withBacklog === 0
      ? "no LISTEN row shows its backlog (ss -ltn shows it in Send-Q; netstat and /proc/net/tcp do not)"
      : undefined;
    return { value, why };
  }

  #listenPortList(ex: Uint8Array | null): string[] {
    const t = this.t, seen = new Set<number>(), { order, start } = this.stateIndex();
    for (let k = start[LISTEN]; k < start[LISTEN + 1]; k++) {
      const i = order[k];
      if (!(ex && ex[i]) && t.localPort[i] !== NONE) seen.add(t.localPort[i]);
    }
    return [...seen].sort((a, b) => a - b).map(String);
  }

  #orphanBudget(): Memo {
    const c = this.snap.counters.get("sockstat.tcp.orphan");
    if (!c) return { value: null, why: "the inputs carry no orphan count (add cat /proc/net/sockstat or ss -s)" };
    const s = this.snap.sysctls.get("net.ipv4.tcp_max_orphans");
    const max = s ? intOf(s.value) : undefined;
    if (max === undefined) {
      return {
        value: { orphans: c.value, max: null, share: null },
        why: "sysctl net.ipv4.tcp_max_orphans is not in the inputs (add the output of sysctl net.ipv4.tcp_max_orphans, run on the host: a namespace or container does not see it)",
      };
    }
    return { value: { orphans: c.value, max, share: round4(c.value / Math.max(max, 1)) } };
  }

  #unexpectedListeners(params: Record<string, unknown>, ex: Uint8Array | null, answers: Record<string, unknown>): Memo {
    const ranges: [number, number][] = [];
    const add = (v: unknown) => {
      const items = Array.isArray(v) ? v : [v];
      for (const it of items) {
        if (typeof it === "number" && Number.isInteger(it)) ranges.push([it, it]);
        else if (typeof it === "string") {
          for (const tok of it.split(/[\s,;]+/)) {
            const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(tok);
            if (m) ranges.push([Number(m[1]), Number(m[2] ?? m[1])]);
          }
        }
      }
    };
    add(params.allow);
    if (typeof params.answer === "string") add(answers[params.answer]);
    if (ranges.length === 0) {
      return { value: null, why: `no allow-list of listening ports was given (answer ${typeof params.answer === "string" ? params.answer : "allowed-listen-ports"}, e.g. --answer ${typeof params.answer === "string" ? params.answer : "allowed-listen-ports"}=22,80,443)` };
    }
    const allowed = (p: number) => ranges.some(([lo, hi]) => p >= lo && p <= hi);
    const t = this.t, v = t.strings;
    const kc = new KeyCounter();
    let listeners = 0, count = 0;
    const ports = new Set<number>(), { order, start } = this.stateIndex();
    for (let k = start[LISTEN]; k < start[LISTEN + 1]; k++) {
      const i = order[k];
      if (ex && ex[i]) continue;
      listeners++;
      const p = t.localPort[i];
      if (p === NONE || allowed(p)) continue;
      count++;
      ports.add(p);
      kc.addTuple(t.localAddr[i], p, 0, i, 0);
    }
    const groups = kc.top(10).map((slot) => {
      const i = kc.first[slot];
      return { key: fmtEndpoint(v.str(t.localAddr[i]), t.localPort[i]), count: kc.counts[slot], share: round4(kc.counts[slot] / Math.max(count, 1)), first: i };
    });
    const value = {
      allowed: ranges.map(([lo, hi]) => (lo === hi ? String(lo) : `${lo}-${hi}`)).join(","),
      listeners,
      count,
      distinct: kc.size,
      ports: [...ports].sort((a, b) => a - b).join(", "),
      top: groups[0] ? withoutFirst(groups[0]) : { key: null, count: 0, share: 0 },
      groups,
    };
    return { value };
  }

  /** The ephemeral port range and where it came from. */
  portRange(): { low: number; high: number; size: number; source: "sysctl" | "default" } {
    const s = this.snap.sysctls.get("net.ipv4.ip_local_port_range");
    const m = s && /^\s*(\d+)\s+(\d+)\s*$/.exec(s.value);
    if (m) {
      const low = Number(m[1]), high = Number(m[2]);
      if (low <= high && high <= 65535) return { low, high, size: high - low + 1, source: "sysctl" };
    }
    return { ...DEFAULT_PORT_RANGE, size: DEFAULT_PORT_RANGE.high - DEFAULT_PORT_RANGE.low + 1, source: "default" };
  }

  #ephemeral(ex: Uint8Array | null): unknown {
    const range = this.portRange();
    const t = this.t, st = t.state;
    const lp = this.listenPorts();
    const counted = stateMask(["ESTABLISHED", "SYN_SENT", "TIME_WAIT", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSING", "LAST_ACK", "CLOSE_WAIT"]);
    // the sockets counted, then their groups: at most one per socket, room made up front
    const list = this.#scratchList(), lport = t.localPort, low = range.low, high = range.high;
    let total = 0;
    for (let i = 0; i < t.length; i++) {
      const p = lport[i];
      if (p < low || p > high || !counted[st[i]] || lp[p + 1] || (ex && ex[i])) continue;
      list[total++] = i;
    }
    const kc = new KeyCounter(0, total);
    kc.countByTuple(list, 0, total, t.remoteAddr, t.remotePort, t.localAddr, st);
    const groups = kc.top(5).map((s) => {
      const i = kc.first[s];
      return {
        key: this.#keyText("source-destination", i),
        count: kc.counts[s],
        share: round4(kc.counts[s] / range.size),
        timeWait: kc.extra[s],
        timeWaitShare: round4(kc.extra[s] / kc.counts[s]),
        first: i,
      };
    });
    const top = groups[0]
      ? withoutFirst(groups[0])
      : { key: null, count: 0, share: 0, timeWait: 0, timeWaitShare: 0 };
    return { range, total, distinct: kc.size, top, groups };
  }

  /**
   * Per-state figures over the socket rows (index: state id) for the
   * states, queues and orphans facts, once per exception mask. The same pass
   * finds the inputs whose rows name a process (see inputsWithProcess); the
   * rows without an inode count as owned or orphaned by that, at the end.
   */
  #stateStats(ex: Uint8Array | null): StateStats {
    const hit = this.#stats.get(ex);
    if (hit) return hit;
    const n = STATES.length + 1, m = this.snap.inputs.length + 1;
    const seen = new Float64Array(n), withQ = new Float64Array(n), rq = new Float64Array(n), sq = new Float64Array(n);
    const rb = new Float64Array(n), sb = new Float64Array(n), known = new Float64Array(n), orphan = new Float64Array(n);
    // rows without an inode, and those of them naming no process, per (state, input)
    const noInode = new Int32Array(n * m), noInodeNoProc = new Int32Array(n * m), withProc = new Uint8Array(m);
    const t = this.t, st = t.state, recvQ = t.recvQ, sendQ = t.sendQ, inode = t.inode, input = t.input, pid = t.pid, program = t.program;
    for (let i = 0; i < t.length; i++) {
      const named = pid[i] !== NONE || program[i] !== 0, j = input[i];
      if (named && j < m) withProc[j] = 1;
      if (ex && ex[i]) continue;
      const s = st[i];
      seen[s]++;
      const r = recvQ[i], q = sendQ[i];
      if (r !== NONE || q !== NONE) {
        withQ[s]++;
        if (r > 0) rq[s]++, rb[s] += r;
        if (q > 0) sq[s]++, sb[s] += q;
      }
      const ino = inode[i];
      if (ino !== NONE) {
        known[s]++;
        if (ino === 0) orphan[s]++;
      } else if (j < m) {
        noInode[s * m + j]++;
        if (!named) noInodeNoProc[s * m + j]++;
      }
    }
    for (let s = 0; s < n; s++) {
      for (let j = 0; j < m; j++) if (withProc[j]) known[s] += noInode[s * m + j], orphan[s] += noInodeNoProc[s * m + j];
    }
    this.#inputProcess ??= withProc;
    const stats = { seen, withQ, rq, sq, rb, sb, known, orphan };
    this.#stats.set(ex, stats);
    return stats;
  }

  #queues(ex: Uint8Array | null): Record<string, unknown> {
    const { seen, withQ, rq, sq, rb, sb } = this.#stateStats(ex);
    const out: Record<string, unknown> = {};
    for (let id = 1; id < STATES.length + 1; id++) {
      const name = STATES[id - 1];
      if (name === "LISTEN") continue;
      const present = seen[id] + (this.snap.tallies[id] ?? 0);
      if (withQ[id] === 0) {
        out[name] = present > 0 ? null : { total: 0, recvQ: 0, sendQ: 0, recvQShare: 0, sendQShare: 0, recvQBytes: 0, sendQBytes: 0 };
        continue;
      }
      out[name] = {
        total: withQ[id],
        recvQ: rq[id],
        sendQ: sq[id],
        recvQShare: round4(rq[id] / withQ[id]),
        sendQShare: round4(sq[id] / withQ[id]),
        recvQBytes: rb[id],
        sendQBytes: sb[id],
      };
    }
    return out;
  }

  #orphans(ex: Uint8Array | null): Record<string, unknown> {
    const { seen, known, orphan } = this.#stateStats(ex);
    const out: Record<string, unknown> = {};
    for (let id = 1; id < STATES.length + 1; id++) {
      const name = STATES[id - 1];
      const present = seen[id] + (this.snap.tallies[id] ?? 0);
      if (known[id] === 0) out[name] = present > 0 ? null : { count: 0, share: 0, known: 0 };
      else out[name] = { count: orphan[id], share: round4(orphan[id] / known[id]), known: known[id] };
    }
    return out;
  }

  #counters(): Record<string, number> {
    const out: Record<string, number> = {};
    let nstat = false;
    for (const [name, c] of this.snap.counters) {
      out[name] = c.value;
      if (!name.startsWith("sockstat.")) nstat = true;
    }
    if (nstat) for (const k of WELL_KNOWN_COUNTERS) if (!(k in out)) out[k] = 0;
    return out;
  }

  #sysctls(): Record<string, number | string> {
    const out: Record<string, number | string> = {};
    for (const [key, s] of this.snap.sysctls) {
      const v = s.value.trim().replace(/\s+/g, " ");
      const n = intOf(v);
      out[key] = n ?? v;
    }
    return out;
  }

  /** True when the inputs hold some log or error lines. */
  hasLogs(): boolean {
    if (this.snap.symptoms.size > 0) return true;
    return this.snap.inputs.some((r) => (r.kinds.log ?? 0) + (r.kinds.symptom ?? 0) > 0);
  }

  #symptoms(): Memo {
    if (!this.hasLogs()) return { value: {}, why: "the inputs hold no application log or kernel messages" };
    const out: Record<string, unknown> = {};
    const ports: Record<string, string[]> = {};
    for (const k of SYMPTOM_KINDS) out[k] = 0, ports[k] = [];
    for (const [k, s] of this.snap.symptoms) {
      out[k] = s.count;
      ports[k] = Object.keys((s as { ports?: Record<number, number> }).ports ?? {});
    }
    out.ports = ports;
    return { value: out };
  }

  #inputs(): Record<string, boolean> {
    const t = this.t, { order, start } = this.stateIndex();
    const proc = this.inputsWithProcess().includes(1);
    let queues = false, backlog = false;
    for (let i = 0; i < t.length && !queues; i++) if (t.recvQ[i] !== NONE) queues = true;
    for (let k = start[LISTEN]; k < start[LISTEN + 1] && !backlog; k++) if (t.sendQ[order[k]] !== NONE) backlog = true;
    return {
      processes: proc,
      queues,
      backlog,
      counters: this.snap.counters.size > 0,
      sysctls: this.snap.sysctls.size > 0,
      logs: this.hasLogs(),
      tallies: this.snap.tallies.some((n) => n > 0),
      live: this.snap.live,
    };
  }

  /** True when sockets i and j fall in the same group of grouping `by`. */
  sameGroup(by: GroupBy, i: number, j: number): boolean {
    const t = this.t;
    switch (by) {
      case "local-port": return t.localPort[i] === t.localPort[j];
      case "remote-port": return t.remotePort[i] === t.remotePort[j];
      case "local-address": return t.localAddr[i] === t.localAddr[j];
      case "remote-host": return t.remoteAddr[i] === t.remoteAddr[j];
      case "remote-subnet": return this.#subnet(t.remoteAddr[i]) === this.#subnet(t.remoteAddr[j]);
      case "local-endpoint": return t.localAddr[i] === t.localAddr[j] && t.localPort[i] === t.localPort[j];
      case "remote-endpoint":
      case "destination": return t.remoteAddr[i] === t.remoteAddr[j] && t.remotePort[i] === t.remotePort[j];
      case "process":
        return t.pid[i] !== NONE || t.pid[j] !== NONE ? t.pid[i] === t.pid[j] : t.program[i] === t.program[j];
      case "source-destination":
        return t.localAddr[i] === t.localAddr[j] && t.remoteAddr[i] === t.remoteAddr[j] && t.remotePort[i] === t.remotePort[j];
    }
  }

  /** Example sockets: up to `limit` in the given states, in the group of socket `first` under `by` when given. */
  examples(states: unknown, limit: number, ex: readonly RuleException[] | undefined, by?: GroupBy, first?: number): number[] {
    const wanted = stateMask(states);
    const mask = this.excluded(ex);
    const t = this.t, st = t.state;
    const out: number[] = [];
    // one state: its run of stateIndex(), in table order too
    const only = onlyState(wanted);
    const idx = only >= 0 ? this.stateIndex() : undefined;
    const from = idx ? idx.start[only] : 0, to = idx ? idx.start[only + 1] : t.length;
    for (let k = from; k < to && out.length < limit; k++) {
      const i = idx ? idx.order[k] : k;
      if (!wanted[st[i]] || (mask && mask[i])) continue;
      if (by !== undefined && first !== undefined && !this.sameGroup(by, i, first)) continue;
      out.push(i);
    }
    return out;
  }
}

/** Symptom kinds, as the snapshot names them. */
export const SYMPTOM_KINDS = [
  "EADDRINUSE", "EADDRNOTAVAIL", "ECONNREFUSED", "ETIMEDOUT", "ECONNRESET", "EMFILE", "ENOBUFS",
  "SYN_FLOODING", "ORPHANS_EXCEEDED", "TW_BUCKET_OVERFLOW",
] as const;

function withoutFirst<T extends { first: number }>(g: T): Omit<T, "first"> {
  const { first: _f, ...rest } = g;
  return rest;
}

function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

/** Returns a lookup by state id: 1 for the wanted states (all when `s` is absent). */
export function stateMask(s: unknown): Uint8Array {
  const m = new Uint8Array(STATES.length + 1);
  const list = s === undefined || s === null ? undefined : Array.isArray(s) ? s : [s];
  if (!list) {
    m.fill(1);
    return m;
  }
  for (const name of list) {
    const id = STATES.indexOf(String(name) as StateName);
    if (id >= 0) m[id + 1] = 1;
  }
  return m;
}

/** The one state a stateMask() wants; -1 when it wants none or several. */
function onlyState(wanted: Uint8Array): number {
  let only = -1;
  for (let id = 0; id < wanted.length; id++) {
    if (!wanted[id]) continue;
    if (only !== -1) return -1;
    only = id;
  }
  return only;
}

/** JSON with sorted keys, for memo keys. */
export function stableJson(v: unknown): string {
  if (v === null || typeof v !== "object") return JSON.stringify(v) ?? "null";
  if (Array.isArray(v)) return `[${v.map(stableJson).join(",")}]`;
  const o = v as Record<string, unknown>;
  return `{${Object.keys(o).sort().map((k) => `${JSON.stringify(k)}:${stableJson(o[k])}`).join(",")}}`;
}

/** The state name of socket i, for evidence. */
export function socketState(t: SocketTable, i: number): StateName | undefined {
  return stateName(t.state[i]);
}

/** Renders the fact table as Markdown (docs/facts.md). */
export function factsMarkdown(): string {
  const out = [
    "# Facts for rule authors",
    "",
    "<!-- Generated from FACTS in src/engine/facts.ts by `node --import tsx scripts/gen-engine-docs.ts`; do not edit by hand. -->",
    "",
    "A condition names a fact, optionally `params` and a `path` into its value, an `operator` and a `value`:",
    "`{ fact: group, params: { state: CLOSE_WAIT, by: local-port }, path: $.top.share, operator: greaterThanInclusive, value: 0.5 }`.",
    "Facts are computed once per evaluation (and per params) and shared by every rule. Paths use a small JSONPath subset: `$`, `.name`, `['name']`, `[N]` (no wildcards, no filters).",
    "",
    "**Unknown is not zero.** When the inputs cannot supply a value (no process column, no counters, no backlog) the fact or the path reads `null`/undefined. A condition on an unknown value is neither true nor false: `all` is false if any part is false, else unknown if any part is unknown; `any` is true if any part is true, else unknown if any part is unknown; `not` keeps unknown. A rule whose conditions end up unknown raises nothing, unless some known condition supports it: then it raises a lower-confidence finding (`partial`, severity per `when_unknown`), listing what was missing.",
    "",
    `State names: ${STATE_KEYS.map((s) => `\`${s}\``).join(", ")}.`,
    "",
  ];
  for (const f of FACTS) {
    out.push(`## \`${f.id}\``, "", f.summary, "");
    if (f.params.length) {
      out.push("Params:", "");
      for (const p of f.params) {
        out.push(`- \`${p.name}\`${p.required ? " (required)" : ""}: ${p.help}${p.choices ? ` (one of ${p.choices.map((c) => `\`${c}\``).join(", ")})` : ""}`);
      }
      out.push("");
    }
    out.push("Paths:", "");
    for (const p of f.paths) out.push(`- \`${p.path}\`: ${p.help}`);
    out.push("", `Unknown: ${f.unknown}`, "", "Example:", "", "```yaml", `- ${f.example}`, "```", "");
  }
  return out.join("\n");
}
