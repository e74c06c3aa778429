// The field corpus (test/field/): every case file is well formed, names inputs
// that exist, and no two cases come from the same source. The score itself is
// `npm run accuracy`'s job (docs/accuracy.md), not a test's.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { readCase, readCorpus, score as scoreCase } from "../../scripts/accuracy.mjs";

const score = scoreCase as (c: unknown, report: unknown) => { verdict: string; falseAlarms: string[]; counts?: string };

describe("field corpus", () => {
  it("every case is well formed, with its inputs and a source of its own", () => {
    const { cases, errors } = readCorpus();
    assert.deepEqual(errors, []);
    assert.ok(cases.length > 0, "the corpus has cases");
  });

  it("scores a hit, a partial, a miss and a false alarm as the README says", () => {
    const c = {
      id: "x", dir: ".", source: "s", inputs: ["paste.txt"], shape: ["excerpt"],
      expert: { diagnosis: "close-wait-leak", severity: "warning", also: ["recv-queue-backlog"] },
      counts: { sockets: 3, states: { CLOSE_WAIT: 3 } },
    };
    const f = (rule: string, severity: string, partial?: boolean) => ({ rule, severity, ...(partial ? { partial } : {}) });
    const r = (findings: unknown[], states = { CLOSE_WAIT: 3 }) => ({ inputs: [], summary: { sockets: 3, states }, findings });
    assert.equal(score(c, r([f("close-wait-leak", "warning")])).verdict, "HIT");
    assert.equal(score(c, r([f("close-wait-leak", "warning", true)])).verdict, "PARTIAL");
    assert.equal(score(c, r([f("close-wait-leak", "info")])).verdict, "PARTIAL");
    assert.equal(score(c, r([])).verdict, "MISS");
    const alarm = score(c, r([f("close-wait-leak", "critical"), f("recv-queue-backlog", "warning"), f("syn-flood", "critical")]));
    assert.equal(alarm.verdict, "HIT");
    assert.deepEqual(alarm.falseAlarms, ["syn-flood"]);
    assert.equal(score(c, r([])).counts, "exact");
    assert.notEqual(score(c, r([], { CLOSE_WAIT: 2 } as never)).counts, "exact");
    const healthy = { ...c, expert: { diagnosis: "healthy", also: [] } };
    assert.equal(score(healthy, r([f("time-wait-churn", "info")])).verdict, "OK");
    assert.equal(score(healthy, r([f("time-wait-churn", "warning")])).verdict, "FALSE ALARM");
  });

  it("rejects a case without an expert diagnosis", () => {
    const r = readCase(new URL("../field/", import.meta.url).pathname);
    assert.ok(r.errors && r.errors.length > 0);
  });
});
