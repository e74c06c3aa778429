/** What every presenter renders: the snapshot's summary, the findings and where the report came from. */

import type { SeriesDigest } from "../engine/mod.ts";
import { type Finding, type Severity, severityRank } from "../model/finding.ts";
import type { Capture, InputReport, Platform, Snapshot } from "../model/snapshot.ts";
import { STATES, type StateName } from "../model/states.ts";

export interface Summary {
  sockets: number;
  /** Nonzero counts by canonical state. */
  states: Partial<Record<StateName, number>>;
  /** Sockets whose state the dump does not say. */
  stateUnknown: number;
  counters: number;
  sysctls: number;
  symptoms: Record<string, number>;
  /** The system the socket tables come from, when the inputs say (Snapshot.platform). */
  platform?: Platform;
  /** Rows dropped because another input of the same moment listed the same socket; absent when none. */
  merged?: number;
  /** What counts without rows add to the rows, by state (Snapshot.tallies); absent when nothing. */
  tallied?: Partial<Record<StateName, number>>;
}

/** Where a report came from: the tool, the command line, and the capture's host and time when known. */
export interface Provenance {
  tool: { name: "tcpdoc"; version: string };
  /** The command line as given, starting with "tcpdoc". */
  command: string[];
  /** The host the data was captured on: this machine for a live snapshot, or a snapshot file's header. */
  host?: string;
  /** When the data was captured (ISO 8601), when known. */
  capturedAt?: string;
}

export interface Analysis {
  inputs: InputReport[];
  summary: Summary;
  /** The findings shown, worst first. */
  findings: Finding[];
  live: boolean;
  /** Where the report came from (every report the CLI makes has it). */
  provenance?: Provenance;
  /** Findings left out by --min-severity (present when it is above info). */
  hidden?: { below: Severity; count: number };
  /** Where and when a live snapshot was read (a snapshot file's header is on its input). */
  capture?: Capture;
  /** When the inputs hold several moments: the series (the summary and findings are of its last moment). */
  series?: SeriesDigest;
}

/** Counts the snapshot's sockets by state, table rows and tallies together. */
export function summarize(snap: Snapshot): Summary {
  const counts = snap.sockets.stateCounts();
  const states: Summary["states"] = {};
  let total = 0;
  for (let id = 0; id < counts.length; id++) {
    const n = counts[id] + snap.tallies[id];
    total += n;
    if (id > 0 && n > 0) states[STATES[id - 1]] = n;
  }
  const symptoms: Record<string, number> = {};
  for (const [k, s] of snap.symptoms) symptoms[k] = s.count;
  const tallied: Summary["tallied"] = {};
  for (let id = 1; id < snap.tallies.length; id++) if (snap.tallies[id] > 0) tallied[STATES[id - 1]] = snap.tallies[id];
  return {
    sockets: total,
    states,
    stateUnknown: counts[0] + snap.tallies[0],
    counters: snap.counters.size,
    sysctls: snap.sysctls.size,
    symptoms,
    ...(snap.platform ? { platform: snap.platform } : {}),
    ...(snap.merged > 0 ? { merged: snap.merged } : {}),
    ...(Object.keys(tallied).length ? { tallied } : {}),
  };
}

/**
 * The provenance of a report on `snap`: host and capture time from the live
 * capture, else from the first snapshot file that names them (a plain dump
 * says neither, and this machine is not where it was taken).
 */
export function provenanceOf(snap: Snapshot, version: string, argv: readonly string[]): Provenance {
  const p: Provenance = { tool: { name: "tcpdoc", version }, command: ["tcpdoc", ...argv] };
  const captures: Partial<Capture>[] = [...(snap.capture ? [snap.capture] : []), ...snap.inputs.flatMap((r) => (r.capture ? [r.capture] : []))];
  const host = captures.find((c) => c.host)?.host;
  const time = captures.find((c) => c.time)?.time;
  if (host) p.host = host;
  if (time) p.capturedAt = time;
  return p;
}

/**
 * The analysis the presenters render: the findings at `minSeverity` or
 * worse (the others counted in `hidden`).
 */
export function analysisOf(snap: Snapshot, findings: Finding[], provenance: Provenance, minSeverity: Severity = "info", series?: SeriesDigest): Analysis {
  const shown = findings.filter((f) => severityRank(f.severity) >= severityRank(minSeverity));
  const a: Analysis = { inputs: snap.inputs, summary: summarize(snap), findings: shown, live: snap.live, provenance };
  if (minSeverity !== "info") a.hidden = { below: minSeverity, count: findings.length - shown.length };
  if (snap.live && snap.capture) a.capture = snap.capture;
  if (series) a.series = series;
  return a;
}

/** An input's name for people: "stdin" for "-" (JSON keeps "-"). */
export function inputName(path: string): string {
  return path === "-" ? "stdin" : path;
}

/** The command line as a shell would take it back: words with special characters in single quotes. */
export function commandLine(words: readonly string[]): string {
  return words.map((w) => (/^[\w@%+=:,./-]+$/.test(w) ? w : `'${w.replace(/'/g, `'\\''`)}'`)).join(" ");
}

/** "on web1 at 2024-05-01T10:00:00.000Z", or undefined when neither is known. */
export function capturedWords(c: { host?: string; time?: string }): string | undefined {
  const parts = [c.host ? `on ${c.host}` : "", c.time ? `at ${c.time}` : ""].filter(Boolean);
  return parts.length ? parts.join(" ") : undefined;
}
