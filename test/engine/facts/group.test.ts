// The group fact on real captures, its unknowns, and one pass shared by every request that differs only in `top`.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { Diagnoser, FactContext } from "../../../src/engine/mod.ts";
import { snapshotFromTexts } from "../../../src/ingest/mod.ts";
import { readInputs } from "../../../src/sources/mod.ts";
import { builtinRules, expected, facts, get, lab, ROOT } from "../_helpers.ts";

/** The ESTABLISHED sockets of these `ss -tan` rows grouped by remote subnet. */
function subnets(rows: string[]) {
  const text = ["State Recv-Q Send-Q Local Address:Port Peer Address:Port", ...rows, ""].join("\n");
  return get(new FactContext(snapshotFromTexts([{ path: "ss.txt", text }])), "group", { state: "ESTABLISHED", by: "remote-subnet" }).value as {
    distinct: number; top: { key: string; count: number }; groups: { key: string; count: number }[];
  };
}

describe("group", () => {
  it("by local port finds the leaking server port", () => {
    const want = expected("close-wait-leak", "ss-tanp.txt").states.CLOSE_WAIT;
    const v = get(facts(lab("close-wait-leak", "ss-tanp.txt")), "group", { state: "CLOSE_WAIT", by: "local-port" }).value as {
      total: number; distinct: number; top: { key: string; count: number; share: number; listening: boolean };
    };
    assert.deepEqual([v.total, v.distinct, v.top.key, v.top.count, v.top.share, v.top.listening], [want, 1, "8080", want, 1, true]);
  });
  it("by process reads ss -p owners", () => {
    const v = get(facts(lab("close-wait-leak", "ss-tanp.txt")), "group", { state: "CLOSE_WAIT", by: "process" }).value as { distinct: number; top: { key: string } };
    assert.equal(v.distinct, 1);
    assert.match(v.top.key, /^node \(pid \d+\)$/);
  });
  it("by remote subnet gathers the load generator's addresses", () => {
    const c = facts(lab("last-ack-after-load-test", "ss-tan.txt"));
    const subnet = get(c, "group", { state: "LAST_ACK", by: "remote-subnet" }).value as { distinct: number; top: { key: string; count: number } };
    const hosts = get(c, "group", { state: "LAST_ACK", by: "remote-host" }).value as { distinct: number };
    assert.deepEqual([subnet.distinct, subnet.top.key, subnet.top.count, hosts.distinct], [1, "127.0.2.0/24", 300, 8]);
  });
  it("by remote subnet puts an IPv4-mapped peer in its IPv4 /24", () => {
    const v = subnets([
      "ESTAB 0 0 10.0.0.1:443 10.1.2.3:50000",
      "ESTAB 0 0 [::ffff:10.0.0.1]:443 [::ffff:10.1.2.4]:50001",
      "ESTAB 0 0 [::ffff:10.0.0.1]:443 [::ffff:10.1.3.4]:50002",
    ]);
    assert.deepEqual([v.distinct, v.top.key, v.top.count], [2, "10.1.2.0/24", 2]);
  });
  it("by remote subnet takes an IPv6 peer's /64 from all its groups, however the dump compresses them", () => {
    const v = subnets([
      // 2001:0:0:5:... three times: "::" before the fourth group, after it, and spelled out
      "ESTAB 0 0 [2001:db8::1]:443 [2001::5:1:2:3:4]:50000",
      "ESTAB 0 0 [2001:db8::1]:443 [2001:0:0:5::9]:50001",
      "ESTAB 0 0 [2001:db8::1]:443 [2001:0:0:5:0:0:0:7]:50002",
      // ::ffff: and 10.1.2.3 in hex, beside 10.1.2.9
      "ESTAB 0 0 [2001:db8::1]:443 [::ffff:a01:203]:50003",
      "ESTAB 0 0 10.0.0.1:443 10.1.2.9:50004",
    ]);
    assert.deepEqual(v.groups.map((g) => [g.key, g.count]), [["2001:0:0:5::/64", 3], ["10.1.2.0/24", 2]]);
    assert.equal(v.distinct, 2);
  });
  it("by process is unknown when the dump names no process", () => {
    const m = get(facts(lab("close-wait-leak", "ss-tan.txt")), "group", { state: "CLOSE_WAIT", by: "process" });
    assert.equal(m.value, null);
    assert.match(m.why!, /names no process/);
  });
  it("a live snapshot says whether the owner scan was skipped or found nobody", () => {
    const snap = readInputs(lab("close-wait-leak", "ss-tan.txt"));
    snap.live = true;
    const skipped = get(new FactContext(snap), "group", { state: "CLOSE_WAIT", by: "process" });
    assert.match(skipped.why!, /--no-owners/);
    snap.capture = { platform: "linux", host: "h", kernel: "k", time: "t", ownerScan: { processes: 3, unreadable: 0, unowned: 1 } };
    assert.match(get(new FactContext(snap), "group", { state: "CLOSE_WAIT", by: "process" }).why!, /as root/);
  });
  it("is unknown on a state histogram (counts, no sockets)", () => {
    const c = facts([path.join(ROOT, "samples/other/engineio237-netstat-awk-state-histogram.txt")]);
    assert.equal(get(c, "group", { state: "CLOSE_WAIT", by: "local-port" }).value, null);
  });
  it("computes once per meaning of its params, and once per pass whatever `top` asks", () => {
    const c = facts(lab("close-wait-leak", "ss-tan.txt"));
    get(c, "group", { state: "CLOSE_WAIT", by: "local-port" });
    get(c, "group", { by: "local-port", state: "CLOSE_WAIT" });
    get(c, "group", { by: "local-port", states: ["CLOSE_WAIT"] });
    assert.equal(c.computed, 1);
    for (let top = 1; top <= 50; top++) get(c, "group", { state: "CLOSE_WAIT", by: "local-port", top });
    assert.equal(c.passes, 1, "every top reads the one pass");
    const five = get(c, "group", { state: "CLOSE_WAIT", by: "local-port", top: 5 }).value as { groups: unknown[] };
    const one = get(c, "group", { state: "CLOSE_WAIT", by: "local-port", top: 1 }).value as { groups: unknown[] };
    assert.deepEqual(one.groups, five.groups.slice(0, 1));
    get(c, "group", { state: "CLOSE_WAIT", by: "destination" });
    get(c, "group", { state: "CLOSE_WAIT", by: "remote-endpoint" });
    assert.equal(c.passes, 2, "destination and remote-endpoint are one key");
  });
  it("a second evaluation reuses every fact", async () => {
    const d = new Diagnoser(readInputs(lab("close-wait-leak", "ss-tan.txt")), await builtinRules());
    await d.run({});
    const first = d.facts.computed;
    await d.run({ "server-restarted": "yes" });
    assert.equal(d.facts.computed, first);
  });
});
