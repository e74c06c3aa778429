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
import { EXIT, ioError, UserError } from "./errors.ts";
import { SNAPSHOT_MODE } from "./snapshot.ts";
import { recordPlan, Ticker } from "./ticks.ts";
import { VERSION } from "./version.ts";

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
  const ticker = new Ticker({ every, count });
  try {
    await ticker.run((i) => {
      let text = renderSnapshotFile(captureLive({ owners: !flags.noOwners }), VERSION);
      // On a screen, process names (any local user picks theirs) must not reach the terminal as control sequences.
      if (screen) text = inertLines(text).join("\n") + "\n";
      try {
        fs.writeSync(fd, text);
      } catch (e) {
        throw ioError(e, toStdout ? undefined : flags.output, "write");
      }
      if (!toStdout) process.stderr.write(`tcpdoc: recorded ${i + 1}${count === Infinity ? "" : ` of ${count}`} snapshot${i === 0 && count === 1 ? "" : "s"} to ${inert(flags.output!)}\n`);
    });
  } finally {
    if (!toStdout) fs.closeSync(fd);
  }
  return EXIT.ok;
}
