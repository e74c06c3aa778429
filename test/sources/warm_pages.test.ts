/** Memory whose pages a helper thread faults in before they are written. */

import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { describe, it } from "node:test";
import { Scratch, TableScan } from "../../src/engine/facts/_scan.ts";
import { Ingestor } from "../../src/ingest/mod.ts";
import { emptySnapshot, type Snapshot } from "../../src/model/snapshot.ts";
import { StringPool } from "../../src/model/string_pool.ts";
import type { WarmMemory } from "../../src/model/warm_memory.ts";
import { threadsHelp } from "../../src/sources/threads.ts";
import { LEAD, PageWarmer, STEP } from "../../src/sources/warm_pages.ts";
import { ROOT, socketsOf } from "../ingest/_read.ts";

const helper = threadsHelp();
const noHelper = helper ? false : "no helper thread here (Deno, or one core: threadsHelp)";

/** Reads a sample (`times` over) into a new snapshot, its table's columns from `memory` when given. */
function read(file: string, memory?: WarmMemory, times = 1): Snapshot {
  const snap = emptySnapshot();
  snap.sockets.memory = memory;
  const ing = new Ingestor(snap, file);
  ing.pushText(fs.readFileSync(path.join(ROOT, file), "utf8").repeat(times));
  ing.end();
  snap.sockets.memory = undefined;
  return snap;
}

/** A WarmMemory with no helper: plain shared buffers, each spare asked for kept in `spares`. */
function plainMemory(spares: SharedArrayBuffer[]): WarmMemory {
  return {
    columns: (bytes) => new SharedArrayBuffer(bytes),
    wrote: () => {},
    table: () => undefined,
    spare: (bytes) => spares[spares.push(new SharedArrayBuffer(bytes)) - 1],
  };
}

/** Waits until `ok()` or `ms` have passed; returns ok(). */
function waitFor(ok: () => boolean, ms: number): boolean {
  const cell = new Int32Array(new SharedArrayBuffer(4));
  for (const end = Date.now() + ms; !ok() && Date.now() < end;) Atomics.wait(cell, 0, 0, 5);
  return ok();
}

