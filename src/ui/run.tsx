/**
 * Starts a guided session: reads the inputs (showing progress on large
 * ones), diagnoses, finds a keyboard (stdin, or /dev/tty when a dump came on
 * stdin), and runs the app on the alternate screen until q. main.ts imports
 * this lazily, so ink and react load only for interactive sessions.
 */

import * as fs from "node:fs";
import process from "node:process";
import * as tty from "node:tty";
import { render } from "ink";
import { readWithProgress } from "../cli/progress.ts";
import { detectTerminal } from "../cli/terminal.ts";
import { liveSnapshot } from "../sources/mod.ts";
import type { Severity } from "../model/finding.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { App } from "./app.tsx";
import { sessionEngine } from "./engine.ts";

/** What main.ts hands over. */
export interface SessionRequest {
  /** Dump paths; "-" is stdin; none means this machine's live state. */
  paths: string[];
  flags: Record<string, unknown>;
  /** Answers given with --answer. */
  answers: Record<string, string>;
  /** Prints the text report instead, for when no keyboard can be found. */
  fallback(snap: Snapshot): Promise<number>;
}

function list(v: unknown): string[] {
  return Array.isArray(v) ? v.map(String) : [];
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

const ENTER_ALT = "\x1b[?1049h\x1b[H";
const LEAVE_ALT = "\x1b[?1049l";

/** Runs the session; resolves with the exit code once the user quits. */
export async function runSession(req: SessionRequest): Promise<number> {
  const { flags } = req;
  const term = detectTerminal(Boolean(flags["no-color"]));
  let snap: Snapshot;
  if (req.paths.length === 0) {
    snap = liveSnapshot({ owners: !flags["no-owners"] });
  } else {
    snap = readWithProgress(req.paths);
  }
  const stdinIsData = req.paths.includes("-") || req.paths.includes("/dev/stdin");
  const keyboard = openKeyboard(stdinIsData);
  if (!keyboard) return await req.fallback(snap);

  const engine = sessionEngine(
    { ruleDirs: list(flags.rules), disabled: list(flags.disable), userRules: !flags["no-user-rules"] },
    (flags["min-severity"] as Severity | undefined) ?? "info",
  );
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
  let quit!: () => void;
  const quitted = new Promise<void>((resolve) => (quit = resolve));
  const app = render(
    <App
      snap={snap}
      findings={findings}
      diagnose={engine.diagnose}
      rules={engine.rules}
      answers={req.answers}
      color={term.color}
      onQuit={() => quit()}
    />,
    { stdin: keyboard, stdout: out, exitOnCtrlC: false, patchConsole: true },
  );
  try {
    await quitted;
  } finally {
    app.unmount();
    leave();
    if (keyboard !== process.stdin) keyboard.destroy();
  }
  // Deno can keep waiting on ink's handles after unmount: entry.ts exits with this code.
  return 0;
}
