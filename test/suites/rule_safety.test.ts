// Rule files and rule tests from strangers, end to end through the installed
// command: each case is a defect of the rule engine found in review (it
// passed, hung, printed a secret or took minutes before). The command under
// test is bin/tcpdoc.js, or TCPDOC_BIN to run the same cases against
// another build.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { tempDir } from "../_temp.ts";

const NODE = "Deno" in globalThis ? "node" : process.execPath;
const ROOT = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");
const BIN = process.env.TCPDOC_BIN ?? path.join(ROOT, "bin", "tcpdoc.js");
const SAMPLE = path.join(ROOT, "samples/linux/close-wait-leak/ss-tan.txt");
const unix = process.platform !== "win32";
const built = fs.existsSync(path.join(path.dirname(BIN), "..", "dist", "tcpdoc.js"));

function tcpdoc(args: string[], timeout = 30_000) {
  const start = Date.now();
  const r = spawnSync(NODE, [BIN, ...args], { cwd: ROOT, encoding: "utf8", timeout, env: { ...process.env, NO_COLOR: "1", XDG_CONFIG_HOME: path.join(os.tmpdir(), "tcpdoc-no-user-rules") } });
  return { ...r, ms: Date.now() - start, timedOut: r.error !== undefined };
}

function dirWith(files: Record<string, string>): string {
  const dir = tempDir("tcpdoc-safety-");
  for (const [name, text] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), text);
  return dir;
}

const rule = (id: string, body: string) => `id: ${id}\ntitle: "${id}"\nseverity: warning\n${body}`;
const cond = (leaf: string) => `conditions:\n  all:\n    - ${leaf}\n`;

