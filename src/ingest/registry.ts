/** Every line parser, in the order they are tried after the one that matched last. */

import type { LineParser } from "./parser.ts";
import { bsdNetstatParser, sockstatParser } from "./parsers/bsd.ts";
import { countersParser } from "./parsers/counters.ts";
import { histogramParser } from "./parsers/histogram.ts";
import { lsofParser } from "./parsers/lsof.ts";
import { netstatLinuxParser } from "./parsers/netstat_linux.ts";
import { powershellParser } from "./parsers/powershell.ts";
import { procNetTcpParser } from "./parsers/proc_net_tcp.ts";
import { shellParser } from "./parsers/shell.ts";
import { snapshotFileParser } from "./parsers/snapshot_file.ts";
import { ssParser } from "./parsers/ss.ts";
import { symptomsParser } from "./parsers/symptoms.ts";
import { sysctlParser } from "./parsers/sysctl.ts";
import { windowsNetstatParser } from "./parsers/windows.ts";

/** The parsers, most specific first. */
export const PARSERS: readonly LineParser[] = [
  // Before shell, which would take its "# ..." lines for prompts.
  snapshotFileParser,
  shellParser,
  procNetTcpParser,
  ssParser,
  // Before netstat-linux: BSD's "Proto ... (state)" header carries the -v column layout.
  bsdNetstatParser,
  sockstatParser,
  netstatLinuxParser,
  windowsNetstatParser,
  lsofParser,
  powershellParser,
  histogramParser,
  countersParser,
  sysctlParser,
  // Last: it runs only on lines nothing else claimed, and claims log lines of any shape.
  symptomsParser,
];

/** What each format id covers: `tcpdoc formats` and the README's table. */
export const FORMATS: readonly { format: string; reads: string }[] = [
  { format: "ss", reads: "iproute2 ss: -tan, -tanp (old and new users: forms), -e, -o, -i continuation lines, -a with Netid, state-filtered output" },
  { format: "netstat-linux", reads: "net-tools netstat on Linux: -nat, -antp, -anp, -e, -o, -W, translated titles and states; BusyBox and toybox netstat" },
  { format: "proc-net-tcp", reads: "/proc/net/tcp and /proc/net/tcp6" },
  { format: "netstat-bsd", reads: "macOS and FreeBSD netstat: -an, -anv, -p tcp, -A, listen queues from -L" },
  { format: "sockstat", reads: "FreeBSD sockstat -4 / -6" },
  { format: "netstat-windows", reads: "Windows netstat: -an, -ano, -a with host names, -b; headings and German state words of localized systems" },
  { format: "powershell", reads: "PowerShell Get-NetTCPConnection tables and lists, and Group-Object State counts" },
  { format: "lsof", reads: "lsof -i, -nP, -iTCP -sTCP:STATE (Linux and macOS)" },
  { format: "histogram", reads: "state counts from ... | awk '{print $6}' | sort | uniq -c, in either column order" },
  { format: "counters", reads: "kernel counters: nstat, /proc/net/netstat, /proc/net/snmp, /proc/net/sockstat, netstat -s (Linux, BSD, Windows), ss -s, sar -n SOCK" },
  { format: "sysctl", reads: "sysctl lines (key = value, key: value), grep -r /proc/sys output, ulimit -a, netsh dynamicport" },
  { format: "log", reads: "application and kernel log lines naming socket errors: EADDRINUSE, EADDRNOTAVAIL, ECONNREFUSED, ETIMEDOUT, ECONNRESET, EMFILE, ENOBUFS/WSAENOBUFS, SYN flooding, orphaned sockets, TIME_WAIT bucket overflow" },
  { format: "tcpdoc-snapshot", reads: "files written by tcpdoc snapshot" },
  { format: "shell", reads: "shell prompts, command lines (an ss state filter sets the state of the rows below), ^C, tool complaints" },
];
