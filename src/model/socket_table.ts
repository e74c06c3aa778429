/**
 * Compact column storage for up to millions of sockets: one typed array per
 * field, strings interned once. About 60 bytes a socket.
 */

import { formatV4, parseV4 } from "./address.ts";
import { stateName, STATES, type StateName } from "./states.ts";

/** Sentinel for an unknown queue size, port or pid. */
export const NONE = -1;

/**
 * The biggest queue figure the int32 columns hold as is. A figure from it up
 * (a queue past 31 bits, as a 64-bit kernel field can print) is stored as
 * QUEUE_CLAMPED, "this much or more": never 0 and never NONE, as a plain
 * int32 store would make it; {@link SocketTable.get} gives its exact value.
 */
export const QUEUE_CLAMPED = 0x7fffffff;

/** One socket row as a plain object (what {@link SocketTable.get} returns). */
export interface Socket {
  family: 0 | 4 | 6;
  state?: StateName;
  localAddress: string;
  localPort?: number;
  remoteAddress: string;
  remotePort?: number;
  recvQ?: number;
  sendQ?: number;
  pid?: number;
  program?: string;
  user?: string;
  inode?: number;
  timer?: string;
  /** Index into Snapshot.inputs. */
  input: number;
  /** 1-based line number in that input. */
  line: number;
}

/**
 * A socket row whose strings are already ids in the table's
 * {@link StringPool} (0: none) and that has no pid or program: what a
 * format's fast row reader fills, one row at a time, in one reused object.
 */
export interface PlainRow {
  state: number;
  family: number;
  localAddr: number;
  localPort: number;
  remoteAddr: number;
  remotePort: number;
  recvQ: number;
  sendQ: number;
  user: number;
  inode: number;
  timer: number;
}

/** A fresh row to read into. */
export function plainRow(): PlainRow {
  return {
    state: 0, family: 0, localAddr: 0, localPort: NONE, remoteAddr: 0, remotePort: NONE, recvQ: 0, sendQ: 0,
    user: 0, inode: NONE, timer: 0,
  };
}

/** The fields a parser supplies for one socket. */
export interface SocketRow {
  family: 0 | 4 | 6;
  state: number;
  localAddress: string;
  localPort: number;
  remoteAddress: string;
  remotePort: number;
  recvQ: number;
  sendQ: number;
  pid?: number;
  program?: string;
  user?: string;
  inode?: number;
  timer?: string;
}

/**
 * Interns strings to small integer ids; id 0 is the empty string. A dotted
 * quad is kept as its 32-bit value and made into a string only when asked
 * for ({@link str}): a million distinct peers cost no million strings.
 */
export class StringPool {
  /** Strings by id; undefined for a dotted quad whose string has not been asked for. */
  readonly #strs: (string | undefined)[] = [""];
  /** The value of each dotted quad by id; -1 for other strings. */
  #quads = new Float64Array(1024).fill(-1);
  readonly #ids = new Map<string, number>([["", 0]]);
  // Canonical dotted quads ("10.0.0.1") are keyed by their 32-bit value in
  // an open-addressing table: no string hashing, and a parser can intern an
  // address it has only scanned (internV4) without making a string.
  // Slot k holds the value at 2k (as int32) and the id at 2k+1, side by
  // side so a probe touches one cache line; id 0 marks an empty slot (id 0
  // is "", never a dotted quad). The table doubles when three slots in four
  // are taken: a smaller table misses the cache less (bench/README.md).
  #v4 = new Int32Array(2048);
  #v4Count = 0;
  // A small direct-mapped cache in front of the table: a dump's few local
  // addresses come back on every row and are answered from here.
  readonly #v4CacheKeys = new Int32Array(64);
  readonly #v4CacheIds = new Int32Array(64);

  /** How many ids there are (ids are 0 to size - 1). */
  get size(): number {
    return this.#strs.length;
  }

  /** The string of an id. */
  str(id: number): string {
    const s = this.#strs[id];
    if (s !== undefined) return s;
    return this.#strs[id] = formatV4(this.#quads[id]);
  }

  /** The value of an id that is a dotted quad (0 to 2^32-1), or -1. */
  quad(id: number): number {
    return this.#quads[id];
  }

  /** Returns the id of `s`, adding it when new. */
  intern(s: string): number {
    const v4 = parseV4(s);
    if (v4 !== -1) return this.internV4(v4);
    let id = this.#ids.get(s);
    if (id === undefined) {
      id = this.#add(_own(s), -1);
      this.#ids.set(s, id);
    }
    return id;
  }

