/** `trend`: how a state's count (or each group's) went over the series: slope, growth, rising or not. */

import { SERIES_GROUPS, type SeriesGroupBy } from "../../model/series.ts";
import { stateId, STATES } from "../../model/states.ts";
import { stateList } from "./_scan.ts";
import { courseOf, type Course, ONE_SNAPSHOT, pointsOf, round2, seriesOf } from "./_time.ts";
import type { Fact, FactValue, Params } from "./fact.ts";
import { stepsText } from "./fact.ts";
import { stateCounts, stateWhy } from "./states.ts";

/** Most groups a request may ask for. */
const MAX_TOP = 20;

const LABELS: Readonly<Record<SeriesGroupBy, string>> = {
  process: "process",
  "local-port": "local port",
  "remote-host": "remote host",
  destination: "destination",
  ephemeral: "source -> destination on ephemeral ports",
};

interface GroupCourse extends Course {
  key: string;
}

/** The state ids a `state` param selects; undefined: every state. */
function ids(p: Params): number[] | undefined {
  const list = stateList(p.state ?? p.states);
  return list?.map((s) => stateId(s));
}

function sum(counts: ArrayLike<number>, which: number[] | undefined): number {
  if (!which) {
    let n = 0;
    for (let i = 0; i < counts.length; i++) n += counts[i];
    return n;
  }
  let n = 0;
  for (const id of which) n += counts[id] ?? 0;
  return n;
}

const COURSE_PATHS = (prefix: string, what: string) => [
  { path: `${prefix}.first`, type: "number" as const, help: `${what} at the first moment` },
  { path: `${prefix}.last`, type: "number" as const, help: `${what} at the last moment (now)` },
  { path: `${prefix}.min`, type: "number" as const, help: "the smallest count seen" },
  { path: `${prefix}.max`, type: "number" as const, help: "the largest count seen" },
  { path: `${prefix}.delta`, type: "number" as const, help: "last - first" },
  { path: `${prefix}.perMinute`, type: "number" as const, nullable: true, help: "the least-squares slope through every moment, per minute (null on one snapshot)" },
  { path: `${prefix}.growth`, type: "number" as const, nullable: true, help: "delta / first (delta when first is 0; null on one snapshot)" },
  { path: `${prefix}.rising`, type: "boolean" as const, help: "grew by at least 2 and a tenth of where it started, along a rising line" },
  { path: `${prefix}.falling`, type: "boolean" as const, help: "shrank by as much" },
  { path: `${prefix}.flat`, type: "boolean" as const, help: "known at two moments or more and neither rising nor falling" },
  { path: `${prefix}.emptyIn`, type: "number" as const, nullable: true, help: "when falling: seconds from the last moment until none are left at the slope (0 when none are left); null otherwise" },
];

