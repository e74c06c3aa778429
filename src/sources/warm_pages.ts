/**
 * Memory whose pages a helper thread faults in before they are written
 * (model/warm_memory.ts says why). A big table's columns are faulted in a
 * few megabytes ahead of the rows written, the string pool's next address
 * table whole, on the core the reading does not use; the reading then
 * finds the pages there. The helper writes each page once, with a
 * compare-and-swap of 0 with 0: it changes nothing, whatever the reading
 * has written there (native code would ask the kernel for this with
 * MADV_POPULATE_WRITE, which JavaScript cannot).
 */

import { MessageChannel, type MessagePort, type Worker } from "node:worker_threads";
import type { SocketTable } from "../model/socket_table.ts";
import type { ColumnStream, WarmMemory } from "../model/warm_memory.ts";
import { startThread, threadsHelp } from "./threads.ts";

/** Buffers smaller than this are not warmed: the helper's start (some 45 ms of the other core) would cost more than it saves. */
export const WARM_FROM_BYTES = 1 << 20;
/** Columns smaller than this take plain arrays (a table of some 170,000 rows). */
export const WARM_COLUMNS_FROM_BYTES = 8 << 20;
/** How far ahead of the rows written the helper goes, in rows (some 3 MB of columns). */
export const LEAD = 1 << 16;
/** Rows the helper advances by: at most a page of the widest column (8 bytes a row). */
export const STEP = 256;
/** Pages of a table the helper faults in between two steps of the columns. */
const TABLE_SLICE = 16;

/**
 * Control words: rows written; the columns' buffer (bumped by each, -1:
 * stop); rows of it faulted in; pages of tables faulted in; the bell the
 * helper waits on (rung by each of the others' changes and each table);
 * pages of spare buffers faulted in.
 */
const WROTE = 0, JOB = 1, REACHED = 2, TABLE_PAGES = 3, BELL = 4, SPARE_PAGES = 5;

/** The helper's code: Node builtins only, so it needs no module of tcpdoc's (see proc_file.ts). */
const WARMER = `
const { workerData: { ctl, port }, receiveMessageOnPort } = require("node:worker_threads");
const c = new Int32Array(ctl), tables = [], spares = [];
let col;
const touch = (v, page) => Atomics.compareExchange(v, page * 1024, 0, 0);
// faults in the next pages of the first buffer of queue q, counted in control word w
const slice = (q, w) => {
  const t = q[0];
  for (const end = Math.min(t.pages, t.page + ${TABLE_SLICE}); t.page < end; t.page++) touch(t.v, t.page);
  Atomics.add(c, w, ${TABLE_SLICE});
  if (t.page === t.pages) q.shift();
};
for (;;) {
  const bell = Atomics.load(c, ${BELL});
  for (let m; (m = receiveMessageOnPort(port)) !== undefined;) {
    const j = m.message;
    if (j.table || j.spare) {
      const b = j.table ?? j.spare;
      (j.table ? tables : spares).push({ v: new Int32Array(b), page: 0, pages: Math.ceil(b.byteLength / 4096) });
      continue;
    }
    // Where the rows written have got to while this thread started: their pages are in.
    const r = Math.max(j.from, Math.min(j.to, Atomics.load(c, ${WROTE})));
    col = { ...j, v: new Int32Array(j.buffer), last: j.streams.map(() => -1), r: r - (r % ${STEP}) };
    Atomics.store(c, ${REACHED}, r);
  }
  const job = Atomics.load(c, ${JOB});
  if (job < 0) break;
  let worked = false;
  if (tables.length > 0) {
    slice(tables, ${TABLE_PAGES});
    worked = true;
  }
  // a newer buffer is on its way: this one is dropped
  if (col !== undefined && col.job !== job) col = undefined;
  if (col !== undefined && col.r < col.to && col.r < Atomics.load(c, ${WROTE}) + ${LEAD}) {
    for (let k = 0; k < col.streams.length; k++) {
      const page = Math.floor((col.streams[k].byteOffset + col.r * col.streams[k].bytesPerRow) / 4096);
      if (page !== col.last[k]) touch(col.v, col.last[k] = page);
    }
    col.r += ${STEP};
    Atomics.store(c, ${REACHED}, Math.min(col.r, col.to));
    worked = true;
  }
  // spare memory when nothing else waits
  if (!worked && spares.length > 0) {
    slice(spares, ${SPARE_PAGES});
    worked = true;
  }
  if (!worked) Atomics.wait(c, ${BELL}, bell, 1000);
}`;

