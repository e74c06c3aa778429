/** `counters`: kernel counters by nstat name and /proc/net/sockstat figures. */

import type { TableScan } from "./_scan.ts";
import type { Fact } from "./fact.ts";
import { stepsText } from "./fact.ts";

/** Counters that read 0 when absent from a dump that has other nstat counters (nstat omits zeros). */
export const WELL_KNOWN_COUNTERS = [
  "TcpExtListenOverflows",
  "TcpExtListenDrops",
  "TcpExtTCPReqQFullDoCookies",
  "TcpExtTCPReqQFullDrop",
  "TcpExtSyncookiesSent",
  "TcpExtSyncookiesRecv",
  "TcpExtSyncookiesFailed",
  "TcpExtTCPTimeWaitOverflow",
  "TcpExtTCPAbortOnMemory",
  "TcpExtTCPAbortOnTimeout",
  "TcpExtTCPAbortOnClose",
  "TcpExtTCPAbortOnData",
  "TcpExtTW",
  "TcpExtTWRecycled",
  "TcpExtTWKilled",
  "TcpExtTCPBacklogDrop",
  "TcpAttemptFails",
  "TcpEstabResets",
  "TcpRetransSegs",
  "TcpOutRsts",
  "TcpInErrs",
  "TcpActiveOpens",
  "TcpPassiveOpens",
] as const;

/** The counters of the snapshot by name, the well-known ones absent from an nstat dump read as 0 (nstat leaves zeros out). */
export function counterValues(scan: TableScan): Record<string, number> {
  const out: Record<string, number> = {};
  let nstat = false;
  for (const [name, c] of scan.snap.counters) {
    out[name] = c.value;
    if (!name.startsWith("sockstat.")) nstat = true;
  }
  if (nstat) for (const k of WELL_KNOWN_COUNTERS) if (!Object.hasOwn(out, k)) out[k] = 0;
  return out;
}

export const counters: Fact = {
  spec: {
    id: "counters",
    summary: "Kernel counters by nstat name (TcpExtListenOverflows, TcpExtTCPReqQFullDoCookies, ...) and /proc/net/sockstat figures (sockstat.tcp.orphan, sockstat.tcp.tw, ...). Counters count since boot (or since the namespace was created): a nonzero value may be old.",
    params: [],
    type: "object",
    paths: [
      { path: "$.closedHeld", type: "number", nullable: true, help: "TCP sockets allocated but in no connection table: `ss -s` `closed` less its TIME_WAIT count (ss counts TIME_WAIT among the closed): sockets closed by TCP (reset, refused, finished) whose descriptors a process still holds, or bound and never used; null without ss -s" },
      { path: "$.<NAME>", type: "number", help: "the counter's value (names with dots take the bracket form, `$['sockstat.tcp.orphan']`)" },
    ],
    unknown: "Undefined (unknown) when the inputs carry no counter of that family (nstat/netstat -s vs sockstat). When some nstat counters are present, the well-known ones that are absent read 0, because nstat leaves out zero counters.",
    example: "{ fact: counters, path: $.TcpExtListenOverflows, operator: greaterThan, value: 0 }",
  },
  masked: false,
  compute({ scan }) {
    const value: Record<string, number | null> = counterValues(scan);
    // ss -s: closed = allocated - (hashed - timewait), so TIME_WAIT is inside it (iproute2 ss.c print_summary)
    const closed = scan.snap.counters.get("ss.tcp.closed");
    value.closedHeld = closed ? Math.max(0, closed.value - (scan.snap.counters.get("sockstat.tcp.tw")?.value ?? 0)) : null;
    return { value };
  },
  words: (_p, steps) => `kernel counter ${stepsText(steps)}`,
  whyUnknown: (tail) => `counter ${tail} is not in the inputs (add the output of nstat -az)`,
};
