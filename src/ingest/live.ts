/**
 * The live edge of ingest: reads this machine's sockets, counters and
 * settings. On Linux straight from /proc (no ss or netstat needed), with
 * socket owners from one pass over /proc/PID/fd (unless asked not to); on
 * macOS and Windows through `netstat`. What is read goes through the same
 * parsers as a dump: on Linux the bytes go to the parsers as they are read
 * ({@link liveSnapshot}), and `tcpdoc snapshot` keeps them as text as well
 * ({@link LiveCapture}) to write a file that `tcpdoc analyze FILE` reads
 * back to the same snapshot.
 */

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import process from "node:process";
import type { Worker } from "node:worker_threads";
import { type Capture, emptySnapshot, type Snapshot } from "../model/snapshot.ts";
import { sniffEncoding } from "./decode.ts";
import { Ingestor } from "./ingest.ts";
import { ownerLine, SNAPSHOT_MAGIC, type SocketOwner } from "./parsers/snapshot_file.ts";
import { PARSERS } from "./registry.ts";
import { startThread } from "./threads.ts";
import { InputError } from "./sources.ts";

export type { SocketOwner };

/** One source read live: where from, and its text as read. */
export interface LiveSource {
  /** "/proc/net/tcp", "/proc/sys", "netstat -anv -p tcp". */
  path: string;
  text: string;
}

/** How a live snapshot is taken. */
export interface LiveOptions {
  /**
   * Find each socket's process through /proc/PID/fd (Linux; default true).
   * False skips that scan, as `ss -tan` against `ss -tanp`: no pid or program.
   */
  owners?: boolean;
  /** The system to read as (default: this one's, process.platform). */
  platform?: string;
}

/** Everything read from the machine, before parsing. */
export interface LiveCapture {
  platform: string;
  host: string;
  kernel: string;
  /** ISO time the capture started. */
  time: string;
  sources: LiveSource[];
  /** Socket inode -> owning process (Linux). */
  owners: Map<number, SocketOwner>;
  /** The owner scan: processes looked at, those whose fds could not be read, sockets left without an owner. */
  ownerScan: { processes: number; unreadable: number; unowned: number } | undefined;
}

/** /proc files read on Linux, in this order. */
export const PROC_FILES = [
  "/proc/net/tcp",
  "/proc/net/tcp6",
  "/proc/net/netstat",
  "/proc/net/snmp",
  "/proc/net/sockstat",
  "/proc/net/sockstat6",
];

/** Kernel settings read on Linux (from /proc/sys). */
export const LIVE_SYSCTLS = [
  "net.ipv4.ip_local_port_range",
  "net.ipv4.tcp_tw_reuse",
  "net.ipv4.tcp_fin_timeout",
  "net.ipv4.tcp_max_tw_buckets",
  "net.ipv4.tcp_max_syn_backlog",
  "net.ipv4.tcp_syncookies",
  "net.ipv4.tcp_synack_retries",
  "net.ipv4.tcp_syn_retries",
  "net.ipv4.tcp_orphan_retries",
  "net.ipv4.tcp_max_orphans",
  "net.core.somaxconn",
  "fs.file-max",
  "fs.nr_open",
];

/** The commands run on other systems (fixed argv, no shell). */
export const LIVE_COMMANDS: Record<string, [string, string[]]> = {
  darwin: ["netstat", ["-anv", "-p", "tcp"]],
  freebsd: ["netstat", ["-an", "-p", "tcp"]],
  win32: ["netstat", ["-ano"]],
};

function code(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException)?.code;
}

/** For a file that cannot be opened: undefined when it is absent or not ours to read; throws on Deno's sandbox and anything else. */
function unreadable(path: string, e: unknown): undefined {
  const c = code(e);
  if (c === "ENOENT" || c === "EACCES" || c === "EPERM" || c === "ENOTDIR") return undefined;
  if ((e as Error).name === "NotCapable" || (e as Error).name === "PermissionDenied") throw permissionError(path, e);
  throw e;
}

function readText(path: string): string | undefined {
  try {
    return fs.readFileSync(path, "utf8");
  } catch (e) {
    return unreadable(path, e);
  }
}

/** Pieces handed on at a time: at most 64 KiB, as sources.ts hands files to the ingestor (see READ and CHUNK there). */
const PIECE = 1 << 16;

