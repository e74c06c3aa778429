/** The I/O edge of ingest: reads files and stdin in chunks into a snapshot. */

import * as fs from "node:fs";
import { MessageChannel, type MessagePort, receiveMessageOnPort, type Worker } from "node:worker_threads";
import { emptySnapshot, type Snapshot } from "../model/snapshot.ts";
import { binaryOffset } from "./decode.ts";
import { Ingestor } from "./ingest.ts";
import { readAhead, type ReadAhead, type ReadAheadJob } from "./read_ahead.ts";
import { PARSERS } from "./registry.ts";
import { startThread } from "./threads.ts";

// Read 1 MiB at a time (fewer system calls; /proc/net/tcp with 100k sockets
// reads 20% faster than in 64 KiB reads), but hand the ingestor 64 KiB
// pieces: Node decodes a chunk of about 1 MB or more into an external string
// that lingers until a full GC (70 MB more peak memory on a 1M-line dump);
// smaller chunks decode into ordinary strings the young GC frees at once.
const READ = 1 << 20;
const CHUNK = 1 << 16;

/** An input that cannot be read, or holds nothing tcpdoc understands. */
export class InputError extends Error {
  override name = "InputError";
  /** The path as the user gave it. */
  readonly path: string;
  /** 1-based line the problem is on, when there is one. */
  readonly line: number | undefined;
  constructor(path: string, message: string, line?: number) {
    super(message);
    this.path = path;
    this.line = line;
  }
}

/** Progress callback: bytes read so far and the total when known. */
export type Progress = (path: string, done: number, total: number | undefined) => void;

/**
 * Reads fd into the ingestor from byte `from` (null: from where the fd is,
 * for pipes) up to `to` or the end; returns the offset reached.
 */
function readFd(fd: number, ing: Ingestor, path: string, total: number | undefined, progress?: Progress, from: number | null = null, to = Infinity): number {
  const buf = new Uint8Array(READ);
  let pos = from ?? 0;
  while (pos < to) {
    let n: number;
    try {
      n = fs.readSync(fd, buf, 0, Math.min(READ, to - pos), from === null ? null : pos);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") continue;
      if (code === "EOF") break;
      throw new InputError(path, `cannot read: ${(e as Error).message}`);
    }
    if (n === 0) break;
    if (pos === 0) {
      const at = binaryOffset(buf.subarray(0, n));
      if (at !== -1) throw new InputError(path, `is a binary file (a NUL byte at offset ${at}), not a text dump: give the output of ss, netstat or the like as text`);
    }
    for (let i = 0; i < n; i += CHUNK) ing.push(buf.subarray(i, Math.min(n, i + CHUNK)));
    pos += n;
    progress?.(path, pos, total);
  }
  return pos;
}

/** How a file is read. */
export interface ReadOptions {
  /** Files of at least this many bytes are read on two threads (default 8 MiB; Infinity: never). */
  readAheadFrom?: number;
  /**
   * Tests: read ahead on this thread, after the first part (the same result
   * without a second thread), with the first `probe` bytes read first and
   * the split at the line after the one that holds byte `at`.
   */
  _inline?: { probe: number; at: number };
  /** Read into this snapshot (e.g. a live one, to add an application log) instead of a new one. */
  into?: Snapshot;
}

/** Files this big or bigger are read on two threads when the machine has two cores. */
const READ_AHEAD_FROM = 8 << 20;
/** What the main thread reads before it knows the format and the row density. */
const PROBE = 1 << 20;
/**
 * The main thread's extra share of the split, in bytes: the helper starts
 * reading some 65 ms after the main thread, and reads a little slower.
 * Measured on the 1M-row dumps (medians of 15 interleaved runs): 12 MiB
 * against 8, netstat 581 ms against 592, ss 620 against 626; 8 MiB against
 * 1, netstat 594 against 617.
 */
const HEAD_START = 12 << 20;

/** Where rows are read ahead: a helper thread, or this one (tests). */
interface ReadAheadRunner {
  run(job: ReadAheadJob): void;
  /** Bytes read ahead so far. */
  done(): number;
  /**
   * What was read ahead, waiting at most `ms`; undefined when it failed or
   * took longer. While it waits, `tick` hears the bytes read ahead so far,
   * about ten times a second.
   */
  result(ms: number, tick?: (bytes: number) => void): ReadAhead | undefined;
  close(): void;
}

/** How often a wait for the helper stops to report progress. */
const TICK_MS = 100;

/** A helper thread that reads ahead in a big file (read_ahead.ts). Node only. */
export class ReadAheadThread implements ReadAheadRunner {
  readonly #worker: Worker;
  readonly #port: MessagePort;
  /** [0]: 0 while reading, 1 when the result is posted, 2 when the module could not load; [1]: KiB read. */
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
    const flag = new Int32Array(new SharedArrayBuffer(8));
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

