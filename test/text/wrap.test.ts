/** Word wrapping. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";

describe("wrapText()", () => {
  it("wraps at the width, indents continuation lines and cuts words longer than a line", async () => {
    const { wrapText, wrapParagraphs } = await import("../../src/text/wrap.ts");
    assert.deepEqual(wrapText("one two three", 10), ["one two", "three"]);
    assert.deepEqual(wrapText("abcdefghijklmnopqrstuvwxyz ok", 14, "> "), ["> abcdefghijkl", "  mnopqrstuvwx", "  yz ok"]);
    assert.deepEqual(wrapParagraphs("one two\n\nthree", 12, "  "), ["  one two", "", "  three"]);
  });
});
