/**
 * The watch screen as lines, free of ink: one tick of `tcpdoc watch` (the
 * snapshot with the series behind it, the findings re-evaluated on it) laid
 * out to a width: state counts with sparklines and growth per minute, the
 * busiest processes, local ports and peers with their growth and what came
 * and went since the tick before, and the findings with their figures.
 */

import type { Finding } from "../model/finding.ts";
import type { GroupCounts, Moment, Series, SeriesGroupBy } from "../model/series.ts";
import type { Snapshot } from "../model/snapshot.ts";
import type { SeriesDigest } from "../engine/mod.ts";
import { sparkline } from "../text/sparkline.ts";
import { clip, type DocLine, line, num, type Seg } from "./lines.ts";
import { findingKey, sortFindings } from "./session.ts";

/** One tick as the edge hands it to the screen. */
export interface WatchTick {
  /** 1, 2, ... */
  n: number;
  /** When the tick was taken (ms since the epoch). */
  at: number;
  /** The snapshot, its `series` the moments watched so far. */
  snap: Snapshot;
  /** The findings on this tick, and on the tick before (to mark what came and went). */
  findings: Finding[];
  before?: Finding[];
  digest?: SeriesDigest;
}

/** The groups the screen shows, with their titles. */
export const WATCH_GROUPS: readonly { by: SeriesGroupBy; title: string }[] = [
  { by: "process", title: "Processes" },
  { by: "local-port", title: "Local ports" },
  { by: "remote-host", title: "Peers" },
];

/** One row of a group: its sockets now, growth per minute, and whether it is new since the tick before. */
export interface GroupRow {
  key: string;
  count: number;
  perMinute: number | null;
  fresh: boolean;
}

/** A group's rows (biggest first, filtered), and how many keys appeared and vanished since the tick before. */
export interface GroupView {
  by: SeriesGroupBy;
  title: string;
  rows: GroupRow[];
  appeared: number;
  vanished: number;
}

/** The process group's key for sockets with no known owner (src/engine/facts/_scan.ts). */
const NO_PROCESS = "no process";

/** Growth is measured over about this much time back (the moment closest to a minute ago). */
const GROWTH_WINDOW_MS = 60_000;

function total(counts: Int32Array | undefined): number {
  if (!counts) return 0;
  let n = 0;
  for (const c of counts) n += c;
  return n;
}

/** The moment to measure growth from: the oldest one within the window before `now`, else the one just before. */
function baseMoment(moments: readonly Moment[], withGroups: (m: Moment) => boolean): Moment | undefined {
  const now = moments[moments.length - 1];
  let base: Moment | undefined;
  for (let i = moments.length - 2; i >= 0; i--) {
    const m = moments[i];
    if (!withGroups(m)) continue;
    if (now.at - m.at > GROWTH_WINDOW_MS && base) break;
    base = m;
  }
  return base;
}

/** Case-insensitive substring test of a filter (empty: everything). */
export function matches(filter: string, ...texts: (string | undefined)[]): boolean {
  if (!filter) return true;
  const f = filter.toLowerCase();
  return texts.some((t) => t !== undefined && t.toLowerCase().includes(f));
}

/** The group views of the series' last moment against the moments before it. */
export function groupViews(series: Series | undefined, filter = ""): GroupView[] {
  const moments = series?.moments ?? [];
  const now = moments[moments.length - 1];
  return WATCH_GROUPS.map(({ by, title }) => {
    const cur: GroupCounts | undefined = now?.sockets?.groups[by];
    const has = (m: Moment) => m.sockets?.groups[by] !== undefined;
    const prev = moments.slice(0, -1).reverse().find(has)?.sockets?.groups[by];
    const base = now ? baseMoment(moments, has) : undefined;
    const minutes = base && now ? (now.at - base.at) / 60_000 : 0;
    const rows: GroupRow[] = [];
    let appeared = 0, vanished = 0;
    // Rows and the keys that came and went alike: those the filter keeps. Sockets no process is
    // known for are one key, not a process: left out.
    const shown = (key: string) => matches(filter, key) && !(by === "process" && key === NO_PROCESS);
    for (const [key, counts] of cur ?? []) {
      if (!shown(key)) continue;
      const fresh = prev !== undefined && !prev.has(key);
      if (fresh) appeared++;
      const count = total(counts);
      const perMinute = minutes > 0 ? (count - total(base!.sockets!.groups[by]!.get(key))) / minutes : null;
      rows.push({ key, count, perMinute, fresh });
    }
    if (prev && cur) for (const key of prev.keys()) if (!cur.has(key) && shown(key)) vanished++;
    rows.sort((a, b) => b.count - a.count || a.key.localeCompare(b.key));
    return { by, title, rows, appeared, vanished };
  });
}

