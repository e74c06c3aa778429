// The text and JSON reports (src/report/text.ts, json.ts) with their
// provenance (analysis.ts): where the report came from, what --min-severity
// hid, and every outside string inert.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { snapshotFromTexts } from "../../src/ingest/mod.ts";
import type { Finding } from "../../src/model/finding.ts";
import { analysisOf, commandLine, provenanceOf } from "../../src/report/analysis.ts";
import { renderJson } from "../../src/report/json.ts";
import { renderText } from "../../src/report/text.ts";

const SS = "State Recv-Q Send-Q Local Address:Port Peer Address:Port\nESTAB 0 0 10.0.0.1:80 10.0.0.2:5000\n";

function finding(severity: Finding["severity"], title = "A finding"): Finding {
  return {
    rule: `rule-${severity}`, severity, confidence: 0.8, title, message: "Line one.\nLine \u202e two.",
    evidence: { figures: {}, groups: [{ by: "process", key: "evil\u009b2J", count: 1 }], sockets: [] },
    conditions: [], missing: [], questions: [], checks: [{ title: "t", command: "ss -tan\u200b", lookFor: "", readOnly: true, platforms: [] }],
    fixes: [], references: [], tags: [], source: "x.yaml",
  };
}

describe("provenance", () => {
  it("names the tool and the command line; host and time only when the data says them", () => {
    const plain = snapshotFromTexts([{ path: "ss.txt", text: SS }]);
    assert.deepEqual(provenanceOf(plain, "1.2.3", ["analyze", "ss.txt"]), { tool: { name: "tcpdoc", version: "1.2.3" }, command: ["tcpdoc", "analyze", "ss.txt"] });
    const snap = snapshotFromTexts([{ path: "s.tcpdoc", text: "# tcpdoc snapshot v1 platform=linux host=db2 kernel=6.1 time=2024-01-02T03:04:05.000Z tcpdoc=0.1.0\n# source /proc/net/tcp\n# end\n" }]);
    const p = provenanceOf(snap, "1.2.3", []);
    assert.equal(p.host, "db2");
    assert.equal(p.capturedAt, "2024-01-02T03:04:05.000Z");
  });
  it("quotes the command line as a shell would take it back", () => {
    assert.equal(commandLine(["tcpdoc", "analyze", "my dump.txt", "--answer", "q=it's"]), "tcpdoc analyze 'my dump.txt' --answer 'q=it'\\''s'");
  });
});

describe("text report", () => {
  const snap = snapshotFromTexts([{ path: "-", text: SS }]);
  const prov = provenanceOf(snap, "0.1.0", ["analyze", "-"]);
  it("calls stdin stdin and says how it was run", () => {
    const t = renderText(analysisOf(snap, [], prov), { color: false, width: 80 });
    assert.match(t, /^tcpdoc: analysis of stdin\n  stdin \(ss\): /);
    assert.match(t, /^  run: tcpdoc analyze - \(tcpdoc 0\.1\.0\)$/m);
  });
  it("says how many findings --min-severity hid, with or without findings shown", () => {
    const all = [finding("critical"), finding("warning"), finding("info")];
    const t = renderText(analysisOf(snap, all, prov, "warning"), { color: false, width: 80 });
    assert.match(t, /^Findings \(2; 1 finding below warning not shown \(--min-severity warning\)\):$/m);
    const none = renderText(analysisOf(snap, [finding("info")], prov, "critical"), { color: false, width: 80 });
    assert.match(none, /No findings at critical or worse; 1 finding below critical not shown/);
    assert.doesNotMatch(none, /nothing in this snapshot matches/);
  });
  it("makes rule and evidence text inert", () => {
    const t = renderText(analysisOf(snap, [finding("warning", "Title \u202e evil")], prov), { color: false, width: 80 });
    assert.doesNotMatch(t, /[\u202e\u009b\u200b]/);
    assert.match(t, /Title \\u202e evil/);
    assert.match(t, /evil\\u009b2J/);
    assert.match(t, /^    Line \\u202e two\.$/m);
  });
});

describe("JSON report", () => {
  it("carries provenance, the snapshot header of an input, and what was hidden", () => {
    const snap = snapshotFromTexts([{ path: "s.tcpdoc", text: "# tcpdoc snapshot v1 platform=linux host=db2 kernel=6.1 time=2024-01-02T03:04:05.000Z tcpdoc=0.1.0\n# source /proc/net/tcp\n# end\n" }]);
    const j = JSON.parse(renderJson(analysisOf(snap, [finding("info")], provenanceOf(snap, "0.1.0", ["analyze", "s.tcpdoc"]), "warning")));
    assert.deepEqual(Object.keys(j).slice(0, 4), ["version", "live", "provenance", "inputs"]);
    assert.equal(j.provenance.host, "db2");
    assert.deepEqual(j.inputs[0].capture, { platform: "linux", host: "db2", kernel: "6.1", time: "2024-01-02T03:04:05.000Z", tcpdoc: "0.1.0" });
    assert.deepEqual(j.hidden, { below: "warning", count: 1 });
  });
  it("escapes the characters a terminal would act on, and parses back to the same strings", () => {
    const snap = snapshotFromTexts([{ path: "x.txt", text: SS }]);
    const text = renderJson(analysisOf(snap, [finding("warning", "T \u202e")], provenanceOf(snap, "0.1.0", [])));
    assert.doesNotMatch(text, /[\u202e\u009b\u200b]/);
    assert.match(text, /\\u202e/);
    assert.equal(JSON.parse(text).findings[0].title, "T \u202e");
  });
});
