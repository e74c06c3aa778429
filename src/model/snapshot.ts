/** The snapshot: everything read from the inputs, before any reasoning. */

import { SocketTable } from "./socket_table.ts";
import { STATES, type StateName } from "./states.ts";

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

/** Where and when a snapshot was taken, as far as it is known. */
export interface Capture {
  /** The operating system, as Node names it: linux, darwin, win32, freebsd. */
  platform?: string;
  host?: string;
  kernel?: string;
  /** ISO time the capture started. */
  time?: string;
  /** The tcpdoc version that wrote a snapshot file. */
  tcpdoc?: string;
}

/** Why an input is only part of a socket table; absent on a full table. */
export interface SampleInfo {
  reasons: SampleReason[];
  /** The states its rows are limited to, when a filter says so (`ss ... state X`, `| grep CLOSE_WAIT`); absent when any state may appear. */
  states?: StateName[];
  /** Ports its rows are limited to (`sport = :8080`, `| grep :8080`, `| grep 8080`). */
  ports?: number[];
  /** The filters as pasted, for the report ("grep 8080", "head -20", "state close-wait"). */
  filters: string[];
}

/** What made an input a sample of a socket table. */
export type SampleReason =
  | "grep" // a grep/findstr/Select-String stage kept only matching rows
  | "state-filter" // an ss state filter, lsof -sTCP:STATE, Get-NetTCPConnection -State
  | "port-filter" // ss sport/dport, lsof -i :PORT, netstat | grep :PORT
  | "head"
  | "tail" // head/tail/select -first
  | "elided" // "...", "[very long list]", "... truncated" between or after rows
  | "count-exceeds-rows"; // a count line in the same paste is larger than the rows shown

/** A count without rows, where it was read. */
export interface TallyRecord {
  line: number;
  /** null when the count is of sockets in any state (`netstat -ant | wc -l`). */
  state: StateName | null;
  count: number;
  how: "wc-l" | "grep-c" | "histogram" | "group-object" | "host-count" | "summary";
  /** The command the count belongs to, as pasted, when there is one. */
  command?: string;
}

/** The platforms a snapshot's tables can come from. */
export type Platform = "linux" | "macos" | "freebsd" | "windows";

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
  /** What the header of a tcpdoc snapshot file says; absent for other inputs. */
  capture?: Capture;
  /** Why the input is only part of a socket table; absent on a full table. */
  sample?: SampleInfo;
  /** Counts without rows, each where it was read. */
  tallies?: TallyRecord[];
  /** Rows of this input dropped because another input of the same moment listed the same socket (4-tuple and state). */
  merged?: number;
  /** When the input says it was taken (snapshot header, a `date` line before the table, a timestamp in its name); absent when it does not say. ISO 8601. */
  capturedAt?: string;
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
  | "LISTEN_OVERFLOW" // FreeBSD/macOS sonewconn: "Listen queue overflow: N already in queue awaiting acceptance"
  | "CONNTRACK_FULL" // nf_conntrack: table full, dropping packet
  | "SOCKET_MEMORY"; // "Out of socket memory", "TCP: out of memory -- consider tuning tcp_mem"

/** The port or address an error line names ("listen EADDRINUSE: address already in use :::8080"). */
export interface SymptomEndpoint {
  host?: string;
  port?: number;
}

/** One line that showed a symptom. */
export interface SymptomExample extends Origin {
  text: string;
  endpoint?: SymptomEndpoint;
  /** A number the line states (queue length, count). */
  figure?: number;
  /** SYN_FLOODING: "cookies" (Sending cookies) or "drop" (Dropping request). */
  variant?: string;
  /** "linux" | "freebsd" | "macos" | "windows" when the line says. */
  platform?: string;
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
  /** A live snapshot's host and time. */
  capture?: Capture;
  /** The platform the socket tables come from (the formats, or the live host); undefined when nothing says. */
  platform?: Platform;
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
