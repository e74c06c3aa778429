// The progress line while large inputs load (src/cli/progress.ts): shown on
// a terminal only, from a quarter of a second in, at most ten times a second,
// and wiped before the report.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { progressReporter } from "../src/cli/progress.ts";

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
