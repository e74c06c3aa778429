/**
 * Finishing a snapshot once every input is read: the same socket listed by
 * several inputs of one moment is counted once, and counts without rows are
 * combined with the rows.
 *
 * Rows. Inputs of the same moment (no capture times, or times within
 * {@link SAME_MOMENT_SECONDS}) that list the same socket (its canonical
 * 4-tuple and state) are merged: the input that lists it most often keeps
 * its rows, taking the columns it lacks (process, queues, timer, inode,
 * user) from the rows dropped in the others. A row whose state its input
 * does not say (`ss -tan state close-wait` saved without its command line)
 * is merged with a row of the same 4-tuple in any state. Rows within one
 * input are never merged (SO_REUSEPORT listeners are equal and distinct),
 * nor are inputs that hold a series (several `date`-stamped tables) or
 * inputs of other moments: they are a series, not one table; nor are
 * /proc/net/tcp and /proc/net/tcp6 of one moment (the kernel lists an
 * AF_INET socket in the one, an AF_INET6 socket in the other).
 *
 * Counts. A count without rows (a histogram, `| wc -l`, Group-Object,
 * per-host counts, `ss -s`, sockstat) is another view of the same table:
 * counts of the same state from different commands are not added (the
 * largest is taken), the rows of a state shown beside a count of it are
 * taken to be among the counted ones (an excerpt of them), and rows of an
 * unknown state count only beyond what the counts of known states cover.
 * The kernel's own figures (`ss -s`, sockstat, CurrEstab: "gauge" groups,
 * read a moment apart and counted their own way) count only for states no
 * table counts, and not at all beside a whole table.
 */

import type { CountGroup, InputReport, Platform, Snapshot } from "../model/snapshot.ts";
import { parseV4 } from "../model/address.ts";
import { NONE, type SocketTable } from "../model/socket_table.ts";
import { STATES, UNKNOWN_STATE } from "../model/states.ts";
import { procNetTcp } from "./formats/proc_net_tcp.ts";
import { secondsBetween } from "./moment.ts";

/** Inputs whose capture times are this close are one moment (a script that runs ss, then netstat, then cat). */
export const SAME_MOMENT_SECONDS = 2;

/** Sockets per state (index 0: a state not known) and in all, from rows and counts together. */
export interface Resolved {
  byState: number[];
  total: number;
}

/**
 * The run a group belongs to, within one input: which pasting of its command
 * line it is. The first pasting of every command is one run (other views of
 * one table); a command pasted again starts the next.
 */
export function runKey(g: CountGroup): string {
  return String(g.run);
}

/**
 * Combines rows (per state id, index 0 for rows of unknown state) with
 * counts without rows; `fullTable` when some rows are a whole table (then
 * gauges do not count). Groups of one run (`keys`, by default runKey) are
 * views of one table: the largest count of a state is taken. Runs are added:
 * the same command pasted again ran again (another host, another time).
 */
export function resolveCounts(rows: readonly number[], groups: readonly CountGroup[], fullTable: boolean, keys?: readonly string[]): Resolved {
  const n = STATES.length;
  const byState = new Array<number>(n + 1).fill(0);
  const used: [CountGroup, string][] = [];
  groups.forEach((g, i) => {
    if (g.source === "table" || !fullTable) used.push([g, keys ? keys[i] : runKey(g)]);
  });
  // Per run, the largest count of each state (table and gauge apart); then the runs added.
  const table = new Map<number, Map<string, number>>(), gauge = new Map<number, Map<string, number>>();
  for (const [g, run] of used) {
    const into = g.source === "table" ? table : gauge;
    for (const [s, c] of g.states) {
      let m = into.get(s);
      if (!m) into.set(s, m = new Map());
      m.set(run, Math.max(m.get(run) ?? 0, c));
    }
  }
  const sum = (m: Map<string, number> | undefined) => (m ? [...m.values()].reduce((a, b) => a + b, 0) : undefined);
  let stateSum = 0;
  for (let s = 1; s <= n; s++) {
    const counted = sum(table.get(s)) ?? sum(gauge.get(s));
    byState[s] = counted === undefined ? rows[s] : Math.max(rows[s], counted);
    stateSum += byState[s];
  }
  // Counts of several states: what they count beyond what other sources say of those states.
  const extra = new Map<string, number>();
  const anyTotal = new Map<string, number>();
  for (const [g, run] of used) {
    for (const m of g.mixed) {
      if (m.among.length === 0) {
        anyTotal.set(run, Math.max(anyTotal.get(run) ?? 0, m.count));
        continue;
      }
      let known = 0;
      for (const s of m.among) {
        let other = rows[s];
        for (const [h] of used) if (h !== g) other = Math.max(other, h.states.get(s) ?? 0);
        known += other;
      }
      const key = `${run}\u0001${m.among.join(",")}`;
      extra.set(key, Math.max(extra.get(key) ?? 0, m.count - known));
    }
  }
  let more = 0;
  for (const v of extra.values()) more += Math.max(0, v);
  let rowsTotal = 0;
  for (let s = 0; s <= n; s++) rowsTotal += rows[s];
  const total = Math.max(stateSum + more, rowsTotal, sum(anyTotal) ?? 0);
  byState[UNKNOWN_STATE] = total - stateSum;
  return { byState, total };
}

