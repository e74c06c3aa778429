/** Terminal, CI and colour detection, in one place. */

import process from "node:process";

export interface TerminalInfo {
  stdoutIsTTY: boolean;
  stdinIsTTY: boolean;
  color: boolean;
  /** Columns a report fits (80 when stdout is not a terminal). */
  width: number;
  ci: boolean;
}

export type ColorMode = "auto" | "always" | "never";

type Env = Record<string, string | undefined>;

/**
 * Whether to colour: `--color=always|never` (and `--no-color`) decide;
 * otherwise NO_COLOR (set and not empty) turns colour off, FORCE_COLOR
 * (other than 0 or false) turns it on, TERM=dumb off, and else colour is on
 * when stdout is a terminal. NO_COLOR wins over FORCE_COLOR: one is a
 * person's wish, the other is often set by tools for their children.
 */
export function colorWanted(mode: ColorMode, stdoutIsTTY: boolean, env: Env = process.env): boolean {
  if (mode !== "auto") return mode === "always";
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== "") return false;
  const force = env.FORCE_COLOR;
  if (force !== undefined) return !/^(0|false|no)$/i.test(force.trim());
  if (env.TERM === "dumb") return false;
  return stdoutIsTTY;
}

/** Reads the environment once. `noColorFlag` is --no-color; `mode` is --color. */
export function detectTerminal(noColorFlag = false, mode: ColorMode = "auto", env: Env = process.env): TerminalInfo {
  const stdoutIsTTY = Boolean(process.stdout.isTTY);
  const ci = Boolean(env.CI && env.CI !== "false" && env.CI !== "0");
  return {
    stdoutIsTTY,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    color: colorWanted(noColorFlag ? "never" : mode, stdoutIsTTY, env),
    // Not a terminal (a pipe, a file, CI logs): 80 columns.
    width: stdoutIsTTY ? Math.max(40, Math.min(process.stdout.columns || 80, 160)) : 80,
    ci,
  };
}

/** Columns help text wraps to: the terminal's (at most 100, easier to read), else 80. */
export function helpWidth(): number {
  return process.stdout.isTTY ? Math.max(40, Math.min(process.stdout.columns || 80, 100)) : 80;
}
