/** When an input says it was taken (moment.ts), and inputs of different moments staying apart. */

import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { snapshotFromTexts } from "../../src/ingest/mod.ts";
import { dateLine, nameTime } from "../../src/ingest/moment.ts";
import { summarize } from "../../src/report/analysis.ts";
import { parse } from "./_read.ts";

const SS = "State Recv-Q Send-Q Local Address:Port Peer Address:Port\nESTAB 0 0 10.0.0.1:22 10.0.0.2:50000\n";

describe("capture times", () => {
  it("reads date(1)'s forms as ISO 8601, with the zone when it is UTC or an offset", () => {
    assert.equal(dateLine("Fri Feb  5 15:47:46 UTC 2021"), "2021-02-05T15:47:46Z");
    assert.equal(dateLine("2021-02-05T15:47:46+01:00"), "2021-02-05T15:47:46+01:00");
    assert.equal(dateLine("Fri 05 Feb 2021 03:47:46 PM UTC"), "2021-02-05T15:47:46Z");
    assert.equal(dateLine("2024年 03月 04日 星期一 10:00:01 CST"), "2024-03-04T10:00:01");
    assert.equal(dateLine("tcp 0 0 1.2.3.4:5 6.7.8.9:10 ESTABLISHED"), undefined);
  });
  it("takes a time stamp from the input's name", () => {
    assert.equal(nameTime("/tmp/ss-2024-05-01T10-00-00.txt"), "2024-05-01T10:00:00");
    assert.equal(nameTime("netstat_20240501_100000.log"), "2024-05-01T10:00:00");
    assert.equal(nameTime("ss-tan.txt"), undefined);
  });
  it("a date line before the table sets the input's capturedAt", () => {
    const { report } = parse("$ date -u +%FT%TZ\n2024-05-01T10:00:00Z\n$ ss -tan\n" + SS);
    assert.equal(report.capturedAt, "2024-05-01T10:00:00Z");
  });
  it("inputs of different moments are a series: the same socket in both is not merged", () => {
    const snap = snapshotFromTexts([{ path: "ss-2024-05-01T10-00-00.txt", text: SS }, { path: "ss-2024-05-01T10-05-00.txt", text: SS }]);
    assert.equal(snap.merged, 0);
    assert.equal(summarize(snap).sockets, 2);
  });
});
