/** What every presenter renders: the snapshot's summary, the findings and where the report came from. */

import type { Diagnosis, ErrorFocus, NearMiss, SeriesDigest } from "../engine/mod.ts";
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
  /** The platform the reports show checks and fixes for ("bsd": macOS or FreeBSD); all of them when undefined. */
  platform?: Platform | "bsd";
  /** The error the user named (--error) and what explains it. */
  error?: ErrorFocus;
  /** Rules that did not fire though some conditions held (--verbose). */
  nearMisses?: NearMiss[];
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
 * worse (the others counted in `hidden`), the platform, the error's focus,
 * and with `verbose` the near misses.
 */
export function analysisOf(
  snap: Snapshot,
  d: Diagnosis | Finding[],
  provenance: Provenance,
  minSeverity: Severity = "info",
  o: { verbose?: boolean; series?: SeriesDigest } = {},
): Analysis {
  const diagnosis: Diagnosis = Array.isArray(d) ? { findings: d, platform: undefined, nearMisses: [] } : d;
  const findings = diagnosis.findings;
  const shown = findings.filter((f) => severityRank(f.severity) >= severityRank(minSeverity));
  const a: Analysis = { inputs: snap.inputs, summary: summarize(snap), findings: shown, live: snap.live, provenance };
  if (minSeverity !== "info") a.hidden = { below: minSeverity, count: findings.length - shown.length };
  if (diagnosis.platform) a.platform = diagnosis.platform;
  if (diagnosis.error) a.error = diagnosis.error;
  if (o.verbose) a.nearMisses = diagnosis.nearMisses;
  if (snap.live && snap.capture) a.capture = snap.capture;
  if (o.series) a.series = o.series;
  return a;
}

/**
 * The findings in the order reports show them: each finding that no other
 * explains, followed by those it explains (and theirs), with their depth.
 */
export function foldedFindings(findings: readonly Finding[]): { finding: Finding; depth: number }[] {
  const shown = new Set(findings.map((f) => f.rule));
  const under = new Map<string, Finding[]>();
  const roots: Finding[] = [];
  for (const f of findings) {
    const parent = f.explainedBy?.rule;
    if (parent && shown.has(parent) && parent !== f.rule) under.set(parent, [...(under.get(parent) ?? []), f]);
    else roots.push(f);
  }
  const out: { finding: Finding; depth: number }[] = [];
  const seen = new Set<string>();
  const visit = (f: Finding, depth: number) => {
    if (seen.has(f.rule)) return;
    seen.add(f.rule);
    out.push({ finding: f, depth });
    for (const c of under.get(f.rule) ?? []) visit(c, depth + 1);
  };
  for (const f of roots) visit(f, 0);
  // a circle no root reaches: show the rest as roots
  for (const f of findings) visit(f, 0);
  return out;
}

/** Whether a check or fix for `platforms` is shown for a report on `platform`. */
export function shownOn(platforms: readonly string[] | undefined, platform: Analysis["platform"]): boolean {
  if (!platforms || platforms.length === 0 || platform === undefined) return true;
  if (platform === "bsd") return platforms.includes("macos") || platforms.includes("freebsd");
  return platforms.includes(platform);
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
