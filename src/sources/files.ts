/** Files and stdin, read in chunks into one snapshot, each within a size limit. */

import * as fs from "node:fs";
import { binaryOffset, finishSnapshot, Ingestor, whyNotUnderstood } from "../ingest/mod.ts";
import { emptySnapshot, type Snapshot } from "../model/snapshot.ts";
import { InputError } from "./input_error.ts";
import { freeRows, InlineReadAhead, type ReadAheadRunner, ReadAheadThread } from "./read_ahead.ts";
import { splitReadingHelps } from "./threads.ts";
import { warmPages } from "./warm_pages.ts";

// Read 1 MiB at a time (fewer system calls), but hand the ingestor pieces of
// whole lines of up to 64 KiB: the fast row readers read them in place, and
// whatever is decoded is decoded in small pieces (Node decodes a chunk of
// about 1 MB or more into an external string that lingers until a full GC;
// bench/README.md has the figures).
const READ = 1 << 20;
const CHUNK = 1 << 16;

/** The most one input may hold unless told otherwise: 1 GiB. */
export const DEFAULT_MAX_INPUT = 1 << 30;

/** Progress callback: bytes read so far and the total when known. */
export type Progress = (path: string, done: number, total: number | undefined) => void;

/** How inputs are read. */
export interface ReadOptions {
  /**
   * The most bytes one input may hold (default {@link DEFAULT_MAX_INPUT}):
   * a bigger file, or a stream that goes on past it, fails with an
   * InputError that says how to raise it.
   */
  maxInputBytes?: number;
  /** Files of at least this many bytes are read on two threads (default 8 MiB where that helps, see splitReadingHelps; else Infinity: never). */
  readAheadFrom?: number;
  /**
   * Tests: read ahead on this thread, after the first part (the same result
   * without a second thread), with the first `probe` bytes read first and
   * the split at the line after the one that holds byte `at`.
   */
  _inline?: { probe: number; at: number };
  /** Read into this snapshot (a live one, to add an application log) instead of a new one. */
  into?: Snapshot;
}

/** Files this big or bigger are read on two threads on a machine with more than two cores. */
export const READ_AHEAD_FROM = 8 << 20;
/** What the main thread reads before it knows the format and the row density. */
const PROBE = 1 << 20;
/**
 * The main thread's extra share of the split, in bytes: the helper starts
 * some tens of milliseconds after the main thread and reads a little
 * slower (bench/README.md has the measurements).
 */
const HEAD_START = 12 << 20;

/** Sizes as people write them: "1 GiB", "512 MiB", "300 bytes". */
function size(n: number): string {
  for (const [unit, v] of [["GiB", 1 << 30], ["MiB", 1 << 20], ["KiB", 1 << 10]] as const) {
    if (n >= v) return `${Number.isInteger(n / v) ? n / v : (n / v).toFixed(1)} ${unit}`;
  }
  return `${n} bytes`;
}

function tooLarge(path: string, max: number): InputError {
  return new InputError(
    "INPUT_TOO_LARGE",
    path,
    `holds more than ${size(max)}, the most tcpdoc reads of one input; if it is meant to be that big, raise the limit with --max-input`,
  );
}

/** Sleeps without using the processor (a synchronous reader waiting for a slow pipe). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** Where one input is read from, and how far it may go. */
interface Reading {
  fd: number;
  ing: Ingestor;
  /** The name errors and progress give. */
  path: string;
  total: number | undefined;
  max: number;
  progress: Progress | undefined;
  /** Keeps a copy of what is read (stdin, which a series reads twice). */
  keep?: StdinCopy;
}

/** The most of stdin kept for a second reading (a series on stdin is read twice). */
export const STDIN_KEPT = 64 << 20;

/**
 * Stdin's bytes as read the first time, for a second reading; `overflow`
 * when it held more than {@link STDIN_KEPT} (then nothing is kept).
 */
export interface StdinCopy {
  chunks: Uint8Array[];
  bytes: number;
  overflow: boolean;
  /** Read from the copy instead of fd 0 (the second reading). */
  replay: boolean;
}

/** An empty copy that keeps what stdin gives. */
export function stdinCopy(): StdinCopy {
  return { chunks: [], bytes: 0, overflow: false, replay: false };
}

function keepBytes(k: StdinCopy, bytes: Uint8Array): void {
  if (k.overflow) return;
  if (k.bytes + bytes.length > STDIN_KEPT) {
    k.overflow = true;
    k.chunks = [];
    return;
  }
  k.chunks.push(bytes.slice());
  k.bytes += bytes.length;
}

