/** The contract between the line dispatcher and the format parsers. */

import type { Capture, LineKind, SymptomEndpoint, SymptomKind } from "../model/snapshot.ts";
import type { SocketRow } from "../model/socket_table.ts";

/** One input line, cleaned and split on white space. */
export interface Line {
  /** The line without CR, ANSI escapes or control characters. */
  text: string;
  /** White-space separated fields of `text`. */
  tokens: string[];
  /** 1-based line number in its input. */
  number: number;
}

/** Where parsers put what they read. */
export interface Sink {
  socket(row: SocketRow): void;
  /** Sockets known only by a count (state histograms, Group-Object tables). */
  tally(state: number, count: number): void;
  /** Adds fields to the socket added last (ss -o/-i/-e continuation lines). */
  detail(fields: Partial<SocketRow>): boolean;
  counter(name: string, value: number): void;
  sysctl(key: string, value: string): void;
  /** An error line; `endpoint` is the port or address it names, when it names one. */
  symptom(kind: SymptomKind, text: string, endpoint?: SymptomEndpoint): void;
  /** Where and when the input was captured (a snapshot file's header). */
  capture?(info: Capture): void;
}

/** Per-input state shared by the parsers while one input is read. */
export interface ParseContext {
  /**
   * The state every row of the current table has when the command that made
   * it filtered on one state (`ss -tan state close-wait`); 0 when unknown.
   */
  stateFilter: number;
  /** Set when a state filter was seen but names several states. */
  stateFilterAmbiguous: boolean;
  /** Column names of the current header-driven table (PowerShell), if any. */
  columns: string[] | undefined;
  /**
   * Set after a prompt with a command tcpdoc does not read (get-service, ls):
   * lines no parser claims until the next command are that command's output.
   */
  foreignCommand: string | undefined;
  /** Free slots a parser may keep between lines, keyed by its format. */
  scratch: Record<string, unknown>;
}

/**
 * A parser for one family of formats. `parse` returns the line's kind when
 * it understands the line, or undefined to let the next parser try. It must
 * not throw on any input.
 */
export interface LineParser {
  /** Format id reported in `inputs[].format`, for example "ss". */
  readonly format: string;
  parse(line: Line, ctx: ParseContext, sink: Sink): LineKind | undefined;
}

/** Returns true when `s` is all ASCII digits. */
export function isDigits(s: string): boolean {
  if (s.length === 0) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/** Splits a line on spaces and tabs. */
export function tokenize(text: string): string[] {
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    let c = text.charCodeAt(i);
    while (i < n && (c === 32 || c === 9)) c = text.charCodeAt(++i);
    if (i >= n) break;
    const start = i;
    while (i < n && c !== 32 && c !== 9) c = text.charCodeAt(++i);
    out.push(text.slice(start, i));
  }
  return out;
}

/**
 * A parser's own state for the current input, kept in `ctx.scratch[key]`
 * and made by `init` on first use.
 */
export function parserState<T>(ctx: ParseContext, key: string, init: () => T): T {
  return (ctx.scratch[key] ??= init()) as T;
}
