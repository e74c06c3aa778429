// The listeners fact: accept queues against the backlog ss shows.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { facts, get, lab, why } from "../_helpers.ts";

describe("listeners", () => {
  it("reads the accept queue and backlog of ss LISTEN rows", () => {
    const file = lab("accept-queue-overflow", "ss-tan.txt")[0];
    const row = fs.readFileSync(file, "utf8").split("\n").find((l) => l.startsWith("LISTEN"))!.split(/\s+/);
    const v = get(facts([file]), "listeners").value as { count: number; full: number; maxRecvQ: number; top: { recvQ: number; backlog: number }; ports: string[] };
    assert.deepEqual([v.count, v.top.recvQ, v.top.backlog, v.maxRecvQ], [1, Number(row[1]), Number(row[2]), Number(row[1])]);
    assert.equal(v.full, Number(row[1]) >= Number(row[2]) ? 1 : 0);
    assert.deepEqual(v.ports, ["8080"]);
  });
  it("the backlog is unknown in netstat and /proc/net/tcp, and says why", () => {
    for (const f of ["netstat-nat.txt", "proc-net-tcp.txt"]) {
      const c = facts(lab("accept-queue-overflow", f));
      const v = get(c, "listeners").value as { full: unknown; maxFill: unknown };
      assert.equal(v.full, null, f);
      assert.equal(v.maxFill, null, f);
      assert.match(why(c, "listeners", "$.full"), /backlog/);
    }
  });
});
