// Every built-in rule's cases (rules/*.test.yaml) through the rules-test runner, one node:test case per rule case.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { runRuleTests } from "../../src/rule_tools/test_runner.ts";
import { builtinRulesDir } from "../../src/sources/rule_files.ts";

const REQUIRED = [
  "close-wait-leak", "time-wait-port-exhaustion", "time-wait-blocks-restart", "fin-wait-1-after-restart",
  "fin-wait-2-lingering", "last-ack-after-load-test", "syn-flood", "syn-sent-unreachable-upstream", "accept-queue-overflow",
];

const { results, errors } = await runRuleTests([builtinRulesDir()], { userRules: false });
describe("built-in rule cases (rules/*.test.yaml)", () => {
  it("load without errors", () => assert.deepEqual(errors.map((e) => e.format()), []));
  for (const id of REQUIRED) {
    it(`${id} has cases`, () => assert.ok(results.some((r) => r.rule === id && r.ok), id));
  }
  for (const r of results) {
    it(`${r.rule}: ${r.name}`, () => assert.deepEqual(r.problems, []));
  }
});
