/** The snapshot: everything read from the inputs, before any reasoning. */

import type { Series } from "./series.ts";
import { SocketTable } from "./socket_table.ts";
import { STATES, type StateName } from "./states.ts";

/** The systems whose socket tables tcpdoc tells apart. */
export type Platform = "linux" | "macos" | "freebsd" | "windows";

/** How a line of input was understood. Every line gets exactly one kind. */
export type LineKind =
  | "socket" // a TCP socket row
  | "other-socket" // a UDP, UNIX or raw socket row: read, not counted as TCP
  | "detail" // a continuation line that adds fields to the socket above it
  | "counter" // a kernel counter
  | "sysctl" // a kernel setting
  | "symptom" // an application or kernel error line naming a socket error
  | "header" // a table heading or title
  | "noise" // blank line, shell prompt, command line, ^C, separator
  | "log" // a log line that names no socket error
  | "unparsed"; // not understood: reported with its line number

/** Every line kind, for iteration in a stable order. */
export const LINE_KINDS: readonly LineKind[] = [
  "socket", "other-socket", "detail", "counter", "sysctl", "symptom", "header", "noise", "log", "unparsed",
];

/** Why an input is only part of a socket table (see {@link SampleInfo}). */
export type SampleReason =
  | "grep" // a grep/findstr/Select-String (or awk condition) stage kept only matching rows
  | "state-filter" // an ss state filter, lsof -sTCP:STATE, Get-NetTCPConnection -State, ss -l
  | "port-filter" // ss sport/dport, lsof -i :PORT, Get-NetTCPConnection -LocalPort
  | "process-filter" // lsof -p PID, Get-NetTCPConnection -OwningProcess
  | "head" // head, Select-Object -First
  | "tail" // tail, Select-Object -Last
  | "elided" // "...", "[very long list]", "... truncated" between or after rows
  | "count-exceeds-rows"; // a count line in the same input is larger than the rows shown

/** Every sample reason, in a stable order. */
export const SAMPLE_REASONS: readonly SampleReason[] = [
  "grep", "state-filter", "port-filter", "process-filter", "head", "tail", "elided", "count-exceeds-rows",
];

/**
 * Why an input is only part of a socket table; absent on a full table. What
 * is absent from an excerpt is unknown, never zero.
 */
export interface SampleInfo {
  reasons: SampleReason[];
  /** The states its rows are limited to, when a filter says so; absent when any state may appear. */
  states?: StateName[];
  /** The ports its rows are limited to (`sport = :8080`, `| grep :8080`, `| grep 8080`). */
  ports?: number[];
  /** The filters as pasted ("grep 8080", "head -20", "state close-wait"). */
  filters: string[];
}

/** How a count without rows was given. */
export type TallyHow = "wc-l" | "grep-c" | "histogram" | "group-object" | "host-count" | "summary";

/** A count of sockets without their rows, where it was read. */
export interface TallyRecord {
  line: number;
  /** null when the count is not of one state: of any state (`ss -tan | wc -l`, the total of `ss -s`), or of those in `states`. */
  state: StateName | null;
  /** The states a count of several states covers (`grep WAIT | wc -l`); absent for one state or any state. */
  states?: StateName[];
  count: number;
  how: TallyHow;
  /** The command the count belongs to, as pasted, when there is one. */
  command?: string;
}

/** A line tcpdoc could not understand. */
export interface UnparsedLine {
  line: number;
  text: string;
}

