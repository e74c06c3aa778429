// Loading rules: the built-in set (compiled and from YAML), user and --rules
// sources (directories and single files), unreadable sources, and the bound
// on a rule set's passes over the socket table.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import {
  BUILT_RULES_FILE,
  compileRuleDir,
  diagnose,
  Diagnoser,
  loadRules,
  MAX_FACT_PASSES,
  type RuleFiles,
} from "../../src/engine/mod.ts";
import { readInputs } from "../../src/sources/mod.ts";
import { emptySnapshot, LINE_KINDS, type LineKind } from "../../src/model/snapshot.ts";
import { builtinRulesDir, ruleFiles, ruleLoadOptions } from "../../src/sources/rule_files.ts";
import { ROOT } from "./_helpers.ts";

const INVALID = path.join(ROOT, "test", "fixtures", "rules-invalid");
const USER = path.join(ROOT, "test", "fixtures", "rules-user");
const REQUIRED = [
  "close-wait-leak", "time-wait-port-exhaustion", "time-wait-blocks-restart", "fin-wait-1-after-restart",
  "fin-wait-2-lingering", "last-ack-after-load-test", "syn-flood", "syn-sent-unreachable-upstream", "accept-queue-overflow",
];
const tmp = (name: string) => fs.mkdtempSync(path.join(os.tmpdir(), `tcpdoc-${name}-`));

