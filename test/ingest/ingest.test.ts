/** The line dispatcher: every line accounted for. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { LineDecoder } from "../../src/ingest/decode.ts";
import { MAX_LINE } from "../../src/ingest/format.ts";
import { snapshotFromTexts } from "../../src/ingest/mod.ts";

describe("line accounting", () => {
  it("gives every line exactly one kind and keeps unparsed lines with numbers", () => {
    const text = "State Recv-Q Send-Q Local Address:Port Peer Address:Port\nESTAB 0 0 10.0.0.1:22 10.0.0.2:5555\nwhat is this\n\n";
    const snap = snapshotFromTexts([{ path: "x", text }]);
    const r = snap.inputs[0];
    const total = Object.values(r.kinds).reduce((a, b) => a + b, 0);
    assert.equal(total, r.lines);
    assert.equal(r.lines, 4);
    assert.deepEqual(r.unparsedLines, [{ line: 3, text: "what is this" }]);
  });
});

describe("long lines", () => {
  it("reports a line longer than MAX_LINE as not understood without reading it, rows around it read", () => {
    const row = "tcp        0      0 127.0.0.1:80            127.0.0.1:5000          ESTABLISHED";
    // A real row with a long tail: no format sees it, not even its fast reader.
    const long = row + " ".repeat(MAX_LINE) + "x";
    const snap = snapshotFromTexts([{ path: "x", text: `${row}\n${long}\n${row}\n` }]);
    const r = snap.inputs[0];
    assert.equal(snap.sockets.length, 2);
    assert.equal(r.unparsed, 1);
    assert.equal(r.unparsedLines[0].line, 2);
    assert.ok(r.unparsedLines[0].text.length <= 200);
  });
  it("keeps memory flat on an input without newlines (the decoder carries at most MAX_LINE of a line)", () => {
    const d = new LineDecoder(MAX_LINE + 1);
    const lines: number[] = [];
    const chunk = new Uint8Array(1 << 16).fill(0xe9); // not UTF-8: the code-page path, which carries text
    for (let i = 0; i < 64; i++) d.pushRanges(chunk, (_t, a, b) => lines.push(b - a));
    d.endRanges((_t, a, b) => lines.push(b - a));
    assert.deepEqual(lines, [MAX_LINE + 1]);
  });
});

describe("capture lines", () => {
  it("take where and when from the first input that says it", () => {
    const file = (host: string) => `# tcpdoc snapshot v1 platform=linux host=${host} kernel=6.1 time=2024-01-01T00:00:00Z\n# owner-scan processes=2 unreadable=0 unowned=1\n`;
    const snap = snapshotFromTexts([{ path: "a", text: file("first") }, { path: "b", text: file("second") }]);
    assert.deepEqual(snap.capture, { platform: "linux", host: "first", kernel: "6.1", time: "2024-01-01T00:00:00Z", ownerScan: { processes: 2, unreadable: 0, unowned: 1 } });
  });
});
