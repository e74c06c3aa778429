/** `tcpdoc snapshot`: this machine's socket table, counters and sysctls, saved for `tcpdoc analyze FILE` elsewhere. */

import process from "node:process";
import { redactCapture, renderSnapshotFile } from "../ingest/mod.ts";
import { captureLive } from "../sources/mod.ts";
import { inert, inertLines } from "../text/inert.ts";
import type { Context } from "./command.ts";
import { EXIT, UsageError } from "./errors.ts";
import { writeOutput } from "./output.ts";
import { VERSION } from "./version.ts";

/** Snapshots name processes and peers: only their owner may read the file. */
export const SNAPSHOT_MODE = 0o600;

export function snapshotCommand(ctx: Context): number {
  const { flags } = ctx;
  const labels: Record<string, string> = {};
  for (const l of flags.label) {
    const m = /^([A-Za-z_][A-Za-z0-9_.-]{0,62})=(.{0,200})$/.exec(l);
    if (!m) throw new UsageError(`--label takes KEY=VALUE (a key of letters, digits, _ . -), e.g. --label build=2.5.0, not "${inert(l)}"`);
    labels[m[1]] = m[2];
  }
  const capture = captureLive({ owners: !flags.noOwners });
  if (flags.label.length) capture.capture.labels = labels;
  let text = renderSnapshotFile(flags.redact ? redactCapture(capture) : capture, VERSION);
  const toTerminal = (flags.output === undefined || flags.output === "-") && process.stdout.isTTY;
  // On a screen, process names (any local user picks theirs) must not reach the terminal as control sequences.
  if (toTerminal) text = inertLines(text).join("\n");
  writeOutput(text, flags.output, { force: flags.force, mode: SNAPSHOT_MODE, exitCode: EXIT.ok });
  return EXIT.ok;
}
