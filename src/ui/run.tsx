/**
 * The UI's edge: takes the snapshot (or a loader) and the terminal facts
 * from the CLI, finds a keyboard (stdin, or /dev/tty when a dump came on
 * stdin), and runs the app on the alternate screen until q. Here, and only
 * here, the session meets the system: the rules engine, the probe runner
 * (src/sources/probes.ts) and the export writer are bound and handed to the
 * app as props. main.ts imports this lazily, so ink and react load only for
 * interactive sessions.
 */

import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import process from "node:process";
import * as tty from "node:tty";
import { render } from "ink";
import { platformOf } from "../checks/mod.ts";
import type { Severity } from "../model/finding.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { provenanceOf } from "../report/analysis.ts";
import { runProbe } from "../sources/probes.ts";
import { inert } from "../text/inert.ts";
import { App, exitCodeFor, type SessionEnd } from "./app.tsx";
import { sessionEngine } from "./engine.ts";
import { ruleLoadOptions, type RuleFlags } from "../sources/rule_files.ts";
import { defaultExportName } from "./export.ts";
import { FleetOverview } from "./components/FleetOverview.tsx";
import type { FleetAnalysis } from "../fleet/evaluate.ts";
import type { DiagnoseFn } from "./hooks/use-session.ts";
import { WatchApp, type WatchControl } from "./watch_app.tsx";
import type { WatchTick } from "./watch_model.ts";

/** What main.ts hands over. */
export interface SessionRequest {
  /** The snapshot, or a loader called once (it may show progress on stderr). */
  snapshot: Snapshot | (() => Snapshot);
  /** True when the data came on stdin: the keyboard is then /dev/tty. */
  stdinIsData: boolean;
  /** Colour on, as the CLI's terminal detection decided. */
  color: boolean;
  /** Which rules to load (--rules, --disable, --no-user-rules). */
  rules: RuleFlags;
  /** Findings below this severity are not shown (--min-severity). */
  minSeverity: Severity;
  /** Answers given with --answer. */
  answers: Record<string, string>;
  /** Prints the text report instead, for when no keyboard can be found. */
  fallback(snap: Snapshot): Promise<number>;
  /** tcpdoc's version and the command line's arguments, for the export's provenance. */
  command?: { version: string; argv: readonly string[] };
}

/** Opens the keyboard: stdin when it is a terminal and not the data, else /dev/tty; undefined when there is none. */
function openKeyboard(stdinIsData: boolean): tty.ReadStream | undefined {
  if (!stdinIsData && process.stdin.isTTY) return process.stdin as tty.ReadStream;
  try {
    const fd = fs.openSync("/dev/tty", "r");
    return new tty.ReadStream(fd);
  } catch {
    return undefined; // ENXIO: no controlling terminal
  }
}

/** Where the export dialog proposes to write: the home directory (the current one may be / or read-only). */
function exportPath(now = new Date()): string {
  const home = process.env.HOME || process.env.USERPROFILE || os.homedir() || os.tmpdir();
  return path.join(home, defaultExportName(now));
}

/**
 * Writes the export through a temporary file and a rename; refuses to
 * replace an existing file or to follow a symlink. Returns a one-line error.
 */
export function writeExport(file: string, text: string): string | undefined {
  const target = path.resolve(file);
  // Under Deno without --allow-write, asking would print a permission prompt
  // over the session: say what is missing instead.
  const deno = (globalThis as { Deno?: { permissions?: { querySync?(d: { name: string; path: string }): { state: string } } } }).Deno;
  const state = deno?.permissions?.querySync?.({ name: "write", path: path.dirname(target) }).state;
  if (state !== undefined && state !== "granted") return `cannot write ${inert(target)}: run Deno with --allow-write (or -A) to export`;
  try {
    fs.lstatSync(target);
    return `${inert(target)} exists: give another name`;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") return `cannot write ${inert(target)}: ${(e as Error).message.split("\n")[0]}`;
  }
  const tmp = `${target}.${process.pid}.tmp`;
  try {
    fs.writeFileSync(tmp, text, { flag: "wx", mode: 0o600 });
    fs.renameSync(tmp, target);
    return undefined;
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      // nothing left to clean
    }
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such directory" : code === "EACCES" || code === "EPERM" ? "permission denied" : code === "EISDIR" ? "it is a directory" : code === "ENOSPC" ? "no space left" : (e as Error).message.split("\n")[0];
    return `cannot write ${inert(target)}: ${why}`;
  }
}

const ENTER_ALT = "\x1b[?1049h\x1b[H";
const LEAVE_ALT = "\x1b[?1049l";

/**
 * Runs the session; resolves with the exit code once the user quits: 1 when
 * a warning or worse is found (as `analyze`), else 0.
 */
