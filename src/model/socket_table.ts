/**
 * Compact column storage for up to millions of sockets: one typed array per
 * field, strings interned once. About 50 bytes a socket.
 */

import { stateName, STATES, UNKNOWN_STATE, type StateName } from "./states.ts";

/** Sentinel for an unknown queue size, port or pid. */
export const NONE = -1;

/** Address family flags. */
export const FAMILY = { unknown: 0, inet: 4, inet6: 6 } as const;

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

/** Interns strings to small integer ids; id 0 is the empty string. */
export class StringPool {
  readonly values: string[] = [""];
  readonly #ids = new Map<string, number>([["", 0]]);
  /** Returns the id of `s`, adding it when new. */
  intern(s: string): number {
    let id = this.#ids.get(s);
    if (id === undefined) {
      id = this.values.length;
      this.values.push(s);
      this.#ids.set(s, id);
    }
    return id;
  }
}

function grow<T extends Int32Array | Uint8Array | Float64Array | Uint32Array | Uint16Array>(a: T, n: number): T {
  const b = new (a.constructor as new (n: number) => T)(n);
  b.set(a);
  return b;
}

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

  #grow(): void {
    const n = this.#cap * 2;
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
    this.recvQ[i] = row.recvQ;
    this.sendQ[i] = row.sendQ;
    this.pid[i] = row.pid ?? NONE;
    this.program[i] = row.program ? s.intern(row.program) : 0;
    this.user[i] = row.user ? s.intern(row.user) : 0;
    this.inode[i] = row.inode ?? NONE;
    this.timer[i] = row.timer ? s.intern(row.timer) : 0;
    this.input[i] = input;
    this.line[i] = line;
    return i;
  }

  /** Returns socket `i` as a plain object (for evidence and display, not hot loops). */
  get(i: number): Socket {
    const v = this.strings.values;
    const o: Socket = {
      family: this.family[i] as 0 | 4 | 6,
      localAddress: v[this.localAddr[i]],
      remoteAddress: v[this.remoteAddr[i]],
      input: this.input[i],
      line: this.line[i],
    };
    const st = stateName(this.state[i]);
    if (st) o.state = st;
    if (this.localPort[i] !== NONE) o.localPort = this.localPort[i];
    if (this.remotePort[i] !== NONE) o.remotePort = this.remotePort[i];
    if (this.recvQ[i] !== NONE) o.recvQ = this.recvQ[i];
    if (this.sendQ[i] !== NONE) o.sendQ = this.sendQ[i];
    if (this.pid[i] !== NONE) o.pid = this.pid[i];
    if (this.program[i]) o.program = v[this.program[i]];
    if (this.user[i]) o.user = v[this.user[i]];
    if (this.inode[i] !== NONE) o.inode = this.inode[i];
    if (this.timer[i]) o.timer = v[this.timer[i]];
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

export { UNKNOWN_STATE };
