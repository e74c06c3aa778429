// The unexpected-listeners fact: listeners outside an allow-list given as a param or an answer.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { facts, lab } from "../_helpers.ts";

describe("unexpected-listeners", () => {
  const c = () => facts(lab("formats", "ss-tanp.txt"));
  it("is unknown without an allow-list", () => {
    const m = c().get("unexpected-listeners", { answer: "allowed-listen-ports" }, undefined, {});
    assert.equal(m.value, null);
    assert.match(m.why!, /--answer allowed-listen-ports=/);
  });
  it("lists the listeners outside the ports and ranges allowed", () => {
    const ctx = c();
    const v = ctx.get("unexpected-listeners", { answer: "allowed-listen-ports" }, undefined, { "allowed-listen-ports": "8080, 9000" }).value as { count: number; ports: string; allowed: string };
    assert.deepEqual([v.ports, v.allowed], ["8081, 8443", "8080,9000"]);
    const none = ctx.get("unexpected-listeners", { allow: "8080-8081 8443", answer: "allowed-listen-ports" }, undefined, { "allowed-listen-ports": "9000" }).value as { count: number };
    assert.equal(none.count, 0);
  });
  it("reads only an own answer (a question id like constructor names nothing)", () => {
    const m = c().get("unexpected-listeners", { answer: "constructor" }, undefined, {});
    assert.equal(m.value, null);
  });
});
