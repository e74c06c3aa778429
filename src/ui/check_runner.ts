/**
 * Running a rule's check for the user: only on a live session, only read-only
 * commands tcpdoc knows, never through a shell, with a timeout and an output
 * cap; recognised output is read back into the snapshot as facts.
 */

import { spawn } from "node:child_process";
import process from "node:process";
import { Ingestor, PARSERS } from "../ingest/mod.ts";
import type { Check } from "../model/finding.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { SocketTable } from "../model/socket_table.ts";

/** A command line tcpdoc will not split: it needs a shell. */
export class ShellSyntaxError extends SyntaxError {
  override name = "ShellSyntaxError";
  /** 0-based column of the offending character. */
  readonly column: number;
  constructor(message: string, column: number) {
    super(message);
    this.column = column;
  }
}

const OPERATORS = new Set(["|", "&", ";", "<", ">", "`", "(", ")", "\n"]);

/**
 * Splits a command line into argv the way a POSIX shell would for simple
 * commands: spaces separate words, single quotes are literal, double quotes
 * and backslashes escape. Throws ShellSyntaxError for anything that needs a
 * shell: pipes, redirections, `;`, `&&`, backticks, `$(`, variables, globs,
 * `~`, unbalanced quotes.
 *
 * @example
 * ```ts
 * splitShellWords("ss -tan 'state' close-wait"); // ["ss", "-tan", "state", "close-wait"]
 * ```
 */
export function splitShellWords(command: string): string[] {
  const out: string[] = [];
  let word = "";
  let inWord = false;
  for (let i = 0; i < command.length; i++) {
    const c = command[i];
    if (c === " " || c === "\t") {
      if (inWord) out.push(word);
      word = "";
      inWord = false;
      continue;
    }
    if (c === "'") {
      const end = command.indexOf("'", i + 1);
      if (end === -1) throw new ShellSyntaxError("unbalanced single quote", i);
      word += command.slice(i + 1, end);
      inWord = true;
      i = end;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      for (; j < command.length && command[j] !== '"'; j++) {
        const d = command[j];
        if (d === "`" || d === "$") throw new ShellSyntaxError(`"${d}" inside double quotes needs a shell`, j);
        if (d === "\\" && j + 1 < command.length && '"\\$`'.includes(command[j + 1])) {
          word += command[++j];
        } else word += d;
      }
      if (j >= command.length) throw new ShellSyntaxError("unbalanced double quote", i);
      inWord = true;
      i = j;
      continue;
    }
    if (c === "\\") {
      if (i + 1 >= command.length) throw new ShellSyntaxError("trailing backslash", i);
      word += command[++i];
      inWord = true;
      continue;
    }
    if (OPERATORS.has(c)) throw new ShellSyntaxError(`"${c}" needs a shell`, i);
    if (c === "$") throw new ShellSyntaxError(`"$" (expansion) needs a shell`, i);
    if (c === "*" || c === "?" || c === "[") throw new ShellSyntaxError(`"${c}" (a glob) needs a shell`, i);
    if (c === "~" && !inWord) throw new ShellSyntaxError(`"~" needs a shell`, i);
    word += c;
    inWord = true;
  }
  if (inWord) out.push(word);
  return out;
}

/** Whether and how tcpdoc may run a check. */
export type Runnable =
  | { ok: true; argv: string[]; command: string; filled: Record<string, string> }
  | { ok: false; reason: string };

/** Placeholders rules write in commands, for values the user must supply. */
export const PLACEHOLDERS = ["PORT", "PID", "HOST", "PEER", "DEST_IP", "SERVICE"] as const;
const PLACEHOLDER_RE = new RegExp(`(?<![A-Za-z0-9_])(${PLACEHOLDERS.join("|")})(?![A-Za-z0-9_])`, "g");

function _address(v: string): { host: string; port?: string } | undefined {
  const m = /^\[?([0-9a-fA-F:.]+?)\]?(?::(\d{1,5}))?$/.exec(v.trim());
  if (!m || !/[.:]/.test(m[1])) return undefined;
  // A bare IPv6 address has colons but no port.
  if (m[2] && m[1].includes(":") && !v.includes("[")) return { host: `${m[1]}:${m[2]}` };
  return { host: m[1], port: m[2] };
}

/**
 * Fills a check command's placeholders (PORT, PID, HOST, PEER, DEST_IP) from
 * the finding's evidence figures: a figure named like `port` or `top_port`
 * gives PORT, `node (pid 123)` gives PID, an address figure (`peer`,
 * `destination`) gives HOST, PEER and DEST_IP. Returns what is still missing.
 *
 * @example
 * ```ts
 * fillPlaceholders("ss -ltnp '( sport = :PORT )'", { port: 8080 }).command; // "ss -ltnp '( sport = :8080 )'"
 * ```
 */
