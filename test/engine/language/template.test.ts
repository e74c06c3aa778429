// The one template grammar: fill, names, problems and the explain view read it alike.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { fillTemplate, parseTemplate, showTemplate, templateNames, templateProblems } from "../../../src/engine/language/template.ts";

describe("templates", () => {
  it("substitute names and sections and evaluate nothing", () => {
    assert.equal(fillTemplate("{{a}} and {{b}}", { a: "1" }), "1 and {{b}}");
    assert.equal(fillTemplate("x{{#p}} port {{p}}{{/p}}.", { p: "80" }), "x port 80.");
    assert.equal(fillTemplate("x{{#p}} port {{p}}{{/p}}.", { p: "unknown" }, new Set(["p"])), "x.");
    assert.equal(fillTemplate("{{constructor}} {{__proto__}} ${1+1} {{a.b}}", {}), "{{constructor}} {{__proto__}} ${1+1} {{a.b}}");
  });
  it("read tags with spaces, and braces that are not tags as text", () => {
    assert.deepEqual(parseTemplate("{{ # p }}a{{ / p }}{{{x}}}").map((p) => [p.kind, p.text]), [
      ["open", "{{ # p }}"], ["text", "a"], ["close", "{{ / p }}"], ["text", "{"], ["figure", "{{x}}"], ["text", "}"],
    ]);
    assert.deepEqual(templateNames("{{#a}}{{b}}{{/a}} {c}"), ["a", "b", "a"]);
  });
  it("find sections that do not pair up", () => {
    assert.deepEqual(templateProblems("{{/a}}{{#b}}").map((p) => `${p.kind} ${p.name}`), ["unopened a", "unclosed b"]);
    assert.deepEqual(templateProblems("{{#a}}{{#b}}{{/b}}{{/a}}"), []);
  });
  it("show placeholders as <name> and sections as [...]", () => {
    assert.equal(showTemplate("{{n}} sockets{{#p}} on {{p}}{{/p}}"), "<n> sockets[ on <p>]");
  });
  it("take linear time on hostile text", () => {
    for (const t of ["{{".repeat(200_000), "{{ ".repeat(100_000) + "x", `{{${" ".repeat(300_000)}}`, "{".repeat(300_000) + "}".repeat(300_000)]) {
      const start = performance.now();
      fillTemplate(t, {});
      templateProblems(t);
      assert.ok(performance.now() - start < 1000, `${t.slice(0, 10)}... took ${performance.now() - start} ms`);
    }
  });
});
