// The watch screen (src/ui/watch_app.tsx) rendered with ink-testing-library,
// under Node and Deno, fed tick by tick from the lab's real recordings
// (samples/linux/series-*/series-ss-tan.txt, `ss -tan` every 3 s on a real
// kernel) through the real tick loop (src/cli/ticks.ts), the real rules and
// the real export writer: keys, 80-column fit, what came and went.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createElement } from "react";
import { render } from "ink-testing-library";
import { seriesDigest, summarizeMoment } from "../../src/engine/mod.ts";
import { Recording, tick as addTick } from "../../src/cli/watch.ts";
import { INTERVAL_STEPS, Ticker } from "../../src/cli/ticks.ts";
import { SeriesBuilder } from "../../src/model/series.ts";
import { type LiveCapture, type RawCapture, readSeries, renderSnapshotFile, snapshotFromCapture } from "../../src/sources/mod.ts";
import { ruleLoadOptions } from "../../src/sources/rule_files.ts";
import { sessionEngine } from "../../src/ui/engine.ts";
import { sessionFileFor, writeExport } from "../../src/ui/run.tsx";
import { WATCH_KEYS, WatchApp, type WatchAppProps } from "../../src/ui/watch_app.tsx";
import { groupViews, type WatchTick } from "../../src/ui/watch_model.ts";
import { driver, plain, ROOT, tick as wait } from "./_harness.ts";

/** The recording's moments: each `ss -tan` after its date line, as a live capture of that time. */
function captures(name: string): LiveCapture[] {
  const text = fs.readFileSync(path.join(ROOT, "samples/linux", name, "series-ss-tan.txt"), "utf8");
  const parts = text.split(/^(?=\d{4}-\d\d-\d\dT[\d:]+Z$)/m).filter((p) => p.trim());
  return parts.map((p) => {
    const [date, ...rest] = p.split("\n");
    return { capture: { platform: "linux", host: "lab", kernel: "6.1", time: date.trim() }, sources: [{ path: "ss -tan", text: rest.join("\n") }], owners: new Map() };
  });
}

/** A capture's sources as the bytes a live read keeps. */
function rawOf(c: LiveCapture): RawCapture {
  // In two pieces, cut inside the text, as a live read hands them on.
  const pieces = (t: string) => {
    const b = new TextEncoder().encode(t), cut = b.length >> 1;
    return [b.subarray(0, cut), b.subarray(cut)];
  };
  return { ...c, sources: c.sources.map((s) => ({ path: s.path, pieces: pieces(s.text) })) };
}

const engine = await sessionEngine(ruleLoadOptions({ ruleDirs: [], disabled: [], userRules: false }));

/** A feed of ticks over a recording, as src/cli/watch.ts makes them: series, rules, digest, recording. */
function feed(name: string) {
  const caps = captures(name);
  const builder = new SeriesBuilder({ basis: "absolute", inputs: [{ path: "live", moments: 0 }], timeless: [], notes: [] }, 300);
  const recording = new Recording();
  let before: WatchTick["findings"] | undefined;
  let n = 0;
  return {
    size: caps.length,
    recording,
    async next(): Promise<WatchTick> {
      // Past its end the recording's last moment stays (the same sockets, 3 s on).
      const c = caps[Math.min(n, caps.length - 1)];
      const at = Date.parse(caps[0].capture.time) + n * 3000;
      n++;
      recording.add(rawOf(c));
      const snap = addTick(builder, snapshotFromCapture(c), at);
      const findings = await engine.diagnose(snap, {});
      const t: WatchTick = { n, at, snap, findings, before, digest: seriesDigest(snap) };
      before = findings;
      return t;
    },
  };
}

/** The watch app over a feed, with the real Ticker steering it (every 40 ms unless given). */
async function watching(name: string, over: Partial<WatchAppProps> = {}, every = 40, count = Infinity) {
  const f = feed(name);
  const ticker = new Ticker({ every, count });
  const ends: { exported: string[] }[] = [];
  const props = (t?: WatchTick): WatchAppProps => ({
    tick: t,
    every,
    control: { pause: (on) => ticker.pause(on), step: (d) => ticker.step(d) },
    diagnose: engine.diagnose,
    color: false,
    size: { columns: 80, rows: 24 },
    onQuit: (e) => void ends.push(e),
    ...over,
  });
  const r = render(createElement(WatchApp, props()));
  const ticks: WatchTick[] = [];
  const running = ticker.run(async () => {
    const t = await f.next();
    ticks.push(t);
    r.rerender(createElement(WatchApp, props(t)));
  });
  const { frame, until, press } = driver(r, 5000);
  const done = async () => {
    ticker.stop();
    await running;
    r.unmount();
  };
  return { r, f, ticker, ticks, frame, until, press, ends, done };
}

