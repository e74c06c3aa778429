// The counters fact: nstat names, zero when nstat left them out.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { facts, get, lab, why } from "../_helpers.ts";

describe("counters", () => {
  it("reads nstat, and absent well-known counters read 0 beside others", () => {
    const c = facts(lab("time-wait-port-exhaustion", "ss-tan.txt", "nstat.txt"));
    const v = get(c, "counters").value as Record<string, number>;
    assert.equal(typeof v.TcpExtListenOverflows, "number");
    assert.equal(typeof v.TcpExtTCPReqQFullDrop, "number");
  });
  it("is unknown without counters, and says what to collect", () => {
    const c = facts(lab("healthy", "ss-tan.txt"));
    assert.equal((get(c, "counters").value as Record<string, number>).TcpExtListenOverflows, undefined);
    assert.match(why(c, "counters", "$.TcpExtListenOverflows"), /counter TcpExtListenOverflows .*nstat -az/);
  });
});
