/**
 * The file `tcpdoc snapshot` writes, both ways: {@link renderSnapshotFile}
 * writes it, the format reads it back. It is the raw sources themselves,
 * each after a `# source` line, so the other formats read them; this one
 * reads only its own `#` lines and gives /proc/net/tcp rows their owners:
 *
 * ```text
 * # tcpdoc snapshot v1 platform=linux host=web1 kernel=6.1.0 time=2024-05-01T10:00:00.000Z tcpdoc=0.1.0
 * # owner-scan processes=212 unreadable=3 unowned=0
 * # socket-owner inode=41234 pid=812 comm="nginx"
 * # source /proc/net/tcp
 *   sl  local_address rem_address   st tx_queue rx_queue ...
 *    0: 00000000:0050 00000000:0000 0A 00000000:00000000 ...
 * # source /proc/sys
 * net.ipv4.tcp_tw_reuse = 2
 * # end
 * ```
 *
 * The first two lines say where and when (the snapshot's `capture`); owner
 * lines come before the tables, so each row gets its pid and program as it
 * is read.
 */

import type { Capture, LineKind } from "../../model/snapshot.ts";
import type { SocketRow } from "../../model/socket_table.ts";
import { inert } from "../../text/inert.ts";
import type { Format, Line, ParseContext, Sink } from "../format.ts";
import { digitsValue } from "../scan.ts";
import { procNetTcp } from "./proc_net_tcp.ts";

const FORMAT = "tcpdoc-snapshot";

/** The first line of a snapshot file starts with this. */
const SNAPSHOT_MAGIC = "# tcpdoc snapshot v1";

/** Who owns a socket inode. */
export interface SocketOwner {
  pid: number;
  comm: string;
}

/** One source read from the machine: where from ("/proc/net/tcp", "/proc/sys", "netstat -anv -p tcp"), and its text. */
export interface CapturedSource {
  path: string;
  text: string;
}

/** Everything read from a machine, before parsing: what a snapshot file holds. */
export interface LiveCapture {
  capture: Capture;
  sources: CapturedSource[];
  /** Socket inode -> owning process (Linux). */
  owners: Map<number, SocketOwner>;
}

// ---- writing -----------------------------------------------------------------

function field(v: string): string {
  return /^[^\s"=]*$/.test(v) ? v : JSON.stringify(v);
}

/** Formats one owner line. */
function ownerLine(inode: number, o: SocketOwner): string {
  return `# socket-owner inode=${inode} pid=${o.pid} comm=${JSON.stringify(o.comm)}`;
}

/** The snapshot file: the header lines, the owner lines, then each source verbatim after a `# source PATH` line. */
export function renderSnapshotFile(c: LiveCapture, version = ""): string {
  const m = c.capture;
  const out: string[] = [
    `${SNAPSHOT_MAGIC} platform=${field(m.platform)} host=${field(m.host)} kernel=${field(m.kernel)} time=${field(m.time)}` +
    (version ? ` tcpdoc=${field(version)}` : ""),
  ];
  const s = m.ownerScan;
  if (s) out.push(`# owner-scan processes=${s.processes} unreadable=${s.unreadable} unowned=${s.unowned}`);
  for (const [inode, o] of [...c.owners].sort((a, b) => a[0] - b[0])) out.push(ownerLine(inode, o));
  for (const src of c.sources) {
    out.push(`# source ${src.path}`);
    const text = src.text.endsWith("\n") ? src.text.slice(0, -1) : src.text;
    if (text) out.push(text.replaceAll("\r\n", "\n"));
  }
  out.push("# end");
  return out.join("\n") + "\n";
}

// ---- reading -----------------------------------------------------------------

/** The end of the JSON string whose opening quote is at `q` (the index after its closing quote), or -1. */
function quotedEnd(text: string, q: number): number {
  for (let i = q + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 92 /* \ */) i++;
    else if (c === 34 /* " */) return i + 1;
  }
  return -1;
}

function isKeyChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95 || c === 45;
}

function isBlankAt(text: string, i: number): boolean {
  return /\s/.test(text[i]);
}

/**
 * Reads `key=value key="quoted value"` fields, left to right in one pass: a
 * key is a run of word characters and dashes right before an `=`; a value
 * is a JSON string when it starts with a quote that closes, else everything
 * up to the next white space.
 */