/**
 * Finishes a snapshot after its inputs are read: merges the rows several
 * inputs of one moment list, works out `tallies` from the counts, and sets
 * the platform. Safe to call again after more inputs were added.
 */
export function finishSnapshot(snap: Snapshot): void {
  mergeSameMoment(snap);
  const t = snap.sockets;
  const rows = t.stateCounts();
  const groups: CountGroup[] = [], keys: string[] = [];
  // The same command line pasted in several inputs: each pasting is a run of its own.
  const runs = new Map<string, Map<string, number>>();
  let fullTable = snap.live;
  snap.inputs.forEach((r, i) => {
    const l = snap.ledger.get(r);
    if (!l) return;
    for (const g of l.groups) {
      groups.push(g);
      if (g.command === undefined) {
        keys.push("0");
        continue;
      }
      let m = runs.get(g.command);
      if (!m) runs.set(g.command, m = new Map());
      const local = `${i}:${g.run}`;
      if (!m.has(local)) m.set(local, m.size);
      keys.push(String(m.get(local)));
    }
    if (l.fullTable) fullTable = true;
  });
  const resolved = resolveCounts(rows, groups, fullTable, keys);
  for (let s = 0; s < rows.length; s++) snap.tallies[s] = resolved.byState[s] - rows[s];
  snap.platform = platformOf(snap);
}

/**
 * What one input's counts without rows add to its own rows, per state id
 * (index 0: a state not known), as finishSnapshot works it out for an
 * input read alone: one moment of a series (src/sources/series.ts).
 */
export function inputTallies(snap: Snapshot, input: number): number[] {
  const t = snap.sockets;
  const rows = new Array<number>(STATES.length + 1).fill(0);
  for (let i = 0; i < t.length; i++) if (t.input[i] === input) rows[t.state[i]]++;
  const l = snap.ledger.get(snap.inputs[input]);
  const { byState } = resolveCounts(rows, l?.groups ?? [], l?.fullTable ?? false);
  return byState.map((n, s) => n - rows[s]);
}

/** The snapshot's platform: the live host's, else that of the inputs with the most sockets, else of any input that says. */
function platformOf(snap: Snapshot): Platform | undefined {
  if (snap.live && snap.capture) {
    const p = snap.capture.platform;
    return p === "darwin" ? "macos" : p === "win32" ? "windows" : p === "linux" || p === "freebsd" ? p : undefined;
  }
  const weight = new Map<Platform, number>();
  for (const r of snap.inputs) if (r.platform) weight.set(r.platform, (weight.get(r.platform) ?? 0) + r.sockets + 1e-3);
  let best: Platform | undefined, w = 0;
  for (const [p, v] of weight) if (v > w) [best, w] = [p, v];
  return best;
}

/**
 * Inputs of one moment: inputs with rows whose capture times are close (or
 * not given), and that do not show the same command line (the same command
 * pasted twice ran twice).
 */
