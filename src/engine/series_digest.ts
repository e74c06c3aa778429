/**
 * What reports and the watch screen show of a series, read from the time
 * facts (trend, persistence, rates, exhaustion) so that a report says what
 * the rules see: per state the course and whether the sockets stay, the
 * counters that move, the limits that run out, and the counts at each
 * moment.
 */

import { type Moment, momentTime, type Series, spanSeconds } from "../model/series.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { STATES, type StateName } from "../model/states.ts";
import { FactContext } from "./facts/context.ts";
import { WELL_KNOWN_COUNTERS } from "./facts/counters.ts";
import type { Budget } from "./facts/exhaustion.ts";
import type { Rate } from "./facts/rates.ts";
import type { Course } from "./facts/_time.ts";

/** One state over the series. */
export interface StateDigest {
  state: StateName;
  first: number;
  last: number;
  min: number;
  max: number;
  perMinute: number;
  course: "rising" | "falling" | "flat";
  /** From socket tables: whether the same sockets stay. */
  persistence?: { same: boolean; rotating: boolean; stayed: number; left: number; joined: number; fromFirst: number; oldest: number; median: number };
}

/** A series as reports show it. */
export interface SeriesDigest {
  basis: Series["basis"];
  moments: number;
  from: string;
  to: string;
  seconds: number;
  /** The usual time between two moments, in seconds (the median step). */
  interval: number | null;
  inputs: Series["inputs"];
  timeless: string[];
  notes: string[];
  /** The states seen at any moment, in state order. */
  states: StateDigest[];
  /** Well-known counters carried at two moments or more. */
  counters: ({ name: string; now: number | null } & Pick<Rate, "perSecond" | "perMinute" | "delta" | "seconds" | "rising" | "flat" | "resets">)[];
  /** Limits the inputs give, with how close they are and when they run out at the rate seen. */
  limits: ({ what: "ports" | "timeWait" | "orphans" | "descriptors" } & Budget)[];
  /** The counts at each moment that has a socket table or counts. */
  points: { at: string; sockets: number; states: Partial<Record<StateName, number>> }[];
}

function median(xs: number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor((s.length - 1) / 2)];
}

/** The digest of the snapshot's series; undefined for a single snapshot. */
export function seriesDigest(snap: Snapshot, facts: FactContext = new FactContext(snap)): SeriesDigest | undefined {
  const s = snap.series;
  if (!s || s.moments.length === 0) return undefined;
  const m = s.moments;
  const steps: number[] = [];
  for (let i = 1; i < m.length; i++) steps.push((m[i].at - m[i - 1].at) / 1000);
  const counted = m.filter((x) => x.sockets);
  const seen = new Set<number>();
  for (const x of counted) x.sockets!.states.forEach((n, id) => id > 0 && n > 0 && seen.add(id));
  const get = (fact: string, params: Record<string, unknown> = {}) => facts.get(fact, params, undefined, {}).value;
  const states: StateDigest[] = [];
  for (let id = 1; id <= STATES.length; id++) {
    if (!seen.has(id)) continue;
    const state = STATES[id - 1];
    const c = get("trend", { state }) as Course;
    const d: StateDigest = {
      state,
      first: c.first,
      last: c.last,
      min: c.min,
      max: c.max,
      perMinute: c.perMinute ?? 0,
      course: c.rising ? "rising" : c.falling ? "falling" : "flat",
    };
    const p = get("persistence", { state }) as Record<string, number | boolean> | null;
    if (p && (p.moments as number) > 1) {
      d.persistence = {
        same: p.same as boolean, rotating: p.rotating as boolean, stayed: p.stayed as number, left: p.left as number,
        joined: p.joined as number, fromFirst: p.fromFirst as number, oldest: p.oldest as number, median: p.median as number,
      };
    }
    states.push(d);
  }
  const rates = get("rates") as Record<string, Rate>;
  const now = get("counters") as Record<string, number>;
  const counters: SeriesDigest["counters"] = [];
  for (const name of WELL_KNOWN_COUNTERS) {
    const r = rates[name];
    if (!r || r.samples < 2) continue;
    counters.push({ name, now: now[name] ?? null, perSecond: r.perSecond, perMinute: r.perMinute, delta: r.delta, seconds: r.seconds, rising: r.rising, flat: r.flat, resets: r.resets });
  }
  const ex = get("exhaustion") as Record<"ports" | "timeWait" | "orphans" | "descriptors", Budget>;
  const limits: SeriesDigest["limits"] = [];
  for (const what of ["ports", "timeWait", "orphans", "descriptors"] as const) {
    const b = ex[what];
    if (b.limit !== null && b.now !== null && (b.exhausted || b.seconds !== null)) limits.push({ what, ...b });
  }
  return {
    basis: s.basis,
    moments: m.length,
    from: momentTime(s, m[0].at),
    to: momentTime(s, m[m.length - 1].at),
    seconds: spanSeconds(s),
    interval: median(steps),
    inputs: s.inputs,
    timeless: s.timeless,
    notes: s.notes,
    states,
    counters,
    limits,
    points: counted.map((x: Moment) => {
      const out: Partial<Record<StateName, number>> = {};
      x.sockets!.states.forEach((n, id) => id > 0 && n > 0 && (out[STATES[id - 1]] = n));
      return { at: momentTime(s, x.at), sockets: x.sockets!.total, states: out };
    }),
  };
}
