// User fleet rules: loaded from the fleet/ directory of the user's rules
// directory and of each --rules directory (a rule with a built-in's id
// replaces it), checked by `rules validate`, run by `rules test`, and read
// as safely as every rule file from a stranger (bounded, regular files
// only, plain YAML, no control characters or object machinery names).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { loadFleetRuleSet } from "../../src/fleet/rules.ts";
import { fleetRuleSources, ruleFiles } from "../../src/sources/rule_files.ts";
import { ROOT, tcpdoc, userError } from "../cli/_run.ts";
import { tempDir } from "../_temp.ts";

const FLEET = path.join(ROOT, "samples", "fleet");
const unix = process.platform !== "win32";

/** A fleet rule that fires when at least `min` hosts were analysed. */
const rule = (id: string, min = 20, extra = "") => `id: ${id}
title: "At least ${min} hosts"
severity: warning
${extra}conditions:
  all:
    - { fact: fleet, path: $.analysed, operator: greaterThanInclusive, value: ${min} }
evidence:
  figures:
    analysed: { fact: fleet, path: $.analysed }
message: "{{analysed}} hosts were analysed."
fixes: ["Nothing to fix: a test rule."]
`;

/** A rules directory whose fleet/ holds these files. */
function rulesDir(files: Record<string, string | Uint8Array>): string {
  const dir = tempDir("tcpdoc-fleet-rules-");
  fs.mkdirSync(path.join(dir, "fleet"));
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, "fleet", name), text);
  return dir;
}

const fleetJson = (args: string[], env = {}) => {
  const r = tcpdoc(["analyze", "--fleet", "samples/fleet", "--json", "--jobs", "1", ...args], { env });
  assert.ok(r.status === 0 || r.status === 1, r.stderr);
  return JSON.parse(r.stdout) as { findings: { rule: string; severity: string; message: string; source: string }[] };
};

