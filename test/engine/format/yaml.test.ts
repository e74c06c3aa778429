// YAML with limits: size, aliases, tags, and positions of syntax errors.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { parseRule } from "../../../src/engine/mod.ts";

const ctx = { conditionNames: new Set<string>(), builtin: false };

describe("YAML with limits", () => {
  it("refuses a file over the size limit at once", async () => {
    const t = Date.now();
    const r = await parseRule("id: huge\n" + "# padding\n".repeat(40000), "huge.yaml", ctx);
    assert.ok(Date.now() - t < 500);
    assert.equal(r.errors[0].code, "too-big");
  });
  it("refuses an alias bomb at the alias past the limit, quickly", async () => {
    const lines = ['id: bomb', 'a: &a ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]'];
    for (const [x, y] of [["b", "a"], ["c", "b"], ["d", "c"], ["e", "d"], ["f", "e"], ["g", "f"]]) lines.push(`${x}: &${x} [${Array(9).fill(`*${y}`).join(", ")}]`);
    const t = Date.now();
    const r = await parseRule(lines.join("\n"), "bomb.yaml", ctx);
    assert.ok(Date.now() - t < 500);
    assert.deepEqual(r.errors.map((e) => `${e.line} ${e.code}`), ["8 aliases"]);
  });
  it("refuses an alias to its own container and tags", async () => {
    assert.equal((await parseRule("a: &a [*a]\n", "x.yaml", ctx)).errors[0].code, "aliases");
    assert.match((await parseRule("a: !!binary aGVsbG8=\n", "x.yaml", ctx)).errors[0].message, /tag/);
    assert.equal((await parseRule("a: 1\n---\nb: 2\n", "x.yaml", ctx)).errors[0].code, "yaml");
  });
  it("positions a syntax error", async () => {
    const r = await parseRule("id: x\nconditions:\n  all:\n    - fact: states\n      path: $.TOTAL\n     operator: greaterThan\n", "x.yaml", ctx);
    assert.equal(r.errors[0].code, "yaml");
    assert.equal(r.errors[0].line, 6);
  });
});
