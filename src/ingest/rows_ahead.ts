/**
 * Reading rows ahead: the plain rows of a stretch of a big input, read with
 * one format's fast reader into a table of their own, as far as every line
 * is such a row. A fast reader reads a row the same way whatever came
 * before it, so when the main reader reaches the stretch with the same fast
 * reader, these rows are exactly what it would have read itself
 * (Ingestor.adopt). src/sources/read_ahead.ts runs this on another thread.
 */

import { type PlainColumns, plainRow, QUEUE_CLAMPED, SocketTable } from "../model/socket_table.ts";
import type { PoolExport } from "../model/string_pool.ts";
import { MAX_LINE, type ParseContext, type RowReader } from "./format.ts";
import { REGISTRY, type Registry } from "./registry.ts";

/** What was read ahead: `count` rows, one a line, from the first byte up to `stoppedAt`. */
export interface RowsAhead {
  format: string;
  count: number;
  columns: PlainColumns;
  /** The table's string pool; the columns' string ids index it. */
  strings: PoolExport;
  /** Byte offset of the first line not read (the main reader reads on from there). */
  stoppedAt: number;
  /** What the fast reader left in ParseContext.scratch. */
  scratch: Record<string, unknown>;
}

/**
 * Reads plain rows of one format from bytes handed to it in order, each
 * piece starting at a line start, until a line is not one.
 */
export class RowsAheadReader {
  readonly format: string;
  readonly #read: RowReader | undefined;
  readonly #table: SocketTable;
  readonly #row = plainRow();
  readonly #ctx: ParseContext;
  #consumed = 0;
  #stopped = false;

  /** `reserve`: the rows expected, to size the table once. */
  constructor(format: string, reserve: number, registry: Registry = REGISTRY) {
    this.format = format;
    this.#read = registry.byId(format)?.rows?.();
    this.#stopped = this.#read === undefined;
    this.#table = new SocketTable(Math.max(1024, reserve));
    this.#ctx = registry.context();
  }

  /** True once a line was not a plain row: nothing more is read. */
  get stopped(): boolean {
    return this.#stopped;
  }

  /**
   * Reads the whole lines at the start of `bytes`; returns how many bytes
   * they take. Fewer than all the whole lines given means it stopped; none
   * at all, that no line ended there (a line too long to be a row).
   */
  push(bytes: Uint8Array): number {
    const read = this.#read!, pool = this.#table.strings, row = this.#row, ctx = this.#ctx, table = this.#table;
    // The fast reader reads whole lines only: up to the last LF.
    const n = bytes.lastIndexOf(10) + 1;
    let s = 0;
    while (s < n) {
      const e = read.read(bytes, s, n, pool, row, ctx);
      // A queue too big for the columns is kept aside by the table: left to the main reader.
      if (e < 0 || row.recvQ >= QUEUE_CLAMPED || row.sendQ >= QUEUE_CLAMPED) {
        this.#stopped = true;
        break;
      }
      table.addPlain(row, 0, 0);
      s = e + 1;
    }
    this.#consumed += s;
    return s;
  }

  /** The rows read, with `stoppedAt` counted from `start`, the offset of the first byte pushed. */
  result(start: number): RowsAhead {
    const t = this.#table;
    return {
      format: this.format,
      count: t.length,
      columns: {
        state: t.state, family: t.family, localAddr: t.localAddr, localPort: t.localPort, remoteAddr: t.remoteAddr,
        remotePort: t.remotePort, recvQ: t.recvQ, sendQ: t.sendQ, pidPlusOne: t.pidPlusOne, program: t.program, user: t.user, inodePlusOne: t.inodePlusOne,
        timer: t.timer,
      },
      strings: t.strings.export(),
      stoppedAt: start + this.#consumed,
      scratch: this.#ctx.scratch,
    };
  }
}
