/**
 * Compact column storage for up to millions of sockets: one typed array per
 * field, strings interned once. About 60 bytes a socket.
 */

import { packedKernelTimerText, parseKernelTimer } from "./kernel_timer.ts";
import { stateName, STATES, type StateName } from "./states.ts";
import { StringPool } from "./string_pool.ts";
import type { ColumnStream, WarmMemory } from "./warm_memory.ts";

export { StringPool } from "./string_pool.ts";

/** Sentinel for an unknown queue size, port or pid. */
export const NONE = -1;

/**
 * The biggest queue figure the int32 columns hold as is. A figure from it up
 * (a queue past 31 bits, as a 64-bit kernel field can print) is stored as
 * QUEUE_CLAMPED, "this much or more": never 0 and never NONE, as a plain
 * int32 store would make it; {@link SocketTable.get} gives its exact value.
 */
export const QUEUE_CLAMPED = 0x7fffffff;

/**
 * A timer cell (the timer column, PlainRow.timer) from this value up holds a
 * kernel timer by value: TIMER_BY_VALUE + the timer packed by
 * packKernelTimer (model/kernel_timer.ts: under 2^29). Any other cell is 0
 * (no timer) or the string id of the timer's text (ss's and netstat's;
 * ids stay far below 2^29). A /proc table whose every socket has its own
 * expiry then hashes none of them. Every cell is a positive int32, the same
 * number in a row object as in the column.
 */
export const TIMER_BY_VALUE = 2 ** 29;

/** The timer cell of a kernel timer packed by packKernelTimer (not -1). */
export function kernelTimerCell(packed: number): number {
  return TIMER_BY_VALUE + packed;
}

/** The timer cell of a timer's text: by value when it is a kernel timer as tcpdoc writes it ("keepalive (7.20s)"), else its string id in `pool`. */
export function timerCell(text: string, pool: StringPool): number {
  const packed = parseKernelTimer(text);
  return packed !== -1 ? kernelTimerCell(packed) : pool.intern(text);
}

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
 * {@link StringPool} (0: none): what a format's fast row reader fills, one
 * row at a time, in one reused object.
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
  pid: number;
  program: number;
  user: number;
  inode: number;
  timer: number;
}

