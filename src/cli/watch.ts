/**
 * `tcpdoc watch`: this machine every --interval, as a series that grows by
 * one moment a tick (the oldest dropped past WATCH_KEPT): each tick the
 * rules are evaluated on the newest moment with the series behind it, so
 * findings carry their trend figures. On a terminal the screen is redrawn;
 * otherwise, and with --json, one line per tick.
 */

import process from "node:process";
import { Diagnoser, seriesDigest, summarizeMoment } from "../engine/mod.ts";
import { SeriesBuilder } from "../model/series.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { liveSnapshot } from "../sources/mod.ts";
import { analysisOf, provenanceOf } from "../report/analysis.ts";
import { seriesLines, stateBars } from "../report/text.ts";
import { inert } from "../text/inert.ts";
import type { Context } from "./command.ts";
import { EXIT } from "./errors.ts";
import { pause, recordPlan } from "./record.ts";
import { checkedAnswers, loadRules, withoutDisabled } from "./rule_set.ts";
import { detectTerminal } from "./terminal.ts";
import { VERSION } from "./version.ts";

/** Moments a watch keeps (at 2 s, the last 10 minutes). */
export const WATCH_KEPT = 300;

/** One moment of this machine, summarized and added to the series; returns the snapshot carrying it. */
export function tick(builder: SeriesBuilder, snap: Snapshot, at = Date.now()): Snapshot {
  const part = { snapshot: snap, input: -1, rowFrom: 0, rowTo: snap.sockets.length, tallies: snap.tallies };
  builder.add({ at, label: new Date(at).toISOString(), sources: [{ input: "live", firstLine: 0, lastLine: 0, holds: ["sockets", "counters"] }], ...summarizeMoment(part) });
  builder.series.inputs[0].moments = builder.series.moments.length;
  snap.series = builder.series;
  return snap;
}

export async function watchCommand(ctx: Context): Promise<number> {
  const { flags } = ctx;
  const { every, count } = recordPlan({ interval: flags.interval ?? "2s", count: flags.count, for: flags.for });
  const set = await loadRules(flags, ctx.env);
  const rules = withoutDisabled(set, flags.disable);
  const answers = checkedAnswers(flags.answer, set, ctx.configAnswers);
  const json = flags.json || flags.format === "json" || !process.stdout.isTTY;
  const term = detectTerminal(flags.noColor, flags.color, ctx.env);
  const builder = new SeriesBuilder({ basis: "absolute", inputs: [{ path: "live", moments: 0 }], timeless: [], notes: [] }, WATCH_KEPT);
  let stop = false;
  const onSignal = () => void (stop = true);
  process.on("SIGINT", onSignal);
  try {
    for (let i = 0; i < count && !stop; i++) {
      const started = Date.now();
      const snap = tick(builder, liveSnapshot({ owners: !flags.noOwners }), started);
      const diagnosis = await new Diagnoser(snap, rules).run(answers);
      const digest = seriesDigest(snap);
      const a = analysisOf(snap, diagnosis, provenanceOf(snap, VERSION, ctx.argv), flags.minSeverity, { series: digest });
      if (json) {
        const { points: _points, ...series } = digest ?? {};
        process.stdout.write(JSON.stringify({
          at: new Date(started).toISOString(),
          sockets: a.summary.sockets,
          states: a.summary.states,
          series,
          findings: a.findings.map((f) => ({ rule: f.rule, severity: f.severity, title: f.title, figures: f.evidence.figures })),
        }) + "\n");
      } else {
        const width = term.width;
        const out = [`tcpdoc watch: this machine every ${every / 1000} s (Ctrl-C ends)`, "", `TCP sockets: ${a.summary.sockets}`, ...stateBars(a, width)];
        if (digest) out.push("", ...seriesLines(digest, width, term.color));
        out.push("", a.findings.length ? `Findings (${a.findings.length}):` : "No findings.");
        for (const f of a.findings) out.push(`  ${f.severity.toUpperCase().padEnd(9)}${inert(f.title)} [${f.rule}]`);
        process.stdout.write(`\x1b[H\x1b[2J${out.join("\n")}\n`);
      }
      if (i + 1 < count) await pause(every - (Date.now() - started), () => stop);
    }
  } finally {
    process.off("SIGINT", onSignal);
  }
  return EXIT.ok;
}
