/** Reads one input line by line, lets the parsers claim each line, and accounts for all of them. */

import {
  type InputReport,
  LINE_KINDS,
  type LineKind,
  type Snapshot,
  type SymptomKind,
  UNPARSED_KEEP,
} from "../model/snapshot.ts";
import type { SocketRow } from "../model/socket_table.ts";
import { cleanLine, LineDecoder } from "./decode.ts";
import { type LineParser, type ParseContext, type Sink, tokenize } from "./parser.ts";

const EXAMPLES_KEPT = 5;
/** Kinds that say which format an input is in. */
const DATA_KINDS = new Set<LineKind>(["socket", "other-socket", "detail", "counter", "sysctl", "symptom"]);

/** Feeds one input into a snapshot. Call push() per chunk, then end(). */
export class Ingestor implements Sink {
  readonly report: InputReport;
  readonly #snap: Snapshot;
  readonly #parsers: readonly LineParser[];
  readonly #index: number;
  readonly #decoder = new LineDecoder();
  readonly #ctx: ParseContext = { stateFilter: 0, stateFilterAmbiguous: false, columns: undefined, scratch: {} };
  #sticky: LineParser | undefined;
  #lineNo = 0;
  #lastSocket = -1;
  #onLine = (raw: string) => this.#line(raw);

  constructor(snapshot: Snapshot, path: string, parsers: readonly LineParser[]) {
    this.#snap = snapshot;
    this.#parsers = parsers;
    this.#index = snapshot.inputs.length;
    const kinds = Object.fromEntries(LINE_KINDS.map((k) => [k, 0])) as Record<LineKind, number>;
    this.report = {
      path,
      format: "none",
      formats: {},
      encoding: "utf-8",
      lines: 0,
      sockets: 0,
      kinds,
      unparsed: 0,
      unparsedLines: [],
    };
    snapshot.inputs.push(this.report);
  }

  /** Reads a chunk of bytes. */
  push(chunk: Uint8Array): void {
    this.#decoder.push(chunk, this.#onLine);
  }

  /** Reads text that is already decoded (tests, pasted strings). */
  pushText(text: string): void {
    this.push(new TextEncoder().encode(text));
  }

  /** Finishes the input and returns its report. */
  end(): InputReport {
    this.#decoder.end(this.#onLine);
    const r = this.report;
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
    const number = ++this.#lineNo;
    const text = cleanLine(raw);
    const tokens = tokenize(text);
    let kind: LineKind | undefined;
    let by: LineParser | undefined;
    if (tokens.length === 0) kind = "noise";
    else {
      const line = { text, tokens, number };
      const ctx = this.#ctx;
      if (this.#sticky) {
        kind = this.#sticky.parse(line, ctx, this);
        by = this.#sticky;
      }
      if (kind === undefined) {
        for (const p of this.#parsers) {
          if (p === this.#sticky) continue;
          kind = p.parse(line, ctx, this);
          if (kind !== undefined) {
            by = p;
            break;
          }
        }
      }
    }
    const r = this.report;
    if (kind === undefined) {
      kind = "unparsed";
      r.unparsed++;
      if (r.unparsedLines.length < UNPARSED_KEEP) r.unparsedLines.push({ line: number, text: text.slice(0, 200) });
    } else if (by && (DATA_KINDS.has(kind) || kind === "header")) {
      this.#sticky = by;
      if (DATA_KINDS.has(kind)) r.formats[by.format] = (r.formats[by.format] ?? 0) + 1;
    }
    r.kinds[kind]++;
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

  symptom(kind: SymptomKind, text: string): void {
    let s = this.#snap.symptoms.get(kind);
    if (!s) this.#snap.symptoms.set(kind, s = { kind, count: 0, examples: [] });
    s.count++;
    if (s.examples.length < EXAMPLES_KEPT) {
      s.examples.push({ input: this.#index, line: this.#lineNo, text: text.trim().slice(0, 300) });
    }
  }
}
