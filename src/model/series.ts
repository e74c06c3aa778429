/**
 * A series: one host's sockets and counters at several moments, in time
 * order. Each moment is summarized as it is read (the counts, groups,
 * socket identities and counters the time facts need), so a long recording
 * never holds more than one moment's socket table; only the last moment
 * (the "now" every other rule looks at) stays a whole snapshot.
 *
 * This module owns what a moment's summary is and how moments are joined
 * into a series: time order, which piece of a moment counts for its
 * sockets, and socket persistence from one moment to the next (who stayed,
 * who left, how old each pile is). The summaries themselves are made by the
 * engine (src/engine/facts/_moment.ts), which owns the group keys.
 */

import { STATES } from "./states.ts";

/**
 * The groupings a moment keeps counts for, as the `group` fact names them;
 * "ephemeral" is the `ephemeral` fact's: sockets on an ephemeral local port
 * by source and destination (`10.0.0.1 -> 10.0.0.5:5432`).
 */
export const SERIES_GROUPS = ["process", "local-port", "remote-host", "destination", "ephemeral"] as const;
export type SeriesGroupBy = typeof SERIES_GROUPS[number];

/** Most keys a moment keeps per grouping (the biggest); the rest are summed in `other`. */
export const GROUP_KEYS_KEPT = 256;

/** Where a moment's data was read: an input and its lines. */
export interface MomentSource {
  /** The input's path as given. */
  input: string;
  firstLine: number;
  lastLine: number;
  /** What the piece held: a socket table, counts only (a histogram), counters. */
  holds: ("sockets" | "tallies" | "counters")[];
}

/** Counts by state id (index 0: state unknown), an Int32Array per key. */
export type GroupCounts = ReadonlyMap<string, Int32Array>;

/**
 * A moment's group counts kept flat: the keys, and one Int32Array of
 * `width` counts per key; a key's counts are a view made when asked for.
 * A watch keeps 300 moments of five groupings of up to 256 keys: an array
 * per key made some 400,000 objects the collector walked on every pass.
 */
export class GroupTable implements GroupCounts {
  readonly #keys: readonly string[];
  readonly #slot: ReadonlyMap<string, number>;
  readonly #counts: Int32Array;
  readonly #width: number;

