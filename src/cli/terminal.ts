/** Terminal, CI and colour detection, in one place. */

import process from "node:process";

export interface TerminalInfo {
  stdoutIsTTY: boolean;
  stdinIsTTY: boolean;
  color: boolean;
  width: number;
  ci: boolean;
}

/** Reads the environment once. `noColorFlag` is --no-color. */
export function detectTerminal(noColorFlag = false): TerminalInfo {
  const env = process.env;
  const stdoutIsTTY = Boolean(process.stdout.isTTY);
  const ci = Boolean(env.CI && env.CI !== "false" && env.CI !== "0");
  const noColor = noColorFlag || (env.NO_COLOR !== undefined && env.NO_COLOR !== "") || env.TERM === "dumb";
  return {
    stdoutIsTTY,
    stdinIsTTY: Boolean(process.stdin.isTTY),
    color: stdoutIsTTY && !noColor,
    // Not a terminal (a pipe, a file, CI logs): 80 columns.
    width: stdoutIsTTY ? Math.max(40, Math.min(process.stdout.columns || 80, 160)) : 80,
    ci,
  };
}
