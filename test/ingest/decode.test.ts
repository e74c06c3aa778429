/** Bytes into lines: encodings, chunks, control characters. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { cleanLine, LineDecoder, sniffEncoding } from "../../src/ingest/decode.ts";
import { mutatedLine, RUNS, sampleLines } from "./_read.ts";

const SAMPLE_LINES = sampleLines();

describe("sniffEncoding()", () => {
  it("recognises BOMs, BOM-less UTF-16 and GBK", () => {
    assert.equal(sniffEncoding(new Uint8Array([0xff, 0xfe, 0x41, 0])).encoding, "utf-16le");
    assert.equal(sniffEncoding(new Uint8Array([0xfe, 0xff, 0, 0x41])).encoding, "utf-16be");
    assert.equal(sniffEncoding(new Uint8Array([0xef, 0xbb, 0xbf, 0x41])).bomLength, 3);
    const le = new Uint8Array([..."TCP  0.0.0.0:135"].flatMap((c) => [c.charCodeAt(0), 0]));
    assert.equal(sniffEncoding(le).encoding, "utf-16le");
    // "活动连接" (Active Connections) in GBK, as a Chinese Windows console writes it.
    const gbk = new Uint8Array([0xbb, 0xee, 0xb6, 0xaf, 0xc1, 0xac, 0xbd, 0xd3, 0x0d, 0x0a]);
    assert.equal(sniffEncoding(gbk).encoding, "gb18030");
    assert.equal(sniffEncoding(new TextEncoder().encode("tcp 0 0 a:1 b:2 LISTEN")).encoding, "utf-8");
  });
});

describe("LineDecoder", () => {
  it("joins lines split across chunks, including inside a multi-byte character", () => {
    const bytes = new TextEncoder().encode("ä1\nb2ü\r\nlast");
    const lines: string[] = [];
    const d = new LineDecoder();
    for (let i = 0; i < bytes.length; i++) d.push(bytes.subarray(i, i + 1), (l) => lines.push(l));
    d.end((l) => lines.push(l));
    assert.deepEqual(lines.map(cleanLine), ["ä1", "b2ü", "last"]);
  });
});

describe("cleanLine()", () => {
  it("removes CR, ANSI colour and control characters", () => {
    assert.equal(cleanLine("\x1b[1;32mESTAB\x1b[0m 0 0\r"), "ESTAB 0 0");
    assert.equal(cleanLine("a\x07b"), "ab");
  });
});

describe("LineDecoder", () => {
  /**
   * Lines as ranges, from the bytes pushed in the given piece sizes; with
   * `blocks`, whole UTF-8 lines come as bytes (pushBlocks), decoded during
   * the call and the bytes then overwritten, as their validity ends there.
   */
  function lines(bytes: Uint8Array, sizes: number[], blocks = false): { encoding: string; lines: string[] } {
    const d = new LineDecoder();
    const out: string[] = [];
    const on = (t: string, a: number, b: number) => out.push(t.slice(a, b));
    const reader = {
      readBlock(b: Uint8Array, start: number, end: number) {
        out.push(...new TextDecoder().decode(b.subarray(start, end - 1)).split("\n"));
        b.fill(0x42, start, end);
      },
    };
    let i = 0, k = 0;
    while (i < bytes.length) {
      const n = Math.max(1, sizes.length ? sizes[k++ % sizes.length] : bytes.length);
      // A reused buffer, as readFd reuses its own: the decoder must copy what it keeps.
      const buf = new Uint8Array(bytes.subarray(i, i + n));
      if (blocks) d.pushBlocks(buf, reader, on);
      else d.pushRanges(buf, on);
      buf.fill(0x41);
      i += n;
    }
    if (blocks) d.endBlocks(reader, on);
    else d.endRanges(on);
    return { encoding: d.encoding, lines: out };
  }

  it("pushRanges() gives the same lines however the bytes are cut into chunks", () => {
    const text = fc.array(fc.oneof(mutatedLine(SAMPLE_LINES), fc.string({ maxLength: 40 }), fc.constantFrom("", "\r", "é中", "\u{1F600}")), { maxLength: 20 })
      .map((ls) => ls.join("\n"));
    const enc = fc.constantFrom("utf-8", "utf-8-bom", "utf-16le-bom", "bytes");
    fc.assert(
      fc.property(text, enc, fc.array(fc.integer({ min: 1, max: 300 }), { minLength: 1, maxLength: 5 }), fc.uint8Array({ maxLength: 200 }), (t, e, sizes, raw) => {
        let bytes: Uint8Array;
        if (e === "utf-8") bytes = new TextEncoder().encode(t);
        else if (e === "utf-8-bom") bytes = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(t)]);
        else if (e === "utf-16le-bom") {
          bytes = new Uint8Array(2 + 2 * t.length);
          bytes.set([0xff, 0xfe]);
          for (let i = 0; i < t.length; i++) bytes[2 + 2 * i] = t.charCodeAt(i) & 255, bytes[3 + 2 * i] = t.charCodeAt(i) >> 8;
        } else bytes = raw;
        const whole = lines(bytes, []);
        const cut = lines(bytes, sizes);
        assert.equal(cut.encoding, whole.encoding);
        assert.deepEqual(cut.lines, whole.lines);
        assert.deepEqual(lines(bytes, sizes, true).lines, whole.lines);
        // A final newline ends the last line; it does not start an empty one.
        const want = t.length ? t.split("\n") : [];
        if (t.endsWith("\n")) want.pop();
        if (e !== "bytes") assert.deepEqual(whole.lines, want);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("pushBlocks() joins pieces cut inside a line in one buffer, reused from piece to piece", () => {
    // A /proc table read on by a helper thread comes in 64 KiB pieces cut anywhere.
    const text = SAMPLE_LINES.slice(0, 100).join("\n").repeat(50) + "\n", bytes = new TextEncoder().encode(text);
    const d = new LineDecoder(), buffers = new Set<ArrayBufferLike>(), out: string[] = [];
    const reader = {
      readBlock(b: Uint8Array, start: number, end: number) {
        buffers.add(b.buffer);
        out.push(new TextDecoder().decode(b.subarray(start, end)));
      },
    };
    let pieces = 0;
    for (let i = 0; i < bytes.length; i += 4099, pieces++) d.pushBlocks(new Uint8Array(bytes.subarray(i, i + 4099)), reader, () => assert.fail("no line by range"));
    d.endBlocks(reader, () => assert.fail("no line by range"));
    assert.equal(out.join(""), text);
    assert.ok(pieces > 100 && buffers.size <= 5, `${buffers.size} buffers for ${pieces} pieces`);
  });

  it("pushRanges() carries a line longer than 1 MiB across 64 KiB chunks", () => {
    const long = "x".repeat(1_500_000);
    const text = `first\n${long}\nlast\nno newline`;
    const r = lines(new TextEncoder().encode(text), [65536]);
    assert.deepEqual(r.lines.map((l) => l.length), [5, long.length, 4, 10]);
    assert.equal(r.lines[1], long);
  });

  it("pushRanges() keeps a character cut right after a line longer than 1 MiB", () => {
    // The 64 KiB chunk that ends the long line ends with the first byte of "é".
    const long = "x".repeat(20 * 65536 - 2);
    const r = lines(new TextEncoder().encode(`${long}\né中\nlast\n`), [65536]);
    assert.deepEqual(r.lines.slice(1), ["é中", "last"]);
  });
});
