/**
 * `exhaustion`: when a limit runs out at the rate the series shows, by a
 * least-squares line: the ephemeral ports toward one destination, TIME_WAIT
 * against tcp_max_tw_buckets, orphans against tcp_max_orphans, and the
 * sockets a process holds against its open-file limit.
 */

import { momentTime, type Moment, type Series } from "../../model/series.ts";
import { stateId } from "../../model/states.ts";
import { intOf, round4 } from "./_scan.ts";
import { fit, ONE_SNAPSHOT, type Point, pointsOf, round2, seriesOf } from "./_time.ts";
import type { Fact, FactValue } from "./fact.ts";
import { stepsText } from "./fact.ts";
import { stateCounts } from "./states.ts";

/** How close a limit is, and when it runs out. */
export interface Budget {
  /** The group it is about (a destination, a process), when there are several. */
  key?: string | null;
  /** The count now. */
  now: number | null;
  limit: number | null;
  /** now / limit. */
  share: number | null;
  /** The least-squares slope of the growth, per minute. */
  perMinute: number | null;
  /** Seconds from the last snapshot until the limit is reached at that rate (0 when reached; null when not growing or unknown). */
  seconds: number | null;
  /** When that is (ISO when the series is dated). */
  at: string | null;
  /** The count has reached the limit. */
  exhausted: boolean;
  /** Reached, or reached within the `within` seconds the rule gives (default 600) at the rate seen. */
  soon: boolean;
  /**
   * Where the count levels off at the rate seen when what grows is
   * TIME_WAIT, which the kernel frees after 60 s: new ones a second times
   * 60, plus the rest; null when the count does not grow by TIME_WAIT.
   */
  levelsOff: number | null;
}

/** How long Linux keeps a socket in TIME_WAIT (TCP_TIMEWAIT_LEN, not tunable). */
const TIME_WAIT_SECONDS = 60;

const TIME_WAIT = stateId("TIME_WAIT");

function empty(key?: string | null): Budget {
  return { ...(key !== undefined ? { key } : {}), now: null, limit: null, share: null, perMinute: null, seconds: null, at: null, exhausted: false, soon: false, levelsOff: null };
}

/**
 * The budget of a count over time against a limit: the line through the
 * points since the count started to grow (leading zeros left out) and
 * before it reached the limit; the time it reaches the limit on that line.
 * `tw`, the TIME_WAIT part of the same count at the same points: a pile
 * that grows by TIME_WAIT levels off after 60 s, and runs out only if it
 * levels off above the limit.
 */
export function budgetOf(series: Series, ps: Point[], limit: number | null, key?: string | null, tw?: Point[]): Budget {
  const b = empty(key);
  if (ps.length === 0) return b;
  const last = ps[ps.length - 1];
  b.now = last.y;
  b.limit = limit;
  if (limit !== null && limit > 0) b.share = round4(last.y / limit);
  // Growth starts at the first nonzero point: a zero before it says only that it started since.
  let from = 0;
  while (from < ps.length - 2 && ps[from].y === 0) from++;
  const reached = limit !== null ? ps.findIndex((p) => p.y >= limit) : -1;
  const growing = ps.slice(from, reached === -1 ? ps.length : Math.max(reached, from + 1));
  if (growing.length < 2) {
    if (reached !== -1) b.exhausted = true;
    if (b.exhausted) b.seconds = 0;
    return b;
  }
  const line = fit(growing);
  b.perMinute = round2(line.slope * 60);
  const t0 = series.moments[0].at;
  if (limit === null) return b;
  if (reached !== -1) {
    b.exhausted = true;
    b.seconds = 0;
    // When the line crossed the limit, kept between the last moment under it and the first at it.
    const lo = ps[Math.max(reached - 1, 0)].t, hi = ps[reached].t;
    const cross = line.slope > 0 ? Math.min(hi, Math.max(lo, (limit - line.intercept) / line.slope)) : hi;
    b.at = momentTime(series, t0 + cross * 1000);
    return b;
  }
  if (line.slope <= 0) return b;
  if (tw && tw.length === ps.length) {
    const twSlope = fit(tw.slice(from)).slope;
    const rest = growing.map((p, i) => ({ t: p.t, y: p.y - tw[from + i].y }));
    if (twSlope > 0 && fit(rest).slope <= twSlope * 0.1) {
      b.levelsOff = Math.round(last.y - tw[tw.length - 1].y + twSlope * TIME_WAIT_SECONDS);
      if (b.levelsOff < limit) return b;
    }
  }
  const seconds = Math.max(0, (limit - last.y) / line.slope);
  b.seconds = round2(seconds);
  b.at = momentTime(series, t0 + (last.t + seconds) * 1000);
  return b;
}

