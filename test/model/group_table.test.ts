// A moment's group counts kept flat (GroupTable): read as a map of key -> counts by state.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { GroupTable, SeriesBuilder } from "../../src/model/series.ts";

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
  it("counts a key in one state or in all, without a view, and 0 for a key it does not hold", () => {
    const t = table();
    assert.equal(t.count("10.0.0.6:80"), 15);
    assert.equal(t.count("10.0.0.6:80", 1), 5);
    assert.equal(t.count("10.0.0.7:80"), 0);
    assert.equal(t.count("10.0.0.5:5432", 2), 3);
  });
  it("shares the keys of the table before: its order when the keys are the same, the counts its own", () => {
    const before = table();
    // the same keys, the other way round, other counts
    const now = new GroupTable(["10.0.0.6:80", "10.0.0.5:5432"], new Map([["10.0.0.6:80", 0], ["10.0.0.5:5432", 1]]), Int32Array.of(7, 8, 9, 10, 11, 12), 3);
    const shared = now.sharing(before);
    assert.deepEqual([...shared.keys()], ["10.0.0.5:5432", "10.0.0.6:80"]);
    assert.deepEqual([...shared.get("10.0.0.6:80")!], [7, 8, 9]);
    assert.deepEqual([...shared.get("10.0.0.5:5432")!], [10, 11, 12]);
    // a key more: its own order, each key's counts kept
    const other = new GroupTable(["10.0.0.7:22", "10.0.0.5:5432"], new Map([["10.0.0.7:22", 0], ["10.0.0.5:5432", 1]]), Int32Array.of(1, 1, 1, 2, 2, 2), 3).sharing(before);
    assert.deepEqual([...other.keys()], ["10.0.0.7:22", "10.0.0.5:5432"]);
    assert.deepEqual([...other.get("10.0.0.5:5432")!], [2, 2, 2]);
    assert.equal(other.count("10.0.0.7:22"), 3);
    assert.equal(other.has("10.0.0.6:80"), false);
  });
  it("is shared from one moment to the next as a series is built, with each moment's counts", () => {
    const b = new SeriesBuilder({ basis: "absolute", inputs: [], timeless: [], notes: [] });
    const moment = (at: number, t: GroupTable) => ({ at, label: String(at), sources: [], counters: new Map(), rates: new Map(), sockets: { states: [0, 3], total: 3, rows: true, groups: { destination: t } } });
    b.add(moment(0, table()));
    b.add(moment(1000, new GroupTable(["10.0.0.6:80", "10.0.0.5:5432"], new Map([["10.0.0.6:80", 0], ["10.0.0.5:5432", 1]]), Int32Array.of(0, 0, 1, 0, 2, 0), 3)));
    const [first, second] = b.series.moments.map((m) => m.sockets!.groups.destination!);
    assert.deepEqual([...second.keys()], [...first.keys()]);
    assert.equal(second.count("10.0.0.6:80"), 1);
    assert.equal(second.count("10.0.0.5:5432"), 2);
    assert.equal(first.count("10.0.0.6:80"), 15);
  });
});
