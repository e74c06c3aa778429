// The state-share fact: CLOSE_WAIT among the open connections.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FactContext } from "../../../src/engine/mod.ts";
import { facts, get, lab, snapshotOf } from "../_helpers.ts";

describe("state-share", () => {
  it("is the state's share of it and the others", () => {
    const c = facts(lab("close-wait-leak", "ss-tan.txt"));
    assert.equal(get(c, "state-share", { state: "CLOSE_WAIT", of: ["ESTABLISHED"] }).value, 1);
    assert.equal(get(c, "state-share", { state: "CLOSE_WAIT", of: ["FIN_WAIT_2"] }).value, 0.5);
  });
  it("is unknown when an excerpt leaves one of the states out", () => {
    const c = new FactContext(snapshotOf({ inputs: [{ sample: { reasons: ["state-filter"], states: ["CLOSE_WAIT"], filters: ["state close-wait"] } }], rows: ["CLOSE_WAIT 10.0.0.1:80 10.0.0.2:4000"] }));
    assert.equal(get(c, "state-share", { state: "CLOSE_WAIT", of: ["ESTABLISHED"] }).value, null);
  });
});
