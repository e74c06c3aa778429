// `rules validate`: file:line:column for each error class, over the invalid fixtures.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as path from "node:path";
import { validatePaths } from "../../src/rule_tools/validate.ts";
import { builtinRulesDir } from "../../src/sources/rule_files.ts";

const ROOT = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");
const INVALID = path.join(ROOT, "test", "fixtures", "rules-invalid");

describe("rules validate", () => {
  it("passes the built-in rules", async () => {
    assert.deepEqual((await validatePaths([builtinRulesDir()])).errors.map((e) => e.format()), []);
  });
  it("reports file:line:column for each error class", async () => {
    const { errors: errs } = await validatePaths([INVALID, path.join(INVALID, "dup1"), path.join(INVALID, "dup2")], { userRules: false });
    const at = (file: string) => errs.filter((e) => path.basename(e.file) === file && e.file.startsWith(INVALID)).map((e) => `${e.line}:${e.column} ${e.code}`);
    const cases: [string, string, RegExp][] = [
      ["yaml-syntax.yaml", "8:1 yaml", /YAML/],
      ["unknown-field.yaml", "3:1 unknown-field", /severty.*did you mean "severity"/],
      ["unknown-fact.yaml", "6:13 unknown-fact", /did you mean "states"/],
      ["unknown-operator.yaml", "8:17 unknown-operator", /no regular-expression operator/],
      ["bad-severity.yaml", "3:11 enum", /info, warning, critical/],
      ["unknown-placeholder.yaml", "10:35 unknown-placeholder", /closewait_count/],
      ["bad-path.yaml", "8:13 bad-path", /no wildcards or filters/],
      ["unknown-condition.yaml", "6:18 unknown-condition", /_conditions\.yaml/],
      ["wrong-name.yaml", "1:5 file-name", /name the file not-the-file-name\.yaml/],
      ["bad-param.yaml", "7:24 unknown-state", /CLOSE_WAIT/],
      ["alias-bomb.yaml", "10:28 aliases", /alias/],
    ];
    for (const [file, pos, hint] of cases) {
      assert.ok(at(file).includes(pos), `${file}: ${at(file).join(", ")}`);
      const e = errs.find((x) => path.basename(x.file) === file)!;
      assert.match(e.format(), new RegExp(`^${e.file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: `));
      assert.match(`${e.message} ${e.hint ?? ""}`, hint);
    }
    const dup = errs.find((x) => x.code === "duplicate-id")!;
    assert.match(dup.format(), /dup2\/same-id\.yaml:1:5: Duplicate rule id "same-id" \(also in .*dup1\/same-id\.yaml\)/);
  });
  it("a path that does not exist is an error", async () => {
    const r = await validatePaths(["/nonexistent/x.yaml"], { userRules: false });
    assert.match(r.errors[0].format(), /No such file or directory/);
  });
});