/** Reads from `fd` until `buf` is full or the file ends; returns the bytes read. */
function fill(fd: number, buf: Uint8Array, path: string): number {
  let n = 0;
  while (n < buf.length) {
    let got: number;
    try {
      got = fs.readSync(fd, buf, n, buf.length - n, null);
    } catch (e) {
      if ((e as Error).name === "NotCapable" || (e as Error).name === "PermissionDenied") throw permissionError(path, e);
      throw new InputError(`live:${path}`, `cannot read: ${(e as Error).message.split("\n")[0]}`);
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
 * bytes are the same. False when the file cannot be opened (absent, or not
 * ours to read).
 */
export function readProcFile(path: string, push: (bytes: Uint8Array) => void): boolean {
  let fd: number;
  try {
    fd = fs.openSync(path, "r");
  } catch (e) {
    return unreadable(path, e) ?? false;
  }
  let helper: ProcReader | undefined;
  try {
    const buf = new Uint8Array(PIECE);
    for (let first = true; ; first = false) {
      const n = fill(fd, buf, path);
      if (n > 0) push(n === PIECE ? buf : buf.subarray(0, n));
      if (n < PIECE) break;
      if (first) helper = ProcReader.start(fd);
      // The helper reads on from where this thread stopped: the offset is the fd's, shared.
      if (helper?.ready()) {
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
const c = new Int32Array(ctl), buf = new Uint8Array(ring), SLOTS = ${SLOTS}, PIECE = ${PIECE};
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
  }

  /** Starts the thread, or returns undefined where it cannot help (see startThread); a failed thread shows as a stall in drain(). */
  static start(fd: number): ProcReader | undefined {
    const ring = new SharedArrayBuffer(SLOTS * PIECE), ctl = new Int32Array(new SharedArrayBuffer(4 * (LENGTHS + SLOTS)));
    const worker = startThread(PROC_READER, { fd, ring, ctl: ctl.buffer });
    return worker && new ProcReader(worker, ring, ctl);
  }

  /** True once the thread runs and waits to be told to read. */
  ready(): boolean {
    return Atomics.load(this.#ctl, READY) === 1;
  }

  /** Has the thread read the file to its end, handing each piece to `push` as it comes. */
  drain(push: (bytes: Uint8Array) => void, path: string): void {
    const c = this.#ctl;
    Atomics.store(c, GO, 1);
    Atomics.notify(c, GO);
    for (let k = 0; ; k++) {
      for (let written; (written = Atomics.load(c, WRITTEN)) <= k;) {
        if (Atomics.wait(c, WRITTEN, written, STALL_MS) === "timed-out") throw new InputError(`live:${path}`, "cannot read: the reading thread stopped");
      }
      const n = c[LENGTHS + (k % SLOTS)];
      if (n < 0) throw new InputError(`live:${path}`, "cannot read");
      if (n > 0) push(new Uint8Array(this.#ring, (k % SLOTS) * PIECE, n));
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

function permissionError(path: string, e: unknown): InputError {
  // Deno guards all of /proc: --allow-read=/proc is not enough, only --allow-all is.
  return new InputError(`live:${path}`, `cannot read (${(e as Error).message.split("\n")[0]}); under Deno a live snapshot on Linux needs --allow-all (see docs/deno-permissions.md)`);
}

/** Inodes of the sockets in a table (from /proc/net/tcp{,6}: column 10), 0 and unknown left out. */
export function socketInodes(snap: Snapshot): Set<number> {
  const into = new Set<number>();
  const t = snap.sockets, col = t.inode;
  for (let i = 0; i < t.length; i++) if (col[i] > 0) into.add(col[i]);
  return into;
}

/**
 * One pass over /proc/PID/fd: finds the process holding each inode in
 * `wanted`, and reads its name from /proc/PID/comm. Processes whose fds
 * cannot be read (EACCES: another user's, without root) are counted and skipped.
 */
export function scanOwners(wanted: Set<number>, proc = "/proc"): {
  owners: Map<number, SocketOwner>;
  processes: number;
  unreadable: number;
} {
  const owners = new Map<number, SocketOwner>();
  let processes = 0, unreadable = 0;
  if (wanted.size === 0) return { owners, processes, unreadable };
  let pids: number[];
  try {
    pids = fs.readdirSync(proc).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
  } catch (e) {
    if ((e as Error).name === "NotCapable" || (e as Error).name === "PermissionDenied") throw permissionError(proc, e);
    return { owners, processes, unreadable };
  }
  const found = new Map<number, number[]>();
  for (const pid of pids) {
    if (owners.size === wanted.size) break;
    processes++;
    const dir = `${proc}/${pid}/fd`;
    let fds: string[];
    try {
      fds = fs.readdirSync(dir);
    } catch (e) {
      const c = code(e);
      if (c !== "ENOENT" && c !== "ESRCH") unreadable++;
      continue;
    }
    for (const fd of fds) {
      let link: string;
      try {
        link = fs.readlinkSync(`${dir}/${fd}`);
      } catch {
        continue; // closed meanwhile
      }
      if (!link.startsWith("socket:[")) continue;
      const inode = Number(link.slice(8, -1));
      if (!wanted.has(inode) || owners.has(inode)) continue;
      owners.set(inode, { pid, comm: "" });
      const list = found.get(pid);
      if (list) list.push(inode);
      else found.set(pid, [inode]);
    }
  }
  for (const [pid, inodes] of found) {
    const comm = readText(`${proc}/${pid}/comm`)?.replace(/\n$/, "") ?? "";
    for (const i of inodes) owners.get(i)!.comm = comm;
  }
  return { owners, processes, unreadable };
}

function decodeOutput(bytes: Uint8Array): string {
  const { encoding, bomLength } = sniffEncoding(bytes.subarray(0, 65536));
  return new TextDecoder(encoding).decode(bytes.subarray(bomLength));
}

/**
 * Reads /proc into `snap`: each file's bytes go to the parsers as they are
 * read (inputs named "live:<path>"), then the kernel settings, then, unless
 * `owners` is false, the owner scan over the inodes the parsed socket tables
 * hold, applied to the table. Records in `c` the owners, the scan's counts,
 * host and kernel, and with `keepText` each source's text (for a snapshot file).
 */
function readLinux(c: LiveCapture, snap: Snapshot, owners: boolean, keepText: boolean): void {
  const source = (path: string, read: (push: (bytes: Uint8Array) => void) => boolean): boolean => {
    let ing: Ingestor | undefined;
    const texts: string[] = [];
    const decoder = new TextDecoder("utf-8", { ignoreBOM: true });
    const ok = read((bytes) => {
      ing ??= new Ingestor(snap, `live:${path}`, PARSERS);
      ing.push(bytes);
      if (keepText) texts.push(decoder.decode(bytes, { stream: true }));
    });
    if (!ok) return false;
    // An empty file is an input too (with no lines).
    (ing ?? new Ingestor(snap, `live:${path}`, PARSERS)).end();
    if (keepText) c.sources.push({ path, text: texts.join("") + decoder.decode() });
    return true;
  };
  let any = false;
  for (const path of PROC_FILES) {
    if (source(path, (push) => readProcFile(path, push))) any = true;
  }
  if (!any) throw new InputError("live:/proc/net", "cannot read /proc/net/tcp: is /proc mounted?");
  const lines: string[] = [];
  for (const key of LIVE_SYSCTLS) {
    const v = readText(`/proc/sys/${key.replaceAll(".", "/")}`);
    if (v !== undefined) lines.push(`${key} = ${v.trim().replace(/\s+/g, " ")}`);
  }
  const sysctls = new TextEncoder().encode(lines.join("\n") + "\n");
  source("/proc/sys", (push) => (push(sysctls), true));
  if (owners) {
    const inodes = socketInodes(snap);
    const scan = scanOwners(inodes);
    c.owners = scan.owners;
    c.ownerScan = { processes: scan.processes, unreadable: scan.unreadable, unowned: inodes.size - scan.owners.size };
    addOwners(snap, c);
  }
  c.host = readText("/proc/sys/kernel/hostname")?.trim() ?? "";
  c.kernel = readText("/proc/sys/kernel/osrelease")?.trim() ?? "";
}

function captureCommand(c: LiveCapture): void {
  const cmd = LIVE_COMMANDS[c.platform];
  if (!cmd) throw new InputError("live", `live snapshots are not supported on ${c.platform}: give dump files, or - for stdin`);
  let out: Uint8Array;
  try {
    out = execFileSync(cmd[0], cmd[1], { stdio: ["ignore", "pipe", "pipe"], maxBuffer: 1 << 30, windowsHide: true });
  } catch (e) {
    const hint = (e as Error).name === "NotCapable" || (e as Error).name === "PermissionDenied"
      ? "; under Deno give --allow-run=netstat (see docs/deno-permissions.md)"
      : "";
    throw new InputError(`live:${cmd[0]}`, `cannot run ${[cmd[0], ...cmd[1]].join(" ")}: ${(e as Error).message.split("\n")[0]}${hint}`);
  }
  c.sources.push({ path: [cmd[0], ...cmd[1]].join(" "), text: decodeOutput(out) });
  try {
    c.host = os.hostname();
    c.kernel = os.release();
  } catch { /* --allow-sys not given: leave them out */ }
}

function newCapture(platform: string): LiveCapture {
  return { platform, host: "", kernel: "", time: new Date().toISOString(), sources: [], owners: new Map(), ownerScan: undefined };
}

/**
 * Reads this machine's state and keeps it as text (for `tcpdoc snapshot`).
 * On Linux the same reader as {@link liveSnapshot}: the socket tables are
 * parsed as they are read (the owner scan takes its inodes from them), and
 * that snapshot is dropped. Throws InputError when it cannot read.
 */
export function captureLive(options: LiveOptions = {}): LiveCapture {
  const c = newCapture(options.platform ?? process.platform);
  if (c.platform === "linux") readLinux(c, emptySnapshot(true), options.owners ?? true, true);
  else captureCommand(c);
  return c;
}

function ownerScanLine(c: LiveCapture): string {
  const s = c.ownerScan!;
  return `# owner-scan processes=${s.processes} unreadable=${s.unreadable} unowned=${s.unowned}`;
}

/** Adds a capture's owner scan to a snapshot: its counts (the input named after /proc/PID/fd), and each socket's pid and program. */
function addOwners(snap: Snapshot, c: LiveCapture): void {
  if (c.ownerScan) {
    const ing = new Ingestor(snap, "live:/proc/*/fd", PARSERS);
    ing.pushText(ownerScanLine(c) + "\n");
    ing.end();
  }
  if (c.owners.size > 0) {
    const t = snap.sockets;
    for (let i = 0; i < t.length; i++) {
      const o = t.inode[i] > 0 ? c.owners.get(t.inode[i]) : undefined;
      if (!o) continue;
      t.pid[i] = o.pid;
      if (o.comm) t.program[i] = t.strings.intern(o.comm);
    }
  }
}

/** Parses a capture into a snapshot (inputs named "live:<path>"), owners applied. */
export function snapshotFromCapture(c: LiveCapture): Snapshot {
  const snap = emptySnapshot(true);
  for (const s of c.sources) {
    const ing = new Ingestor(snap, `live:${s.path}`, PARSERS);
    ing.pushText(s.text);
    ing.end();
  }
  addOwners(snap, c);
  snap.capture = captureInfo(c);
  return snap;
}

/** A capture's where and when, for reports. */
function captureInfo(c: LiveCapture): Capture {
  const out: Capture = { platform: c.platform, time: c.time };
  if (c.host) out.host = c.host;
  if (c.kernel) out.kernel = c.kernel;
  return out;
}

/**
 * Reads this machine's state into a snapshot. On Linux the /proc bytes go
 * straight to the parsers, with no text kept; elsewhere the command's output
 * is captured and parsed. Throws InputError when it cannot read.
 */
export function liveSnapshot(options: LiveOptions = {}): Snapshot {
  const platform = options.platform ?? process.platform;
  if (platform !== "linux") return snapshotFromCapture(captureLive(options));
  const snap = emptySnapshot(true);
  const c = newCapture(platform);
  readLinux(c, snap, options.owners ?? true, false);
  snap.capture = captureInfo(c);
  return snap;
}

function field(v: string): string {
  return /^[^\s"=]*$/.test(v) ? v : JSON.stringify(v);
}

/**
 * The snapshot file: a header line, the owner lines, then each source
 * verbatim after a `# source PATH` line. See parsers/snapshot_file.ts.
 */
export function renderSnapshotFile(c: LiveCapture, version = ""): string {
  const out: string[] = [
    `${SNAPSHOT_MAGIC} platform=${field(c.platform)} host=${field(c.host)} kernel=${field(c.kernel)} time=${c.time}` +
    (version ? ` tcpdoc=${field(version)}` : ""),
  ];
  if (c.ownerScan) out.push(ownerScanLine(c));
  for (const [inode, o] of [...c.owners].sort((a, b) => a[0] - b[0])) out.push(ownerLine(inode, o));
  for (const s of c.sources) {
    out.push(`# source ${s.path}`);
    const text = s.text.endsWith("\n") ? s.text.slice(0, -1) : s.text;
    if (text) out.push(text.replaceAll("\r\n", "\n"));
  }
  out.push("# end");
  return out.join("\n") + "\n";
}
