/**
 * State histograms: `netstat -nat | awk '{print $6}' | sort | uniq -c`
 * ("  120 ESTABLISHED") and `netstat -n | awk '/^tcp/ {++S[$NF]} END {...}'`
 * ("ESTABLISHED 120"), in either column order; with a note after the count
 * ("LAST_ACK 5 ( waiting to be processed )"); in any case ("time_wait 346");
 * several pairs on one line when a web page ran the table together; and
 * hand-written totals ("TIME_WAIT total : 6094").
 */

import { UNKNOWN_STATE } from "../../model/states.ts";
import type { Format, Line, ParseContext, Sink } from "../format.ts";
import { digitsValue, isDigits } from "../scan.ts";

// What awk picks out of the table headings when it prints one column.
const HEADING_WORDS = new Set([
  "established)", "servers)", "Foreign", "Address", "State", "Local", "Peer", "Recv-Q", "Send-Q", "Netid", "Proto",
  "connections", "Connections", "Internet", "(servers", "(only", "(w/o", "PID/Program", "Address:Port", "I-Node", "Flags",
]);
// The same column of UNIX-socket rows (`netstat -an` lists them too): counted, not TCP.
const UNIX_WORDS = new Set(["CONNECTED", "STREAM", "DGRAM", "SEQPACKET", "CONNECTING", "DISCONNECTING", "FREE", "UNKNOWN"]);

/** The largest count a histogram line may claim; beyond it the line is not believed. */
const MAX_COUNT = 100_000_000;

/** A state word's state, in any case; or the states a cut-short word may be (`FIN_WAIT`: either FIN_WAIT_*). */
function stateOf(word: string, ctx: ParseContext): { state: number } | { among: number[] } | undefined {
  let id = ctx.states.id(word);
  if (id !== UNKNOWN_STATE) return { state: id };
  const up = word.toUpperCase();
  if (up !== word && (id = ctx.states.id(up)) !== UNKNOWN_STATE) return { state: id };
  if (!/^[A-Z][A-Z_-]{3,}$/.test(up)) return undefined;
  const among = new Set<number>();
  for (const [w] of ctx.states.entries()) if (w.length > up.length && w.startsWith(up)) among.add(ctx.states.id(w));
  if (among.size === 0) return undefined;
  return among.size === 1 ? { state: [...among][0] } : { among: [...among].sort((a, b) => a - b) };
}

function count(s: string): number {
  const n = isDigits(s) ? digitsValue(s) : -1;
  return n > MAX_COUNT ? -1 : n;
}

function book(sink: Sink, s: { state: number } | { among: number[] }, n: number): void {
  if ("state" in s) sink.tally(s.state, n, "histogram");
  else sink.tally(UNKNOWN_STATE, n, "histogram", s.among);
}

/**
 * A note after a histogram pair: not a number or an endpoint (that would be
 * a table row). After an upper-case state word (as netstat and ss print
 * them), any words; after one in lower case ("listen"), only a bracketed or
 * marked note: "80361931 listen queue overflows" is a netstat -s line.
 */
function isNote(rest: string[], exact: boolean): boolean {
  if (rest.length === 0) return true;
  const c = rest[0].charCodeAt(0);
  if (c >= 48 && c <= 57) return false;
  for (const w of rest) if (/\d[:.]\d|:\d|^\*:/.test(w)) return false;
  return exact || /^(?:[([（#<←=]|--|\/\/)/.test(rest[0]);
}

/** Several pairs run together on one line: "TIME_WAIT 250263 CLOSE_WAIT 57 ..." or "12 LISTEN 3 ESTABLISHED". */
function collapsed(t: string[], ctx: ParseContext, sink: Sink): boolean {
  if (t.length < 4 || t.length % 2 !== 0 || t.length > 64) return false;
  const numFirst = isDigits(t[0]);
  const pairs: [{ state: number } | { among: number[] }, number][] = [];
  for (let i = 0; i < t.length; i += 2) {
    const [n, w] = numFirst ? [t[i], t[i + 1]] : [t[i + 1], t[i]];
    const v = count(n), s = stateOf(w, ctx);
    if (v < 0 || !s) return false;
    pairs.push([s, v]);
  }
  for (const [s, v] of pairs) book(sink, s, v);
  return true;
}

/** "TIME_WAIT total : 6094", "ESTABLISHED: 12", "CLOSE_WAIT = 40": a state, a few words, a colon or equals sign, a count. */
function labelled(line: Line, ctx: ParseContext, sink: Sink): boolean {
  const t = line.tokens;
  if (t.length < 2 || t.length > 8) return false;
  const last = t[t.length - 1];
  const v = count(last);
  if (v < 0) return false;
  const first = t[0].replace(/[:=]$/, "");
  const s = stateOf(first, ctx);
  if (!s || !("state" in s)) return false;
  const middle = line.text.slice(line.text.indexOf(t[0]) + t[0].length, line.text.lastIndexOf(last));
  if (!/[:=：]\s*$/.test(t[0] + middle) || /\d/.test(middle)) return false;
  sink.tally(s.state, v, "histogram");
  return true;
}

/** State-histogram lines: the state column of any format's table, counted (so any format's state words). */
export const histogram: Format = {
  format: "histogram",
  reads: "state counts from ... | awk '{print $6}' | sort | uniq -c or awk '{++S[$NF]} ...', either column order, with notes, in any case, run together on one line",
  parse(line, ctx, sink) {
    const t = line.tokens;
    if (t.length === 1) {
      // uniq -c of the rows whose column is empty (titles, blank fields): no state.
      return ctx.command?.histogram && isDigits(t[0]) ? "noise" : undefined;
    }
    let n: string, word: string;
    if (isDigits(t[0])) [n, word] = [t[0], t[1]];
    else if (isDigits(t[1])) [n, word] = [t[1], t[0]];
    else return labelled(line, ctx, sink) ? "socket" : undefined;
    const s = stateOf(word, ctx);
    if (!s) {
      if (t.length !== 2) return labelled(line, ctx, sink) ? "socket" : undefined;
      if (HEADING_WORDS.has(word)) return "header";
      return UNIX_WORDS.has(word) ? "other-socket" : undefined;
    }
    const v = count(n);
    if (v < 0) return undefined;
    if (t.length > 2) {
      if (collapsed(t, ctx, sink)) return "socket";
      if (!isNote(t.slice(2), word === word.toUpperCase())) return labelled(line, ctx, sink) ? "socket" : undefined;
    }
    book(sink, s, v);
    return "socket";
  },
};