describe("watch recording", () => {
  it("keeps the bytes read and writes each tick as the snapshot file tcpdoc record writes", () => {
    const caps = captures("series-close-wait-growing").slice(0, 3);
    const rec = new Recording(Infinity, 300, "test");
    for (const c of caps) rec.add(rawOf(c));
    assert.equal(rec.text(), caps.map((c) => renderSnapshotFile(c, "test")).join(""));
    assert.equal(rec.ticks, 3);
  });

  it("drops the oldest ticks past its byte budget or its tick count, never the newest", () => {
    const caps = captures("series-close-wait-growing");
    const size = (c: LiveCapture) => c.sources.reduce((n, s) => n + new TextEncoder().encode(s.text).length, 0);
    const byBytes = new Recording(size(caps[0]) + size(caps[1]), 300, "test");
    for (const c of caps.slice(0, 4)) byBytes.add(rawOf(c));
    assert.ok(byBytes.ticks <= 2 && byBytes.ticks >= 1, `${byBytes.ticks} ticks kept`);
    assert.equal(byBytes.dropped, 4 - byBytes.ticks);
    assert.ok(byBytes.text().endsWith(renderSnapshotFile(caps[3], "test")));
    const tiny = new Recording(1, 300, "test");
    tiny.add(rawOf(caps[0]));
    assert.equal(tiny.ticks, 1, "one tick is kept even over the budget");
    const byCount = new Recording(Infinity, 2, "test");
    for (const c of caps.slice(0, 5)) byCount.add(rawOf(c));
    assert.equal(byCount.ticks, 2);
    assert.equal(byCount.dropped, 3);
  });
});

describe("watch recording's room", () => {
  it("copies big pieces into the room of dropped ticks, and the ticks kept read back as they were", () => {
    const rec = new Recording(Infinity, 2, "test");
    const caps = captures("series-close-wait-growing").slice(0, 5);
    const enc = new TextEncoder();
    const raws: RawCapture[] = [];
    for (const [k, c] of caps.entries()) {
      // one source of some 40 KB per tick, its bytes different each tick, handed on in a buffer the read reuses
      const text = `tick ${k}\n`.repeat(5000), read = new Uint8Array(1 << 16);
      read.set(enc.encode(text));
      const raw: RawCapture = { ...c, sources: [{ path: "/proc/net/tcp", pieces: [rec.copy(read.subarray(0, text.length))] }] };
      read.fill(0);
      rec.add(raw);
      raws.push(raw);
    }
    const room = (k: number) => raws[k].sources[0].pieces[0].buffer;
    assert.equal(room(3), room(0), "tick 4 is copied into tick 1's room");
    assert.equal(room(4), room(1));
    assert.notEqual(room(2), room(0));
    const expected = raws.slice(3).map((r) => renderSnapshotFile({ ...r, sources: [{ path: "/proc/net/tcp", text: new TextDecoder().decode(r.sources[0].pieces[0]) }] }, "test"));
    assert.equal(rec.text(), expected.join(""));
    assert.ok(rec.text().includes("tick 4\n") && !rec.text().includes("tick 1\n"));
    const small = rec.copy(enc.encode("x\n"));
    assert.equal(small.buffer.byteLength, 2, "a small piece is copied to its size");
  });
});