describe("rule files from strangers (bin/tcpdoc.js)", { skip: built ? false : "npm run build first" }, () => {
  it("a path typo fails validation with a did-you-mean (it used to pass and fire on healthy dumps)", () => {
    const dir = dirWith({ "typo.yaml": rule("typo", cond("{ fact: group, params: { state: CLOSE_WAIT, by: local-port }, path: $.top.cout, operator: lessThan, value: 10 }")) });
    const r = tcpdoc(["rules", "validate", dir]);
    assert.equal(r.status, 2, r.stdout);
    assert.match(r.stdout, /typo\.yaml:6:\d+: .*"cout".*did you mean "\$\.top\.count"/);
  });
  it("text compared with a number fails validation (it used to pass and never fire)", () => {
    const dir = dirWith({ "port.yaml": rule("port", cond("{ fact: group, params: { state: LISTEN, by: local-port }, path: $.top.key, operator: equal, value: 5432 }")) });
    const r = tcpdoc(["rules", "validate", dir]);
    assert.equal(r.status, 2, r.stdout);
    assert.match(r.stdout, /port\.yaml:6:\d+: .*compares text with a number/);
  });
  it("control characters in rule text fail validation and never reach the terminal", () => {
    const dir = dirWith({ "osc.yaml": rule("osc", cond("{ fact: states, path: $.TOTAL, operator: greaterThan, value: 0 }")).replace('title: "osc"', 'title: "x\\e]52;c;cnk=\\a"') });
    const r = tcpdoc(["rules", "validate", dir]);
    assert.equal(r.status, 2, r.stdout);
    assert.doesNotMatch(r.stdout + r.stderr, /\x1b|\x07/);
    const a = tcpdoc(["analyze", SAMPLE, "--rules", dir]);
    assert.doesNotMatch(a.stdout + a.stderr, /\x1b\]52/);
  });
  it("field names of the object machinery fail validation", () => {
    for (const [name, body] of [["ctor", "constructor: 1\n"], ["tostr", "evidence:\n  figures:\n    toString: { fact: states, path: $.TOTAL }\n"]]) {
      const dir = dirWith({ [`${name}.yaml`]: rule(name, cond("{ fact: states, path: $.TOTAL, operator: greaterThan, value: 0 }") + body) });
      assert.equal(tcpdoc(["rules", "validate", dir]).status, 2, name);
    }
  });
  it("a FIFO named like a rule file does not hang the command", { skip: unix ? false : "no FIFOs" }, () => {
    const dir = dirWith({});
    if (spawnSync("mkfifo", [path.join(dir, "fifo.yaml")]).status !== 0) return;
    const r = tcpdoc(["analyze", SAMPLE, "--rules", dir], 15_000);
    assert.equal(r.timedOut, false, "analyze waited on the FIFO");
    assert.match(r.stderr, /fifo\.yaml:1:1: .*FIFO/);
  });
  it("a rule file linked to /dev/zero fails at once with one line", { skip: unix && fs.existsSync("/dev/zero") ? false : "no /dev/zero" }, () => {
    const dir = dirWith({});
    fs.symlinkSync("/dev/zero", path.join(dir, "zero.yaml"));
    const r = tcpdoc(["rules", "validate", dir], 15_000);
    assert.equal(r.timedOut, false);
    assert.equal(r.status, 2);
    assert.equal(r.stdout.split("\n").filter((l) => l.includes("zero.yaml")).length, 1);
  });
  it("--rules FILE loads that rule (it used to load nothing, silently)", () => {
    const dir = dirWith({ "one.yaml": rule("one", cond("{ fact: states, path: $.TOTAL, operator: greaterThan, value: 0 }")) });
    const r = tcpdoc(["rules", "list", "--rules", path.join(dir, "one.yaml")]);
    assert.match(r.stdout, /^one\s+warning/m);
  });
  it("rules test does not read or print files outside the test's directory and samples/", () => {
    const secret = dirWith({ "shadow": "root:$6$very-secret-hash:19000:0:99999:7:::\n" });
    const dir = dirWith({
      "leak.yaml": rule("leak", cond("{ fact: states, path: $.TOTAL, operator: greaterThan, value: 0 }")),
      "leak.test.yaml": `cases:\n  - { name: reads a secret, inputs: [${JSON.stringify(path.join(secret, "shadow"))}], expect: { fires: false } }\n`,
    });
    const r = tcpdoc(["rules", "test", dir]);
    assert.equal(r.status, 1);
    assert.doesNotMatch(r.stdout + r.stderr, /very-secret-hash|root:/);
  });
  it("a rule file with 1,500 distinct group conditions is refused by name, and a big analysis stays quick", () => {
    const states = ["ESTABLISHED", "SYN_SENT", "SYN_RECV", "FIN_WAIT_1", "FIN_WAIT_2", "TIME_WAIT", "CLOSED", "CLOSE_WAIT", "LAST_ACK", "LISTEN", "CLOSING"];
    const by = ["local-port", "local-address", "local-endpoint", "remote-port", "remote-host", "remote-subnet", "remote-endpoint", "process", "source-destination"];
    const leaves: string[] = [];
    for (let a = 0; a < states.length; a++) {
      for (let b = a + 1; b < states.length; b++) {
        for (const k of by) for (const f of ["", ", listener: absent", ", listener: present", ", queue: recv"]) {
          leaves.push(`    - { fact: group, params: { state: [${states[a]}, ${states[b]}], by: ${k}${f} }, path: $.top.count, operator: greaterThan, value: 100000000 }`);
        }
      }
    }
    const dir = dirWith({ "many-groups.yaml": `id: many-groups\ntitle: many\nseverity: info\nconditions:\n  any:\n${leaves.slice(0, 1500).join("\n")}\n` });
    const dump = path.join(dir, "netstat-200000.txt");
    spawnSync(NODE, [path.join(ROOT, "bench", "gen.mjs"), "netstat", "200000", dump, "7"], { encoding: "utf8" });
    const r = tcpdoc(["analyze", dump, "--json", "--rules", dir], 20_000);
    assert.equal(r.timedOut, false, "the analysis took more than 20 s");
    assert.match(r.stderr, /many-groups\.yaml:1:1: Rule "many-groups" is left out/);
  });
  it("an answer a yes-no question cannot take is refused", () => {
    const r = tcpdoc(["analyze", SAMPLE, "--answer", "fd-limit-errors=maybe"]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--answer fd-limit-errors: .*takes yes or no, not "maybe"/);
  });
});
