// Series in the inputs (src/ingest/series.ts, read by src/sources/series.ts):
// the lines that mark a moment, and how inputs split into moments. The
// shapes are the lab's real recordings, and watch's screen.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { summarizeMoment } from "../../src/engine/mod.ts";
import { readTimeLine } from "../../src/ingest/series.ts";
import { STATES } from "../../src/model/states.ts";
import { readInputs, readSeries } from "../../src/sources/mod.ts";
import { tempDir } from "../_temp.ts";

const LAB = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..", "samples", "linux");
const iso = (ms: number) => new Date(ms).toISOString();
const count = (snap: ReturnType<typeof readSeries>, state: string) =>
  snap.series!.moments.map((m) => m.sockets?.states[STATES.indexOf(state as (typeof STATES)[number]) + 1] ?? null);

function temp(name: string, text: string): string {
  const dir = tempDir("tcpdoc-series-");
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
}

describe("reading times", () => {
  it("reads the dates loops print", () => {
    const at = (t: string) => {
      const r = readTimeLine(t);
      return r && (r.basis === "absolute" ? iso(r.at) : `${r.basis} ${r.at}`);
    };
    assert.equal(at("Tue Dec  1 17:13:10 UTC 2026"), "2026-12-01T17:13:10.000Z");
    assert.equal(at("2026-12-01T17:13:10Z"), "2026-12-01T17:13:10.000Z");
    assert.equal(at("2026-12-01 18:13:10+01:00"), "2026-12-01T17:13:10.000Z");
    assert.equal(at("Tue 01 Dec 2026 05:13:10 PM UTC"), "2026-12-01T17:13:10.000Z");
    assert.equal(at("Tuesday, December 1, 2026 5:13:10 PM"), "2026-12-01T17:13:10.000Z");
    assert.equal(at("--- Tue Dec  1 17:13:10 CET 2026 ---"), "2026-12-01T16:13:10.000Z");
    assert.equal(at("1796145190"), "2026-12-01T17:13:10.000Z");
    assert.equal(at("17:13:10"), "day 61990000");
    assert.equal(at("ESTAB 0 0 10.0.0.1:22 10.0.0.2:5000"), undefined);
  });
});