export const trend: Fact = {
  spec: {
    id: "trend",
    summary: "How the count of sockets in the given states went over a series of snapshots (a recording, snapshot files, a pasted loop): first and last count, the slope per minute, growth, and whether it rose, fell or stayed flat; with `by`, the same for each group (process, port, peer), biggest now first. On one snapshot `moments` is 1 and rising, falling and flat are all false.",
    params: [
      { name: "state", alias: "states", type: "states", help: "a state name or a list of them; all sockets when absent" },
      { name: "by", type: "string", choices: SERIES_GROUPS, help: "follow each group instead of the total: process, local-port, remote-host, destination, or ephemeral (source -> destination of sockets on ephemeral ports, as the `ephemeral` fact groups them)" },
      { name: "top", type: "number", help: "how many groups to return with `by` (default 5, at most 20)" },
    ],
    type: "object",
    paths: [
      { path: "$.moments", type: "number", help: "snapshots the count is known at (1 for a single snapshot)" },
      { path: "$.seconds", type: "number", help: "seconds from the first of them to the last" },
      ...COURSE_PATHS("$", "the count"),
      { path: "$.top", type: "object", help: "with `by`: the biggest group now" },
      { path: "$.top.key", type: "string", nullable: true, help: "its key (null when there is none)" },
      ...COURSE_PATHS("$.top", "its count"),
      { path: "$.fastest", type: "object", help: "with `by`: the group that grew fastest (per minute)" },
      { path: "$.fastest.key", type: "string", nullable: true, help: "its key (null when there is none)" },
      ...COURSE_PATHS("$.fastest", "its count"),
      { path: "$.groups", type: "list", items: "object", help: "with `by`: the biggest groups now, each as `top`" },
      { path: "$.groups[N].key", type: "string", help: "the group's key" },
      ...COURSE_PATHS("$.groups[N]", "its count"),
    ],
    unknown: "Without `by`, null only on one snapshot whose table leaves the state out (an excerpt); with `by`, null when the series' moments are counts only (a histogram: no groups). On one snapshot: `moments` 1, the count as first and last, `perMinute` and `growth` null, nothing rising, falling or flat.",
    example: "{ fact: trend, params: { state: CLOSE_WAIT }, path: $.rising, operator: equal, value: true }",
  },
  masked: false,
  key: (p) => `${(stateList(p.state ?? p.states) ?? ["*"]).join("+")}|${p.by ?? ""}|${p.top ?? ""}`,
  compute(input): FactValue {
    const { scan, params } = input;
    const which = ids(params);
    const series = seriesOf(scan);
    const by = params.by as SeriesGroupBy | undefined;
    if (!series) {
      if (by) return { value: { moments: 1, seconds: 0, ...emptyGroups() } };
      const c = stateCounts({ scan, mask: null });
      // A count the inputs leave out (an excerpt of the table) is unknown, not 0.
      const parts = which ? which.map((id) => c[STATES[id - 1]]) : [c.TOTAL];
      if (parts.some((x) => x === null)) return { value: null, why: stateWhy(scan) };
      return { value: courseOf([{ t: 0, y: (parts as number[]).reduce((a, x) => a + x, 0) }]) };
    }
    if (!by) return { value: courseOf(pointsOf(series, (m) => (m.sockets ? sum(m.sockets.states, which) : undefined))) };
    const withRows = series.moments.filter((m) => m.sockets?.rows);
    if (withRows.length === 0) return { value: null, why: "the series holds counts only (a state histogram): no ports, peers or processes" };
    const keys = new Set<string>();
    for (const m of withRows) for (const k of m.sockets!.groups[by]?.keys() ?? []) keys.add(k);
    const t0 = series.moments[0].at;
    const courses: GroupCourse[] = [];
    for (const key of keys) {
      const ps = withRows.map((m) => {
        const g = m.sockets!.groups[by];
        const y = !g ? 0 : which ? which.reduce((n, id) => n + g.count(key, id), 0) : g.count(key);
        return { t: (m.at - t0) / 1000, y };
      });
      if (ps.every((p) => p.y === 0)) continue;
      courses.push({ key, ...courseOf(ps) });
    }
    const pm = (c: Course) => c.perMinute ?? 0;
    courses.sort((a, b) => b.last - a.last || pm(b) - pm(a) || (a.key < b.key ? -1 : 1));
    const top = Math.max(1, Math.min(MAX_TOP, Number(params.top ?? 5) || 5));
    const fastest = [...courses].sort((a, b) => pm(b) - pm(a) || b.last - a.last)[0];
    const empty = emptyGroups();
    return {
      value: {
        moments: withRows.length,
        seconds: round2((withRows[withRows.length - 1].at - withRows[0].at) / 1000),
        top: courses[0] ?? empty.top,
        fastest: fastest ?? empty.fastest,
        groups: courses.slice(0, top),
      },
    };
  },
  words(p, steps) {
    const tail = stepsText(steps);
    const states = stateList(p.state ?? p.states)?.join("+") ?? "all";
    const what = `${states} sockets${p.by ? ` by ${LABELS[p.by as SeriesGroupBy] ?? String(p.by)}` : ""}`;
    const field = steps[steps.length - 1];
    const whose = steps.length > 1 ? `${steps[0] === "groups" ? "a group" : `the ${steps[0]} group`} of ` : "";
    const head: Record<string, string> = {
      moments: "snapshots over time of",
      seconds: "seconds spanned by the snapshots of",
      perMinute: "change per minute of",
      rising: "rise over time of",
      falling: "fall over time of",
      flat: "flat course over time of",
      delta: "change over the snapshots of",
      growth: "growth over the snapshots of",
      emptyIn: "seconds until none are left of",
    };
    const h = typeof field === "string" && Object.hasOwn(head, field) ? head[field] : `${tail} over time of`;
    return `${h} ${whose}${what}`;
  },
  whyUnknown: () => ONE_SNAPSHOT,
};

function emptyGroups() {
  const none = { key: null, ...courseOf([]) };
  return { top: none, fastest: none, groups: [] };
}
