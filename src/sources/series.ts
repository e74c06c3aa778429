/**
 * Reading inputs that may hold a series: a recording, several snapshot
 * files, pasted loops (see src/ingest/series.ts for what marks a moment).
 * The first pass reads the inputs into one snapshot exactly as
 * {@link readInputs} does and only notes the lines that mark moments: when
 * they show one moment, that snapshot is the answer, unchanged. When they
 * show several, a second pass reads each moment into its own snapshot,
 * finishes it (finishSnapshot: each moment has its own ledger), summarizes
 * it (`summarize`, the engine's, passed in) and drops it, and reads the
 * last moment of each input, with the inputs that say no time, into the
 * "now" snapshot that carries the series; those last moments are summarized
 * once "now" is finished.
 *
 * Two readers say what moment a line is from: the planner's marks
 * (src/ingest/series.ts), which split an input, and the formats' `date`
 * lines, which give an input its `capturedAt` and mark it a series
 * (InputLedger.series) so finishSnapshot does not merge it. They agree:
 * an input the planner splits is read one moment per report, its pieces
 * dated by the planner; the last one, in "now", is marked a series as the
 * whole input is. An input only the formats date several times (a date the
 * planner does not read) stays one moment, a series to finishSnapshot, as
 * on main.
 */

import { finishSnapshot, Ingestor, inputTallies, REGISTRY } from "../ingest/mod.ts";
import { MarkObserver, MomentSplitter, type Piece, planSeries } from "../ingest/series.ts";
import { buildSeries, type Moment, type MomentSource } from "../model/series.ts";
import { emptySnapshot, type InputReport, LINE_KINDS, type Snapshot, TALLIES_KEEP, UNPARSED_KEEP } from "../model/snapshot.ts";
import { assertUnderstood, bytesAfter, type Progress, readInput, type ReadOptions, stdinCopy, STDIN_KEPT } from "./files.ts";
import { InputError } from "./input_error.ts";
import { warmPages } from "./warm_pages.ts";

/**
 * Summarizes one moment's piece (the engine's `summarizeMoment`), given its
 * counts without rows (`tallies`, per state beyond its rows); `context` is
 * the "now" snapshot.
 */
export type Summarize = (piece: Piece & { tallies: readonly number[] }, context: Snapshot) => Pick<Moment, "sockets" | "counters" | "rates">;

/**
 * Reads the inputs into one snapshot; when they hold several moments, that
 * snapshot is the last moment and carries the series (`snapshot.series`).
 * Throws InputError as readInputs does.
 */
