/** Addresses and endpoints: the one IPv4 reader and the one endpoint formatter. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import fc from "fast-check";
import { familyOf, formatEndpoint, formatV4, parseV4, readV4, v4TextLength } from "../../src/model/address.ts";
import { NONE } from "../../src/model/socket_table.ts";

const RUNS = Number(process.env.TCPDOC_PROPERTY_RUNS ?? 300);

describe("familyOf()", () => {
  it("tells IPv4 from IPv6 and names", () => {
    assert.equal(familyOf("10.0.0.1"), 4);
    assert.equal(familyOf("::1"), 6);
    assert.equal(familyOf("localhost"), 0);
  });
});

describe("parseV4() and readV4(): the one IPv4 reader", () => {
  it("accepts exactly the quads `${a}.${b}.${c}.${d}` writes, and formatV4() writes them back", () => {
    fc.assert(
      fc.property(fc.oneof(fc.ipV4(), fc.ipV4Extended(), fc.string({ unit: fc.constantFrom(..."0123456789.x"), maxLength: 18 })), (s) => {
        const v = parseV4(s);
        const canonical = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
        const parts = canonical?.slice(1).map(Number);
        const want = parts && parts.every((p, i) => p <= 255 && String(p) === canonical![i + 1]) ? parts.reduce((a, p) => a * 256 + p, 0) : -1;
        assert.equal(v, want, s);
        if (v !== -1) assert.equal(formatV4(v), s);
      }),
      { numRuns: RUNS * 3 },
    );
  });

  it("reads a quad in place inside a line, and says how long it is", () => {
    const line = "tcp 0 0 10.20.30.4:8080 x";
    const v = readV4(line, 8, line.length);
    assert.equal(formatV4(v), "10.20.30.4");
    assert.equal(v4TextLength(v), "10.20.30.4".length);
    assert.equal(readV4("10.0.0.01", 0, 9), -1);
    assert.equal(readV4("1.2.3", 0, 5), -1);
    assert.equal(parseV4("1.2.3.4", 0, 7), 0x01020304);
    assert.equal(parseV4("1.2.3.4x"), -1);
  });
});

describe("familyOf() of a range", () => {
  it("reads four digit runs as IPv4, leading zeros and big parts included, as the tools print them", () => {
    assert.equal(familyOf("010.0.0.999"), 4);
    assert.equal(familyOf("1..2.3"), 0);
    assert.equal(familyOf("[::1]:80", 1, 4), 6);
    assert.equal(familyOf("x10.0.0.1y", 1, 9), 4);
    // beyond ASCII, and longer than a short host
    assert.equal(familyOf("1\u0661.0.0.1"), 0);
    assert.equal(familyOf("\u00e9:1"), 6);
    assert.equal(familyOf("a".repeat(80) + ":1"), 6);
    assert.equal(familyOf("1".repeat(70) + ".2.3.4"), 4);
    assert.equal(familyOf("1".repeat(70) + ".2.3"), 0);
  });
});

describe("formatEndpoint(): the one endpoint formatter", () => {
  it("brackets IPv6, and writes * for a missing host or port", () => {
    assert.equal(formatEndpoint("10.0.0.1", 80), "10.0.0.1:80");
    assert.equal(formatEndpoint("::1", 8080), "[::1]:8080");
    assert.equal(formatEndpoint("", NONE), "*:*");
    assert.equal(formatEndpoint("*", undefined), "*:*");
  });
});
