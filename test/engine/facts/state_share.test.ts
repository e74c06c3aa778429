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
  it("is the share among the rows shown when the excerpt was cut without regard to state", () => {
    const rows = ["CLOSE_WAIT 10.0.0.1:80 10.0.0.2:4000", "CLOSE_WAIT 10.0.0.1:80 10.0.0.3:4001", "CLOSE_WAIT 10.0.0.1:80 10.0.0.4:4002", "ESTABLISHED 10.0.0.1:80 10.0.0.5:4003"];
    const elided = new FactContext(snapshotOf({ inputs: [{ sample: { reasons: ["elided"], filters: ["..."] } }], rows }));
    assert.equal((get(elided, "coverage").value as { stateBlind: boolean }).stateBlind, true);
    assert.equal(get(elided, "state-share", { state: "CLOSE_WAIT", of: ["ESTABLISHED"] }).value, 0.75);
    // a grep for a state is not a sample of the others
    const grepped = new FactContext(snapshotOf({ inputs: [{ sample: { reasons: ["grep"], states: ["CLOSE_WAIT", "ESTABLISHED"], filters: ["grep -E 'CLOSE_WAIT|ESTAB'"] } }], rows }));
    assert.equal((get(grepped, "coverage").value as { stateBlind: boolean }).stateBlind, false);
  });
});