function moments(snap: Snapshot, withRows: number[]): number[][] {
  const timed: [number, string][] = [], untimed: number[] = [];
  for (const i of withRows) {
    const r = snap.inputs[i];
    if (snap.ledger.get(r)?.series) continue;
    if (r.capturedAt) timed.push([i, r.capturedAt]);
    else untimed.push(i);
  }
  timed.sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
  const byTime: number[][] = [];
  let cur: number[] = [], last: string | undefined;
  for (const [i, at] of timed) {
    const d = last === undefined ? 0 : secondsBetween(at, last);
    if (last !== undefined && (d === undefined || d > SAME_MOMENT_SECONDS)) {
      byTime.push(cur);
      cur = [];
    }
    cur.push(i);
    last = at;
  }
  if (cur.length) byTime.push(cur);
  // Inputs that do not say when they were taken go with the one moment the others are from, if there is one.
  if (byTime.length === 1) byTime[0].push(...untimed);
  else byTime.push(untimed);
  const commands = (i: number) => snap.ledger.get(snap.inputs[i])?.commands ?? [];
  const out: number[][] = [];
  for (const group of byTime) {
    const clusters: number[][] = [];
    for (const i of group) {
      const mine = commands(i);
      const fit = clusters.find((c) => c.every((j) => !commands(j).some((x) => mine.includes(x))));
      if (fit) fit.push(i);
      else clusters.push([i]);
    }
    out.push(...clusters.filter((c) => c.length > 1));
  }
  return out;
}

/** Merges the rows that several inputs of one moment list (see the module comment). */
function mergeSameMoment(snap: Snapshot): void {
  const t = snap.sockets;
  // A live read takes each kernel table once (/proc/net/tcp holds the IPv4 sockets, tcp6 the IPv6
  // ones): no socket is in two of its inputs, so there is nothing to merge.
  if (snap.live || snap.inputs.length < 2 || t.length === 0) return;
  const perInput = new Array<number>(snap.inputs.length).fill(0);
  // The address families of each input's rows: 1 IPv4, 2 IPv6 (IPv4-mapped included), 4 not known.
  const families = new Uint8Array(snap.inputs.length);
  for (let i = 0; i < t.length; i++) {
    perInput[t.input[i]]++;
    families[t.input[i]] |= t.family[i] === 4 ? 1 : t.family[i] === 6 ? 2 : 4;
  }
  const withRows = perInput.flatMap((n, i) => (n > 0 ? [i] : []));
  if (withRows.length < 2) return;
  const clusters = moments(snap, withRows).filter((c) => !kernelTables(snap, c, families));
  if (clusters.length === 0) return;
  const clusterOf = new Int32Array(snap.inputs.length).fill(-1);
  clusters.forEach((c, k) => c.forEach((i) => (clusterOf[i] = k)));
  const keep = new Uint8Array(t.length).fill(1);
  const canon = new Map<number, string>();
  const addr = (id: number) => {
    let c = canon.get(id);
    if (c === undefined) canon.set(id, c = canonicalAddress(t.strings.str(id)));
    return c;
  };
  const tuple = (i: number) => {
    const la = addr(t.localAddr[i]), ra = addr(t.remoteAddr[i]);
    const rp = ra === "*" && t.remotePort[i] === 0 ? NONE : t.remotePort[i];
    return `${la}|${t.localPort[i]}|${ra}|${rp}`;
  };
  let dropped = 0;
  const canonical = canonicalIds(t);
  for (let k = 0; k < clusters.length; k++) {
    const shared = sharedTuples(t, clusterOf, k, canonical);
    // key -> input -> rows
    const known = new Map<string, Map<number, number[]>>();
    const unknown: number[] = [];
    for (let i = 0; i < t.length; i++) {
      if (clusterOf[t.input[i]] !== k || t.localPort[i] === NONE || !shared(i)) continue;
      if (t.state[i] === UNKNOWN_STATE) {
        unknown.push(i);
        continue;
      }
      const key = `${t.state[i]}|${tuple(i)}`;
      let m = known.get(key);
      if (!m) known.set(key, m = new Map());
      const list = m.get(t.input[i]);
      if (list) list.push(i);
      else m.set(t.input[i], [i]);
    }
    // Rows of one socket in several inputs: the input with the most keeps them. Rows owned by
    // different processes are different sockets (the same listener on two hosts' pastes).
    const byTuple = new Map<string, number[]>();
    for (const [key, m] of known) {
      let keeper: number[] | undefined;
      for (const list of m.values()) if (!keeper || list.length > keeper.length || list.length === keeper.length && richer(t, list[0], keeper[0])) keeper = list;
      for (const list of m.values()) {
        if (list === keeper) continue;
        const free = [...keeper!];
        for (const j of list) {
          const k = free.findIndex((x) => sameSocket(t, x, j));
          if (k === -1) continue;
          enrich(snap, free[k], j);
          free.splice(k, 1);
          keep[j] = 0;
          dropped++;
          countMerged(snap.inputs[t.input[j]]);
        }
      }
      byTuple.set(key.slice(key.indexOf("|") + 1), keeper!);
    }
    // A row of unknown state that another input lists with its state.
    for (const i of unknown) {
      const rows = byTuple.get(tuple(i));
      const into = rows?.find((j) => t.input[j] !== t.input[i] && sameSocket(t, j, i));
      if (into === undefined) continue;
      enrich(snap, into, i);
      keep[i] = 0;
      dropped++;
      countMerged(snap.inputs[t.input[i]]);
    }
  }
  if (dropped === 0) return;
  t.retain(keep);
  snap.merged += dropped;
}