/** What one input contributed. */
export interface InputReport {
  /** The path as given, `-` for stdin, `live:/proc` for a live snapshot. */
  path: string;
  /** The format that accounts for most recognised lines, or "none". */
  format: string;
  /** Recognised lines per format. */
  formats: Record<string, number>;
  /** Text encoding the bytes were decoded with. */
  encoding: string;
  lines: number;
  /** TCP sockets read from this input. */
  sockets: number;
  /** Lines per kind. */
  kinds: Record<LineKind, number>;
  unparsed: number;
  /** The first unparsed lines, with their numbers (at most UNPARSED_KEEP). */
  unparsedLines: UnparsedLine[];
  /** What the header of a tcpdoc snapshot file says (where and when it was taken); absent for other inputs. */
  capture?: Partial<Capture>;
  /** Why this input is only part of a socket table; absent on a full table (or an input without one). */
  sample?: SampleInfo;
  /** Counts without rows, each where it was read (at most TALLIES_KEEP; every one counts). */
  tallies?: TallyRecord[];
  /**
   * Rows of this input dropped because another input of the same moment
   * listed the same socket (4-tuple and state); absent when none.
   */
  merged?: number;
  /** When the input says it was taken (a snapshot header, a `date` line before the table, a time in its name), ISO 8601. */
  capturedAt?: string;
  /** The system its socket tables or lines come from, when its formats say. */
  platform?: Platform;
  /** Rows a terminal had folded onto two lines, put together again. */
  folded?: number;
  /** Lines that held several rows a web page had run together, split back. */
  collapsed?: number;
}

/** How many tally records each input keeps (a histogram of every port can be long). */
export const TALLIES_KEEP = 200;

/**
 * Counts without rows that belong together: one histogram, the counts one
 * command printed, one `ss -s`. Within a group the counts add up (the lines
 * of a histogram, the hosts of a fleet tool); groups are other views of the
 * same table and are not added to each other (see src/ingest/combine.ts).
 */
export interface CountGroup {
  /** "table": counted from the socket table (histogram, `| wc -l`, Group-Object, per-host counts); "gauge": the kernel's own figure (`ss -s`, sockstat, CurrEstab), taken a moment apart and counted its own way. */
  source: "table" | "gauge";
  /** Sockets per state id. */
  states: Map<number, number>;
  /** Counts of several states together (`grep WAIT | wc -l`, a histogram's `FIN_WAIT`); `among` empty: of any state (a total). */
  mixed: { among: number[]; count: number }[];
  /** The command line it was printed under, as pasted, if any. */
  command?: string;
  /** Which pasting of that command line in its input (0 for the first): the same command pasted again is another run. */
  run: number;
}

/** What the reader of one input keeps for finishing the snapshot (src/ingest/combine.ts); no report shows it. */
export interface InputLedger {
  groups: CountGroup[];
  /** Some of its rows are a whole table: no filter, head, tail or elision kept them to a part. */
  fullTable: boolean;
  /** It holds tables of several moments (a `date` line between them): a series, never merged with other inputs. */
  series: boolean;
  /** The command lines its rows were printed under: an input with the same command as another is another run of it, not merged with it. */
  commands: string[];
}

/** How many unparsed lines each input keeps verbatim. */
export const UNPARSED_KEEP = 50;

/** Where a value came from. */
export interface Origin {
  input: number;
  line: number;
}

/** A kernel counter such as TcpExtListenOverflows, named as nstat names it. */
export interface Counter extends Origin {
  name: string;
  value: number;
}

/** A kernel setting such as net.ipv4.ip_local_port_range. */
export interface Sysctl extends Origin {
  key: string;
  value: string;
}

/** Socket errors an application or the kernel reported. */
export type SymptomKind =
  | "EADDRINUSE"
  | "EADDRNOTAVAIL"
  | "ECONNREFUSED"
  | "ETIMEDOUT"
  | "ECONNRESET"
  | "EMFILE"
  | "ENOBUFS"
  | "SYN_FLOODING"
  | "ORPHANS_EXCEEDED"
  | "TW_BUCKET_OVERFLOW"
  | "LISTEN_OVERFLOW"
  | "CONNTRACK_FULL"
  | "SOCKET_MEMORY";

/** Every symptom kind, in a stable order (the facts and the docs list them from here). */
export const SYMPTOM_KINDS: readonly SymptomKind[] = [
  "EADDRINUSE", "EADDRNOTAVAIL", "ECONNREFUSED", "ETIMEDOUT", "ECONNRESET", "EMFILE", "ENOBUFS",
  "SYN_FLOODING", "ORPHANS_EXCEEDED", "TW_BUCKET_OVERFLOW", "LISTEN_OVERFLOW", "CONNTRACK_FULL", "SOCKET_MEMORY",
];

