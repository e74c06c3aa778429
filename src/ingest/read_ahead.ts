/**
 * Reading ahead: the second half of a big file is read on another thread
 * while the main thread reads the first (sources.ts). The helper reads only
 * plain rows, with the fast path of the format the main thread found
 * (fast_rows.ts), and stops at the first line that path declines. A fast
 * path reads a row the same way whatever came before it, so when the main
 * thread reaches the split point with the same fast path, the rows read
 * ahead are exactly what it would have read itself (Ingestor.adopt); it
 * goes on from where the helper stopped.
 */

import * as fs from "node:fs";
import { SocketTable } from "../model/socket_table.ts";
import { fastPathOf, plainRow } from "./fast_rows.ts";
import type { ParseContext } from "./parser.ts";

/** What the main thread asks of the helper. */
export interface ReadAheadJob {
  path: string;
  /** Byte offset of the first line (just after a newline). */
  start: number;
  /** Byte offset to stop at. */
  end: number;
  /** Format id of the parser whose fast path reads the rows. */
  format: string;
  /** Expected row count, to size the table once. */
  reserve: number;
}

/** The plain-row columns of a SocketTable (what addPlain fills). */
export type PlainColumns = Pick<
  SocketTable,
  "state" | "family" | "localAddr" | "localPort" | "remoteAddr" | "remotePort" | "recvQ" | "sendQ" | "user" | "inode" | "timer"
>;

/** What the helper read: `count` rows, one a line, from `start` up to `stoppedAt`. */
export interface ReadAhead {
  format: string;
  count: number;
  columns: PlainColumns;
  /** The helper's string pool (StringPool.export); the columns' string ids index it. */
  strings: (string | undefined)[];
  quads: Float64Array;
  /** Byte offset of the first line not read (the main thread reads on from there). */
  stoppedAt: number;
  /** What the fast path left in ParseContext.scratch. */
  scratch: Record<string, unknown>;
}

const READ = 1 << 20;
/** Pieces decoded at a time (see sources.ts on why not bigger). */
const PIECE = 1 << 16;

/**
 * Reads job.path from job.start on, as long as every line is a plain row of
 * job.format; `read` hears how many bytes it has read so far (the progress line).
 */
export function readAhead(job: ReadAheadJob, read?: (bytes: number) => void): ReadAhead {
  const fast = fastPathOf(job.format);
  const table = new SocketTable(Math.max(1024, job.reserve));
  const scratch: Record<string, unknown> = {};
  let pos = job.start;
  if (fast) {
    const ctx: ParseContext = { stateFilter: 0, stateFilterAmbiguous: false, columns: undefined, foreignCommand: undefined, scratch };
    const row = plainRow(), pool = table.strings, decoder = new TextDecoder("utf-8");
    const buf = new Uint8Array(READ);
    const fd = fs.openSync(job.path, "r");
    try {
      reading: while (pos < job.end) {
        const n = fs.readSync(fd, buf, 0, Math.min(READ, job.end - pos), pos);
        if (n === 0) break;
        let s = 0;
        while (s < n) {
          // a piece of whole lines; a line without its newline is left to the main thread
          const cut = buf.lastIndexOf(10, Math.min(n, s + PIECE) - 1);
          if (cut < s) break;
          let e = cut + 1, text = decoder.decode(buf.subarray(s, e));
          // Text offsets are byte offsets only while each byte is one character: stop at the first non-ASCII line.
          const ascii = text.length === e - s;
          if (!ascii) {
            let k = s;
            while (buf[k] < 0x80) k++;
            e = Math.max(s, buf.lastIndexOf(10, k) + 1);
            text = decoder.decode(buf.subarray(s, e));
          }
          for (let from = 0, nl = text.indexOf("\n"); nl !== -1; from = nl + 1, nl = text.indexOf("\n", from)) {
            if (!fast(text, from, nl, pool, row, ctx)) {
              pos += s + from;
              break reading;
            }
            table.addPlain(row.state, row.family, row.localAddr, row.localPort, row.remoteAddr, row.remotePort, row.recvQ, row.sendQ,
              row.user, row.inode, row.timer, 0, 0);
          }
          s = e;
          if (!ascii) {
            pos += s;
            break reading;
          }
        }
        if (s === 0) break;
        pos += s;
        read?.(pos - job.start);
      }
    } finally {
      fs.closeSync(fd);
    }
  }
  const t = table;
  return {
    format: job.format,
    count: t.length,
    columns: {
      state: t.state, family: t.family, localAddr: t.localAddr, localPort: t.localPort, remoteAddr: t.remoteAddr,
      remotePort: t.remotePort, recvQ: t.recvQ, sendQ: t.sendQ, user: t.user, inode: t.inode, timer: t.timer,
    },
    ...t.strings.export(),
    stoppedAt: pos,
    scratch,
  };
}