/**
 * A {@link WarmMemory} served by a helper thread, started with the first
 * buffer big enough to need it (Node with a second core; elsewhere
 * {@link warmPages} installs none).
 */
export class PageWarmer implements WarmMemory {
  readonly #ctl = new Int32Array(new SharedArrayBuffer(24));
  readonly #fromBytes: number;
  readonly #columnsFromBytes: number;
  #worker: Worker | undefined;
  #port: MessagePort | undefined;
  #failed = false;

  /** Buffers under `fromBytes`, and columns under `columnsFromBytes`, are not warmed (tests pass 0). */
  constructor(fromBytes = WARM_FROM_BYTES, columnsFromBytes = WARM_COLUMNS_FROM_BYTES) {
    this.#fromBytes = fromBytes;
    this.#columnsFromBytes = Math.max(fromBytes, columnsFromBytes);
  }

  columns(bytes: number, streams: readonly ColumnStream[], from: number, to: number): SharedArrayBuffer | undefined {
    if (bytes < this.#columnsFromBytes || !this.#start()) return undefined;
    const buffer = new SharedArrayBuffer(bytes), c = this.#ctl, job = c[JOB] + 1;
    Atomics.store(c, WROTE, from);
    Atomics.store(c, REACHED, from);
    Atomics.store(c, JOB, job);
    this.#port!.postMessage({ buffer, streams, from, to, job });
    this.#ring();
    return buffer;
  }

  wrote(row: number): void {
    const c = this.#ctl;
    Atomics.store(c, WROTE, row);
    // The helper waits once it is LEAD rows ahead: woken only when its lead is down to half,
    // not after every 64 KiB piece (each wake-up is a system call of this thread's).
    if (Atomics.load(c, REACHED) - row < LEAD / 2) this.#ring();
  }

  table(bytes: number): SharedArrayBuffer | undefined {
    return this.#whole("table", bytes);
  }

  spare(bytes: number): SharedArrayBuffer | undefined {
    return this.#whole("spare", bytes);
  }

  /** A buffer the helper faults in whole: first among the others if a table, after everything else if spare. */
  #whole(kind: "table" | "spare", bytes: number): SharedArrayBuffer | undefined {
    if (bytes < this.#fromBytes || !this.#start()) return undefined;
    const buffer = new SharedArrayBuffer(bytes);
    this.#port!.postMessage({ [kind]: buffer });
    this.#ring();
    return buffer;
  }

  /** Rows of the last columns' buffer whose pages are in: faulted in by the helper, or written before it came (tests). */
  reached(): number {
    return Atomics.load(this.#ctl, REACHED);
  }

  /** How many times the helper's bell has been rung, whether it was waiting or not (tests). */
  bells(): number {
    return Atomics.load(this.#ctl, BELL);
  }

  /** Pages of tables the helper has faulted in, rounded up to its slices of 16 (tests). */
  tablePages(): number {
    return Atomics.load(this.#ctl, TABLE_PAGES);
  }

  /** Pages of spare buffers the helper has faulted in, rounded up to its slices of 16 (tests). */
  sparePages(): number {
    return Atomics.load(this.#ctl, SPARE_PAGES);
  }

  /** Stops the helper; the buffers it gave stay as they are. */
  close(): void {
    Atomics.store(this.#ctl, JOB, -1);
    this.#ring();
    void this.#worker?.terminate();
    this.#port?.close();
    this.#worker = this.#port = undefined;
  }

  /** Starts the helper if it is not running; false where none can run, or once closed. */
  #start(): boolean {
    if (this.#worker) return true;
    if (this.#failed || this.#ctl[JOB] < 0) return false;
    const { port1, port2 } = new MessageChannel();
    this.#worker = startThread(WARMER, { ctl: this.#ctl.buffer, port: port2 }, [port2]);
    if (!this.#worker) {
      this.#failed = true;
      port1.close();
      return false;
    }
    this.#port = port1;
    return true;
  }

  #ring(): void {
    Atomics.add(this.#ctl, BELL, 1);
    Atomics.notify(this.#ctl, BELL);
  }
}

/**
 * Has `t`'s columns and address tables, when they grow big, and the spare
 * memory its facts will count in, go to memory a helper thread faults in
 * ahead (where threads help: Node with a second core); returns what puts
 * the table back as it was and stops the helper, to call once the reading
 * is done.
 */
export function warmPages(t: SocketTable): () => void {
  if (!threadsHelp() || t.memory) return () => {};
  const warmer = new PageWarmer();
  t.memory = warmer;
  return () => {
    t.memory = undefined;
    warmer.close();
  };
}
