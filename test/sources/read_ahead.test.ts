// Reading a big file on two threads (src/sources/read_ahead.ts, files.ts
// readSplit) must give exactly the snapshot that reading it alone gives.

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import fc from "fast-check";
import type { Snapshot } from "../../src/model/snapshot.ts";
import { freeRows, readAhead, ReadAheadThread, rowsBuffers } from "../../src/sources/read_ahead.ts";
import { readInputs } from "../../src/sources/mod.ts";
import { READ_AHEAD_FROM } from "../../src/sources/files.ts";
import { splitReadingHelps } from "../../src/sources/threads.ts";
import { tempDir } from "../_temp.ts";

const ROOT = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");
const RUNS = Number(process.env.TCPDOC_PROPERTY_RUNS ?? 300);
const TMP = tempDir("tcpdoc-read-ahead-");

const sample = (p: string) => fs.readFileSync(path.join(ROOT, "samples/linux", p), "utf8");
const NETSTAT = sample("close-wait-leak/netstat-nat.txt");
const SS = sample("close-wait-leak/ss-tan.txt");
const PROC = sample("close-wait-leak/proc-net-tcp.txt");
const SS_INFO = sample("close-wait-leak/ss-tanoi.txt");

/** Everything a snapshot holds, as plain data. */
function dump(snap: Snapshot): unknown {
  const t = snap.sockets;
  const rows = [];
  for (let i = 0; i < t.length; i++) rows.push(t.get(i));
  return { inputs: snap.inputs, rows, tallies: snap.tallies, counters: [...snap.counters], sysctls: [...snap.sysctls], symptoms: [...snap.symptoms] };
}

let n = 0;
function write(text: string): string {
  const f = path.join(TMP, `in-${n++}.txt`);
  fs.writeFileSync(f, text);
  return f;
}

const alone = (f: string) => dump(readInputs([f], undefined, { readAheadFrom: Infinity }));

// Lines that make a fast path decline or change the format mid-file.
const BREAKS = [
  "", "Active Internet connections (servers and established)", "tcp        0      0 10.0.0.1:80   10.0.0.2:5000   ESTABLISHED extra",
  "tcp        0      0 höst:80   10.0.0.2:5000   ESTABLISHED", "tcp        0      0 10.0.0.1:80   10.0.0.2:5000   ESTABLISHED\r",
  // A queue too big for the table's int32 column: kept aside by the main thread's table, not read ahead.
  "tcp 4294967296      0 10.0.0.1:80   10.0.0.2:5000   ESTABLISHED",
  "$ ss -tan state close-wait", "Recv-Q Send-Q Local Address:Port Peer Address:Port", "random words here",
  ...SS_INFO.split("\n").slice(0, 6), ...PROC.split("\n").slice(0, 3),
];