describe("user fleet rules", () => {
  it("load from a --rules directory's fleet/ and fire in analyze --fleet", () => {
    const dir = rulesDir({ "many-hosts.yaml": rule("fleet-many-hosts") });
    const f = fleetJson(["--rules", dir]).findings.find((x) => x.rule === "fleet-many-hosts");
    assert.ok(f, "the user fleet rule fired");
    assert.equal(f.message, "22 hosts were analysed.");
    assert.equal(fleetJson([]).findings.some((x) => x.rule === "fleet-many-hosts"), false);
  });

  it("load from the user's rules directory unless --no-user-rules, and replace a built-in by id", () => {
    const home = tempDir("tcpdoc-xdg-");
    const dir = path.join(home, "tcpdoc", "rules", "fleet");
    fs.mkdirSync(dir, { recursive: true });
    fs.writeFileSync(path.join(dir, "outlier.yaml"), rule("fleet-outlier").replace("severity: warning", "severity: critical"));
    const env = { XDG_CONFIG_HOME: home };
    const mine = fleetJson([], env).findings.filter((x) => x.rule === "fleet-outlier");
    assert.equal(mine.length, 1);
    assert.equal(mine[0].severity, "critical");
    assert.equal(mine[0].source, path.join(dir, "outlier.yaml"));
    assert.equal(fleetJson(["--no-user-rules"], env).findings.find((x) => x.rule === "fleet-outlier")?.severity, "info");
    const sources = fleetRuleSources({ userRules: true, env, ruleDirs: [] });
    assert.deepEqual(sources.map((s) => s.origin), ["built-in", "user"]);
  });

  it("a fleet rule that does not validate stops analyze --fleet with one line naming file:line", () => {
    const dir = rulesDir({ "bad.yaml": rule("fleet-bad").replace("operator: greaterThanInclusive", "operator: atLeast") });
    userError(tcpdoc(["analyze", "--fleet", "samples/fleet", "--rules", dir]), /fleet[/\\]bad\.yaml:\d+:1: unknown operator "atLeast"/);
  });

  it("rules validate lists every problem of the fleet rules and their tests; rules export includes user fleet rules", () => {
    const dir = rulesDir({
      "ok.yaml": rule("fleet-ok"),
      "fact.yaml": rule("fleet-fact").replace("fact: fleet, path: $.analysed, operator", "fact: fleet-hosts, path: $.analysed, operator"),
      "id.yaml": rule("upstream"),
      "template.yaml": rule("fleet-template").replace("{{analysed}} hosts", "{{analysed}} of {{total}} hosts"),
      "ok.test.yaml": "cases:\n  - { name: a, fleet: ../../fleet, expect: { fires: yes-please } }\n",
    });
    const r = tcpdoc(["rules", "validate", dir]);
    assert.equal(r.status, 2, r.stdout);
    assert.match(r.stdout, /fleet[/\\]fact\.yaml:4:1: a condition: unknown fleet fact "fleet-hosts"/);
    assert.match(r.stdout, /fleet[/\\]id\.yaml:1:1: id must be fleet-<words>/);
    assert.match(r.stdout, /fleet[/\\]template\.yaml:\d+:1: message uses \{\{total\}\}, which is not an evidence figure/);
    assert.match(r.stdout, /fleet[/\\]ok\.test\.yaml:1:1: case 1: expect\.fires must be true or false/);
    assert.match(r.stdout, /rules validate: 5 files, 1 rules, 4 errors/);
    // a fleet rule file named by itself, and the fleet directory itself
    assert.equal(tcpdoc(["rules", "validate", path.join(dir, "fleet", "ok.yaml")]).status, 0);
    assert.match(tcpdoc(["rules", "validate", path.join(dir, "fleet")]).stdout, /4 errors/);
    // the built-in rules, their tests and the built-in fleet rules validate as shipped
    const all = tcpdoc(["rules", "validate", "--no-user-rules"]);
    assert.equal(all.status, 0, all.stdout);
    const ok = rulesDir({ "many-hosts.yaml": rule("fleet-many-hosts").replace("fixes:", "prometheus: { expr: 'count(tcpdoc_sockets) > 20', for: 5m }\nfixes:") });
    const exported = tcpdoc(["rules", "export", "--prometheus-rules", "--rules", ok]);
    assert.equal(exported.status, 0, exported.stderr);
    assert.match(exported.stdout, /count\(tcpdoc_sockets\) > 20/);
  });

  it("rules test runs a user fleet rule's cases on fleets beside the test file or in samples/", () => {
    const dir = rulesDir({
      "many-hosts.yaml": rule("fleet-many-hosts"),
      "many-hosts.test.yaml": [
        "cases:",
        "  - { name: the lab fleet, fleet: samples/fleet, expect: { fires: true, severity: warning, evidence: { analysed: 22 } } }",
        "  - { name: one host, fleet: samples/fleet/web01, expect: { fires: false } }",
        "  - { name: wrong on purpose, fleet: samples/fleet, expect: { fires: true, severity: critical, hosts: [web01], evidence: { analysed: { lt: 3 } } } }",
      ].join("\n") + "\n",
    });
    const r = tcpdoc(["rules", "test", dir]);
    assert.equal(r.status, 1, r.stdout);
    assert.match(r.stdout, /^ok {5}fleet-many-hosts: the lab fleet$/m);
    assert.match(r.stdout, /^ok {5}fleet-many-hosts: one host$/m);
    assert.match(r.stdout, /^not ok fleet-many-hosts: wrong on purpose/m);
    assert.match(r.stdout, /- severity warning, expected critical/);
    assert.match(r.stdout, /- hosts none, expected web01/);
    assert.match(r.stdout, /- evidence analysed: 22 is not lt 3/);
    assert.match(r.stdout, /rules test: \d+ passed, 1 failed$/m);
    // a fleet rule without a test file is a failed case
    const none = rulesDir({ "many-hosts.yaml": rule("fleet-many-hosts") });
    assert.match(tcpdoc(["rules", "test", none]).stdout, /not ok fleet-many-hosts: \(no test file\)/);
  });
});

