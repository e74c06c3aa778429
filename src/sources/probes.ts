/**
 * The probes of src/checks/probes.ts, done: the only place that reads /proc
 * for a probe or spawns a process for one. It takes a plan made by
 * `planCheck` (a catalogued probe, typed and checked parameters, a fixed
 * action) and nothing else. On Linux a probe reads /proc itself; a spawned
 * probe (macOS, FreeBSD, Windows: the fixed argv of the system's netstat or
 * lsof) runs without a shell in its own process group, which is killed whole
 * at the timeout, with its output capped.
 */

import { spawn } from "node:child_process";
import * as fs from "node:fs";
import process from "node:process";
import { type ProbeParams, type ProbePlan, type ProbeResult, stateWord, sysctlPath } from "../checks/mod.ts";

export type { ProbeResult };
import { scanOwners } from "./live.ts";
import { snapshotFromTexts } from "../ingest/mod.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { NONE } from "../model/socket_table.ts";
import { stateId, type StateName } from "../model/states.ts";


/** Limits and test hooks for {@link runProbe}. */
export interface ProbeOptions {
  /** Output kept, in bytes. @default 262144 */
  maxBytes?: number;
  /** Overrides the plan's timeout (tests). */
  timeoutMs?: number;
  /** Where /proc is (tests). @default "/proc" */
  proc?: string;
}

const MAX_BYTES = 256 * 1024;
/** Socket rows listed at most; the rest are counted. */
const MAX_ROWS = 2000;

class ProbeTimeout extends Error {
  readonly code = "PROBE_TIMEOUT";
}

/** Runs a planned probe. Never throws: a failure is a result with status "failed". */
export async function runProbe(plan: ProbePlan, options: ProbeOptions = {}): Promise<ProbeResult> {
  const started = Date.now();
  const timeoutMs = options.timeoutMs ?? plan.timeoutMs;
  const maxBytes = options.maxBytes ?? MAX_BYTES;
  if (plan.action.kind === "spawn") {
    const r = await runArgv(plan.action.argv, { timeoutMs, maxBytes });
    if (r.status !== "done" || plan.probe.id === "fd-usage") return r;
    // netstat's whole table, filtered here like the /proc one.
    const snap = snapshotFromTexts([{ path: plan.action.argv.join(" "), text: r.output }]);
    return { ...r, ...capped(socketReport(snap, plan, undefined), maxBytes) };
  }
  const deadline = started + timeoutMs;
  try {
    const text = await readProbe(plan, options.proc ?? "/proc", deadline);
    return { status: "done", exitCode: null, ...capped(text, maxBytes), ms: Date.now() - started };
  } catch (e) {
    const timeout = e instanceof ProbeTimeout;
    return { status: timeout ? "timeout" : "failed", exitCode: null, output: timeout ? `stopped after ${timeoutMs} ms` : (e as Error).message, truncated: false, ms: Date.now() - started };
  }
}

function capped(text: string, maxBytes: number): { output: string; truncated: boolean } {
  const bytes = new TextEncoder().encode(text);
  if (bytes.length <= maxBytes) return { output: text, truncated: false };
  return { output: new TextDecoder().decode(bytes.subarray(0, maxBytes)), truncated: true };
}

function sleep(ms: number, deadline: number): Promise<void> {
  if (Date.now() + ms > deadline) return Promise.reject(new ProbeTimeout());
  return new Promise((r) => setTimeout(r, ms));
}

function readOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, "utf8");
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "EACCES" || code === "EPERM" || code === "ENOTDIR") return undefined;
    throw new Error(`cannot read ${file}: ${(e as Error).message.split("\n")[0]}`);
  }
}

function readProbe(plan: ProbePlan, proc: string, deadline: number): Promise<string> | string {
  const p = plan.params;
  switch (plan.probe.id) {
    case "sockets":
      return socketReport(socketTables(proc), plan, proc);
    case "watch-count":
      return watchCount(plan, proc, deadline);
    case "fd-usage":
      return fdUsage(p.pid as number, proc);
    case "sysctls":
      return (p.keys as string[]).map((k) => {
        const v = readOrUndefined(sysctlPath(k).replace(/^\/proc/, proc));
        return v === undefined ? `# ${k}: not available on this kernel` : `${k} = ${v.trim()}`;
      }).join("\n") + "\n";
    case "counters":
      return counterLines(readCounters(proc), p.names as string[]);
    case "counter-delta":
      return counterDelta(plan, proc, deadline);
    case "sockstat":
      return ["sockstat", "sockstat6"].map((f) => readOrUndefined(`${proc}/net/${f}`) ?? "").join("");
  }
  throw new Error(`no implementation for probe ${plan.probe.id}`);
}