/** A rate per minute in few characters: "+340/m", "-1.5/m", "0/m", "+12k/m". */
export function shortRate(n: number | null): string {
  if (n === null) return "";
  const a = Math.abs(n);
  const v = a >= 9999.5 ? `${Math.round(a / 1000)}k` : a >= 10 ? String(Math.round(a)) : String(Math.round(a * 10) / 10);
  return `${v === "0" ? "" : n > 0 ? "+" : "-"}${v}/m`;
}

/** What the screen is showing besides the tick: set by the app. */
export interface WatchView {
  width: number;
  /** Lines available for the body (between the header and the footer). */
  height: number;
  filter: string;
  /** The selected finding (index into {@link watchFindings}). */
  selected: number;
}

/** The findings the screen lists: worst first, filtered. */
export function watchFindings(t: WatchTick, filter: string): Finding[] {
  return sortFindings(t.findings).filter((f) =>
    matches(filter, f.rule, f.title, ...f.evidence.groups.map((g) => g.key), ...f.evidence.sockets.flatMap((s) => [s.local, s.remote, s.program ?? "", s.pid === undefined ? "" : String(s.pid)])),
  );
}

/** Figures worth a glance beside a finding: those of time first (per minute, per second, stayed, left, oldest, run out). */
function figureText(f: Finding): string {
  const entries = Object.entries(f.evidence.figures).filter(([, v]) => v !== null && v !== undefined && typeof v !== "object");
  const timely = /minute|second|per |rate|stay|stayed|left|joined|oldest|age|grow|run|eta|until|rising|falling|trend|moments/i;
  entries.sort(([a], [b]) => Number(timely.test(b)) - Number(timely.test(a)));
  return entries.slice(0, 5).map(([k, v]) => `${k} ${typeof v === "number" ? num(v) : String(v)}`).join(", ");
}

const SEVERITY_SHORT: Record<string, { text: string; color: Seg["color"] }> = {
  critical: { text: "CRIT", color: "red" },
  warning: { text: "WARN", color: "yellow" },
  info: { text: "INFO", color: "cyan" },
};

