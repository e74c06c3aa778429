// Property tests (fast-check) for every format and the dispatcher: random
// and mutated lines (real sample lines, mutated) never throw, every line is
// accounted for, and sockets never outnumber socket lines. Each format's
// fast row reader is checked against its parser in that format's tests
// (test/ingest/formats/).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { type ParseContext, REGISTRY, type Sink } from "../../src/ingest/mod.ts";
import { tokenize } from "../../src/ingest/scan.ts";
import { emptySnapshot, LINE_KINDS, type Snapshot } from "../../src/model/snapshot.ts";
import { Ingestor } from "../../src/ingest/mod.ts";
import { ingest, interesting, mutatedLine, pickFrom, RUNS, sampleFiles, sampleLines } from "../ingest/_read.ts";

const SAMPLE_LINES = sampleLines();

/** A sink that only counts, for calling parsers directly. */
function countingSink(): Sink & { sockets: number } {
  return {
    sockets: 0,
    socket() {
      this.sockets++;
    },
    tally() {},
    detail: () => true,
    counter() {},
    sysctl() {},
    symptom() {},
    capture() {},
    moment() {},
    elided() {},
    platform() {},
  };
}

function freshContext(): ParseContext {
  return REGISTRY.context();
}

const anyLine = fc.oneof(
  { weight: 3, arbitrary: mutatedLine(SAMPLE_LINES) },
  { weight: 1, arbitrary: fc.string({ maxLength: 120 }) },
  { weight: 1, arbitrary: fc.string({ unit: interesting, maxLength: 120 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary", maxLength: 80 }) },
  { weight: 1, arbitrary: pickFrom(SAMPLE_LINES) },
);

function checkAccounting(snap: Snapshot, text: string): void {
  const r = snap.inputs[0];
  const sum = LINE_KINDS.reduce((n, k) => n + r.kinds[k], 0);
  assert.equal(sum, r.lines, "every line has exactly one kind");
  assert.equal(r.kinds.unparsed, r.unparsed);
  // The decoder's line count: newline-separated, a final newline ends the last line.
  const expected = text.length === 0 ? 0 : text.split("\n").length - (text.endsWith("\n") ? 1 : 0);
  assert.equal(r.lines, expected);
  // A printed list (psutil) holds several rows on one line; other formats at most one.
  const many = REGISTRY.formats.some((f) => f.manyPerLine && r.formats[f.format]);
  if (!many) assert.ok(snap.sockets.length <= r.kinds.socket, `${snap.sockets.length} table rows from ${r.kinds.socket} socket lines`);
  assert.ok(r.unparsedLines.length <= r.unparsed);
}

describe("every format's parser, called directly", () => {
  for (const format of REGISTRY.formats) {
    it(`${format.format}: parse() never throws on random and mutated lines, and adds at most one socket a line`, () => {
      fc.assert(
        fc.property(fc.array(anyLine, { minLength: 1, maxLength: 8 }), (lines) => {
          const ctx = freshContext();
          const sink = countingSink();
          for (const [i, raw] of lines.entries()) {
            const text = raw.replace(/[\r\n]/g, "");
            const tokens = tokenize(text);
            // The dispatcher books a line without tokens as noise and never offers it to a parser.
            if (tokens.length === 0) continue;
            const before = sink.sockets;
            const kind = format.parse({ text, tokens, number: i + 1 }, ctx, sink);
            assert.ok(kind === undefined || LINE_KINDS.includes(kind), `unknown kind ${String(kind)}`);
            // A printed list (psutil) holds several rows on one line; other formats at most one.
            if (!format.manyPerLine) assert.ok(sink.sockets - before <= 1, "at most one socket row per line");
            if (sink.sockets > before) assert.equal(kind, "socket");
          }
        }),
        { numRuns: RUNS },
      );
    });
  }
});

describe("the sample line pool", () => {
  it("picks from a pool larger than a call's argument limit (no spread)", () => {
    const pool = Array.from({ length: 300_000 }, (_, i) => String(i));
    fc.assert(fc.property(pickFrom(pool), (line) => pool[Number(line)] === line), { numRuns: 50 });
    fc.assert(fc.property(mutatedLine(pool), (line) => typeof line === "string"), { numRuns: 50 });
  });
});

describe("ingest of random and mutated inputs", () => {
  it("never throws and accounts for every line (mutated real lines, random strings, binary)", () => {
    fc.assert(
      fc.property(fc.array(anyLine, { maxLength: 30 }), fc.constantFrom("\n", "\r\n"), (lines, eol) => {
        const text = lines.map((l) => l.replace(/[\r\n]/g, "")).join(eol);
        checkAccounting(ingest(text), text);
      }),
      { numRuns: RUNS },
    );
  });

  it("never throws on random bytes", () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 2000 }), (bytes) => {
        const snap = emptySnapshot();
        const ing = new Ingestor(snap, "bytes.bin");
        ing.push(bytes);
        const r = ing.end();
        assert.equal(LINE_KINDS.reduce((n, k) => n + r.kinds[k], 0), r.lines);
        assert.ok(snap.sockets.length <= r.kinds.socket);
      }),
      { numRuns: RUNS },
    );
  });

  it("accounts for every line of every real sample", () => {
    for (const s of sampleFiles()) checkAccounting(ingest(s.text), s.text);
  });
});
