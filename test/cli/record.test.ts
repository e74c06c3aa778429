// `tcpdoc record`: snapshots over time into one file that analyze reads as a series.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { parseTime, recordPlan } from "../../src/cli/ticks.ts";
import { tcpdoc, userError } from "./_run.ts";
import { tempDir } from "../_temp.ts";

describe("record", () => {
  it("reads times as people write them", () => {
    assert.deepEqual(["5s", "500ms", "10m", "1h", "30", "1.5s"].map((t) => parseTime(t, "--interval")), [5000, 500, 600_000, 3_600_000, 30_000, 1500]);
    assert.throws(() => parseTime("5x", "--interval"), /--interval takes a time such as 5s/);
  });
  it("takes --count snapshots, or as many as --for holds, or until stopped", () => {
    assert.deepEqual(recordPlan({ interval: "10s", count: "3", for: undefined }), { every: 10_000, count: 3 });
    assert.deepEqual(recordPlan({ interval: "5s", count: undefined, for: "1m" }), { every: 5000, count: 13 });
    assert.deepEqual(recordPlan({ interval: undefined, count: undefined, for: undefined }), { every: 5000, count: Infinity });
    assert.throws(() => recordPlan({ interval: "1s", count: "0", for: undefined }), /--count takes a whole number/);
  });
  it("appends each snapshot to a new file (mode 0600) that analyze reads as a series", { skip: process.platform === "linux" ? false : "live /proc is Linux only" }, () => {
    const file = path.join(tempDir(), "rec.tcpdoc");
    const r = tcpdoc(["record", "--count", "2", "--interval", "1s", "--no-owners", "-o", file]);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stderr, /recorded 2 of 2 snapshots/);
    assert.equal(fs.statSync(file).mode & 0o777, 0o600);
    assert.equal(fs.readFileSync(file, "utf8").match(/^# tcpdoc snapshot v1 /gm)?.length, 2);
    const json = JSON.parse(tcpdoc(["analyze", "--json", file]).stdout);
    assert.equal(json.series.moments, 2);
    userError(tcpdoc(["record", "--count", "1", "-o", file]), /already exists: --force appends/);
  });
});
