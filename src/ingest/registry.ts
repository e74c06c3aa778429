/** Every line parser, in the order they are tried after the one that matched last. */

import type { LineParser } from "./parser.ts";
import { histogramParser } from "./parsers/histogram.ts";
import { netstatLinuxParser } from "./parsers/netstat_linux.ts";
import { procNetTcpParser } from "./parsers/proc_net_tcp.ts";
import { shellParser } from "./parsers/shell.ts";
import { ssParser } from "./parsers/ss.ts";

/** The parsers, most specific first. */
export const PARSERS: readonly LineParser[] = [
  shellParser,
  procNetTcpParser,
  ssParser,
  netstatLinuxParser,
  histogramParser,
];
