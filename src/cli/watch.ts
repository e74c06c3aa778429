/**
 * `tcpdoc watch`: this machine every --interval, as a series that grows by
 * one moment a tick (the oldest dropped past WATCH_KEPT): each tick the
 * rules are evaluated on the newest moment with the series behind it, so
 * findings carry their trend figures. On a terminal the watch screen
 * (src/ui/watch_app.tsx, loaded lazily) shows it with keys, and what was
 * seen is kept as a recording (the `tcpdoc record` format) for `e` to
 * export; otherwise, and with --json, one line per tick.
 */

import process from "node:process";
import { Diagnoser, seriesDigest, summarizeMoment } from "../engine/mod.ts";
import type { Finding } from "../model/finding.ts";
import { SeriesBuilder } from "../model/series.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { captureText, liveSnapshot, liveSnapshotAndCapture, OwnerCache, type RawCapture, renderSnapshotFile } from "../sources/mod.ts";
import { analysisOf, provenanceOf } from "../report/analysis.ts";
import type { Context } from "./command.ts";
import { EXIT } from "./errors.ts";
import { checkedAnswers, loadRules, withoutDisabled } from "./rule_set.ts";
import { detectTerminal } from "./terminal.ts";
import { loadUi } from "../ui/load.ts";
import { recordPlan, Ticker } from "./ticks.ts";
import { VERSION } from "./version.ts";

/** Moments a watch keeps (at 2 s, the last 10 minutes). */
export const WATCH_KEPT = 300;

/**
 * Most bytes of recording a watch keeps for export (the newest ticks; at
 * 100k sockets a tick is about 15 MB of /proc text, so a few ticks).
 */
export const RECORDING_BYTES = 64 * 1024 * 1024;

/** The room of a reused recording piece: the most a /proc read hands on at a time (src/sources/proc_file.ts). */
const ROOM = 1 << 16;

/** One moment of this machine, summarized and added to the series; returns the snapshot carrying it. */
export function tick(builder: SeriesBuilder, snap: Snapshot, at = Date.now()): Snapshot {
  const part = { snapshot: snap, input: -1, rowFrom: 0, rowTo: snap.sockets.length, tallies: snap.tallies };
  builder.add({ at, label: new Date(at).toISOString(), sources: [{ input: "live", firstLine: 0, lastLine: 0, holds: ["sockets", "counters"] }], ...summarizeMoment(part) });
  builder.series.inputs[0].moments = builder.series.moments.length;
  snap.series = builder.series;
  return snap;
}

/**
 * What the ticks read, newest kept within a byte budget: what `e` exports.
 * Kept as the bytes read; the snapshot files are written only on export.
 */
export class Recording {
  #ticks: RawCapture[] = [];
  #bytes = 0;
  #dropped = 0;
  /** Room of the pieces of dropped ticks, ROOM bytes each, for the next ticks' copies. */
  readonly #free: ArrayBuffer[] = [];
  constructor(readonly budget = RECORDING_BYTES, readonly kept = WATCH_KEPT, readonly version = VERSION) {}

