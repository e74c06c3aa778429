// A moment's group counts kept flat (GroupTable): read as a map of key -> counts by state.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { GroupTable } from "../../src/model/series.ts";

describe("GroupTable", () => {
  // two keys, three counts each
  const table = () => new GroupTable(["10.0.0.5:5432", "10.0.0.6:80"], new Map([["10.0.0.5:5432", 0], ["10.0.0.6:80", 1]]), Int32Array.of(1, 2, 3, 4, 5, 6), 3);

  it("gives each key its own counts, and nothing for a key it does not hold", () => {
    const t = table();
    assert.deepEqual([...t.get("10.0.0.6:80")!], [4, 5, 6]);
    assert.deepEqual([...t.get("10.0.0.5:5432")!], [1, 2, 3]);
    assert.equal(t.get("10.0.0.7:80"), undefined);
    assert.equal(t.has("10.0.0.7:80"), false);
    assert.equal(t.size, 2);
  });
  it("iterates as a Map does, in the keys' order", () => {
    const t = table();
    assert.deepEqual([...t].map(([k, c]) => [k, [...c]]), [["10.0.0.5:5432", [1, 2, 3]], ["10.0.0.6:80", [4, 5, 6]]]);
    assert.deepEqual([...t.keys()], ["10.0.0.5:5432", "10.0.0.6:80"]);
    assert.deepEqual([...t.values()].map((c) => c[2]), [3, 6]);
    const seen: string[] = [];
    t.forEach((c, k) => seen.push(`${k}=${c[0]}`));
    assert.deepEqual(seen, ["10.0.0.5:5432=1", "10.0.0.6:80=4"]);
  });
});
