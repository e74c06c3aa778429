// The output filter (src/text/inert.ts): what a terminal or a renderer would
// act on becomes a visible escape; ordinary text in any script passes as is.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { hasUnsafe, inert, inertJson, inertLines } from "../../src/text/inert.ts";

describe("inert text", () => {
  it("leaves printable text in any script unchanged", () => {
    for (const s of ["tcp 0 0 10.0.0.1:80 10.0.0.2:5000 ESTABLISHED", "Проводной", "活动连接", "naïve ✓ 😀", ""]) {
      assert.equal(inert(s), s);
      assert.equal(hasUnsafe(s), false);
    }
  });

  it("escapes an OSC 52 clipboard write and a CSI sequence", () => {
    assert.equal(inert("java\x1b]52;c;cnk=\x07"), "java\\x1b]52;c;cnk=\\x07");
    assert.equal(inert("\x1b[2J\x1b[H"), "\\x1b[2J\\x1b[H");
  });

  it("escapes DEL, C1, bidi overrides, zero-widths and separators, and turns a tab into a space", () => {
    assert.equal(inert("a\x7fb\u009bc"), "a\\x7fb\\u009bc");
    assert.equal(inert("evil\u202etxt.exe"), "evil\\u202etxt.exe");
    assert.equal(inert("zero\u200bwidth\ufeff"), "zero\\u200bwidth\\ufeff");
    assert.equal(inert("a\u2028b"), "a\\u2028b");
    assert.equal(inert("a\tb"), "a b");
    assert.equal(inert("line\nbreak\r"), "line\\x0abreak\\x0d");
  });

  it("keeps surrogate pairs and escapes lone surrogates", () => {
    assert.equal(inert("\ud83d\ude00"), "\ud83d\ude00");
    assert.equal(inert("a\ud800b"), "a\\ud800b");
    assert.equal(inert("a\udc00b"), "a\\udc00b");
    assert.equal(hasUnsafe("\ud83d\ude00"), false);
    assert.equal(hasUnsafe("a\ud800"), true);
  });

  it("splits lines before escaping them", () => {
    assert.deepEqual(inertLines("one\r\ntwo\x1b[31m\n"), ["one", "two\\x1b[31m", ""]);
  });

  it("makes JSON printable without changing the parsed value", () => {
    const value = { name: "a\u202eb\u0085c\x1bd\u2028" };
    const json = inertJson(JSON.stringify(value));
    assert.equal(/[\x00-\x1f\x7f-\x9f\u202e\u2028]/.test(json), false);
    assert.deepEqual(JSON.parse(json), value);
  });
});
