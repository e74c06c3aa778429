// Diagnoser.diagnose: near misses are rules whose evidence held, not those
// whose guards ("X is 0") or input capabilities (queues shown) held.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { Diagnoser } from "../../src/engine/mod.ts";
import { readInputs } from "../../src/sources/mod.ts";
import { builtinRules, lab } from "./_helpers.ts";

describe("near misses", () => {
  it("list a rule whose evidence partly held, and not rules with nothing for them", async () => {
    const d = await new Diagnoser(readInputs(lab("healthy", "ss-tanp.txt")), await builtinRules()).diagnose();
    const rules = d.nearMisses.map((m) => m.rule);
    // 40 TIME_WAIT toward one destination: some churn, far below its threshold
    assert.ok(rules.includes("time-wait-churn"), rules.join(", "));
    for (const r of ["close-wait-leak", "defer-accept-syn-recv", "fin-wait-1-after-restart"]) assert.ok(!rules.includes(r), `${r} in ${rules.join(", ")}`);
    for (const m of d.nearMisses) assert.ok(m.blockedBy.length > 0, m.rule);
  });
});
