/**
 * Reading a /proc table to its end, fast: a seq_file is formatted by the
 * kernel as it is read, so a second thread reads on while this one parses.
 */

import * as fs from "node:fs";
import type { Worker } from "node:worker_threads";
import { InputError } from "./input_error.ts";
import { startThread, threadsHelp } from "./threads.ts";

/** For a file that cannot be opened: undefined when it is absent or not ours to read; throws on Deno's sandbox and anything else. */
export function unreadable(path: string, e: unknown): undefined {
  const c = (e as NodeJS.ErrnoException)?.code;
  if (c === "ENOENT" || c === "EACCES" || c === "EPERM" || c === "ENOTDIR") return undefined;
  if (isDenied(e)) throw permissionError(path, e);
  throw e;
}

/** True for Deno's refusal of an operation its permissions do not allow. */
export function isDenied(e: unknown): boolean {
  return (e as Error)?.name === "NotCapable" || (e as Error)?.name === "PermissionDenied";
}

/** The socket tables of a live snapshot on Linux, read in this order. */
export const SOCKET_TABLES: readonly string[] = ["/proc/net/tcp", "/proc/net/tcp6"];

/** Pieces handed on at a time: at most 64 KiB, as files.ts hands files to the ingestor (see READ and CHUNK there). */
const PIECE = 1 << 16;

/** Reads from `fd` until `buf` is full or the file ends; returns the bytes read. */
function fill(fd: number, buf: Uint8Array, path: string): number {
  let n = 0;
  while (n < buf.length) {
    let got: number;
    try {
      got = fs.readSync(fd, buf, n, buf.length - n, null);
    } catch (e) {
      if (isDenied(e)) throw permissionError(path, e);
      throw new InputError("LIVE_UNREADABLE", `live:${path}`, `cannot read: ${(e as Error).message.split("\n")[0]}`);
    }
    if (got === 0) break;
    n += got;
  }
  return n;
}

/**
 * Reads a /proc file to its end and hands its bytes to `push` in pieces of
 * at most 64 KiB (each valid only during the call). Reads are sequential
 * (position null): a seq_file walks the table again for a read at another
 * offset. Each read returns at most a page (4 KiB), so they are gathered
 * into one piece before it is handed on. A file longer than one piece
 * (a table of more than some 400 sockets) is read on, where a second core
 * and threads allow, by a helper thread once it has started, so the kernel's
 * formatting of the table (most of the time) overlaps the parsing here; the
 * bytes are the same; `thread` false reads on here (a watch, where the CPU
 * a thread's start costs each tick matters more than the tick's latency).
 * A table read ahead ({@link readProcFilesAhead}) comes from there, once.
 * False when the file cannot be opened (absent, or not ours to read).
 */
export function readProcFile(path: string, push: (bytes: Uint8Array) => void, thread = true): boolean {
  const ahead = AHEAD.get(path);
  if (ahead) {
    try {
      for (const piece of ahead.pieces) push(piece);
      ahead.reader?.drain(push, path);
    } finally {
      drop(path);
    }
    return true;
  }
  let fd: number;
  try {
    fd = fs.openSync(path, "r");
  } catch (e) {
    return unreadable(path, e) ?? false;
  }
  let helper: ProcReader | undefined;
  try {
    const buf = new Uint8Array(PIECE);
    // Bytes after the last newline of a piece, moved to the buffer's start for the next one: pieces
    // of whole lines, which the ingest reads in place (a cut line costs it a copy of the piece).
    let held = 0;
    for (let first = true; ; first = false) {
      const n = held + fill(fd, buf.subarray(held), path);
      if (n < PIECE) {
        if (n > 0) push(buf.subarray(0, n));
        break;
      }
      const cut = buf.lastIndexOf(10) + 1;
      push(cut > 0 ? buf.subarray(0, cut) : buf);
      held = cut > 0 ? n - cut : 0;
      buf.copyWithin(0, n - held, n);
      if (first && thread) helper = ProcReader.start(fd);
      // The helper reads on from where this thread stopped: the offset is the fd's, shared.
      if (helper?.ready()) {
        if (held > 0) push(buf.subarray(0, held));
        helper.drain(push, path);
        break;
      }
    }
  } finally {
    helper?.close();
    fs.closeSync(fd);
  }
  return true;
}