/**
 * True when the inputs are the kernel's own socket tables, /proc/net/tcp
 * and tcp6, no two of one address family: the kernel lists an AF_INET
 * socket in the first and an AF_INET6 one (IPv4-mapped peers included) in
 * the second, each once, so no row of one is a row of another (a live read
 * skips the merging for the same reason).
 */
function kernelTables(snap: Snapshot, inputs: number[], families: Uint8Array): boolean {
  let seen = 0;
  for (const i of inputs) {
    const formats = snap.inputs[i].formats, f = families[i];
    if (Object.keys(formats).some((k) => k !== procNetTcp.format && formats[k] > 0)) return false;
    if ((f !== 1 && f !== 2) || (seen & f) !== 0) return false;
    seen |= f;
  }
  return true;
}

/** Canonical address number: a dotted quad's 32 bits; the wildcard; others from WILD + 1 on. */
const WILD = 2 ** 32;

/**
 * The canonical address (canonicalAddress) of each string id as a number,
 * made when first asked: a dotted quad, an IPv4-mapped address or an IPv6
 * address kept by value from its bits without a string (an IPv6 address is
 * numbered by its id: the pool keeps one id per value), anything else from
 * its canonical text.
 */
function canonicalIds(t: SocketTable): (id: number) => number {
  const pool = t.strings, memo = new Float64Array(pool.size).fill(-1), texts = new Map<string, number>(), w = new Int32Array(4);
  const v6Number = (id: number) => WILD + 1 + id;
  return (id) => {
    let c = memo[id];
    if (c !== -1) return c;
    const v = pool.v4(id);
    if (v > 0) c = v;
    else if (pool.v6(id, w)) {
      // "::" is the wildcard; ::ffff:a.b.c.d spelled in hextets is that IPv4 address
      c = (w[0] | w[1] | w[2] | w[3]) === 0 ? WILD : w[0] === 0 && w[1] === 0 && w[2] === 0xffff ? w[3] >>> 0 : v6Number(id);
    } else {
      const text = canonicalAddress(pool.str(id)), q = parseV4(text);
      if (text === "*") c = WILD;
      else if (q !== -1) c = q;
      else {
        // an IPv6 address in another spelling (brackets, a scope, capitals): the number of its value's id
        const h = text.split(":"), word = (k: number) => (parseInt(h[2 * k], 16) << 16) | parseInt(h[2 * k + 1], 16);
        const same = h.length === 8 ? pool.findV6(word(0), word(1), word(2), word(3)) : -1;
        if (same > 0) c = v6Number(same);
        else {
          c = texts.get(text) ?? WILD + 1 + pool.size + texts.size;
          texts.set(text, c);
        }
      }
    }
    return memo[id] = c;
  };
}

