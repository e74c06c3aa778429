/** The scanning primitives both readers of every format are built on. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { cleanLine } from "../../src/ingest/decode.ts";
import { digitsValue, hexValue, tokenize, TokenBounds } from "../../src/ingest/scan.ts";
import { RUNS } from "./_read.ts";

describe("tokenize()", () => {
  it("splits on runs of spaces and tabs", () => {
    assert.deepEqual(tokenize("  a\t b  c "), ["a", "b", "c"]);
    assert.deepEqual(tokenize(""), []);
  });
});

describe("TokenBounds", () => {
  it("cuts a line as cleanLine + tokenize would, or says cleaning would change it", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."ab1 \t\r\x01\x7f:"), maxLength: 40 }), fc.constantFrom("", "\r"), (s, end) => {
        const line = s + end;
        const t = new TokenBounds(8);
        const n = t.split(line, 0, line.length);
        const cleaned = cleanLine(line);
        const want = tokenize(cleaned);
        if (n === -1) {
          assert.ok(cleaned !== line.replace(/\r$/, "") || want.length > 8, JSON.stringify(line));
          return;
        }
        assert.deepEqual(Array.from({ length: n }, (_, k) => line.slice(t.start(k), t.end(k))), want);
      }),
      { numRuns: RUNS * 3 },
    );
  });
  it("stops after the tokens asked for", () => {
    const t = new TokenBounds();
    assert.equal(t.split("a b c d \x01", 0, 10, 2), 2);
    assert.equal(t.split("a b c d \x01", 0, 10), -1);
  });
});

describe("digitsValue() and hexValue()", () => {
  it("read numbers as Number() reads all-digit text, any length", () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom(..."0123456789"), minLength: 1, maxLength: 30 }), (s) => {
        assert.equal(digitsValue(s), Number(s));
      }),
      { numRuns: RUNS * 3 },
    );
    assert.equal(digitsValue("4294967296"), 4294967296);
    assert.equal(digitsValue(""), -1);
    assert.equal(digitsValue("1e3"), -1);
    assert.equal(digitsValue("x12y", 1, 3), 12);
  });
  it("read hex strictly, in either case", () => {
    assert.equal(hexValue("0A"), 10);
    assert.equal(hexValue("ffffffff"), 0xffffffff);
    assert.equal(hexValue("12G"), -1);
    assert.equal(hexValue(""), -1);
  });
});