  /** Gives the next id to a string or (string undefined) a dotted quad's value; #quads stays as long as #strs. */
  #add(s: string | undefined, quad: number): number {
    const id = this.#strs.length;
    this.#strs.push(s);
    if (id >= this.#quads.length) {
      const q = new Float64Array(this.#quads.length * 2).fill(-1);
      q.set(this.#quads);
      this.#quads = q;
    }
    this.#quads[id] = quad;
    return id;
  }

  /** The id of `s`, or -1 when it has none (nothing is added). */
  idOf(s: string): number {
    const v4 = parseV4(s);
    if (v4 === -1) return this.#ids.get(s) ?? -1;
    const t = this.#v4, id = t[2 * this.#slot(v4 | 0) + 1];
    return id === 0 ? -1 : id;
  }

  /** The table slot of a dotted quad's value (int32): where it is, or the empty slot where it goes. */
  #slot(key: number): number {
    const t = this.#v4, mask = (t.length >> 1) - 1;
    let h = (Math.imul(key, 0x9e3779b1) >>> 0) & mask;
    while (t[2 * h + 1] !== 0 && t[2 * h] !== key) h = (h + 1) & mask;
    return h;
  }

  /**
   * Returns the id of the dotted quad whose value is `v4` (0 to 2^32-1, or
   * the same 32 bits as an int32), adding it when new.
   */
  internV4(v4: number): number {
    const key = v4 | 0, c = (key ^ (key >>> 11) ^ (key >>> 22)) & 63;
    const cached = this.#v4CacheIds[c];
    if (cached !== 0 && this.#v4CacheKeys[c] === key) return cached;
    const t = this.#v4, h = this.#slot(key);
    if (t[2 * h + 1] !== 0) {
      this.#v4CacheKeys[c] = key;
      return this.#v4CacheIds[c] = t[2 * h + 1];
    }
    const id = this.#add(undefined, v4 >>> 0);
    t[2 * h] = key;
    t[2 * h + 1] = id;
    if (++this.#v4Count * 8 > t.length * 3) this.#growV4();
    return id;
  }

  /**
   * Every id's string, with undefined for the dotted quads not yet made into
   * one, and the quads' values (-1 for other strings): to hand the pool to
   * another thread, which interns each again (see Ingestor.adopt).
   */
  export(): { strings: (string | undefined)[]; quads: Float64Array } {
    return { strings: this.#strs, quads: this.#quads.subarray(0, this.#strs.length) };
  }

  #growV4(): void {
    const old = this.#v4;
    const t = new Int32Array(old.length * 2), mask = (t.length >> 1) - 1;
    for (let k = 0; k < old.length; k += 2) {
      if (old[k + 1] === 0) continue;
      let h = (Math.imul(old[k], 0x9e3779b1) >>> 0) & mask;
      while (t[2 * h + 1] !== 0) h = (h + 1) & mask;
      t[2 * h] = old[k];
      t[2 * h + 1] = old[k + 1];
    }
    this.#v4 = t;
  }
}

/**
 * A copy of `s` that does not keep alive the string it was sliced from (V8
 * slices of 13 characters or more point into their parent, here the whole
 * decoded input chunk).
 */
function _own(s: string): string {
  return s.length < 13 ? s : (" " + s).slice(1);
}

function grow<T extends Int32Array | Uint8Array | Float64Array | Uint32Array | Uint16Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

/** The columns of a SocketTable that plain rows fill (rows read on another thread travel as these). */
export type PlainColumns = Pick<
  SocketTable,
  "state" | "family" | "localAddr" | "localPort" | "remoteAddr" | "remotePort" | "recvQ" | "sendQ" | "user" | "inode" | "timer"
>;

/** Sockets stored by column. */
export class SocketTable {
  length = 0;
  #cap: number;
  state: Uint8Array;
  family: Uint8Array;
  localAddr: Uint32Array;
  remoteAddr: Uint32Array;
  localPort: Int32Array;
  remotePort: Int32Array;
  /** Queue figures; NONE when unknown, QUEUE_CLAMPED for one too big for the column (exact in get()). */
  recvQ: Int32Array;
  sendQ: Int32Array;
  pid: Int32Array;
  program: Uint32Array;
  user: Uint32Array;
  inode: Float64Array;
  timer: Uint32Array;
  input: Uint16Array;
  line: Uint32Array;
  /** Interned addresses, program names, users and timers. */
  readonly strings = new StringPool();
  /** Exact figures of the queues stored as QUEUE_CLAMPED, by row: rare, so kept aside. */
  readonly #bigRecvQ = new Map<number, number>();
  readonly #bigSendQ = new Map<number, number>();

  constructor(capacity = 1024) {
    this.#cap = capacity;
    this.state = new Uint8Array(capacity);
    this.family = new Uint8Array(capacity);
    this.localAddr = new Uint32Array(capacity);
    this.remoteAddr = new Uint32Array(capacity);
    this.localPort = new Int32Array(capacity);
    this.remotePort = new Int32Array(capacity);
    this.recvQ = new Int32Array(capacity);
    this.sendQ = new Int32Array(capacity);
    this.pid = new Int32Array(capacity);
    this.program = new Uint32Array(capacity);
    this.user = new Uint32Array(capacity);
    this.inode = new Float64Array(capacity);
    this.timer = new Uint32Array(capacity);
    this.input = new Uint16Array(capacity);
    this.line = new Uint32Array(capacity);
  }

  /** Makes room for at least `n` sockets in all, so a table whose size is known grows once. */
  reserve(n: number): void {
    if (n > this.#cap) this.#grow(n);
  }

  #grow(n = this.#cap * 2): void {
    this.state = grow(this.state, n);
    this.family = grow(this.family, n);
    this.localAddr = grow(this.localAddr, n);
    this.remoteAddr = grow(this.remoteAddr, n);
    this.localPort = grow(this.localPort, n);
    this.remotePort = grow(this.remotePort, n);
    this.recvQ = grow(this.recvQ, n);
    this.sendQ = grow(this.sendQ, n);
    this.pid = grow(this.pid, n);
    this.program = grow(this.program, n);
    this.user = grow(this.user, n);
    this.inode = grow(this.inode, n);
    this.timer = grow(this.timer, n);
    this.input = grow(this.input, n);
    this.line = grow(this.line, n);
    this.#cap = n;
  }

  /** Appends one socket and returns its index. */
  add(row: SocketRow, input: number, line: number): number {
    if (this.length === this.#cap) this.#grow();
    const i = this.length++;
    const s = this.strings;
    this.state[i] = row.state;
    this.family[i] = row.family;
    this.localAddr[i] = s.intern(row.localAddress);
    this.remoteAddr[i] = s.intern(row.remoteAddress);
    this.localPort[i] = row.localPort;
    this.remotePort[i] = row.remotePort;
    this.#queues(i, row.recvQ, row.sendQ);
    this.pid[i] = row.pid ?? NONE;
    this.program[i] = row.program ? s.intern(row.program) : 0;
    this.user[i] = row.user ? s.intern(row.user) : 0;
    this.inode[i] = row.inode ?? NONE;
    this.timer[i] = row.timer ? s.intern(row.timer) : 0;
    this.input[i] = input;
    this.line[i] = line;
    return i;
  }

  /** Stores row i's queue figures, a figure too big for the column as QUEUE_CLAMPED with its value aside. */
  #queues(i: number, recvQ: number, sendQ: number): void {
    this.recvQ[i] = recvQ < QUEUE_CLAMPED ? recvQ : this.#clamp(this.#bigRecvQ, i, recvQ);
    this.sendQ[i] = sendQ < QUEUE_CLAMPED ? sendQ : this.#clamp(this.#bigSendQ, i, sendQ);
  }

  #clamp(big: Map<number, number>, i: number, q: number): number {
    big.set(i, q);
    return QUEUE_CLAMPED;
  }

  /** Appends a plain row (see {@link PlainRow}) and returns its index. */
  addPlain(row: PlainRow, input: number, line: number): number {
    if (this.length === this.#cap) this.#grow();
    const i = this.length++;
    this.state[i] = row.state;
    this.family[i] = row.family;
    this.localAddr[i] = row.localAddr;
    this.remoteAddr[i] = row.remoteAddr;
    this.localPort[i] = row.localPort;
    this.remotePort[i] = row.remotePort;
    const recvQ = row.recvQ, sendQ = row.sendQ;
    this.recvQ[i] = recvQ < QUEUE_CLAMPED ? recvQ : this.#clamp(this.#bigRecvQ, i, recvQ);
    this.sendQ[i] = sendQ < QUEUE_CLAMPED ? sendQ : this.#clamp(this.#bigSendQ, i, sendQ);
    this.pid[i] = NONE;
    this.program[i] = 0;
    this.user[i] = row.user;
    this.inode[i] = row.inode;
    this.timer[i] = row.timer;
    this.input[i] = input;
    this.line[i] = line;
    return i;
  }

  /**
   * Appends `n` plain rows from another table's columns (rows read on
   * another thread, none with a clamped queue: see RowsAheadReader): string
   * ids go through `remap`, line numbers count up from `firstLine`.
   */
  appendPlain(
    src: PlainColumns,
    n: number, remap: Uint32Array, input: number, firstLine: number,
  ): void {
    this.reserve(this.length + n);
    const o = this.length, end = o + n;
    this.state.set(src.state.subarray(0, n), o);
    this.family.set(src.family.subarray(0, n), o);
    this.localPort.set(src.localPort.subarray(0, n), o);
    this.remotePort.set(src.remotePort.subarray(0, n), o);
    this.recvQ.set(src.recvQ.subarray(0, n), o);
    this.sendQ.set(src.sendQ.subarray(0, n), o);
    this.inode.set(src.inode.subarray(0, n), o);
    this.pid.fill(NONE, o, end);
    this.program.fill(0, o, end);
    this.input.fill(input, o, end);
    for (let k = 0; k < n; k++) {
      const i = o + k;
      this.localAddr[i] = remap[src.localAddr[k]];
      this.remoteAddr[i] = remap[src.remoteAddr[k]];
      this.user[i] = remap[src.user[k]];
      this.timer[i] = remap[src.timer[k]];
      this.line[i] = firstLine + k;
    }
    this.length = end;
  }

  /**
   * Keeps only the rows whose `keep` entry is nonzero, in order (rows an
   * ingest merge dropped as duplicates of rows in another input).
   */
  retain(keep: Uint8Array): void {
    let o = 0;
    const big = [this.#bigRecvQ, this.#bigSendQ].map((m) => new Map(m));
    this.#bigRecvQ.clear();
    this.#bigSendQ.clear();
    for (let i = 0; i < this.length; i++) {
      if (!keep[i]) continue;
      if (o !== i) {
        this.state[o] = this.state[i];
        this.family[o] = this.family[i];
        this.localAddr[o] = this.localAddr[i];
        this.remoteAddr[o] = this.remoteAddr[i];
        this.localPort[o] = this.localPort[i];
        this.remotePort[o] = this.remotePort[i];
        this.recvQ[o] = this.recvQ[i];
        this.sendQ[o] = this.sendQ[i];
        this.pid[o] = this.pid[i];
        this.program[o] = this.program[i];
        this.user[o] = this.user[i];
        this.inode[o] = this.inode[i];
        this.timer[o] = this.timer[i];
        this.input[o] = this.input[i];
        this.line[o] = this.line[i];
      }
      const r = big[0].get(i), s = big[1].get(i);
      if (r !== undefined) this.#bigRecvQ.set(o, r);
      if (s !== undefined) this.#bigSendQ.set(o, s);
      o++;
    }
    this.length = o;
  }

  /** Sets row `i`'s queue figures (a figure too big for the column kept aside, as add() does). */
  setQueues(i: number, recvQ: number, sendQ: number): void {
    this.#bigRecvQ.delete(i);
    this.#bigSendQ.delete(i);
    this.#queues(i, recvQ, sendQ);
  }

  /** Returns socket `i` as a plain object (for evidence and display, not hot loops). */
  get(i: number): Socket {
    const v = this.strings;
    const o: Socket = {
      family: this.family[i] as 0 | 4 | 6,
      localAddress: v.str(this.localAddr[i]),
      remoteAddress: v.str(this.remoteAddr[i]),
      input: this.input[i],
      line: this.line[i],
    };
    const st = stateName(this.state[i]);
    if (st) o.state = st;
    if (this.localPort[i] !== NONE) o.localPort = this.localPort[i];
    if (this.remotePort[i] !== NONE) o.remotePort = this.remotePort[i];
    if (this.recvQ[i] !== NONE) o.recvQ = this.recvQ[i] === QUEUE_CLAMPED ? this.#bigRecvQ.get(i) ?? QUEUE_CLAMPED : this.recvQ[i];
    if (this.sendQ[i] !== NONE) o.sendQ = this.sendQ[i] === QUEUE_CLAMPED ? this.#bigSendQ.get(i) ?? QUEUE_CLAMPED : this.sendQ[i];
    if (this.pid[i] !== NONE) o.pid = this.pid[i];
    if (this.program[i]) o.program = v.str(this.program[i]);
    if (this.user[i]) o.user = v.str(this.user[i]);
    if (this.inode[i] !== NONE) o.inode = this.inode[i];
    if (this.timer[i]) o.timer = v.str(this.timer[i]);
    return o;
  }

  /** Counts sockets by state; index 0 holds those whose state is unknown. */
  stateCounts(): number[] {
    const counts = new Array<number>(STATES.length + 1).fill(0);
    const st = this.state;
    for (let i = 0; i < this.length; i++) counts[st[i]]++;
    return counts;
  }
}
