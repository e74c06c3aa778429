/**
 * `tcpdoc export --prometheus [FILE...] [-o FILE]`: this machine (or the
 * files given, or every network namespace with --all-netns) as the
 * Prometheus text format for node_exporter's textfile collector, written
 * whole and put in place (src/cli/output.ts), so the collector never reads
 * half a file.
 */

import * as fs from "node:fs";
import { counterRates } from "../ingest/counter_series.ts";
import { DEFAULT_TOP, type PrometheusTarget, renderPrometheus } from "../report/prometheus.ts";
import { liveSnapshot } from "../sources/mod.ts";
import { inert } from "../text/inert.ts";
import { parseSize } from "./analyze.ts";
import type { Context } from "./command.ts";
import { EXIT, UsageError } from "./errors.ts";
import { readsLive } from "./live_ahead.ts";
import { writeOutput } from "./output.ts";
import { readWithProgress } from "./progress.ts";
import { checkedAnswers, evaluate, loadRules, withoutDisabled } from "./rule_set.ts";

/** Files bigger than this are not scanned for a counter series (a series is small; a big dump is not one). */
const SERIES_SCAN_MAX = 64 << 20;

/** --top N: a whole number from 1 to 1000. */
export function topOption(given: string | undefined): number {
  if (given === undefined) return DEFAULT_TOP;
  const n = Number(given);
  if (!Number.isInteger(n) || n < 1 || n > 1000) throw new UsageError(`--top takes a whole number from 1 to 1000, not "${inert(given)}"`);
  return n;
}

/** Counter rates from the files given that hold a timestamped series. */
function ratesOf(files: readonly string[]): Map<string, { rate: number }> {
  const out = new Map<string, { rate: number }>();
  for (const f of files) {
    if (f === "-") continue;
    try {
      if (fs.statSync(f).size > SERIES_SCAN_MAX) continue;
      for (const [k, v] of counterRates(fs.readFileSync(f, "utf8"))) out.set(k, v);
    } catch {
      // the snapshot's own read has reported an unreadable file already
    }
  }
  return out;
}

export async function exportCommand(ctx: Context): Promise<number> {
  const { flags } = ctx;
  if (!flags.prometheus) throw new UsageError("tcpdoc export writes one format so far: give --prometheus");
  const top = topOption(flags.top);
  const set = withoutDisabled(await loadRules(flags, ctx.env), flags.disable);
  const answers = checkedAnswers(flags.answer, set, ctx.configAnswers);
  let targets: PrometheusTarget[];
  if (flags.allNetns) {
    if (ctx.positionals.length) throw new UsageError("--all-netns reads this machine's namespaces: give no FILE");
    const { namespaceSnapshots } = await import("../sources/netns.ts");
    targets = [];
    for (const ns of namespaceSnapshots({ owners: !flags.noOwners, ...(flags.procRoot ? { proc: flags.procRoot } : {}) })) {
      targets.push({ labels: ns.labels, snap: ns.snap, findings: (await evaluate(ns.snap, set, answers)).findings });
    }
  } else {
    const files = ctx.positionals;
    const max = flags.maxInput === undefined ? undefined : parseSize(flags.maxInput);
    const snap = readsLive(ctx) ? liveSnapshot({ owners: !flags.noOwners }) : readWithProgress(files, undefined, max);
    targets = [{ labels: {}, snap, findings: (await evaluate(snap, set, answers)).findings, rates: ratesOf(files) }];
  }
  writeOutput(renderPrometheus(targets, top), flags.output, { force: flags.force, mode: 0o644, exitCode: EXIT.ok });
  return EXIT.ok;
}