/**
 * A test of row i: can another input of cluster k list its 4-tuple (as
 * mergeSameMoment keys it, state aside)? Rows of a tuple only one input
 * lists are never merged, and in a capture of disjoint tables (tcp and
 * tcp6) that is nearly every row: they are told apart here by a hash
 * table of numbers instead of a string key each. The table holds the rows
 * of every input but the biggest, whose rows only look themselves up: a
 * table the size of the smaller inputs stays in the cache. A false yes
 * (two tuples of one 32-bit hash) only sends a row the exact way.
 */
function sharedTuples(t: SocketTable, clusterOf: Int32Array, k: number, canonical: (id: number) => number): (i: number) => boolean {
  const rows = new Map<number, number>();
  for (let i = 0; i < t.length; i++) if (clusterOf[t.input[i]] === k && t.localPort[i] !== NONE) rows.set(t.input[i], (rows.get(t.input[i]) ?? 0) + 1);
  let big = -1, others = 0;
  for (const [input, n] of rows) if (big === -1 || n > rows.get(big)!) big = input;
  for (const [input, n] of rows) if (input !== big) others += n;
  let size = 1024;
  while (size < 2 * others) size *= 2;
  const keys = new Int32Array(size), inputs = new Int32Array(size), mask = size - 1;
  const hashes = new Int32Array(t.length), inBig = new Uint8Array(t.length);
  const mix = (h: number, x: number) => Math.imul(h ^ (x | 0) ^ Math.floor(x / WILD), 0x9e3779b1) ^ (h >>> 15);
  const hash = (i: number) => {
    const la = canonical(t.localAddr[i]), ra = canonical(t.remoteAddr[i]);
    const rp = ra === WILD && t.remotePort[i] === 0 ? NONE : t.remotePort[i];
    return mix(mix(mix(mix(0x2545f491, la), t.localPort[i]), ra), rp);
  };
  for (let i = 0; i < t.length; i++) {
    if (clusterOf[t.input[i]] !== k || t.localPort[i] === NONE || t.input[i] === big) continue;
    const h = hashes[i] = hash(i);
    let s = (Math.imul(h, 0x85ebca6b) >>> 0) & mask;
    while (inputs[s] !== 0 && keys[s] !== h) s = (s + 1) & mask;
    const mine = t.input[i] + 1;
    if (inputs[s] === 0) keys[s] = h, inputs[s] = mine;
    else if (inputs[s] !== mine) inputs[s] = -1;
  }
  for (let i = 0; i < t.length; i++) {
    if (t.input[i] !== big || t.localPort[i] === NONE) continue;
    const h = hash(i);
    let s = (Math.imul(h, 0x85ebca6b) >>> 0) & mask;
    while (inputs[s] !== 0 && keys[s] !== h) s = (s + 1) & mask;
    if (inputs[s] !== 0) inputs[s] = -1, inBig[i] = 1;
  }
  return (i) => {
    if (t.input[i] === big) return inBig[i] === 1;
    const h = hashes[i];
    let s = (Math.imul(h, 0x85ebca6b) >>> 0) & mask;
    while (inputs[s] !== 0 && keys[s] !== h) s = (s + 1) & mask;
    return inputs[s] === -1;
  };
}

/**
 * Rows a and b of one tuple may be one socket: unless they name different
 * processes, or different inodes (the kernel's socket number: /proc/net/tcp
 * and tcp6 each list their own wildcard listener on a port, 0.0.0.0:22 and
 * [::]:22, two sockets whose addresses both read as the wildcard).
 */
function sameSocket(t: SocketTable, a: number, b: number): boolean {
  const pa = t.pidOf(a), pb = t.pidOf(b), ia = t.inodeOf(a), ib = t.inodeOf(b);
  return (pa === NONE || pb === NONE || pa === pb) && (ia === NONE || ib === NONE || ia === ib);
}

function countMerged(r: InputReport): void {
  r.merged = (r.merged ?? 0) + 1;
}

