// The rules: every built-in's cases through the rules-test runner (one test
// per case), validation errors with file:line:column for each error class,
// user rule directories, --disable, and the rule commands as users run them
// (sources under Node and Deno, and the esbuild bundle).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { readInputs } from "../src/sources/mod.ts";
import {
  builtinRulesDir,
  diagnose,
  loadRules,
  readRuleFile,
  runRuleTests,
  validatePaths,
} from "../src/engine/mod.ts";
import { compileRuleDir, parseRule } from "../src/engine/rule_file.ts";

/** Node, also when the tests run under Deno. */
const NODE = "Deno" in globalThis ? "node" : process.execPath;
const ROOT = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..");
const INVALID = path.join(ROOT, "test", "fixtures", "rules-invalid");
const USER = path.join(ROOT, "test", "fixtures", "rules-user");
const DENO = path.join(ROOT, "node_modules", ".bin", "deno");
const REQUIRED = [
  "close-wait-leak", "time-wait-port-exhaustion", "time-wait-blocks-restart", "fin-wait-1-after-restart",
  "fin-wait-2-lingering", "last-ack-after-load-test", "syn-flood", "syn-sent-unreachable-upstream", "accept-queue-overflow",
];

describe("built-in rules", () => {
  it("include the nine catalogue ids, each with message, checks, fixes, references and a threshold source", () => {
    const set = loadRules({ userRules: false });
    assert.deepEqual(set.errors.map((e) => e.format()), []);
    for (const id of REQUIRED) {
      const r = set.rules.find((x) => x.id === id);
      assert.ok(r, id);
      assert.ok(r.message && r.checks?.length && r.fixes?.length && r.references?.length, id);
      assert.equal(typeof r.metadata?.threshold_source, "string", id);
      assert.match(fs.readFileSync(r.source, "utf8"), /^# yaml-language-server: \$schema=\.\/rule\.schema\.json/, id);
    }
  });
  it("validate cleanly", () => {
    assert.deepEqual(validatePaths([builtinRulesDir()]).errors.map((e) => e.format()), []);
  });
  it("compile (as scripts/build.mjs puts them in the bundle) to the rules the YAML gives, through JSON", () => {
    const compiled = JSON.parse(JSON.stringify(compileRuleDir(builtinRulesDir())));
    const set = loadRules({ userRules: false });
    const all = compiled.rules.map((c: { file: string; rule: Record<string, unknown> }) => ({ ...c.rule, source: path.join(builtinRulesDir(), c.file), origin: "built-in" }));
    assert.deepEqual(all.filter((r: { enabled?: boolean }) => r.enabled !== false), set.rules);
    assert.deepEqual(new Map(compiled.conditions), set.conditions);
    assert.ok(compiled.files.some((f: { name: string }) => f.name === "_conditions.yaml"));
  });
  it("fail to compile when one does not validate", () => {
    assert.throws(() => compileRuleDir(INVALID), /built-in rules do not validate/);
  });
});

// One node:test case per rule case.
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

describe("rules validate reports file:line:column for each error class", () => {
  const { errors: errs } = validatePaths([INVALID, path.join(INVALID, "dup1"), path.join(INVALID, "dup2")], { userRules: false });
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
    ["alias-bomb.yaml", "1:1 aliases", /alias/],
  ];
  for (const [file, pos, hint] of cases) {
    it(`${file}: ${pos}`, () => {
      assert.ok(at(file).includes(pos), `${file}: ${at(file).join(", ")}`);
      const e = errs.find((x) => path.basename(x.file) === file)!;
      assert.match(e.format(), new RegExp(`^${e.file.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")}:\\d+:\\d+: `));
      assert.match(`${e.message} ${e.hint ?? ""}`, hint);
    });
  }
  it("duplicate id across files", () => {
    const e = errs.find((x) => x.code === "duplicate-id")!;
    assert.match(e.format(), /dup2\/same-id\.yaml:1:5: Duplicate rule id "same-id" \(also in .*dup1\/same-id\.yaml\)/);
  });
  it("built-in rules must carry message, checks, fixes and references", () => {
    const text = fs.readFileSync(path.join(INVALID, "bad-path.yaml"), "utf8").replace(/"\$\.groups.*"/, "$.top.count");
    const r = parseRule(text, "rules/bad-path.yaml", { conditionNames: new Set(), builtin: true }, "built-in");
    assert.deepEqual(r.errors.map((e) => `${e.line}:${e.column} ${e.message.split(" (")[0]}`).sort(), [
      '1:1 rule has no "checks"', '1:1 rule has no "fixes"', '1:1 rule has no "message"', '1:1 rule has no "references"',
    ]);
  });
  it("refuses a huge file quickly", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-huge-"));
    const f = path.join(dir, "huge.yaml");
    fs.writeFileSync(f, "id: huge\n" + "# padding\n".repeat(40000));
    const t = Date.now();
    const r = readRuleFile(f, { conditionNames: new Set(), builtin: false }, "rules-dir");
    assert.ok(Date.now() - t < 500);
    assert.equal(r.errors[0].code, "too-big");
    fs.rmSync(dir, { recursive: true });
  });
  it("refuses an alias bomb quickly", () => {
    const t = Date.now();
    const r = readRuleFile(path.join(INVALID, "alias-bomb.yaml"), { conditionNames: new Set(), builtin: false }, "rules-dir");
    assert.ok(Date.now() - t < 500);
    assert.equal(r.errors[0].code, "aliases");
  });
});

