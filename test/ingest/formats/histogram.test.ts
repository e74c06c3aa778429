/** The histogram format: state counts from uniq -c. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { snapshotFromTexts } from "../../../src/ingest/mod.ts";
import { summarize } from "../../../src/report/analysis.ts";

describe("histograms", () => {
  it("reads uniq -c output in both column orders and skips heading debris", () => {
    const snap = snapshotFromTexts([{ path: "h", text: "    120 ESTABLISHED\n      1 Foreign\n      1 established)\nTIME_WAIT 30\n" }]);
    const s = summarize(snap);
    assert.deepEqual(s.states, { ESTABLISHED: 120, TIME_WAIT: 30 });
    assert.equal(snap.inputs[0].unparsed, 0);
  });
});
