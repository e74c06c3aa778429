/**
 * `rates`: kernel counters as rates over a series (per-second deltas
 * between snapshots, counter resets handled), so a rule can tell a counter
 * that moves now from one that only carries an old total since boot.
 */

import type { Series } from "../../model/series.ts";
import { round4 } from "./_scan.ts";
import { ONE_SNAPSHOT, round2, seriesOf } from "./_time.ts";
import { counterValues, WELL_KNOWN_COUNTERS } from "./counters.ts";
import type { Fact, FactValue } from "./fact.ts";
import { stepsText } from "./fact.ts";

/** One counter's rate. */
export interface Rate {
  /** Snapshots that carry the counter. */
  samples: number;
  /** Seconds from the first of them to the last. */
  seconds: number;
  /** The increase over those seconds (resets handled); null with fewer than two samples. */
  delta: number | null;
  perSecond: number | null;
  perMinute: number | null;
  /** The rate between the last two samples, per second. */
  lastPerSecond: number | null;
  /** Times it went down (a reboot, a new namespace, a wrap): counted from 0 again after each. */
  resets: number;
  /** It increased between the snapshots: it moves now. */
  rising: boolean;
  /** At two samples or more it did not move: what it holds is an old total. */
  flat: boolean;
  /**
   * What may be recent of it: its increase over the snapshots when at least
   * two carry it, else its value now (a total since boot, which may be old,
   * as the `counters` fact reads it); undefined when no input carries it.
   */
  recent?: number;
}

// sar reports some counters as rates itself (sar -n TCP, ETCP): their nstat names.
const SAR_RATES: Readonly<Record<string, string>> = {
  "sar.retrans/s": "TcpRetransSegs",
  "sar.oseg/s": "TcpOutSegs",
  "sar.iseg/s": "TcpInSegs",
  "sar.active/s": "TcpActiveOpens",
  "sar.passive/s": "TcpPassiveOpens",
  "sar.atmptf/s": "TcpAttemptFails",
  "sar.estres/s": "TcpEstabResets",
  "sar.orsts/s": "TcpOutRsts",
  "sar.isegerr/s": "TcpInErrs",
};

/**
 * One counter's samples as read in order, without keeping them: a watch
 * computes the rates every tick over all the moments it keeps (300), each
 * carrying some hundreds of counters.
 */
class Samples {
  n = 0;
  firstAt = 0;
  lastAt = 0;
  last = 0;
  /** The sample before the last. */
  prevAt = 0;
  prev = 0;
  /** Increases summed (after a reset, the value itself: counted from 0 again). */
  delta = 0;
  resets = 0;
  /** The values summed (sar's rates). */
  sum = 0;

  add(at: number, v: number): void {
    if (this.n === 0) this.firstAt = at;
    else {
      const d = v - this.last;
      if (d < 0) {
        this.resets++;
        this.delta += v;
      } else this.delta += d;
    }
    this.prevAt = this.lastAt, this.prev = this.last;
    this.lastAt = at, this.last = v;
    this.sum += v;
    this.n++;
  }
}

/** Each name's samples over the moments' `counters` (or their `rates`). */
function samplesOf(series: Series, which: "counters" | "rates"): Map<string, Samples> {
  const out = new Map<string, Samples>();
  let at = 0;
  // forEach, not for-of: no [name, value] array per entry (300 moments of some hundreds of counters a tick)
  const add = (v: number, name: string) => {
    let s = out.get(name);
    if (!s) out.set(name, s = new Samples());
    s.add(at, v);
  };
  for (const m of series.moments) {
    at = m.at;
    m[which].forEach(add);
  }
  return out;
}

/** The rates the snapshot's series gives, by counter name (and sar's rate columns under their own names). */
export function ratesOf(series: Series): Record<string, Rate> {
  const out: Record<string, Rate> = {};
  for (const [name, s] of samplesOf(series, "counters")) out[name] = rateOf(s);
  // sar's own rates: their mean over the rows, for counters no snapshot carries.
  for (const [name, s] of samplesOf(series, "rates")) {
    const r = meanRate(s);
    out[name] = r;
    const nstat = SAR_RATES[name];
    if (nstat && (!out[nstat] || out[nstat].samples < 2)) out[nstat] = r;
  }
  return out;
}

function rateOf(s: Samples): Rate {
  const n = s.n;
  if (n < 2) return unknownRate(n);
  const delta = s.delta;
  const seconds = (s.lastAt - s.firstAt) / 1000;
  const lastStep = (s.lastAt - s.prevAt) / 1000;
  const lastDelta = s.last >= s.prev ? s.last - s.prev : s.last;
  const perSecond = seconds > 0 ? delta / seconds : null;
  return {
    samples: n,
    seconds: round2(seconds),
    delta,
    perSecond: perSecond === null ? null : round4(perSecond),
    perMinute: perSecond === null ? null : round2(perSecond * 60),
    lastPerSecond: lastStep > 0 ? round4(lastDelta / lastStep) : null,
    resets: s.resets,
    rising: delta > 0,
    flat: delta === 0,
    recent: delta,
  };
}

/** A rate stated per second at each sample (sar): the mean of the samples. */
function meanRate(s: Samples): Rate {
  const n = s.n;
  const mean = s.sum / n;
  const seconds = n > 1 ? (s.lastAt - s.firstAt) / 1000 : 0;
  return {
    samples: n,
    seconds: round2(seconds),
    delta: n > 1 ? Math.round(mean * seconds) : null,
    perSecond: round4(mean),
    perMinute: round2(mean * 60),
    lastPerSecond: round4(s.last),
    resets: 0,
    rising: mean > 0,
    flat: n > 1 && mean === 0,
    ...(n > 1 ? { recent: Math.round(mean * seconds) } : {}),
  };
}

