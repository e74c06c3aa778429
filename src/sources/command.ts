/**
 * Running the system's own programs, the one way tcpdoc runs anything: a
 * fixed argv whose program is an absolute path (never looked up in PATH or
 * the current directory), no shell, in a process group of its own that is
 * killed whole when it overruns its time or its output limit.
 */

import { spawn, spawnSync } from "node:child_process";
import * as path from "node:path";
import process from "node:process";
import { MessageChannel, receiveMessageOnPort, Worker } from "node:worker_threads";

/** The system programs tcpdoc may run, by platform: absolute paths only. */
export function systemProgram(name: "netstat" | "lsof", platform: string = process.platform): string | undefined {
  if (platform === "win32") {
    if (name !== "netstat") return undefined;
    // %SystemRoot% when it is an absolute path, else the usual place.
    const root = process.env.SystemRoot && path.win32.isAbsolute(process.env.SystemRoot) ? process.env.SystemRoot : "C:\\Windows";
    return path.win32.join(root, "System32", "netstat.exe");
  }
  if (platform === "darwin") return name === "netstat" ? "/usr/sbin/netstat" : "/usr/sbin/lsof";
  if (platform === "freebsd") return name === "netstat" ? "/usr/bin/netstat" : "/usr/local/sbin/lsof";
  if (platform === "linux") return name === "netstat" ? "/bin/netstat" : "/usr/bin/lsof";
  return undefined;
}

/** How a command runs. */
export interface CommandOptions {
  /** Killed, with its whole process group, after this long (default 10 s). */
  timeoutMs?: number;
  /** The most stdout kept, in bytes (default 64 MiB); past it the output is cut and the group killed. */
  maxOutput?: number;
}

/** What a command did. */
export interface CommandResult {
  /** What it wrote to stdout, up to the limit. */
  stdout: Uint8Array;
  /** The first KiB of what it wrote to stderr. */
  stderr: string;
  /** Its exit code; null when a signal ended it. */
  status: number | null;
  /** It overran its time and was killed. */
  timedOut: boolean;
  /** Its stdout was cut at the limit. */
  truncated: boolean;
}

/** Thrown for an argv tcpdoc must not run, and for a program that cannot start. */
export class CommandError extends Error {
  override name = "CommandError";
  readonly code: "NOT_ABSOLUTE" | "CANNOT_START";
  constructor(code: CommandError["code"], message: string) {
    super(message);
    this.code = code;
  }
}

const DEFAULT_TIMEOUT = 10_000;
const DEFAULT_MAX_OUTPUT = 64 << 20;

function check(argv: readonly string[]): void {
  const p = argv[0] ?? "";
  if (!path.posix.isAbsolute(p) && !path.win32.isAbsolute(p)) {
    throw new CommandError("NOT_ABSOLUTE", `"${p}" is not an absolute path: tcpdoc runs only programs it names by their full path`);
  }
}

type Outcome = CommandResult & { error?: string };

/**
 * The one implementation of running a command: spawns `argv` as the leader
 * of a new process group, gathers its output, and kills the group (every
 * process in it, grandchildren included) on timeout or too much output.
 * Self-contained, since the synchronous runner also runs it on a helper
 * thread from its source text: it uses only its arguments.
 */
function runDetached(
  spawnIt: typeof spawn,
  kill: (pid: number, signal: string) => void,
  windows: boolean,
  argv: readonly string[],
  timeoutMs: number,
  maxOutput: number,
  done: (r: Outcome) => void,
): void {
  const out: Uint8Array[] = [];
  let size = 0, err = "", timedOut = false, truncated = false, finished = false;
  let timer: ReturnType<typeof setTimeout> | undefined;
  const killGroup = (pid: number | undefined) => {
    if (pid === undefined) return;
    try {
      // Windows has no process groups here: the process alone.
      kill(windows ? pid : -pid, "SIGKILL");
    } catch { /* already gone */ }
  };
  const finish = (r: Outcome) => {
    if (finished) return;
    finished = true;
    clearTimeout(timer);
    done(r);
  };
  let child: ReturnType<typeof spawn>;
  try {
    child = spawnIt(argv[0], argv.slice(1), { stdio: ["ignore", "pipe", "pipe"], detached: true, windowsHide: true, shell: false });
  } catch (e) {
    finish({ stdout: new Uint8Array(0), stderr: "", status: null, timedOut, truncated, error: String((e as Error).message) });
    return;
  }
  timer = setTimeout(() => {
    timedOut = true;
    killGroup(child.pid);
  }, timeoutMs);
  child.stdout!.on("data", (b: Uint8Array) => {
    if (truncated) return;
    if (size + b.length > maxOutput) {
      out.push(b.subarray(0, maxOutput - size));
      size = maxOutput;
      truncated = true;
      killGroup(child.pid);
      return;
    }
    out.push(b);
    size += b.length;
  });
  child.stderr!.on("data", (b: Uint8Array) => {
    if (err.length < 1024) err += new TextDecoder().decode(b).slice(0, 1024 - err.length);
  });
  child.on("error", (e) => {
    finish({ stdout: new Uint8Array(0), stderr: err, status: null, timedOut, truncated, error: e.message });
  });
  child.on("close", (status) => {
    const stdout = new Uint8Array(size);
    let at = 0;
    for (const b of out) {
      stdout.set(b, at);
      at += b.length;
    }
    finish({ stdout, stderr: err, status, timedOut, truncated });
  });
}

