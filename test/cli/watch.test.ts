// `tcpdoc watch`: a series grown one tick at a time, and its JSON lines.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { FactContext } from "../../src/engine/mod.ts";
import { tick, WATCH_KEPT } from "../../src/cli/watch.ts";
import { SeriesBuilder } from "../../src/model/series.ts";
import { readInputs } from "../../src/sources/mod.ts";
import { ROOT, tcpdoc } from "./_run.ts";

describe("watch", () => {
  it("each tick adds a moment: the same sockets a tick later stay", () => {
    const b = new SeriesBuilder({ basis: "absolute", inputs: [{ path: "live", moments: 0 }], timeless: [], notes: [] }, WATCH_KEPT);
    const file = path.join(ROOT, "samples/linux/close-wait-leak/ss-tan.txt");
    tick(b, readInputs([file]), 0);
    const snap = tick(b, readInputs([file]), 2000);
    assert.equal(snap.series!.moments.length, 2);
    const p = new FactContext(snap).get("persistence", { state: "CLOSE_WAIT" }, undefined, {}).value as { same: boolean; oldest: number };
    assert.deepEqual([p.same, p.oldest], [true, 2]);
  });
  it("keeps at most WATCH_KEPT moments", () => {
    const b = new SeriesBuilder({ basis: "absolute", inputs: [{ path: "live", moments: 0 }], timeless: [], notes: [] }, 3);
    const file = path.join(ROOT, "samples/linux/healthy/ss-tan.txt");
    for (let i = 0; i < 5; i++) tick(b, readInputs([file]), i * 1000);
    assert.deepEqual(b.series.moments.map((m) => m.at), [2000, 3000, 4000]);
  });
  it("prints one JSON line per tick without a terminal", { skip: process.platform === "linux" ? false : "live /proc is Linux only" }, () => {
    const r = tcpdoc(["watch", "--count", "2", "--interval", "500ms", "--no-owners"]);
    assert.equal(r.status, 0, r.stderr);
    const lines = r.stdout.trim().split("\n").map((l) => JSON.parse(l));
    assert.equal(lines.length, 2);
    assert.equal(lines[1].series.moments, 2);
    assert.ok(Array.isArray(lines[1].findings));
  });
});
