/**
 * One moment of a series summarized for the time facts: its counts by
 * state, the biggest groups (with the same keys the `group` and
 * `ephemeral` facts give), each socket's identity, and its counters. Made
 * once per moment as the moment is read; the moment's socket table can then
 * be dropped. Private to the facts; the engine's door (mod.ts) offers it as
 * `summarizeMoment`.
 */

import { GROUP_KEYS_KEPT, GroupTable, type Moment, type MomentSockets, type SeriesGroupBy } from "../../model/series.ts";
import type { Snapshot } from "../../model/snapshot.ts";
import { NONE } from "../../model/socket_table.ts";
import { STATES } from "../../model/states.ts";
import { KeyCounter, stateMask, TableScan, topSlots } from "./_scan.ts";

/** Where a moment is in a snapshot: an input's rows, counts and counters (see src/ingest/series.ts `Piece`). */
export interface MomentPart {
  snapshot: Snapshot;
  /** The input whose counters belong to the moment; -1: every input's (a live snapshot is one moment). */
  input: number;
  rowFrom: number;
  rowTo: number;
  /**
   * The moment's sockets known only by count beyond its rows, per state id
   * (as finishSnapshot works them out for its input: src/ingest/combine.ts).
   */
  tallies: readonly number[];
}

const NSTATES = STATES.length + 1;
const ORPHAN_STATES = stateMask(["FIN_WAIT_1", "CLOSING", "LAST_ACK"]);
/** The states whose sockets hold an ephemeral port (as the `ephemeral` fact counts them). */
const CONNECTED = stateMask(["ESTABLISHED", "SYN_SENT", "TIME_WAIT", "FIN_WAIT_1", "FIN_WAIT_2", "CLOSING", "LAST_ACK", "CLOSE_WAIT"]);

/** 32 bits of an address id: a dotted quad's value, else a hash of its text. */
function addrBits(snap: Snapshot, id: number): number {
  const pool = snap.sockets.strings;
  const q = pool.quad(id);
  if (q >= 0) return q >>> 0;
  const s = pool.str(id);
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return h >>> 0;
}

/** A state id fits in the low bits of a sort key (identity * STATE_SLOTS + state). */
const STATE_SLOTS = 16;
if (NSTATES > STATE_SLOTS) throw new Error("state ids outgrew the identity sort key");

