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