describe("built-in rules", () => {
  it("include the nine catalogue ids, each with message, checks, fixes, references and a threshold source", async () => {
    const set = await loadRules(ruleLoadOptions({ userRules: false }));
    assert.deepEqual(set.errors.map((e) => e.format()), []);
    for (const id of REQUIRED) {
      const r = set.rules.find((x) => x.id === id);
      assert.ok(r, id);
      assert.ok(r.message && r.checks?.length && r.fixes?.length && r.references?.length, id);
      assert.equal(typeof r.metadata?.threshold_source, "string", id);
      assert.match(fs.readFileSync(r.source, "utf8"), /^# yaml-language-server: \$schema=\.\/rule\.schema\.json/, id);
    }
  });
  it("compile (as scripts/build.mjs puts them in the bundle) to the rules the YAML gives, through JSON", async () => {
    const compiled = JSON.parse(JSON.stringify(await compileRuleDir(builtinRulesDir(), ruleFiles)));
    // the YAML itself, not the build's compiled copy (test/engine/format/compiled.test.ts)
    const built = path.join(ROOT, BUILT_RULES_FILE);
    const yamlOnly: RuleFiles = { ...ruleFiles, read: (f, limit) => (f === built ? { error: "hidden", code: "read" } : ruleFiles.read(f, limit)) };
    const set = await loadRules({ ...ruleLoadOptions({ userRules: false }), files: yamlOnly });
    const all = compiled.rules.map((c: { file: string; rule: Record<string, unknown> }) => ({ ...c.rule, source: path.join(builtinRulesDir(), c.file), origin: "built-in" }));
    assert.deepEqual(all.filter((r: { enabled?: boolean }) => r.enabled !== false), set.rules);
    assert.deepEqual(new Map(compiled.conditions), set.conditions);
    assert.ok(compiled.files.some((f: { name: string }) => f.name === "_conditions.yaml"));
  });
  it("fail to compile when one does not validate", async () => {
    await assert.rejects(compileRuleDir(INVALID, ruleFiles), /built-in rules do not validate/);
  });
  it("fit the bound on passes with room to spare", async () => {
    const set = await loadRules(ruleLoadOptions({ userRules: false }));
    const { rulePasses } = await import("../../src/engine/cost.ts");
    const all = new Set(set.rules.flatMap((r) => [...rulePasses(r, set.conditions)]));
    assert.ok(all.size < MAX_FACT_PASSES / 2, `${all.size} passes`);
  });
});

describe("rule sources", () => {
  const snap = () => readInputs([path.join(ROOT, "samples/linux/close-wait-leak/ss-tan.txt")]);
  it("--rules DIR replaces a built-in with the same id and adds its own", async () => {
    const fs1 = await diagnose(snap(), { ...ruleLoadOptions({ ruleDirs: [USER], userRules: false }), answers: {} });
    const cw = fs1.find((f) => f.rule === "close-wait-leak")!;
    assert.equal(cw.severity, "info");
    assert.match(cw.message, /^Site rule: 300 CLOSE_WAIT sockets$/);
    assert.equal(cw.source, path.join(USER, "close-wait-leak.yaml"));
    // the user rule's exception hides port 8080 (the server side); the client side is not CLOSE_WAIT
    assert.equal(fs1.find((f) => f.rule === "ignore-health-checks"), undefined);
  });
  it("--rules FILE loads that one rule", async () => {
    const set = await loadRules(ruleLoadOptions({ ruleDirs: [path.join(USER, "ignore-health-checks.yaml")], userRules: false }));
    assert.deepEqual(set.errors, []);
    assert.equal(set.rules.find((r) => r.id === "ignore-health-checks")?.origin, "rules-dir");
  });
  it("the user directory ($XDG_CONFIG_HOME/tcpdoc/rules) is read unless --no-user-rules", async () => {
    const home = tmp("xdg");
    fs.mkdirSync(path.join(home, "tcpdoc", "rules"), { recursive: true });
    fs.copyFileSync(path.join(USER, "close-wait-leak.yaml"), path.join(home, "tcpdoc", "rules", "close-wait-leak.yaml"));
    const env = { XDG_CONFIG_HOME: home };
    const withUser = await diagnose(snap(), { ...ruleLoadOptions({ userRules: true, env }), answers: {} });
    assert.equal(withUser.find((f) => f.rule === "close-wait-leak")!.severity, "info");
    const without = await diagnose(snap(), { ...ruleLoadOptions({ userRules: false, env }), answers: {} });
    assert.equal(without.find((f) => f.rule === "close-wait-leak")!.severity, "warning");
    fs.rmSync(home, { recursive: true });
  });
  it("--disable ID removes a rule", async () => {
    const fs1 = await diagnose(snap(), { ...ruleLoadOptions({ disabled: ["close-wait-leak"], userRules: false }), answers: {} });
    assert.equal(fs1.find((f) => f.rule === "close-wait-leak"), undefined);
  });
  it("a broken rule in a rules directory is skipped and reported with its position", async () => {
    const seen: string[] = [];
    await diagnose(snap(), { ...ruleLoadOptions({ ruleDirs: [INVALID], userRules: false }), answers: {}, onRuleError: (e) => seen.push(e.format()) });
    assert.ok(seen.some((s) => /unknown-fact\.yaml:6:13: Unknown fact "state"/.test(s)), seen.join("\n"));
  });
  it("a rules directory that cannot be read is an error, not an empty directory", async () => {
    const unreadable: RuleFiles = { ...ruleFiles, kind: () => "dir", list: () => ({ error: "permission denied" }) };
    const set = await loadRules({ sources: [{ path: "/srv/rules", origin: "rules-dir" }], files: unreadable });
    assert.deepEqual(set.errors.map((e) => e.format()), ["/srv/rules:1:1: Cannot read the rules directory: permission denied (hint: check that it exists and that you may read it)"]);
  });
  it("a missing rules path is an error", async () => {
    const set = await loadRules(ruleLoadOptions({ ruleDirs: ["/nonexistent/rules"], userRules: false }));
    assert.match(set.errors[0].format(), /^\/nonexistent\/rules:1:1: No such rules directory or rule file/);
  });
});

/** A snapshot of `n` sockets spread over states, ports and peers. */
function bigSnapshot(n: number) {
  const snap = emptySnapshot();
  const kinds = Object.fromEntries(LINE_KINDS.map((x) => [x, 0])) as Record<LineKind, number>;
  snap.inputs.push({ path: "big", format: "test", formats: {}, encoding: "utf-8", lines: n, sockets: n, kinds, unparsed: 0, unparsedLines: [] });
  for (let i = 0; i < n; i++) {
    snap.sockets.add({
      family: 4, state: [4, 10, 8, 1, 2][i % 5], localAddress: "10.0.0.1", localPort: 1024 + (i % 50000),
      remoteAddress: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`, remotePort: 80 + (i % 7), recvQ: i % 3, sendQ: 0,
    }, 0, i + 1);
  }
  return snap;
}

describe("the bound on passes over the socket table", () => {
  const STATES = ["ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT", "CLOSED", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"];
  const BY = ["local-port", "local-address", "local-endpoint", "remote-port", "remote-host", "remote-subnet", "remote-endpoint", "process", "source-destination"];
  const ruleWith = (id: string, leaves: string[]) =>
    `id: ${id}\ntitle: many groups\nseverity: info\nconditions:\n  any:\n${leaves.map((l) => `    - ${l}\n`).join("")}`;
  const write = (dir: string, id: string, leaves: string[]) => fs.writeFileSync(path.join(dir, `${id}.yaml`), ruleWith(id, leaves));

  it("requests that differ only in top share one pass", async () => {
    const dir = tmp("tops");
    const leaves = Array.from({ length: 1500 }, (_, k) => `{ fact: group, params: { state: TIME_WAIT, by: remote-host, top: ${1 + (k % 50)} }, path: "$.groups[${k % 50}].count", operator: greaterThan, value: ${k} }`);
    write(dir, "many-tops", leaves);
    const set = await loadRules(ruleLoadOptions({ ruleDirs: [dir], builtin: false, userRules: false }));
    assert.deepEqual(set.errors.map((e) => e.format()), []);
    const d = new Diagnoser(bigSnapshot(20000), set);
    await d.run({});
    assert.equal(d.facts.passes, 1);
    fs.rmSync(dir, { recursive: true });
  });
  it("a rule set with 1,500 distinct group conditions is refused, naming the rule file, and the analysis stays quick", async () => {
    const dir = tmp("distinct");
    const leaves: string[] = [];
    for (let a = 0; a < STATES.length && leaves.length < 1500; a++) {
      for (let b = a + 1; b < STATES.length && leaves.length < 1500; b++) {
        for (const by of BY) for (const filter of ["", ", listener: absent", ", listener: present", ", queue: recv"]) {
          leaves.push(`{ fact: group, params: { state: [${STATES[a]}, ${STATES[b]}], by: ${by}${filter} }, path: $.top.count, operator: greaterThan, value: 1000000 }`);
        }
      }
    }
    assert.ok(leaves.length >= 1500);
    write(dir, "many-groups", leaves.slice(0, 1500));
    const set = await loadRules(ruleLoadOptions({ ruleDirs: [dir], userRules: false }));
    const e = set.errors.find((x) => x.code === "too-many-facts");
    assert.ok(e, set.errors.map((x) => x.format()).join("\n"));
    assert.equal(e.file, path.join(dir, "many-groups.yaml"));
    assert.match(e.format(), /many-groups\.yaml:1:1: Rule "many-groups" is left out: .* more than 128/);
    assert.equal(set.rules.some((r) => r.id === "many-groups"), false);
    const start = performance.now();
    await new Diagnoser(bigSnapshot(100000), set).run({});
    assert.ok(performance.now() - start < 10000, `${Math.round(performance.now() - start)} ms`);
    fs.rmSync(dir, { recursive: true });
  });
});
