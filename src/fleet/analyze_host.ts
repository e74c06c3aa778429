/**
 * One host's analysis, as a helper thread or the main thread runs it: its
 * texts into a snapshot, the single-host rules over it, and the summary
 * fleet rules read. The snapshot is dropped when this returns.
 */

import { Diagnoser, type RuleSet } from "../engine/mod.ts";
import { snapshotFromTexts } from "../ingest/mod.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { failedHost, headerHost, type HostSummary, summarizeHost } from "./host.ts";

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

/** Analyses one host; a failure becomes a failed host, never an exception. */
export async function analyzeHost(job: HostJob, rules: RuleSet, read: SnapshotReader): Promise<HostSummary> {
  const names = job.names;
  try {
    const snap = job.files ? read(job.files, job.maxInput) : snapshotFromTexts(job.inputs ?? []);
    const tcp = snap.sockets.length + snap.tallies.reduce((a, b) => a + b, 0);
    if (tcp === 0 && snap.counters.size === 0) return failedHost(job.host, job.labels, names, "no socket table or counters in its files");
    const findings = await new Diagnoser(snap, rules).run(job.answers);
    // labels from the snapshot headers (tcpdoc snapshot --label), then the host's labels file over them
    const header = Object.assign({}, ...[snap.capture, ...snap.inputs.map((r) => r.capture)].map((c) => c?.labels ?? {}));
    const s = summarizeHost(job.host, { ...header, ...job.labels }, names, snap, findings);
    const named = headerHost(snap);
    // a host's directory names it; a header that names another host is worth a label
    if (named && named !== job.host && !("snapshot_host" in s.labels)) s.labels = { ...s.labels, snapshot_host: named };
    return s;
  } catch (e) {
    return failedHost(job.host, job.labels, names, e instanceof Error ? e.message : String(e));
  }
}