export function parseFields(text: string): Record<string, string> {
  const out: Record<string, string> = Object.create(null);
  // A quote that does not close from one position does not close from any quote after it.
  let openFrom = text.length;
  for (let i = 0; i < text.length;) {
    const eq = text.indexOf("=", i);
    if (eq === -1) break;
    let k = eq;
    while (k > i && isKeyChar(text.charCodeAt(k - 1))) k--;
    if (k === eq) {
      i = eq + 1;
      continue;
    }
    let end = -1;
    if (text.charCodeAt(eq + 1) === 34 && eq + 1 < openFrom) {
      end = quotedEnd(text, eq + 1);
      if (end === -1) openFrom = eq + 1;
    }
    if (end === -1) {
      end = eq + 1;
      while (end < text.length && !isBlankAt(text, end)) end++;
    }
    let v = text.slice(eq + 1, end);
    if (v.startsWith('"')) {
      try {
        v = String(JSON.parse(v));
      } catch {
        v = v.slice(1, -1);
      }
    }
    out[text.slice(k, eq)] = v;
    i = end;
  }
  return out;
}

interface State {
  owners: Map<number, SocketOwner>;
  proxy: Sink | undefined;
  target: Sink | undefined;
}

function state(ctx: ParseContext): State | undefined {
  return ctx.scratch[FORMAT] as State | undefined;
}

function proxyFor(st: State, sink: Sink): Sink {
  if (st.target === sink && st.proxy) return st.proxy;
  const owners = st.owners;
  st.target = sink;
  st.proxy = {
    socket(row: SocketRow) {
      const o = row.inode ? owners.get(row.inode) : undefined;
      if (o) {
        row.pid = o.pid;
        if (o.comm) row.program = o.comm;
      }
      sink.socket(row);
    },
    tally: (s, n, how, among) => sink.tally(s, n, how, among),
    detail: (f) => sink.detail(f),
    counter: (n, v) => sink.counter(n, v),
    sysctl: (k, v) => sink.sysctl(k, v),
    symptom: (k, t, e, d) => sink.symptom(k, t, e, d),
    capture: (c) => sink.capture(c),
    moment: (at) => sink.moment(at),
    elided: () => sink.elided(),
    platform: (p) => sink.platform(p),
  };
  return st.proxy;
}

function newState(): State {
  return { owners: new Map(), proxy: undefined, target: undefined };
}

/** A count from an owner-scan line: digits, or 0 when absent; undefined when malformed. */
function count(f: Record<string, string>, key: string): number | undefined {
  if (f[key] === undefined) return 0;
  const v = digitsValue(f[key]);
  return v === -1 ? undefined : v;
}

function parse(line: Line, ctx: ParseContext, sink: Sink): LineKind | undefined {
  const text = line.text;
  if (text.charCodeAt(0) !== 35 /* # */) {
    const st = state(ctx);
    // /proc/net/tcp rows inside a snapshot: the proc format reads them, owners are added here.
    if (st && st.owners.size > 0) return procNetTcp.parse(line, ctx, proxyFor(st, sink));
    return undefined;
  }
  const t = line.tokens;
  if (t[0] !== "#" || t.length < 2) return undefined;
  switch (t[1]) {
    case "tcpdoc": {
      if (!text.startsWith(SNAPSHOT_MAGIC)) return undefined;
      ctx.scratch[FORMAT] = newState();
      const f = parseFields(text.slice(SNAPSHOT_MAGIC.length));
      const c: Partial<Capture> = {};
      for (const k of ["platform", "host", "kernel", "time", "tcpdoc"] as const) if (f[k] !== undefined) c[k] = inert(f[k]);
      sink.capture(c);
      return "header";
    }
    case "owner-scan": {
      const f = parseFields(text);
      if (f.processes === undefined && f.unreadable === undefined && f.unowned === undefined) return undefined;
      const processes = count(f, "processes"), unreadable = count(f, "unreadable"), unowned = count(f, "unowned");
      if (processes === undefined || unreadable === undefined || unowned === undefined) return undefined;
      sink.capture({ ownerScan: { processes, unreadable, unowned } });
      return "header";
    }
    case "socket-owner": {
      const f = parseFields(text);
      const inode = Number(f.inode), pid = Number(f.pid);
      if (!(inode > 0) || !Number.isInteger(pid)) return undefined;
      let st = state(ctx);
      if (!st) ctx.scratch[FORMAT] = st = newState();
      // JSON decoding can make control characters: they stay visible escapes.
      st.owners.set(inode, { pid, comm: inert(f.comm ?? "") });
      return "detail";
    }
    case "source":
      return state(ctx) ? "header" : undefined;
    case "end":
      return state(ctx) && t.length === 2 ? "header" : undefined;
  }
  return undefined;
}

/** Snapshot-file lines. Must come before the shell format, which would take `# ...` for a prompt. */
export const tcpdocSnapshot: Format = {
  format: FORMAT,
  reads: "files written by tcpdoc snapshot",
  commands: ["tcpdoc"],
  // Its lines surround dumps: it sees each line before the data formats.
  pass: "frame",
  parse,
};