/** A socket's identity as a 48-bit number: its 4-tuple, and its inode where known. */
function identity(la: number, lp: number, ra: number, rp: number, inode: number): number {
  let hi = Math.imul(la ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(rp + 1, 0xc2b2ae35);
  let lo = Math.imul(ra ^ 0x27d4eb2f, 0x165667b1) ^ Math.imul(lp + 1, 0x9e3779b1);
  if (inode > 0) {
    hi ^= Math.imul(inode | 0, 0x27d4eb2f);
    lo ^= Math.imul((inode / 4294967296) | 0, 0x85ebca6b) ^ (inode | 0);
  }
  hi = Math.imul(hi ^ (hi >>> 15), 0x2c1b3c6d) ^ lo;
  lo = Math.imul(lo ^ (lo >>> 13), 0x297a2d39) ^ hi;
  return (hi & 0xffff) * 4294967296 + (lo >>> 0);
}

/**
 * Sockets grouped by one key: a KeyCounter slot per row as the rows are
 * counted, then counts by state for the biggest keys only (no allocation
 * per key: a watch of 100k client sockets has as many ports and peers).
 */
class Grouping {
  readonly keys: KeyCounter;
  readonly slotOf: Int32Array;
  constructor(rows: number, dense = 0) {
    this.keys = new KeyCounter(dense);
    this.slotOf = new Int32Array(rows).fill(-1);
  }
  /** The biggest keys as text (keys of the same text added up), each with its counts by state; `states[k]` is row k's state. */
  top(states: Uint8Array, text: (row: number) => string): GroupTable {
    const c = this.keys, best = topSlots(c.size, GROUP_KEYS_KEPT, c.counts);
    const rank = new Int32Array(c.size).fill(-1);
    for (let j = 0; j < best.length; j++) rank[best[j]] = j;
    const byRank = countRanks(this.slotOf, rank, states, best.length);
    // keys of the same text (an address as two ids) share a slot
    const keys: string[] = [], slot = new Map<string, number>(), counts = new Int32Array(best.length * NSTATES);
    for (let j = 0; j < best.length; j++) {
      const k = text(c.first[best[j]]);
      let s = slot.get(k);
      if (s === undefined) slot.set(k, s = keys.length), keys.push(k);
      for (let st = 0; st < NSTATES; st++) counts[s * NSTATES + st] += byRank[j * NSTATES + st];
    }
    return new GroupTable(keys, slot, counts.slice(0, keys.length * NSTATES), NSTATES);
  }
}

/** Counts by state (rank * NSTATES + state) the rows whose slot has a rank. */
function countRanks(slotOf: Int32Array, rank: Int32Array, states: Uint8Array, ranks: number): Int32Array {
  const out = new Int32Array(ranks * NSTATES);
  for (let k = 0; k < slotOf.length; k++) {
    const s = slotOf[k];
    if (s >= 0 && rank[s] >= 0) out[rank[s] * NSTATES + states[k]]++;
  }
  return out;
}

/**
 * Summarizes a moment's part of a snapshot. `context` is the snapshot the
 * settings come from when the moment carries none (the ephemeral port
 * range of a series whose sysctls were given apart).
 */
export function summarizeMoment(part: MomentPart, context?: Snapshot): Pick<Moment, "sockets" | "counters" | "rates"> {
  const snap = part.snapshot, t = snap.sockets;
  const counters = new Map<string, number>();
  const rates = new Map<string, number>();
  for (const [name, c] of snap.counters) {
    if (part.input >= 0 && c.input !== part.input) continue;
    // sar states its own per-second rates (retrans/s): rates, not counters.
    if (name.startsWith("sar.") && name.endsWith("/s")) rates.set(name, c.value);
    else counters.set(name, c.value);
  }
  const out: Pick<Moment, "sockets" | "counters" | "rates"> = { counters, rates };
  const tallies = part.tallies;
  const rows = part.rowTo - part.rowFrom;
  const tallied = tallies.reduce((a, b) => a + b, 0);
  if (rows === 0 && tallied === 0) return out;
  if (rows === 0) {
    out.sockets = { states: [...tallies], total: tallied, rows: false, groups: {} };
    return out;
  }
  const scan = new TableScan(snap);
  const rangeFrom = snap.sysctls.has("net.ipv4.ip_local_port_range") || !context ? scan.portRange() : new TableScan(context).portRange();
  const states = new Array<number>(NSTATES).fill(0);
  // identity * STATE_SLOTS + state (below 2^52, exact in a double): sorted as plain numbers, the states travel along.
  const keys = new Float64Array(rows);
  const byProcess = new Grouping(rows), byPort = new Grouping(rows, 65537), byHost = new Grouping(rows), byDest = new Grouping(rows);
  // Client sockets by (source address, destination).
  const byEphemeral = new Grouping(rows);
  const stateOf = t.state.subarray(part.rowFrom, part.rowTo);
  const listening = new Uint8Array(65537);
  const LISTEN = STATES.indexOf("LISTEN") + 1;
  for (let i = part.rowFrom; i < part.rowTo; i++) if (t.state[i] === LISTEN && t.localPort[i] !== NONE) listening[t.localPort[i] + 1] = 1;
  let anyOwner = false, orphans = 0;
  // An IPv4 address is its own bits (read from the pool); others are hashed once each.
  const pool = t.strings, hashed = new Map<number, number>();
  const addr = (id: number) => {
    const q = pool.quad(id);
    if (q >= 0) return q;
    let b = hashed.get(id);
    if (b === undefined) hashed.set(id, b = addrBits(snap, id));
    return b;
  };
  // columns no row was given are not read (see SocketTable.pidColumn)
  const pids = t.pidColumn(), inodes = t.inodeColumn();
  for (let i = part.rowFrom, k = 0; i < part.rowTo; i++, k++) {
    const st = t.state[i], lp = t.localPort[i], rp = t.remotePort[i], pid = pids === undefined ? NONE : t.pidOf(i), ra = t.remoteAddr[i];
    states[st]++;
    keys[k] = identity(addr(t.localAddr[i]), lp, addr(ra), rp, inodes === undefined ? NONE : t.inodeOf(i)) * STATE_SLOTS + st;
    if (pid !== NONE) {
      anyOwner = true;
      byProcess.slotOf[k] = byProcess.keys.addTuple(pid, 0, 0, i, 0);
    } else byProcess.slotOf[k] = byProcess.keys.addTuple(-1 - t.program[i], 0, 0, i, 0);
    if (ORPHAN_STATES[st] && pid === NONE) orphans++;
    byPort.slotOf[k] = byPort.keys.add(lp, i, 0);
    byHost.slotOf[k] = byHost.keys.addTuple(ra, 0, 0, i, 0);
    byDest.slotOf[k] = byDest.keys.addTuple(ra, rp, 0, i, 0);
    if (CONNECTED[st] && lp >= rangeFrom.low && lp <= rangeFrom.high && !listening[lp + 1]) {
      byEphemeral.slotOf[k] = byEphemeral.keys.addTuple(t.localAddr[i], ra, rp, i, 0);
    }
  }
  for (let s = 0; s < NSTATES; s++) states[s] += tallies[s] ?? 0;
  // Sorted by identity (the series compares sorted lists). A typed array's own sort, without a
  // comparator, is several times faster than sorting an index (a watch does this every tick).
  keys.sort();
  const sortedStates = new Uint8Array(rows);
  for (let k = 0; k < rows; k++) {
    const st = keys[k] % STATE_SLOTS;
    sortedStates[k] = st;
    keys[k] -= st;
  }
  const text = (by: "process" | "local-port" | "remote-host" | "destination" | "source-destination") => (row: number) => scan.keyText(by, row);
  const groups: Partial<Record<SeriesGroupBy, GroupTable>> = {
    process: byProcess.top(stateOf, text("process")),
    "local-port": byPort.top(stateOf, text("local-port")),
    "remote-host": byHost.top(stateOf, text("remote-host")),
    destination: byDest.top(stateOf, text("destination")),
    ephemeral: byEphemeral.top(stateOf, text("source-destination")),
  };
  const sockets: MomentSockets = {
    states,
    total: rows + tallied,
    rows: true,
    groups,
    identities: { keys, states: sortedStates },
  };
  // Orphans are told by having no process only when processes are known.
  if (anyOwner) sockets.orphans = orphans;
  out.sockets = sockets;
  return out;
}
