/**
 * Counts printed by a counting command: the bare number under
 * `netstat -an | grep CLOSE_WAIT | wc -l`, `grep -c TIME_WAIT`,
 * `ss -tan state time-wait | wc -l` (less the header line wc counts too),
 * `find /c "TIME_WAIT"`, `Measure-Object`'s `Count : N`, and the per-host
 * counts of a fleet tool (ansible `host | CHANGED | rc=0 | (stdout) 72`,
 * pdsh `host: 72`). The command line says what is counted (one state, some
 * states, any TCP state); a number under no such command is not read here.
 */

import { UNKNOWN_STATE } from "../../model/states.ts";
import type { TallyHow } from "../../model/snapshot.ts";
import type { CommandReading } from "../command_line.ts";
import { type Format, type ParseContext, parserState, type Sink } from "../format.ts";
import { digitsValue, isDigits } from "../scan.ts";

const FORMAT = "count";

interface State {
  /** The command whose output is being read. */
  command: CommandReading | undefined;
  /** An ansible `host | CHANGED | rc=0 >>` line was read: its count is on the next line. */
  awaitHost: boolean;
}

function state(ctx: ParseContext): State {
  return parserState<State>(ctx, FORMAT, () => ({ command: undefined, awaitHost: false }));
}

/** What a count of the command's output is a count of; undefined when not of TCP sockets (lsof -p files, every socket family). */
function subject(c: CommandReading): { state: number; among?: number[] } | undefined {
  if (c.states?.length === 1) return { state: c.states[0] };
  if (c.states && c.states.length > 1) return { state: UNKNOWN_STATE, among: c.states };
  if (c.tcpOnly && c.states === undefined) return { state: UNKNOWN_STATE, among: [] };
  return undefined;
}

/** Books `n` counted lines as sockets; false when the command counts no TCP sockets. */
function book(sink: Sink, c: CommandReading, n: number, how: TallyHow): boolean {
  const s = subject(c);
  if (!s) return false;
  const header = c.count?.header ?? 0;
  sink.tally(s.state, Math.max(0, n - header), how, s.among);
  return true;
}

// ansible: "web1 | CHANGED | rc=0 | (stdout) 72", "web1 | SUCCESS | rc=0 >>", "web1 | FAILED | rc=1 >>"
const ANSIBLE = /^(\S+) \| ([A-Z!]+) \| rc=(\d+)(?: \| \(stdout\) ?(.*)| >>)?\s*$/;
// pdsh, clush: "web1: 72"
const PDSH = /^([\w.-]+): +(\d+)$/;

/** Bare counts under a counting command, and per-host counts. */
export const count: Format = {
  format: FORMAT,
  reads: "counts under a counting command (| wc -l, grep -c, find /c, Measure-Object) of one state or any, and fleet tools' per-host counts",
  // It sees a line before the data formats, but claims only what a counting command above it prints.
  pass: "frame",
  parse(line, ctx, sink) {
    const c = ctx.command;
    if (c === undefined) return undefined;
    const st = state(ctx);
    if (st.command !== c) {
      st.command = c;
      st.awaitHost = false;
    }
    const t = line.tokens;
    if (c.hosts) {
      const text = line.text.trim();
      const a = ANSIBLE.exec(text);
      if (a) {
        st.awaitHost = a[4] === undefined && text.endsWith(">>") && a[3] === "0";
        if (a[4] !== undefined && isDigits(a[4].trim()) && a[3] === "0") {
          return book(sink, c, digitsValue(a[4].trim()), "host-count") ? "socket" : "noise";
        }
        return "noise";
      }
      if (st.awaitHost && t.length === 1 && isDigits(t[0])) {
        st.awaitHost = false;
        return book(sink, c, digitsValue(t[0]), "host-count") ? "socket" : "noise";
      }
      const p = PDSH.exec(text);
      if (p && c.count) return book(sink, c, digitsValue(p[2]), "host-count") ? "socket" : "noise";
      return undefined;
    }
    if (c.count) {
      // Measure-Object: "Count    : 6094", then its empty Average/Sum/... lines.
      if (t[0] === "Count" && t[1] === ":" && t.length === 3 && isDigits(t[2])) {
        return book(sink, c, digitsValue(t[2]), c.count.how) ? "socket" : "noise";
      }
      if (t.length <= 2 && t[t.length - 1] === ":" && /^(?:Average|Sum|Maximum|Minimum|Property|StandardDeviation)$/.test(t[0])) return "noise";
      if (t.length === 1 && isDigits(t[0])) return book(sink, c, digitsValue(t[0]), c.count.how) ? "socket" : "noise";
      // grep -c over several files: "netstat.txt:1528".
      if (t.length === 1 && c.count.how === "grep-c") {
        const colon = t[0].lastIndexOf(":");
        if (colon > 0 && isDigits(t[0], colon + 1)) return book(sink, c, digitsValue(t[0], colon + 1), "grep-c") ? "socket" : "noise";
      }
      return undefined;
    }
    // A bare number right under a command that keeps the rows of one state (`netstat -an | grep CLOSE_WAIT`):
    // no row of a socket table is a bare number, so it is their count (the paste left out `| wc -l`).
    if (line.number === c.firstOutput && t.length === 1 && isDigits(t[0]) && c.states?.length === 1 && c.reasons.includes("grep") && !c.histogram) {
      return book(sink, c, digitsValue(t[0]), "wc-l") ? "socket" : undefined;
    }
    return undefined;
  },
};