describe("series in the inputs", () => {
  it("a `date; ss -tan` loop: one moment per date line, the last one 'now'", () => {
    const snap = readSeries([path.join(LAB, "series-close-wait-growing", "series-ss-tan.txt")], summarizeMoment);
    assert.equal(snap.series!.moments.length, 8);
    assert.deepEqual(count(snap, "CLOSE_WAIT"), [27, 42, 57, 72, 87, 102, 117, 132]);
    // "now" is the last moment's table alone; the input's report speaks for every moment.
    assert.equal(snap.sockets.length, 306);
    assert.equal(snap.inputs[0].sockets, 1608);
  });
  it("a pasted `while true; do date; netstat -nat | ... | uniq -c` transcript: counts only", () => {
    const snap = readSeries([path.join(LAB, "series-close-wait-growing", "series-while-netstat-uniq-c.txt")], summarizeMoment);
    assert.deepEqual(count(snap, "CLOSE_WAIT").slice(0, 4), [27, 42, 57, 72]);
    assert.equal(snap.series!.moments.every((m) => m.sockets?.rows === false), true);
  });
  it("sar -n SOCK: each row is a moment, dated by the report's header", () => {
    const snap = readSeries([path.join(LAB, "series-close-wait-growing", "sar-n-SOCK.txt")], summarizeMoment);
    assert.ok(snap.series!.moments.length >= 20, String(snap.series!.moments.length));
    assert.equal(iso(snap.series!.moments[0].at), "2026-12-01T17:13:11.000Z");
  });
  it("a `date; netstat -s | grep -i listen` loop: counters per moment", () => {
    const snap = readSeries([path.join(LAB, "series-accept-queue-overflow", "series-netstat-s-listen.txt")], summarizeMoment);
    const ov = snap.series!.moments.map((m) => m.counters.get("TcpExtListenOverflows"));
    assert.ok(ov.length >= 10 && ov[ov.length - 1]! > ov[0]!, ov.join(","));
  });
  it("watch's screen with no date on its header: placed by its interval", () => {
    const screen = (n: number) => `Every 5.0s: ss -tan state close-wait\n\nRecv-Q Send-Q Local Address:Port Peer Address:Port\n${
      Array.from({ length: n }, (_, i) => `1 0 10.0.0.1:8080 10.0.0.2:${40000 + i}\n`).join("")}`;
    const f = temp("watch.txt", screen(3) + screen(5));
    const snap = readSeries([f], summarizeMoment);
    assert.equal(snap.series!.basis, "relative");
    assert.deepEqual(snap.series!.moments.map((m) => m.at), [0, 5000]);
  });
  it("one moment reads exactly as before: no series", () => {
    const f = path.join(LAB, "close-wait-leak", "ss-tan.txt");
    const one = readSeries([f], summarizeMoment);
    assert.equal(one.series, undefined);
    assert.deepEqual(one.inputs, readInputs([f]).inputs);
    const dated = temp("one.txt", `Tue Dec  1 17:13:10 UTC 2026\n${fs.readFileSync(f, "utf8")}`);
    assert.equal(readSeries([dated], summarizeMoment).series, undefined);
  });
  it("snapshot files of different moments form a series in time order", () => {
    const head = (t: string) => `# tcpdoc snapshot v1 platform=linux host=web1 kernel=6.1.0 time=${t} tcpdoc=0.1.0\n# source /proc/net/tcp\n`;
    const rows = fs.readFileSync(path.join(LAB, "close-wait-leak", "proc-net-tcp.txt"), "utf8");
    const late = temp("b.tcpdoc", `${head("2024-05-01T10:01:00.000Z")}${rows}# end\n`);
    const early = temp("a.tcpdoc", `${head("2024-05-01T10:00:00.000Z")}${rows}# end\n`);
    const snap = readSeries([late, early], summarizeMoment);
    assert.deepEqual(snap.series!.moments.map((m) => iso(m.at)), ["2024-05-01T10:00:00.000Z", "2024-05-01T10:01:00.000Z"]);
  });
  it("inputs named with their times form a series, as main's capture times tell their moments apart", () => {
    const rows = fs.readFileSync(path.join(LAB, "close-wait-leak", "proc-net-tcp.txt"), "utf8");
    const a = temp("ss-2024-05-01T10-00-00.txt", rows), b = temp("ss-2024-05-01T10-05-00.txt", rows);
    const snap = readSeries([b, a], summarizeMoment);
    assert.deepEqual(snap.series!.moments.map((m) => iso(m.at)), ["2024-05-01T10:00:00.000Z", "2024-05-01T10:05:00.000Z"]);
    assert.equal(snap.merged, 0);
  });
  it("inputs dated within one moment (SAME_MOMENT_SECONDS) are one moment, merged, not a series", () => {
    const rows = fs.readFileSync(path.join(LAB, "close-wait-leak", "proc-net-tcp.txt"), "utf8");
    const a = temp("a.txt", `Tue Dec  1 17:13:10 UTC 2026\n${rows}`), b = temp("b.txt", `Tue Dec  1 17:13:11 UTC 2026\n${rows}`);
    const snap = readSeries([a, b], summarizeMoment);
    assert.equal(snap.series, undefined);
    assert.ok(snap.merged > 0);
  });
  it("each moment of a loop is finished on its own: a count without rows counts in its moment only", () => {
    const loop = ["Tue Dec  1 17:13:10 UTC 2026", "      4 CLOSE_WAIT", "      2 ESTABLISHED", "Tue Dec  1 17:13:15 UTC 2026", "      7 CLOSE_WAIT", "      2 ESTABLISHED", ""].join("\n");
    const snap = readSeries([temp("loop.txt", loop)], summarizeMoment);
    assert.deepEqual(count(snap, "CLOSE_WAIT"), [4, 7]);
    assert.equal(snap.ledger.get(snap.inputs[0])?.series, true);
  });
});
