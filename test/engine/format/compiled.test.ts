// The build's compiled built-in rules for runs of the sources
// (dist/builtin-rules.json): used while the rule files and the code that
// compiled them are unchanged, read as YAML otherwise.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BUILT_RULES_FILE, type BuiltRules, compileRuleDir, loadRules, MAX_BUILT_BYTES, textFingerprint } from "../../../src/engine/mod.ts";
import { compiledBuiltin } from "../../../src/engine/format/compiled.ts";
import { builtinRulesDir, ruleFiles } from "../../../src/sources/rule_files.ts";
import { ROOT } from "../_helpers.ts";

const RULE = "last-ack-after-load-test.yaml";
const BUILT_MESSAGE = "as the build compiled it";

/**
 * A package of its own: rules/ with one built-in rule and the named
 * conditions, one compiler module, and the build's file for them, whose
 * copy of the rule says {@link BUILT_MESSAGE} (so a test tells which was used).
 */
async function pkg(): Promise<{ root: string; rules: string; compiler: string; built: string }> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-built-"));
  const rules = path.join(root, "rules"), compiler = path.join(root, "src", "compile.ts"), built = path.join(root, BUILT_RULES_FILE);
  fs.mkdirSync(rules);
  for (const f of ["_conditions.yaml", RULE]) fs.copyFileSync(path.join(builtinRulesDir(), f), path.join(rules, f));
  fs.mkdirSync(path.dirname(compiler));
  fs.writeFileSync(compiler, "export const version = 1;\n");
  const compiled = await compileRuleDir(rules, ruleFiles);
  compiled.rules[0].rule.message = BUILT_MESSAGE;
  fs.mkdirSync(path.dirname(built));
  const file: BuiltRules = { compiler: [["src/compile.ts", textFingerprint(fs.readFileSync(compiler, "utf8"))]], rules: compiled };
  fs.writeFileSync(built, JSON.stringify(file));
  return { root, rules, compiler, built };
}

async function messageOf(rules: string, files = ruleFiles): Promise<string> {
  const set = await loadRules({ sources: [{ path: rules, origin: "built-in" }], files });
  assert.deepEqual(set.errors, []);
  const r = set.rules.find((x) => x.id === "last-ack-after-load-test");
  assert.ok(r?.message);
  assert.equal(r.source, path.join(rules, RULE));
  return r.message;
}

describe("the build's compiled rules, running the sources", () => {
  it("are used while the rule files and the compiler's files are as they were built", async () => {
    const p = await pkg();
    assert.equal(await messageOf(p.rules), BUILT_MESSAGE);
  });
  it("are not, once a compiler file changed: the rules come from the YAML", async () => {
    const p = await pkg();
    assert.equal(await messageOf(p.rules), BUILT_MESSAGE);
    fs.appendFileSync(p.compiler, "// edited\n");
    assert.notEqual(await messageOf(p.rules), BUILT_MESSAGE);
    fs.rmSync(p.compiler);
    assert.notEqual(await messageOf(p.rules), BUILT_MESSAGE);
  });
  it("are not, once a rule file changed", async () => {
    const p = await pkg();
    fs.appendFileSync(path.join(p.rules, RULE), "# edited\n");
    assert.notEqual(await messageOf(p.rules), BUILT_MESSAGE);
  });
  it("are not read where reading the package would ask the user (Deno's prompt)", async () => {
    const p = await pkg();
    const asked: string[] = [];
    const files = { ...ruleFiles, readableUnasked: (dir: string) => (asked.push(dir), false) };
    assert.notEqual(await messageOf(p.rules, files), BUILT_MESSAGE);
    assert.deepEqual([...new Set(asked)], [p.root]);
    assert.equal(await messageOf(p.rules, { ...files, readableUnasked: () => true }), BUILT_MESSAGE);
  });
  it("a file that is not the build's (absent, cut short, another shape) leaves the YAML, with no error", async () => {
    const p = await pkg();
    const whole = fs.readFileSync(p.built, "utf8");
    for (const text of [whole.slice(0, whole.length / 2), "null", '{"compiler": [1], "rules": {"files": []}}', '{"compiler": [], "rules": {}}']) {
      fs.writeFileSync(p.built, text);
      assert.notEqual(await messageOf(p.rules), BUILT_MESSAGE, text.slice(0, 40));
    }
    fs.rmSync(p.built);
    assert.notEqual(await messageOf(p.rules), BUILT_MESSAGE);
  });
});

describe("this package's build", () => {
  const built = path.join(ROOT, BUILT_RULES_FILE);
  const skip = fs.existsSync(built) ? false : `no ${BUILT_RULES_FILE}: run npm run build (npm test does)`;
  it("left compiled rules that match the sources, with every file that compiled them listed", { skip }, (t) => {
    const file = JSON.parse(fs.readFileSync(built, "utf8")) as BuiltRules;
    const names = file.compiler.map(([n]) => n);
    for (const n of ["src/engine/format/compile.ts", "src/engine/format/compiled.ts", "src/engine/format/read.ts", "node_modules/yaml/package.json"]) {
      assert.ok(names.includes(n), n);
    }
    // edited since the build (npm run test:node does not build): not this test's business
    const dir = builtinRulesDir();
    const edited = [
      ...file.compiler.map(([n, hash]) => ({ path: path.join(ROOT, n), hash })),
      ...file.rules.files.map(({ name, hash }) => ({ path: path.join(dir, name), hash })),
    ].filter(({ path: p, hash }) => {
      const r = ruleFiles.read(p, MAX_BUILT_BYTES);
      assert.ok("text" in r, `${p} is listed but cannot be read: ${"error" in r ? r.error : ""}`);
      return textFingerprint(r.text) !== hash;
    });
    if (edited.length > 0) {
      const more = edited.length > 1 ? ` and ${edited.length - 1} more` : "";
      t.skip(`${path.relative(ROOT, edited[0].path)}${more} changed since the build: run npm run build`);
      return;
    }
    assert.ok(compiledBuiltin(dir, ruleFiles), "the build's rules are not taken though every file is as built");
  });
});
