/**
 * Ingest: bytes and text into one Snapshot, through the formats tcpdoc
 * reads. Pure: files, stdin, /proc and commands are read at the edge
 * (src/sources/), which hands the bytes in.
 */

export { applyOwners, snapshotFromCapture } from "./capture.ts";
export { canonicalAddress, finishSnapshot, inputTallies, resolveCounts, SAME_MOMENT_SECONDS } from "./combine.ts";
export { type CommandReading, readCommand } from "./command_line.ts";
export { binaryOffset, LineDecoder, sniffEncoding } from "./decode.ts";
export type { Format, Line, ParseContext, RowReader, Sink } from "./format.ts";
export { SS_FILTER_STATES } from "./formats/ss.ts";
export {
  type CapturedSource,
  type LiveCapture,
  renderSnapshotFile,
  type SocketOwner,
} from "./formats/tcpdoc_snapshot.ts";
export { Ingestor } from "./ingest.ts";
export { redactCapture } from "./redact.ts";
export { FORMATS, REGISTRY, Registry } from "./registry.ts";
export { RowsAheadReader, type RowsAhead } from "./rows_ahead.ts";

import { emptySnapshot, type InputReport, type Snapshot } from "../model/snapshot.ts";
import { inert } from "../text/inert.ts";
import { finishSnapshot } from "./combine.ts";
import { Ingestor } from "./ingest.ts";
import { REGISTRY } from "./registry.ts";

/**
 * The registry, under the name callers used when it was a list of parsers
 * (`new Ingestor(snap, path, PARSERS)`); new code passes REGISTRY or nothing.
 */
export const PARSERS = REGISTRY;

/** Parses texts already in memory (tests, pastes) into one snapshot. */
export function snapshotFromTexts(inputs: { path: string; text: string }[]): Snapshot {
  const snap = emptySnapshot();
  for (const { path, text } of inputs) {
    const ing = new Ingestor(snap, path);
    ing.pushText(text);
    ing.end();
  }
  finishSnapshot(snap);
  return snap;
}

/**
 * Why an input holds nothing tcpdoc understands (every line unparsed or
 * noise), in one line, with the line the problem is on; undefined when it
 * holds something. `tcpdoc analyze` refuses inputs that all say so; a
 * fleet host's file that says so is left out and named.
 */
export function whyNotUnderstood(r: InputReport): { code: "INPUT_EMPTY" | "INPUT_NOT_UNDERSTOOD"; reason: string; line?: number } | undefined {
  if (r.lines - r.unparsed - r.kinds.noise !== 0) return undefined;
  if (r.lines === 0) return { code: "INPUT_EMPTY", reason: "input is empty: give a socket table (ss, netstat, /proc/net/tcp), counters, sysctls or log lines" };
  const first = r.unparsedLines[0];
  const reason = `no socket table, counters, sysctls or socket errors recognised${first ? ` (first line: "${inert(first.text.slice(0, 60))}")` : ""}; run 'tcpdoc formats' to see what tcpdoc reads`;
  return first ? { code: "INPUT_NOT_UNDERSTOOD", reason, line: first.line } : { code: "INPUT_NOT_UNDERSTOOD", reason };
}
