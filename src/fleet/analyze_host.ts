/**
 * One host's analysis, as a helper thread or the main thread runs it: its
 * texts into a snapshot, the single-host rules over it, and the summary
 * fleet rules read. The snapshot is dropped when this returns.
 */

import { Diagnoser, type RuleSet } from "../engine/mod.ts";
import { snapshotFromTexts, whyNotUnderstood } from "../ingest/mod.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { failedHost, type FileProblem, headerHost, type HostSummary, summarizeHost } from "./host.ts";

/** What a helper thread is given for one host: its files to read (a directory), or their texts (an archive). */
export interface HostJob {
  host: string;
  labels: Record<string, string>;
  /** The inputs' names for the report. */
  names: string[];
  /** Paths to read, each as `tcpdoc analyze FILE...` reads them (streamed, within maxInput). */
  files?: string[];
  /** Texts already in memory (an archive's entries). */
  inputs?: { path: string; text: string }[];
  maxInput?: number;
  answers: Record<string, string>;
}

/** Reads a job's files into a snapshot: the edge's reader (src/sources), handed in. */
export type SnapshotReader = (files: string[], maxInput: number | undefined) => Snapshot;

/** The bytes at the start of a text a NUL byte among which makes it a binary file (as src/sources/files.ts reads files). */
const BINARY_PROBE = 8000;

/**
 * Reads the host's files into one snapshot, leaving out each file that is
 * not a dump (a README, a binary, an empty file, one that cannot be read)
 * with its one-line problem, so one such file does not fail the host. A
 * file that holds nothing understood is found after reading: the others
 * are read again without it (only then), so its lines do not show as the
 * host's unparsed lines. The snapshot and the names of the files read;
 * throws when no file is left.
 */
function readHost(job: HostJob, read: SnapshotReader, skipped: FileProblem[]): { snap: Snapshot; read: string[] } {
  const names = job.names;
  const texts = job.inputs;
  let keep = names.map((_, i) => i);
  if (texts) {
    // an archive's entries are already text: the binary check files get from the reader
    keep = keep.filter((i) => {
      const at = texts[i].text.slice(0, BINARY_PROBE).indexOf("\0");
      if (at !== -1) skipped.push({ file: names[i], reason: `is a binary file (a NUL byte at offset ${at}), not a text dump: give the output of ss, netstat or the like as text` });
      return at === -1;
    });
  }
  for (;;) {
    if (keep.length === 0) throw new Error(names.length === 1 ? "its one file is not a dump" : `none of its ${names.length} files is a dump`);
    let snap: Snapshot;
    try {
      snap = texts ? snapshotFromTexts(keep.map((i) => texts[i])) : read(keep.map((i) => job.files![i]), job.maxInput);
    } catch (e) {
      // the reader names the file it could not read (an InputError's path); without one the host fails
      const p = (e as { path?: unknown }).path;
      const at = keep.find((i) => (texts ? texts[i].path : job.files?.[i]) === p);
      if (at === undefined) throw e;
      skipped.push({ file: names[at], reason: (e as Error).message });
      keep = keep.filter((i) => i !== at);
      continue;
    }
    const byPath = new Map(snap.inputs.map((r) => [r.path, r]));
    const empty = keep.flatMap((i) => {
      const r = byPath.get(texts ? texts[i].path : job.files![i]);
      const why = r && whyNotUnderstood(r);
      return why ? [{ i, why }] : [];
    });
    if (empty.length === 0) return { snap, read: keep.map((i) => names[i]) };
    for (const { i, why } of empty) skipped.push({ file: names[i], reason: why.reason });
    keep = keep.filter((i) => !empty.some((x) => x.i === i));
  }
}

/** Analyses one host; a failure becomes a failed host, never an exception. */
export async function analyzeHost(job: HostJob, rules: RuleSet, read: SnapshotReader): Promise<HostSummary> {
  const names = job.names;
  const skipped: FileProblem[] = [];
  try {
    const { snap, read: inputs } = readHost(job, read, skipped);
    skipped.sort((a, b) => names.indexOf(a.file) - names.indexOf(b.file));
    const tcp = snap.sockets.length + snap.tallies.reduce((a, b) => a + b, 0);
    if (tcp === 0 && snap.counters.size === 0) return failedHost(job.host, job.labels, inputs, "no socket table or counters in its files", skipped);
    const findings = await new Diagnoser(snap, rules).run(job.answers);
    // labels from the snapshot headers (tcpdoc snapshot --label), then the host's labels file over them
    const header = Object.assign({}, ...[snap.capture, ...snap.inputs.map((r) => r.capture)].map((c) => c?.labels ?? {}));
    const s = summarizeHost(job.host, { ...header, ...job.labels }, inputs, snap, findings);
    if (skipped.length) s.skipped = skipped;
    const named = headerHost(snap);
    // a host's directory names it; a header that names another host is worth a label
    if (named && named !== job.host && !("snapshot_host" in s.labels)) s.labels = { ...s.labels, snapshot_host: named };
    return s;
  } catch (e) {
    skipped.sort((a, b) => names.indexOf(a.file) - names.indexOf(b.file));
    return failedHost(job.host, job.labels, names, e instanceof Error ? e.message : String(e), skipped);
  }
}
