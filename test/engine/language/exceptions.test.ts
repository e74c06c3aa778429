// Exceptions: sockets a rule ignores.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { addressMatcher, exceptionsKey } from "../../../src/engine/language/exceptions.ts";
import { lab, rule, run } from "../_helpers.ts";

describe("exceptions", () => {
  const cw = { fact: "states", path: "$.CLOSE_WAIT", operator: "greaterThanInclusive", value: 1 };
  const files = lab("close-wait-leak", "ss-tan.txt");
  it("a port exception hides the sockets from the rule's facts", async () => {
    assert.equal((await run(files, [rule("t-ex", { all: [cw] })])).length, 1);
    assert.deepEqual(await run(files, [rule("t-ex", { all: [cw] }, { exceptions: [{ local_ports: [8080] }] })]), []);
  });
  it("an address exception takes IPv4 CIDR, and all fields of one entry must match", async () => {
    assert.deepEqual(await run(files, [rule("t-cidr", { all: [cw] }, { exceptions: [{ remote_addresses: ["127.0.0.0/8"] }] })]), []);
    const both = { exceptions: [{ remote_addresses: ["127.0.0.0/8"], local_ports: [9999] }] };
    assert.equal((await run(files, [rule("t-and", { all: [cw] }, both)])).length, 1);
  });
  it("addresses match exactly, IPv4-mapped too, or by CIDR", () => {
    assert.ok(addressMatcher("10.0.0.0/8")("::ffff:10.1.2.3"));
    assert.ok(!addressMatcher("10.0.0.0/8")("11.0.0.1"));
    assert.ok(addressMatcher("FE80::1")("fe80::1"));
    assert.equal(exceptionsKey([]), "");
  });
});