/** Pieces the helper may read ahead of the parsing (2 MiB). */
const SLOTS = 32;
/**
 * Pieces a table read ahead of tcpdoc's start may hold (16 MiB, some
 * 100,000 sockets): the parsing begins only once the code has loaded. A
 * bigger table waits for the parsing there. Memory never written to is not
 * taken.
 */
const AHEAD_SLOTS = 256;
/**
 * Control words: the helper has started; 1 read on / -1 stop; pieces
 * written; pieces consumed; the helper is done with the fd; then each
 * slot's length (-1: read error).
 */
const READY = 0, GO = 1, WRITTEN = 2, CONSUMED = 3, DONE = 4, LENGTHS = 5;
/** No piece for this long means the helper is gone. */
const STALL_MS = 30_000;

/** The helper thread's code: Node builtins only, so it needs no module of tcpdoc's (and no bundle entry). */
const PROC_READER = `
const { workerData: { fd, ring, ctl } } = require("node:worker_threads");
const fs = require("node:fs");
const PIECE = ${PIECE}, c = new Int32Array(ctl), buf = new Uint8Array(ring), SLOTS = buf.length / PIECE;
Atomics.store(c, ${READY}, 1);
Atomics.wait(c, ${GO}, 0);
for (let k = 0; Atomics.load(c, ${GO}) === 1; k++) {
  for (let done; k - (done = Atomics.load(c, ${CONSUMED})) >= SLOTS; ) Atomics.wait(c, ${CONSUMED}, done);
  const at = (k % SLOTS) * PIECE;
  let n = 0;
  try {
    for (let got; n < PIECE && Atomics.load(c, ${GO}) === 1 && (got = fs.readSync(fd, buf, at + n, PIECE - n, null)) > 0; ) n += got;
  } catch {
    n = -1;
  }
  c[${LENGTHS} + (k % SLOTS)] = n;
  Atomics.store(c, ${WRITTEN}, k + 1);
  Atomics.notify(c, ${WRITTEN});
  if (n < PIECE) break;
}
Atomics.store(c, ${DONE}, 1);
Atomics.notify(c, ${DONE});`

/** A helper thread that reads a /proc file on into a ring of pieces shared with this thread. Node only. */
class ProcReader {
  readonly #worker: Worker;
  readonly #ring: SharedArrayBuffer;
  readonly #ctl: Int32Array;

  private constructor(worker: Worker, ring: SharedArrayBuffer, ctl: Int32Array) {
    this.#worker = worker;
    this.#ring = ring;
    this.#ctl = ctl;
    this.#slots = ring.byteLength / PIECE;
  }

  readonly #slots: number;

  /**
   * Starts the thread, or returns undefined where it cannot help (see
   * startThread); a failed thread shows as a stall in drain(). It reads
   * once told to (go, drain), from where the fd is then.
   */
  static start(fd: number, slots = SLOTS): ProcReader | undefined {
    const ring = new SharedArrayBuffer(slots * PIECE), ctl = new Int32Array(new SharedArrayBuffer(4 * (LENGTHS + slots)));
    const worker = startThread(PROC_READER, { fd, ring, ctl: ctl.buffer });
    return worker && new ProcReader(worker, ring, ctl);
  }

