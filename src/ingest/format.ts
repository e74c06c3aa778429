/**
 * What a format is: the contract between a format module
 * (src/ingest/formats/<format>.ts), the registry that composes the formats,
 * and the line dispatcher (ingest.ts). docs/formats.md walks through adding one.
 */

import type { Capture, LineKind, Platform, SymptomDetail, SymptomEndpoint, SymptomKind, TallyHow } from "../model/snapshot.ts";
import type { PlainRow, SocketRow, StringPool } from "../model/socket_table.ts";
import type { CommandReading, ToolWords } from "./command_line.ts";
import type { StateSpellings, StateWords } from "./state_words.ts";

/**
 * Longest line offered to a format, in characters. Longer lines (binary
 * junk, a paste that lost its newlines) are no row, counter or log line:
 * they are reported as not understood, unread. The longest real lines are
 * /proc/net/netstat's, about 2 KiB.
 */
export const MAX_LINE = 8 << 10;

/**
 * The longest line offered to the formats that read several rows on one
 * line (a printed Python list of psutil reprs holds a whole table); their
 * parsers scan it once, without tokens.
 */
export const MAX_MANY_LINE = 1 << 20;

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
  /**
   * Sockets known only by a count (state histograms, `| wc -l` after a state
   * filter, Group-Object tables, `ss -s`): `count` sockets in `state`, or,
   * with state 0, in one of `among` (an empty list: in any state).
   */
  tally(state: number, count: number, how: TallyHow, among?: readonly number[]): void;
  /** Adds fields to the socket added last (ss -o/-i/-e continuation lines). */
  detail(fields: Partial<SocketRow>): boolean;
  counter(name: string, value: number): void;
  sysctl(key: string, value: string): void;
  /**
   * An error line; `endpoint` is the port or address it names, when it names
   * one; `times` how many times the log says it happened (syslog's "last
   * message repeated N times"), 1 by default.
   */
  symptom(kind: SymptomKind, text: string, endpoint?: SymptomEndpoint, detail?: SymptomDetail, times?: number): void;
  /** Where and when the input was captured (a snapshot file's header). */
  capture(fields: Partial<Capture>): void;
  /** The time the lines below were taken (a `date` line, watch's header), ISO 8601. */
  moment(iso: string): void;
  /** Rows were left out here ("...", "[very long list]", "... truncated"). */
  elided(): void;
  /** The system the line comes from, when the line says so beyond its format. */
  platform(p: Platform): void;
}

/** Per-input state shared by the parsers while one input is read. */
export interface ParseContext {
  /** Every format's state words (the registry's composed table). */
  readonly states: StateWords;
  /** Commands whose output tcpdoc reads, and the ones that wrap them (the registry's composed set). */
  readonly commands: ReadonlySet<string>;
  /**
   * The state every row of the current table has when the command that made
   * it filtered on one state (`ss -tan state close-wait`); 0 when unknown.
   */
  stateFilter: number;
  /** Set when a state filter was seen but names several states. */
  stateFilterAmbiguous: boolean;
  /** What the command line above the current output says about it (its filters, a count, a sysctl's value); undefined when none was pasted. */
  command: CommandReading | undefined;
  /** The state words each tool prints, from the registry (for reading a command line's filters). */
  readonly toolWords: ToolWords;
  /**
   * Set by the shell format when a command line has its output glued on
   * (`ss -s Total: 280 ...`): the rest of the line, offered to the formats as
   * the line's reading.
   */
  glued: string | undefined;
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
 * A fast reader for the rows big dumps are made of, on the input's bytes
 * (UTF-8). `read` reads the line that starts at `b[start]`, which ends at
 * the first LF from there or at `end`, in place into `out` (strings
 * interned in `pool`), and returns where it ends (the index of its LF, or
 * `end`); or returns -1 to leave the line to the careful parser. It must
 * read a row exactly as the format's `parse` would read the line decoded
 * (same fields, same side effects) or decline, so it declines any byte that
 * decoding and cleaning could change where it reads (beyond ASCII, control
 * characters); each format's tests check that on real, mutated and
 * generated rows. A class's method, its scratch state in the instance: one
 * function for every input, whose compiled code V8 keeps from one input to
 * the next (a closure made per input loses it: a watch reads new inputs
 * every tick).
 */
export interface RowReader {
  read(b: Uint8Array, start: number, end: number, pool: StringPool, out: PlainRow, ctx: ParseContext): number;
}

/**
 * One input format: everything tcpdoc knows about it, in one module. The
 * registry (registry.ts) composes the list; nothing here is global.
 */
export interface Format {
  /** Format id reported in `inputs[].format`, for example "ss". */
  readonly format: string;
  /** What it reads, for `tcpdoc formats` and the README. */
  readonly reads: string;
  /** The state words its tools print, exactly as printed. */
  readonly states?: StateSpellings;
  /** Commands whose output it reads, as typed at a prompt (the shell format knows them by these). */
  readonly commands?: readonly string[];
  /**
   * When it is offered a line. "frame" formats read what surrounds a dump
   * (a snapshot file's own lines, a shell transcript's prompts) and see
   * every line before the others; "fallback" formats claim lines of any
   * shape and see only what no other format claimed; the rest ("data", the
   * default) come in between, in the registry's order.
   */
  readonly pass?: "frame" | "data" | "fallback";
  /**
   * The careful parser: returns the line's kind when it understands the
   * line, or undefined to let the next format try. It must not throw on any
   * input, and must take time linear in the line's length.
   */
  parse(line: Line, ctx: ParseContext, sink: Sink): LineKind | undefined;
  /** Makes a fast row reader with its own scratch state (formats whose rows come by the million). */
  readonly rows?: () => RowReader;
  /** The system whose tools print this format, when only one does (ss: linux). */
  readonly platform?: Platform;
  /** One line may hold several rows (psutil's printed list); otherwise a line is at most one row. */
  readonly manyPerLine?: boolean;
}

/**
 * A format's own state for the current input, kept in `ctx.scratch[key]`
 * and made by `init` on first use.
 */
export function parserState<T>(ctx: ParseContext, key: string, init: () => T): T {
  return (ctx.scratch[key] ??= init()) as T;
}
