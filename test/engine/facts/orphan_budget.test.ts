// The orphan-budget fact: orphans against tcp_max_orphans.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FactContext } from "../../../src/engine/mod.ts";
import { emptySnapshot } from "../../../src/model/snapshot.ts";

describe("orphan-budget", () => {
  const snap = () => emptySnapshot();
  it("is unknown without an orphan count", () => {
    const m = new FactContext(snap()).get("orphan-budget", {}, undefined, {});
    assert.equal(m.value, null);
    assert.match(m.why!, /sockstat/);
  });
  it("gives the share of the limit when the sysctl is there, and only the count when not", () => {
    const s = snap();
    s.counters.set("sockstat.tcp.orphan", { name: "sockstat.tcp.orphan", value: 1024, input: 0, line: 1 });
    const half = new FactContext(s).get("orphan-budget", {}, undefined, {});
    assert.deepEqual(half.value, { orphans: 1024, max: null, share: null });
    assert.match(half.why!, /tcp_max_orphans/);
    s.sysctls.set("net.ipv4.tcp_max_orphans", { key: "net.ipv4.tcp_max_orphans", value: "4096", input: 0, line: 2 });
    assert.deepEqual(new FactContext(s).get("orphan-budget", {}, undefined, {}).value, { orphans: 1024, max: 4096, share: 0.25 });
  });
});
