// The sparkline: counts drawn as block characters, lowest to highest.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { sparkline } from "../../src/text/sparkline.ts";

describe("sparkline", () => {
  it("draws the smallest as ▁ and the largest as █", () => {
    assert.equal(sparkline([27, 42, 57, 72, 87, 102, 117, 132]), "▁▂▃▄▅▆▇█");
  });
  it("keeps the latest values when there are more than the width", () => {
    assert.equal(sparkline([9, 9, 0, 1], 2), "▁█");
  });
  it("draws an unchanging count at mid height, and nothing as empty", () => {
    assert.deepEqual([sparkline([5, 5, 5]), sparkline([0, 0]), sparkline([])], ["▄▄▄", "▁▁", ""]);
  });
});
