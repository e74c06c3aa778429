/**
 * One moment of a series summarized for the time facts: its counts by
 * state, the biggest groups (with the same keys the `group` and
 * `ephemeral` facts give), each socket's identity, and its counters. Made
 * once per moment as the moment is read; the moment's socket table can then
 * be dropped. Private to the facts; the engine's door (mod.ts) offers it as
 * `summarizeMoment`.
 */

import { GROUP_KEYS_KEPT, type GroupCounts, type Moment, type MomentSockets, type SeriesGroupBy } from "../../model/series.ts";
import type { Snapshot } from "../../model/snapshot.ts";
import { NONE } from "../../model/socket_table.ts";
import { STATES } from "../../model/states.ts";
import { stateMask, TableScan } from "./_scan.ts";

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

/** A socket's identity as a 52-bit number: its 4-tuple, and its inode where known. */
function identity(la: number, lp: number, ra: number, rp: number, inode: number): number {
  let hi = Math.imul(la ^ 0x9e3779b9, 0x85ebca6b) ^ Math.imul(rp + 1, 0xc2b2ae35);
  let lo = Math.imul(ra ^ 0x27d4eb2f, 0x165667b1) ^ Math.imul(lp + 1, 0x9e3779b1);
  if (inode > 0) {
    hi ^= Math.imul(inode | 0, 0x27d4eb2f);
    lo ^= Math.imul((inode / 4294967296) | 0, 0x85ebca6b) ^ (inode | 0);
  }
  hi = Math.imul(hi ^ (hi >>> 15), 0x2c1b3c6d) ^ lo;
  lo = Math.imul(lo ^ (lo >>> 13), 0x297a2d39) ^ hi;
  return (hi & 0xfffff) * 4294967296 + (lo >>> 0);
}

/** Counts by state per numeric key, with the first row of each key (for its text). */
class Counts {
  readonly map = new Map<number, { counts: Int32Array; first: number; total: number }>();
  add(key: number, state: number, row: number): void {
    let e = this.map.get(key);
    if (!e) this.map.set(key, e = { counts: new Int32Array(NSTATES), first: row, total: 0 });
    e.counts[state]++;
    e.total++;
  }
  /** The biggest keys as text. */
  top(text: (row: number) => string): GroupCounts {
    const all = [...this.map.values()].sort((a, b) => b.total - a.total);
    const out: GroupCounts = new Map();
    for (const e of all.slice(0, GROUP_KEYS_KEPT)) {
      const k = text(e.first);
      const cur = out.get(k);
      if (cur) for (let s = 0; s < NSTATES; s++) cur[s] += e.counts[s];
      else out.set(k, e.counts);
    }
    return out;
  }
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
  const keys = new Float64Array(rows), stateOf = new Uint8Array(rows);
  const byProcess = new Counts(), byPort = new Counts(), byHost = new Counts(), byDest = new Counts();
  const byEphemeral = new Map<number, Counts>();
  const listening = new Uint8Array(65537);
  const LISTEN = STATES.indexOf("LISTEN") + 1;
  for (let i = part.rowFrom; i < part.rowTo; i++) if (t.state[i] === LISTEN && t.localPort[i] !== NONE) listening[t.localPort[i] + 1] = 1;
  const owned = new Map<number, number>();
  let anyOwner = false, orphans = 0;
  const bits = new Map<number, number>();
  const addr = (id: number) => {
    let b = bits.get(id);
    if (b === undefined) bits.set(id, b = addrBits(snap, id));
    return b;
  };
  for (let i = part.rowFrom, k = 0; i < part.rowTo; i++, k++) {
    const st = t.state[i], lp = t.localPort[i], rp = t.remotePort[i], pid = t.pid[i];
    states[st]++;
    keys[k] = identity(addr(t.localAddr[i]), lp, addr(t.remoteAddr[i]), rp, t.inode[i]);
    stateOf[k] = st;
    if (pid !== NONE) {
      anyOwner = true;
      owned.set(pid, (owned.get(pid) ?? 0) + 1);
      byProcess.add(pid, st, i);
    } else byProcess.add(-1 - t.program[i], st, i);
    if (ORPHAN_STATES[st] && pid === NONE) orphans++;
    byPort.add(lp, st, i);
    byHost.add(t.remoteAddr[i], st, i);
    byDest.add(t.remoteAddr[i] * 65537 + rp + 1, st, i);
    if (CONNECTED[st] && lp >= rangeFrom.low && lp <= rangeFrom.high && !listening[lp + 1]) {
      let c = byEphemeral.get(t.localAddr[i]);
      if (!c) byEphemeral.set(t.localAddr[i], c = new Counts());
      c.add(t.remoteAddr[i] * 65537 + rp + 1, st, i);
    }
  }
  for (let s = 0; s < NSTATES; s++) states[s] += tallies[s] ?? 0;
  // Sort the identities, their states alongside (the series compares sorted lists).
  // A typed index array sorts in half the time of an array of numbers (a watch does this every tick).
  const order = new Uint32Array(rows);
  for (let k = 0; k < rows; k++) order[k] = k;
  order.sort((a, b) => keys[a] - keys[b]);
  const sortedKeys = new Float64Array(rows), sortedStates = new Uint8Array(rows);
  for (let k = 0; k < rows; k++) {
    sortedKeys[k] = keys[order[k]];
    sortedStates[k] = stateOf[order[k]];
  }
  const text = (by: "process" | "local-port" | "remote-host" | "destination" | "source-destination") => (row: number) => scan.keyText(by, row);
  // Per source address, then per destination: one list of (source, destination) groups.
  const eph = new Counts();
  let n = 0;
  for (const c of byEphemeral.values()) for (const e of c.map.values()) eph.map.set(n++, e);
  const groups: Partial<Record<SeriesGroupBy, GroupCounts>> = {
    process: byProcess.top(text("process")),
    "local-port": byPort.top(text("local-port")),
    "remote-host": byHost.top(text("remote-host")),
    destination: byDest.top(text("destination")),
    ephemeral: eph.top(text("source-destination")),
  };
  const sockets: MomentSockets = {
    states,
    total: rows + tallied,
    rows: true,
    groups,
    identities: { keys: sortedKeys, states: sortedStates },
  };
  if (anyOwner) {
    sockets.ownedByPid = owned;
    sockets.orphans = orphans;
  }
  out.sockets = sockets;
  return out;
}
