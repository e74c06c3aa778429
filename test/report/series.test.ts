// The series section of the reports: text (with sparklines), Markdown and JSON
// say the same course, from the lab's recording of a CLOSE_WAIT leak.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { seriesDigest, summarizeMoment } from "../../src/engine/mod.ts";
import { readInputs, readSeries } from "../../src/sources/mod.ts";
import { analysisOf, provenanceOf } from "../../src/report/analysis.ts";
import { renderJson } from "../../src/report/json.ts";
import { renderMarkdown } from "../../src/report/markdown.ts";
import { renderText } from "../../src/report/text.ts";

const ROOT = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");
const LEAK = path.join(ROOT, "samples", "linux", "series-close-wait-growing", "series-ss-tan.txt");

function analysis(snap: ReturnType<typeof readInputs>) {
  return analysisOf(snap, [], provenanceOf(snap, "0.0.0", ["analyze"]), "info", { series: seriesDigest(snap) });
}

describe("series reports", () => {
  const a = analysis(readSeries([LEAK], summarizeMoment));
  it("text: the course of each state with a sparkline, and that the sockets stay", () => {
    const t = renderText(a, { width: 140, color: false } as Parameters<typeof renderText>[1]);
    assert.match(t, /Over time: 8 snapshots from 2026-12-01 17:13:10Z to 17:13:31 \(21 s, every 3 s\)/);
    assert.match(t, /CLOSE_WAIT +27 → 132 +▁▂▃▄▅▆▇█ +rising \+300\/min; none of them left \(27 there since the first snapshot\), oldest 21 s/);
  });
  it("Markdown: the states table and a row per moment", () => {
    const md = renderMarkdown(a);
    assert.match(md, /\| CLOSE_WAIT \| 27 \| 132 \| 27 \| 132 \| \+300\/min \| rising \| stay \(oldest 21 s\) \|/);
    assert.equal(md.split("\n").filter((l) => /^\| \d\d:\d\d:\d\d \|/.test(l)).length, 8);
  });
  it("JSON: a series object beside the summary", () => {
    const j = JSON.parse(renderJson(a));
    assert.equal(j.series.moments, 8);
    const cw = j.series.states.find((s: { state: string }) => s.state === "CLOSE_WAIT");
    assert.deepEqual([cw.first, cw.last, cw.course, cw.persistence.same], [27, 132, "rising", true]);
  });
  it("one snapshot: no series section", () => {
    const one = analysis(readInputs([path.join(ROOT, "samples", "linux", "close-wait-leak", "ss-tan.txt")]));
    assert.equal(one.series, undefined);
    assert.equal(JSON.parse(renderJson(one)).series, undefined);
  });
});