function sysctlInt(scan: Parameters<Fact["compute"]>[0]["scan"], key: string): number | null {
  const s = scan.snap.sysctls.get(key);
  const v = s ? intOf(s.value.trim()) : undefined;
  return v === undefined ? null : v;
}

/** Count of one group over the moments with socket rows (0 where a moment does not list it); `state` counts that state only. */
function groupPoints(series: Series, moments: Moment[], by: "ephemeral" | "process", key: string, state?: number): Point[] {
  const t0 = series.moments[0].at;
  return moments.map((m) => ({ t: (m.at - t0) / 1000, y: m.sockets!.groups[by]?.count(key, state) ?? 0 }));
}

/** The budget among groups that runs out first (reached, else the soonest ETA, else the biggest). */
function soonest(list: Budget[]): Budget | undefined {
  const rank = (b: Budget) => (b.exhausted ? -1 : b.seconds ?? Infinity);
  return [...list].sort((a, b) => rank(a) - rank(b) || (b.now ?? 0) - (a.now ?? 0))[0];
}

const WORDS: Readonly<Record<string, string>> = {
  ports: "ephemeral ports toward the busiest destination",
  timeWait: "TIME_WAIT sockets against net.ipv4.tcp_max_tw_buckets",
  orphans: "orphaned sockets against net.ipv4.tcp_max_orphans",
  descriptors: "sockets of the busiest process against its open-file limit",
};
const FIELDS: Readonly<Record<string, string>> = {
  seconds: "seconds until they run out, at the rate seen, for",
  soon: "running out soon (or already) of",
  at: "when they run out, at the rate seen, for",
  exhausted: "exhaustion of",
  perMinute: "growth per minute of",
  share: "share used of",
  now: "count now of",
  limit: "limit of",
  key: "the group of",
};

const BUDGET = (name: string, what: string) => [
  { path: `$.${name}`, type: "object" as const, help: what },
  ...(name === "ports" || name === "descriptors" ? [{ path: `$.${name}.key`, type: "string" as const, nullable: true, help: name === "ports" ? "the source -> destination that runs out first" : "the process (`name (pid N)`) that runs out first" }] : []),
  { path: `$.${name}.now`, type: "number" as const, nullable: true, help: "the count now" },
  { path: `$.${name}.limit`, type: "number" as const, nullable: true, help: "the limit (null when the inputs do not say it)" },
  { path: `$.${name}.share`, type: "number" as const, nullable: true, help: "now / limit" },
  { path: `$.${name}.perMinute`, type: "number" as const, nullable: true, help: "its growth per minute (least squares, since it started to grow, before the limit)" },
  { path: `$.${name}.seconds`, type: "number" as const, nullable: true, help: "seconds from the last snapshot until the limit at that rate: 0 when reached, null when not growing or the limit is unknown" },
  { path: `$.${name}.at`, type: "string" as const, nullable: true, help: "when that is: an ISO time for a dated series; for one reached, when the line crossed the limit" },
  { path: `$.${name}.exhausted`, type: "boolean" as const, help: "the count has reached the limit" },
  { path: `$.${name}.soon`, type: "boolean" as const, help: "reached, or reached within `within` seconds at the rate seen (false on one snapshot unless reached)" },
  { path: `$.${name}.levelsOff`, type: "number" as const, nullable: true, help: "where the count levels off when what grows is TIME_WAIT (freed after 60 s): the rest plus new ones a second times 60; seconds is null when that stays under the limit" },
];

