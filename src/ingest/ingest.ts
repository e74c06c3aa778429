/** Reads one input line by line, lets the formats claim each line, and accounts for all of them. */

import {
  type Capture,
  type CountGroup,
  type InputLedger,
  type InputReport,
  LINE_KINDS,
  type LineKind,
  type Platform,
  type SampleInfo,
  type SampleReason,
  SAMPLE_REASONS,
  type Snapshot,
  type SymptomDetail,
  type SymptomEndpoint,
  type SymptomExample,
  type SymptomKind,
  TALLIES_KEEP,
  type TallyHow,
  UNPARSED_KEEP,
} from "../model/snapshot.ts";
import { NONE, plainRow, type SocketRow, type SocketTable, timerCell } from "../model/socket_table.ts";
import { stateName, STATES, UNKNOWN_STATE } from "../model/states.ts";
import type { CommandReading } from "./command_line.ts";
import { resolveCounts } from "./combine.ts";
import { type BlockReader, cleanLine, LineDecoder } from "./decode.ts";
import { type Format, type Line, MAX_LINE, MAX_MANY_LINE, type ParseContext, type RowReader, type Sink } from "./format.ts";
import { nameTime } from "./moment.ts";
import { REGISTRY, type Registry } from "./registry.ts";
import type { RowsAhead } from "./rows_ahead.ts";
import { collapsedRows, foldedRowStart, unwrapPaste, withoutLineNumber, withoutTablePipes } from "./paste.ts";
import { tokenize } from "./scan.ts";

const EXAMPLES_KEPT = 5;
/** The most bytes decoded into one string at a time. */
const PIECE = 1 << 16;

/**
 * What a moment hook says about a line (src/ingest/series.ts splits an
 * input that holds several moments): where the line and those after it go,
 * and whether the formats see it.
 */
export interface MomentTurn {
  /** Read this line and the lines after it into this snapshot: a moment begins here. */
  into?: Snapshot;
  /** Read the lines after this one into this snapshot: this line ends a moment. */
  after?: Snapshot;
  /** Count the line as this kind without offering it to the formats (a date line that marks a moment). */
  kind?: LineKind;
}

/** Consulted on each line the formats read one by one (never on fast rows), before the formats. */
export interface MomentHook {
  line(line: Line, report: InputReport): MomentTurn | undefined;
  /**
   * Called when a turn has finished the report of the moment it leaves (its
   * ledger complete, ready for finishSnapshot), before the next is read.
   */
  closed?(report: InputReport): void;
}
/** Kinds that say which format an input is in. */
const DATA_KINDS = new Set<LineKind>(["socket", "other-socket", "detail", "counter", "sysctl", "symptom"]);

/** A stretch of an input under one command line and one moment: its rows share a filter and a time. */
interface Segment {
  /** First line of the stretch. */
  from: number;
  command: CommandReading | undefined;
  moment: string | undefined;
  /** An elision ("...", "[very long list]") was seen in it. */
  elided: boolean;
  /** A count in it (or in a count of the same state in this input) exceeds the rows it shows. */
  rows: number;
}

/** The group tallies are being added to, with what started it. */
interface OpenGroup {
  group: CountGroup;
  command: CommandReading | undefined;
  moment: string | undefined;
  /** The states (or state sets) counted in it so far: one counted again starts a new group (the next snapshot). */
  keys: Set<string>;
}

/** Collects the socket rows a trial reading of a line makes, and nothing else (see #tryRow). */
class RowProbe implements Sink {
  rows: SocketRow[] = [];
  other = false;
  socket(row: SocketRow): void {
    this.rows.push(row);
  }
  tally(): void {
    this.other = true;
  }
  detail(): boolean {
    return false;
  }
  counter(): void {
    this.other = true;
  }
  sysctl(): void {
    this.other = true;
  }
  symptom(): void {
    this.other = true;
  }
  capture(): void {}
  moment(): void {}
  elided(): void {}
  platform(): void {}
}

/** No port guessed (ports are 0 to 65535, NONE is -1). */
const NO_GUESS = -2;

/**
 * Counts the rows of input `index` from row `first` on: by state into
 * `all`; by segment (a row is in the last segment whose `from` line is at
 * or before its line), by state into `bySeg` (segment k's at k * states),
 * how many into `segCount`, and in `guessSeen` whether one has the
 * segment's port `guess` as its local or remote port. Its own function over
 * typed arrays: it runs over every row of each input (each tick of a watch).
 */