export function readSeries(paths: string[], summarize: Summarize, progress?: Progress, options: ReadOptions = {}): Snapshot {
  // --live FILE...: this machine is the moment; the files join it as always.
  const stdin = paths.includes("-") && !options.into ? stdinCopy() : undefined;
  const first = options.into ?? emptySnapshot();
  const seen = [];
  const after = bytesAfter(paths);
  const cool = warmPages(first.sockets);
  try {
    for (const [k, path] of paths.entries()) {
      const obs = options.into ? undefined : new MarkObserver(path);
      const ing = new Ingestor(first, path, REGISTRY, obs);
      readInput(path, ing, progress, options, stdin, after[k]);
      const r = ing.end();
      if (obs) seen.push({ marks: obs.done(r), lines: r.lines });
    }
  } finally {
    cool();
  }
  finishSnapshot(first);
  assertUnderstood(first);
  const plan = options.into ? undefined : planSeries(seen);
  if (!plan) return first;
  if (stdin?.overflow) {
    throw new InputError("INPUT_TOO_LARGE", "stdin", `holds a series of moments larger than ${STDIN_KEPT >> 20} MiB, too big to read twice from a pipe: save it to a file and give the file`);
  }
  if (stdin) stdin.replay = true;

  const now = emptySnapshot();
  const moments: Moment[] = [];
  const totals = new Map<string, InputReport>();
  const count = new Map<string, number>();
  let finalReport: InputReport | undefined;
  /** The last moments, read into "now": summarized once it is finished. */
  const finals: Piece[] = [];
  const addMoment = (p: Piece) => {
    const r = p.snapshot.inputs[p.input];
    const tallies = inputTallies(p.snapshot, p.input);
    const holds: MomentSource["holds"] = [];
    const rows = p.rowTo - p.rowFrom;
    if (rows > 0) holds.push("sockets");
    else if (tallies.some((n) => n !== 0)) holds.push("tallies");
    if (r.kinds.counter > 0) holds.push("counters");
    const mark = p.segment.mark!;
    moments.push({
      at: mark.time!.at,
      label: mark.label,
      sources: [{ input: p.path, firstLine: p.segment.firstLine, lastLine: p.segment.lastLine, holds }],
      ...summarize({ ...p, tallies }, now),
    });
  };
  const done = (p: Piece) => {
    const r = p.snapshot.inputs[p.input];
    addReport(totals, p.path, r);
    count.set(p.path, (count.get(p.path) ?? 0) + 1);
    if (p.final) {
      finalReport = r;
      finals.push(p);
      return;
    }
    // A moment of its own snapshot: finished alone, summarized, then dropped.
    finishSnapshot(p.snapshot);
    addMoment(p);
  };
  // Inputs that say no time first: their settings (the port range) serve every moment's summary.
  const order = plan.inputs.map((p, i) => ({ p, i })).sort((a, b) => Number(b.p.timeless) - Number(a.p.timeless) || a.i - b.i);
  for (const { p } of order) {
    if (p.timeless) {
      const ing = new Ingestor(now, p.path);
      readInput(p.path, ing, progress, options, stdin);
      ing.end();
      continue;
    }
    const split = new MomentSplitter(p, now, () => emptySnapshot(), done);
    const ing = new Ingestor(split.first(), p.path, REGISTRY, split);
    finalReport = undefined;
    totals.delete(p.path);
    readInput(p.path, ing, progress, options, stdin);
    split.finish(ing.end());
    // The input's report in "now" speaks for the whole input, every moment of
    // it; when and where from, what it merged and whether it is an excerpt
    // stay those of the last moment, which "now" is.
    const whole = totals.get(p.path);
    if (whole && finalReport) {
      const { capturedAt, platform, sample, merged } = finalReport;
      Object.assign(finalReport, whole);
      setOrDelete(finalReport, "capturedAt", capturedAt);
      setOrDelete(finalReport, "platform", platform);
      setOrDelete(finalReport, "sample", sample);
      setOrDelete(finalReport, "merged", merged);
      // An input of several moments is a series: finishSnapshot merges none of its rows with other inputs'.
      const ledger = now.ledger.get(finalReport);
      if (ledger && p.segments.length > 1) ledger.series = true;
    }
  }
  finishSnapshot(now);
  for (const p of finals) {
    // Merging may have dropped rows of "now": the piece's rows are those of its input.
    const t = now.sockets;
    let from = -1, to = -1;
    for (let i = 0; i < t.length; i++) {
      if (t.input[i] !== p.input) continue;
      if (from < 0) from = i;
      to = i + 1;
    }
    p.rowFrom = from < 0 ? 0 : from;
    p.rowTo = from < 0 ? 0 : to;
    addMoment(p);
  }
  now.series = buildSeries(moments, {
    basis: plan.basis,
    inputs: plan.inputs.filter((p) => !p.timeless).map((p) => ({ path: p.path, moments: count.get(p.path) ?? 0 })),
    timeless: plan.inputs.filter((p) => p.timeless).map((p) => p.path),
    notes: plan.notes,
  });
  return now;
}

function setOrDelete<K extends keyof InputReport>(r: InputReport, key: K, value: InputReport[K] | undefined): void {
  if (value === undefined) delete r[key];
  else r[key] = value;
}

/** Adds a piece's report to its input's running totals. */
function addReport(totals: Map<string, InputReport>, path: string, r: InputReport): void {
  const t = totals.get(path);
  if (!t) {
    totals.set(path, { ...r, formats: { ...r.formats }, kinds: { ...r.kinds }, unparsedLines: [...r.unparsedLines], ...(r.tallies ? { tallies: [...r.tallies] } : {}) });
    return;
  }
  for (const x of r.tallies ?? []) {
    t.tallies ??= [];
    if (t.tallies.length < TALLIES_KEEP) t.tallies.push(x);
  }
  if (r.folded) t.folded = (t.folded ?? 0) + r.folded;
  if (r.collapsed) t.collapsed = (t.collapsed ?? 0) + r.collapsed;
  t.lines = Math.max(t.lines, r.lines);
  t.sockets += r.sockets;
  t.unparsed += r.unparsed;
  for (const k of LINE_KINDS) t.kinds[k] += r.kinds[k];
  for (const [f, n] of Object.entries(r.formats)) t.formats[f] = (t.formats[f] ?? 0) + n;
  for (const u of r.unparsedLines) if (t.unparsedLines.length < UNPARSED_KEEP) t.unparsedLines.push(u);
  let best = "none", score = 0;
  for (const [f, n] of Object.entries(t.formats)) if (n > score) [best, score] = [f, n];
  t.format = best;
  if (r.capture) t.capture = r.capture;
}
