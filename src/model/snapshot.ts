/** The snapshot: everything read from the inputs, before any reasoning. */

import type { Series } from "./series.ts";
import { SocketTable } from "./socket_table.ts";
import { STATES } from "./states.ts";

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
  | "TW_BUCKET_OVERFLOW";

/** The port or address an error line names ("listen EADDRINUSE: address already in use :::8080"). */
export interface SymptomEndpoint {
  host?: string;
  port?: number;
}

/** One kind of error with how often it was seen and where. */
export interface Symptom {
  kind: SymptomKind;
  count: number;
  /** The first few lines that showed it, with the endpoint each names, if any. */
  examples: (Origin & { text: string; endpoint?: SymptomEndpoint })[];
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
   * Sockets known only by count, per state id (index 0: state unknown), from
   * state histograms and PowerShell Group-Object tables.
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
  };
}
