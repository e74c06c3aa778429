/**
 * Columns whose pages a helper thread faults in ahead of the rows written.
 * The first write to a page of fresh memory stops the writer for a page
 * fault: 10-11 µs a page on the 2-vCPU machine bench/README.md measures
 * ("Warm pages"), some 0.1 s of a million-row dump's 48 MB of columns. A
 * helper writes each page once, a few megabytes ahead of the reading, on
 * the core the reading does not use; the reading then finds the pages
 * there. The helper's write is a compare-and-swap of 0 with 0: it changes
 * nothing, whatever the reading has written there (native code would ask
 * the kernel for this with MADV_POPULATE_WRITE, which JavaScript cannot).
 */

import type { Worker } from "node:worker_threads";
import type { ColumnMemory, ColumnStream, SocketTable } from "../model/socket_table.ts";
import { startThread, threadsHelp } from "./threads.ts";

/** Columns smaller than this take plain arrays: the helper's start (some 45 ms of the other core) would cost more than it saves. */
export const WARM_FROM_BYTES = 8 << 20;
/** How far ahead of the rows written the helper goes, in rows (some 3 MB of columns). */
export const LEAD = 1 << 16;
/** Rows the helper advances by: at most a page of the widest column (8 bytes a row). */
export const STEP = 256;

/** Control words: rows written; the job (bumped by each buffer, -1: stop); rows the helper has faulted in. */
const WROTE = 0, JOB = 1, REACHED = 2;

/** The helper's code: Node builtins only, so it needs no module of tcpdoc's (see proc_file.ts). */
const WARMER = `
const { workerData: { ctl }, parentPort } = require("node:worker_threads");
const c = new Int32Array(ctl);
parentPort.on("message", ({ buffer, streams, from, to, job }) => {
  const v = new Int32Array(buffer), last = streams.map(() => -1);
  // Where the rows written have got to while this thread started: their pages are in.
  let r = Math.max(from, Math.min(to, Atomics.load(c, ${WROTE})));
  Atomics.store(c, ${REACHED}, r);
  for (r -= r % ${STEP}; r < to; r += ${STEP}) {
    for (let w; r >= (w = Atomics.load(c, ${WROTE})) + ${LEAD};) {
      if (Atomics.load(c, ${JOB}) !== job) return;
      Atomics.wait(c, ${WROTE}, w, 100);
    }
    if (Atomics.load(c, ${JOB}) !== job) return;
    for (let k = 0; k < streams.length; k++) {
      const page = Math.floor((streams[k].byteOffset + r * streams[k].bytesPerRow) / 4096);
      if (page !== last[k]) {
        last[k] = page;
        Atomics.compareExchange(v, page * 1024, 0, 0);
      }
    }
    Atomics.store(c, ${REACHED}, Math.min(r + ${STEP}, to));
  }
});`;

/**
 * A {@link ColumnMemory} served by a helper thread, started with the first
 * buffer big enough to need it (Node with a second core; elsewhere
 * {@link warmColumns} installs none).
 */
export class ColumnWarmer implements ColumnMemory {
  readonly #ctl = new Int32Array(new SharedArrayBuffer(12));
  readonly #fromBytes: number;
  #worker: Worker | undefined;
  #failed = false;

  constructor(fromBytes = WARM_FROM_BYTES) {
    this.#fromBytes = fromBytes;
  }

  allocate(bytes: number, streams: readonly ColumnStream[], from: number, to: number): SharedArrayBuffer | undefined {
    if (bytes < this.#fromBytes || this.#failed || this.#ctl[JOB] < 0) return undefined;
    this.#worker ??= startThread(WARMER, { ctl: this.#ctl.buffer });
    if (!this.#worker) {
      this.#failed = true;
      return undefined;
    }
    const buffer = new SharedArrayBuffer(bytes), c = this.#ctl;
    // A job of its own: the helper leaves the previous buffer's pages (a grown table drops it).
    const job = c[JOB] + 1;
    Atomics.store(c, WROTE, from);
    Atomics.store(c, REACHED, from);
    Atomics.store(c, JOB, job);
    Atomics.notify(c, WROTE);
    this.#worker.postMessage({ buffer, streams, from, to, job });
    return buffer;
  }

  wrote(row: number): void {
    Atomics.store(this.#ctl, WROTE, row);
    Atomics.notify(this.#ctl, WROTE);
  }

  /** Rows of the current buffer whose pages the helper has faulted in (tests). */
  reached(): number {
    return Atomics.load(this.#ctl, REACHED);
  }

  /** Stops the helper; buffers it served stay as they are. */
  close(): void {
    Atomics.store(this.#ctl, JOB, -1);
    Atomics.notify(this.#ctl, WROTE);
    void this.#worker?.terminate();
    this.#worker = undefined;
  }
}

/**
 * Has `t`'s columns, when they grow big, go to memory a helper thread
 * faults in ahead of the rows written (where threads help: Node with a
 * second core); returns what puts the table back as it was and stops the
 * helper, to call once the reading is done.
 */
export function warmColumns(t: SocketTable): () => void {
  if (!threadsHelp() || t.memory) return () => {};
  const warmer = new ColumnWarmer();
  t.memory = warmer;
  return () => {
    t.memory = undefined;
    warmer.close();
  };
}
