/**
 * This machine's sockets, counters and settings. On Linux straight from
 * /proc (no ss or netstat needed), with socket owners from one pass over
 * /proc/PID/fd (unless asked not to); on macOS, FreeBSD and Windows through
 * the system's own netstat. What is read goes through the same formats as a
 * dump: on Linux the bytes go to them as they are read ({@link liveSnapshot}),
 * and `tcpdoc snapshot` keeps them as text as well ({@link captureLive}) to
 * write a file that `tcpdoc analyze FILE` reads back to the same snapshot.
 * Where and when it was read goes into the snapshot's `capture`.
 */

import * as fs from "node:fs";
import * as os from "node:os";
import process from "node:process";
import { applyOwners, finishSnapshot, Ingestor, type LiveCapture, type SocketOwner, sniffEncoding, snapshotFromCapture } from "../ingest/mod.ts";
import { emptySnapshot, type Snapshot } from "../model/snapshot.ts";
import { inert } from "../text/inert.ts";
import { CommandError, runCommandSync, systemProgram } from "./command.ts";
import { InputError } from "./input_error.ts";
import { isDenied, permissionError, readProcFile, SOCKET_TABLES, unreadable } from "./proc_file.ts";

/** How a live snapshot is taken. */
export interface LiveOptions {
  /**
   * Find each socket's process through /proc/PID/fd (Linux; default true).
   * False skips that scan, as `ss -tan` against `ss -tanp`: no pid or program.
   */
  owners?: boolean;
  /** The system to read as (default: this one's, process.platform). */
  platform?: string;
  /** Kept across reads (watch): the owner scan reads again only the fds it has not seen. */
  ownerCache?: OwnerCache;
  /**
   * A helper thread reads each big /proc table on while this one parses it
   * (default true; see readProcFile). A watch, reading again every few
   * seconds, passes false: starting the thread each tick costs more CPU
   * than the latency it saves is worth there.
   */
  thread?: boolean;
  /**
   * About how many sockets there are, when known (a watch passes the last
   * read's count): the table is sized for them once instead of doubling as
   * it fills. Default: what /proc/net/sockstat counts.
   */
  rows?: number;
  /**
   * Where the bytes kept of each read go (liveSnapshotAndCapture): a copy
   * of the piece, which the read reuses after the call. Default: a new one
   * (a watch passes its recording's, which reuses the room of dropped ticks).
   */
  copy?: (bytes: Uint8Array) => Uint8Array;
}

/**
 * What the owner scan saw, for the next read of a watch: the table it was
 * for (see {@link findOwners}) and, per process, its fds that were sockets
 * and their inodes. A table with no socket that scan did not see is not
 * scanned at all: a socket keeps its process. A cached fd is trusted while
 * its inode is still in the table (an fd number closed and reused drops its
 * old inode from the table, and is read again); fds that were no socket are
 * read again each scan (one of them may be a socket now). It starts over
 * when a process it found owning sockets has exited (a child may hold them
 * now), and every FULL_SCAN_MS for the rare socket passed on to another
 * process that still runs (at 100k sockets a scan reads 100k fd links, some
 * 0.6 s of CPU: every 30 s that was a tenth of what watching costs).
 */
export class OwnerCache {
  static readonly FULL_SCAN_MS = 300_000;
  /** Per process, the inode behind each fd (by fd number) at the last scan. */
  byPid = new Map<number, Map<number, number>>();
  since = 0;
  /** The last scan's result (its owners pruned to the sockets of the last table read). */
  last: { owners: Map<number, SocketOwner>; processes: number; unreadable: number } | undefined;
  /** The table the last scan was for. */
  seen: SeenTable | undefined;
  /** The processes the last scan found owning sockets. */
  ownerPids: number[] = [];
}

/**
 * A table as the owner scan saw it: the inodes of its sockets in its order,
 * where each one is, and its owner (an index in `owners`, one per process;
 * -1 for none found).
 */
interface SeenTable {
  inode: Float64Array;
  at: Map<number, number>;
  owner: Int32Array;
  owners: SocketOwner[];
}

/**
 * /proc files read on Linux, in this order: the socket counts first, so the
 * table is sized once for the rows the socket tables are about to give
 * (see {@link expectedRows}).
 */
const PROC_FILES = [
  "/proc/net/sockstat",
  "/proc/net/sockstat6",
  ...SOCKET_TABLES,
  "/proc/net/netstat",
  "/proc/net/snmp",
];

