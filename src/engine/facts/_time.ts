/**
 * What the time facts (trend, persistence, rates, exhaustion) share: the
 * series of the snapshot, a least-squares line through points, and how a
 * count's course reads (rising, falling, flat). Private to the facts.
 */

import type { Moment, Series } from "../../model/series.ts";
import type { TableScan } from "./_scan.ts";
import { round4 } from "./_scan.ts";

/** What a rule on one snapshot asks for when it needs time. */
export const ONE_SNAPSHOT =
  "one snapshot cannot tell how this changes: take another in 60 s (tcpdoc record --count 2 --interval 60s -o series.tcpdoc), or give several";

/** The series the snapshot is the last moment of, if any. */
export function seriesOf(scan: TableScan): Series | undefined {
  return scan.snap.series;
}

/** A point of a count over time: seconds since the series' first moment, and the count. */
export interface Point {
  t: number;
  y: number;
}

/** The least-squares line through points: slope per second, value at t = 0, and how well it fits (r², 1 when every point is on it). */
export function fit(ps: readonly Point[]): { slope: number; intercept: number; r2: number } {
  const n = ps.length;
  if (n === 0) return { slope: 0, intercept: 0, r2: 0 };
  let st = 0, sy = 0;
  for (const p of ps) st += p.t, sy += p.y;
  const mt = st / n, my = sy / n;
  let stt = 0, sty = 0, syy = 0;
  for (const p of ps) {
    stt += (p.t - mt) ** 2;
    sty += (p.t - mt) * (p.y - my);
    syy += (p.y - my) ** 2;
  }
  const slope = stt === 0 ? 0 : sty / stt;
  const r2 = syy === 0 ? 1 : stt === 0 ? 0 : (sty * sty) / (stt * syy);
  return { slope, intercept: my - slope * mt, r2 };
}

/** How a count went over the series. */
export interface Course {
  /** Moments the count is known at. */
  moments: number;
  /** Seconds from the first of them to the last. */
  seconds: number;
  first: number;
  last: number;
  min: number;
  max: number;
  /** last - first. */
  delta: number;
  /** The least-squares slope, per minute (null with fewer than two moments). */
  perMinute: number | null;
  /** delta / first (delta itself when first is 0); null with fewer than two moments. */
  growth: number | null;
  /** It grew: by at least 2 and a tenth of where it started, along a rising line. */
  rising: boolean;
  /** It shrank by as much. */
  falling: boolean;
  /** Known at two moments or more, and neither rising nor falling. */
  flat: boolean;
  /** When falling: seconds from the last moment until none are left at the slope; else null. */
  emptyIn: number | null;
}

/** The course of a count from its points (one point: moments 1, nothing rising, falling or flat). */
export function courseOf(ps: readonly Point[]): Course {
  const ys = ps.map((p) => p.y);
  const first = ys[0] ?? 0, last = ys[ys.length - 1] ?? 0;
  const delta = last - first;
  const slope = ps.length > 1 ? fit(ps).slope : 0;
  const enough = Math.max(2, 0.1 * Math.max(first, 1));
  const rising = ps.length > 1 && delta >= enough && slope > 0;
  const falling = ps.length > 1 && -delta >= enough && slope < 0;
  return {
    moments: ps.length,
    seconds: ps.length > 1 ? round2(ps[ps.length - 1].t - ps[0].t) : 0,
    first,
    last,
    min: ys.length ? Math.min(...ys) : 0,
    max: ys.length ? Math.max(...ys) : 0,
    delta,
    perMinute: ps.length > 1 ? round2(slope * 60) : null,
    growth: ps.length > 1 ? round4(first === 0 ? delta : delta / first) : null,
    rising,
    falling,
    flat: ps.length > 1 && !rising && !falling,
    emptyIn: falling && last > 0 ? round2(last / -slope) : falling ? 0 : null,
  };
}

/** Points of a quantity over the moments that carry it (`read` gives undefined where it is not known). */
export function pointsOf(series: Series, read: (m: Moment) => number | undefined): Point[] {
  const out: Point[] = [];
  const t0 = series.moments[0]?.at ?? 0;
  for (const m of series.moments) {
    const y = read(m);
    if (y !== undefined) out.push({ t: (m.at - t0) / 1000, y });
  }
  return out;
}

export function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