describe("read-ahead gives the snapshot that one thread gives", () => {
  it("on real tables with breaks, split anywhere (read ahead on this thread)", () => {
    const base = [NETSTAT, SS, PROC].map((t) => t.split("\n"));
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...BREAKS)), { maxLength: 6 }),
        fc.nat(), fc.nat(), fc.boolean(),
        (which, breaks, probe, at, finalNewline) => {
          const lines = [...base[which], ...base[which].slice(2)];
          for (const [k, b] of breaks) lines.splice(k % (lines.length + 1), 0, b);
          const text = lines.join("\n").replace(/\n+$/, "") + (finalNewline ? "\n" : "");
          const f = write(text);
          const bytes = Buffer.byteLength(text);
          const split = dump(readInputs([f], undefined, { readAheadFrom: 0, _inline: { probe: 1 + (probe % bytes), at: at % bytes } }));
          assert.deepEqual(split, alone(f));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("asked to stop, ends after its block, and the main thread reads the rest to the same snapshot", () => {
    // 3 MiB of real rows: the helper reads one 1 MiB block, then stops.
    const rows = NETSTAT.split("\n").slice(2).filter(Boolean).join("\n") + "\n";
    let text = NETSTAT;
    while (text.length < 3 << 20) text += rows;
    const f = write(text), size = fs.statSync(f).size, start = NETSTAT.length;
    let blocks = 0;
    const r = readAhead({ path: f, start, end: size, format: "netstat-linux", reserve: 0 }, undefined, () => ++blocks > 1);
    const block = Buffer.from(text).subarray(start, start + (1 << 20));
    assert.equal(r.stoppedAt, start + block.lastIndexOf(10) + 1, "stops at the end of the last whole line of its block");
    assert.equal(r.count, block.subarray(0, block.lastIndexOf(10)).toString().split("\n").length);
    assert.deepEqual(dump(readInputs([f], undefined, { readAheadFrom: 0, _inline: { probe: 1 << 16, at: 1 << 20 } })), alone(f));
  });

  it("lets go of the rows' memory at once when they are freed (after adoption)", () => {
    const rows = NETSTAT.split("\n").slice(2).filter(Boolean).join("\n") + "\n";
    const f = write(NETSTAT + rows.repeat(50));
    const r = readAhead({ path: f, start: NETSTAT.length, end: fs.statSync(f).size, format: "netstat-linux", reserve: 0 });
    const buffers = rowsBuffers(r);
    assert.ok(r.count > 0 && buffers.length >= 13, "every column and the pool's arrays");
    assert.ok(buffers.every((b) => b.byteLength > 0));
    freeRows(r);
    assert.deepEqual(buffers.map((b) => b.byteLength), buffers.map(() => 0), "each buffer detached: its memory freed, not left to a collection");
  });

  it("reads rows up to the first line its fast path declines, and says where that is", () => {
    const head = NETSTAT.split("\n").slice(0, 2).join("\n") + "\n";
    const rows = NETSTAT.split("\n").slice(2, 12).join("\n") + "\n";
    const f = write(head + rows + "a line no fast path reads\n" + rows);
    const r = readAhead({ path: f, start: head.length, end: fs.statSync(f).size, format: "netstat-linux", reserve: 0 });
    assert.equal(r.count, 10);
    assert.equal(r.stoppedAt, head.length + rows.length);
  });

  it("stops before a line that is not ASCII, and before a last line without its newline", () => {
    const rows = NETSTAT.split("\n").slice(2, 6).join("\n") + "\n";
    const f = write(rows + "tcp        0      0 10.0.0.1:80   10.0.0.2:5000   ESTABLISHED # é\n" + rows);
    assert.equal(readAhead({ path: f, start: 0, end: fs.statSync(f).size, format: "netstat-linux", reserve: 0 }).stoppedAt, rows.length);
    const g = write(rows + rows.trimEnd());
    const r = readAhead({ path: g, start: 0, end: fs.statSync(g).size, format: "netstat-linux", reserve: 0 });
    assert.equal(r.count, 7);
  });

  it(
    "on a helper thread, with the same rows as on this one",
    { skip: "Deno" in globalThis ? "Deno reads big files on one thread (see ReadAheadThread.start)" : false },
    () => {
      const rows = SS.split("\n").slice(1).filter(Boolean).join("\n") + "\n";
      const f = write(SS + rows.repeat(20));
      const job = { path: f, start: SS.length, end: fs.statSync(f).size, format: "ss", reserve: 0 };
      const thread = ReadAheadThread.start();
      assert.ok(thread, "a helper thread starts on a machine with two cores");
      try {
        thread.run(job);
        const got = thread.result(60_000);
        assert.ok(got, "the helper thread posts its rows");
        assert.ok(got.count > 0);
        assert.deepEqual({ ...got, columns: undefined }, { ...readAhead(job), columns: undefined });
        const mine = readAhead(job);
        for (const k of Object.keys(mine.columns) as (keyof typeof mine.columns)[]) {
          assert.deepEqual(got.columns[k].subarray(0, got.count), mine.columns[k].subarray(0, mine.count), k);
        }
      } finally {
        thread.close();
      }
    },
  );

  it(
    "end to end on a file over the read-ahead size",
    { skip: "Deno" in globalThis ? "Deno reads big files on one thread (see ReadAheadThread.start)" : false },
    () => {
      const rows = NETSTAT.split("\n").slice(2).filter(Boolean).join("\n") + "\n";
      let text = NETSTAT;
      while (text.length < READ_AHEAD_FROM + (1 << 20)) text += rows;
      const f = write(text + "Active Internet connections (w/o servers)\n" + rows);
      // split at the size a machine with more than two cores splits at, whatever this one has
      assert.deepEqual(dump(readInputs([f], undefined, { readAheadFrom: READ_AHEAD_FROM })), alone(f));
    },
  );
});

describe("where a big file is read on two threads", () => {
  it("only with more than two cores, and never under Deno", () => {
    const node = !("Deno" in globalThis);
    assert.equal(splitReadingHelps(1), false);
    assert.equal(splitReadingHelps(2), false, "two vCPUs read a dump as fast on one thread (bench/README.md)");
    assert.equal(splitReadingHelps(3), node);
    assert.equal(splitReadingHelps(16), node);
  });
});
