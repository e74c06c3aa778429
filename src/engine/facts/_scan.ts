/**
 * Column scanning shared by the facts: the grouping keys, integer-keyed
 * counters that allocate nothing per socket, list filters, and TableScan,
 * the per-snapshot lookups several facts read (sockets by state, ports
 * with a listener, exception masks, the per-state pass, subnets). Private
 * to src/engine/facts/: the rest of the engine reaches a TableScan through
 * FactContext.scan and the grouping keys through registry.ts.
 */

import { KERNEL_TIMERS, packedKernelTimerCode } from "../../model/kernel_timer.ts";
import type { Snapshot } from "../../model/snapshot.ts";
import { NONE, type SocketTable, TIMER_BY_VALUE } from "../../model/socket_table.ts";
import { STATES, type StateName, stateId } from "../../model/states.ts";
import { addressMatcher, exceptionsKey, processPids } from "../language/exceptions.ts";
import { formatPlatform, isPlatform, nodePlatform, type Platform, platformFacts, sysctlPlatform } from "../platforms.ts";
import type { RuleException } from "../rule.ts";

export const LISTEN = stateId("LISTEN");
export const TIME_WAIT = stateId("TIME_WAIT");
export const CLOSE_WAIT = stateId("CLOSE_WAIT");

/** Keys sockets can be grouped by (the `group` fact's `by`). */
export const GROUP_BY = [
  "service",
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
export const GROUP_LABELS: Readonly<Record<GroupBy, string>> = {
  service: "connections to",
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

/** How each grouping reads in words ("CLOSE_WAIT sockets by ..."). */
export const GROUP_WORDS: Readonly<Record<GroupBy, string>> = {
  ...GROUP_LABELS,
  service: "what they connect to (the server's port, or the client's upstream)",
};

export function isGroupBy(v: unknown): v is GroupBy {
  return typeof v === "string" && (GROUP_BY as readonly string[]).includes(v);
}

/** The Linux default ephemeral port range (net.ipv4.ip_local_port_range). */
export const DEFAULT_PORT_RANGE = { low: 32768, high: 60999 } as const;

/**
 * The fewest client ports toward one destination that, all taken and side
 * by side with no gap, say the port range is that block: Linux, FreeBSD
 * and macOS pick ephemeral ports at random over the range (Linux prefers
 * even ports for connect() since 4.6), so 64 neighbours in a row arise
 * only when the range holds no other port. Windows hands out dynamic ports
 * in order, so there a block says nothing.
 */
export const MIN_FULL_BLOCK = 64;

/** The states whose sockets hold a local port toward their peer. */
export const CONNECTED = ["ESTABLISHED", "SYN_SENT", "TIME_WAIT", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSING", "LAST_ACK", "CLOSE_WAIT"] as const;

/**
 * Int32 arrays lent and given back. The facts over one table count into
 * arrays as long as the table or its key space, one fact after another: a
 * new array each time costs a page fault per 4 KiB it touches (about 15 µs
 * on the bench machine, bench/README.md) and stays as garbage until a
 * collection, so the peak grew with every fact. An array lent again is
 * zeroed first. Arrays under MIN_KEPT elements are not kept: the
 * allocator recycles those cheaply. A new array of MIN_KEPT elements or
 * more is cut from the spare memory given, while it lasts: memory a helper
 * thread faulted in during the reading (SocketTable.takeSpare), so the
 * facts pay no page fault for it.
 */
export class Scratch {
  static readonly MIN_KEPT = 1 << 14;
  readonly #free: Int32Array[] = [];
  readonly #keep: boolean;
  /** The whole array each view lent as part of one is (take() lends a kept array's first `n` elements). */
  readonly #whole = new WeakMap<Int32Array, Int32Array>();
  readonly #spare: ArrayBufferLike | undefined;
  /** Bytes of #spare cut so far. */
  #cut = 0;

  /** `keep` false: every array is new and nothing given back is kept (see FRESH); `spare`: zeroed memory to cut new arrays from. */
  constructor(keep = true, spare?: ArrayBufferLike) {
    this.#keep = keep;
    this.#spare = spare;
  }

  /** A zeroed array of `n` elements: the smallest kept one that fits (a view of its first `n`), else a new one ({@link array}). */
  take(n: number): Int32Array {
    const free = this.#free;
    if (n < Scratch.MIN_KEPT) return new Int32Array(n);
    let best = -1;
    for (let j = 0; j < free.length; j++) {
      if (free[j].length >= n && (best === -1 || free[j].length < free[best].length)) best = j;
    }
    if (best === -1) return this.array(n);
    const a = free[best];
    free[best] = free[free.length - 1];
    free.pop();
    if (a.length === n) return a.fill(0);
    const v = a.subarray(0, n);
    this.#whole.set(v, a);
    return v.fill(0);
  }

  /** Gives back an array from take(); the caller must not use it again. */
  give(a: Int32Array): void {
    // (a small array's .buffer is not read: V8 would have to move it off the heap)
    if (!this.#keep || a.length < Scratch.MIN_KEPT) return;
    this.#free.push(this.#whole.get(a) ?? a);
  }

  /** A new zeroed array of `n` elements for the caller to keep: cut from the spare memory while it lasts. */
  array(n: number): Int32Array {
    const spare = this.#spare, at = this.#cut;
    if (spare === undefined || n < Scratch.MIN_KEPT || at + n * 4 > spare.byteLength) return new Int32Array(n);
    this.#cut = at + Math.ceil(n / 2) * 8;
    return new Int32Array(spare, at, n);
  }
}

/** A Scratch that keeps nothing: each take() is a new array. */
const FRESH = new Scratch(false);

/**
 * A map from keys of three int32s to dense ids, in first-seen order: open
 * addressing over one Int32Array holding per slot the key and id + 1 (0 =
 * empty) side by side, so a probe touches one cache line. Integer-only
 * hashing: no Float64 keys, no boxing.
 *
 * When the first key is a string id (an address: 0 to `front` - 1), the
 * id of the first tuple seen with each such key is kept in a table indexed
 * by it (that tuple's other keys in tables by id) and found there without
 * hashing; only the other tuples with that key are hashed. Where most
 * first keys come with one tuple (a host's sockets toward each of many
 * peers), most tuples are found there; and string ids come in table order,
 * so that table is read almost in order where a hash table of a million
 * tuples is read at random.
 */
export class TupleIds {
  #t: Int32Array;
  #mask: number;
  /** Tuples in the hash table (the others are found through #front). */
  #hashed = 0;
  /** Per first key a: the id + 1 of the first tuple seen with it (0: none yet). */
  readonly #front: Int32Array | undefined;
  /** The b and c of each id given through #front. */
  #fb: Int32Array;
  #fc: Int32Array;
  readonly #scratch: Scratch;
  size = 0;

  /**
   * `expected`: tuples to make room for in the hash table; `front`: first
   * keys 0 to front - 1 are string ids (see above); `ids`: about how many
   * ids there will be (room for their keys in the front's tables).
   */
  constructor(expected = 0, scratch = FRESH, front = 0, ids = 1024) {
    let n = 64;
    while (n < expected * 2) n *= 2;
    this.#scratch = scratch;
    this.#t = scratch.take(n * 4);
    this.#mask = n - 1;
    this.#front = front > 0 ? scratch.take(front) : undefined;
    this.#fb = scratch.take(front > 0 ? Math.max(1, ids) : 0);
    this.#fc = scratch.take(front > 0 ? Math.max(1, ids) : 0);
  }

  /** Gives the table back to the scratch it came from; the ids are gone. */
  release(): void {
    const s = this.#scratch;
    s.give(this.#t);
    if (this.#front !== undefined) s.give(this.#front);
    s.give(this.#fb), s.give(this.#fc);
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
    const f = this.#front;
    if (f !== undefined && a >= 0 && a < f.length) {
      const e = f[a];
      if (e === 0) {
        f[a] = fresh + 1;
        if (fresh >= this.#fb.length) this.#growFront(fresh);
        this.#fb[fresh] = b, this.#fc[fresh] = c;
        this.size++;
        return fresh;
      }
      if (this.#fb[e - 1] === b && this.#fc[e - 1] === c) return e - 1;
    }
    const t = this.#t, mask = this.#mask;
    let h = TupleIds.#hash(a, b, c) & mask, k = h << 2;
    for (let e = t[k + 3]; e !== 0; e = t[k + 3]) {
      if (t[k] === a && t[k + 1] === b && t[k + 2] === c) return e - 1;
      h = (h + 1) & mask, k = h << 2;
    }
    t[k] = a, t[k + 1] = b, t[k + 2] = c, t[k + 3] = fresh + 1;
    this.size++;
    if (++this.#hashed * 2 > mask) this.#grow();
    return fresh;
  }

  /** The id of (a, b, c), or -1 when it was never added. */
  find(a: number, b: number, c: number): number {
    a |= 0, b |= 0, c |= 0;
    const f = this.#front;
    if (f !== undefined && a >= 0 && a < f.length) {
      const e = f[a];
      // no tuple with this first key at all: it would be here
      if (e === 0) return -1;
      if (this.#fb[e - 1] === b && this.#fc[e - 1] === c) return e - 1;
    }
    const t = this.#t, mask = this.#mask;
    let h = TupleIds.#hash(a, b, c) & mask, k = h << 2;
    for (let e = t[k + 3]; e !== 0; e = t[k + 3]) {
      if (t[k] === a && t[k + 1] === b && t[k + 2] === c) return e - 1;
      h = (h + 1) & mask, k = h << 2;
    }
    return -1;
  }

  /** Room in #fb and #fc for id `id`. */
  #growFront(id: number): void {
    let n = this.#fb.length * 2;
    while (n <= id) n *= 2;
    const s = this.#scratch, fb = s.take(n), fc = s.take(n);
    fb.set(this.#fb), fc.set(this.#fc);
    s.give(this.#fb), s.give(this.#fc);
    this.#fb = fb, this.#fc = fc;
  }

  #grow(): void {
    const old = this.#t, n = (this.#mask + 1) * 2, mask = n - 1, t = this.#scratch.take(n * 4);
    for (let j = 0; j < old.length; j += 4) {
      if (old[j + 3] === 0) continue;
      let h = TupleIds.#hash(old[j], old[j + 1], old[j + 2]) & mask;
      while (t[(h << 2) + 3] !== 0) h = (h + 1) & mask;
      const k = h << 2;
      t[k] = old[j], t[k + 1] = old[j + 1], t[k + 2] = old[j + 2], t[k + 3] = old[j + 3];
    }
    this.#t = t, this.#mask = mask;
    this.#scratch.give(old);
  }
}

/**
 * The sockets of some states by their 4-tuple, to find each connection's
 * other end on the same host: the peer of socket i is the indexed socket
 * whose local endpoint is i's remote one and whose remote endpoint is i's
 * local one.
 */
export class PeerIndex {
  readonly #ids: TupleIds;
  readonly #sock: Int32Array;
  readonly #count: Int32Array;
  readonly #scratch: Scratch;
  constructor(t: SocketTable, list: Int32Array, from: number, to: number, scratch = FRESH) {
    this.#scratch = scratch;
    this.#ids = new TupleIds(to - from, scratch);
    this.#sock = scratch.take(Math.max(1, to - from));
    this.#count = scratch.take(Math.max(1, to - from));
    let n = 0;
    for (let k = from; k < to; k++) {
      const i = list[k];
      if (t.localPort[i] === NONE || t.remotePort[i] === NONE) continue;
      const id = this.#ids.idOf(t.localAddr[i], t.remoteAddr[i], (t.localPort[i] << 16) | t.remotePort[i], n);
      if (id === n) this.#sock[n++] = i;
      this.#count[id]++;
    }
  }
  /** How many 4-tuples are indexed (ids are 0..size-1, in the order first seen). */
  get size(): number {
    return this.#ids.size;
  }
  /** The id of the indexed 4-tuple at the other end of socket i, or -1. */
  peerId(t: SocketTable, i: number): number {
    if (t.localPort[i] === NONE || t.remotePort[i] === NONE) return -1;
    return this.#ids.find(t.remoteAddr[i], t.localAddr[i], (t.remotePort[i] << 16) | t.localPort[i]);
  }
  /** The first indexed socket with 4-tuple `id`. */
  socket(id: number): number {
    return this.#sock[id];
  }
  /** How many indexed sockets have 4-tuple `id` (more than one only when inputs repeat a socket). */
  count(id: number): number {
    return this.#count[id];
  }
  /** The indexed socket at the other end of socket i, or -1. */
  peerOf(t: SocketTable, i: number): number {
    const id = this.peerId(t, i);
    return id === -1 ? -1 : this.#sock[id];
  }
  /** Gives its arrays back to the scratch; the index is not to be used after. */
  release(): void {
    this.#ids.release();
    this.#scratch.give(this.#sock), this.#scratch.give(this.#count);
  }
}

/**
 * The `n` slots of 0..size-1 with the biggest counts, biggest first; empty
 * slots (count 0) left out. Ties go to the smaller `order[slot]`, or to the
 * smaller slot without `order`.
 */
export function topSlots(size: number, n: number, counts: Int32Array, order?: Int32Array): number[] {
  const best: number[] = [];
  const before = order
    ? (a: number, b: number) => counts[a] > counts[b] || (counts[a] === counts[b] && order[a] < order[b])
    : (a: number, b: number) => counts[a] > counts[b];
  // Once n slots are kept, a slot below the smallest kept count cannot enter: one comparison passes
  // it over (a table of ports or addresses is mostly such slots).
  let floor = 1;
  for (let s = 0; s < size; s++) {
    if (counts[s] < floor || best.length === n && !before(s, best[n - 1])) continue;
    let j = best.length < n ? best.length : n - 1;
    if (best.length < n) best.push(s);
    while (j > 0 && before(s, best[j - 1])) {
      best[j] = best[j - 1];
      j--;
    }
    best[j] = s;
    if (best.length === n) floor = counts[best[n - 1]];
  }
  return best;
}

/**
 * Growable counters keyed by a number or by a tuple of three int32s: one
 * slot per distinct key, in first-seen order, no per-socket allocation.
 * Number keys in -1..dense-2 (ports, string ids) index a direct table;
 * others, and tuples, go through a TupleIds table.
 */
export class KeyCounter {
  readonly #direct: Int32Array | undefined;
  readonly #hashed: TupleIds;
  readonly #scratch: Scratch;
  counts: Int32Array;
  extra: Int32Array;
  first: Int32Array;
  size = 0;
  /** `expected`: how many keys to make room for up front; `scratch`: where its arrays come from and go back to (release). */
  constructor(dense = 0, expected = 0, scratch = FRESH) {
    // every field set here, the same way: one object shape for every counter, so the loops stay optimized
    this.#scratch = scratch;
    this.#direct = dense > 0 ? scratch.take(dense) : undefined;
    this.#hashed = new TupleIds(expected, scratch);
    const n = Math.max(64, expected);
    this.counts = scratch.take(n), this.extra = scratch.take(n), this.first = scratch.take(n);
  }
  /** Gives every array back to the scratch; the counter and its arrays are not to be used after. */
  release(): void {
    const s = this.#scratch;
    if (this.#direct !== undefined) s.give(this.#direct);
    this.#hashed.release();
    s.give(this.counts), s.give(this.extra), s.give(this.first);
  }
  /** Counts socket i under `key`; `extra` (0 or 1) adds to its extra count. Returns the key's slot. */
  add(key: number, i: number, extra: number): number {
    const d = this.#direct;
    if (d !== undefined && key >= -1 && key < d.length - 1) {
      let s = d[key + 1] - 1;
      if (s < 0) d[key + 1] = (s = this.#slot(i)) + 1;
      this.counts[s]++;
      this.extra[s] += extra;
      return s;
    }
    return this.addTuple(key, 0, 0, i, extra);
  }
  /** Counts socket i under the key (a, b, c). Returns the key's slot. */
  addTuple(a: number, b: number, c: number, i: number, extra: number): number {
    const s = this.#hashed.idOf(a, b, c, this.size);
    if (s === this.size) this.#slot(i);
    this.counts[s]++;
    this.extra[s] += extra;
    return s;
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
  /**
   * By pid (`pidPlusOne`: the table's column, pid + 1, 0 when unknown;
   * undefined when no row has one), else program, else none; returns how
   * many name a process.
   */
  countByProcess(list: Int32Array, from: number, to: number, pidPlusOne: Int32Array | undefined, program: Uint32Array, st: Uint8Array): number {
    let named = 0;
    for (let k = from; k < to; k++) {
      const i = list[k];
      const p = pidPlusOne === undefined ? 0 : pidPlusOne[i];
      const key = p !== 0 ? p - 1 : program[i] !== 0 ? -1 - program[i] : -1;
      if (key !== -1) named++;
      this.addTuple(key, 0, 0, i, st[i] === TIME_WAIT ? 1 : 0);
    }
    return named;
  }
  #slot(i: number): number {
    const s = this.size++;
    if (s === this.counts.length) {
      const n = s * 2, from = this.#scratch;
      const c = from.take(n), e = from.take(n), f = from.take(n);
      c.set(this.counts), e.set(this.extra), f.set(this.first);
      from.give(this.counts), from.give(this.extra), from.give(this.first);
      this.counts = c, this.extra = e, this.first = f;
    }
    this.first[s] = i;
    return s;
  }
  /** Slots of the `n` biggest groups, biggest first (ties: first seen first). */
  top(n: number): number[] {
    return topSlots(this.size, n, this.counts);
  }
}

// List filters for TableScan.select: each writes to `out` (from 0) the
// sockets of list[from..to) it keeps, in order, and returns how many; `out`
// may be `list` when `from` is 0.

/**
 * Keeps the sockets 0..n-1 in a wanted state (wanted[s]: 0 or 1). Without
 * a branch: every index is written and the wanted ones kept, since states
 * come in no order a branch could guess (half the time of `if`).
 */
function keepStates(st: Uint8Array, n: number, wanted: Uint8Array, out: Int32Array): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    out[m] = i;
    m += wanted[st[i]];
  }
  return m;
}

/** Keeps the sockets 0..n-1 in a wanted state with a positive queue figure: one pass, the queue test first (few pass it). */
function keepStatesQueued(st: Uint8Array, n: number, wanted: Uint8Array, q: Int32Array, out: Int32Array): number {
  let m = 0;
  for (let i = 0; i < n; i++) if (q[i] > 0 && wanted[st[i]] === 1) out[m++] = i;
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
export function anyKnown(list: Int32Array, from: number, to: number, q: Int32Array): boolean {
  for (let k = from; k < to; k++) if (q[list[k]] !== NONE) return true;
  return false;
}

/** Parses an integer answer or sysctl; undefined when not a plain integer. */
export function intOf(s: string): number | undefined {
  return /^-?\d+$/.test(s.trim()) ? Number(s.trim()) : undefined;
}

export function round4(x: number): number {
  return Math.round(x * 10000) / 10000;
}

export function withoutFirst<T extends { first: number }>(g: T): Omit<T, "first"> {
  const { first: _f, ...rest } = g;
  return rest;
}

/** `addr:port`, `[v6]:port`; `*` for no port. */
export function fmtEndpoint(addr: string, port: number): string {
  const p = port === NONE ? "*" : String(port);
  return addr.indexOf(":") !== -1 ? `[${addr}]:${p}` : `${addr}:${p}`;
}

/** The state names of a `state` param (one name or a list), valid ones only, in state order; undefined for all states. */
export function stateList(s: unknown): StateName[] | undefined {
  if (s === undefined || s === null) return undefined;
  const list = (Array.isArray(s) ? s : [s]).map(String);
  return STATES.filter((name) => list.includes(name));
}

/** A lookup by state id: 1 for the wanted states (all when `s` is absent). */
export function stateMask(s: unknown): Uint8Array {
  const m = new Uint8Array(STATES.length + 1);
  const list = stateList(s);
  if (!list) {
    m.fill(1);
    return m;
  }
  for (const name of list) m[STATES.indexOf(name) + 1] = 1;
  return m;
}

const CONNECTED_MASK = stateMask([...CONNECTED]);

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

/**
 * The subnet of an address as text: a dotted quad's /24 (an IPv4-mapped
 * one's too), an IPv6 address's /64 (its first four groups, as written),
 * anything else itself.
 */
function subnetOf(addr: string): string {
  const a = addr.startsWith("::ffff:") ? addr.slice(7) : addr;
  const v4 = /^(\d+\.\d+\.\d+)\.\d+$/.exec(a);
  if (v4) return `${v4[1]}.0/24`;
  // a name, or an IPv4-mapped address netstat cut short ("::ffff:10.5.25"): itself
  if (a.indexOf(":") === -1) return a;
  // the groups before "::", the zeros it stands for, the groups after it (a dotted quad ending them is two)
  const gap = addr.indexOf("::");
  const head = (gap === -1 ? addr : addr.slice(0, gap)).split(":").filter(Boolean);
  if (gap !== -1 && head.length < 4) {
    const tail = addr.slice(gap + 2).split(":").filter(Boolean);
    const after = tail.length + (tail.length > 0 && tail[tail.length - 1].includes(".") ? 1 : 0);
    for (let k = head.length + after; k < 8; k++) head.push("0");
    head.push(...tail);
  }
  while (head.length < 4) head.push("0");
  return `${head.slice(0, 4).join(":")}::/64`;
}

/** subnetOf's /64 of an IPv6 address kept as its words (the pool writes groups in lowercase hex, no leading zeros). */
function v6Subnet(w0: number, w1: number): string {
  return `${(w0 >>> 16).toString(16)}:${(w0 & 0xffff).toString(16)}:${(w1 >>> 16).toString(16)}:${(w1 & 0xffff).toString(16)}::/64`;
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

/** Subnet keys from here up name subnets that are not a dotted quad's /24 (TableScan.subnet). */
const SUBNET_NAMED = 1 << 24;

/** subnetOf's name for a v4Prefix value. */
function prefixName(p: number): string {
  return `${p >>> 16}.${(p >>> 8) & 255}.${p & 255}.0/24`;
}

/** Per-state figures (index: state id): sockets, with queue figures, with a nonzero Recv-Q / Send-Q and their bytes, with known ownership, orphaned. */
export interface StateStats {
  seen: Float64Array;
  withQ: Float64Array;
  rq: Float64Array;
  sq: Float64Array;
  rb: Float64Array;
  sb: Float64Array;
  known: Float64Array;
  orphan: Float64Array;
  /** The largest Recv-Q and Send-Q of one socket. */
  mr: Float64Array;
  ms: Float64Array;
}

/** The ephemeral port range and where it came from. */
export interface PortRange {
  low: number;
  high: number;
  size: number;
  /** sysctl: the inputs carry the setting; block: every port of one block is in use toward one destination; default: the platform's default. */
  source: "sysctl" | "block" | "default";
}

/** How much of the socket table the evidence shows (see TableScan.coverage). */
export interface Coverage {
  /** The nature of the socket evidence: full tables, excerpts of tables, counts without rows, or none. */
  table: "full" | "excerpt" | "counts" | "none";
  /** Socket rows, and sockets known only by count. */
  rows: number;
  tallied: number;
  /** Per state id: exact (every socket in it is counted), lower (some are shown, more may exist), unknown (the evidence cannot show it). */
  states: ("exact" | "lower" | "unknown")[];
  /** True when a full table with rows was given: the listeners it lacks do not exist. */
  listenersComplete: boolean;
  /** The filters that made inputs excerpts, as pasted. */
  filters: string[];
  /** Rows were cut (head, tail, elided, a count larger than the rows): piles are bigger than shown. */
  truncated: boolean;
  /** Rows or counts are limited to some ports. */
  portFiltered: boolean;
  /**
   * True when the evidence is excerpts and none of them was cut by state
   * (no state filter, no grep for a state; only head, tail, elision, or a
   * filter on ports, addresses or processes): the rows shown are then a
   * sample of their sockets in every state, so shares among them estimate
   * the table's (exactly, for an ss port filter).
   */
  stateBlind: boolean;
}

/** Where the platform was read from. */
export interface PlatformGuess {
  /** The platform; undefined when nothing says (or only "BSD", see family). */
  name: Platform | undefined;
  /** The platform, or "bsd" for a BSD netstat that does not tell macOS from FreeBSD. */
  family: Platform | "bsd" | undefined;
  /** What said it: the snapshot, the live host, a format, a sysctl, a log line. */
  from: string;
}

/** Timer kinds, as the `timers` fact names them (index: the code timerKind returns). */
export const TIMER_KINDS = ["none", "retransmit", "persist", "keepalive", "timewait", "off"] as const;

/**
 * The kind of a socket's timer as the tools print it: ss `persist,300ms,0`,
 * netstat `probe (0.22/0/0)`, /proc `probe (0.20s)` all mean the persist
 * (zero-window probe) timer; `on` and `retransmit` the retransmission timer.
 */
export function timerKind(text: string): number {
  const m = /^[A-Za-z]+/.exec(text.trim());
  switch (m?.[0].toLowerCase()) {
    case "on": case "retransmit": case "retrans": return 1;
    case "persist": case "probe": return 2;
    case "keepalive": return 3;
    case "timewait": return 4;
    case "off": return 5;
    default: return 0;
  }
}

/** The kind of each /proc timer code's name (model/kernel_timer.ts). */
const KIND_BY_CODE = KERNEL_TIMERS.map(timerKind);

/**
 * What several facts read from one snapshot's socket table, each computed
 * once on first use: sockets by state, ports with a listener, exception
 * masks, the per-state pass, subnets. Build one per snapshot.
 */
export class TableScan {
  readonly snap: Snapshot;
  readonly t: SocketTable;
  readonly #masks = new Map<string, Uint8Array | null>();
  readonly #stats = new Map<Uint8Array | null, StateStats>();
  readonly #subnetNames: string[] = [];
  readonly #subnetByName = new Map<string, number>();
  /** An IPv6 address's four words, read from the pool. */
  readonly #words = new Int32Array(4);
  #listenPorts: Uint8Array | undefined;
  #inputProcess: Uint8Array | undefined;
  #stateIndex: { order: Int32Array; start: Int32Array } | undefined;
  #subnetKeys: Int32Array | undefined;
  #scratch: Int32Array | undefined;
  #portRange: PortRange | undefined;
  #rowsByInput: Int32Array | undefined;
  #coverage: Coverage | undefined;
  #platform: PlatformGuess | undefined;
  #timerKinds: Uint8Array | undefined;
  #clientGroups: { rows: Int32Array; group: Int32Array; size: number } | undefined;
  /** Where the facts' counters over this table take their arrays from and give them back to. */
  readonly scratch: Scratch;

  constructor(snap: Snapshot) {
    this.snap = snap;
    this.t = snap.sockets;
    this.scratch = new Scratch(true, this.t.takeSpare());
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
    const t = this.t, st = t.state, n = STATES.length + 1, seen = this.stateStats(null).seen;
    const start = new Int32Array(n + 1);
    for (let s = 0; s < n; s++) start[s + 1] = start[s] + seen[s];
    const next = start.slice(0, n), order = this.scratch.array(t.length);
    for (let i = 0; i < t.length; i++) order[next[st[i]]++] = i;
    return this.#stateIndex = { order, start };
  }

  /** Per input: 1 when some socket row of it names a process. */
  inputsWithProcess(): Uint8Array {
    if (!this.#inputProcess) this.stateStats(null);
    return this.#inputProcess!;
  }

  /** True when some socket row names a process (a pid or a program). */
  namesAnyProcess(): boolean {
    return this.inputsWithProcess().includes(1);
  }

  /** True when the inputs hold some log or error lines. */
  hasLogs(): boolean {
    if (this.snap.symptoms.size > 0) return true;
    return this.snap.inputs.some((r) => (r.kinds.log ?? 0) + (r.kinds.symptom ?? 0) > 0);
  }

  /** Socket rows per input. */
  rowsByInput(): Int32Array {
    if (this.#rowsByInput) return this.#rowsByInput;
    const out = new Int32Array(this.snap.inputs.length + 1), input = this.t.input;
    for (let i = 0; i < this.t.length; i++) out[input[i]]++;
    return this.#rowsByInput = out;
  }

  /**
   * The platform the socket tables come from: the snapshot's own word, the
   * live host, the formats that hold most socket rows, then the sysctl
   * names and the log lines.
   */
  platform(): PlatformGuess {
    if (this.#platform) return this.#platform;
    const snap = this.snap;
    const known = (p: Platform, from: string): PlatformGuess => ({ name: p, family: p, from });
    if (isPlatform(snap.platform)) return this.#platform = known(snap.platform, "the inputs");
    const live = snap.live ? nodePlatform(snap.capture?.platform) : undefined;
    if (live) return this.#platform = known(live, "this machine");
    const rows = this.rowsByInput();
    const votes = new Map<Platform | "bsd", number>();
    snap.inputs.forEach((r, j) => {
      const p = r.capture?.platform ? nodePlatform(r.capture.platform) : formatPlatform(r.format);
      const n = rows[j] + Math.max(0, r.sockets - rows[j]);
      if (p && n > 0) votes.set(p, (votes.get(p) ?? 0) + n);
    });
    let best: Platform | "bsd" | undefined, most = 0;
    for (const [p, n] of votes) if (n > most) [best, most] = [p, n];
    let from = "the socket table's format";
    if (!best) {
      for (const key of snap.sysctls.keys()) {
        const p = sysctlPlatform(key);
        if (p && (best === undefined || best === "bsd")) best = p;
      }
      from = "the sysctl names";
    }
    if (!best || best === "bsd") {
      for (const s of snap.symptoms.values()) {
        for (const e of s.examples) {
          const p = isPlatform(e.platform) ? e.platform : undefined;
          if (p && (best === undefined || (best === "bsd" && (p === "macos" || p === "freebsd")))) [best, from] = [p, "the log lines"];
        }
      }
      if (!best && (snap.symptoms.has("LISTEN_OVERFLOW"))) [best, from] = ["bsd", "the log lines"];
    }
    return this.#platform = { name: best === "bsd" ? undefined : best, family: best, from };
  }

  /**
   * How much of the socket table the inputs show. A full table (rows, no
   * filter) or a state histogram counts every state exactly; an excerpt
   * (grep, head, a state filter, elided rows: InputReport.sample) shows
   * some sockets of the states it holds, so their counts are lower bounds
   * and the states it filtered away are unknown, never zero; a count of one
   * state (`grep X | wc -l`) tells that state only. With no socket evidence
   * at all, every state is unknown.
   */
  coverage(): Coverage {
    if (this.#coverage) return this.#coverage;
    const snap = this.snap, n = STATES.length + 1, rows = this.rowsByInput();
    const states = new Array<"exact" | "lower" | "unknown">(n).fill("unknown");
    const better = (id: number, k: "exact" | "lower") => {
      if (states[id] !== "exact") states[id] = k;
    };
    const stateRows = new Int32Array(n * (snap.inputs.length + 1));
    const st = this.t.state, input = this.t.input, m = snap.inputs.length + 1;
    for (let i = 0; i < this.t.length; i++) stateRows[st[i] * m + input[i]]++;
    let full = false, excerpt = false, counts = false, totalRows = 0, tallied = 0, listenRows = false, truncated = false, portFiltered = false, stateBlind = true;
    const filters: string[] = [];
    // The most sockets one other input counts from a table's rows (`| wc -l`, `grep -c`, a histogram): a
    // table with fewer rows is no full table. Not a summary's (ss -s, /proc/net/snmp): they count the
    // whole host, sockets in CLOSE that no table lists among them.
    const countedRows = snap.inputs.map((r) => (r.tallies ?? []).reduce((a, x) => x.how === "summary" ? a : a + x.count, 0));
    snap.inputs.forEach((r, j) => {
      const own = rows[j];
      totalRows += own;
      const records = r.tallies ?? [];
      const countOnly = records.length ? records.reduce((a, x) => a + x.count, 0) : Math.max(0, r.sockets - own);
      tallied += countOnly;
      if (r.sample) {
        for (const f of r.sample.filters) if (!filters.includes(f)) filters.push(f);
        if (r.sample.reasons.some((x) => x === "head" || x === "tail" || x === "elided" || x === "count-exceeds-rows")) truncated = true;
        if (r.sample.reasons.includes("port-filter") || (r.sample.ports?.length ?? 0) > 0) portFiltered = true;
        if (own > 0 || countOnly > 0) excerpt = true;
        const only = r.sample.states;
        if (only !== undefined || r.sample.reasons.includes("state-filter")) stateBlind = false;
        // a state filter alone (`ss -tan state close-wait`, `ss -ltn`) shows every socket in its states
        const whole = only !== undefined && r.sample.reasons.every((x) => x === "state-filter");
        for (let id = 1; id < n; id++) {
          if (only && !only.includes(STATES[id - 1])) continue;
          if (whole) better(id, "exact");
          else if (stateRows[id * m + j] > 0) better(id, "lower");
        }
        if (whole && only.includes("LISTEN") && own > 0) listenRows = true;
        for (const x of records) if (x.state) better(stateId(x.state), "lower");
        return;
      }
      // Rows beside a count of more sockets than they are ("TIME_WAIT: 6094" and four rows of them):
      // a sample of the table, whatever its command line says.
      if (own > 0 && countedRows.some((c, k) => k !== j && c > own)) {
        excerpt = true;
        for (let id = 1; id < n; id++) if (stateRows[id * m + j] > 0) better(id, "lower");
        return;
      }
      if (own > 0) {
        full = true;
        for (let id = 0; id < n; id++) states[id] = "exact";
        return;
      }
      if (countOnly > 0) {
        counts = true;
        // a histogram or summary counts every state; a count after a one-state filter tells that state
        const perState = records.filter((x) => x.state !== null && (x.how === "wc-l" || x.how === "grep-c" || x.how === "host-count"));
        if (records.length && perState.length === records.length) for (const x of perState) better(stateId(x.state!), "exact");
        else for (let id = 0; id < n; id++) better(id, "exact");
      }
    });
    if (snap.live) for (let id = 0; id < n; id++) states[id] = "exact";
    const table = snap.live || full ? "full" : excerpt ? "excerpt" : counts ? "counts" : "none";
    return this.#coverage = { table, rows: totalRows, tallied, states, listenersComplete: (table === "full" && (snap.live || totalRows > 0)) || listenRows, filters, truncated, portFiltered, stateBlind: table === "excerpt" && stateBlind };
  }

  /**
   * The ephemeral port range: the setting when the inputs carry it
   * (net.ipv4.ip_local_port_range, net.inet.ip.portrange.first/last,
   * netsh's dynamic port range), else a block of at least MIN_FULL_BLOCK
   * ports every one of which is in use toward one destination (not on
   * Windows), else the platform's default (Linux's when nothing says).
   */
  portRange(): PortRange {
    if (this.#portRange) return this.#portRange;
    const sys = (k: string) => this.snap.sysctls.get(k)?.value.trim();
    const make = (low: number, high: number, source: PortRange["source"]) => ({ low, high, size: high - low + 1, source });
    const ok = (low: number, high: number) => Number.isInteger(low) && Number.isInteger(high) && low >= 0 && low <= high && high <= 65535;
    const m = /^(\d+)\s+(\d+)$/.exec(sys("net.ipv4.ip_local_port_range") ?? "");
    if (m && ok(Number(m[1]), Number(m[2]))) return this.#portRange = make(Number(m[1]), Number(m[2]), "sysctl");
    const first = Number(sys("net.inet.ip.portrange.hifirst") ?? sys("net.inet.ip.portrange.first")), last = Number(sys("net.inet.ip.portrange.hilast") ?? sys("net.inet.ip.portrange.last"));
    if (ok(first, last)) return this.#portRange = make(first, last, "sysctl");
    const start = Number(sys("windows.dynamicport.start")), count = Number(sys("windows.dynamicport.count"));
    if (ok(start, start + count - 1) && count > 0) return this.#portRange = make(start, start + count - 1, "sysctl");
    const p = this.platform();
    if (p.family !== "windows") {
      const b = this.fullBlock();
      if (b) return this.#portRange = make(b.low, b.high, "block");
    }
    const d = p.name ? platformFacts(p.name).range : DEFAULT_PORT_RANGE;
    return this.#portRange = make(d.low, d.high, "default");
  }

  /**
   * The client ports toward the busiest destination (connected sockets
   * whose local port has no listener), when they fill a block of at least
   * MIN_FULL_BLOCK ports with no gap; undefined otherwise.
   */
  fullBlock(): { low: number; high: number; key: string } | undefined {
    const lport = this.t.localPort, { rows, group, size } = this.clientGroups(), n = rows.length;
    if (n < MIN_FULL_BLOCK) return undefined;
    const counts = this.scratch.take(size);
    for (let k = 0; k < n; k++) counts[group[k]]++;
    // the busiest destination; ties: the first seen (ids are in table order)
    let top = 0;
    for (let g = 1; g < size; g++) if (counts[g] > counts[top]) top = g;
    const most = counts[top];
    this.scratch.give(counts);
    if (most < MIN_FULL_BLOCK) return undefined;
    const used = new Uint8Array(65536);
    let low = 65536, high = -1, distinct = 0, f = -1;
    for (let k = 0; k < n; k++) {
      if (group[k] !== top) continue;
      const p = lport[rows[k]];
      if (f === -1) f = rows[k];
      if (!used[p]) used[p] = 1, distinct++;
      if (p < low) low = p;
      if (p > high) high = p;
    }
    if (distinct < MIN_FULL_BLOCK || high - low + 1 !== distinct) return undefined;
    return { low, high, key: this.keyText("source-destination", f) };
  }

  /**
   * The client side of the table: sockets in a connected state on a local
   * port no listener has, grouped by (destination, source address). `rows`
   * holds them in table order, `group[k]` the group of rows[k]; groups are
   * numbered in table order of their first socket. Hashed once for every
   * fact that counts client ports (the range's full block, ephemeral
   * ports), which then pass over these rows, not the whole table.
   */
  clientGroups(): { rows: Int32Array; group: Int32Array; size: number } {
    if (this.#clientGroups) return this.#clientGroups;
    const t = this.t, st = t.state, lp = this.listenPorts(), lport = t.localPort, ra = t.remoteAddr, rp = t.remotePort, la = t.localAddr;
    // not scratchList(): select() may be passing over it when the port range is first asked for
    const all = this.scratch.take(t.length), seen = this.scratch.take(t.strings.size);
    let clients = 0, destinations = 0;
    for (let i = 0; i < t.length; i++) {
      const p = lport[i];
      if (p === NONE || CONNECTED_MASK[st[i]] !== 1 || lp[p + 1] !== 0) continue;
      all[clients++] = i;
      if (seen[ra[i]] === 0) seen[ra[i]] = 1, destinations++;
    }
    this.scratch.give(seen);
    const rows = this.scratch.array(clients), group = this.scratch.array(clients);
    rows.set(all.subarray(0, clients));
    this.scratch.give(all);
    // Keyed by the destination's address first: each destination's first
    // tuple is found without hashing (see TupleIds), the others hashed. Only
    // the client sockets past the first toward each destination can reach
    // the hash table: it is sized for them at once (grown from small, it
    // rehashed each tuple again at every doubling, and the scratch kept
    // every size it went through).
    const ids = new TupleIds(clients - destinations, this.scratch, t.strings.size, clients);
    let n = 0;
    for (let k = 0; k < clients; k++) {
      const i = rows[k], id = ids.idOf(ra[i], rp[i], la[i], n);
      if (id === n) n++;
      group[k] = id;
    }
    ids.release();
    return this.#clientGroups = { rows, group, size: n };
  }

  /**
   * The kind (an index in TIMER_KINDS) of timer cell `c` (not 0; see
   * TIMER_BY_VALUE): a kernel timer's from its code, a text's from its words,
   * worked out once per string id.
   */
  timerKindOf(c: number): number {
    if (c >= TIMER_BY_VALUE) return KIND_BY_CODE[packedKernelTimerCode(c - TIMER_BY_VALUE)];
    const pool = this.t.strings;
    // 255: not worked out yet
    const kinds = this.#timerKinds ??= new Uint8Array(pool.size).fill(255);
    if (kinds[c] === 255) {
      const code = pool.timerCode(c);
      kinds[c] = code >= 0 ? KIND_BY_CODE[code] : timerKind(pool.str(c));
    }
    return kinds[c];
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
        pids = processPids(e.processes);
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
        if (procs && !procs[t.program[i]] && !pids!.has(t.pidOf(i))) continue;
        mask[i] = 1;
        any = true;
      }
    }
    const out = any ? mask : null;
    this.#masks.set(key, out);
    return out;
  }

  /**
   * Per-state figures over the socket rows (index: state id) for the
   * states, queues and orphans facts, once per exception mask. The same pass
   * finds the inputs whose rows name a process (see inputsWithProcess); the
   * rows without an inode count as owned or orphaned by that, at the end.
   */
  stateStats(ex: Uint8Array | null): StateStats {
    const hit = this.#stats.get(ex);
    if (hit) return hit;
    const n = STATES.length + 1, m = this.snap.inputs.length + 1;
    const seen = new Float64Array(n), withQ = new Float64Array(n), rq = new Float64Array(n), sq = new Float64Array(n);
    const rb = new Float64Array(n), sb = new Float64Array(n), known = new Float64Array(n), orphan = new Float64Array(n);
    const mr = new Float64Array(n), ms = new Float64Array(n);
    // rows without an inode, and those of them naming no process, per (state, input)
    const noInode = new Int32Array(n * m), noInodeNoProc = new Int32Array(n * m), withProc = new Uint8Array(m);
    const t = this.t, st = t.state, recvQ = t.recvQ, sendQ = t.sendQ, input = t.input, program = t.program;
    // columns no row was given are not read: a never-written page faults on a read too
    const inodePlusOne = t.inodeColumn(), pidPlusOne = t.pidColumn();
    for (let i = 0; i < t.length; i++) {
      const named = (pidPlusOne !== undefined && pidPlusOne[i] !== 0) || program[i] !== 0, j = input[i];
      if (named && j < m) withProc[j] = 1;
      if (ex && ex[i]) continue;
      const s = st[i];
      seen[s]++;
      const r = recvQ[i], q = sendQ[i];
      if (r !== NONE || q !== NONE) {
        withQ[s]++;
        if (r > 0) {
          rq[s]++, rb[s] += r;
          if (r > mr[s]) mr[s] = r;
        }
        if (q > 0) {
          sq[s]++, sb[s] += q;
          if (q > ms[s]) ms[s] = q;
        }
      }
      const ino = inodePlusOne === undefined ? NONE : t.inodeOf(i);
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
    const stats = { seen, withQ, rq, sq, rb, sb, known, orphan, mr, ms };
    this.#stats.set(ex, stats);
    return stats;
  }

  /** Subnet keys by address id (-1: not computed yet), as long as the string pool. */
  #subnetTable(): Int32Array {
    const n = this.t.strings.size;
    if (!this.#subnetKeys || this.#subnetKeys.length < n) {
      const keys = this.scratch.array(n).fill(-1);
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
    // A dotted quad, or an IPv4-mapped ::ffff:a.b.c.d (its /24 too): no string made.
    const pool = this.t.strings, quad = pool.v4(addrId);
    if (quad >= 0) return keys[addrId] = quad >>> 8;
    // An IPv6 address kept by value: its /64 from its words (an IPv4-mapped one written in hex, its /24).
    const w = this.#words;
    if (pool.v6(addrId, w)) return keys[addrId] = w[0] === 0 && w[1] === 0 && w[2] === 0xffff ? w[3] >>> 8 : this.#named(v6Subnet(w[0], w[1]));
    const addr = pool.str(addrId);
    let key = v4Prefix(addr, addr.startsWith("::ffff:") ? 7 : 0);
    if (key === -1) {
      const name = subnetOf(addr);
      // an odd address can read like a /24's name ("10.0.0.0/24"): the same subnet
      key = name.endsWith(".0/24") ? v4Prefix(name, 0, name.length - 3) : -1;
      if (key === -1) key = this.#named(name);
    }
    return keys[addrId] = key;
  }

  /** The key of a subnet that is not a dotted quad's /24, by its name. */
  #named(name: string): number {
    let id = this.#subnetByName.get(name);
    if (id === undefined) this.#subnetByName.set(name, id = this.#subnetNames.push(name) - 1);
    return SUBNET_NAMED + id;
  }

  #subnetName(key: number): string {
    return key < SUBNET_NAMED ? prefixName(key) : this.#subnetNames[key - SUBNET_NAMED];
  }

  /** The subnet keys by address id, computed for the remote addresses of list[from..to). */
  subnetsOf(list: Int32Array, from: number, to: number): Int32Array {
    const keys = this.#subnetTable(), ra = this.t.remoteAddr;
    for (let k = from; k < to; k++) if (keys[ra[list[k]]] === -1) this.#subnet(ra[list[k]]);
    return keys;
  }

  /** A socket-index buffer as long as the table, shared by the filters of select (and reused by the next caller). */
  scratchList(): Int32Array {
    if (!this.#scratch || this.#scratch.length < this.t.length) this.#scratch = this.scratch.array(this.t.length);
    return this.#scratch;
  }

  /**
   * The sockets in the wanted states that pass the filters, in table order,
   * as list[from..to). One state (the usual case) reads its run of
   * stateIndex(), several states one pass over the table; each filter then
   * keeps a shorter list in the scratch buffer, the queue test first (it
   * keeps few sockets; with several states, in the same pass).
   */
  select(
    wanted: Uint8Array, ex: Uint8Array | null, q: Int32Array | undefined,
    listener: "present" | "absent" | undefined, portFilter: "ephemeral" | "non-ephemeral" | undefined,
  ): { list: Int32Array; from: number; to: number } {
    const t = this.t, only = onlyState(wanted), out = this.scratchList();
    let list: Int32Array, from = 0, to: number;
    if (only >= 0) {
      const idx = this.stateIndex();
      list = idx.order, from = idx.start[only], to = idx.start[only + 1];
      if (q) to = keepQueued(list, from, to, out, q), list = out, from = 0;
    } else {
      list = out;
      to = q ? keepStatesQueued(t.state, t.length, wanted, q, out) : keepStates(t.state, t.length, wanted, out);
    }
    if (ex) to = keepIncluded(list, from, to, out, ex), list = out, from = 0;
    if (listener) to = keepListened(list, from, to, out, t.localPort, this.listenPorts(), listener === "present"), list = out, from = 0;
    if (portFilter) {
      const r = this.portRange();
      to = keepInRange(list, from, to, out, t.localPort, r.low, r.high, portFilter === "ephemeral"), list = out, from = 0;
    }
    return { list, from, to };
  }

  /** Why no socket has a process: the live snapshot skipped or could not do the owner scan, or the dump has none. */
  noProcessWhy(): string {
    if (!this.snap.live) {
      // the command that shows owners on the platform the dump comes from
      const how: Record<string, string> = {
        linux: "ss -tanp or netstat -tanp, as root",
        windows: "netstat -ano, or Get-NetTCPConnection with OwningProcess",
        macos: "lsof -nP -iTCP, as root",
        freebsd: "sockstat -46, as root",
        bsd: "lsof -nP -iTCP or sockstat -46, as root",
      };
      const family = this.platform().family;
      return `the dump names no process (take it with ${family ? how[family] : "ss -tanp (Linux), netstat -ano (Windows) or lsof -nP -iTCP (macOS), as root"})`;
    }
    if (!this.snap.capture?.ownerScan) return "the live snapshot was taken with --no-owners (run it without to map sockets to processes)";
    return "no socket could be matched to a process (run tcpdoc as root to see other users' processes)";
  }

  /**
   * True when socket i is the server's end of its connection: its local
   * port has a listener, or lies outside the ephemeral range while its
   * peer's port lies inside it (a client's port).
   */
  serverSide(i: number): boolean {
    const t = this.t, p = t.localPort[i];
    if (p === NONE) return false;
    if (this.listenPorts()[p + 1]) return true;
    const r = this.portRange(), q = t.remotePort[i];
    if (p >= r.low && p <= r.high) return false;
    return q === NONE || (q >= r.low && q <= r.high) || q > p;
  }

  /** The key of socket i under grouping `by`, as evidence shows it. */
  keyText(by: GroupBy, i: number): string {
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
        const pid = t.pidOf(i);
        if (pid !== NONE) return prog ? `${prog} (pid ${pid})` : `pid ${pid}`;
        return prog || "no process";
      }
      case "service":
        return this.serverSide(i) ? `local port ${t.localPort[i] === NONE ? "*" : t.localPort[i]}` : fmtEndpoint(v.str(t.remoteAddr[i]), t.remotePort[i]);
      case "source-destination":
        return `${v.str(t.localAddr[i]) || "*"} -> ${fmtEndpoint(v.str(t.remoteAddr[i]), t.remotePort[i])}`;
    }
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
        return t.pidPlusOne[i] !== 0 || t.pidPlusOne[j] !== 0 ? t.pidPlusOne[i] === t.pidPlusOne[j] : t.program[i] === t.program[j];
      case "service": {
        const a = this.serverSide(i), b = this.serverSide(j);
        if (a !== b) return false;
        return a ? t.localPort[i] === t.localPort[j] : t.remoteAddr[i] === t.remoteAddr[j] && t.remotePort[i] === t.remotePort[j];
      }
      case "source-destination":
        return t.localAddr[i] === t.localAddr[j] && t.remoteAddr[i] === t.remoteAddr[j] && t.remotePort[i] === t.remotePort[j];
    }
  }

  /** Example sockets: up to `limit` in the given states, in the group of socket `first` under `by` when given. */
  examples(states: unknown, limit: number, mask: Uint8Array | null, by?: GroupBy, first?: number): number[] {
    const wanted = stateMask(states);
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