describe("custom rules", () => {
  const snap = () => readInputs([path.join(ROOT, "samples/linux/close-wait-leak/ss-tan.txt")]);
  it("--rules DIR replaces a built-in with the same id and adds its own", async () => {
    const fs1 = await diagnose(snap(), { ruleDirs: [USER], disabled: [], userRules: false, answers: {} });
    const cw = fs1.find((f) => f.rule === "close-wait-leak")!;
    assert.equal(cw.severity, "info");
    assert.match(cw.message, /^Site rule: 300 CLOSE_WAIT sockets$/);
    assert.equal(cw.source, path.join(USER, "close-wait-leak.yaml"));
    // the user rule's exception hides port 8080 (the server side); the client side is not CLOSE_WAIT
    assert.equal(fs1.find((f) => f.rule === "ignore-health-checks"), undefined);
  });
  it("the user directory ($XDG_CONFIG_HOME/tcpdoc/rules) is read unless --no-user-rules", async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-xdg-"));
    fs.mkdirSync(path.join(home, "tcpdoc", "rules"), { recursive: true });
    fs.copyFileSync(path.join(USER, "close-wait-leak.yaml"), path.join(home, "tcpdoc", "rules", "close-wait-leak.yaml"));
    const env = { XDG_CONFIG_HOME: home };
    const withUser = await diagnose(snap(), { ruleDirs: [], disabled: [], userRules: true, answers: {}, env });
    assert.equal(withUser.find((f) => f.rule === "close-wait-leak")!.severity, "info");
    const without = await diagnose(snap(), { ruleDirs: [], disabled: [], userRules: false, answers: {}, env });
    assert.equal(without.find((f) => f.rule === "close-wait-leak")!.severity, "warning");
    fs.rmSync(home, { recursive: true });
  });
  it("--disable ID removes a rule", async () => {
    const fs1 = await diagnose(snap(), { ruleDirs: [], disabled: ["close-wait-leak"], userRules: false, answers: {} });
    assert.equal(fs1.find((f) => f.rule === "close-wait-leak"), undefined);
  });
  it("a broken rule in a rules directory is skipped and reported with its position", async () => {
    const seen: string[] = [];
    await diagnose(snap(), { ruleDirs: [INVALID], disabled: [], userRules: false, answers: {}, onRuleError: (e) => seen.push(e.format()) });
    assert.ok(seen.some((s) => /unknown-fact\.yaml:6:13: Unknown fact "state"/.test(s)), seen.join("\n"));
  });
});