function countRows(
  t: SocketTable, first: number, index: number, from: Float64Array, guess: Int32Array,
  all: Int32Array, bySeg: Int32Array, segCount: Int32Array, guessSeen: Uint8Array,
): void {
  const input = t.input, line = t.line, state = t.state, lport = t.localPort, rport = t.remotePort, nsegs = from.length, n = all.length;
  let k = 0, g = nsegs ? guess[0] : NO_GUESS;
  for (let i = first; i < t.length; i++) {
    if (input[i] !== index) continue;
    const st = state[i];
    all[st]++;
    if (nsegs === 0) continue;
    if (k + 1 < nsegs && from[k + 1] <= line[i]) {
      while (k + 1 < nsegs && from[k + 1] <= line[i]) k++;
      g = guess[k];
    }
    bySeg[k * n + st]++;
    segCount[k]++;
    if (g !== NO_GUESS && (lport[i] === g || rport[i] === g)) guessSeen[k] = 1;
  }
}

/** Feeds one input into a snapshot. Call push() per chunk, then end(). */
export class Ingestor implements Sink, BlockReader {
  report: InputReport;
  #snap: Snapshot;
  readonly #formats: readonly Format[];
  #index: number;
  readonly #path: string;
  readonly #moments: MomentHook | undefined;
  readonly #decoder = new LineDecoder(MAX_MANY_LINE + 1);
  readonly #ctx: ParseContext;
  // What follows, up to #prev, is kept per input report: a moment hook that
  // moves on to another moment's snapshot starts it all anew (#moveTo).
  #ledger: InputLedger = newLedger();
  /** Each command line read, by the pasting of its text it is (0 for the first): see CountGroup.run. */
  #runs = new Map<CommandReading, number>();
  #pastings = new Map<string, number>();
  /** The format that claimed the last data or header line: offered the next line first. */
  #sticky: Format | undefined;
  /** The sticky format's fast row reader, if it has one. */
  #fast: RowReader | undefined;
  /** Each format's fast row reader, made on first use. */
  readonly #readers = new Map<Format, RowReader>();
  readonly #row = plainRow();
  #lineNo = 0;
  #lastSocket = -1;
  /** Rows the fast reader read and #countFastRows has not yet counted by format. */
  #fastRows = 0;
  /** Size of the input when known (expectBytes), bytes pushed so far, and the table's size at the start. */
  #expected = 0;
  #pushed = 0;
  #firstRow = -1;
  /** The string pool's size when #firstRow was taken. */
  #firstId = 0;
  /** The input whose capture lines describe the snapshot's capture (see capture()), or -1. */
  #captureInput = -1;
  /** The stretches of the input under one command and moment, in order. */
  #segments: Segment[] = [];
  #group: OpenGroup | undefined;
  /** The moment the lines are from (a `date` line), and the distinct moments that had data after them. */
  #moment: string | undefined;
  #momentsWithData = 0;
  #momentHasData = false;
  /** Lines per platform its formats and lines named. */
  #platforms = new Map<Platform, number>();
  /** The line before, as read: a row cut in two by a terminal can be put together again (see #line). */
  #prev: { text: string; number: number; kind: LineKind; unknownRow: boolean } | undefined;
  #onRange = (text: string, start: number, end: number) => {
    this.#line(text.slice(start, end));
  };
  /** Decodes the lines the fast readers leave (whole lines, no state carried between them). */
  #text: TextDecoder | undefined;

  constructor(snapshot: Snapshot, path: string, registry: Registry = REGISTRY, moments?: MomentHook) {
    this.#snap = snapshot;
    this.#path = path;
    this.#moments = moments;
    this.#formats = registry.formats;
    this.#ctx = registry.context();
    this.#index = snapshot.inputs.length;
    this.report = newReport(path);
    snapshot.inputs.push(this.report);
    snapshot.ledger.set(this.report, this.#ledger);
  }

  /**
   * Reads on into another snapshot (the next moment of a series): the
   * report of the moment left is finished, and the next gets its own
   * report for the same path, its own ledger and its own stretches, count
   * groups and moments, so each moment's snapshot is finished
   * (finishSnapshot) on its own. The parse context (the command line the
   * rows are under) and the sticky format carry on.
   */
  #moveTo(snap: Snapshot): void {
    this.#countFastRows();
    const left = this.#close(this.report);
    this.#snap = snap;
    this.#index = snap.inputs.length;
    this.report = newReport(this.#path);
    snap.inputs.push(this.report);
    snap.ledger.set(this.report, this.#ledger = newLedger());
    this.#runs = new Map();
    this.#pastings = new Map();
    this.#segments = [];
    this.#group = undefined;
    this.#moment = undefined;
    this.#momentsWithData = 0;
    this.#momentHasData = false;
    this.#platforms = new Map();
    this.#prev = undefined;
    this.#lastSocket = -1;
    this.#firstRow = snap.sockets.length;
    this.#firstId = snap.sockets.strings.size;
    this.#captureInput = -1;
    this.#moments?.closed?.(left);
  }

  /** Reads a chunk of bytes. */
  push(chunk: Uint8Array): void {
    if (this.#firstRow === -1) this.#firstRow = this.#snap.sockets.length, this.#firstId = this.#snap.sockets.strings.size;
    this.#decoder.pushBlocks(chunk, this, this.#onRange);
    this.#pushed += chunk.length;
    if (this.#expected > 0) this.#reserve();
    const t = this.#snap.sockets;
    t.memory?.wrote(t.length);
  }

  /**
   * Whole UTF-8 lines as bytes (the decoder's {@link BlockReader}): the
   * sticky format's fast reader reads what it can in place; a line it
   * declines is decoded, with the lines after it up to 64 KiB at a time
   * (bigger pieces decode into strings that linger: bench/README.md), and
   * goes the careful way, line by line.
   */
  readBlock(b: Uint8Array, start: number, end: number): void {
    const row = this.#row, ctx = this.#ctx;
    let p = start;
    // The decoded text of b[from, to), once a line needed it; `ascii`: its offsets are the bytes'; `at`: the next line in it.
    let text = "", from = 0, to = 0, ascii = false, at = 0;
    while (p < end) {
      const fast = this.#fast;
      if (fast !== undefined && (p >= to || ascii)) {
        const e = fast.read(b, p, end, this.#snap.sockets.strings, row, ctx);
        if (e >= 0) {
          this.#plain();
          p = e + 1;
          continue;
        }
      }
      if (p >= to) {
        to = end - p > PIECE ? b.lastIndexOf(10, p + PIECE - 1) + 1 : end;
        if (to <= p) to = b.indexOf(10, p) + 1;
        text = (this.#text ??= new TextDecoder("utf-8", { ignoreBOM: true })).decode(b.subarray(p, to));
        from = p;
        ascii = text.length === to - p;
        at = 0;
      } else if (ascii) at = p - from;
      const nl = text.indexOf("\n", at);
      this.#line(text.slice(at, nl));
      at = nl + 1;
      p = ascii ? from + at : b.indexOf(10, p) + 1;
    }
  }

  /**
   * Tells the size of the input in bytes, when known, and of the inputs
   * still to come after it: after the first megabyte the socket table is
   * sized for all of them at the density seen so far, so a big dump does
   * not copy its columns at each doubling, nor when the next file of the
   * same capture (/proc/net/tcp6 after tcp) comes; so is the string pool's
   * list of ids, at the rate new ones came (a million distinct peers). Room
   * reserved and not filled costs address space, not memory: the pages are
   * never touched.
   */
  expectBytes(total: number, after = 0): void {
    this.#expected = total;
    this.#after = after;
  }

  #after = 0;

  #reserve(): void {
    if (this.#pushed < Math.min(this.#expected, 1 << 20)) return;
    const t = this.#snap.sockets, rows = t.length - this.#firstRow;
    const left = this.#expected - this.#pushed + this.#after;
    if (rows > 0 && left > 0) t.reserve(t.length + Math.ceil((rows * left / this.#pushed) * 1.05) + 64);
    const pool = t.strings, ids = pool.size - this.#firstId;
    if (ids > 0 && left > 0) pool.reserve(pool.size + Math.ceil((ids * left / this.#pushed) * 1.05) + 64);
    this.#expected = 0;
  }

  /** Reads text that is already decoded (tests, pasted strings). */
  pushText(text: string): void {
    // In 64 KiB pieces, as files are read (big chunks decode to costly strings: see src/sources/files.ts).
    const bytes = new TextEncoder().encode(text);
    if (bytes.length === 0) this.push(bytes);
    for (let i = 0; i < bytes.length; i += 1 << 16) this.push(bytes.subarray(i, i + (1 << 16)));
  }

  /** The format whose fast reader reads the next line first, if any (see rows_ahead.ts). */
  fastFormat(): string | undefined {
    return this.#fast !== undefined ? this.#sticky!.format : undefined;
  }

  /** True when the input so far is UTF-8 and ends with a whole line. */
  atLineStart(): boolean {
    return this.#decoder.atLineStart();
  }

  /**
   * Books rows read ahead from where this input has got to, as the fast
   * reader of `rows.format` would have booked them here (one line each).
   * Call only at a line start, when fastFormat() returns that format.
   */
  adopt(rows: RowsAhead): void {
    this.#countFastRows();
    const t = this.#snap.sockets, n = rows.count, r = this.report;
    const remap = t.strings.internAll(rows.strings);
    t.appendPlain(rows.columns, n, remap, this.#index, this.#lineNo + 1);
    this.#lineNo += n;
    if (n > 0) {
      this.#lastSocket = t.length - 1;
      this.#momentHasData = true;
    }
    r.sockets += n;
    r.kinds.socket += n;
    if (n > 0) r.formats[rows.format] = (r.formats[rows.format] ?? 0) + n;
    Object.assign(this.#ctx.scratch, rows.scratch);
  }

  /** Finishes the input and returns its report. */
  end(): InputReport {
    this.#decoder.endBlocks(this, this.#onRange);
    this.#countFastRows();
    return this.#close(this.report);
  }

  /** Finishes the report of the input (or of the moment of it being left). */
  #close(r: InputReport): InputReport {
    r.encoding = this.#decoder.encoding;
    r.lines = this.#lineNo;
    let best = "none", bestScore = 0;
    for (const [f, n] of Object.entries(r.formats)) {
      if (n > bestScore) [best, bestScore] = [f, n];
    }
    r.format = best;
    this.#finishSegments();
    if (this.#momentHasData) this.#momentsWithData++;
    this.#ledger.series = this.#momentsWithData > 1;
    r.capturedAt ??= this.#segments.find((s) => s.moment !== undefined)?.moment ?? r.capture?.time ?? nameTime(r.path);
    let platform: Platform | undefined, votes = 0;
    for (const [p, n] of this.#platforms) if (n > votes) [platform, votes] = [p, n];
    if (platform) r.platform = platform;
    return r;
  }

  /**
   * Works out, from the rows of each stretch and its command line, whether
   * the input is a whole table or an excerpt and why; and the input's
   * sockets (rows and counts together).
   */
  #finishSegments(): void {
    const t = this.#snap.sockets, r = this.report, segs = this.#segments;
    const first = this.#firstRow < 0 ? t.length : this.#firstRow;
    const n = STATES.length + 1, nsegs = segs.length;
    const from = new Float64Array(nsegs), guess = new Int32Array(nsegs);
    for (let s = 0; s < nsegs; s++) from[s] = segs[s].from, guess[s] = segs[s].command?.portGuess ?? NO_GUESS;
    const all = new Int32Array(n), bySeg = new Int32Array(nsegs * n), segCount = new Int32Array(nsegs), guessSeen = new Uint8Array(nsegs);
    countRows(t, first, this.#index, from, guess, all, bySeg, segCount, guessSeen);
    for (let s = 0; s < nsegs; s++) segs[s].rows += segCount[s];
    const rowsByState = Array.from(all);
    const segRows = segs.map((_, s) => Array.from(bySeg.subarray(s * n, s * n + n)));
    const rows = rowsByState.reduce((a, b) => a + b, 0);
    // Counts of a state above the rows of it shown: those rows are a part.
    // The kernel's own gauges are no count of the table's rows: CurrEstab counts CLOSE_WAIT too, sockstat's
    // tw the orphaned FIN_WAIT_2 (kept as timewait socks), ss -s's total sockets no table lists; a snapshot
    // file holds them beside its whole table, which they must not make a part.
    const counted = resolveCounts(new Array<number>(STATES.length + 1).fill(0), this.#ledger.groups.filter((g) => g.source !== "gauge"), false);
    const exceeds = (c: number[]) => c.some((n, id) => id > 0 && n > 0 && counted.byState[id] > n) || rows > 0 && counted.total > rows;
    const sample: SampleInfo = { reasons: [], filters: [] };
    let limitedStates: Set<number> | undefined, limitedPorts: Set<number> | undefined;
    let anyFull = false, anyPart = false, allStates = true, allPorts = true;
    const reason = (why: SampleReason, filter?: string) => {
      if (!sample.reasons.includes(why)) sample.reasons.push(why);
      if (filter !== undefined && !sample.filters.includes(filter)) sample.filters.push(filter);
    };
    for (let s = 0; s < segs.length; s++) {
      const seg = segs[s], c = seg.command;
      if (c && seg.rows > 0 && !this.#ledger.commands.includes(c.text)) this.#ledger.commands.push(c.text);
      // a count, or a histogram of one port's rows (`awk '$5 ~ /:8139/'`): what it counts is a part of the table
      const counts = this.#ledger.groups.length > 0 && (c?.count !== undefined || c?.histogram === true && (c.ports?.length ?? 0) > 0 && c.portGuess === undefined);
      if (seg.rows === 0 && !counts) continue;
      const reasons = [...(c?.reasons ?? [])];
      if (seg.elided && seg.rows > 0) reasons.push("elided");
      if (seg.rows > 0 && exceeds(segRows[s])) reasons.push("count-exceeds-rows");
      if (reasons.length === 0) {
        if (seg.rows > 0) anyFull = true;
        continue;
      }
      anyPart = true;
      for (const why of reasons) reason(why);
      for (const f of c?.filters ?? []) if (!sample.filters.includes(f)) sample.filters.push(f);
      if (c?.states) {
        limitedStates ??= new Set();
        for (const x of c.states) limitedStates.add(x);
      } else allStates = false;
      let ports = c?.ports;
      // A bare number grepped for was a port only if the rows show it as one (else it was a pid or a count).
      if (ports && c?.portGuess !== undefined && !guessSeen[s]) ports = ports.filter((p) => p !== c.portGuess);
      if (ports && ports.length) {
        limitedPorts ??= new Set();
        for (const x of ports) limitedPorts.add(x);
      } else allPorts = false;
    }
    this.#ledger.fullTable = anyFull;
    if (anyPart && !anyFull) {
      sample.reasons.sort((a, b) => SAMPLE_REASONS.indexOf(a) - SAMPLE_REASONS.indexOf(b));
      if (allStates && limitedStates) sample.states = [...limitedStates].sort((a, b) => a - b).map((id) => stateName(id)!);
      if (allPorts && limitedPorts) sample.ports = [...limitedPorts].sort((a, b) => a - b);
      r.sample = sample;
    }
    r.sockets = resolveCounts(rowsByState, this.#ledger.groups, anyFull).total;
  }

  /** Opens a new stretch when the command line or the moment changed. */
  #segmentAt(number: number): void {
    const last = this.#segments[this.#segments.length - 1];
    const c = this.#ctx.command;
    if (last && last.command === c && last.moment === this.#moment) return;
    this.#segments.push({ from: number, command: c, moment: this.#moment, elided: false, rows: 0 });
  }

  #line(raw: string): void {
    this.#countFastRows();
    const number = ++this.#lineNo;
    // A line longer than any row, counter or log line is not split into
    // tokens (they would cost memory in proportion) and no pattern sees it;
    // only a list of rows printed on one line (psutil) is read from it,
    // else it is reported as not understood.
    const long = raw.length > MAX_LINE;
    // Markdown around a pasted dump: fences, "> " quotes, inline-code backticks (paste.ts).
    const text = unwrapPaste(cleanLine(long ? raw.slice(0, 200) : raw));
    const tokens = long ? [] : tokenize(text);
    let kind: LineKind | undefined;
    let by: Format | undefined;
    let unknownRow = false;
    const turn = this.#moments && tokens.length > 0 ? this.#moments.line({ text, tokens, number }, this.report) : undefined;
    if (turn?.into) this.#moveTo(turn.into);
    if (long) [kind, by] = this.#readMany(raw, number);
    else if (tokens.length === 0) kind = "noise";
    else if (turn?.kind) kind = turn.kind;
    else {
      [kind, by, unknownRow] = this.#read(text, tokens, number);
    }
    const r = this.report;
    // Output of a command tcpdoc does not read, pasted between its prompts.
    if (kind === undefined && this.#ctx.foreignCommand !== undefined) kind = "noise";
    if (kind === undefined) {
      kind = "unparsed";
      r.unparsed++;
      if (r.unparsedLines.length < UNPARSED_KEEP) r.unparsedLines.push({ line: number, text: text.slice(0, 200) });
    } else if (by && (DATA_KINDS.has(kind) || kind === "header")) {
      if (by !== this.#sticky) this.#fast = this.#readerOf(by);
      this.#sticky = by;
      if (DATA_KINDS.has(kind)) {
        r.formats[by.format] = (r.formats[by.format] ?? 0) + 1;
        if (by.platform) this.#vote(by.platform);
      }
    }
    r.kinds[kind]++;
    this.#prev = tokens.length === 0 ? undefined : { text, number, kind, unknownRow };
    if (turn?.after) this.#moveTo(turn.after);
  }

  /**
   * Reads one line: as it is, then as a paste may have mangled it. A row a
   * terminal folded in two is put together again; a table a web page ran
   * into one line is split into its rows; a line number, table pipes or
   * output glued to its command line are taken off. Returns the kind, the
   * format, and whether the line made one row of unknown state.
   */
  #read(text: string, tokens: string[], number: number): [LineKind | undefined, Format | undefined, boolean] {
    // A row folded by the terminal, whose first half was left unread: this line may complete it.
    const prev = this.#prev;
    if (prev && prev.number === number - 1 && prev.kind === "unparsed" && foldedRowStart(prev.text)) {
      const joined = this.#tryRow(prev.text + " " + text, number, true);
      if (joined) {
        this.#retractUnparsed(prev.number);
        this.report.kinds.socket++;
        this.report.folded = (this.report.folded ?? 0) + 1;
        this.#commitRow(joined.row, joined.by, prev.number);
        return ["detail", joined.by, false];
      }
    }
    // A table a web page ran into one line: split it back where each part is a row.
    const split = collapsedRows(tokens, (w) => this.#ctx.states.id(w) !== UNKNOWN_STATE);
    if (split) {
      const k = this.#readPieces(split, number);
      if (k) return k;
    }
    let [kind, by] = this.#claim(text, tokens, number);
    const glued = this.#ctx.glued;
    if (glued !== undefined) {
      // Output glued to its command line ("ss -s Total: 280 ..."): read it as the line.
      this.#ctx.glued = undefined;
      const gt = tokenize(glued);
      const pieces = collapsedRows(gt, (w) => this.#ctx.states.id(w) !== UNKNOWN_STATE);
      const k = pieces ? this.#readPieces(pieces, number) : undefined;
      const [k2, by2] = k ?? this.#claim(glued, gt, number);
      if (k2 !== undefined && k2 !== "noise") return [k2, by2, false];
    }
    if (kind !== undefined) {
      const t = this.#snap.sockets;
      const unknownRow = kind === "socket" && this.#lastSocket === t.length - 1 && t.line[this.#lastSocket] === number &&
        t.input[this.#lastSocket] === this.#index && t.state[this.#lastSocket] === UNKNOWN_STATE;
      return [kind, by, unknownRow];
    }
    // The second half of a folded row whose first half was read as a row without its state.
    if (prev && prev.number === number - 1 && prev.unknownRow) {
      const joined = this.#tryRow(prev.text + " " + text, number, true);
      if (joined && joined.row.state !== UNKNOWN_STATE) {
        this.#amendLastRow(joined.row);
        this.report.folded = (this.report.folded ?? 0) + 1;
        return ["detail", joined.by, false];
      }
    }
    // A row behind a line number (cat -n, grep -n, an editor's gutter, a web page's numbered list).
    const rest = withoutLineNumber(text);
    if (rest !== undefined) {
      const restTokens = tokenize(rest);
      if (restTokens.length > 0) {
        [kind, by] = this.#claim(rest, restTokens, number);
        if (kind !== undefined) return [kind, by, false];
      }
    }
    // A table drawn with pipes ("TCP | 1048396 | 0 | 10.0.0.1:4976 | ..."), or cell borders left at the end.
    const bare = withoutTablePipes(text);
    if (bare !== undefined) {
      const bareTokens = tokenize(bare);
      if (bareTokens.length === 0) return ["header", undefined, false];
      [kind, by] = this.#claim(bare, bareTokens, number);
      if (kind !== undefined) return [kind, by, false];
    }
    return [undefined, undefined, false];
  }

  /** Reads the parts of a line that held several rows; undefined (nothing read) unless the first part is a row. */
  #readPieces(pieces: string[][], number: number): [LineKind | undefined, Format | undefined, boolean] | undefined {
    const first = this.#tryRow(pieces[0].join(" "), number);
    if (!first) return undefined;
    let all = true;
    let by: Format | undefined = first.by;
    this.#commitRow(first.row, first.by, number);
    for (let k = 1; k < pieces.length; k++) {
      const text = pieces[k].join(" ");
      const [kind, f] = this.#claim(text, pieces[k], number);
      if (kind !== "socket" && kind !== "other-socket") all = false;
      by ??= f;
    }
    this.report.collapsed = (this.report.collapsed ?? 0) + 1;
    if (all) return ["socket", by, false];
    // Some parts were not rows: the line is listed as not understood, its rows still count.
    return [undefined, undefined, false];
  }

  /**
   * Reads `text` as one row without adding it; the row and its format, or
   * undefined when it is not exactly one row (`stated`: one whose state the
   * line says; a format that reads it without one lets the next try).
   */
  #tryRow(text: string, number: number, stated = false): { row: SocketRow; by: Format } | undefined {
    const tokens = tokenize(text);
    if (tokens.length === 0) return undefined;
    const probe = new RowProbe();
    const line: Line = { text, tokens, number };
    const order = this.#sticky ? [this.#sticky, ...this.#formats.filter((f) => f !== this.#sticky)] : this.#formats;
    for (const f of order) {
      const kind = f.parse(line, this.#ctx, probe);
      if (kind === undefined) continue;
      if (kind === "socket" && probe.rows.length === 1 && !probe.other) {
        if (!stated || probe.rows[0].state !== UNKNOWN_STATE) return { row: probe.rows[0], by: f };
        probe.rows = [];
        continue;
      }
      return undefined;
    }
    return undefined;
  }

  /** Adds a row read by #tryRow, as if its format had read it at line `number`. */
  #commitRow(row: SocketRow, by: Format, number: number): void {
    const saved = this.#lineNo;
    this.#lineNo = number;
    this.#segmentAt(number);
    this.socket(row);
    this.#lineNo = saved;
    this.report.formats[by.format] = (this.report.formats[by.format] ?? 0) + 1;
    if (by.platform) this.#vote(by.platform);
    if (by !== this.#sticky) this.#fast = this.#readerOf(by);
    this.#sticky = by;
  }

  /** Gives the row added last the fields the whole row (its two halves together) has. */
  #amendLastRow(row: SocketRow): void {
    const i = this.#lastSocket, t = this.#snap.sockets, s = t.strings;
    t.state[i] = row.state;
    if (row.localPort !== NONE && t.localPort[i] === NONE) {
      t.localAddr[i] = s.intern(row.localAddress);
      t.localPort[i] = row.localPort;
    }
    if (row.remotePort !== NONE && t.remotePort[i] === NONE) {
      t.remoteAddr[i] = s.intern(row.remoteAddress);
      t.remotePort[i] = row.remotePort;
    }
    this.detail(row);
  }

  /** Takes back the unparsed line `number` (it turned out to be the first half of a row). */
  #retractUnparsed(number: number): void {
    const r = this.report;
    r.unparsed--;
    r.kinds.unparsed--;
    const last = r.unparsedLines[r.unparsedLines.length - 1];
    if (last?.line === number) r.unparsedLines.pop();
  }

  /** A format's fast row reader (one per input: it keeps its own scratch state), if it has one. */
  #readerOf(f: Format): RowReader | undefined {
    if (f.rows === undefined) return undefined;
    let r = this.#readers.get(f);
    if (r === undefined) this.#readers.set(f, r = f.rows());
    return r;
  }

  /** Offers a line to the sticky format, then to all in order; returns the kind and the format that claimed it. */
  #claim(text: string, tokens: string[], number: number): [LineKind | undefined, Format | undefined] {
    const line = { text, tokens, number };
    const ctx = this.#ctx;
    if (this.#sticky) {
      const kind = this.#sticky.parse(line, ctx, this);
      if (kind !== undefined) return this.#claimed(kind, this.#sticky, number);
    }
    for (const p of this.#formats) {
      if (p === this.#sticky) continue;
      const kind = p.parse(line, ctx, this);
      if (kind !== undefined) return this.#claimed(kind, p, number);
    }
    return [undefined, undefined];
  }

  /**
   * A line too long for a row: only the formats that read several rows on
   * one line look at it, whole and without tokens.
   */
  #readMany(raw: string, number: number): [LineKind | undefined, Format | undefined] {
    if (raw.length > MAX_MANY_LINE) return [undefined, undefined];
    const line = { text: unwrapPaste(cleanLine(raw)), tokens: [], number };
    for (const p of this.#formats) {
      if (!p.manyPerLine) continue;
      const kind = p.parse(line, this.#ctx, this);
      if (kind === "socket" || kind === "other-socket") return this.#claimed(kind, p, number);
    }
    return [undefined, undefined];
  }

  #claimed(kind: LineKind, by: Format, number: number): [LineKind, Format] {
    this.#segmentAt(number);
    return [kind, by];
  }

  /** Books a socket row that the sticky format's fast reader read, as #line would. */
  #plain(): void {
    const r = this.report;
    this.#lastSocket = this.#snap.sockets.addPlain(this.#row, this.#index, ++this.#lineNo);
    r.sockets++;
    r.kinds.socket++;
    this.#fastRows++;
    this.#momentHasData = true;
    this.#prev = undefined;
  }

  /** Adds the rows the fast reader read since the last call to the sticky format's count. */
  #countFastRows(): void {
    if (this.#fastRows === 0) return;
    const f = this.#sticky!, r = this.report;
    r.formats[f.format] = (r.formats[f.format] ?? 0) + this.#fastRows;
    if (f.platform) this.#vote(f.platform, this.#fastRows);
    this.#fastRows = 0;
  }

  /** Which pasting of its command line's text `c` is in this input. */
  #runOf(c: CommandReading | undefined): number {
    if (!c) return 0;
    let run = this.#runs.get(c);
    if (run === undefined) {
      run = this.#pastings.get(c.text) ?? 0;
      this.#pastings.set(c.text, run + 1);
      this.#runs.set(c, run);
    }
    return run;
  }

  #vote(p: Platform, n = 1): void {
    this.#platforms.set(p, (this.#platforms.get(p) ?? 0) + n);
  }

  // Sink

  socket(row: SocketRow): void {
    this.#lastSocket = this.#snap.sockets.add(row, this.#index, this.#lineNo);
    this.report.sockets++;
    this.#momentHasData = true;
  }

  tally(state: number, count: number, how: TallyHow, among?: readonly number[]): void {
    // What an unfinished snapshot shows (a check's output read back); finishSnapshot works the tallies out anew.
    this.#snap.tallies[state] += count;
    this.#momentHasData = true;
    const c = this.#ctx.command;
    const source = how === "summary" ? "gauge" : "table";
    const key = state !== UNKNOWN_STATE ? `s${state}` : `m${(among ?? []).join(",")}`;
    let g = this.#group;
    const adds = how === "host-count" || how === "group-object";
    if (!g || g.command !== c || g.moment !== this.#moment || g.group.source !== source || g.keys.has(key) && !adds) {
      const group: CountGroup = { source, states: new Map(), mixed: [], run: this.#runOf(c) };
      if (c) group.command = c.text;
      g = this.#group = { group, command: c, moment: this.#moment, keys: new Set() };
      this.#ledger.groups.push(group);
    }
    g.keys.add(key);
    if (state !== UNKNOWN_STATE) g.group.states.set(state, (g.group.states.get(state) ?? 0) + count);
    else {
      const list = [...(among ?? [])];
      const m = g.group.mixed.find((x) => x.among.length === list.length && x.among.every((v, i) => v === list[i]));
      if (m) m.count += count;
      else g.group.mixed.push({ among: list, count });
    }
    const r = this.report;
    r.tallies ??= [];
    if (r.tallies.length < TALLIES_KEEP) {
      const rec: NonNullable<InputReport["tallies"]>[number] = { line: this.#lineNo, state: stateName(state) ?? null, count, how };
      if (state === UNKNOWN_STATE && among && among.length) rec.states = among.map((id) => stateName(id)!);
      if (c) rec.command = c.text;
      r.tallies.push(rec);
    }
  }

  detail(fields: Partial<SocketRow>): boolean {
    const i = this.#lastSocket;
    if (i < 0) return false;
    const t = this.#snap.sockets;
    if (fields.timer) t.timer[i] = timerCell(fields.timer, t.strings);
    if (fields.inode !== undefined) t.setInode(i, fields.inode);
    if (fields.user) t.user[i] = t.strings.intern(fields.user);
    if (fields.pid !== undefined) t.setPid(i, fields.pid);
    if (fields.program) t.program[i] = t.strings.intern(fields.program);
    return true;
  }

  counter(name: string, value: number): void {
    this.#snap.counters.set(name, { name, value, input: this.#index, line: this.#lineNo });
  }

  sysctl(key: string, value: string): void {
    this.#snap.sysctls.set(key, { key, value, input: this.#index, line: this.#lineNo });
  }

  /**
   * Where and when this input was captured (a snapshot file's header): kept
   * on the input, and as the snapshot's capture. The first capture
   * described wins there: a later snapshot file does not rewrite it.
   */
  capture(fields: Partial<Capture>): void {
    this.report.capture = { ...this.report.capture, ...fields };
    const c = this.#snap.capture;
    if (c === undefined) {
      this.#snap.capture = { platform: "", host: "", kernel: "", time: "", ...fields };
      this.#captureInput = this.#index;
    } else if (this.#captureInput === this.#index) Object.assign(c, fields);
    const p = fields.platform === "darwin" ? "macos" : fields.platform === "win32" ? "windows" : fields.platform;
    if (p === "linux" || p === "macos" || p === "freebsd" || p === "windows") this.#vote(p, 1 << 20);
  }

  moment(iso: string): void {
    if (iso === this.#moment) return;
    if (this.#momentHasData) this.#momentsWithData++;
    this.#momentHasData = false;
    this.#moment = iso;
  }

  elided(): void {
    const last = this.#segments[this.#segments.length - 1];
    if (last) last.elided = true;
    else this.#segments.push({ from: this.#lineNo, command: this.#ctx.command, moment: this.#moment, elided: true, rows: 0 });
  }

  platform(p: Platform): void {
    this.#vote(p);
  }

  symptom(kind: SymptomKind, text: string, endpoint?: SymptomEndpoint, detail?: SymptomDetail, times = 1): void {
    let s = this.#snap.symptoms.get(kind);
    if (!s) this.#snap.symptoms.set(kind, s = { kind, count: 0, examples: [], ports: {} });
    s.count += times;
    if (endpoint?.port !== undefined) s.ports[endpoint.port] = (s.ports[endpoint.port] ?? 0) + times;
    if (detail?.platform) this.#vote(detail.platform);
    if (s.examples.length < EXAMPLES_KEPT) {
      const ex: SymptomExample = { input: this.#index, line: this.#lineNo, text: text.trim().slice(0, 300) };
      if (endpoint) ex.endpoint = endpoint;
      if (detail?.figure !== undefined) ex.figure = detail.figure;
      if (detail?.variant !== undefined) ex.variant = detail.variant;
      if (detail?.platform !== undefined) ex.platform = detail.platform;
      s.examples.push(ex);
    }
  }
}

function newReport(path: string): InputReport {
  return {
    path,
    format: "none",
    formats: {},
    encoding: "utf-8",
    lines: 0,
    sockets: 0,
    kinds: Object.fromEntries(LINE_KINDS.map((k) => [k, 0])) as Record<LineKind, number>,
    unparsed: 0,
    unparsedLines: [],
  };
}

function newLedger(): InputLedger {
  return { groups: [], fullTable: false, series: false, commands: [] };
}