function result(argv: readonly string[], r: Outcome): CommandResult {
  if (r.error !== undefined) throw new CommandError("CANNOT_START", `cannot run ${argv[0]}: ${r.error.split("\n")[0]}`);
  return { stdout: r.stdout, stderr: r.stderr, status: r.status, timedOut: r.timedOut, truncated: r.truncated };
}

/** Runs `argv` (an absolute program) without blocking; see the module comment. */
export function runCommand(argv: readonly string[], options: CommandOptions = {}): Promise<CommandResult> {
  return new Promise((resolve, reject) => {
    check(argv);
    runDetached(
      spawn, (pid, sig) => process.kill(pid, sig), process.platform === "win32", argv, options.timeoutMs ?? DEFAULT_TIMEOUT,
      options.maxOutput ?? DEFAULT_MAX_OUTPUT, (r) => {
        try {
          resolve(result(argv, r));
        } catch (e) {
          reject(e);
        }
      },
    );
  });
}

/** The helper thread of runCommandSync: runDetached, its outcome posted back. */
const RUNNER = `
// A transpiler that keeps function names (tsx, esbuild's keepNames) wraps them in __name().
const __name = (f) => f;
const { workerData: w } = require("node:worker_threads");
const { spawn } = require("node:child_process");
(${runDetached.toString()})(spawn, (pid, sig) => process.kill(pid, sig), process.platform === "win32", w.argv, w.timeoutMs, w.maxOutput, (r) => {
  w.port.postMessage(r);
  Atomics.store(w.flag, 0, 1);
  Atomics.notify(w.flag, 0);
});`;

/**
 * Runs `argv` (an absolute program) and waits for it (the live snapshot's
 * netstat), by the same rules as {@link runCommand}: the command runs from
 * a helper thread while this one waits. Under Deno, whose worker threads do
 * not run while this thread waits, the command runs directly and a timeout
 * kills it alone.
 */
export function runCommandSync(argv: readonly string[], options: CommandOptions = {}): CommandResult {
  check(argv);
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT, maxOutput = options.maxOutput ?? DEFAULT_MAX_OUTPUT;
  if ("Deno" in globalThis) return spawnDirect(argv, timeoutMs, maxOutput);
  const { port1, port2 } = new MessageChannel();
  const flag = new Int32Array(new SharedArrayBuffer(4));
  const worker = new Worker(RUNNER, {
    eval: true,
    workerData: { argv: [...argv], timeoutMs, maxOutput, port: port2, flag },
    transferList: [port2],
  });
  worker.on("error", () => {});
  try {
    // The runner's own timer ends the command; the margin covers starting the thread.
    Atomics.wait(flag, 0, 0, timeoutMs + 30_000);
    const m = receiveMessageOnPort(port1)?.message as Outcome | undefined;
    if (!m) throw new CommandError("CANNOT_START", `cannot run ${argv[0]}: the thread that runs it stopped`);
    return result(argv, m);
  } finally {
    port1.close();
    void worker.terminate();
  }
}

function spawnDirect(argv: readonly string[], timeoutMs: number, maxOutput: number): CommandResult {
  const r = spawnSync(argv[0], argv.slice(1), {
    stdio: ["ignore", "pipe", "pipe"], timeout: timeoutMs, killSignal: "SIGKILL", maxBuffer: maxOutput, windowsHide: true, shell: false,
  });
  const code = (r.error as NodeJS.ErrnoException | undefined)?.code;
  if (r.error && code !== "ETIMEDOUT" && code !== "ENOBUFS") {
    throw new CommandError("CANNOT_START", `cannot run ${argv[0]}: ${r.error.message.split("\n")[0]}`);
  }
  return {
    stdout: r.stdout ? new Uint8Array(r.stdout.buffer, r.stdout.byteOffset, Math.min(r.stdout.length, maxOutput)) : new Uint8Array(0),
    stderr: r.stderr ? r.stderr.subarray(0, 1024).toString("utf8") : "",
    status: r.status,
    timedOut: code === "ETIMEDOUT",
    truncated: code === "ENOBUFS",
  };
}
