/**
 * Reading inputs that may hold a series: a recording, several snapshot
 * files, pasted loops (see src/ingest/series.ts for what marks a moment).
 * The first pass reads the inputs into one snapshot exactly as
 * {@link readInputs} does and only notes the lines that mark moments: when
 * they show one moment, that snapshot is the answer, unchanged. When they
 * show several, a second pass reads each moment into its own snapshot,
 * summarizes it (`summarize`, the engine's, passed in) and drops it, and
 * reads the last moment of each input, with the inputs that say no time,
 * into the "now" snapshot that carries the series.
 */

import { Ingestor, REGISTRY } from "../ingest/mod.ts";
import { MarkObserver, MomentSplitter, type Piece, planSeries } from "../ingest/series.ts";
import { buildSeries, type Moment, type MomentSource } from "../model/series.ts";
import { emptySnapshot, type InputReport, LINE_KINDS, type Snapshot, UNPARSED_KEEP } from "../model/snapshot.ts";
import { assertUnderstood, type Progress, readInput, type ReadOptions, stdinCopy, STDIN_KEPT } from "./files.ts";
import { InputError } from "./input_error.ts";

/** Summarizes one moment's piece (the engine's `summarizeMoment`); `context` is the "now" snapshot. */
export type Summarize = (piece: Piece, context: Snapshot) => Pick<Moment, "sockets" | "counters" | "rates">;

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
  for (const path of paths) {
    const obs = options.into ? undefined : new MarkObserver(path);
    const ing = new Ingestor(first, path, REGISTRY, obs);
    readInput(path, ing, progress, options, stdin);
    const r = ing.end();
    if (obs) seen.push({ marks: obs.done(r), lines: r.lines });
  }
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
  const done = (p: Piece) => {
    const r = p.snapshot.inputs[p.input];
    addReport(totals, p.path, r);
    if (p.final) finalReport = r;
    const holds: MomentSource["holds"] = [];
    const rows = p.rowTo - p.rowFrom;
    if (rows > 0) holds.push("sockets");
    else if (p.snapshot.tallies.some((n, i) => n !== p.talliesBefore[i])) holds.push("tallies");
    if (r.kinds.counter > 0) holds.push("counters");
    const mark = p.segment.mark!;
    moments.push({
      at: mark.time!.at,
      label: mark.label,
      sources: [{ input: p.path, firstLine: p.segment.firstLine, lastLine: p.segment.lastLine, holds }],
      ...summarize(p, now),
    });
    count.set(p.path, (count.get(p.path) ?? 0) + 1);
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
    // The input's report in "now" speaks for the whole input, every moment of it.
    const whole = totals.get(p.path);
    if (whole && finalReport) Object.assign(finalReport, whole);
  }
  now.series = buildSeries(moments, {
    basis: plan.basis,
    inputs: plan.inputs.filter((p) => !p.timeless).map((p) => ({ path: p.path, moments: count.get(p.path) ?? 0 })),
    timeless: plan.inputs.filter((p) => p.timeless).map((p) => p.path),
    notes: plan.notes,
  });
  return now;
}

/** Adds a piece's report to its input's running totals. */
function addReport(totals: Map<string, InputReport>, path: string, r: InputReport): void {
  const t = totals.get(path);
  if (!t) {
    totals.set(path, { ...r, formats: { ...r.formats }, kinds: { ...r.kinds }, unparsedLines: [...r.unparsedLines] });
    return;
  }
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