  result(ms: number, tick?: (bytes: number) => void): ReadAhead | undefined {
    const end = performance.now() + ms;
    for (let left = ms; ; left = end - performance.now()) {
      if (left <= 0) return undefined;
      if (Atomics.wait(this.#flag, 0, 0, Math.min(left, TICK_MS)) !== "timed-out") break;
      tick?.(this.done());
    }
    if (this.#flag[0] !== 1) return undefined;
    const m = receiveMessageOnPort(this.#port)?.message as ReadAhead | { error: string } | undefined;
    return m && !("error" in m) ? m : undefined;
  }

  close(): void {
    this.#port.close();
    void this.#worker.terminate();
  }
}

/** Reads ahead on this thread when asked for the result (tests). */
class InlineReadAhead implements ReadAheadRunner {
  #job: ReadAheadJob | undefined;
  #done = 0;
  run(job: ReadAheadJob): void {
    this.#job = job;
  }
  done(): number {
    return this.#done;
  }
  result(_ms: number, tick?: (bytes: number) => void): ReadAhead | undefined {
    return this.#job && readAhead(this.#job, (bytes) => tick?.((this.#done = bytes)));
  }
  close(): void {}
}

/**
 * Reads a big regular file on two threads: the main thread reads the first
 * MiB (the format and row density), hands the second half to a helper,
 * reads the first half, takes over the helper's rows when it ends the first
 * half with the same fast path, and reads on from where the helper stopped.
 * Whenever something does not fit, it reads on alone.
 */
function readSplit(fd: number, ing: Ingestor, path: string, size: number, progress: Progress | undefined, options: ReadOptions): void {
  const inline = options._inline;
  const runner = inline ? new InlineReadAhead() : ReadAheadThread.start();
  if (!runner) {
    readFd(fd, ing, path, size, progress, 0);
    return;
  }
  try {
    let pos = readFd(fd, ing, path, size, progress, 0, inline?.probe ?? PROBE);
    const format = ing.fastFormat();
    const split = format === undefined ? -1 : lineStartAfter(fd, inline?.at ?? pos + Math.floor((size - pos + HEAD_START) / 2), size);
    if (split > pos) {
      const rows = ing.report.sockets;
      runner.run({ path, start: split, end: size, format: format!, reserve: Math.ceil((rows / pos) * (size - split) * 1.05) + 64 });
      const t0 = performance.now();
      // The progress line counts both threads' bytes: the helper's part is read meanwhile.
      const both: Progress | undefined = progress && ((p, done, total) => progress(p, done + runner.done(), total));
      pos = readFd(fd, ing, path, size, both, pos, split);
      // Rows read ahead are what this thread would have read from the split
      // on only when it gets there at a line start with the same fast path.
      const ahead = pos === split && ing.atLineStart() && ing.fastFormat() === format
        ? runner.result(10_000 + 4 * (performance.now() - t0), progress && ((bytes) => progress(path, split + bytes, size)))
        : undefined;
      if (ahead) {
        ing.adopt(ahead);
        pos = ahead.stoppedAt;
        progress?.(path, pos, size);
      }
    }
    readFd(fd, ing, path, size, progress, pos);
  } finally {
    runner.close();
  }
}

/** Offset of the line after the one that holds byte `at` (looked for within 64 KiB), or -1. */
function lineStartAfter(fd: number, at: number, size: number): number {
  if (at >= size) return -1;
  const buf = new Uint8Array(1 << 16);
  const n = fs.readSync(fd, buf, 0, buf.length, at);
  const nl = buf.subarray(0, n).indexOf(10);
  return nl === -1 || at + nl + 1 >= size ? -1 : at + nl + 1;
}

function describeOpenError(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return "no such file";
  if (code === "EACCES" || code === "EPERM") return "permission denied";
  if (code === "EISDIR") return "is a directory, give the dump files inside it";
  return (e as Error).message;
}

/**
 * Reads every path ("-" is stdin) into one snapshot. Throws InputError for a
 * file that cannot be read, or when no input holds a line tcpdoc understands.
 */
export function readInputs(paths: string[], progress?: Progress, options: ReadOptions = {}): Snapshot {
  const readAheadFrom = options.readAheadFrom ?? READ_AHEAD_FROM;
  const snap = options.into ?? emptySnapshot();
  for (const path of paths) {
    const ing = new Ingestor(snap, path, PARSERS);
    if (path === "-") {
      readFd(0, ing, "stdin", undefined, progress);
    } else {
      let fd: number;
      let size: number;
      try {
        fd = fs.openSync(path, "r");
        const st = fs.fstatSync(fd);
        if (st.isDirectory()) {
          fs.closeSync(fd);
          throw Object.assign(new Error("directory"), { code: "EISDIR" });
        }
        size = st.size;
      } catch (e) {
        throw new InputError(path, describeOpenError(e));
      }
      ing.expectBytes(size);
      try {
        if (size >= readAheadFrom) readSplit(fd, ing, path, size, progress, options);
        else readFd(fd, ing, path, size, progress, 0);
      } finally {
        fs.closeSync(fd);
      }
    }
    ing.end();
  }
  // Fail only when no input holds anything tcpdoc understands; otherwise the
  // report lists each input's unparsed lines with their numbers.
  if (snap.inputs.every((r) => r.lines - r.unparsed - r.kinds.noise === 0)) {
    const r = snap.inputs.find((x) => x.lines > 0) ?? snap.inputs[0];
    const name = r.path === "-" ? "stdin" : r.path;
    if (r.lines === 0) {
      throw new InputError(name, "input is empty: give a socket table (ss, netstat, /proc/net/tcp), counters, sysctls or log lines");
    }
    const first = r.unparsedLines[0];
    throw new InputError(
      name,
      `no socket table, counters, sysctls or socket errors recognised${first ? ` (first line: "${first.text.slice(0, 60)}")` : ""}; run 'tcpdoc formats' to see what tcpdoc reads`,
      first?.line,
    );
  }
  return snap;
}
