// The sockets fact: all TCP sockets after the rule's exceptions.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { expected, facts, lab } from "../_helpers.ts";

describe("sockets", () => {
  it("is the number of TCP sockets, less those a rule's exceptions hide", () => {
    const c = facts(lab("close-wait-leak", "ss-tan.txt"));
    const all = expected("close-wait-leak", "ss-tan.txt");
    assert.equal(c.get("sockets", {}, undefined, {}).value, all.sockets);
    const hidden = c.get("sockets", {}, [{ local_ports: [8080] }], {}).value as number;
    assert.ok(hidden < all.sockets && hidden > 0);
  });
});
