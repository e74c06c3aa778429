// The symptoms fact: log lines by error kind; unknown without a log.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { facts, get, lab, why } from "../_helpers.ts";

describe("symptoms", () => {
  it("counts the errors an application log names, and 0 for the others", () => {
    const c = facts(lab("time-wait-port-exhaustion", "ss-tan.txt", "app.log"));
    const v = get(c, "symptoms").value as Record<string, number>;
    assert.ok(v.EADDRNOTAVAIL > 0);
    assert.equal(v.EADDRINUSE, 0);
  });
  it("is unknown with no log at all", () => {
    const c = facts(lab("healthy", "ss-tan.txt"));
    assert.equal((get(c, "symptoms").value as Record<string, number>).EADDRINUSE, undefined);
    assert.match(why(c, "symptoms", "$.EADDRINUSE"), /no application log/);
  });
});
