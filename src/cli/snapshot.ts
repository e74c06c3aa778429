/** `tcpdoc snapshot`: this machine's socket table, counters and sysctls, saved for `tcpdoc analyze FILE` elsewhere. */

import process from "node:process";
import { renderSnapshotFile } from "../ingest/mod.ts";
import { captureLive } from "../sources/mod.ts";
import { inertLines } from "../text/inert.ts";
import type { Context } from "./command.ts";
import { EXIT } from "./errors.ts";
import { writeOutput } from "./output.ts";
import { VERSION } from "./version.ts";

/** Snapshots name processes and peers: only their owner may read the file. */
export const SNAPSHOT_MODE = 0o600;

export function snapshotCommand(ctx: Context): number {
  const { flags } = ctx;
  let text = renderSnapshotFile(captureLive({ owners: !flags.noOwners }), VERSION);
  const toTerminal = (flags.output === undefined || flags.output === "-") && process.stdout.isTTY;
  // On a screen, process names (any local user picks theirs) must not reach the terminal as control sequences.
  if (toTerminal) text = inertLines(text).join("\n");
  writeOutput(text, flags.output, { force: flags.force, mode: SNAPSHOT_MODE, exitCode: EXIT.ok });
  return EXIT.ok;
}
