/**
 * State histograms from `netstat -nat | awk '{print $6}' | sort | uniq -c`
 * and the like, in either column order: "  120 ESTABLISHED" or "ESTABLISHED 120".
 */

import { UNKNOWN_STATE } from "../../model/states.ts";
import type { Format } from "../format.ts";
import { digitsValue, isDigits } from "../scan.ts";

// What awk picks out of the table headings when it prints one column.
const HEADING_WORDS = new Set([
  "established)", "servers)", "Foreign", "Address", "State", "Local", "Peer", "Recv-Q", "Send-Q", "Netid", "Proto",
  "connections", "Connections", "Internet", "(servers", "(only", "(w/o", "PID/Program", "Address:Port",
]);

/** The largest count a histogram line may claim; beyond it the line is not believed. */
const MAX_COUNT = 100_000_000;

/** State-histogram lines: the state column of any format's table, counted (so any format's state words). */
export const histogram: Format = {
  format: "histogram",
  reads: "state counts from ... | awk '{print $6}' | sort | uniq -c, in either column order",
  parse(line, ctx, sink) {
    const t = line.tokens;
    if (t.length !== 2) return undefined;
    let n: string, word: string;
    if (isDigits(t[0])) [n, word] = [t[0], t[1]];
    else if (isDigits(t[1])) [n, word] = [t[1], t[0]];
    else return undefined;
    const count = digitsValue(n);
    const state = ctx.states.id(word);
    if (state === UNKNOWN_STATE) return HEADING_WORDS.has(word) ? "header" : undefined;
    if (count > MAX_COUNT) return undefined;
    sink.tally(state, count);
    return "socket";
  },
};
