// The sysctls fact: settings as numbers or text.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { facts, get, lab, why } from "../_helpers.ts";

describe("sysctls", () => {
  it("keeps ranges as text and single integers as numbers", () => {
    const c = facts(lab("time-wait-port-exhaustion", "ss-tan.txt", "sysctl.txt"));
    const v = get(c, "sysctls").value as Record<string, unknown>;
    assert.equal(v["net.ipv4.ip_local_port_range"], "40000 40999");
    assert.ok(Object.values(v).some((x) => typeof x === "number"));
  });
  it("says which sysctl to add when one is missing", () => {
    const c = facts(lab("healthy", "ss-tan.txt"));
    assert.match(why(c, "sysctls", "$['net.core.somaxconn']"), /sysctl net\.core\.somaxconn is not in the inputs/);
  });
});
