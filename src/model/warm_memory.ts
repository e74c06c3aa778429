/**
 * Memory whose pages another thread faults in before they are written
 * (sources/warm_pages.ts serves it). The first write to a page of fresh
 * memory stops the writer for a page fault: 10-11 µs a page on the machine
 * bench/README.md measures ("Warm pages, and a CommonJS launcher"), some
 * 0.1 s of the 0.4-0.8 s a million-row dump takes to read. The socket
 * table's columns and the string pool's address tables, the two biggest
 * things a big dump writes, take it when given one.
 */

/** Where a column lies in a buffer laid out for {@link WarmMemory.columns}, and its bytes a row. */
export interface ColumnStream {
  byteOffset: number;
  bytesPerRow: number;
}

export interface WarmMemory {
  /**
   * A zeroed shared buffer of `bytes` bytes for rows `from` to `to` of the
   * columns `streams`, written in row order from now on, whose pages are
   * faulted in a little ahead of the rows {@link wrote} says are written;
   * undefined when it is too small to be worth it (plain arrays then).
   */
  columns(bytes: number, streams: readonly ColumnStream[], from: number, to: number): SharedArrayBuffer | undefined;
  /** The rows before `row` of the last {@link columns} buffer are written. */
  wrote(row: number): void;
  /**
   * A zeroed shared buffer of `bytes` bytes to be written all over later (a
   * hash table to grow into), its pages faulted in from now on; undefined
   * when too small to be worth it.
   */
  table(bytes: number): SharedArrayBuffer | undefined;
  /**
   * A zeroed shared buffer of `bytes` bytes for work after the reading
   * (the facts' counters over the table), its pages faulted in when the
   * helper has nothing else to do; undefined when too small to be worth it.
   */
  spare(bytes: number): SharedArrayBuffer | undefined;
}
