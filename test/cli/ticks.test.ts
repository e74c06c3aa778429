// The tick loop record and watch share (src/cli/ticks.ts): count, pause, interval steps, stop.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { INTERVAL_STEPS, Ticker } from "../../src/cli/ticks.ts";

const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe("Ticker", () => {
  it("takes --count ticks, every apart from each start", async () => {
    const t = new Ticker({ every: 30, count: 3 });
    const at: number[] = [];
    await t.run((i, started) => void at.push(started));
    assert.equal(at.length, 3);
    assert.equal(t.taken, 3);
    for (let i = 1; i < at.length; i++) assert.ok(at[i] - at[i - 1] >= 28, `ticks ${at[i] - at[i - 1]} ms apart`);
  });
  it("takes no tick while paused, and goes on when resumed", async () => {
    const t = new Ticker({ every: 20, count: Infinity });
    const run = t.run(() => {});
    await wait(70);
    t.pause(true);
    await wait(30);
    const n = t.taken;
    await wait(150);
    assert.equal(t.taken, n);
    t.pause(false);
    await wait(80);
    assert.ok(t.taken > n);
    t.stop();
    await run;
  });
  it("steps the interval within its bounds and measures the wait under way again", async () => {
    const t = new Ticker({ every: 2000, count: 2 });
    assert.equal(t.step(1), 5000);
    assert.equal(t.step(-1), 2000);
    for (let i = 0; i < 10; i++) t.step(-1);
    assert.equal(t.every, INTERVAL_STEPS[0]);
    for (let i = 0; i < 10; i++) t.step(1);
    assert.equal(t.every, INTERVAL_STEPS.at(-1));
    // An --interval between steps moves to its neighbour.
    assert.equal(new Ticker({ every: 3000, count: 1 }).step(1), 5000);
    assert.equal(new Ticker({ every: 3000, count: 1 }).step(-1), 2000);
    // A 60 s wait cut to 500 ms: the second tick comes soon.
    const started = Date.now();
    const run = t.run(() => {});
    await wait(30);
    for (let i = 0; i < 10; i++) t.step(-1);
    await run;
    assert.ok(Date.now() - started < 2000, "the shorter interval did not cut the wait");
  });
  it("stop ends the wait at once", async () => {
    const t = new Ticker({ every: 60_000, count: Infinity });
    const started = Date.now();
    const run = t.run(() => {});
    await wait(20);
    t.stop();
    await run;
    assert.equal(t.taken, 1);
    assert.ok(Date.now() - started < 1000);
  });
});
