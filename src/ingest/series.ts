/**
 * Series in the inputs: where one input holds several moments, and how a
 * set of inputs splits into moments. A moment begins at a line that says
 * when it was taken:
 *
 * - a `date` line of a loop (`while true; do date; netstat -nat | ...;
 *   sleep 5; done`): `Tue Dec  1 17:13:10 UTC 2026`, `date -u +%FT%TZ`,
 *   `date '+%F %T'`, `date +%T`, `date +%s`, en_US `Tue 01 Dec 2026
 *   05:13:10 PM UTC`, PowerShell's `Get-Date`, cmd's `%date% %time%`, also
 *   between `---`, `===`, `[...]`;
 * - the header of `watch -n 5 CMD` (`Every 5.0s: CMD   host: Tue Dec 1 ...`);
 * - a `tcpdoc snapshot` header (a recording is snapshot files one after
 *   another);
 * - a row of `sar` (each row is a moment, dated by the report's header);
 * - for an input with none of these, a time stamp in its name
 *   (`ss-2024-05-01T10-00-00.txt`, as main's capture times read it:
 *   src/ingest/moment.ts `nameTime`).
 *
 * Inputs of one moment each whose times are within SAME_MOMENT_SECONDS are
 * one moment (src/ingest/combine.ts merges them), not a series.
 *
 * A date printed after its table (`ss -s; date`) is read as such when the
 * input starts with data and ends with a date. Reading happens in two
 * passes at the sources edge (src/sources/series.ts): the first reads the
 * inputs as one snapshot, as always, and only watches for these lines
 * ({@link MarkObserver}); when they show several moments, the second reads
 * each moment into its own snapshot ({@link MomentSplitter}) by the plan
 * the first made ({@link planSeries}). Pure: no I/O.
 */

import type { TimeBasis } from "../model/series.ts";
import type { InputReport, LineKind, Snapshot } from "../model/snapshot.ts";
import { SAME_MOMENT_SECONDS } from "./combine.ts";
import type { Line } from "./format.ts";
import type { MomentHook, MomentTurn } from "./ingest.ts";
import { nameTime } from "./moment.ts";

// ---------------------------------------------------------------- reading times

/** A time read from a line. */
export interface ReadTime {
  /** Milliseconds: since the epoch (absolute), or since midnight of an unknown day (time of day). */
  at: number;
  /**
   * "absolute": a date and a time; "day": a time of day only (`date +%T`);
   * "relative": only the spacing is known (watch's interval, no date on its header).
   */
  basis: TimeBasis;
}

const DAYS = "(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)";
const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];
const LONG_MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December"];
const MON = `(${MONTHS.join("|")})`;
const TZ = "([A-Z]{1,5}|[+-]\\d{2}:?\\d{2})";

// Offsets of the zone names `date` prints (%Z). An unknown name reads as
// UTC: the spacing of one input's moments is right either way.
const ZONES: Readonly<Record<string, number>> = {
  UTC: 0, GMT: 0, Z: 0, UT: 0, WET: 0, WEST: 60, BST: 60, CET: 60, CEST: 120, MET: 60, MEST: 120, EET: 120, EEST: 180,
  MSK: 180, IST: 330, SGT: 480, HKT: 480, CST: -360, CDT: -300, JST: 540, KST: 540, AEST: 600, AEDT: 660, ACST: 570,
  AWST: 480, NZST: 720, NZDT: 780, EST: -300, EDT: -240, MST: -420, MDT: -360, PST: -480, PDT: -420, AKST: -540,
  AKDT: -480, HST: -600,
};

function zoneMinutes(z: string | undefined): number {
  if (!z) return 0;
  const m = /^([+-])(\d{2}):?(\d{2})$/.exec(z);
  if (m) return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
  return ZONES[z] ?? 0;
}

function utc(y: number, mo: number, d: number, h: number, mi: number, s: number, ms: number, zone: string | undefined): number | undefined {
  if (mo < 0 || mo > 11 || d < 1 || d > 31 || h > 23 || mi > 59 || s > 60) return undefined;
  return Date.UTC(y, mo, d, h, mi, s, ms) - zoneMinutes(zone) * 60_000;
}

function hour12(h: number, ampm: string | undefined): number {
  if (!ampm) return h;
  const pm = ampm.toUpperCase() === "PM";
  return (h % 12) + (pm ? 12 : 0);
}