/**
 * Reads `r.fd` into the ingestor from byte `from` (null: from where the fd
 * is, for pipes) up to `to` or the end; returns the offset reached.
 * Throws InputError past the input's limit.
 */
function readFd(r: Reading, from: number | null = null, to = Infinity): number {
  const buf = new Uint8Array(READ);
  let pos = from ?? 0;
  // The start of a line cut by the last read, kept at the front of buf for the next.
  let held = 0;
  // A non-blocking pipe with nothing in it yet (stdin from a slow producer):
  // wait a little longer each time, up to 50 ms, rather than spin.
  let wait = 1;
  while (pos < to) {
    let n: number;
    try {
      n = fs.readSync(r.fd, buf, held, Math.min(READ - held, to - pos), from === null ? null : pos);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === "EAGAIN") {
        pause(wait);
        wait = Math.min(50, wait * 2);
        continue;
      }
      if (code === "EOF") break;
      throw new InputError("INPUT_UNREADABLE", r.path, `cannot read: ${(e as Error).message}`);
    }
    wait = 1;
    if (n === 0) break;
    if (pos + n > r.max) throw tooLarge(r.path, r.max);
    if (pos === 0) {
      const at = binaryOffset(buf.subarray(0, n));
      if (at !== -1) throw new InputError("INPUT_BINARY", r.path, `is a binary file (a NUL byte at offset ${at}), not a text dump: give the output of ss, netstat or the like as text`);
    }
    const filled = held + n;
    // Whole lines go on, in pieces of up to 64 KiB that end at a line end
    // (nothing to join; see CHUNK); a line longer than the buffer goes as it is.
    let cut = buf.lastIndexOf(10, filled - 1) + 1;
    if (cut === 0 && filled === READ) cut = READ;
    for (let i = 0; i < cut;) {
      let e = cut - i > CHUNK ? buf.lastIndexOf(10, i + CHUNK - 1) + 1 : cut;
      if (e <= i) e = Math.min(cut, i + CHUNK);
      give(r, buf.subarray(i, e));
      i = e;
    }
    if (cut > 0 && cut < filled) buf.copyWithin(0, cut, filled);
    held = filled - cut;
    pos += n;
    r.progress?.(r.path, pos, r.total);
  }
  if (held > 0) give(r, buf.subarray(0, held));
  return pos;
}

/** Hands a piece to the ingestor, keeping a copy when stdin is to be read again (the pieces replay as they went). */
function give(r: Reading, piece: Uint8Array): void {
  r.ing.push(piece);
  if (r.keep) keepBytes(r.keep, piece);
}

/**
 * Reads a big regular file on two threads: the main thread reads the first
 * MiB (the format and row density), hands the second half to a helper,
 * reads the first half, asks the helper to stop, takes over its rows when it
 * ends the first half with the same fast reader, and reads on from where the
 * helper stopped. Whenever something does not fit, it reads on alone.
 */
