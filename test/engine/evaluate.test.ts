// Three-valued evaluation: a condition on an unknown value is neither true
// nor false; partial findings, when_unknown, answers and named conditions.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { lab, rule, run } from "./_helpers.ts";

describe("three-valued evaluation", () => {
  const cw = { fact: "states", path: "$.CLOSE_WAIT", operator: "greaterThanInclusive", value: 1 };
  const noCounter = { fact: "counters", path: "$.TcpExtListenOverflows", operator: "greaterThan", value: 0 };
  const noCw = { fact: "states", path: "$.CLOSE_WAIT", operator: "greaterThan", value: 100000 };
  const files = lab("close-wait-leak", "ss-tan.txt");
  it("all(true, unknown) is a partial finding, one severity lower, listing what is missing", async () => {
    const [f] = await run(files, [rule("t-partial", { all: [cw, noCounter] }, { severity: "critical" })]);
    assert.equal(f.partial, true);
    assert.equal(f.severity, "warning");
    assert.equal(f.confidence, 0.4);
    assert.match(f.missing[0], /TcpExtListenOverflows.*nstat/);
    assert.ok(f.conditions.some((c) => c.unknown && c.fact === "counters"));
  });
  it("when_unknown keep and silent", async () => {
    const [k] = await run(files, [rule("t-keep", { all: [cw, noCounter] }, { when_unknown: "keep" })]);
    assert.equal(k.severity, "warning");
    assert.deepEqual(await run(files, [rule("t-silent", { all: [cw, noCounter] }, { when_unknown: "silent" })]), []);
  });
  it("all(false, unknown) is false", async () => {
    assert.deepEqual(await run(files, [rule("t-false", { all: [noCw, noCounter] })]), []);
  });
  it("not(unknown) stays unknown and raises nothing without support", async () => {
    assert.deepEqual(await run(files, [rule("t-not", { not: noCounter })]), []);
    assert.deepEqual(await run(files, [rule("t-any", { any: [noCounter, noCw] })]), []);
  });
  it("not(false) supports the rule", async () => {
    const [f] = await run(files, [rule("t-not-false", { all: [{ not: noCw }, noCounter] })]);
    assert.equal(f.partial, true);
  });
  it("any(true, unknown) fires in full, and lists the unknown as missing", async () => {
    const [f] = await run(files, [rule("t-any-true", { any: [cw, noCounter] })]);
    assert.equal(f.partial, undefined);
    assert.equal(f.severity, "warning");
    assert.equal(f.missing.length, 1);
  });
  it("an answer becomes a fact; an unanswered question is not missing evidence", async () => {
    const ask = { fact: "answers", path: "$.restarted", operator: "equal", value: true };
    const r = rule("t-answer", { all: [cw, ask] }, { questions: [{ id: "restarted", text: "Restarted?", kind: "yes-no" }] });
    assert.deepEqual(await run(files, [r]), []);
    const [f] = await run(files, [r], { restarted: "yes" });
    assert.equal(f.questions[0].answer, true);
    assert.deepEqual(f.missing, []);
  });
  it("named conditions are expanded and their results reported", async () => {
    const [f] = await run(lab("syn-flood", "ss-tan.txt", "nstat.txt"), [rule("t-named", { all: [{ condition: "syn-queue-pressure" }] })]);
    assert.ok(f.conditions.some((c) => c.fact === "counters" && c.result === true));
  });
  it("a value read from an unknown fact makes the comparison unknown", async () => {
    const byRef = { fact: "states", path: "$.CLOSE_WAIT", operator: "greaterThan", value: { fact: "counters", path: "$.TcpExtListenOverflows" } };
    const [f] = await run(files, [rule("t-ref", { all: [cw, byRef] })]);
    assert.equal(f.partial, true);
    assert.match(f.missing.join(";"), /kernel counter TcpExtListenOverflows/);
  });
});