/** Row a carries more columns than row b (a process first). */
function richer(t: Snapshot["sockets"], a: number, b: number): boolean {
  const score = (i: number) => (t.pidPlusOne[i] !== 0 ? 4 : 0) + (t.recvQ[i] !== NONE ? 2 : 0) + (t.timer[i] ? 1 : 0) + (t.inodePlusOne[i] !== 0 ? 1 : 0);
  return score(a) > score(b);
}

/** Gives row `into` the columns it lacks from row `from` (the same socket, listed by another input). */
function enrich(snap: Snapshot, into: number, from: number): void {
  const t = snap.sockets;
  if (t.pidPlusOne[into] === 0 && t.pidPlusOne[from] !== 0) t.pidPlusOne[into] = t.pidPlusOne[from];
  if (!t.program[into] && t.program[from]) t.program[into] = t.program[from];
  if (!t.user[into] && t.user[from]) t.user[into] = t.user[from];
  if (t.inodePlusOne[into] === 0 && t.inodePlusOne[from] !== 0) t.inodePlusOne[into] = t.inodePlusOne[from];
  if (!t.timer[into] && t.timer[from]) t.timer[into] = t.timer[from];
  if (t.recvQ[into] === NONE && t.recvQ[from] !== NONE || t.sendQ[into] === NONE && t.sendQ[from] !== NONE) {
    const a = t.get(into), b = t.get(from);
    t.setQueues(into, a.recvQ ?? b.recvQ ?? NONE, a.sendQ ?? b.sendQ ?? NONE);
  }
  if (t.state[into] === UNKNOWN_STATE) t.state[into] = t.state[from];
  if (t.family[into] === 0) t.family[into] = t.family[from];
}

/**
 * An address as every tool's spelling of it compares equal: IPv4-mapped
 * IPv6 as IPv4, any wildcard as "*", IPv6 in full lower-case hextets,
 * without brackets or a %scope.
 */
export function canonicalAddress(s: string): string {
  let a = s.trim().toLowerCase();
  if (a.startsWith("[") && a.endsWith("]")) a = a.slice(1, -1);
  const pct = a.indexOf("%");
  if (pct !== -1) a = a.slice(0, pct);
  if (a === "" || a === "*" || a === "0.0.0.0" || a === "::" || a === "0:0:0:0:0:0:0:0") return "*";
  if (a.startsWith("::ffff:") && /^\d+\.\d+\.\d+\.\d+$/.test(a.slice(7))) return a.slice(7);
  if (a.indexOf(":") === -1) return a;
  const full = expandV6(a);
  if (full === undefined) return a;
  if (full === "0000:0000:0000:0000:0000:0000:0000:0000") return "*";
  if (full.startsWith("0000:0000:0000:0000:0000:ffff:")) {
    const h = full.split(":");
    const v = (parseInt(h[6], 16) << 16 | parseInt(h[7], 16)) >>> 0;
    return `${v >>> 24}.${v >>> 16 & 255}.${v >>> 8 & 255}.${v & 255}`;
  }
  return full;
}

/** An IPv6 address as eight four-digit hextets, or undefined when it is not one. */
function expandV6(a: string): string | undefined {
  let s = a;
  // A trailing dotted quad ("::ffff:1.2.3.4").
  const q = /(\d+)\.(\d+)\.(\d+)\.(\d+)$/.exec(s);
  if (q) s = s.slice(0, q.index) + ((+q[1] << 8 | +q[2]).toString(16)) + ":" + ((+q[3] << 8 | +q[4]).toString(16));
  const halves = s.split("::");
  if (halves.length > 2) return undefined;
  const head = halves[0] ? halves[0].split(":") : [];
  const tail = halves.length === 2 && halves[1] ? halves[1].split(":") : [];
  const fill = 8 - head.length - tail.length;
  if (halves.length === 1 ? head.length !== 8 : fill < 0) return undefined;
  const parts = [...head, ...new Array<string>(halves.length === 2 ? fill : 0).fill("0"), ...tail];
  if (parts.some((p) => !/^[0-9a-f]{1,4}$/.test(p))) return undefined;
  return parts.map((p) => p.padStart(4, "0")).join(":");
}