function unknownRate(samples: number): Rate {
  return { samples, seconds: 0, delta: null, perSecond: null, perMinute: null, lastPerSecond: null, resets: 0, rising: false, flat: false };
}

const FIELDS: Readonly<Record<string, string>> = {
  samples: "snapshots carrying",
  seconds: "seconds spanned by the snapshots of",
  delta: "increase over the snapshots of",
  perSecond: "rate per second of",
  perMinute: "rate per minute of",
  lastPerSecond: "latest rate per second of",
  resets: "resets of",
  rising: "increase now of",
  flat: "no movement over the snapshots of",
};

export const rates: Fact = {
  spec: {
    id: "rates",
    summary: "Kernel counters as rates over a series of snapshots: the increase per second between the first and the last snapshot that carry the counter (a counter that went down was reset, and counts from 0 again), whether it rises now, and whether it stayed flat (what it holds is an old total since boot). sar's per-second columns count as their nstat counters (retrans/s as TcpRetransSegs). On one snapshot every well-known counter reads `samples` 0 or 1, null rates, and neither rising nor flat.",
    params: [],
    type: "object",
    paths: [
      { path: "$.moments", type: "number", help: "snapshots that carry counters (1 for a single snapshot)" },
      { path: "$.retransmitShare", type: "number", nullable: true, help: "retransmitted segments as a share of the segments sent over the series (TcpRetransSegs / TcpOutSegs increases)" },
      { path: "$.<COUNTER>.samples", type: "number", help: "snapshots carrying the counter" },
      { path: "$.<COUNTER>.seconds", type: "number", help: "seconds from the first of them to the last" },
      { path: "$.<COUNTER>.delta", type: "number", nullable: true, help: "its increase over them (null with fewer than two)" },
      { path: "$.<COUNTER>.perSecond", type: "number", nullable: true, help: "delta / seconds" },
      { path: "$.<COUNTER>.perMinute", type: "number", nullable: true, help: "delta per minute" },
      { path: "$.<COUNTER>.lastPerSecond", type: "number", nullable: true, help: "the rate between the last two snapshots" },
      { path: "$.<COUNTER>.resets", type: "number", help: "times it went down (counted from 0 again)" },
      { path: "$.<COUNTER>.rising", type: "boolean", help: "it increased between the snapshots: it moves now" },
      { path: "$.<COUNTER>.flat", type: "boolean", help: "at two snapshots or more it did not move: an old total" },
      { path: "$.<COUNTER>.recent", type: "number", help: "what may be recent of it: its increase over the snapshots when two or more carry it (0 for an old total), else its value now, a total since boot read as the `counters` fact reads it (undefined when no input carries it)" },
    ],
    unknown: "A counter no snapshot carries is undefined, except the well-known ones (TcpExtListenOverflows, ...), which always read: with fewer than two samples their rates are null and `rising` and `flat` false. `recent` is undefined (unknown) exactly when the `counters` fact's value is.",
    example: "{ fact: rates, path: $.TcpExtListenOverflows.rising, operator: equal, value: true }",
  },
  masked: false,
  compute({ scan }): FactValue {
    const series = seriesOf(scan);
    const out: Record<string, unknown> = {};
    let moments = 1;
    if (series) {
      Object.assign(out, ratesOf(series));
      moments = series.moments.filter((m) => m.counters.size > 0 || m.rates.size > 0).length;
    } else {
      for (const [name] of scan.snap.counters) out[name] = unknownRate(1);
    }
    for (const k of WELL_KNOWN_COUNTERS) if (!Object.hasOwn(out, k)) out[k] = unknownRate(0);
    // With fewer than two samples, what may be recent is the total now (it may be old).
    const now = counterValues(scan);
    for (const [k, r] of Object.entries(out) as [string, Rate][]) {
      if (r.samples < 2 && Object.hasOwn(now, k)) out[k] = { ...r, recent: now[k] };
    }
    const r = out.TcpRetransSegs as Rate, s = out.TcpOutSegs as Rate | undefined;
    out.retransmitShare = s && s.delta && r.delta !== null ? round4(r.delta / s.delta) : null;
    out.moments = moments;
    return { value: out };
  },
  words(_p, steps) {
    const field = steps[steps.length - 1];
    if (steps.length === 1 && field === "retransmitShare") return "retransmitted share of the segments sent, over time";
    if (steps.length === 1 && field === "moments") return "snapshots carrying counters";
    const name = stepsText(steps.slice(0, -1));
    // What may be recent reads, on one snapshot, as the counter itself (the `counters` fact's words).
    if (field === "recent") return `kernel counter ${name}`;
    return `${typeof field === "string" && Object.hasOwn(FIELDS, field) ? FIELDS[field] : `${String(field)} of`} kernel counter ${name}`;
  },
  whyUnknown: (tail) => /\.recent$/.test(tail)
    ? `counter ${tail.split(".")[0]} is not in the inputs (add the output of nstat -az)`
    : /retransmitShare/.test(tail) ? `TcpRetransSegs and TcpOutSegs over time are not in the inputs (${ONE_SNAPSHOT})` : `counter ${tail.split(".")[0]} is not in the inputs over time (${ONE_SNAPSHOT})`,
};