/** The port or address an error line names ("listen EADDRINUSE: address already in use :::8080"). */
export interface SymptomEndpoint {
  host?: string;
  port?: number;
}

/** What else an error line says besides its kind and endpoint. */
export interface SymptomDetail {
  /** A number the line states: a listen queue's length, a count of sockets. */
  figure?: number;
  /** SYN_FLOODING: "cookies" (Sending cookies) or "drop" (Dropping request). */
  variant?: string;
  /** The system the line comes from, when the line says (a kernel's wording, a Windows error number). */
  platform?: Platform;
}

/** One line that showed a symptom. */
export interface SymptomExample extends Origin, SymptomDetail {
  text: string;
  endpoint?: SymptomEndpoint;
}

/** One kind of error with how often it was seen and where. */
export interface Symptom {
  kind: SymptomKind;
  count: number;
  /** The first few lines that showed it, with the endpoint each names, if any. */
  examples: SymptomExample[];
  /** How many lines named each port (only lines that name one). */
  ports: Record<number, number>;
}

/**
 * Where and when a snapshot was captured: filled by a live capture, and read
 * back from a `tcpdoc snapshot` file's header. Metadata about the capture,
 * never kernel counters.
 */
export interface Capture {
  /** The system read, as Node names it: linux, darwin, win32, freebsd. */
  platform: string;
  host: string;
  /** The kernel release (`uname -r`). */
  kernel: string;
  /** ISO time the capture started. */
  time: string;
  /** The tcpdoc version that wrote the snapshot file, when read from one. */
  tcpdoc?: string;
  /**
   * The scan that maps sockets to processes (Linux, /proc/PID/fd): processes
   * looked at, those whose descriptors could not be read, socket inodes left
   * without an owner. Absent when the scan did not run (--no-owners).
   */
  ownerScan?: OwnerScan;
  /** Labels given to `tcpdoc snapshot --label KEY=VALUE` (build, role: what fleet rules compare hosts by). */
  labels?: Record<string, string>;
}

/** Figures of the owner scan (see {@link Capture.ownerScan}). */
export interface OwnerScan {
  processes: number;
  unreadable: number;
  unowned: number;
}

/** Everything read from the inputs. */
export interface Snapshot {
  inputs: InputReport[];
  sockets: SocketTable;
  /**
   * Sockets known only by count, per state id (index 0: state unknown): what
   * the counts without rows (histograms, `| wc -l`, Group-Object, `ss -s`)
   * add to the rows, as finishSnapshot (src/ingest/combine.ts) works it out.
   * The facts read rows plus these. Index 0 may be negative: rows of an
   * unknown state that the counts of known states already cover.
   */
  tallies: number[];
  /** Latest value per counter name. */
  counters: Map<string, Counter>;
  /** Latest value per sysctl key. */
  sysctls: Map<string, Sysctl>;
  symptoms: Map<SymptomKind, Symptom>;
  /** True when read from this machine's kernel rather than from dumps. */
  live: boolean;
  /** Where and when the data was captured, when known (a live read, a snapshot file). */
  capture?: Capture;
  /** The system the socket tables come from (the formats, or the live host); undefined when nothing says. */
  platform?: Platform;
  /** Rows dropped in all because another input of the same moment listed the same socket. */
  merged: number;
  /** Per input: what finishSnapshot combines (keyed by the input's report, so an input taken back leaves nothing behind). */
  ledger: Map<InputReport, InputLedger>;
  /**
   * When the inputs hold several moments: the series they make, this
   * snapshot being its last moment ("now") with the inputs that say no time.
   */
  series?: Series;
}

/** Returns an empty snapshot. */
export function emptySnapshot(live = false): Snapshot {
  return {
    inputs: [],
    sockets: new SocketTable(),
    tallies: new Array<number>(STATES.length + 1).fill(0),
    counters: new Map(),
    sysctls: new Map(),
    symptoms: new Map(),
    live,
    merged: 0,
    ledger: new Map(),
  };
}
