// The coverage fact: full tables, excerpts, counts, none; and what it does to the states fact.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { FactContext } from "../../../src/engine/mod.ts";
import { snapshotFromTexts } from "../../../src/ingest/mod.ts";
import { facts, get, lab, snapshotOf, why } from "../_helpers.ts";

const ctx = (spec: Parameters<typeof snapshotOf>[0]) => new FactContext(snapshotOf(spec));

describe("coverage", () => {
  it("a full table counts every state, and an absent one is 0", () => {
    const c = facts(lab("close-wait-leak", "ss-tan.txt"));
    const v = get(c, "coverage").value as Record<string, unknown>;
    assert.equal(v.table, "full");
    assert.equal(v.listenersComplete, true);
    assert.equal((get(c, "states").value as Record<string, number>).TIME_WAIT, 0);
  });
  it("an excerpt's states are lower bounds and the states it leaves out are unknown, not 0", () => {
    const c = ctx({
      inputs: [{ sample: { reasons: ["grep"], filters: ["grep 8080"] } }],
      rows: ["CLOSE_WAIT 10.0.0.1:8080 10.0.0.9:40000", "CLOSE_WAIT 10.0.0.1:8080 10.0.0.9:40001"],
    });
    const v = get(c, "coverage").value as { table: string; states: Record<string, string>; listenersComplete: boolean; filters: string };
    assert.deepEqual([v.table, v.states.CLOSE_WAIT, v.states.LISTEN, v.listenersComplete, v.filters], ["excerpt", "lower", "unknown", false, "grep 8080"]);
    const st = get(c, "states").value as Record<string, number | null>;
    assert.equal(st.CLOSE_WAIT, 2);
    assert.equal(st.LISTEN, null);
    assert.match(why(c, "states", "$.LISTEN"), /only part of the socket table \(grep 8080\)/);
  });
  it("a state filter alone shows every socket of its states", () => {
    const c = ctx({
      inputs: [{ sample: { reasons: ["state-filter"], states: ["LISTEN"], filters: ["ss -ltn"] } }],
      rows: ["LISTEN 0.0.0.0:22 0.0.0.0:*"],
    });
    const v = get(c, "coverage").value as { states: Record<string, string>; listenersComplete: boolean };
    assert.deepEqual([v.states.LISTEN, v.states.ESTABLISHED, v.listenersComplete], ["exact", "unknown", true]);
    assert.deepEqual((get(c, "listeners").value as { ports: string[] }).ports, ["22"]);
  });
  it("a count after a one-state filter tells that state only", () => {
    const c = ctx({ inputs: [{ sockets: 1528, tallies: [{ line: 2, state: "CLOSE_WAIT", count: 1528, how: "wc-l" }] }], tallies: { CLOSE_WAIT: 1528 } });
    const v = get(c, "coverage").value as { table: string; states: Record<string, string> };
    assert.deepEqual([v.table, v.states.CLOSE_WAIT, v.states.ESTABLISHED], ["counts", "exact", "unknown"]);
    assert.equal((get(c, "states").value as Record<string, number | null>).ESTABLISHED, null);
  });
  it("rows beside a count of more sockets than they are a sample of the table, not the full table", () => {
    const snap = snapshotFromTexts([
      { path: "count.txt", text: "$ netstat -an | grep TIME_WAIT | wc -l\n6094\n" },
      { path: "rows.txt", text: "tcp 0 0 127.0.0.1:63981 127.0.0.1:8111 TIME_WAIT\ntcp 0 0 127.0.0.1:63980 127.0.0.1:8111 TIME_WAIT\n" },
    ]);
    const v = get(new FactContext(snap), "coverage").value as { table: string; listenersComplete: boolean };
    assert.deepEqual([v.table, v.listenersComplete], ["excerpt", false]);
    // As many rows as the count: the table may be whole.
    const same = snapshotFromTexts([
      { path: "count.txt", text: "$ netstat -an | grep TIME_WAIT | wc -l\n2\n" },
      { path: "rows.txt", text: "tcp 0 0 127.0.0.1:63981 127.0.0.1:8111 TIME_WAIT\ntcp 0 0 127.0.0.1:63980 127.0.0.1:8111 TIME_WAIT\n" },
    ]);
    assert.equal((get(new FactContext(same), "coverage").value as { table: string }).table, "full");
  });
  it("a state histogram counts every state", () => {
    const c = ctx({ inputs: [{ format: "histogram", sockets: 30 }], tallies: { TIME_WAIT: 30 } });
    const st = get(c, "states").value as Record<string, number | null>;
    assert.deepEqual([st.TIME_WAIT, st.CLOSE_WAIT, (get(c, "coverage").value as { table: string }).table], [30, 0, "counts"]);
  });
  it("with no socket evidence at all every state is unknown", () => {
    const c = facts(lab("time-wait-port-exhaustion", "app.log"));
    assert.equal((get(c, "coverage").value as { table: string }).table, "none");
    assert.equal((get(c, "states").value as Record<string, unknown>).TIME_WAIT, null);
    assert.equal(get(c, "sockets").value, null);
    assert.match(why(c, "states", "$.TIME_WAIT"), /no socket table/);
  });
  it("a port without a listener in an excerpt is not a port with none", () => {
    const c = ctx({ inputs: [{ sample: { reasons: ["grep"], filters: ["grep TIME_WAIT"] } }], rows: ["TIME_WAIT 10.0.0.1:8080 10.0.0.9:40000"] });
    assert.equal(get(c, "group", { state: "TIME_WAIT", by: "local-port", listener: "absent" }).value, null);
  });
});
