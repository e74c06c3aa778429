/**
 * The sources edge: where bytes come from. Files and stdin (within a size
 * limit), big files on two threads, this machine's /proc, and the system's
 * own programs by absolute path. Everything read goes to src/ingest, which
 * is pure.
 */

export { CommandError, type CommandOptions, type CommandResult, runCommand, runCommandSync, systemProgram } from "./command.ts";
export { DEFAULT_MAX_INPUT, type Progress, readInputs, type ReadOptions } from "./files.ts";
export { readSeries, type Summarize } from "./series.ts";
export { InputError, type InputErrorCode } from "./input_error.ts";
export { captureLive, captureText, liveSnapshot, liveSnapshotAndCapture, type LiveOptions, OwnerCache, type RawCapture } from "./live.ts";
// What callers of the live capture use with it, from ingest: the snapshot file and the format list.
export { FORMATS, type LiveCapture, renderSnapshotFile, snapshotFromCapture } from "../ingest/mod.ts";