describe("fleet rule files from strangers", () => {
  it("are refused with a positioned problem, never loaded: control characters, object machinery names, YAML tags, alias bombs, two documents, a huge file", async () => {
    const bomb = ["a: &a [x, x, x, x, x, x, x, x, x, x]", ...Array.from({ length: 9 }, (_, i) => `${String.fromCharCode(98 + i)}: &${String.fromCharCode(98 + i)} [*${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}, *${String.fromCharCode(97 + i)}]`)].join("\n");
    const cases: Record<string, [string, RegExp]> = {
      "osc.yaml": [rule("fleet-osc").replace('title: "At least 20 hosts"', 'title: "x\\e]52;c;cnk=\\a"'), /control or invisible formatting character/],
      "bidi.yaml": [rule("fleet-bidi").replace("hosts were analysed", "hosts \u202ewere analysed"), /control or invisible formatting character/],
      "proto.yaml": [rule("fleet-proto").replace("    analysed: { fact", "    __proto__: { fact: fleet }\n    analysed: { fact"), /"__proto__" cannot be a field name/],
      "ctor.yaml": [rule("fleet-ctor") + "constructor: 1\n", /"constructor" cannot be a field name/],
      "tag.yaml": [rule("fleet-tag").replace("severity: warning", "severity: !!js/function 'function(){}'"), /tag .* is not allowed|YAML/],
      "bomb.yaml": [`${bomb}\n${rule("fleet-bomb")}`, /more than 50 aliases|expands to more than/],
      "docs.yaml": [`${rule("fleet-docs")}---\n${rule("fleet-docs2")}`, /one YAML document|YAML/],
      "huge.yaml": [rule("fleet-huge") + `# ${"x".repeat(300 * 1024)}\n`, /larger than 256 KiB/],
    };
    const dir = rulesDir(Object.fromEntries(Object.entries(cases).map(([k, [t]]) => [k, t])));
    const set = await loadFleetRuleSet([{ path: path.join(dir, "fleet"), origin: "rules-dir" }], ruleFiles);
    assert.deepEqual(set.rules, [], "no hostile rule loads");
    for (const [name, [, why]] of Object.entries(cases)) {
      const errs = set.errors.filter((e) => path.basename(e.file) === name);
      assert.ok(errs.length > 0, `${name} is refused`);
      assert.match(errs.map((e) => e.message).join("\n"), why, name);
    }
    const r = tcpdoc(["rules", "validate", dir]);
    assert.equal(r.status, 2);
    assert.doesNotMatch(r.stdout + r.stderr, /\x1b|\x07|\u202e/);
    userError(tcpdoc(["analyze", "--fleet", "samples/fleet", "--rules", dir]), /and \d+ more problems: 'tcpdoc rules validate' lists them/);
  });

  it("a FIFO or a link to /dev/zero named like a fleet rule fails at once with one line", { skip: unix && fs.existsSync("/dev/zero") ? false : "no FIFOs or /dev/zero" }, () => {
    const dir = rulesDir({});
    fs.symlinkSync("/dev/zero", path.join(dir, "fleet", "zero.yaml"));
    if (spawnSync("mkfifo", [path.join(dir, "fleet", "fifo.yaml")]).status !== 0) return;
    const start = Date.now();
    const r = tcpdoc(["analyze", "--fleet", "samples/fleet", "--rules", dir]);
    assert.ok(Date.now() - start < 20_000, "analyze waited on the FIFO or read /dev/zero");
    userError(r, /fleet[/\\](fifo|zero)\.yaml:1:1: Cannot read the file: it is a (FIFO|device), not a regular file/);
    const v = tcpdoc(["rules", "validate", dir]);
    assert.equal(v.stdout.split("\n").filter((l) => /fifo\.yaml|zero\.yaml/.test(l)).length, 2, v.stdout);
  });

  it("rules test does not read or print a fleet outside the test's directory and samples/", () => {
    const secret = tempDir("tcpdoc-secret-");
    fs.mkdirSync(path.join(secret, "db01"));
    fs.writeFileSync(path.join(secret, "db01", "shadow"), "root:$6$very-secret-hash:19000:0:99999:7:::\n");
    const dir = rulesDir({
      "many-hosts.yaml": rule("fleet-many-hosts", 1),
      "many-hosts.test.yaml": `cases:\n  - { name: reads a secret, fleet: ${JSON.stringify(secret)}, expect: { fires: false } }\n  - { name: climbs out, fleet: ../../../../../../../etc, expect: { fires: false } }\n`,
    });
    fs.symlinkSync(secret, path.join(dir, "fleet", "linked"));
    fs.appendFileSync(path.join(dir, "fleet", "many-hosts.test.yaml"), "  - { name: through a link, fleet: linked, expect: { fires: false } }\n");
    const r = tcpdoc(["rules", "test", dir]);
    assert.equal(r.status, 1);
    assert.equal(r.stdout.match(/is outside the test file's directory and the package's samples\/ folder: refused/g)?.length, 3, r.stdout);
    assert.doesNotMatch(r.stdout + r.stderr, /very-secret-hash|root:/);
    assert.ok(fs.existsSync(FLEET));
  });
});
