// The rates fact: counters as per-second deltas over a series, resets handled, old totals told apart.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { ratesOf } from "../../../src/engine/facts/rates.ts";
import type { Moment, Series } from "../../../src/model/series.ts";
import { facts, get, lab, seriesFacts } from "../_helpers.ts";

type R = { samples: number; delta: number | null; perSecond: number | null; rising: boolean; flat: boolean; resets: number; recent?: number };

function series(values: number[], every = 10): Series {
  const moments: Moment[] = values.map((v, i) => ({
    at: i * every * 1000, label: "", sources: [], counters: new Map([["TcpExtListenOverflows", v]]), rates: new Map(),
  }));
  return { basis: "relative", moments, inputs: [], timeless: [], notes: [] };
}

describe("rates", () => {
  it("an accept queue overflowing now: ListenOverflows rising, about 66 a second (nstat every 2 s)", () => {
    const v = get(seriesFacts(lab("series-accept-queue-overflow", "series-nstat-listen.txt")), "rates").value as Record<string, R>;
    const r = v.TcpExtListenOverflows;
    assert.equal(r.samples, 12);
    assert.equal(r.rising, true);
    assert.ok(r.perSecond! > 50 && r.perSecond! < 80, String(r.perSecond));
  });
  it("reads the same from a pasted netstat -s loop", () => {
    const v = get(seriesFacts(lab("series-accept-queue-overflow", "series-netstat-s-listen.txt")), "rates").value as Record<string, R>;
    assert.equal(v.TcpExtListenOverflows.rising, true);
  });
  it("a counter that stands still carries an old total: flat, nothing recent", () => {
    const r = ratesOf(series([5000, 5000, 5000])).TcpExtListenOverflows;
    assert.deepEqual([r.delta, r.rising, r.flat, r.recent], [0, false, true, 0]);
  });
  it("a counter that went down was reset and counts from 0 again", () => {
    const r = ratesOf(series([100, 160, 20, 50])).TcpExtListenOverflows;
    assert.deepEqual([r.resets, r.delta, r.perSecond], [1, 60 + 20 + 30, 3.6667]);
    // the last step: 20 -> 50 over 10 s
    assert.equal((r as R & { lastPerSecond: number }).lastPerSecond, 3);
    // a reset at the last step counts the value itself
    assert.equal((ratesOf(series([100, 160, 20])).TcpExtListenOverflows as R & { lastPerSecond: number }).lastPerSecond, 2);
  });
  it("sar's own per-second columns count as their counters (retrans/s as TcpRetransSegs)", () => {
    const v = get(seriesFacts(lab("series-accept-queue-overflow", "sar-n-ETCP.txt")), "rates").value as Record<string, R>;
    assert.equal(v.TcpRetransSegs.rising, true);
    assert.equal(v.TcpRetransSegs.samples, 24);
  });
  it("on one snapshot: no rate, and what may be recent is the total since boot", () => {
    const v = get(facts(lab("accept-queue-overflow", "netstat-s.txt")), "rates").value as Record<string, R>;
    const r = v.TcpExtListenOverflows;
    assert.deepEqual([r.perSecond, r.rising, r.flat], [null, false, false]);
    assert.ok((r.recent ?? 0) > 0);
  });
});
