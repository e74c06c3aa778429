/** The count format: bare numbers under a pasted command line that says what they count. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { read } from "../_read.ts";

describe("counts under a command line", () => {
  it("takes `grep STATE | wc -l` as a count of that state, with its provenance", () => {
    const r = read(["$ netstat -an | grep CLOSE_WAIT | wc -l", "1528"]);
    assert.deepEqual(r.summary.states, { CLOSE_WAIT: 1528 });
    assert.deepEqual(r.report.tallies, [{ line: 2, state: "CLOSE_WAIT", count: 1528, how: "wc-l", command: "netstat -an | grep CLOSE_WAIT | wc -l" }]);
    assert.deepEqual(r.report.sample?.states, ["CLOSE_WAIT"]);
  });
  it("takes ss's header line off `ss ... state X | wc -l`", () => {
    const r = read(["# ss -tan state time-wait | wc -l", "11"]);
    assert.deepEqual(r.summary.states, { TIME_WAIT: 10 });
    assert.equal(r.report.tallies?.[0].how, "wc-l");
  });
  it("reads `grep -c STATE`", () => {
    const r = read(["$ netstat -an | grep -c TIME_WAIT", "42"]);
    assert.deepEqual(r.summary.states, { TIME_WAIT: 42 });
    assert.equal(r.report.tallies?.[0].how, "grep-c");
  });
  it("leaves a number without a command line saying what it counts not understood", () => {
    const r = read(["1528"]);
    assert.equal(r.summary.sockets, 0);
    assert.equal(r.report.unparsed, 1);
  });
  it("reads uniq -c histograms with an annotation after the state", () => {
    const r = read(["$ netstat -ant | awk '{print $6}' | sort | uniq -c", "     12 CLOSE_WAIT   <- growing", "    300 ESTABLISHED", "      3 LISTEN"]);
    assert.equal(r.report.unparsed, 0);
    assert.deepEqual(r.summary.states, { LISTEN: 3, ESTABLISHED: 300, CLOSE_WAIT: 12 });
    assert.ok(r.report.tallies?.every((t) => t.how === "histogram"));
  });
  it("reads Get-NetTCPConnection | Group-Object tables as group-object counts on Windows", () => {
    const r = read([
      "PS> Get-NetTCPConnection | Group-Object -Property State", "", "Count Name                      Group",
      "----- ----                      -----", "  240 TimeWait                  {MSFT_NetTCPConnection...}", "   35 Established               {MSFT_NetTCPConnection...}",
    ]);
    assert.deepEqual(r.summary.states, { ESTABLISHED: 35, TIME_WAIT: 240 });
    assert.ok(r.report.tallies?.every((t) => t.how === "group-object" && t.command === "Get-NetTCPConnection | Group-Object -Property State"));
    assert.equal(r.report.platform, "windows");
  });
});