function readSplit(r: Reading, size: number, options: ReadOptions): void {
  const inline = options._inline;
  const runner: ReadAheadRunner | undefined = inline ? new InlineReadAhead() : ReadAheadThread.start();
  if (!runner) {
    readFd(r, 0);
    return;
  }
  try {
    let pos = readFd(r, 0, inline?.probe ?? PROBE);
    const format = r.ing.fastFormat();
    const split = format === undefined ? -1 : lineStartAfter(r.fd, inline?.at ?? pos + Math.floor((size - pos + HEAD_START) / 2), size);
    if (split > pos) {
      const rows = r.ing.report.sockets;
      runner.run({ path: r.path, start: split, end: size, format: format!, reserve: Math.ceil((rows / pos) * (size - split) * 1.05) + 64 });
      const t0 = performance.now();
      // The progress line counts both threads' bytes: the helper's part is read meanwhile.
      const progress = r.progress;
      pos = readFd({ ...r, progress: progress && ((p, done, total) => progress(p, done + runner.done(), total)) }, pos, split);
      // Rows read ahead are what this thread would have read from the split
      // on only when it gets there at a line start with the same fast reader.
      // The helper, started later, is then asked to stop after its block:
      // this thread reads on from where it stopped rather than wait for it.
      const ahead = pos === split && r.ing.atLineStart() && r.ing.fastFormat() === format
        ? runner.result(10_000 + 4 * (performance.now() - t0), progress && ((bytes) => progress(r.path, split + bytes, size)), true)
        : undefined;
      if (ahead) {
        r.ing.adopt(ahead);
        freeRows(ahead);
        pos = ahead.stoppedAt;
        r.progress?.(r.path, pos, size);
      }
    }
    readFd(r, pos);
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

function openError(path: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === "ENOENT") return new InputError("INPUT_NOT_FOUND", path, "no such file");
  if (code === "EACCES" || code === "EPERM") return new InputError("INPUT_DENIED", path, "permission denied");
  if (code === "EISDIR") return new InputError("INPUT_IS_DIRECTORY", path, "is a directory, give the dump files inside it");
  return new InputError("INPUT_UNREADABLE", path, (e as Error).message.split("\n")[0]);
}

/** Reads one file (not stdin) into `ing`. */
function readFile(path: string, ing: Ingestor, progress: Progress | undefined, options: ReadOptions, max: number, after: number): void {
  let fd: number;
  let st: fs.Stats;
  try {
    fd = fs.openSync(path, "r");
    st = fs.fstatSync(fd);
    if (st.isDirectory()) {
      fs.closeSync(fd);
      throw Object.assign(new Error("directory"), { code: "EISDIR" });
    }
  } catch (e) {
    throw openError(path, e);
  }
  try {
    // A regular file says its size; a pipe or a device (/dev/zero) is counted as it is read.
    const regular = st.isFile();
    if (regular && st.size > max) throw tooLarge(path, max);
    if (regular) ing.expectBytes(st.size, after);
    const r: Reading = { fd, ing, path, total: regular ? st.size : undefined, max, progress };
    if (regular && st.size >= (options.readAheadFrom ?? (splitReadingHelps() ? READ_AHEAD_FROM : Infinity))) readSplit(r, st.size, options);
    else readFd(r, regular ? 0 : null);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * Reads one input ("-" is stdin) into the ingestor, which the caller ends.
 * With `stdin`, stdin's bytes are kept there (the first reading) or read
 * from there (`replay`, the second). Throws InputError.
 */
export function readInput(path: string, ing: Ingestor, progress: Progress | undefined, options: ReadOptions = {}, stdin?: StdinCopy, after = 0): void {
  const max = options.maxInputBytes ?? DEFAULT_MAX_INPUT;
  if (path !== "-") return readFile(path, ing, progress, options, max, after);
  if (stdin?.replay) {
    // The kept pieces are whole lines as they went the first time.
    for (const c of stdin.chunks) ing.push(c);
    return;
  }
  readFd({ fd: 0, ing, path: "stdin", total: undefined, max, progress, ...(stdin ? { keep: stdin } : {}) });
}

/**
 * For each path, the bytes of the regular files after it (stdin, pipes and
 * what cannot be stat'ed count 0): read into one table, the first input's
 * room is made for them too (Ingestor.expectBytes), so the columns are not
 * copied when the next file of the capture (/proc/net/tcp6 after tcp) comes.
 */
export function bytesAfter(paths: readonly string[]): number[] {
  const sizes = paths.map((p) => {
    if (p === "-") return 0;
    try {
      const st = fs.statSync(p);
      return st.isFile() ? st.size : 0;
    } catch {
      return 0;
    }
  });
  let after = sizes.reduce((a, b) => a + b, 0);
  return sizes.map((n) => after -= n);
}

/**
 * Reads every path ("-" is stdin) into one snapshot. Throws InputError for
 * an input that cannot be read or is larger than the limit, or when no
 * input holds a line tcpdoc understands.
 */
export function readInputs(paths: string[], progress?: Progress, options: ReadOptions = {}): Snapshot {
  const snap = options.into ?? emptySnapshot();
  const after = bytesAfter(paths);
  const cool = warmPages(snap.sockets);
  try {
    for (const [k, path] of paths.entries()) {
      const ing = new Ingestor(snap, path);
      readInput(path, ing, progress, options, undefined, after[k]);
      ing.end();
    }
  } finally {
    cool();
  }
  finishSnapshot(snap);
  assertUnderstood(snap);
  return snap;
}

/**
 * Throws when no input holds anything tcpdoc understands; otherwise the
 * report lists each input's unparsed lines with their numbers.
 */
export function assertUnderstood(snap: Snapshot): void {
  if (snap.inputs.every((r) => whyNotUnderstood(r))) {
    const r = snap.inputs.find((x) => x.lines > 0) ?? snap.inputs[0];
    const why = whyNotUnderstood(r)!;
    throw new InputError(why.code, r.path === "-" ? "stdin" : r.path, why.reason, why.line);
  }
}
