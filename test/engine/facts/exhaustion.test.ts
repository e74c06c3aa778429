// The exhaustion fact: when a limit runs out at the rate a series shows.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Budget } from "../../../src/engine/facts/exhaustion.ts";
import { facts, get, lab, seriesFacts } from "../_helpers.ts";

// In the lab's recording the client's first "Cannot assign requested address" (app.log).
const RAN_OUT = Date.parse("2026-12-01T17:27:03.314Z");

describe("exhaustion", () => {
  const [ss, sysctl] = lab("series-time-wait-march", "series-ss-tan.txt", "sysctl.txt");
  it("says the ports toward 127.0.0.1:8080 are used up, and when the line crossed the limit", () => {
    const v = get(seriesFacts([ss, sysctl]), "exhaustion").value as { ports: Budget };
    assert.deepEqual([v.ports.key, v.ports.limit, v.ports.exhausted, v.ports.soon], ["127.0.0.1 -> 127.0.0.1:8080", 400, true, true]);
  });
  it("from the snapshots before they ran out, predicts when within 20%", () => {
    const lines = fs.readFileSync(ss, "utf8").split("\n");
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-eta-"));
    try {
      // The first 3 to 6 snapshots (up to 17:26:56), each a `date -u` line and its ss -tan.
      const starts = lines.flatMap((l, i) => (/^\d{4}-\d\d-\d\dT/.test(l) ? [i] : []));
      for (const n of [3, 4, 5, 6]) {
        const part = path.join(dir, `first-${n}.txt`);
        fs.writeFileSync(part, lines.slice(0, starts[n]).join("\n") + "\n");
        const v = get(seriesFacts([part, sysctl]), "exhaustion").value as { ports: Budget };
        const last = Date.parse(`${lines[starts[n - 1]]}`);
        const actual = (RAN_OUT - last) / 1000;
        assert.equal(v.ports.exhausted, false);
        assert.ok(Math.abs(v.ports.seconds! - actual) <= 0.2 * actual, `${n} snapshots: ${v.ports.seconds} s, really ${actual} s`);
        assert.ok(Math.abs(Date.parse(v.ports.at!) - RAN_OUT) <= 0.2 * actual * 1000, v.ports.at!);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
  it("TIME_WAIT against tcp_max_tw_buckets: far (levels off at 60 s of new ones)", () => {
    const v = get(seriesFacts([ss, sysctl]), "exhaustion").value as { timeWait: Budget };
    assert.equal(v.timeWait.limit, 131072);
    assert.deepEqual([v.timeWait.exhausted, v.timeWait.seconds], [false, null]);
  });
  it("on one snapshot: no time", () => {
    const v = get(facts(lab("time-wait-port-exhaustion", "ss-tan.txt", "sysctl.txt")), "exhaustion").value as { moments: number; ports: Budget };
    assert.deepEqual([v.moments, v.ports.now, v.ports.seconds], [1, null, null]);
  });
});
