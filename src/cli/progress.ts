/** Reading the inputs at the command line: a progress line on a terminal while large inputs load, and a word when stdin is a terminal. */

import process from "node:process";
import { summarizeMoment } from "../engine/mod.ts";
import { readSeries } from "../sources/mod.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { inert } from "../text/inert.ts";

/** Where the line goes: stderr, or a stand-in (tests). */
export interface ProgressOut {
  isTTY?: boolean;
  columns?: number;
  write(text: string): unknown;
}

/**
 * Shows "Reading FILE: 40 of 120 MiB (33%)" when `out` is a terminal: from
 * a quarter of a second in (a small input shows nothing), at most ten times
 * a second, on one line that clear() wipes.
 */
export function progressReporter(out: ProgressOut = process.stderr, now: () => number = Date.now): {
  report: (path: string, done: number, total: number | undefined) => void;
  clear(): void;
} {
  const start = now();
  let last = 0;
  let shown = false;
  const on = Boolean(out.isTTY);
  const mib = (n: number) => (n / 1048576).toFixed(n < 10 * 1048576 ? 1 : 0);
  return {
    report(path, done, total) {
      if (!on) return;
      const t = now();
      if (t - start < 250 || t - last < 100) return;
      last = t;
      shown = true;
      const pct = total ? ` (${Math.floor((done / total) * 100)}%)` : "";
      const msg = `Reading ${inert(path === "-" ? "stdin" : path)}: ${mib(done)}${total ? ` of ${mib(total)}` : ""} MiB${pct}`;
      out.write(`\r\x1b[K${msg.slice(0, (out.columns || 80) - 1)}`);
    },
    clear() {
      if (shown) out.write("\r\x1b[K");
    },
  };
}

/** What `tcpdoc analyze -` says when stdin is a terminal, so it does not seem to hang. */
export const PASTE_PROMPT = process.platform === "win32"
  ? "tcpdoc: reading stdin: paste the dump, then press Ctrl-Z and Enter\n"
  : "tcpdoc: reading stdin: paste the dump, then press Ctrl-D\n";

/**
 * Reads the inputs (a series when they hold several moments: see
 * src/sources/series.ts) with the progress line on stderr (into `base` when given, e.g.
 * a live snapshot); when stdin is one of the inputs and a terminal, first
 * says how to end the paste.
 */
export function readWithProgress(
  paths: string[],
  base?: Snapshot,
  maxInputBytes?: number,
  stdin: { isTTY?: boolean } = process.stdin,
  err: ProgressOut = process.stderr,
): Snapshot {
  if (paths.includes("-") && stdin.isTTY) err.write(PASTE_PROMPT);
  const progress = progressReporter(err);
  try {
    return readSeries(paths, summarizeMoment, progress.report, { ...(base ? { into: base } : {}), ...(maxInputBytes ? { maxInputBytes } : {}) });
  } finally {
    progress.clear();
  }
}