/**
 * About how many rows /proc/net/tcp and tcp6 hold, from the sockstat
 * counters already read: TCP sockets of each family ("inuse") and those in
 * TIME-WAIT ("tw", both families), 0 when they are not known. Pending
 * connections (SYN-RECV) are not counted; the table grows for them.
 */
function expectedRows(snap: Snapshot): number {
  const n = (name: string) => snap.counters.get(name)?.value ?? 0;
  return n("sockstat.tcp.inuse") + n("sockstat.tcp6.inuse") + n("sockstat.tcp.tw");
}

/** Kernel settings read on Linux (from /proc/sys). */
const LIVE_SYSCTLS = [
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

/**
 * What a live snapshot (`analyze` with no file or --live, and `snapshot`)
 * reads on Linux and runs elsewhere, for the README's safety section
 * (src/cli/docs.ts writes it from this; a test checks it is current).
 */
export function liveAccess(): { reads: string[]; runs: Record<string, string[]> } {
  const reads = [
    ...PROC_FILES,
    ...LIVE_SYSCTLS.map((k) => `/proc/sys/${k.replaceAll(".", "/")}`),
    "/proc/sys/kernel/hostname",
    "/proc/sys/kernel/osrelease",
    "the list of processes in /proc, each one's /proc/PID/fd (its socket links only) and the /proc/PID/comm of those that own a socket (not with --no-owners)",
  ];
  const runs: Record<string, string[]> = {};
  for (const [platform, args] of Object.entries(NETSTAT_ARGS)) {
    const program = platform === "win32" ? "%SystemRoot%\\System32\\netstat.exe" : systemProgram("netstat", platform)!;
    runs[platform] = [program, ...args];
  }
  return { reads, runs };
}

/** The arguments given to the system's netstat elsewhere (a fixed argv, no shell). */
const NETSTAT_ARGS: Readonly<Record<string, readonly string[]>> = {
  darwin: ["-anv", "-p", "tcp"],
  freebsd: ["-an", "-p", "tcp"],
  win32: ["-ano"],
};

function readText(path: string): string | undefined {
  try {
    return fs.readFileSync(path, "utf8");
  } catch (e) {
    return unreadable(path, e);
  }
}

/** Adds the inodes of the sockets in a table (from /proc/net/tcp{,6}: column 10) to `into`, 0 and unknown left out. */
export function socketInodes(snap: Snapshot, into = new Set<number>()): Set<number> {
  const t = snap.sockets;
  for (let i = 0; i < t.length; i++) {
    const ino = t.inodeOf(i);
    if (ino > 0) into.add(ino);
  }
  return into;
}

/** True when one of `owners` is not among `pids` (sorted) any more. */
function anyExited(owners: readonly number[], pids: readonly number[]): boolean {
  if (owners.length === 0) return false;
  const now = new Set(pids);
  return owners.some((p) => !now.has(p));
}

/** The processes in `proc`, sorted; undefined when it cannot be listed (a permission error is thrown). */
function processIds(proc: string): number[] | undefined {
  try {
    return fs.readdirSync(proc).filter((n) => /^\d+$/.test(n)).map(Number).sort((a, b) => a - b);
  } catch (e) {
    if (isDenied(e)) throw permissionError(proc, e);
    return undefined;
  }
}

/** Forgets what the cache saw when FULL_SCAN_MS have passed or a process it found owning sockets has exited. */
function expire(cache: OwnerCache, pids: readonly number[]): void {
  if (Date.now() - cache.since <= OwnerCache.FULL_SCAN_MS && !anyExited(cache.ownerPids, pids)) return;
  cache.byPid.clear();
  cache.last = undefined;
  cache.seen = undefined;
  cache.since = Date.now();
}

/** The table `owners` were found for, as {@link OwnerCache.seen} keeps it. */
function seenTable(snap: Snapshot, owners: ReadonlyMap<number, SocketOwner>): SeenTable {
  const t = snap.sockets;
  const inode = new Float64Array(t.length), owner = new Int32Array(t.length);
  const at = new Map<number, number>(), list: SocketOwner[] = [], byPid = new Map<number, number>();
  let n = 0;
  for (let i = 0; i < t.length; i++) {
    const ino = t.inodeOf(i);
    if (!(ino > 0) || at.has(ino)) continue;
    const o = owners.get(ino);
    let k = -1;
    if (o) {
      k = byPid.get(o.pid) ?? -1;
      if (k < 0) byPid.set(o.pid, k = list.push(o) - 1);
    }
    at.set(ino, n);
    inode[n] = ino;
    owner[n++] = k;
  }
  return { inode: inode.subarray(0, n), at, owner: owner.subarray(0, n), owners: list };
}

/**
 * Applies the owners `seen` found when the table holds no socket it did not
 * see, in one pass in the table's order (read again, /proc lists its sockets
 * in the same order, so a row is mostly checked against one number);
 * returns the owners of the table's sockets and how many have none, or
 * undefined with nothing applied (the table's rows, read from /proc, carry
 * no owner before this).
 */
function applySeen(snap: Snapshot, seen: SeenTable, last: Map<number, SocketOwner>): { owners: Map<number, SocketOwner>; unowned: number } | undefined {
  const t = snap.sockets, n = seen.inode.length;
  const program = new Int32Array(seen.owners.length).fill(-1), here = new Uint8Array(n);
  let j = 0, owned = 0, unowned = 0;
  for (let i = 0; i < t.length; i++) {
    const ino = t.inodeOf(i);
    if (!(ino > 0)) continue;
    if (j >= n || seen.inode[j] !== ino) {
      const at = seen.at.get(ino);
      if (at === undefined) {
        for (let r = 0; r < i; r++) t.pidPlusOne[r] = 0, t.program[r] = 0;
        return undefined;
      }
      j = at;
    }
    here[j] = 1;
    const k = seen.owner[j++];
    if (k < 0) {
      unowned++;
      continue;
    }
    const o = seen.owners[k];
    t.setPid(i, o.pid);
    // A process's name is interned once, not once per socket it holds.
    if (o.comm) t.program[i] = program[k] >= 0 ? program[k] : program[k] = t.strings.intern(o.comm);
    owned++;
  }
  if (owned === last.size) return { owners: last, unowned };
  // Sockets have closed since: the owners of those still here.
  const owners = new Map<number, SocketOwner>();
  for (let k = 0; k < n; k++) if (here[k] && seen.owner[k] >= 0) owners.set(seen.inode[k], seen.owners[seen.owner[k]]);
  return { owners, unowned };
}

/**
 * Finds the process of each socket in the table (from /proc/PID/fd) and
 * applies it (pid and program). With a cache whose last scan saw every
 * socket the table holds, from that scan, with no scan; otherwise by a scan
 * ({@link scanOwners}).
 */
export function findOwners(snap: Snapshot, proc = "/proc", cache?: OwnerCache): {
  owners: Map<number, SocketOwner>;
  processes: number;
  unreadable: number;
  unowned: number;
} {
  const pids = cache ? processIds(proc) : undefined;
  if (cache && pids) expire(cache, pids);
  if (cache?.seen && cache.last) {
    const found = applySeen(snap, cache.seen, cache.last.owners);
    if (found) {
      cache.last.owners = found.owners;
      return { owners: found.owners, processes: cache.last.processes, unreadable: cache.last.unreadable, unowned: found.unowned };
    }
  }
  const inodes = socketInodes(snap);
  const scan = scanOwners(inodes, proc, cache, pids);
  applyOwners(snap, scan.owners);
  if (cache) cache.seen = seenTable(snap, scan.owners);
  return { ...scan, unowned: inodes.size - scan.owners.size };
}

/**
 * One pass over /proc/PID/fd: finds the process holding each inode in
 * `wanted`, and reads its name from /proc/PID/comm (any process may name
 * itself anything: the name is kept inert). Processes whose fds cannot be
 * read (EACCES: another user's, without root) are counted and skipped.
 */
export function scanOwners(wanted: Set<number>, proc = "/proc", cache?: OwnerCache, pids = wanted.size ? processIds(proc) : undefined): {
  owners: Map<number, SocketOwner>;
  processes: number;
  unreadable: number;
} {
  const owners = new Map<number, SocketOwner>();
  let processes = 0, unreadableFds = 0;
  if (wanted.size === 0 || !pids) return { owners, processes, unreadable: unreadableFds };
  // One owner per process, shared by its sockets (a watch keeps them between scans: 100k sockets, a few processes).
  const found = new Map<number, SocketOwner>();
  if (cache) expire(cache, pids);
  const seen = cache ? new Map<number, Map<number, number>>() : undefined;
  for (const pid of pids) {
    if (owners.size === wanted.size) break;
    processes++;
    const dir = `${proc}/${pid}/fd`;
    let fds: string[];
    try {
      fds = fs.readdirSync(dir);
    } catch (e) {
      const c = (e as NodeJS.ErrnoException).code;
      if (c !== "ENOENT" && c !== "ESRCH") unreadableFds++;
      continue;
    }
    const before = cache?.byPid.get(pid);
    const now = seen && new Map<number, number>();
    if (now) seen!.set(pid, now);
    for (const fd of fds) {
      const n = Number(fd);
      let inode = before?.get(n);
      if (inode === undefined || !wanted.has(inode)) {
        let link: string;
        try {
          link = fs.readlinkSync(`${dir}/${fd}`);
        } catch {
          continue; // closed meanwhile
        }
        if (!link.startsWith("socket:[")) continue;
        inode = Number(link.slice(8, -1));
      }
      now?.set(n, inode);
      if (!wanted.has(inode) || owners.has(inode)) continue;
      let owner = found.get(pid);
      if (!owner) found.set(pid, owner = { pid, comm: "" });
      owners.set(inode, owner);
    }
  }
  if (cache && seen) {
    cache.byPid = seen;
    cache.last = { owners, processes, unreadable: unreadableFds };
    cache.ownerPids = [...found.keys()];
  }
  for (const [pid, owner] of found) owner.comm = inert(readText(`${proc}/${pid}/comm`)?.replace(/\n$/, "") ?? "");
  return { owners, processes, unreadable: unreadableFds };
}

function decodeOutput(bytes: Uint8Array): string {
  const { encoding, bomLength } = sniffEncoding(bytes.subarray(0, 65536));
  return new TextDecoder(encoding).decode(bytes.subarray(bomLength));
}

function newCapture(platform: string): RawCapture {
  return { capture: { platform, host: "", kernel: "", time: new Date().toISOString() }, sources: [], owners: new Map() };
}

/** A source as the bytes read, in the pieces read (a watch keeps these and writes the snapshot file only on export). */
export interface RawSource {
  path: string;
  pieces: Uint8Array[];
}

/** A capture whose sources are still bytes: see {@link captureText}. */
export interface RawCapture extends Omit<LiveCapture, "sources"> {
  sources: RawSource[];
}

/** The capture with each source decoded as text (UTF-8, as the formats read /proc): what renderSnapshotFile writes. */
export function captureText(raw: RawCapture): LiveCapture {
  const decode = (pieces: Uint8Array[]) => {
    const d = new TextDecoder("utf-8", { ignoreBOM: true });
    return pieces.map((p) => d.decode(p, { stream: true })).join("") + d.decode();
  };
  return { ...raw, sources: raw.sources.map((s) => ({ path: s.path, text: decode(s.pieces) })) };
}

/**
 * Reads /proc into `snap`: each file's bytes go to the formats as they are
 * read (inputs named "live:<path>"), then the kernel settings, then, unless
 * `owners` is false, the owner scan over the inodes the parsed socket tables
 * hold, applied to the table. Records in `c` the owners, the scan's figures,
 * host and kernel, and, when `keep` is given, each source's bytes as it
 * copies them (for a snapshot file).
 */
function readLinux(c: RawCapture, snap: Snapshot, owners: boolean, keep: false | ((bytes: Uint8Array) => Uint8Array), options: LiveOptions): void {
  const { ownerCache: cache, thread = true, rows } = options;
  const source = (path: string, read: (push: (bytes: Uint8Array) => void) => boolean): boolean => {
    let ing: Ingestor | undefined;
    const pieces: Uint8Array[] = [];
    const ok = read((bytes) => {
      ing ??= new Ingestor(snap, `live:${path}`);
      ing.push(bytes);
      // The pieces a read hands on are reused after the call: copied.
      if (keep) pieces.push(keep(bytes));
    });
    if (!ok) return false;
    // An empty file is an input too (with no lines).
    (ing ?? new Ingestor(snap, `live:${path}`)).end();
    if (keep) c.sources.push({ path, pieces });
    return true;
  };
  let any = false;
  for (const path of PROC_FILES) {
    if (path === "/proc/net/tcp") reserveRows(snap, rows ?? expectedRows(snap));
    if (source(path, (push) => readProcFile(path, push, thread))) any = true;
  }
  if (!any) throw new InputError("LIVE_UNREADABLE", "live:/proc/net", "cannot read /proc/net/tcp: is /proc mounted?");
  const lines: string[] = [];
  for (const key of LIVE_SYSCTLS) {
    const v = readText(`/proc/sys/${key.replaceAll(".", "/")}`);
    if (v !== undefined) lines.push(`${key} = ${v.trim().replace(/\s+/g, " ")}`);
  }
  const sysctls = new TextEncoder().encode(lines.join("\n") + "\n");
  source("/proc/sys", (push) => (push(sysctls), true));
  if (owners) {
    const found = findOwners(snap, "/proc", cache);
    c.owners = found.owners;
    c.capture.ownerScan = { processes: found.processes, unreadable: found.unreadable, unowned: found.unowned };
  }
  c.capture.host = inert(readText("/proc/sys/kernel/hostname")?.trim() ?? "");
  c.capture.kernel = inert(readText("/proc/sys/kernel/osrelease")?.trim() ?? "");
}

const newCopy = (bytes: Uint8Array) => bytes.slice();

/** Runs the system's netstat (by its absolute path) and keeps its output as the capture's one source. */
function captureCommand(c: LiveCapture): void {
  const platform = c.capture.platform;
  const program = systemProgram("netstat", platform), args = NETSTAT_ARGS[platform];
  if (!program || !args) {
    throw new InputError("LIVE_UNSUPPORTED", "live", `live snapshots are not supported on ${platform}: give dump files, or - for stdin`);
  }
  const shown = ["netstat", ...args].join(" ");
  let out: Uint8Array;
  try {
    const r = runCommandSync([program, ...args], { timeoutMs: 60_000 });
    if (r.timedOut) throw new CommandError("CANNOT_START", "it did not finish within a minute");
    out = r.stdout;
  } catch (e) {
    const hint = isDenied(e) ? "; under Deno give --allow-run (see docs/deno-permissions.md)" : "";
    throw new InputError("LIVE_UNREADABLE", `live:${program}`, `cannot run ${shown}: ${(e as Error).message.split("\n")[0]}${hint}`);
  }
  c.sources.push({ path: shown, text: decodeOutput(out) });
  try {
    c.capture.host = inert(os.hostname());
    c.capture.kernel = inert(os.release());
  } catch { /* --allow-sys not given: leave them out */ }
}

/** Sizes the table for about `rows` sockets and a little more (the count moves while it is read). */
function reserveRows(snap: Snapshot, rows: number): void {
  if (rows > 0) snap.sockets.reserve(snap.sockets.length + rows + (rows >> 4) + 64);
}

/**
 * Reads this machine's state once into both a snapshot and the bytes read
 * (for `tcpdoc watch`, which analyzes each tick and keeps what it saw for
 * export: {@link captureText} turns them into a snapshot file's sources).
 */
export function liveSnapshotAndCapture(options: LiveOptions = {}): { snap: Snapshot; capture: RawCapture } {
  const platform = options.platform ?? process.platform;
  if (platform !== "linux") {
    const text = captureLive(options), encoder = new TextEncoder();
    const capture = { ...text, sources: text.sources.map((s) => ({ path: s.path, pieces: [encoder.encode(s.text)] })) };
    return { snap: snapshotFromCapture(text), capture };
  }
  const snap = emptySnapshot(true);
  const c = newCapture(platform);
  readLinux(c, snap, options.owners ?? true, options.copy ?? newCopy, options);
  snap.capture = c.capture;
  finishSnapshot(snap);
  return { snap, capture: c };
}

/**
 * Reads this machine's state and keeps it as text (for `tcpdoc snapshot`).
 * On Linux the same reader as {@link liveSnapshot}: the socket tables are
 * parsed as they are read (the owner scan takes its inodes from them), and
 * that snapshot is dropped. Throws InputError when it cannot read.
 */
export function captureLive(options: LiveOptions = {}): LiveCapture {
  const c = newCapture(options.platform ?? process.platform);
  if (c.capture.platform !== "linux") {
    const text: LiveCapture = { ...c, sources: [] };
    captureCommand(text);
    return text;
  }
  readLinux(c, emptySnapshot(true), options.owners ?? true, newCopy, options);
  return captureText(c);
}

/**
 * Reads this machine's state into a snapshot. On Linux the /proc bytes go
 * straight to the formats, with no text kept; elsewhere the command's output
 * is captured and parsed. Throws InputError when it cannot read.
 */
export function liveSnapshot(options: LiveOptions = {}): Snapshot {
  const platform = options.platform ?? process.platform;
  if (platform !== "linux") return snapshotFromCapture(captureLive(options));
  const snap = emptySnapshot(true);
  const c = newCapture(platform);
  readLinux(c, snap, options.owners ?? true, false, options);
  snap.capture = c.capture;
  finishSnapshot(snap);
  return snap;
}