  /**
   * A copy of a piece read, for the next tick added: a piece of more than
   * half of ROOM goes into the room of a dropped tick's piece when there is
   * one, so a full recording takes no new memory each tick (at 100k sockets
   * some 15 MB, which the collector would otherwise reclaim every tick).
   */
  readonly copy = (bytes: Uint8Array): Uint8Array => {
    if (bytes.length <= ROOM / 2 || bytes.length > ROOM) return bytes.slice();
    const out = new Uint8Array(this.#free.pop() ?? new ArrayBuffer(ROOM), 0, bytes.length);
    out.set(bytes);
    return out;
  };

  add(tick: RawCapture): void {
    this.#ticks.push(tick);
    this.#bytes += sizeOf(tick);
    // Room is kept for as many pieces as this tick took: a host whose table shrank frees the rest.
    const rooms = (c: RawCapture) => c.sources.flatMap((s) => s.pieces.filter((p) => p.buffer.byteLength === ROOM && p.byteOffset === 0));
    const need = rooms(tick).length;
    while (this.#ticks.length > 1 && (this.#bytes > this.budget || this.#ticks.length > this.kept)) {
      const old = this.#ticks.shift()!;
      this.#bytes -= sizeOf(old);
      this.#dropped++;
      for (const p of rooms(old)) if (this.#free.length < need) this.#free.push(p.buffer as ArrayBuffer);
    }
  }
  /** The recording: snapshot files one after the other, as `tcpdoc record` appends them. */
  text(): string {
    return this.#ticks.map((t) => renderSnapshotFile(captureText(t), this.version)).join("");
  }
  get ticks(): number {
    return this.#ticks.length;
  }
  /** Older ticks left out to stay within the budget. */
  get dropped(): number {
    return this.#dropped;
  }
}

function sizeOf(c: RawCapture): number {
  let n = 0;
  for (const s of c.sources) for (const p of s.pieces) n += p.length;
  return n;
}

export async function watchCommand(ctx: Context): Promise<number> {
  const { flags } = ctx;
  const ticker = new Ticker(recordPlan(flags, "2s"));
  const set = await loadRules(flags, ctx.env);
  const rules = withoutDisabled(set, flags.disable);
  const answers = checkedAnswers(flags.answer, set, ctx.configAnswers);
  const json = flags.json || flags.format === "json" || !process.stdout.isTTY;
  const term = detectTerminal(flags.noColor, flags.color, ctx.env);
  const builder = new SeriesBuilder({ basis: "absolute", inputs: [{ path: "live", moments: 0 }], timeless: [], notes: [] }, WATCH_KEPT);
  const owners = !flags.noOwners;
  // Each tick reads again only the fds the last one had not seen (at 100k sockets the full scan is most of a tick).
  const ownerCache = new OwnerCache();
  // The last tick's socket count: the next table is sized for it.
  let rows = 0;

  const analyze = async (snap: Snapshot, given: Record<string, string>) => {
    const diagnoser = new Diagnoser(snap, rules);
    const diagnosis = await diagnoser.run(given);
    // The digest reads the facts the rules computed (trend, persistence, rates, exhaustion) rather than computing them again.
    const digest = seriesDigest(snap, diagnoser.facts);
    return { digest, a: analysisOf(snap, diagnosis, provenanceOf(snap, VERSION, ctx.argv), flags.minSeverity, { series: digest }) };
  };

  const jsonLines = () =>
    ticker.run(async (_i, started) => {
      const snap = tick(builder, liveSnapshot({ owners, ownerCache, thread: false, rows }), started);
      rows = snap.sockets.length;
      const { digest, a } = await analyze(snap, answers);
      const { points: _points, ...series } = digest ?? {};
      process.stdout.write(JSON.stringify({
        at: new Date(started).toISOString(),
        sockets: a.summary.sockets,
        states: a.summary.states,
        series,
        findings: a.findings.map((f) => ({ rule: f.rule, severity: f.severity, title: f.title, figures: f.evidence.figures })),
      }) + "\n");
    });
  if (json) {
    await jsonLines();
    return EXIT.ok;
  }

  const { runWatchSession } = await loadUi();
  const recording = new Recording();
  let before: Finding[] | undefined;
  const shown = await runWatchSession({
    every: ticker.every,
    color: term.color,
    control: { pause: (on) => ticker.pause(on), step: (dir) => ticker.step(dir) },
    diagnose: async (snap, given) => (await analyze(snap, { ...answers, ...given })).a.findings,
    command: { version: VERSION, argv: ctx.argv },
    recording: () => recording.text(),
    stop: () => ticker.stop(),
    run: (show) =>
      ticker.run(async (i, started) => {
        const { snap, capture } = liveSnapshotAndCapture({ owners, ownerCache, thread: false, rows, copy: recording.copy });
        rows = snap.sockets.length;
        recording.add(capture);
        tick(builder, snap, started);
        const { digest, a } = await analyze(snap, answers);
        show({ n: i + 1, at: started, snap, findings: a.findings, before, digest });
        before = a.findings;
      }),
  });
  // No keyboard to steer the screen (stdout a terminal, stdin not, no /dev/tty): the lines.
  if (!shown) await jsonLines();
  return EXIT.ok;
}