describe("PageWarmer", () => {
  it("a table grown into its buffers holds every row as one grown into plain arrays", () => {
    // a pid and program on every row (netstat -p), a uid and inode on every row (/proc)
    for (const file of ["samples/linux/time-wait-churn/netstat-antp.txt", "samples/linux/time-wait-churn/proc-net-tcp.txt"]) {
      const warmer = new PageWarmer(0, 0);
      try {
        const warm = read(file, warmer), plain = read(file);
        assert.ok(warm.sockets.length > 3000, `${file}: ${warm.sockets.length} sockets`);
        assert.deepEqual(socketsOf(warm), socketsOf(plain), file);
        // the same ids too
        const n = warm.sockets.length, ids = (s: Snapshot) => [...s.sockets.localAddr.subarray(0, n), ...s.sockets.remoteAddr.subarray(0, n)];
        assert.deepEqual(ids(warm), ids(plain), `${file}: address ids`);
        assert.equal(warm.sockets.localPort.buffer instanceof SharedArrayBuffer, helper, `${file}: columns in shared memory`);
      } finally {
        warmer.close();
      }
    }
  });

  it("a string pool grows its address tables into the tables it asked for ahead, to the same ids", { timeout: 60_000 }, () => {
    const warmer = new PageWarmer(0, 0), warm = new StringPool(), plain = new StringPool();
    warm.memory = warmer;
    try {
      // 200,000 distinct quads, each interned twice, alike in their low bits (10.X.Y.1) and not
      for (let k = 0; k < 400000; k++) {
        const q = k % 2 === 0 ? (0x0a000001 + ((k >> 1) << 8)) >>> 0 : Math.imul(k >> 1, 0x9e3779b1) >>> 0;
        assert.equal(warm.internV4(q), plain.internV4(q));
        if (k % 3 === 0) assert.equal(warm.internV4(q), plain.internV4(q));
      }
      assert.equal(warm.size, plain.size);
      if (helper) assert.ok(waitFor(() => warmer.tablePages() > 0, 5000), "no table was asked for ahead");
    } finally {
      warmer.close();
    }
  });

  it("faults in pages up to LEAD rows past the rows written, and on to the end as they are written", { skip: noHelper }, () => {
    const warmer = new PageWarmer(0, 0), rows = 1 << 20;
    try {
      assert.ok(warmer.columns(rows * 4, [{ byteOffset: 0, bytesPerRow: 4 }], 0, rows));
      warmer.wrote(0);
      assert.ok(waitFor(() => warmer.reached() >= LEAD, 5000), `reached ${warmer.reached()} rows`);
      // it waits there: not further than a step past the lead
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
      assert.ok(warmer.reached() <= LEAD + STEP, `reached ${warmer.reached()} rows with none written`);
      warmer.wrote(rows);
      assert.ok(waitFor(() => warmer.reached() === rows, 5000), `reached ${warmer.reached()} of ${rows} rows`);
    } finally {
      warmer.close();
    }
  });

  it("is woken as rows are written only once its lead is down to half", { skip: noHelper }, () => {
    const warmer = new PageWarmer(0, 0), rows = 1 << 20;
    try {
      assert.ok(warmer.columns(rows * 4, [{ byteOffset: 0, bytesPerRow: 4 }], 0, rows));
      warmer.wrote(0);
      assert.ok(waitFor(() => warmer.reached() >= LEAD, 5000), `reached ${warmer.reached()} rows`);
      const bells = warmer.bells();
      // still more than LEAD / 2 rows ahead: left waiting
      for (let row = STEP; warmer.reached() - row > LEAD / 2; row += STEP) warmer.wrote(row);
      assert.equal(warmer.bells(), bells, "woken with half its lead left");
      const row = warmer.reached() - LEAD / 2 + 1;
      warmer.wrote(row);
      assert.equal(warmer.bells(), bells + 1, "not woken with less than half its lead left");
      assert.ok(waitFor(() => warmer.reached() >= row + LEAD, 5000), `reached ${warmer.reached()} rows, ${row} written`);
    } finally {
      warmer.close();
    }
  });

  it("changes nothing the rows wrote before it came to their pages", { skip: noHelper }, () => {
    const warmer = new PageWarmer(0, 0), rows = 1 << 20;
    try {
      const buffer = warmer.columns(rows * 4 + rows, [{ byteOffset: 0, bytesPerRow: 4 }, { byteOffset: rows * 4, bytesPerRow: 1 }], 0, rows)!;
      const a = new Int32Array(buffer, 0, rows), b = new Uint8Array(buffer, rows * 4, rows);
      // The helper runs and waits at LEAD rows; every row is then written, and only then told:
      // it comes to the pages past LEAD after their rows were written (a plain store of 0 would wipe some).
      warmer.wrote(0);
      assert.ok(waitFor(() => warmer.reached() >= LEAD, 5000), `reached ${warmer.reached()} rows`);
      for (let i = 0; i < rows; i++) a[i] = i + 1, b[i] = (i % 255) + 1;
      warmer.wrote(rows);
      assert.ok(waitFor(() => warmer.reached() === rows, 5000), `reached ${warmer.reached()} of ${rows} rows`);
      for (let i = 0; i < rows; i++) {
        if (a[i] !== i + 1 || b[i] !== (i % 255) + 1) assert.fail(`row ${i}: ${a[i]}, ${b[i]}`);
      }
    } finally {
      warmer.close();
    }
  });

  it("faults in a table whole, while the columns wait for rows", { skip: noHelper }, () => {
    const warmer = new PageWarmer(0, 0), rows = 1 << 20;
    try {
      assert.ok(warmer.columns(rows * 4, [{ byteOffset: 0, bytesPerRow: 4 }], 0, rows));
      warmer.wrote(0);
      const table = warmer.table(4 << 20);
      assert.ok(table instanceof SharedArrayBuffer);
      assert.ok(waitFor(() => warmer.tablePages() >= 1024, 5000), `${warmer.tablePages()} of 1024 pages`);
      assert.ok(new Int32Array(table).every((x) => x === 0), "a table page written with something else than 0");
      assert.ok(warmer.reached() <= LEAD + STEP, `reached ${warmer.reached()} rows with none written`);
    } finally {
      warmer.close();
    }
  });

  it("faults in spare memory only while it has nothing else to do", { skip: noHelper }, () => {
    const warmer = new PageWarmer(0, 0), rows = 1 << 20;
    try {
      const spare = warmer.spare(4 << 20)!;
      assert.ok(spare instanceof SharedArrayBuffer);
      assert.ok(waitFor(() => warmer.sparePages() >= 1024, 5000), `${warmer.sparePages()} of 1024 spare pages`);
      assert.ok(new Int32Array(spare).every((x) => x === 0), "a spare page written with something else than 0");
      // with columns to fault in, a spare waits for them: asked for while the helper waits at LEAD rows, all
      // the rows are then written: it faults in the rest of the columns' pages first
      assert.ok(warmer.columns(rows * 8, [{ byteOffset: 0, bytesPerRow: 8 }], 0, rows));
      warmer.wrote(0);
      assert.ok(waitFor(() => warmer.reached() >= LEAD, 5000), `reached ${warmer.reached()} rows`);
      const before = warmer.sparePages();
      assert.ok(warmer.spare(64 << 20));
      warmer.wrote(rows);
      assert.ok(waitFor(() => warmer.reached() === rows, 5000), `reached ${warmer.reached()} of ${rows} rows`);
      assert.ok(warmer.sparePages() - before < 4096, `${warmer.sparePages() - before} of 16384 spare pages before the columns`);
      assert.ok(waitFor(() => warmer.sparePages() - before >= 16384, 10000), `${warmer.sparePages() - before} of 16384 spare pages`);
    } finally {
      warmer.close();
    }
  });

  it("a table that grows into its buffers asks for spare memory for its facts, given once", () => {
    const asked: SharedArrayBuffer[] = [];
    const snap = emptySnapshot();
    snap.sockets.memory = plainMemory(asked);
    snap.sockets.reserve(1 << 16);
    snap.sockets.memory = undefined;
    assert.equal(asked.length, 1);
    assert.ok(asked[0].byteLength >= 16 * (1 << 16), `${asked[0].byteLength} bytes for ${1 << 16} rows`);
    assert.equal(snap.sockets.takeSpare(), asked[0]);
    assert.equal(snap.sockets.takeSpare(), undefined, "given twice");
    assert.equal(emptySnapshot().sockets.takeSpare(), undefined, "a table in plain arrays has none");
  });

  it("the facts over a table read into warmed memory cut their arrays from its spare, to the same figures", () => {
    const spares: SharedArrayBuffer[] = [];
    const memory = plainMemory(spares);
    // eight times over: a table long enough for arrays the spare gives (Scratch.MIN_KEPT elements and up)
    const file = "samples/linux/time-wait-churn/netstat-antp.txt";
    const warm = new TableScan(read(file, memory, 8)), plain = new TableScan(read(file, undefined, 8));
    assert.ok(spares.length > 0, "no spare asked for");
    const order = warm.stateIndex().order;
    assert.ok(order.length >= Scratch.MIN_KEPT, `${order.length} sockets`);
    assert.ok(order.buffer === spares.at(-1), "the state index is not cut from the spare");
    assert.deepEqual([...order], [...plain.stateIndex().order]);
    const wg = warm.clientGroups(), pg = plain.clientGroups();
    assert.ok(pg.rows.length > 1000, `${pg.rows.length} client sockets`);
    assert.deepEqual([wg.size, [...wg.rows], [...wg.group]], [pg.size, [...pg.rows], [...pg.group]]);
    assert.deepEqual(warm.portRange(), plain.portRange());
  });

  it("gives no buffer under its sizes, nor once closed", () => {
    const warmer = new PageWarmer(1 << 20, 8 << 20);
    assert.equal(warmer.table((1 << 20) - 8), undefined);
    assert.equal(warmer.spare((1 << 20) - 8), undefined);
    assert.equal(warmer.columns((8 << 20) - 8, [], 0, 1), undefined);
    warmer.close();
    assert.equal(warmer.table(1 << 21), undefined);
    assert.equal(warmer.spare(1 << 21), undefined);
    assert.equal(warmer.columns(8 << 21, [], 0, 1), undefined);
  });
});