function cli(runtime: "node-src" | "deno" | "bundle", args: string[]) {
  const env = { ...process.env, NO_COLOR: "1", XDG_CONFIG_HOME: path.join(os.tmpdir(), "tcpdoc-no-user-rules") };
  if (runtime === "deno") return spawnSync(DENO, ["run", "-A", path.join(ROOT, "src/cli/entry.ts"), ...args], { cwd: ROOT, encoding: "utf8", env });
  if (runtime === "bundle") return spawnSync(NODE, [path.join(ROOT, "bin/tcpdoc.js"), ...args], { cwd: ROOT, encoding: "utf8", env });
  return spawnSync(NODE, ["--import", "tsx", path.join(ROOT, "src/cli/entry.ts"), ...args], { cwd: ROOT, encoding: "utf8", env });
}

const bundleBuilt = fs.existsSync(path.join(ROOT, "dist", "tcpdoc.js")) &&
  fs.statSync(path.join(ROOT, "dist", "tcpdoc.js")).mtimeMs >= fs.statSync(path.join(ROOT, "src", "engine", "facts.ts")).mtimeMs;

describe("rule commands", () => {
  for (const runtime of ["node-src", "deno", "bundle"] as const) {
    const skip = runtime === "bundle" && !bundleBuilt ? "dist/ is older than the sources: npm run build" : runtime === "deno" && !fs.existsSync(DENO) ? "no deno" : false;
    it(`rules list finds the built-in rules (${runtime})`, { skip }, () => {
      const r = cli(runtime, ["rules", "list"]);
      assert.equal(r.status, 0, r.stderr);
      for (const id of REQUIRED) assert.match(r.stdout, new RegExp(`^${id}\\s+(info|warning|critical)\\s+\\S`, "m"));
      // Only built-ins are loaded: no rule is marked as coming from elsewhere.
      assert.doesNotMatch(r.stdout, /\[(user|rules-dir)/);
    });
    it(`rules validate exits 2 with positions and no stack trace (${runtime})`, { skip }, () => {
      const r = cli(runtime, ["rules", "validate", INVALID]);
      assert.equal(r.status, 2);
      assert.match(r.stdout, /unknown-fact\.yaml:6:13: Unknown fact "state"/);
      assert.doesNotMatch(r.stdout + r.stderr, /^\s+at /m);
    });
    it(`explain RULE-ID prints the rule in full (${runtime})`, { skip }, () => {
      const r = cli(runtime, ["explain", "time-wait-port-exhaustion"]);
      assert.equal(r.status, 0, r.stderr);
      for (const part of ["Fires when:", "Thresholds:", "Why these thresholds:", "Checks:", "Fixes:", "References:"]) assert.ok(r.stdout.includes(part), part);
    });
  }
  it("rules test prints the closing line and exits 0 on the built-ins", () => {
    const r = cli("node-src", ["rules", "test"]);
    assert.equal(r.status, 0, r.stdout.slice(-2000));
    assert.match(r.stdout, /^rules test: \d+ passed, 0 failed$/m);
  });
  it("rules test exits 1 when a case fails", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-failing-"));
    fs.copyFileSync(path.join(USER, "close-wait-leak.yaml"), path.join(dir, "close-wait-leak.yaml"));
    fs.writeFileSync(path.join(dir, "close-wait-leak.test.yaml"), [
      "cases:",
      "  - name: expects the wrong severity",
      "    inputs: [samples/linux/close-wait-leak/ss-tan.txt]",
      "    expect: { fires: true, severity: critical }",
      "  - name: expects the right count",
      "    inputs: [samples/linux/close-wait-leak/ss-tan.txt]",
      "    expect: { fires: true, evidence: { close_wait: 300 } }",
    ].join("\n"));
    const r = cli("node-src", ["rules", "test", dir]);
    assert.equal(r.status, 1);
    assert.match(r.stdout, /severity info, expected critical/);
    assert.match(r.stdout, /^rules test: 1 passed, 1 failed$/m);
    fs.rmSync(dir, { recursive: true });
  });
  it("explain STATE still explains the state", () => {
    const r = cli("node-src", ["explain", "CLOSE_WAIT"]);
    assert.equal(r.status, 0, r.stderr);
  });
});