/** The body of the watch screen: states, groups, findings; cut to `v.height` lines, each at most `v.width` columns. */
export function watchLines(t: WatchTick, v: WatchView): DocLine[] {
  const w = v.width;
  const d = t.digest;
  const out: DocLine[] = [];
  const points = d?.points ?? [];
  // Sockets now and their growth: from the counts of the moments within the window.
  const first = points.length > 1 ? points.findIndex((p) => Date.parse(p.at) >= t.at - GROWTH_WINDOW_MS) : -1;
  const from = first >= 0 && first < points.length - 1 ? points[first] : points.length > 1 ? points[points.length - 2] : undefined;
  const now = points[points.length - 1];
  const minutes = from && now ? (Date.parse(now.at) - Date.parse(from.at)) / 60_000 : 0;
  const growth = from && now && minutes > 0 ? `  ${shortRate((now.sockets - from.sockets) / minutes)}` : "";
  out.push(line({ text: ` TCP sockets ${num(t.snap.sockets.length)}${growth}`, bold: true }, { text: `  (${d?.moments ?? 1} tick${(d?.moments ?? 1) === 1 ? "" : "s"} kept)`, dim: true }));
  // States: count, sparkline over the ticks, growth per minute, whether the same sockets stay.
  const states = (d?.states ?? []).filter((x) => x.last > 0 || x.first > 0);
  const spark = Math.max(8, Math.min(24, w - 50));
  for (const x of states) {
    const values = points.map((p) => p.states[x.state] ?? 0);
    const p = x.persistence;
    const note = p && x.last > 0 && p.rotating ? "rotating" : p && x.last > 0 && x.course === "rising" && p.same ? "same sockets stay" : "";
    const rate = x.course === "flat" ? "flat" : shortRate(x.perMinute);
    out.push(line(
      `  ${x.state.padEnd(12)}${num(x.last).padStart(7)}  `,
      { text: sparkline(values, spark).padEnd(spark), color: x.course === "rising" ? "yellow" : undefined },
      `  ${rate.padStart(7)}`,
      { text: note ? `  ${note}` : "", dim: true },
    ));
  }
  // Groups side by side, each column its title with what came and went, then its biggest rows.
  const groups = groupViews(t.snap.series, v.filter);
  const col = Math.floor((w - 1) / groups.length);
  const rowsShown = 4;
  out.push(line(""));
  out.push({
    segs: groups.flatMap((g) => {
      const change = g.appeared || g.vanished ? ` +${g.appeared}/-${g.vanished}` : "";
      const title = clip(g.title, col - change.length - 1);
      return [{ text: " " + title, bold: true }, { text: change.padEnd(col - 1 - title.length), color: g.appeared || g.vanished ? "magenta" as const : undefined }];
    }),
  });
  for (let r = 0; r < rowsShown; r++) {
    if (!groups.some((g) => g.rows[r])) break;
    out.push({
      segs: groups.flatMap((g): Seg[] => {
        const row = g.rows[r];
        if (!row) return [{ text: " ".repeat(col) }];
        const rate = shortRate(row.perMinute);
        const count = num(row.count);
        const keyRoom = col - 2 - count.length - 1 - 7;
        // A process as netstat -p writes it (pid/program): the pid stays in view in a narrow column.
        const pid = g.by === "process" ? /^(.*) \(pid (\d+)\)$/.exec(row.key) : null;
        const key = clip(pid ? `${pid[2]}/${pid[1]}` : row.key, keyRoom).padEnd(keyRoom);
        return [
          { text: row.fresh ? " +" : "  ", color: row.fresh ? "green" : undefined, bold: row.fresh },
          { text: key, color: row.fresh ? "green" : undefined },
          { text: ` ${count}` },
          { text: rate.padStart(7), dim: !row.perMinute },
        ];
      }),
    });
  }
  // Findings, worst first, numbered for the digit keys; new ones since the tick before marked.
  const findings = watchFindings(t, v.filter);
  const before = t.before ? new Set(t.before.map(findingKey)) : undefined;
  const nowKeys = new Set(t.findings.map(findingKey));
  const came = before ? t.findings.filter((f) => !before.has(findingKey(f))).length : 0;
  const went = before ? [...before].filter((k) => !nowKeys.has(k)).length : 0;
  out.push(line(""));
  out.push(line(
    { text: findings.length ? ` Findings (${findings.length}${v.filter ? ` of ${t.findings.length}` : ""})` : t.findings.length ? " No finding matches the filter" : " No findings", bold: true },
    { text: came || went ? `  +${came} new / -${went} gone` : "", color: "magenta" },
    { text: findings.length ? "  Enter or 1-9 opens" : "", dim: true },
  ));
  const room = v.height - out.length;
  const figures = room >= findings.length * 2;
  findings.forEach((f, i) => {
    const sev = SEVERITY_SHORT[f.severity] ?? { text: f.severity.slice(0, 4).toUpperCase(), color: undefined };
    const fresh = before !== undefined && !before.has(findingKey(f));
    const mark = i === v.selected ? "›" : " ";
    const lead = `${mark}${i < 9 ? i + 1 : " "}${fresh ? "+" : " "}`;
    out.push({
      item: i,
      segs: [
        { text: lead, color: fresh ? "green" : undefined, bold: i === v.selected },
        { text: sev.text.padEnd(5), color: sev.color, bold: true },
        { text: clip(`${f.rule}  ${f.title}`, w - lead.length - 5), bold: i === v.selected },
      ],
    });
    const fig = figureText(f);
    if (figures && fig) out.push({ item: i, segs: [{ text: "        " + clip(fig, w - 8), dim: true }] });
  });
  // Each line fits the width (the terminal would wrap a longer one and shift the screen).
  return out.slice(0, Math.max(1, v.height)).map((l) => fit(l, w));
}

/** Cuts a line's segments to `width` columns. */
export function fit(l: DocLine, width: number): DocLine {
  let left = width;
  const segs: Seg[] = [];
  for (const s of l.segs) {
    if (left <= 0) break;
    const text = [...s.text].length > left ? clip(s.text, left) : s.text;
    segs.push({ ...s, text });
    left -= [...text].length;
  }
  return { ...l, segs };
}
