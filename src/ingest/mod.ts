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

import { emptySnapshot, type Snapshot } from "../model/snapshot.ts";
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