function fraction(f: string | undefined): number {
  return f ? Math.round(Number(`0.${f}`) * 1000) : 0;
}

const C_DATE = new RegExp(`^${DAYS} ${MON} +(\\d{1,2}) (\\d{1,2}):(\\d{2}):(\\d{2})(?: ${TZ})? (\\d{4})$`);
const US_DATE = new RegExp(`^${DAYS},? (\\d{1,2}) ${MON},? (\\d{4}),? (\\d{1,2}):(\\d{2}):(\\d{2})(?: ([AP]M))?(?: ${TZ})?$`, "i");
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?\s?(Z|[+-]\d{2}:?\d{2}|[A-Z]{2,5})?$/;
const PS_DATE = new RegExp(`^(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday), (${LONG_MONTHS.join("|")}) (\\d{1,2}), (\\d{4}) (\\d{1,2}):(\\d{2}):(\\d{2})(?: ([AP]M))?$`);
const CMD_DATE = new RegExp(`^(?:${DAYS} )?(\\d{1,2})/(\\d{1,2})/(\\d{4}) +(\\d{1,2}):(\\d{2}):(\\d{2})(?:[.,](\\d{1,3}))?$`);
const TIME_ONLY = /^(\d{1,2}):(\d{2}):(\d{2})(?:[.,](\d{1,9}))?(?: ([AP]M))?$/;
const EPOCH = /^(1[0-9]{9}|[2-3][0-9]{9})(?:\.(\d{1,9}))?$/;
// What may surround a time on its line: `--- date ---`, `[date]`, `=== date ===`, `# date`.
const DECORATION = /^[\s\-=*#[\](){}<>|:]+|[\s\-=*#[\](){}<>|:]+$/g;

/** Reads a line that is nothing but a date and time (as `date` and friends print them). */
export function readTimeLine(text: string): ReadTime | undefined {
  const s = text.trim().replace(DECORATION, "");
  // The shortest time line is "17:13:10"; the longest a PowerShell date with a long month.
  if (s.length < 8 || s.length > 48) return undefined;
  let m = C_DATE.exec(s);
  if (m) {
    const at = utc(Number(m[7]), MONTHS.indexOf(m[1]), Number(m[2]), Number(m[3]), Number(m[4]), Number(m[5]), 0, m[6]);
    return at === undefined ? undefined : { at, basis: "absolute" };
  }
  m = ISO_DATE.exec(s);
  if (m) {
    const at = utc(Number(m[1]), Number(m[2]) - 1, Number(m[3]), Number(m[4]), Number(m[5]), Number(m[6]), fraction(m[7]), m[8]);
    return at === undefined ? undefined : { at, basis: "absolute" };
  }
  m = US_DATE.exec(s);
  if (m) {
    const mo = MONTHS.findIndex((x) => x.toLowerCase() === m![2].toLowerCase());
    const at = utc(Number(m[3]), mo, Number(m[1]), hour12(Number(m[4]), m[7]), Number(m[5]), Number(m[6]), 0, m[8]);
    return at === undefined ? undefined : { at, basis: "absolute" };
  }
  m = PS_DATE.exec(s);
  if (m) {
    const at = utc(Number(m[3]), LONG_MONTHS.indexOf(m[1]), Number(m[2]), hour12(Number(m[4]), m[7]), Number(m[5]), Number(m[6]), 0, undefined);
    return at === undefined ? undefined : { at, basis: "absolute" };
  }
  m = CMD_DATE.exec(s);
  if (m) {
    const at = utc(Number(m[3]), Number(m[1]) - 1, Number(m[2]), Number(m[4]), Number(m[5]), Number(m[6]), fraction(m[7]), undefined);
    return at === undefined ? undefined : { at, basis: "absolute" };
  }
  m = TIME_ONLY.exec(s);
  if (m) {
    const h = hour12(Number(m[1]), m[5]);
    if (h > 23 || Number(m[2]) > 59 || Number(m[3]) > 60) return undefined;
    return { at: ((h * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000 + fraction(m[4]), basis: "day" };
  }
  m = EPOCH.exec(s);
  if (m) return { at: Number(m[1]) * 1000 + fraction(m[2]), basis: "absolute" };
  return undefined;
}

// watch's first line: "Every 2.0s: netstat -nat | grep 8080      web1: Tue Dec  1 17:13:10 2026".
const WATCH = /^\s*Every\s+(\d+(?:[.,]\d+)?)s:\s+(.*)$/;
const CTIME_TAIL = new RegExp(`${DAYS} ${MON} +\\d{1,2} \\d{1,2}:\\d{2}:\\d{2}(?: ${TZ})? \\d{4}$`);
const ISO_TAIL = /\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}(?:[.,]\d+)?(?:Z|[+-]\d{2}:?\d{2})?$/;
const SNAPSHOT = /^# tcpdoc snapshot v1\b.*?\btime=(\S+)/;
// sar's first line: "Linux 6.1.0-18-amd64 (web1) 	12/01/26 	_x86_64_	(2 CPU)" (the date in the locale's %x).
const SAR_TITLE = /^\S+ \S+ \(\S+\)\s+(\d{2,4})[/-](\d{2})[/-](\d{2,4})\s/;
const SAR_TIME = /^(\d{1,2}):(\d{2}):(\d{2})$/;
const SAR_COLUMN = /^[a-z%][a-z0-9%/_-]*$/;
const NUMBER = /^-?\d+(?:[.,]\d+)?$/;

/** What kind of line began a moment. */
export type MarkKind = "date" | "watch" | "snapshot" | "sar" | "name";

/** A line that begins (or, for a date printed after its table, ends) a moment. */
export interface Mark {
  line: number;
  kind: MarkKind;
  /** The time, when the line says it. */
  time?: ReadTime;
  /** The line as printed, for the report. */
  label: string;
  /** watch's interval in seconds. */
  every?: number;
}

/**
 * Recognises the lines of one input that begin moments. Stateful: a sar
 * row takes its date from the report's first line and is a moment only
 * under a column header.
 */
export class MarkReader {
  #sarDay: number | undefined;
  #sarColumns = 0;
  #lastSarTime = -1;

  /** The mark this line is, if any; undefined for any other line. */
  read(line: Line): Mark | undefined {
    const { text, tokens, number } = line;
    const t0 = tokens[0];
    const c0 = t0.charCodeAt(0);
    if (c0 === 35 /* # */) {
      const m = SNAPSHOT.exec(text);
      if (!m) return undefined;
      const time = readTimeLine(m[1]);
      return { line: number, kind: "snapshot", ...(time ? { time } : {}), label: m[1] };
    }
    if (t0 === "Every") {
      const w = WATCH.exec(text);
      if (!w) return undefined;
      const tail = CTIME_TAIL.exec(w[2]) ?? ISO_TAIL.exec(w[2]);
      const time = tail ? readTimeLine(tail[0]) : undefined;
      return { line: number, kind: "watch", ...(time ? { time } : {}), label: tail ? tail[0] : text.trim(), every: Number(w[1].replace(",", ".")) };
    }
    const sar = this.#sar(text, tokens, number);
    if (sar !== undefined) return sar || undefined;
    // A time line has at most seven words (en_US: "Tue 01 Dec 2026 05:13:10 PM UTC").
    if (tokens.length > 8 || !(c0 >= 48 && c0 <= 57 || c0 >= 65 && c0 <= 90 || "-=*#[(<|".includes(t0[0]))) return undefined;
    const time = readTimeLine(text);
    return time ? { line: number, kind: "date", time, label: text.trim() } : undefined;
  }

  /** A sar line: a mark for a data row, null for its title, header or Average row, undefined otherwise. */
  #sar(text: string, t: string[], number: number): Mark | null | undefined {
    const title = SAR_TITLE.exec(text);
    if (title && t[0].length > 1 && /^[A-Z]/.test(t[0])) {
      // %x in the C locale is MM/DD/YY; ISO locales print YYYY-MM-DD.
      const [a, b, c] = [title[1], title[2], title[3]];
      const iso = a.length === 4;
      const y = iso ? Number(a) : Number(c) + (c.length === 2 ? 2000 : 0);
      this.#sarDay = Date.UTC(y, Number(iso ? b : a) - 1, Number(iso ? c : b));
      this.#sarColumns = 0;
      this.#lastSarTime = -1;
      return null;
    }
    if (t[0] === "Average:" && this.#sarColumns > 0) return null;
    const m = SAR_TIME.exec(t[0]);
    if (!m) return undefined;
    let i = 1;
    let h = Number(m[1]);
    if (t[1] === "AM" || t[1] === "PM") h = hour12(h, t[i++]);
    const rest = t.slice(i);
    if (rest.length === 0) return undefined;
    if (rest.every((x) => SAR_COLUMN.test(x)) && rest.some((x) => /[a-z]/.test(x))) {
      this.#sarColumns = rest.length;
      return null;
    }
    if (this.#sarColumns === 0 || rest.length !== this.#sarColumns || !rest.every((x) => NUMBER.test(x))) return undefined;
    let at = ((h * 60 + Number(m[2])) * 60 + Number(m[3])) * 1000;
    // Rows go forward in time: one that goes back crossed midnight.
    if (this.#sarDay !== undefined) {
      at += this.#sarDay;
      while (at < this.#lastSarTime) at += 86_400_000;
    }
    this.#lastSarTime = at;
    return { line: number, kind: "sar", time: { at, basis: this.#sarDay === undefined ? "day" : "absolute" }, label: t.slice(0, i).join(" ") };
  }
}

// ---------------------------------------------------------------- pass 1: watching

/** The lines of an input that hold data for a moment: socket rows and counts, and counters. */
export function dataLines(r: InputReport): number {
  return r.kinds.socket + r.kinds.counter;
}

/** What pass 1 saw of one input. */
export interface InputMarks {
  path: string;
  marks: (Mark & { dataBefore: number })[];
  /** Data lines in the whole input. */
  data: number;
  /** The format of most of its lines (after the input was read). */
  format: string;
  /** The kinds of data it held. */
  holds: { sockets: boolean; counters: boolean };
}

/** Pass 1: reads nothing, changes nothing; notes where the moments of one input begin. */
export class MarkObserver implements MomentHook {
  readonly seen: InputMarks;
  readonly #reader = new MarkReader();

  constructor(path: string) {
    this.seen = { path, marks: [], data: 0, format: "none", holds: { sockets: false, counters: false } };
  }

  line(line: Line, report: InputReport): MomentTurn | undefined {
    const m = this.#reader.read(line);
    if (m) this.seen.marks.push({ ...m, dataBefore: dataLines(report) });
    return undefined;
  }

  /** Call once the input has been read. */
  done(report: InputReport): InputMarks {
    // No line says when: a time stamp in the input's name dates it whole.
    const named = this.seen.marks.length === 0 ? nameTime(this.seen.path) : undefined;
    const time = named === undefined ? undefined : readTimeLine(named);
    if (time) this.seen.marks.push({ line: 0, kind: "name", time, label: named!, dataBefore: 0 });
    this.seen.data = dataLines(report);
    this.seen.format = report.format;
    this.seen.holds = { sockets: report.kinds.socket > 0, counters: report.kinds.counter > 0 };
    return this.seen;
  }
}

// ---------------------------------------------------------------- the plan

/** One moment of one input: from `line` (or the line after `line`) on. */
export interface Segment {
  /** The line where the segment starts to be read into its own snapshot; 0 for the first. */
  switchAt: number;
  /** True when the switch comes after that line (a date printed after its table). */
  switchAfter: boolean;
  mark?: Mark;
  firstLine: number;
  lastLine: number;
  /** True for the segment that goes into the "now" snapshot (the input's latest in its track). */
  final: boolean;
}

/** How one input is read in pass 2. */
export interface InputPlan {
  path: string;
  /** No moments of its own: read into the "now" snapshot whole (settings, logs, an end-state table). */
  timeless: boolean;
  segments: Segment[];
  /** The lines that mark moments, counted as headers and not offered to the formats. */
  markLines: Set<number>;
}

/** The plan of a series: how each input is read, and the time basis. */
export interface SeriesPlan {
  inputs: InputPlan[];
  basis: TimeBasis;
  notes: string[];
}

/** Splits one input's marks into segments that each hold data; undefined when the input holds one moment or none. */
function segmentsOf(o: InputMarks, lines: number): { segments: Segment[]; markLines: Set<number> } | undefined {
  const marks = o.marks;
  if (marks.length === 0) return undefined;
  const markLines = new Set<number>();
  for (const m of marks) if (m.kind === "date" || m.kind === "watch") markLines.add(m.line);
  const first = marks[0].dataBefore;
  const tail = o.data - marks[marks.length - 1].dataBefore;
  // A date after each table: data before the first date, none after the last.
  const after = first > 0 && tail === 0 && marks.every((m) => m.kind === "date");
  const segs: Segment[] = [];
  if (after) {
    let prev = 0, prevLine = 0;
    for (const m of marks) {
      if (m.dataBefore - prev > 0) {
        segs.push({ switchAt: prevLine, switchAfter: true, mark: m, firstLine: prevLine + 1, lastLine: m.line, final: false });
        prev = m.dataBefore;
      }
      prevLine = m.line;
    }
  } else {
    for (let i = 0; i < marks.length; i++) {
      const m = marks[i];
      const end = i + 1 < marks.length ? marks[i + 1].dataBefore : o.data;
      if (end - m.dataBefore === 0) continue;
      segs.push({ switchAt: m.line, switchAfter: false, mark: m, firstLine: m.line, lastLine: 0, final: false });
    }
    // Data before the first moment's mark (a command's output before the loop) joins the first moment.
    if (segs.length) segs[0].firstLine = 1;
    for (let i = 0; i < segs.length; i++) segs[i].lastLine = i + 1 < segs.length ? segs[i + 1].firstLine - 1 : lines;
  }
  if (segs.length === 0) return undefined;
  segs[0].switchAt = 0;
  return { segments: segs, markLines };
}

/** The time of a segment (its mark's), or undefined. */
export function segmentTime(s: Segment): ReadTime | undefined {
  return s.mark?.time;
}

/**
 * Decides from what pass 1 saw whether the inputs hold a series, and how
 * to read it: undefined when they hold one moment (read as always, as one
 * snapshot). They hold a series when one input holds several moments, or
 * when inputs each of one moment were taken at different times (snapshot
 * files). The "now" snapshot gets the latest moment of each input that
 * holds several, the latest of the one-moment inputs of each format, and
 * every input that says no time.
 */
export function planSeries(observed: { marks: InputMarks; lines: number }[]): SeriesPlan | undefined {
  const notes: string[] = [];
  const plans: InputPlan[] = observed.map(({ marks, lines }) => {
    const s = segmentsOf(marks, lines);
    return s ? { path: marks.path, timeless: false, segments: s.segments, markLines: s.markLines } : { path: marks.path, timeless: true, segments: [], markLines: new Set<number>() };
  });
  const drop = (p: InputPlan, why: string) => {
    notes.push(`${p.path}: ${why}; read as one moment`);
    p.timeless = true;
    p.segments = [];
    p.markLines = new Set();
  };
  for (const p of plans) {
    // watch with no date on its header: its moments are placed by its interval.
    let t = 0;
    for (const s of p.segments) {
      if (!s.mark?.time && s.mark?.every !== undefined) {
        s.mark.time = { at: t * 1000, basis: "relative" };
        t += s.mark.every;
      }
    }
    if (!p.timeless && !p.segments.every((s) => s.mark?.time)) drop(p, "some of its moments say no time");
  }
  // One time basis for the series: dates win over times of day, which win over watch's spacing.
  const basisOf = (p: InputPlan) => p.segments[0].mark!.time!.basis;
  const live = () => plans.filter((p) => !p.timeless);
  const order: TimeBasis[] = ["absolute", "day", "relative"];
  const basis = order.find((b) => live().some((p) => basisOf(p) === b));
  if (basis === undefined) return undefined;
  for (const p of live()) {
    if (p.segments.some((s) => s.mark!.time!.basis !== basis)) drop(p, `its moments say ${basisOf(p) === "day" ? "a time of day but no date" : "no time"}, unlike the other inputs`);
  }
  const timed = live();
  const several = timed.some((p) => p.segments.length > 1);
  // Inputs of one moment each make a series only when their times are further apart than one moment.
  const times = timed.map((p) => p.segments[0].mark!.time!.at).sort((a, b) => a - b);
  const apart = times.some((t, i) => i > 0 && t - times[i - 1] > SAME_MOMENT_SECONDS * 1000);
  if (!several && !apart) return undefined;
  // The latest moment of each track goes into "now": an input of several moments is a track; one-moment inputs of a format are one.
  const tracks = new Map<string, { at: number; seg: Segment }>();
  for (const p of timed) {
    if (p.segments.length > 1) {
      p.segments[p.segments.length - 1].final = true;
      continue;
    }
    const key = observed[plans.indexOf(p)].marks.format;
    const seg = p.segments[0], at = seg.mark!.time!.at;
    const cur = tracks.get(key);
    if (!cur || at >= cur.at) tracks.set(key, { at, seg });
  }
  for (const { seg } of tracks.values()) seg.final = true;
  return { inputs: plans, basis, notes };
}

// ---------------------------------------------------------------- pass 2: splitting

/** One moment's piece of an input, read: where its rows and counts are, to summarize it. */
export interface Piece {
  path: string;
  snapshot: Snapshot;
  /** Its input report's index in `snapshot.inputs`. */
  input: number;
  /** Its rows: snapshot.sockets rows [rowFrom, rowTo). */
  rowFrom: number;
  rowTo: number;
  segment: Segment;
  /** True when it was read into the "now" snapshot. */
  final: boolean;
}

/**
 * Pass 2 over one input: reads each segment into its own snapshot (the
 * final one into the "now" snapshot), and hands each piece over when it is
 * complete (its report finished, see MomentHook.closed), so that all but the
 * last can be finished, summarized and dropped. A piece's report says when
 * it was taken (`capturedAt`) by its mark's time, when that is a date: the
 * formats do not see the mark lines, so the planner is what dates a piece.
 */
export class MomentSplitter implements MomentHook {
  readonly #plan: InputPlan;
  readonly #now: Snapshot;
  readonly #make: () => Snapshot;
  readonly #done: (p: Piece) => void;
  #next = 1;
  #piece: Piece | undefined;
  /** The piece a turn has left, handed over once the Ingestor has finished its report. */
  #left: Piece | undefined;

  constructor(plan: InputPlan, now: Snapshot, make: () => Snapshot, done: (p: Piece) => void) {
    this.#plan = plan;
    this.#now = now;
    this.#make = make;
    this.#done = done;
  }

  /** The snapshot the input's first segment is read into (give it to the Ingestor). */
  first(): Snapshot {
    const seg = this.#plan.segments[0];
    const snap = seg.final ? this.#now : this.#make();
    this.#piece = this.#open(snap, seg);
    return snap;
  }

  #open(snap: Snapshot, segment: Segment): Piece {
    return {
      path: this.#plan.path,
      snapshot: snap,
      input: snap.inputs.length,
      rowFrom: snap.sockets.length,
      rowTo: snap.sockets.length,
      segment,
      final: segment.final,
    };
  }

  line(line: Line, _report: InputReport): MomentTurn | undefined {
    const n = line.number;
    const kind: LineKind | undefined = this.#plan.markLines.has(n) ? "header" : undefined;
    const seg = this.#plan.segments[this.#next];
    if (seg && seg.switchAt === n) {
      this.#next++;
      this.#left = this.#piece;
      const snap = seg.final ? this.#now : this.#make();
      const p = this.#open(snap, seg);
      if (seg.switchAfter) {
        // The new piece starts after this line: its report is made then.
        this.#piece = p;
        return { after: snap, ...(kind ? { kind } : {}) };
      }
      this.#piece = p;
      return { into: snap, ...(kind ? { kind } : {}) };
    }
    if (kind) return { kind };
    // A sar Average row is no moment: not read into the last one.
    if (line.tokens[0] === "Average:" && this.#plan.segments.some((s) => s.mark?.kind === "sar")) return { kind: "noise" };
    return undefined;
  }

  closed(report: InputReport): void {
    const p = this.#left;
    this.#left = undefined;
    if (p) this.#close(p, report);
  }

  #close(p: Piece, report: InputReport): void {
    p.rowTo = p.snapshot.sockets.length;
    const time = p.segment.mark?.time;
    if (time?.basis === "absolute") report.capturedAt = new Date(time.at).toISOString().replace(/\.000Z$/, "Z");
    this.#done(p);
  }

  /** Call once the input has been read (Ingestor.end): hands over its last piece. */
  finish(report: InputReport): void {
    const p = this.#piece;
    this.#piece = undefined;
    if (p) this.#close(p, report);
  }
}
