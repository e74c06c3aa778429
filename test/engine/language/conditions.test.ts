// The one condition walker: shapes, named conditions, cycles, leaves.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { conditionCycles, conditionLeaves, conditionRefs, parseOperator, PLAIN, walkCondition } from "../../../src/engine/language/conditions.ts";

const leaf = (v: number) => ({ fact: "states", path: "$.TOTAL", operator: "greaterThan", value: v });

describe("the condition walker", () => {
  it("folds all, any, not and leaves bottom up", () => {
    const tree = { all: [leaf(1), { any: [leaf(2), { not: leaf(3) }] }, { condition: "x" }] };
    const text = walkCondition<unknown, string>(tree, PLAIN, {
      all: (xs) => `all(${xs.join(",")})`,
      any: (xs) => `any(${xs.join(",")})`,
      not: (x) => `not(${x})`,
      ref: (name) => `@${name}`,
      leaf: (n) => String((n as { value: number }).value),
      bad: (p) => `bad:${p.code}`,
    });
    assert.equal(text, "all(1,any(2,not(3)),@x)");
  });
  it("reports shapes that are not conditions", () => {
    const problems: string[] = [];
    const noop = () => undefined;
    walkCondition<unknown, void>({ all: [{ all: [], any: [] }, { not: [leaf(1)] }, "x"], priority: 1 }, PLAIN, {
      all: noop, any: noop, not: noop, ref: noop, leaf: noop,
      bad: (p) => void problems.push(`${p.code}: ${p.message}`),
      extra: (p) => void problems.push(`${p.code}: ${p.message}`),
    });
    assert.deepEqual(problems, [
      'unknown-field: Unknown field "priority" next to "all" in conditions',
      'condition-shape: conditions.all[0] has both "all" and "any"',
      "type: conditions.all[1].not takes one condition, not a list",
      "type: conditions.all[2] must be a mapping with all, any, not, condition or fact",
    ]);
  });
  it("stops at 32 levels", () => {
    let t: unknown = leaf(1);
    for (let i = 0; i < 40; i++) t = { not: t };
    let bad = "";
    walkCondition<unknown, void>(t, PLAIN, { all: () => {}, any: () => {}, not: () => {}, ref: () => {}, leaf: () => {}, bad: (p) => void (bad = p.code) });
    assert.equal(bad, "depth");
  });
  it("finds references, cycles, and every leaf with named conditions expanded once", () => {
    const named = new Map<string, unknown>([["a", { all: [{ condition: "b" }, leaf(1)] }], ["b", { any: [{ condition: "a" }, leaf(2)] }]]);
    assert.deepEqual([...conditionRefs(named.get("a"))], ["b"]);
    assert.deepEqual(conditionCycles(named), [["a", "b", "a"]]);
    assert.deepEqual(conditionLeaves({ all: [{ condition: "a" }] }, named).map((l) => l.value), [2, 1]);
  });
  it("reads operators and their decorators", () => {
    assert.deepEqual(parseOperator("not:someFact:in"), { decorators: ["not", "someFact"], base: "in" });
    assert.equal(parseOperator("matches"), undefined);
    assert.equal(parseOperator("maybe:equal"), undefined);
  });
});