  /** `slot`: each key's index in `keys`; `counts`: slot k's counts at k * width. */
  constructor(keys: readonly string[], slot: ReadonlyMap<string, number>, counts: Int32Array, width: number) {
    this.#keys = keys, this.#slot = slot, this.#counts = counts, this.#width = width;
  }
  get size(): number {
    return this.#keys.length;
  }
  get(key: string): Int32Array | undefined {
    const s = this.#slot.get(key);
    return s === undefined ? undefined : this.#at(s);
  }
  has(key: string): boolean {
    return this.#slot.has(key);
  }
  /** A key's count in one state, or in all (0 for a key not kept), without a view. */
  count(key: string, state?: number): number {
    const s = this.#slot.get(key);
    if (s === undefined) return 0;
    const from = s * this.#width;
    if (state !== undefined) return this.#counts[from + state];
    let n = 0;
    for (let i = from; i < from + this.#width; i++) n += this.#counts[i];
    return n;
  }
  keys(): MapIterator<string> {
    return this.#keys.values();
  }
  *values(): MapIterator<Int32Array> {
    for (let s = 0; s < this.#keys.length; s++) yield this.#at(s);
  }
  *entries(): MapIterator<[string, Int32Array]> {
    for (let s = 0; s < this.#keys.length; s++) yield [this.#keys[s], this.#at(s)];
  }
  [Symbol.iterator](): MapIterator<[string, Int32Array]> {
    return this.entries();
  }
  forEach(f: (value: Int32Array, key: string, map: GroupCounts) => void): void {
    for (let s = 0; s < this.#keys.length; s++) f(this.#at(s), this.#keys[s], this);
  }
  /**
   * The same counts keyed by `before`'s strings where it has the key (a
   * series then holds one string per key, not one per moment), and by its
   * very keys and slots, with the counts in its order, when the keys are
   * the same: a watch keeps 300 moments of five groupings.
   */
  sharing(before: GroupTable): GroupTable {
    const keys = this.#keys, w = this.#width, slot = before.#slot;
    if (keys.length === before.#keys.length) {
      const counts = new Int32Array(this.#counts.length);
      let s = 0;
      for (; s < keys.length; s++) {
        const b = slot.get(keys[s]);
        if (b === undefined) break;
        for (let i = 0; i < w; i++) counts[b * w + i] = this.#counts[s * w + i];
      }
      if (s === keys.length) return new GroupTable(before.#keys, slot, counts, w);
    }
    const shared = keys.map((k) => {
      const b = slot.get(k);
      return b === undefined ? k : before.#keys[b];
    });
    return new GroupTable(shared, new Map(shared.map((k, i) => [k, i])), this.#counts, w);
  }
  #at(s: number): Int32Array {
    return this.#counts.subarray(s * this.#width, s * this.#width + this.#width);
  }
}

/** What one moment's socket table says, for the time facts. */
export interface MomentSockets {
  /** Counts by state id, index 0 the sockets whose state is unknown. */
  states: number[];
  total: number;
  /** True when counted from socket rows (groups and identities known); false for counts only (histograms). */
  rows: boolean;
  /** Biggest keys per grouping (in no set order), with their counts by state (rows only). */
  groups: Partial<Record<SeriesGroupBy, GroupTable>>;
  /**
   * Each socket's identity (4-tuple, plus inode where known) as a number,
   * sorted, with its state id beside it; rows only. Freed once the next
   * moment has been compared with it.
   */
  identities?: { keys: Float64Array; states: Uint8Array };
  /** Orphan-state sockets (FIN_WAIT_1, CLOSING, LAST_ACK) without an owner, when owners are known. */
  orphans?: number;
}

/** Per state, how the sockets of this moment relate to the moment before. */
export interface StatePersistence {
  /** Sockets in this state now. */
  count: number;
  /** Of the previous moment's sockets in this state, those still here in it. */
  stayed: number;
  /** Of the previous moment's sockets in this state, those gone from it. */
  left: number;
  /** Sockets in this state now that were not in it at the previous moment. */
  joined: number;
  /** The longest any socket has been seen in this state, in seconds (up to now). */
  oldest: number;
  /** The median time the sockets have been seen in it, in seconds. */
  median: number;
  /** Of the first moment's sockets in this state, those still in it now. */
  fromFirst: number;
}

/** One moment. */
export interface Moment {
  /** Milliseconds: since the epoch (basis "absolute"), since midnight ("day"), or since the first moment ("relative"). */
  at: number;
  /** The time as the input printed it (a date line, a watch header, a snapshot header). */
  label: string;
  sources: MomentSource[];
  sockets?: MomentSockets;
  /** Kernel counters at this moment, by nstat name. */
  counters: Map<string, number>;
  /** Rates the input states per second itself (sar -n ETCP/TCP: `sar.retrans/s`). */
  rates: Map<string, number>;
  /** Per state id, persistence against the previous moment with a socket table (set by the series). */
  persistence?: Map<number, StatePersistence>;
}

/** The series as reports and the time facts see it. */
export interface Series {
  /** "absolute": times are dates; "day": times of day (`date +%T`); "relative": only the spacing is known (a watch header with no date). */
  basis: TimeBasis;
  moments: Moment[];
  /** Inputs that made up the series, with how many moments each gave. */
  inputs: { path: string; moments: number }[];
  /** Inputs read without a time: joined to the last moment (settings, logs, the end state). */
  timeless: string[];
  /** What was left out, with why (a cut-off last snapshot of a recording). */
  notes: string[];
}

/** How a series' times are known (see {@link Series.basis}). */
export type TimeBasis = "absolute" | "day" | "relative";

/** Moments this close together (ms) from different inputs are one moment. */
export const SAME_MOMENT_MS = 1000;

/** A moment's time: ISO text when absolute, HH:MM:SS for a time of day, else "+Ns". */
export function momentTime(s: Pick<Series, "basis">, at: number): string {
  if (s.basis === "absolute") return new Date(at).toISOString();
  if (s.basis === "day") return new Date(at).toISOString().slice(11, 19);
  return `+${Math.round(at / 100) / 10}s`;
}

/** Seconds from the first to the last moment. */
export function spanSeconds(s: Series): number {
  const m = s.moments;
  return m.length < 2 ? 0 : (m[m.length - 1].at - m[0].at) / 1000;
}

/** The moments that carry a socket table or counts. */
export function socketMoments(s: Series): Moment[] {
  return s.moments.filter((m) => m.sockets !== undefined);
}

/**
 * Joins pieces of the same moment (from several inputs, within
 * SAME_MOMENT_MS): counters and rates of all of them; the sockets of the
 * piece with the most socket rows (one tool's table, not the sum of two
 * tools' tables of the same sockets), else of the first piece with counts.
 */
export function mergeMoment(a: Moment, b: Moment): Moment {
  const better = (x?: MomentSockets, y?: MomentSockets) => {
    if (!x) return y;
    if (!y) return x;
    if (x.rows !== y.rows) return x.rows ? x : y;
    return y.total > x.total ? y : x;
  };
  const counters = new Map(a.counters);
  for (const [k, v] of b.counters) counters.set(k, v);
  const rates = new Map(a.rates);
  for (const [k, v] of b.rates) rates.set(k, v);
  const out: Moment = { at: a.at, label: a.label, sources: [...a.sources, ...b.sources], counters, rates };
  const s = better(a.sockets, b.sockets);
  if (s) out.sockets = s;
  return out;
}

/**
 * Builds a series from moments in any order: sorts them, joins the pieces
 * of one moment, and works out persistence from each socket table to the
 * next. Use {@link SeriesBuilder} to add moments one at a time (watch).
 */
export function buildSeries(moments: Moment[], meta: Omit<Series, "moments">): Series {
  const sorted = [...moments].sort((x, y) => x.at - y.at);
  const b = new SeriesBuilder(meta);
  let pending: Moment | undefined;
  for (const m of sorted) {
    if (pending && m.at - pending.at < SAME_MOMENT_MS && !sharesInput(pending, m)) pending = mergeMoment(pending, m);
    else {
      if (pending) b.add(pending);
      pending = m;
    }
  }
  if (pending) b.add(pending);
  return b.series;
}

function sharesInput(a: Moment, b: Moment): boolean {
  return a.sources.some((s) => b.sources.some((t) => t.input === s.input));
}

/** Sockets by identity, sorted by key, with their state and (for the last moment) since when they have been in it. */
interface Seen {
  keys: Float64Array;
  states: Uint8Array;
  since: Float64Array;
}

/**
 * A series grown one moment at a time, in time order. Each socket table is
 * compared with the previous one as it comes; its identities are then
 * dropped, so watching for hours keeps two tables' identities at most (and
 * the first one's, for what stayed from the start).
 */
export class SeriesBuilder {
  readonly series: Series;
  #prev: Seen | undefined;
  #first: Seen | undefined;
  #last: MomentSockets | undefined;
  /** The groups of the last moment with socket rows: the next one shares their keys. */
  #groups: MomentSockets["groups"] | undefined;
  /** At most this many moments are kept (watch); the oldest go first. */
  readonly #keep: number;

  constructor(meta: Omit<Series, "moments">, keep = Infinity) {
    this.series = { ...meta, moments: [] };
    this.#keep = keep;
  }

  add(m: Moment): void {
    const s = m.sockets;
    if (s?.rows) {
      const before = this.#groups;
      if (before) {
        for (const by of SERIES_GROUPS) {
          const g = s.groups[by], b = before[by];
          if (g && b) s.groups[by] = g.sharing(b);
        }
      }
      this.#groups = s.groups;
    }
    if (s?.identities) {
      m.persistence = this.#compare(m.at, s);
      // The builder keeps what it needs of them; the moment before gives its table up (the newest keeps it, as read).
      if (this.#last) delete this.#last.identities;
      this.#last = s;
    }
    this.series.moments.push(m);
    if (this.series.moments.length > this.#keep) this.series.moments.shift();
  }

  /** Index of the entry with key `k` and state `st` in `x` from `j` on (x sorted by key), or -1; `j` the first index with key >= k. */
  static #find(x: Seen, j: number, k: number, st: number): number {
    for (let i = j; i < x.keys.length && x.keys[i] === k; i++) if (x.states[i] === st) return i;
    return -1;
  }

  #compare(at: number, s: MomentSockets): Map<number, StatePersistence> {
    const { keys, states } = s.identities!;
    // Per state id, in a list (not a map: this runs once per socket, 100k a tick in a watch); `order`
    // keeps the states in the order they were first met, which is the order of the result.
    const by: (StatePersistence | undefined)[] = [];
    const order: number[] = [];
    const get = (st: number) => {
      let p = by[st];
      if (!p) by[st] = p = { count: 0, stayed: 0, left: 0, joined: 0, oldest: 0, median: 0, fromFirst: 0 }, order.push(st);
      return p;
    };
    const prev = this.#prev;
    const since = new Float64Array(keys.length);
    const now: Seen = { keys, states, since };
    const first = this.#first ??= now;
    // All three lists are sorted by key: one merge pass finds who stayed, since when, and who is there from the first moment.
    let j = 0, f = 0;
    for (let i = 0; i < keys.length; i++) {
      const k = keys[i], st = states[i], p = get(st);
      p.count++;
      let was = -1;
      if (prev) {
        while (j < prev.keys.length && prev.keys[j] < k) j++;
        was = SeriesBuilder.#find(prev, j, k, st);
        if (was >= 0) p.stayed++;
        else p.joined++;
      }
      since[i] = was >= 0 ? prev!.since[was] : at;
      while (f < first.keys.length && first.keys[f] < k) f++;
      if (SeriesBuilder.#find(first, f, k, st) >= 0) p.fromFirst++;
    }
    if (prev) {
      // Counted per state, the states taken in the order the previous table first met them.
      const before = new Int32Array(256), met: number[] = [];
      for (let i = 0; i < prev.keys.length; i++) if (before[prev.states[i]]++ === 0) met.push(prev.states[i]);
      for (const st of met) {
        const p = get(st);
        p.left = before[st] - p.stayed;
      }
    }
    // Ages per state (seconds), sorted as numbers for the oldest and the median.
    const ages: (Float64Array | undefined)[] = [], filled: number[] = [];
    for (const st of order) if (by[st]!.count) ages[st] = new Float64Array(by[st]!.count), filled[st] = 0;
    for (let i = 0; i < keys.length; i++) {
      const st = states[i];
      ages[st]![filled[st]++] = (at - since[i]) / 1000;
    }
    const out = new Map<number, StatePersistence>();
    for (const st of order) {
      const p = by[st]!, list = ages[st];
      if (list) {
        list.sort();
        p.oldest = list[list.length - 1];
        p.median = list[Math.floor((list.length - 1) / 2)];
      }
      out.set(st, p);
    }
    this.#prev = now;
    return out;
  }
}

/** The state ids in state order, for iteration (index 0 is "unknown"). */
export const STATE_IDS: readonly number[] = STATES.map((_, i) => i + 1);