export function fillPlaceholders(command: string, figures: Record<string, number | string>): { command: string; filled: Record<string, string>; missing: string[] } {
  const values: Record<string, string> = {};
  const entries = Object.entries(figures).map(([k, v]) => [k.toLowerCase(), String(v)] as const);
  for (const [k, v] of entries) {
    if (/(^|_)port$/.test(k) && /^\d{1,5}$/.test(v)) values.PORT ??= v;
    const pid = /\bpid[ =]?(\d+)/.exec(v) ?? (/(^|_)pid$/.test(k) && /^\d+$/.test(v) ? [v, v] : null);
    if (pid) values.PID ??= pid[1];
    if (/peer|destination|dest|upstream|host|endpoint/.test(k)) {
      const a = _address(v);
      if (a) {
        values.HOST ??= a.host;
        values.PEER ??= a.host;
        values.DEST_IP ??= a.host;
        if (a.port && !entries.some(([k2]) => /(^|_)port$/.test(k2))) values.PORT ??= a.port;
      }
    }
  }
  const filled: Record<string, string> = {};
  const missing = new Set<string>();
  const out = command.replace(PLACEHOLDER_RE, (name) => {
    const v = values[name];
    if (v === undefined) {
      missing.add(name);
      return name;
    }
    filled[name] = v;
    return v;
  });
  return { command: out, filled, missing: [...missing] };
}

/** The name `process.platform` has in rules' `platforms`. */
export function platformName(p: string = process.platform): string {
  return p === "darwin" ? "macos" : p === "win32" ? "windows" : p;
}

// Programs tcpdoc runs, each with a test that the arguments only read.
const READ_ONLY: Record<string, (args: string[]) => string | undefined> = {
  ss: () => undefined,
  netstat: () => undefined,
  nstat: () => undefined,
  sysctl: (a) =>
    a.some((x) => x.includes("=") || /^-(w|p|f)$|^--(write|load|system)/.test(x) || /^-[a-zA-Z]*[wp]/.test(x))
      ? "sysctl writes settings with -w, -p or KEY=VALUE"
      : undefined,
  cat: (a) => (a.every((x) => x.startsWith("/proc/") || x.startsWith("/sys/")) ? undefined : "cat is run on /proc and /sys only"),
  sleep: () => undefined,
  ls: () => undefined,
  lsof: () => undefined,
  ps: () => undefined,
  pgrep: () => undefined,
  uptime: () => undefined,
  getconf: () => undefined,
  ip: (a) => {
    const words = a.filter((x) => !x.startsWith("-"));
    const verb = words[1];
    if (words[0] === "route" && verb === "get") return undefined;
    if (verb === undefined || verb === "show" || verb === "list" || verb === "ls") return undefined;
    return "only 'ip ... show' and 'ip route get' are run";
  },
  dmesg: (a) => (a.some((x) => /^-[a-zA-Z]*[cCDEn]|^--(clear|read-clear|console)/.test(x)) ? "dmesg changes the kernel log with that option" : undefined),
  conntrack: (a) => (a.every((x) => !x.startsWith("-") || /^-(L|S|C|G|p|s|d|f|o|-dump|-stats|-count|-get|-output|-family|-proto|-src|-dst)/.test(x))
    ? undefined
    : "only conntrack -L, -S, -C and -G are run"),
  prlimit: (a) => (a.some((x) => x.includes("=")) ? "prlimit sets limits with NAME=VALUE" : undefined),
};

/**
 * Decides whether tcpdoc may run `check` for the user: the session must be
 * live, the rule must mark the check read-only, the platform must match, the
 * command must split without a shell and be one tcpdoc knows only reads.
 */
export function runnableCheck(
  check: Check,
  live: boolean,
  platform = platformName(),
  figures: Record<string, number | string> = {},
): Runnable {
  if (!check.command) return { ok: false, reason: "this check has no command" };
  if (!live) return { ok: false, reason: "commands run on a live session only: this one reads dumps" };
  if (!check.readOnly) return { ok: false, reason: "the rule does not mark this command read-only: run it yourself" };
  if (check.platforms.length && !check.platforms.includes(platform)) {
    return { ok: false, reason: `this command is for ${check.platforms.join(", ")}, not ${platform}` };
  }
  const fill = fillPlaceholders(check.command, figures);
  if (fill.missing.length) {
    return { ok: false, reason: `the evidence does not say which ${fill.missing.join(" or ")} to use: fill it in and run it yourself` };
  }
  let argv: string[];
  try {
    argv = splitShellWords(fill.command);
  } catch (e) {
    return { ok: false, reason: `${(e as Error).message}: tcpdoc runs no shell, run it yourself` };
  }
  if (argv.length === 0) return { ok: false, reason: "the command is empty" };
  const prog = argv[0];
  if (prog === "sudo" || prog === "su" || prog === "doas") return { ok: false, reason: `tcpdoc does not run ${prog}: run it yourself` };
  const test = READ_ONLY[prog.includes("/") ? prog.slice(prog.lastIndexOf("/") + 1) : prog];
  if (!test) return { ok: false, reason: `tcpdoc does not know that ${prog} only reads: run it yourself` };
  const why = test(argv.slice(1));
  if (why) return { ok: false, reason: `${why}: run it yourself` };
  return { ok: true, argv, command: fill.command, filled: fill.filled };
}