export const exhaustion: Fact = {
  spec: {
    id: "exhaustion",
    summary: "When a limit runs out at the rate a series of snapshots shows, by a least-squares line through the counts since they started to grow: the ephemeral ports toward one destination (the `ephemeral` fact's groups against the port range), TIME_WAIT against net.ipv4.tcp_max_tw_buckets, orphans against net.ipv4.tcp_max_orphans, and the sockets a process holds against the open-file limit (ulimit -n in the inputs). On one snapshot `moments` is 1 and no time is given.",
    params: [{ name: "within", type: "number", help: "seconds ahead that count as `soon` (default 600)" }],
    type: "object",
    paths: [
      { path: "$.moments", type: "number", help: "snapshots with a socket table or counts (1 for a single snapshot)" },
      ...BUDGET("ports", "ephemeral ports toward one destination against the port range"),
      ...BUDGET("timeWait", "TIME_WAIT sockets against net.ipv4.tcp_max_tw_buckets"),
      ...BUDGET("orphans", "orphaned sockets against net.ipv4.tcp_max_orphans"),
      ...BUDGET("descriptors", "sockets one process holds against the open-file limit"),
    ],
    unknown: "Never null; a limit the inputs do not give makes `limit`, `seconds` and `at` null. On one snapshot `ports.now` is null (the `ephemeral` fact has it) and `seconds` null everywhere.",
    example: "{ fact: exhaustion, path: $.ports.seconds, operator: lessThan, value: 600 }",
  },
  masked: false,
  key: (p) => String(Number(p.within ?? 600) || 600),
  compute({ scan, params }): FactValue {
    const within = Number(params.within ?? 600) || 600;
    const soon = (b: Budget): Budget => ({ ...b, soon: b.exhausted || (b.seconds !== null && b.seconds <= within) });
    const series = seriesOf(scan);
    const twMax = sysctlInt(scan, "net.ipv4.tcp_max_tw_buckets");
    const orphanMax = sysctlInt(scan, "net.ipv4.tcp_max_orphans");
    const nofile = sysctlInt(scan, "ulimit.nofile");
    if (!series) {
      const tw = stateCounts({ scan, mask: null }).TIME_WAIT;
      const orphans = scan.snap.counters.get("sockstat.tcp.orphan")?.value ?? null;
      const at = (now: number | null, limit: number | null): Budget => ({
        ...empty(), now, limit, share: now !== null && limit ? round4(now / limit) : null, exhausted: now !== null && limit !== null && now >= limit,
      });
      return { value: { moments: 1, ports: empty(null), timeWait: soon(at(tw, twMax)), orphans: soon(at(orphans, orphanMax)), descriptors: empty(null) } };
    }
    const rows = series.moments.filter((m) => m.sockets?.rows);
    const range = scan.portRange();
    // Ports: every destination that is among the biggest now or at any moment.
    const keys = new Set<string>();
    for (const m of rows) for (const k of m.sockets!.groups.ephemeral?.keys() ?? []) keys.add(k);
    const ports = soonest([...keys].slice(0, 4096).map((k) =>
      budgetOf(series, groupPoints(series, rows, "ephemeral", k), range.size, k, groupPoints(series, rows, "ephemeral", k, TIME_WAIT))
    )) ?? empty(null);
    const tw = pointsOf(series, (m) => m.sockets ? m.sockets.states[TIME_WAIT] : m.counters.get("sockstat.tcp.tw"));
    const orphans = pointsOf(series, (m) => m.counters.get("sockstat.tcp.orphan") ?? m.sockets?.orphans);
    const procs = new Set<string>();
    for (const m of rows) for (const k of m.sockets!.groups.process?.keys() ?? []) if (k !== "(no process)") procs.add(k);
    const descriptors = soonest([...procs].map((k) => budgetOf(series, groupPoints(series, rows, "process", k), nofile, k))) ?? empty(null);
    return {
      value: {
        moments: series.moments.filter((m) => m.sockets || m.counters.size).length,
        ports: soon(ports),
        timeWait: soon(budgetOf(series, tw, twMax, undefined, tw)),
        orphans: soon(budgetOf(series, orphans, orphanMax)),
        descriptors: soon(descriptors),
      },
    };
  },
  words(_p, steps) {
    const [what, field] = [String(steps[0] ?? ""), String(steps[1] ?? "")];
    if (steps.length === 1 && what === "moments") return "snapshots over time";
    const w = Object.hasOwn(WORDS, what) ? WORDS[what] : stepsText(steps);
    return field && Object.hasOwn(FIELDS, field) ? `${FIELDS[field]} ${w}` : w;
  },
  whyUnknown: (tail) => {
    if (/limit|seconds|at$/.test(tail) && /timeWait/.test(tail)) return "sysctl net.ipv4.tcp_max_tw_buckets is not in the inputs, or one snapshot cannot tell the rate";
    if (/limit|seconds|at$/.test(tail) && /orphans/.test(tail)) return "sysctl net.ipv4.tcp_max_orphans is not in the inputs (read it on the host), or one snapshot cannot tell the rate";
    if (/descriptors/.test(tail)) return "the open-file limit is not in the inputs (add ulimit -n, or cat /proc/PID/limits), or the sockets name no process";
    return ONE_SNAPSHOT;
  },
};
