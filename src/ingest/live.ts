/**
 * The live edge of ingest: reads this machine's sockets, counters and
 * settings. On Linux straight from /proc (no ss or netstat needed), with
 * socket owners from one pass over /proc/PID/fd; on macOS and Windows
 * through `netstat`. What is read is kept as text ({@link LiveCapture}) and
 * goes through the same parsers as a dump, so `tcpdoc snapshot` can write it
 * to a file that `tcpdoc analyze FILE` reads back to the same snapshot.
 */

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import process from "node:process";
import { emptySnapshot, type Snapshot } from "../model/snapshot.ts";
import { sniffEncoding } from "./decode.ts";
import { Ingestor } from "./ingest.ts";
import { ownerLine, SNAPSHOT_MAGIC, type SocketOwner } from "./parsers/snapshot_file.ts";
import { PARSERS } from "./registry.ts";
import { InputError } from "./sources.ts";

export type { SocketOwner };

/** One source read live: where from, and its text as read. */
export interface LiveSource {
  /** "/proc/net/tcp", "/proc/sys", "netstat -anv -p tcp". */
  path: string;
  text: string;
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

function readText(path: string): string | undefined {
  try {
    return fs.readFileSync(path, "utf8");
  } catch (e) {
    const c = code(e);
    if (c === "ENOENT" || c === "EACCES" || c === "EPERM" || c === "ENOTDIR") return undefined;
    if ((e as Error).name === "NotCapable" || (e as Error).name === "PermissionDenied") throw permissionError(path, e);
    throw e;
  }
}

function permissionError(path: string, e: unknown): InputError {
  // Deno guards all of /proc: --allow-read=/proc is not enough, only --allow-all is.
  return new InputError(`live:${path}`, `cannot read (${(e as Error).message.split("\n")[0]}); under Deno a live snapshot on Linux needs --allow-all (see docs/deno-permissions.md)`);
}

/** Inodes of the sockets in a /proc/net/tcp{,6} text (column 10), 0 left out. */
export function procInodes(text: string, into: Set<number>): void {
  for (const line of text.split("\n")) {
    const t = line.trim().split(/\s+/);
    if (t.length < 10 || !/^\d+:$/.test(t[0])) continue;
    const inode = Number(t[9]);
    if (inode > 0) into.add(inode);
  }
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

function captureLinux(c: LiveCapture): void {
  const inodes = new Set<number>();
  let any = false;
  for (const path of PROC_FILES) {
    const text = readText(path);
    if (text === undefined) continue;
    any = true;
    c.sources.push({ path, text });
    if (path.startsWith("/proc/net/tcp")) procInodes(text, inodes);
  }
  if (!any) throw new InputError("live:/proc/net", "cannot read /proc/net/tcp: is /proc mounted?");
  const lines: string[] = [];
  for (const key of LIVE_SYSCTLS) {
    const v = readText(`/proc/sys/${key.replaceAll(".", "/")}`);
    if (v !== undefined) lines.push(`${key} = ${v.trim().replace(/\s+/g, " ")}`);
  }
  c.sources.push({ path: "/proc/sys", text: lines.join("\n") + "\n" });
  const scan = scanOwners(inodes);
  c.owners = scan.owners;
  c.ownerScan = { processes: scan.processes, unreadable: scan.unreadable, unowned: inodes.size - scan.owners.size };
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

/** Reads this machine's state. Throws InputError when it cannot. */
export function captureLive(platform: string = process.platform): LiveCapture {
  const c: LiveCapture = {
    platform,
    host: "",
    kernel: "",
    time: new Date().toISOString(),
    sources: [],
    owners: new Map(),
    ownerScan: undefined,
  };
  if (platform === "linux") captureLinux(c);
  else captureCommand(c);
  return c;
}

function ownerScanLine(c: LiveCapture): string {
  const s = c.ownerScan!;
  return `# owner-scan processes=${s.processes} unreadable=${s.unreadable} unowned=${s.unowned}`;
}

/** Parses a capture into a snapshot (inputs named "live:<path>"), owners applied. */
export function snapshotFromCapture(c: LiveCapture): Snapshot {
  const snap = emptySnapshot(true);
  for (const s of c.sources) {
    const ing = new Ingestor(snap, `live:${s.path}`, PARSERS);
    ing.pushText(s.text);
    ing.end();
  }
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
  return snap;
}

/** Reads this machine's state into a snapshot. */
export function liveSnapshot(): Snapshot {
  return snapshotFromCapture(captureLive());
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
