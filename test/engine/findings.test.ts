// Findings: the one ranking, evidence, and a healthy server raising nothing.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import { Diagnoser, rankFindings } from "../../src/engine/mod.ts";
import { readInputs } from "../../src/sources/mod.ts";
import type { Finding } from "../../src/model/finding.ts";
import { builtinRules, lab, rule, run } from "./_helpers.ts";

describe("findings", () => {
  it("rank by severity, then confidence, then the size of the evidence, then rule id", () => {
    const f = (rule: string, severity: Finding["severity"], confidence: number, n: number): Finding => ({
      rule, severity, confidence, title: rule, message: "", evidence: { figures: { n }, groups: [], sockets: [] },
      conditions: [], missing: [], questions: [], checks: [], fixes: [], references: [], tags: [], source: "",
    });
    const order = rankFindings([f("a", "info", 0.9, 1), f("b", "critical", 0.4, 1), f("c", "warning", 0.8, 5), f("d", "warning", 0.8, 50), f("e", "warning", 0.9, 1), f("c2", "warning", 0.8, 5)]);
    assert.deepEqual(order.map((x) => x.rule), ["b", "e", "d", "c", "c2", "a"]);
  });
  it("example sockets carry their input file and line", async () => {
    const file = lab("close-wait-leak", "ss-tan.txt")[0];
    const [f] = (await new Diagnoser(readInputs([file]), await builtinRules()).run({})).filter((x) => x.rule === "close-wait-leak");
    const s = f.evidence.sockets[0];
    assert.equal(s.input, file);
    assert.match(fs.readFileSync(file, "utf8").split("\n")[s.line - 1], /CLOSE-WAIT/);
  });
  it("evidence groups take their label from the fact that offers them", async () => {
    const cw = { fact: "states", path: "$.CLOSE_WAIT", operator: "greaterThanInclusive", value: 1 };
    const [f] = await run(lab("close-wait-leak", "ss-tan.txt"), [rule("t-groups", { all: [cw] }, {
      evidence: { groups: [{ fact: "group", params: { state: "CLOSE_WAIT", by: "local-port" } }], sockets: { states: ["CLOSE_WAIT"], from_group: 0, limit: 2 } },
    })]);
    assert.deepEqual(f.evidence.groups.map((g) => [g.by, g.key]), [["local port", "8080"]]);
    assert.equal(f.evidence.sockets.length, 2);
    assert.ok(f.evidence.sockets.every((s) => s.local.endsWith(":8080")));
  });
  it("the healthy busy server raises nothing at warning or above in any format", async () => {
    const rules = await builtinRules();
    for (const f of ["ss-tan.txt", "ss-tanp.txt", "netstat-nat.txt", "proc-net-tcp.txt"]) {
      const files = lab("healthy", f, "nstat.txt", "sysctl.txt");
      const found = await new Diagnoser(readInputs(files), rules).run({});
      assert.deepEqual(found.filter((x) => x.severity !== "info").map((x) => x.rule), [], f);
    }
  });
});