/** A fresh row to read into. */
export function plainRow(): PlainRow {
  return {
    state: 0, family: 0, localAddr: 0, localPort: NONE, remoteAddr: 0, remotePort: NONE, recvQ: 0, sendQ: 0,
    pid: NONE, program: 0, user: 0, inode: NONE, timer: 0,
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

/** A column of `n` rows holding `a`'s first `used` (the rest zero, untouched: see SocketTable). */
function grow<T extends Int32Array | Uint8Array | Float64Array | Uint32Array | Uint16Array>(a: T, n: number, used: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a.subarray(0, used));
  return b;
}

/** Spare bytes a row asked for with the columns (see {@link SocketTable.takeSpare}). */
const SPARE_BYTES_PER_ROW = 32;

/** Every column of a SocketTable: what growing it copies, into plain arrays or one shared buffer. */
const COLUMNS = [
  "state", "family", "localAddr", "remoteAddr", "localPort", "remotePort", "recvQ", "sendQ",
  "pidPlusOne", "program", "user", "inodePlusOne", "timer", "input", "line",
] as const;
type Column = typeof COLUMNS[number];

function anyNonzero(a: Uint32Array, n: number): boolean {
  for (let i = 0; i < n; i++) if (a[i] !== 0) return true;
  return false;
}

/** The columns of a SocketTable that plain rows fill (rows read on another thread travel as these). */
export type PlainColumns = Pick<
  SocketTable,
  "state" | "family" | "localAddr" | "localPort" | "remoteAddr" | "remotePort" | "recvQ" | "sendQ" | "pidPlusOne" | "program" | "user" | "inodePlusOne" | "timer"
>;

/**
 * Sockets stored by column. The columns whose empty value is 0 (program,
 * user, timer, and pid and inode, kept as the value + 1) are written only
 * with something else: a new column is zero, its pages untouched until
 * written (each first touch is a page fault: bench/README.md, "Page
 * faults"), so a dump that names no process, user, inode or timer costs
 * them no memory. Rows past `length` stay zero there (see retain()).
 */
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
  /** Each row's pid + 1; 0 when unknown (read with {@link pidOf}). */
  pidPlusOne: Int32Array;
  program: Uint32Array;
  user: Uint32Array;
  /** Each row's socket inode + 1; 0 when unknown (read with {@link inodeOf}). */
  inodePlusOne: Float64Array;
  /** Timer cells: 0, a string id or a kernel timer by value (see {@link TIMER_BY_VALUE}; read with {@link timerText}). */
  timer: Uint32Array;
  input: Uint16Array;
  line: Uint32Array;
  /** Interned addresses, program names, users and timers. */
  readonly strings = new StringPool();
  #memory: WarmMemory | undefined = undefined;

  /** Where the columns, and the pool's address tables, go when they grow (see {@link WarmMemory}); plain arrays when undefined. */
  get memory(): WarmMemory | undefined {
    return this.#memory;
  }

  set memory(m: WarmMemory | undefined) {
    this.#memory = m;
    this.strings.memory = m;
  }
  #spare: SharedArrayBuffer | undefined;

  /**
   * Zeroed memory faulted in ahead (by the {@link WarmMemory} the columns
   * grew into) for the counters of the facts over this table, the first
   * time it is asked for; undefined after, and when there is none. The
   * facts over a million rows ask for 20-30 MB of arrays as long as the
   * table, its string pool or its client sockets: some 6,000 fresh pages.
   */
  takeSpare(): SharedArrayBuffer | undefined {
    const s = this.#spare;
    this.#spare = undefined;
    return s;
  }

  /**
   * Whether a row may have a pid, an inode: false while none was ever set,
   * so a pass over every row can leave the column unread (reading a page
   * never written costs a page fault too).
   */
  #anyPid = false;
  #anyInode = false;
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
    this.pidPlusOne = new Int32Array(capacity);
    this.program = new Uint32Array(capacity);
    this.user = new Uint32Array(capacity);
    this.inodePlusOne = new Float64Array(capacity);
    this.timer = new Uint32Array(capacity);
    this.input = new Uint16Array(capacity);
    this.line = new Uint32Array(capacity);
  }

  /** Makes room for at least `n` sockets in all, so a table whose size is known grows once. */
  reserve(n: number): void {
    if (n > this.#cap) this.#grow(n);
  }

  #grow(n = this.#cap * 2): void {
    const used = this.length;
    if (this.#memory && this.#growShared(this.#memory, n, used)) return;
    for (const name of COLUMNS) this.#setColumn(name, grow(this[name], n, used));
    this.#cap = n;
  }

  /**
   * Grows the columns into one buffer from `memory`, each column aligned
   * for its type; false when `memory` gives none. Its pages are faulted in
   * ahead for the columns every row writes, and for those written only with
   * something else (pid, program, user, inode, timer) when a row so far had
   * it: a dump that names no process still costs its pid column nothing.
   */
  #growShared(memory: WarmMemory, n: number, used: number): boolean {
    const columns = COLUMNS.map((name) => this[name]);
    const offsets: number[] = [];
    let bytes = 0;
    for (const c of columns) {
      bytes = Math.ceil(bytes / 8) * 8;
      offsets.push(bytes);
      bytes += c.BYTES_PER_ELEMENT * n;
    }
    const streams: ColumnStream[] = [];
    for (let k = 0; k < columns.length; k++) {
      const name = COLUMNS[k];
      const sparse = name === "pidPlusOne" ? !this.#anyPid : name === "inodePlusOne" ? !this.#anyInode
        : name === "program" || name === "user" || name === "timer" ? !anyNonzero(this[name], used) : false;
      if (!sparse) streams.push({ byteOffset: offsets[k], bytesPerRow: columns[k].BYTES_PER_ELEMENT });
    }
    const buffer = memory.columns(Math.ceil(bytes / 8) * 8, streams, used, n);
    if (!buffer) return false;
    this.#spare = memory.spare(n * SPARE_BYTES_PER_ROW);
    for (let k = 0; k < columns.length; k++) {
      const old = columns[k];
      const grown = new (old.constructor as new (b: ArrayBufferLike, at: number, n: number) => typeof old)(buffer, offsets[k], n);
      grown.set(old.subarray(0, used));
      this.#setColumn(COLUMNS[k], grown);
    }
    this.#cap = n;
    return true;
  }

  #setColumn(name: Column, a: SocketTable[Column]): void {
    (this as Record<Column, SocketTable[Column]>)[name] = a;
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
    if (row.pid !== undefined) this.setPid(i, row.pid);
    if (row.program) this.program[i] = s.intern(row.program);
    if (row.user) this.user[i] = s.intern(row.user);
    if (row.inode !== undefined) this.setInode(i, row.inode);
    if (row.timer) this.timer[i] = timerCell(row.timer, s);
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
    if (row.pid !== NONE) this.setPid(i, row.pid);
    if (row.program !== 0) this.program[i] = row.program;
    if (row.user !== 0) this.user[i] = row.user;
    if (row.inode !== NONE) this.setInode(i, row.inode);
    if (row.timer !== 0) this.timer[i] = row.timer;
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
    this.inodePlusOne.set(src.inodePlusOne.subarray(0, n), o);
    this.pidPlusOne.set(src.pidPlusOne.subarray(0, n), o);
    this.#anyPid = this.#anyInode = true;
    this.input.fill(input, o, end);
    for (let k = 0; k < n; k++) {
      const i = o + k;
      this.localAddr[i] = remap[src.localAddr[k]];
      this.remoteAddr[i] = remap[src.remoteAddr[k]];
      const program = src.program[k], user = src.user[k], timer = src.timer[k];
      if (program !== 0) this.program[i] = remap[program];
      if (user !== 0) this.user[i] = remap[user];
      if (timer !== 0) this.timer[i] = timer >= TIMER_BY_VALUE ? timer : remap[timer];
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
        this.pidPlusOne[o] = this.pidPlusOne[i];
        this.program[o] = this.program[i];
        this.user[o] = this.user[i];
        this.inodePlusOne[o] = this.inodePlusOne[i];
        this.timer[o] = this.timer[i];
        this.input[o] = this.input[i];
        this.line[o] = this.line[i];
      }
      const r = big[0].get(i), s = big[1].get(i);
      if (r !== undefined) this.#bigRecvQ.set(o, r);
      if (s !== undefined) this.#bigSendQ.set(o, s);
      o++;
    }
    // Rows past the end are zero in the columns written only when not (see the class).
    this.pidPlusOne.fill(0, o, this.length);
    this.program.fill(0, o, this.length);
    this.user.fill(0, o, this.length);
    this.inodePlusOne.fill(0, o, this.length);
    this.timer.fill(0, o, this.length);
    this.length = o;
  }

  /** The pid column (pid + 1, 0 unknown) when some row has a pid, else undefined: a pass over every row then leaves it unread. */
  pidColumn(): Int32Array | undefined {
    return this.#anyPid ? this.pidPlusOne : undefined;
  }

  /** The inode column (inode + 1, 0 unknown) when some row has an inode, else undefined (as {@link pidColumn}). */
  inodeColumn(): Float64Array | undefined {
    return this.#anyInode ? this.inodePlusOne : undefined;
  }

  /** Row `i`'s pid, or NONE. */
  pidOf(i: number): number {
    return this.pidPlusOne[i] - 1;
  }

  /**
   * Sets row `i`'s pid; NONE (or a figure no pid can be, negative or past
   * 31 bits) makes it unknown.
   */
  setPid(i: number, pid: number): void {
    const v = pid >= 0 && pid < 0x7fffffff ? pid + 1 : 0;
    this.pidPlusOne[i] = v;
    if (v !== 0) this.#anyPid = true;
  }

  /** Row `i`'s socket inode, or NONE. */
  inodeOf(i: number): number {
    return this.inodePlusOne[i] - 1;
  }

  /** Sets row `i`'s socket inode; NONE (or any negative figure) makes it unknown. */
  setInode(i: number, inode: number): void {
    const v = inode >= 0 ? inode + 1 : 0;
    this.inodePlusOne[i] = v;
    if (v !== 0) this.#anyInode = true;
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
    if (this.pidPlusOne[i] !== 0) o.pid = this.pidOf(i);
    if (this.program[i]) o.program = v.str(this.program[i]);
    if (this.user[i]) o.user = v.str(this.user[i]);
    if (this.inodePlusOne[i] !== 0) o.inode = this.inodeOf(i);
    if (this.timer[i]) o.timer = this.timerText(i);
    return o;
  }

  /** Row i's timer as text; "" for none. */
  timerText(i: number): string {
    const c = this.timer[i];
    return c >= TIMER_BY_VALUE ? packedKernelTimerText(c - TIMER_BY_VALUE) : c !== 0 ? this.strings.str(c) : "";
  }

  /** Counts sockets by state; index 0 holds those whose state is unknown. */
  stateCounts(): number[] {
    const counts = new Array<number>(STATES.length + 1).fill(0);
    const st = this.state;
    for (let i = 0; i < this.length; i++) counts[st[i]]++;
    return counts;
  }
}