/** /proc/net/tcp and tcp6, parsed by the ingest parsers. */
function socketTables(proc: string): Snapshot {
  const inputs = ["tcp", "tcp6"].flatMap((f) => {
    const text = readOrUndefined(`${proc}/net/${f}`);
    return text === undefined ? [] : [{ path: `/proc/net/${f}`, text }];
  });
  if (inputs.length === 0) throw new Error(`cannot read ${proc}/net/tcp`);
  const snap = snapshotFromTexts(inputs);
  snap.live = true;
  return snap;
}

/** Rows of the table that pass the plan's filters. */
function matching(snap: Snapshot, p: ProbeParams): number[] {
  const t = snap.sockets;
  const state = p.state !== undefined ? stateId(p.state as StateName) : undefined;
  const port = p.port as number | undefined;
  const peer = p.peer as string | undefined;
  const pid = p.pid as number | undefined;
  const out: number[] = [];
  for (let i = 0; i < t.length; i++) {
    if (state !== undefined && t.state[i] !== state) continue;
    if (port !== undefined && t.localPort[i] !== port && t.remotePort[i] !== port) continue;
    if (peer !== undefined && !sameAddress(t.strings.str(t.remoteAddr[i]), peer)) continue;
    if (pid !== undefined && t.pidOf(i) !== pid) continue;
    out.push(i);
  }
  return out;
}

function sameAddress(a: string, b: string): boolean {
  const x = a.toLowerCase(), y = b.toLowerCase();
  return x === y || x === `::ffff:${y}` || `::ffff:${x}` === y;
}

const SS_STATE: Partial<Record<StateName, string>> = { ESTABLISHED: "ESTAB", CLOSED: "CLOSE" };

function endpoint(addr: string, port: number): string {
  const p = port === NONE ? "*" : String(port);
  return addr.includes(":") ? `[${addr}]:${p}` : `${addr || "*"}:${p}`;
}

/** The matching sockets as `ss -tanp` prints them (so the ingest parsers read them back). */
function socketReport(snap: Snapshot, plan: ProbePlan, proc: string | undefined): string {
  if (proc !== undefined) {
    // Owners only for the sockets the filters keep (a pid filter needs them first).
    const wanted = new Set<number>();
    const t0 = snap.sockets;
    const { pid: _pid, ...unowned } = plan.params;
    for (const i of matching(snap, unowned)) {
      const ino = t0.inodeOf(i);
      if (ino > 0) wanted.add(ino);
    }
    const { owners } = scanOwners(wanted, proc);
    for (let i = 0; i < t0.length; i++) {
      const ino = t0.inodeOf(i);
      const o = ino > 0 ? owners.get(ino) : undefined;
      if (!o) continue;
      t0.setPid(i, o.pid);
      if (o.comm) t0.program[i] = t0.strings.intern(o.comm);
    }
  }
  const t = snap.sockets;
  const rows = matching(snap, plan.params);
  const listed = rows.slice(0, MAX_ROWS).map((i) => {
    const s = t.get(i);
    const st = s.state ? SS_STATE[s.state] ?? stateWord(s.state).toUpperCase() : "UNKNOWN";
    const who = s.pid !== undefined ? `users:(("${(s.program ?? "?").replace(/["\\]/g, "_")}",pid=${s.pid}))` : "";
    return [st, String(s.recvQ ?? 0), String(s.sendQ ?? 0), endpoint(s.localAddress, s.localPort ?? NONE), endpoint(s.remoteAddress, s.remotePort ?? NONE), who];
  });
  // Columns as wide as their widest cell, as ss does.
  const head = ["State", "Recv-Q", "Send-Q", "Local Address:Port", "Peer Address:Port", "Process"];
  const widths = head.map((h, c) => Math.max(h.length, ...listed.map((r) => r[c].length)));
  const lines = [head, ...listed].map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join(" ").trimEnd());
  if (rows.length > MAX_ROWS) lines.push(`# ... ${rows.length - MAX_ROWS} more sockets not listed`);
  lines.push(`# ${rows.length} socket${rows.length === 1 ? "" : "s"} match`);
  return lines.join("\n") + "\n";
}

async function watchCount(plan: ProbePlan, proc: string, deadline: number): Promise<string> {
  const seconds = plan.params.seconds as number;
  const every = seconds <= 10 ? 1 : 5;
  const out: string[] = [];
  let first: number | undefined;
  let last = 0;
  for (let at = 0; ; at += every) {
    last = matching(socketTables(proc), plan.params).length;
    first ??= last;
    out.push(`${String(at).padStart(4)} s  ${last}`);
    if (at + every > seconds) break;
    await sleep(every * 1000, deadline);
  }
  const d = last - first!;
  out.push(`# over ${seconds} s: ${first} -> ${last} (${d >= 0 ? "+" : ""}${d})`);
  return out.join("\n") + "\n";
}