/** What a command printed and how it ended. */
export interface CommandResult {
  status: "done" | "failed" | "timeout";
  exitCode: number | null;
  output: string;
  truncated: boolean;
  ms: number;
}

/** Limits for {@link runCommand}. */
export interface RunLimits {
  /** @default 10000 */
  timeoutMs?: number;
  /** Output kept, stdout and stderr together. @default 262144 */
  maxBytes?: number;
}

/**
 * Runs argv without a shell, stdin closed, in the C locale; kills it at the
 * timeout or when the output passes the cap.
 */
export function runCommand(argv: string[], limits: RunLimits = {}): Promise<CommandResult> {
  const timeoutMs = limits.timeoutMs ?? 10_000;
  const maxBytes = limits.maxBytes ?? 256 * 1024;
  const started = Date.now();
  return new Promise((resolve) => {
    const chunks: Uint8Array[] = [];
    let size = 0;
    let truncated = false;
    let timedOut = false;
    let settled = false;
    const finish = (r: Omit<CommandResult, "output" | "truncated" | "ms">) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      const buf = new Uint8Array(size);
      let o = 0;
      for (const c of chunks) {
        buf.set(c, o);
        o += c.length;
      }
      resolve({ ...r, output: new TextDecoder().decode(buf), truncated, ms: Date.now() - started });
    };
    let child: ReturnType<typeof spawn>;
    try {
      child = spawn(argv[0], argv.slice(1), {
        shell: false,
        stdio: ["ignore", "pipe", "pipe"],
        env: { ...process.env, LC_ALL: "C", LANG: "C" },
      });
    } catch (e) {
      resolve({ status: "failed", exitCode: null, output: (e as Error).message, truncated: false, ms: 0 });
      return;
    }
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill("SIGKILL");
    }, timeoutMs);
    const take = (c: Uint8Array) => {
      if (truncated) return;
      const room = maxBytes - size;
      if (c.length > room) {
        chunks.push(c.subarray(0, room));
        size += room;
        truncated = true;
        child.kill("SIGKILL");
      } else {
        chunks.push(c);
        size += c.length;
      }
    };
    child.stdout!.on("data", take);
    child.stderr!.on("data", take);
    child.on("error", (e) => {
      chunks.push(new TextEncoder().encode(e.message));
      size += chunks[chunks.length - 1].length;
      finish({ status: "failed", exitCode: null });
    });
    child.on("close", (code) => {
      if (timedOut) finish({ status: "timeout", exitCode: code });
      else finish({ status: code === 0 || truncated ? "done" : "failed", exitCode: code });
    });
  });
}

/** What reading a command's output back into the snapshot added. */
export interface FedFacts {
  counters: number;
  sysctls: number;
  symptoms: number;
  /** Socket rows recognised; a live snapshot has them already, so they are not added. */
  sockets: number;
  /** True when anything was added to the snapshot. */
  added: boolean;
}

/**
 * Reads a command's output with the ingest parsers and adds the counters,
 * sysctls and socket errors it holds to `snap` (as one more input). Socket
 * rows are counted, not added: the live table already has them.
 */
export function feedOutput(snap: Snapshot, label: string, text: string): FedFacts {
  const before = { counters: snap.counters.size, sysctls: snap.sysctls.size };
  const symptomsBefore = [...snap.symptoms.values()].reduce((n, s) => n + s.count, 0);
  // Shares inputs, counters, sysctls and symptoms; sockets go to a scratch table.
  const shadow: Snapshot = { ...snap, sockets: new SocketTable(16), tallies: new Array<number>(snap.tallies.length).fill(0) };
  const ing = new Ingestor(shadow, `check: ${label}`, PARSERS);
  ing.pushText(text);
  const r = ing.end();
  const counters = r.kinds.counter;
  const sysctls = r.kinds.sysctl;
  const symptoms = [...snap.symptoms.values()].reduce((n, s) => n + s.count, 0) - symptomsBefore;
  const added = counters + sysctls + symptoms > 0 || snap.counters.size !== before.counters || snap.sysctls.size !== before.sysctls;
  if (!added) snap.inputs.pop();
  else r.sockets = 0;
  return { counters, sysctls, symptoms, sockets: shadow.sockets.length + shadow.tallies.reduce((a, b) => a + b, 0), added };
}

/** Describes fed facts in words. */
export function describeFed(f: FedFacts): string {
  const parts: string[] = [];
  if (f.counters) parts.push(`${f.counters} counters`);
  if (f.sysctls) parts.push(`${f.sysctls} sysctls`);
  if (f.symptoms) parts.push(`${f.symptoms} error lines`);
  const read = parts.length ? `read back ${parts.join(", ")} as facts` : "no counters or sysctls to read back";
  return f.sockets ? `${read}; ${f.sockets} socket rows seen (already in the live table)` : read;
}
