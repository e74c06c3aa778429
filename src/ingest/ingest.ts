/** Reads one input line by line, lets the formats claim each line, and accounts for all of them. */

import {
  type Capture,
  type InputReport,
  LINE_KINDS,
  type LineKind,
  type Snapshot,
  type Symptom,
  type SymptomEndpoint,
  type SymptomKind,
  UNPARSED_KEEP,
} from "../model/snapshot.ts";
import { plainRow, type SocketRow } from "../model/socket_table.ts";
import { cleanLine, LineDecoder } from "./decode.ts";
import { type Format, type Line, MAX_LINE, type ParseContext, type RowReader, type Sink } from "./format.ts";
import { REGISTRY, type Registry } from "./registry.ts";
import type { RowsAhead } from "./rows_ahead.ts";
import { unwrapPaste, withoutLineNumber } from "./paste.ts";
import { tokenize } from "./scan.ts";

const EXAMPLES_KEPT = 5;

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
}
/** Kinds that say which format an input is in. */
const DATA_KINDS = new Set<LineKind>(["socket", "other-socket", "detail", "counter", "sysctl", "symptom"]);

/** Feeds one input into a snapshot. Call push() per chunk, then end(). */
export class Ingestor implements Sink {
  report: InputReport;
  #snap: Snapshot;
  readonly #formats: readonly Format[];
  #index: number;
  readonly #path: string;
  readonly #moments: MomentHook | undefined;
  readonly #decoder = new LineDecoder(MAX_LINE + 1);
  readonly #ctx: ParseContext;
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
  /** The input whose capture lines describe the snapshot's capture (see capture()), or -1. */
  #captureInput = -1;
  #onRange = (text: string, start: number, end: number) => {
    if (
      this.#fast === undefined || end - start > MAX_LINE ||
      !this.#fast(text, start, end, this.#snap.sockets.strings, this.#row, this.#ctx)
    ) {
      this.#line(text.slice(start, end));
    } else this.#plain();
  };

  constructor(snapshot: Snapshot, path: string, registry: Registry = REGISTRY, moments?: MomentHook) {
    this.#snap = snapshot;
    this.#path = path;
    this.#moments = moments;
    this.#formats = registry.formats;
    this.#ctx = {
      states: registry.states,
      commands: registry.commands,
      stateFilter: 0,
      stateFilterAmbiguous: false,
      columns: undefined,
      foreignCommand: undefined,
      scratch: {},
    };
    this.#index = snapshot.inputs.length;
    this.report = newReport(path);
    snapshot.inputs.push(this.report);
  }

  /** Reads on into another snapshot (the next moment of a series), with a new report for the same path. */
  #moveTo(snap: Snapshot): void {
    this.#countFastRows();
    this.#close(this.report);
    this.#snap = snap;
    this.#index = snap.inputs.length;
    this.report = newReport(this.#path);
    snap.inputs.push(this.report);
    this.#lastSocket = -1;
    this.#firstRow = snap.sockets.length;
    this.#captureInput = -1;
  }

  /** Reads a chunk of bytes. */
  push(chunk: Uint8Array): void {
    if (this.#firstRow === -1) this.#firstRow = this.#snap.sockets.length;
    this.#decoder.pushRanges(chunk, this.#onRange);
    this.#pushed += chunk.length;
    if (this.#expected > 0) this.#reserve();
  }

  /**
   * Tells the size of the input in bytes, when known: after the first
   * megabyte the socket table is sized for the whole input at the density
   * seen so far, so a big dump does not copy its columns at each doubling.
   */
  expectBytes(total: number): void {
    this.#expected = total;
  }

  #reserve(): void {
    if (this.#pushed < Math.min(this.#expected, 1 << 20)) return;
    const t = this.#snap.sockets, rows = t.length - this.#firstRow;
    if (rows > 0 && this.#expected > this.#pushed) t.reserve(t.length + Math.ceil((rows * (this.#expected - this.#pushed) / this.#pushed) * 1.05) + 64);
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
    const remap = new Uint32Array(rows.strings.length);
    for (let k = 1; k < rows.strings.length; k++) {
      remap[k] = rows.quads[k] >= 0 ? t.strings.internV4(rows.quads[k]) : t.strings.intern(rows.strings[k]!);
    }
    t.appendPlain(rows.columns, n, remap, this.#index, this.#lineNo + 1);
    this.#lineNo += n;
    if (n > 0) this.#lastSocket = t.length - 1;
    r.sockets += n;
    r.kinds.socket += n;
    if (n > 0) r.formats[rows.format] = (r.formats[rows.format] ?? 0) + n;
    Object.assign(this.#ctx.scratch, rows.scratch);
  }

  /** Finishes the input and returns its report. */
  end(): InputReport {
    this.#decoder.endRanges(this.#onRange);
    this.#countFastRows();
    return this.#close(this.report);
  }

  #close(r: InputReport): InputReport {
    r.encoding = this.#decoder.encoding;
    r.lines = this.#lineNo;
    let best = "none", bestScore = 0;
    for (const [f, n] of Object.entries(r.formats)) {
      if (n > bestScore) [best, bestScore] = [f, n];
    }
    r.format = best;
    return r;
  }

  #line(raw: string): void {
    this.#countFastRows();
    const number = ++this.#lineNo;
    // A line longer than any row, counter or log line is reported as not
    // understood without being split: its tokens would cost memory in
    // proportion, and no pattern should see it.
    const long = raw.length > MAX_LINE;
    // Markdown around a pasted dump: fences, "> " quotes, inline-code backticks (paste.ts).
    const text = unwrapPaste(cleanLine(long ? raw.slice(0, 200) : raw));
    const tokens = long ? [] : tokenize(text);
    let kind: LineKind | undefined;
    let by: Format | undefined;
    const turn = this.#moments && tokens.length > 0 ? this.#moments.line({ text, tokens, number }, this.report) : undefined;
    if (turn?.into) this.#moveTo(turn.into);
    if (long) kind = undefined;
    else if (tokens.length === 0) kind = "noise";
    else if (turn?.kind) kind = turn.kind;
    else {
      [kind, by] = this.#claim(text, tokens, number);
      // A row behind a line number (cat -n, grep -n, an editor's gutter).
      if (kind === undefined) {
        const rest = withoutLineNumber(text);
        if (rest !== undefined) {
          const restTokens = tokenize(rest);
          if (restTokens.length > 0) [kind, by] = this.#claim(rest, restTokens, number);
        }
      }
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
      if (DATA_KINDS.has(kind)) r.formats[by.format] = (r.formats[by.format] ?? 0) + 1;
    }
    r.kinds[kind]++;
    if (turn?.after) this.#moveTo(turn.after);
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
      if (kind !== undefined) return [kind, this.#sticky];
    }
    for (const p of this.#formats) {
      if (p === this.#sticky) continue;
      const kind = p.parse(line, ctx, this);
      if (kind !== undefined) return [kind, p];
    }
    return [undefined, undefined];
  }

  /** Books a socket row that the sticky format's fast reader read, as #line would. */
  #plain(): void {
    const r = this.report;
    this.#lastSocket = this.#snap.sockets.addPlain(this.#row, this.#index, ++this.#lineNo);
    r.sockets++;
    r.kinds.socket++;
    this.#fastRows++;
  }

  /** Adds the rows the fast reader read since the last call to the sticky format's count. */
  #countFastRows(): void {
    if (this.#fastRows === 0) return;
    const f = this.#sticky!.format, r = this.report;
    r.formats[f] = (r.formats[f] ?? 0) + this.#fastRows;
    this.#fastRows = 0;
  }

  // Sink

  socket(row: SocketRow): void {
    this.#lastSocket = this.#snap.sockets.add(row, this.#index, this.#lineNo);
    this.report.sockets++;
  }

  tally(state: number, count: number): void {
    this.#snap.tallies[state] += count;
    this.report.sockets += count;
  }

  detail(fields: Partial<SocketRow>): boolean {
    const i = this.#lastSocket;
    if (i < 0) return false;
    const t = this.#snap.sockets;
    if (fields.timer) t.timer[i] = t.strings.intern(fields.timer);
    if (fields.inode !== undefined) t.inode[i] = fields.inode;
    if (fields.user) t.user[i] = t.strings.intern(fields.user);
    if (fields.pid !== undefined) t.pid[i] = fields.pid;
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
  }

  symptom(kind: SymptomKind, text: string, endpoint?: SymptomEndpoint): void {
    let s = this.#snap.symptoms.get(kind);
    if (!s) this.#snap.symptoms.set(kind, s = { kind, count: 0, examples: [], ports: {} });
    s.count++;
    if (endpoint?.port !== undefined) s.ports[endpoint.port] = (s.ports[endpoint.port] ?? 0) + 1;
    if (s.examples.length < EXAMPLES_KEPT) {
      const ex: Symptom["examples"][number] = { input: this.#index, line: this.#lineNo, text: text.trim().slice(0, 300) };
      if (endpoint) ex.endpoint = endpoint;
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
