// The progress line while large inputs load (src/cli/progress.ts): shown on
// a terminal only, from a quarter of a second in, at most ten times a second,
// and wiped before the report; and what it is told while a big file is read
// on two threads (src/ingest/sources.ts).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { progressReporter } from "../../src/cli/progress.ts";
import { readInputs } from "../../src/sources/mod.ts";

/** A terminal stand-in that records what is written, and a clock the test moves. */
function setup(isTTY: boolean) {
  const written: string[] = [];
  let t = 1000;
  const p = progressReporter({ isTTY, columns: 40, write: (s: string) => written.push(s) }, () => t);
  return { p, written, at: (ms: number) => (t = 1000 + ms) };
}

const MiB = 1048576;

describe("progress line", () => {
  it("says nothing in the first quarter of a second", () => {
    const { p, written, at } = setup(true);
    at(200);
    p.report("big.txt", 5 * MiB, 80 * MiB);
    p.clear();
    assert.deepEqual(written, []);
  });

  it("then shows bytes, size and share on one line, at most every 100 ms, cut to the width, and wipes it", () => {
    const { p, written, at } = setup(true);
    at(300);
    p.report("big.txt", 20 * MiB, 80 * MiB);
    at(350);
    p.report("big.txt", 25 * MiB, 80 * MiB);
    at(420);
    p.report("a-dump-with-a-long-name.txt", 1.5 * MiB, undefined);
    p.clear();
    assert.deepEqual(written, [
      "\r\x1b[KReading big.txt: 20 of 80 MiB (25%)",
      "\r\x1b[KReading a-dump-with-a-long-name.txt: 1.",
      "\r\x1b[K",
    ]);
  });

  it("writes nothing when the output is not a terminal", () => {
    const { p, written, at } = setup(false);
    at(1000);
    p.report("big.txt", 20 * MiB, 80 * MiB);
    p.clear();
    assert.deepEqual(written, []);
  });
});

describe("progress of a file read on two threads", () => {
  it("counts the bytes the helper reads ahead, also while the main thread waits for it", () => {
    const row = "tcp        0      0 10.0.0.1:8080           10.0.0.2:40000          ESTABLISHED\n";
    const head = "Active Internet connections (servers and established)\nProto Recv-Q Send-Q Local Address           Foreign Address         State\n";
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-progress-")), "big.txt");
    fs.writeFileSync(file, head + row.repeat(Math.ceil((4 * MiB) / row.length)));
    const size = fs.statSync(file).size;
    const seen: number[] = [];
    // The read-ahead runs on this thread (a stand-in for the helper), split after the first MiB.
    readInputs([file], (_p, done) => seen.push(done), { readAheadFrom: 0, _inline: { probe: 1 << 16, at: MiB } });
    fs.rmSync(path.dirname(file), { recursive: true });
    assert.equal(seen[seen.length - 1], size);
    for (let i = 1; i < seen.length; i++) assert.ok(seen[i] >= seen[i - 1], `progress went back: ${seen.join(", ")}`);
    // Before: nothing between the split (about 1 MiB) and the end.
    assert.ok(seen.some((d) => d > 1.5 * MiB && d < size), `no report between the split and the end: ${seen.join(", ")}`);
  });
});