describe("watch screen", () => {
  it("shows states with sparklines and growth, the groups with what came and went, the findings; fits 80 columns", async () => {
    const w = await watching("series-close-wait-growing", {}, 40, 8);
    try {
      const f = await w.until(/tick 8 /);
      const lines = f.split("\n");
      for (const l of lines) assert.ok([...l].length <= 80, `wider than 80: ${JSON.stringify(l)}`);
      assert.ok(lines.length <= 23, `taller than 23 lines (one short of the screen): ${lines.length}`);
      // CLOSE_WAIT rising over the recording: its sparkline climbs and its growth is per minute.
      assert.match(f, /CLOSE_WAIT\s+132\s+[▁▂▃▄▅▆▇█]{8}\s+\+\d+\/m\s+same sockets stay/);
      assert.match(f, /Local ports/);
      assert.match(f, /Peers/);
      assert.match(f, /close-wait-leak/);
      assert.ok(f.includes(WATCH_KEYS), "the help line lists the keys");
      for (const k of ["space/p pause", "+/- interval", "/ filter", "Enter", "e export", "q quit"]) assert.ok(WATCH_KEYS.includes(k), k);
    } finally {
      await w.done();
    }
  });

  it("marks the rows that came since the tick before (+N/-M and +), from the recording's real peers", async () => {
    // The recording's clients connect from new ephemeral ports each tick; by port 8080's group key they are the same.
    const f = feed("series-churn-flat");
    let t!: WatchTick;
    for (let i = 0; i < 3; i++) t = await f.next();
    const views = groupViews(t.snap.series);
    const ports = views.find((v) => v.by === "local-port")!;
    const prev = t.snap.series!.moments.at(-2)!.sockets!.groups["local-port"]!;
    const cur = t.snap.series!.moments.at(-1)!.sockets!.groups["local-port"]!;
    const came = [...cur.keys()].filter((k) => !prev.has(k));
    const went = [...prev.keys()].filter((k) => !cur.has(k));
    assert.ok(came.length + went.length > 0, "the churning recording changes its local ports between ticks");
    assert.equal(ports.appeared, came.length);
    assert.equal(ports.vanished, went.length);
    assert.deepEqual(ports.rows.filter((r) => r.fresh).map((r) => r.key).sort(), came.sort());
    const app = render(createElement(WatchApp, { tick: t, every: 2000, control: { pause() {}, step: () => 2000 }, diagnose: engine.diagnose, color: false, size: { columns: 80, rows: 24 }, onQuit() {} }));
    await wait();
    assert.match(plain(app.lastFrame()), new RegExp(`Local ports \\+${came.length}/-${went.length}`));
    app.unmount();
  });

  it("+N/-M count only the keys the filter keeps", async () => {
    const f = feed("series-churn-flat");
    let t!: WatchTick;
    for (let i = 0; i < 3; i++) t = await f.next();
    const prev = t.snap.series!.moments.at(-2)!.sockets!.groups["local-port"]!;
    const cur = t.snap.series!.moments.at(-1)!.sockets!.groups["local-port"]!;
    const came = [...cur.keys()].filter((k) => !prev.has(k)), went = [...prev.keys()].filter((k) => !cur.has(k));
    // A filter that keeps one key that came (if any) and drops the rest.
    const keep = came[0] ?? went[0];
    assert.ok(keep !== undefined && came.length + went.length > 1, "the churning recording changes more than one local port");
    const ports = groupViews(t.snap.series, keep).find((v) => v.by === "local-port")!;
    const kept = (k: string) => k.toLowerCase().includes(keep.toLowerCase());
    assert.equal(ports.appeared, came.filter(kept).length);
    assert.equal(ports.vanished, went.filter(kept).length);
    assert.ok(ports.appeared + ports.vanished < came.length + went.length);
    const none = groupViews(t.snap.series, "no-such-key").find((v) => v.by === "local-port")!;
    assert.deepEqual([none.appeared, none.vanished, none.rows.length], [0, 0, 0]);
  });

  it("space and p pause and resume the sampling: no tick is taken while paused", async () => {
    const w = await watching("series-close-wait-growing");
    try {
      await w.until(/tick [2-9]/);
      await w.press(" ");
      const taken = w.ticker.taken;
      const f = await w.until(/PAUSED/);
      const n = /tick (\d+)/.exec(f)![1];
      await wait(300);
      assert.equal(w.ticker.taken, taken, "the ticker took ticks while paused");
      assert.match(w.frame(), new RegExp(`tick ${n} `));
      await w.press("p");
      await w.until(/running/);
      await w.until(new RegExp(`tick (?!${n} )\\d+ `));
      assert.ok(w.ticker.taken > taken);
    } finally {
      await w.done();
    }
  });

  it("+ and - step the interval, shown on screen, within 500 ms and 60 s", async () => {
    const w = await watching("series-close-wait-growing", {}, 2000);
    try {
      await w.until(/every 2 s/);
      await w.press("+");
      await w.until(/every 5 s/);
      assert.equal(w.ticker.every, 5000);
      await w.press("+", "+", "+", "+");
      await w.until(/every 60 s/);
      assert.equal(w.ticker.every, INTERVAL_STEPS.at(-1));
      await w.until(/interval stays 60 s/);
      await w.press(...Array(10).fill("-"));
      await w.until(/every 500 ms/);
      assert.equal(w.ticker.every, INTERVAL_STEPS[0]);
    } finally {
      await w.done();
    }
  });

  it("/ filters groups and findings by port or address; Esc clears", async () => {
    const w = await watching("series-close-wait-growing");
    try {
      await w.until(/tick [3-9]/);
      w.ticker.pause(true);
      const before = await w.until(/close-wait-leak/);
      assert.match(before, /8081/);
      await w.press("/", "8", "0", "8", "0", "\r");
      const f = await w.until(/filter: 8080/);
      assert.doesNotMatch(f.split("Findings")[0].split("Local ports")[1], /8081/, "port 8081 is filtered out");
      assert.match(f, /8080/);
      await w.press("/", "\x15", "n", "o", "-", "s", "u", "c", "h", "\r");
      const none = await w.until(/filter: no-such/);
      assert.match(none, /No finding matches the filter/);
      await w.press("\x1b");
      const back = await w.until(/close-wait-leak/);
      assert.doesNotMatch(back, /filter:/);
    } finally {
      await w.done();
    }
  });

  it("Enter and a digit open a finding's walkthrough; Esc comes back to the watch", async () => {
    const w = await watching("series-close-wait-growing");
    try {
      await w.until(/close-wait-leak/);
      w.ticker.pause(true);
      await w.press("\r");
      const f = await w.until(/What is wrong/);
      assert.match(f, /› finding/);
      assert.match(f, /Esc back to watch/);
      await w.press("\x1b");
      await w.until(/Findings \(/);
      await w.press("1");
      await w.until(/What is wrong/);
      await w.press("\x1b");
      await w.until(/Findings \(/);
    } finally {
      await w.done();
    }
  });

  it("e writes the recorded series, which analyze reads back as a series, and the session beside it", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-watch-"));
    const file = path.join(dir, "w.tcpdoc");
    const writes: string[] = [];
    let rec: Recording | undefined;
    const w = await watching("series-close-wait-growing", {
      exportWatch: (p, md) => {
        writes.push(p);
        const err = writeExport(p, rec!.text()) ?? writeExport(sessionFileFor(p), md);
        return err ? { error: err } : { files: [p, sessionFileFor(p)] };
      },
      exportPath: file,
    });
    rec = w.f.recording;
    try {
      await w.until(/tick [4-9]/);
      w.ticker.pause(true);
      await w.press("e");
      await w.until(/Export the watched series/);
      await w.press("\r");
      await w.until(/saved .*w\.tcpdoc and .*w\.md/);
      assert.deepEqual(writes, [file]);
      const snap = readSeries([file], summarizeMoment);
      assert.equal(snap.series?.moments.length, rec.ticks);
      assert.ok(rec.ticks >= 4);
      assert.match(fs.readFileSync(path.join(dir, "w.md"), "utf8"), /^# tcpdoc session/);
      assert.match(fs.readFileSync(path.join(dir, "w.md"), "utf8"), /close-wait-leak/);
      // A second export to the same name is refused, not overwritten.
      await w.press("e", "\r");
      await w.until(/exists: give another name/);
      await w.press("\x1b");
    } finally {
      await w.done();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("answers given in a walkthrough opened from the watch stay for the next one and go into the export", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-watch-"));
    const file = path.join(dir, "a.tcpdoc");
    let md = "";
    const w = await watching("series-close-wait-growing", {
      exportWatch: (_p, markdown) => ((md = markdown), { files: [file] }),
      exportPath: file,
      size: { columns: 80, rows: 60 },
    }, 40, 1);
    try {
      // One tick: no series yet, so the walkthrough asks whether the count grows, first.
      await w.until(/close-wait-leak/);
      await w.press("\r");
      // The walkthrough's first item is its first open question, selected.
      await w.until(/› +\? /);
      await w.press("\r");
      await w.until(/› yes/);
      await w.press("y");
      await w.until(/\[yes\]/);
      await w.press("\x1b");
      await w.until(/Findings \(/);
      // Opened again, the walkthrough shows the answer given the first time.
      await w.press("\r");
      await w.until(/\[yes\]/);
      await w.press("\x1b");
      await w.until(/Findings \(/);
      await w.press("e");
      await w.until(/Export the watched series/);
      await w.press("\r");
      await w.until(/saved/);
      assert.match(md, /### Answers/);
      assert.match(md, /\(`close-wait-[a-z-]+`\) \| yes \| `close-wait-leak` \| confirmed/);
      assert.doesNotMatch(md, /No question was answered/);
    } finally {
      await w.done();
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("q and Ctrl-C quit", async () => {
    for (const key of ["q", "\x03"]) {
      const w = await watching("series-churn-flat");
      try {
        await w.until(/tick 1/);
        await w.press(key);
        assert.equal(w.ends.length, 1, `${JSON.stringify(key)} did not quit`);
      } finally {
        await w.done();
      }
    }
  });
});
