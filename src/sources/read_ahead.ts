/**
 * Reading ahead in a big file: while the main thread reads the first half,
 * a helper thread reads the plain rows of the second half (RowsAheadReader
 * in src/ingest/rows_ahead.ts) and hands them over (files.ts readSplit).
 */

import * as fs from "node:fs";
import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from "node:worker_threads";
import { type RowsAhead, RowsAheadReader } from "../ingest/mod.ts";
import { startThread } from "./threads.ts";

/** What the main thread asks of the helper. */
export interface ReadAheadJob {
  path: string;
  /** Byte offset of the first line (just after a newline). */
  start: number;
  /** Byte offset to stop at. */
  end: number;
  /** Format id whose fast reader reads the rows. */
  format: string;
  /** Expected row count, to size the table once. */
  reserve: number;
}

const READ = 1 << 20;

/**
 * Reads job.path from job.start on, as long as every line is a plain row of
 * job.format; `read` hears how many bytes it has read so far (the progress
 * line). It stops early, after the block it is reading (1 MiB), once `stop`
 * says so.
 */
export function readAhead(job: ReadAheadJob, read?: (bytes: number) => void, stop?: () => boolean): RowsAhead {
  const reader = new RowsAheadReader(job.format, job.reserve);
  if (reader.stopped) return reader.result(job.start);
  const buf = new Uint8Array(READ);
  const fd = fs.openSync(job.path, "r");
  try {
    for (let pos = job.start; pos < job.end && !reader.stopped && !stop?.();) {
      const n = fs.readSync(fd, buf, 0, Math.min(READ, job.end - pos), pos);
      if (n === 0) break;
      const used = reader.push(buf.subarray(0, n));
      if (used === 0) break;
      pos += used;
      read?.(pos - job.start);
    }
  } finally {
    fs.closeSync(fd);
  }
  return reader.result(job.start);
}

/** The buffers that hold rows read ahead (their columns and their pool's arrays), each once. */
export function rowsBuffers(rows: RowsAhead): ArrayBuffer[] {
  const s = rows.strings;
  return [...new Set([...Object.values(rows.columns), s.kinds, s.values, s.v6].map((a) => a.buffer as ArrayBuffer))];
}

/**
 * Lets go of the memory of rows read ahead once they are adopted (copied
 * into the main table), now rather than at some later collection: on a
 * million-row dump they are some 20 MB, and left to the collector they
 * stayed through the facts that follow, the run's peak. Each buffer is
 * detached and its bytes freed at once: by ArrayBuffer's own transfer()
 * where the runtime has it (Deno), else by a message posted on a closed
 * port (Node drops it, and the buffers it took, there and then).
 */
export function freeRows(rows: RowsAhead): void {
  const buffers = rowsBuffers(rows).filter((b) => b.byteLength > 0);
  const transfer = (ArrayBuffer.prototype as { transfer?: (n: number) => ArrayBuffer }).transfer;
  if (transfer) {
    for (const b of buffers) transfer.call(b, 0);
    return;
  }
  const { port1, port2 } = new MessageChannel();
  port1.close();
  port1.postMessage(null, buffers);
  port2.close();
}

/** Where rows are read ahead: a helper thread, or this one (tests). */
export interface ReadAheadRunner {
  run(job: ReadAheadJob): void;
  /** Bytes read ahead so far. */
  done(): number;
  /**
   * What was read ahead, waiting at most `ms`; undefined when it failed or
   * took longer. While it waits, `tick` hears the bytes read ahead so far,
   * about ten times a second. With `stop`, the helper is first asked to stop
   * after the block it is reading: its rows then end before the job's end
   * (`stoppedAt`), and the caller reads the rest.
   */
  result(ms: number, tick?: (bytes: number) => void, stop?: boolean): RowsAhead | undefined;
  close(): void;
}

/** How often a wait for the helper stops to report progress. */
const TICK_MS = 100;

/** A helper thread that reads ahead in a big file. Node only. */
export class ReadAheadThread implements ReadAheadRunner {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  /** [0]: 0 while reading, 1 when the result is posted, 2 when the module could not load; [1]: KiB read; [2]: 1 asks it to stop. */
  readonly #flag: Int32Array;

  private constructor(worker: Worker, port: MessagePort, flag: Int32Array) {
    this.#worker = worker;
    this.#port = port;
    this.#flag = flag;
  }

  /** Starts the thread, or returns undefined where it cannot help (see startThread). */
  static start(): ReadAheadThread | undefined {
    const url = new URL(import.meta.url.endsWith(".ts") ? "./read_ahead_worker.ts" : "./read-ahead-worker.js", import.meta.url);
    if (!fs.existsSync(url)) return undefined;
    const { port1, port2 } = new MessageChannel();
    const flag = new Int32Array(new SharedArrayBuffer(12));
    // The module is loaded by import(); the flag goes to 2 when it cannot
    // load. Under Node the TypeScript sources (tests) need tsx's hooks,
    // which a worker does not inherit.
    const hooks = url.pathname.endsWith(".ts") ? 'import("tsx/esm/api").then((m) => m.register())' : "Promise.resolve()";
    const boot = `const { workerData: w } = require("node:worker_threads");
      ${hooks}.then(() => import(${JSON.stringify(url.href)})).catch(() => { Atomics.store(w.flag, 0, 2); Atomics.notify(w.flag, 0); });`;
    const worker = startThread(boot, { port: port2, flag }, [port2]);
    if (worker) return new ReadAheadThread(worker, port1, flag);
    port1.close();
    port2.close();
    return undefined;
  }

  run(job: ReadAheadJob): void {
    this.#port.postMessage(job);
  }

  done(): number {
    return Atomics.load(this.#flag, 1) * 1024;
  }

  result(ms: number, tick?: (bytes: number) => void, stop = false): RowsAhead | undefined {
    if (stop) Atomics.store(this.#flag, 2, 1);
    const end = performance.now() + ms;
    for (let left = ms; ; left = end - performance.now()) {
      if (left <= 0) return undefined;
      if (Atomics.wait(this.#flag, 0, 0, Math.min(left, TICK_MS)) !== "timed-out") break;
      tick?.(this.done());
    }
    if (this.#flag[0] !== 1) return undefined;
    const m = receiveMessageOnPort(this.#port)?.message as RowsAhead | { error: string } | undefined;
    return m && !("error" in m) ? m : undefined;
  }

  close(): void {
    this.#port.close();
    void this.#worker.terminate();
  }
}

/** Reads ahead on this thread when asked for the result: the same rows without a second thread (tests). */
export class InlineReadAhead implements ReadAheadRunner {
  #job: ReadAheadJob | undefined;
  #done = 0;
  run(job: ReadAheadJob): void {
    this.#job = job;
  }
  done(): number {
    return this.#done;
  }
  /** Asked to stop, it reads one block (1 MiB), as a helper asked while reading its first block would. */
  result(_ms: number, tick?: (bytes: number) => void, stop = false): RowsAhead | undefined {
    let blocks = 0;
    return this.#job && readAhead(this.#job, (bytes) => tick?.((this.#done = bytes)), stop ? () => ++blocks > 1 : undefined);
  }
  close(): void {}
}
