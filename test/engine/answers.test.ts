// The one answer normaliser: yes-no words, numbers, choices, and a clear error for anything else.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { AnswerError, normalizeAnswer, normalizeAnswers } from "../../src/engine/mod.ts";
import { lab, rule, run } from "./_helpers.ts";

describe("answers", () => {
  const yesNo = { id: "restarted", kind: "yes-no" as const };
  it("yes-no takes yes/no, y/n, true/false, 1/0, on/off in any case", () => {
    for (const w of ["yes", "Y", "true", "1", "ON", " on "]) assert.equal(normalizeAnswer(yesNo, w), true, w);
    for (const w of ["no", "n", "FALSE", "0", "off"]) assert.equal(normalizeAnswer(yesNo, w), false, w);
    assert.equal(normalizeAnswer(yesNo, true), true);
  });
  it("refuses anything else with an error that says what the question takes", () => {
    for (const w of ["maybe", "", "yess", "2"]) {
      assert.throws(() => normalizeAnswer(yesNo, w), (e: unknown) => e instanceof AnswerError && e.code === "bad-answer" && /question "restarted".*yes or no/.test(e.message), w);
    }
    assert.throws(() => normalizeAnswer({ id: "n", kind: "number" }, "ten"), AnswerError);
    assert.throws(() => normalizeAnswer({ id: "c", kind: "choice", choices: ["nginx", "haproxy"] }, "apache"), /one of: nginx, haproxy/);
  });
  it("numbers become numbers, choices the rule's spelling, text trimmed text", () => {
    assert.equal(normalizeAnswer({ id: "n", kind: "number" }, " 42 "), 42);
    assert.equal(normalizeAnswer({ id: "c", kind: "choice", choices: ["HAProxy"] }, "haproxy"), "HAProxy");
    assert.equal(normalizeAnswer({ id: "t", kind: "text" }, " 22, 443 "), "22, 443");
  });
  it("answers to questions no rule asks are kept as given; own keys only", () => {
    const r = rule("t", { all: [] }, { questions: [{ id: "restarted", text: "?", kind: "yes-no" }] });
    const out = normalizeAnswers(JSON.parse('{"restarted":"on","other":"x","__proto__":"y"}'), [r]);
    assert.deepEqual(Object.keys(out), ["restarted", "other", "__proto__"]);
    assert.equal(out.restarted, true);
    assert.equal(Object.getPrototypeOf(out), Object.prototype);
  });
  it("a diagnosis with a bad answer fails with the error, not a wrong reading", async () => {
    const cw = { fact: "states", path: "$.CLOSE_WAIT", operator: "greaterThanInclusive", value: 1 };
    const r = rule("t-ask", { all: [cw] }, { questions: [{ id: "restarted", text: "?", kind: "yes-no" }] });
    await assert.rejects(run(lab("close-wait-leak", "ss-tan.txt"), [r], { restarted: "maybe" }), AnswerError);
  });
});
