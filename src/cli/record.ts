/**
 * `tcpdoc record`: this machine's snapshot every --interval, appended to one
 * file as it is taken, so that `tcpdoc analyze FILE` reads a series (and a
 * recording cut short by Ctrl-C is still whole up to its last snapshot).
 */

import * as fs from "node:fs";
import process from "node:process";
import { renderSnapshotFile } from "../ingest/mod.ts";
import { captureLive } from "../sources/mod.ts";
import { inert, inertLines } from "../text/inert.ts";
import type { Context } from "./command.ts";
import { EXIT, ioError, UsageError, UserError } from "./errors.ts";
import { SNAPSHOT_MODE } from "./snapshot.ts";
import { VERSION } from "./version.ts";

const TIME_UNITS: Record<string, number> = { ms: 1, s: 1000, "": 1000, m: 60_000, min: 60_000, h: 3_600_000 };

/** A time as people write it (`5s`, `500ms`, `10m`, `1h`, `30`: seconds), in milliseconds; a UsageError otherwise. */
export function parseTime(text: string, flag: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(text);
  const unit = m ? TIME_UNITS[m[2].toLowerCase()] : undefined;
  const ms = m && unit !== undefined ? Math.round(Number(m[1]) * unit) : NaN;
  if (!Number.isFinite(ms) || ms < 1) throw new UsageError(`${flag} takes a time such as 5s, 500ms or 10m, not "${inert(text)}"`);
  return ms;
}

/** How many snapshots, and how far apart (ms): --count, else --for / --interval + 1, else until stopped (Infinity). */
export function recordPlan(flags: Pick<Context["flags"], "interval" | "count" | "for">): { every: number; count: number } {
  const every = parseTime(flags.interval ?? "5s", "--interval");
  if (flags.count !== undefined) {
    const n = Number(flags.count);
    if (!Number.isInteger(n) || n < 1) throw new UsageError(`--count takes a whole number of snapshots (1 or more), not "${inert(flags.count)}"`);
    return { every, count: n };
  }
  if (flags.for !== undefined) return { every, count: Math.floor(parseTime(flags.for, "--for") / every) + 1 };
  return { every, count: Infinity };
}

/** Opens the recording: a new file (mode 0600), or an existing one to append to with --force; never through a link. */
function openRecording(file: string, force: boolean): number {
  let st: fs.Stats | undefined;
  try {
    st = fs.lstatSync(file);
  } catch (e) {
    if ((e as { code?: string }).code !== "ENOENT") throw ioError(e, file, "write");
  }
  if (st?.isSymbolicLink()) throw new UserError("symlink", file, "is a symbolic link: tcpdoc does not write through links");
  if (st?.isDirectory()) throw new UserError("EISDIR", file, "cannot write: is a directory");
  if (st && !force) throw new UserError("EEXIST", file, "already exists: --force appends the new snapshots to it, or give another name");
  try {
    return fs.openSync(file, st ? "a" : "wx", SNAPSHOT_MODE);
  } catch (e) {
    throw ioError(e, file, "write");
  }
}

export async function recordCommand(ctx: Context): Promise<number> {
  const { flags } = ctx;
  const { every, count } = recordPlan(flags);
  const toStdout = flags.output === undefined || flags.output === "-";
  const fd = toStdout ? 1 : openRecording(flags.output!, flags.force);
  const screen = toStdout && process.stdout.isTTY;
  let stop = false;
  const onSignal = () => void (stop = true);
  process.on("SIGINT", onSignal);
  try {
    for (let i = 0; i < count && !stop; i++) {
      const started = Date.now();
      let text = renderSnapshotFile(captureLive({ owners: !flags.noOwners }), VERSION);
      // On a screen, process names (any local user picks theirs) must not reach the terminal as control sequences.
      if (screen) text = inertLines(text).join("\n") + "\n";
      try {
        fs.writeSync(fd, text);
      } catch (e) {
        throw ioError(e, toStdout ? undefined : flags.output, "write");
      }
      if (!toStdout) process.stderr.write(`tcpdoc: recorded ${i + 1}${count === Infinity ? "" : ` of ${count}`} snapshot${i === 0 && count === 1 ? "" : "s"} to ${inert(flags.output!)}\n`);
      if (i + 1 < count) await pause(every - (Date.now() - started), () => stop);
    }
  } finally {
    process.off("SIGINT", onSignal);
    if (!toStdout) fs.closeSync(fd);
  }
  return EXIT.ok;
}

/** Waits `ms` (in steps, so Ctrl-C ends the wait soon). */
export async function pause(ms: number, stopped: () => boolean): Promise<void> {
  const end = Date.now() + Math.max(0, ms);
  while (!stopped() && Date.now() < end) await new Promise((r) => setTimeout(r, Math.min(200, end - Date.now())));
}