  /** True once the thread runs and waits to be told to read. */
  ready(): boolean {
    return Atomics.load(this.#ctl, READY) === 1;
  }

  /** Tells the thread to read on (from where the fd is), into the ring, as soon as it runs. */
  go(): void {
    Atomics.store(this.#ctl, GO, 1);
    Atomics.notify(this.#ctl, GO);
  }

  /** Has the thread read the file to its end, handing each piece to `push` as it comes. */
  drain(push: (bytes: Uint8Array) => void, path: string): void {
    const c = this.#ctl;
    this.go();
    for (let k = 0; ; k++) {
      for (let written; (written = Atomics.load(c, WRITTEN)) <= k;) {
        if (Atomics.wait(c, WRITTEN, written, STALL_MS) === "timed-out") throw new InputError("LIVE_UNREADABLE", `live:${path}`, "cannot read: the reading thread stopped");
      }
      const slot = k % this.#slots, n = c[LENGTHS + slot];
      if (n < 0) throw new InputError("LIVE_UNREADABLE", `live:${path}`, "cannot read");
      if (n > 0) push(new Uint8Array(this.#ring, slot * PIECE, n));
      Atomics.store(c, CONSUMED, k + 1);
      Atomics.notify(c, CONSUMED);
      if (n < PIECE) return;
    }
  }

  /**
   * Stops the thread (it has nothing to do, or this thread stopped early)
   * and, when it was reading, waits until it has left the fd, which the
   * caller closes next (and the system may hand out again).
   */
  close(): void {
    const c = this.#ctl;
    const reading = Atomics.exchange(c, GO, -1) === 1;
    Atomics.notify(c, GO);
    Atomics.store(c, CONSUMED, 1 << 30); // out of a wait for a free slot
    Atomics.notify(c, CONSUMED);
    // It stops within one read (at most a page); a second is plenty.
    if (reading) Atomics.wait(c, DONE, 0, 1000);
    void this.#worker.terminate();
  }
}

/** A table being read ahead: the pieces read here, then its helper's (none when the pieces hold it all). */
interface Ahead {
  fd: number;
  pieces: Uint8Array[];
  reader: ProcReader | undefined;
}

/** Tables being read ahead, by path: readProcFile takes them from here. */
const AHEAD = new Map<string, Ahead>();

/**
 * Starts reading these /proc tables to their end now, for a readProcFile
 * of the same path to come: the kernel formats them while the code that
 * parses them loads. Each table's first piece is read here: one that ends
 * there (some 400 sockets) is read whole, since a helper thread takes
 * longer to start (some tens of milliseconds, on a core the code loading
 * here wants) than the kernel takes to format it. A longer table is read on
 * by a helper thread of its own; the first of those is read on here too
 * until its helper runs. A table that cannot be opened or read, or where a
 * helper cannot help, is left to readProcFile. Returns what stops the reads
 * not taken by then.
 */
export function readProcFilesAhead(paths: readonly string[]): () => void {
  let first = true;
  for (const path of threadsHelp() ? paths : []) {
    if (AHEAD.has(path)) continue;
    let fd: number;
    try {
      fd = fs.openSync(path, "r");
    } catch {
      continue;
    }
    const ahead: Ahead = { fd, pieces: [], reader: undefined };
    AHEAD.set(path, ahead);
    try {
      if (readPieceAhead(ahead, path)) continue;
      const reader = ProcReader.start(fd, AHEAD_SLOTS);
      if (!reader) {
        drop(path);
        continue;
      }
      ahead.reader = reader;
      if (first) {
        first = false;
        // at most what the helper's ring holds, should the helper be slow to start
        while (!reader.ready() && ahead.pieces.length < AHEAD_SLOTS) {
          if (readPieceAhead(ahead, path)) {
            // all of it: the helper has nothing to read
            reader.close();
            ahead.reader = undefined;
            break;
          }
        }
      }
      ahead.reader?.go();
    } catch {
      // readProcFile reads it again, and says what went wrong
      drop(path);
    }
  }
  return () => {
    for (const path of paths) drop(path);
  };
}

/** Reads the next piece of a table read ahead into its pieces; true when the table ended in it. */
function readPieceAhead(ahead: Ahead, path: string): boolean {
  const piece = new Uint8Array(PIECE), n = fill(ahead.fd, piece, path);
  if (n > 0) ahead.pieces.push(piece.subarray(0, n));
  return n < PIECE;
}

/** Stops reading a table ahead (taken or not) and closes its fd. */
function drop(path: string): void {
  const ahead = AHEAD.get(path);
  if (!ahead) return;
  AHEAD.delete(path);
  ahead.reader?.close();
  fs.closeSync(ahead.fd);
}

/** Deno's refusal, as the one-line error that says which permission to give. */
export function permissionError(path: string, e: unknown): InputError {
  // Deno guards all of /proc: --allow-read=/proc is not enough, only --allow-all is.
  return new InputError("PERMISSION_NEEDED", `live:${path}`, `cannot read (${(e as Error).message.split("\n")[0]}); under Deno a live snapshot on Linux needs --allow-all (see docs/deno-permissions.md)`);
}