function fdUsage(pid: number, proc: string): string {
  let fds: number;
  try {
    fds = fs.readdirSync(`${proc}/${pid}/fd`).length;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === "ENOENT" ? `no process ${pid}` : `cannot read ${proc}/${pid}/fd: ${(e as Error).message.split("\n")[0]}`);
  }
  const comm = (readOrUndefined(`${proc}/${pid}/comm`) ?? "?").trim();
  const limits = readOrUndefined(`${proc}/${pid}/limits`) ?? "";
  const m = /^Max open files\s+(\S+)\s+(\S+)/m.exec(limits);
  const soft = m && /^\d+$/.test(m[1]) ? Number(m[1]) : undefined;
  const lines = [`process ${pid} (${comm}): ${fds} open file descriptors`];
  if (m) lines.push(`limit (Max open files): soft ${m[1]}, hard ${m[2]}${soft ? `: ${Math.round((fds / soft) * 100)}% of the soft limit in use` : ""}`);
  else lines.push("limit: not readable");
  return lines.join("\n") + "\n";
}

function readCounters(proc: string): Snapshot {
  const inputs = ["snmp", "netstat"].flatMap((f) => {
    const text = readOrUndefined(`${proc}/net/${f}`);
    return text === undefined ? [] : [{ path: `/proc/net/${f}`, text }];
  });
  return snapshotFromTexts(inputs);
}

/** Counters as `nstat -az NAME...` prints them (the ingest parsers read them back). */
function counterLines(snap: Snapshot, names: string[]): string {
  const out = ["#kernel"];
  for (const n of names) {
    const c = snap.counters.get(n);
    out.push(c ? `${n.padEnd(31)} ${String(c.value).padEnd(18)} 0.0` : `# ${n}: not counted by this kernel`);
  }
  return out.join("\n") + "\n";
}

async function counterDelta(plan: ProbePlan, proc: string, deadline: number): Promise<string> {
  const names = plan.params.names as string[];
  const seconds = plan.params.seconds as number;
  const before = readCounters(proc);
  await sleep(seconds * 1000, deadline);
  const after = readCounters(proc);
  const moved = names.map((n) => {
    const a = before.counters.get(n)?.value, b = after.counters.get(n)?.value;
    return a === undefined || b === undefined ? `# ${n}: not counted by this kernel` : `# ${n}: ${a} -> ${b} (+${b - a} in ${seconds} s)`;
  });
  return counterLines(after, names) + moved.join("\n") + "\n";
}

/** Limits for {@link runArgv}. */
export interface ArgvLimits {
  timeoutMs: number;
  maxBytes: number;
}

/**
 * Runs a fixed argv (from the catalogue) without a shell, stdin closed, in
 * the C locale with a fixed PATH, in its own process group: at the timeout
 * or the output cap the whole group is killed, grandchildren included.
 */
export function runArgv(argv: readonly string[], limits: ArgvLimits): Promise<ProbeResult> {
  const started = Date.now();
  const windows = process.platform === "win32";
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    let truncated = false;
    let timedOut = false;
    let settled = false;
    let child: ReturnType<typeof spawn>;
    const killAll = () => {
      try {
        if (!windows && child.pid) process.kill(-child.pid, "SIGKILL");
        else child.kill("SIGKILL");
      } catch {
        // already gone
      }
    };
    const finish = (status: ProbeResult["status"], exitCode: number | null) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const buf = new Uint8Array(size);
      let o = 0;
      for (const c of chunks) {
        buf.set(c, o);
        o += c.length;
      }
      resolve({ status, exitCode, output: new TextDecoder().decode(buf), truncated, ms: Date.now() - started });
    };
    try {
      child = spawn(argv[0], argv.slice(1), {
        shell: false,
        detached: !windows,
        cwd: windows ? undefined : "/",
        stdio: ["ignore", "pipe", "pipe"],
        env: { LC_ALL: "C", LANG: "C", PATH: windows ? "C:\\Windows\\System32" : "/usr/sbin:/usr/bin:/sbin:/bin" },
        windowsHide: true,
      });
    } catch (e) {
      resolve({ status: "failed", exitCode: null, output: (e as Error).message, truncated: false, ms: 0 });
      return;
    }
    const timer = setTimeout(() => {
      timedOut = true;
      killAll();
    }, limits.timeoutMs);
    const take = (c: Uint8Array) => {
      if (truncated) return;
      const room = limits.maxBytes - size;
      if (c.length > room) {
        chunks.push(c.subarray(0, room));
        size += room;
        truncated = true;
        killAll();
      } else {
        chunks.push(c);
        size += c.length;
      }
    };
    child.stdout!.on("data", take);
    child.stderr!.on("data", take);
    child.on("error", (e) => {
      const m = new TextEncoder().encode(e.message);
      chunks.push(m);
      size += m.length;
      finish("failed", null);
    });
    child.on("close", (code) => {
      // The direct child is gone; anything it left in its group goes too.
      killAll();
      if (timedOut) finish("timeout", code);
      else finish(code === 0 || truncated ? "done" : "failed", code);
    });
  });
}