export async function runSession(req: SessionRequest): Promise<number> {
  const snap = typeof req.snapshot === "function" ? req.snapshot() : req.snapshot;
  const keyboard = openKeyboard(req.stdinIsData);
  if (!keyboard) return await req.fallback(snap);

  const engine = await sessionEngine(ruleLoadOptions(req.rules), req.minSeverity);
  if (process.stderr.isTTY) process.stderr.write("\r\x1b[KRunning the rules…");
  let findings;
  try {
    findings = await engine.diagnose(snap, req.answers);
  } finally {
    if (process.stderr.isTTY) process.stderr.write("\r\x1b[K");
  }

  const out = process.stdout;
  let alt = false;
  const leave = () => {
    if (alt) out.write(LEAVE_ALT);
    alt = false;
  };
  process.once("exit", leave);
  out.write(ENTER_ALT);
  alt = true;
  let quit!: (end: SessionEnd) => void;
  const quitted = new Promise<SessionEnd>((resolve) => (quit = resolve));
  const app = render(
    <App
      snap={snap}
      findings={findings}
      diagnose={engine.diagnose}
      runCheck={(plan) => runProbe(plan)}
      writeExport={writeExport}
      exportPath={exportPath()}
      provenance={req.command ? provenanceOf(snap, req.command.version, req.command.argv) : undefined}
      rules={engine.rules}
      answers={req.answers}
      color={req.color}
      platform={platformOf(process.platform)}
      onQuit={(end) => quit(end)}
    />,
    { stdin: keyboard, stdout: out, exitOnCtrlC: false, patchConsole: true },
  );
  let end: SessionEnd;
  try {
    end = await quitted;
  } finally {
    app.unmount();
    leave();
    if (keyboard !== process.stdin) keyboard.destroy();
  }
  for (const file of end.exported) process.stderr.write(`tcpdoc: session exported to ${inert(path.resolve(file))}\n`);
  // Deno can keep waiting on ink's handles after unmount: entry.ts exits with this code.
  return exitCodeFor(end.findings);
}

/**
 * The fleet overview (tcpdoc --fleet DIR or --all-netns in a terminal);
 * resolves with true once the user quits, or false at once when there is
 * no keyboard (the caller prints the report instead).
 */
export async function runFleetSession(analysis: FleetAnalysis, color: boolean): Promise<boolean> {
  const keyboard = openKeyboard(false);
  if (!keyboard) return false;
  const out = process.stdout;
  out.write(ENTER_ALT);
  const leave = () => out.write(LEAVE_ALT);
  let quit!: () => void;
  const quitted = new Promise<void>((resolve) => (quit = resolve));
  const app = render(<FleetOverview analysis={analysis} color={color} onQuit={() => quit()} />, { stdin: keyboard, stdout: out, exitOnCtrlC: false, patchConsole: true });
  try {
    await quitted;
  } finally {
    app.unmount();
    leave();
    if (keyboard !== process.stdin) keyboard.destroy();
  }
  return true;
}

/** What `tcpdoc watch` hands over. */
export interface WatchRequest {
  /** The interval at the start (ms). */
  every: number;
  color: boolean;
  control: WatchControl;
  diagnose: DiagnoseFn;
  /** tcpdoc's version and the command line, for the export's provenance. */
  command: { version: string; argv: readonly string[] };
  /** The recording so far (snapshot files, as `tcpdoc record` writes them). */
  recording(): string;
  /** Takes the ticks, showing each; resolves when they end (--count, --for). */
  run(show: (t: WatchTick) => void): Promise<void>;
  /** Ends the ticks (the user quit). */
  stop(): void;
}

/** Where `e` proposes to save the recording: the home directory. */
function watchExportPath(now = new Date()): string {
  return exportPath(now).replace(/tcpdoc-session-(.*)\.md$/, "tcpdoc-watch-$1.tcpdoc");
}

/** The session's Markdown beside the recording: FILE.tcpdoc -> FILE.md (FILE.md -> FILE.session.md). */
export function sessionFileFor(file: string): string {
  const md = file.replace(/\.tcpdoc$/, "") + ".md";
  return md === file ? file.replace(/\.md$/, ".session.md") : md;
}

/**
 * The watch screen until q (or the ticks end): resolves with the files
 * exported, or undefined at once when there is no keyboard (the caller
 * prints JSON lines instead).
 */
export async function runWatchSession(req: WatchRequest): Promise<{ exported: string[] } | undefined> {
  const keyboard = openKeyboard(false);
  if (!keyboard) return undefined;
  const out = process.stdout;
  out.write(ENTER_ALT);
  let left = false;
  const leave = () => {
    if (!left) out.write(LEAVE_ALT);
    left = true;
  };
  process.once("exit", leave);
  let quit!: (end: { exported: string[] }) => void;
  const quitted = new Promise<{ exported: string[] }>((resolve) => (quit = resolve));
  const exportWatch = (file: string, markdown: string): { files: string[] } | { error: string } => {
    const text = req.recording();
    if (!text) return { error: "nothing recorded yet" };
    const md = sessionFileFor(file);
    const err = writeExport(file, text) ?? writeExport(md, markdown);
    return err ? { error: err } : { files: [path.resolve(file), path.resolve(md)] };
  };
  let exported: string[] = [];
  const element = (t?: WatchTick) => (
    <WatchApp
      tick={t}
      every={req.every}
      control={req.control}
      diagnose={req.diagnose}
      exportWatch={exportWatch}
      exportPath={watchExportPath()}
      command={req.command}
      color={req.color}
      platform={platformOf(process.platform)}
      onQuit={(end) => {
        exported = end.exported;
        quit(end);
      }}
    />
  );
  const app = render(element(), { stdin: keyboard, stdout: out, exitOnCtrlC: false, patchConsole: true });
  try {
    const ticks = req.run((t) => app.rerender(element(t)));
    // The ticks ending (--count) ends the watch too; so does q.
    await Promise.race([quitted, ticks.then(() => ({ exported }))]);
    req.stop();
    await ticks;
  } finally {
    app.unmount();
    leave();
    if (keyboard !== process.stdin) keyboard.destroy();
  }
  for (const file of exported) process.stderr.write(`tcpdoc: watch exported to ${inert(file)}\n`);
  return { exported };
}
