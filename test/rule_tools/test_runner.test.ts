// `rules test` on a stranger's test file: inputs stay inside the test file's
// directory or samples/, and a failure never prints what an input holds.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { resolveInput, runRuleTests } from "../../src/rule_tools/test_runner.ts";

const ROOT = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");
const USER = path.join(ROOT, "test", "fixtures", "rules-user");

function testDir(inputs: string[]): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-ruletest-"));
  fs.copyFileSync(path.join(USER, "close-wait-leak.yaml"), path.join(dir, "close-wait-leak.yaml"));
  fs.writeFileSync(path.join(dir, "close-wait-leak.test.yaml"), [
    "cases:",
    ...inputs.map((p, i) => `  - { name: case ${i}, inputs: [${JSON.stringify(p)}], expect: { fires: true } }`),
  ].join("\n"));
  return dir;
}

describe("rules test inputs", () => {
  it("refuses files outside the test's directory and samples/, without printing them", async () => {
    const secret = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-secret-"));
    fs.writeFileSync(path.join(secret, "shadow"), "root:$6$very-secret-hash:19000:0:99999:7:::\n");
    const dir = testDir([path.join(secret, "shadow"), path.relative(os.tmpdir(), path.join(secret, "shadow")).replace(/^/, "../"), "link-to-shadow"]);
    fs.symlinkSync(path.join(secret, "shadow"), path.join(dir, "link-to-shadow"));
    const { results } = await runRuleTests([dir], { userRules: false });
    assert.equal(results.length, 3);
    for (const r of results) {
      assert.equal(r.ok, false);
      assert.match(r.problems.join("\n"), /outside the test file's directory and the package's samples\/ folder: refused/);
      assert.doesNotMatch(JSON.stringify(r), /very-secret-hash/);
    }
    fs.rmSync(dir, { recursive: true });
    fs.rmSync(secret, { recursive: true });
  });
  it("takes files beside the test file and in samples/", async () => {
    const dir = testDir(["dump.txt", "samples/linux/close-wait-leak/ss-tan.txt"]);
    fs.copyFileSync(path.join(ROOT, "samples/linux/close-wait-leak/ss-tan.txt"), path.join(dir, "dump.txt"));
    const { results, errors } = await runRuleTests([dir], { userRules: false });
    assert.deepEqual(errors, []);
    assert.deepEqual(results.map((r) => [r.ok, r.problems]), [[true, []], [true, []]]);
    fs.rmSync(dir, { recursive: true });
  });
  it("refuses what is not a regular file (a FIFO would hang the run)", { skip: process.platform === "win32" ? "no FIFOs" : false }, async () => {
    const dir = testDir([]);
    fs.mkdirSync(path.join(dir, "sub"));
    const r = resolveInput("sub", path.join(dir, "close-wait-leak.test.yaml"));
    assert.match("problem" in r ? r.problem : "", /not a regular file/);
    fs.rmSync(dir, { recursive: true });
  });
  it("a rule without a test file is a failed case, not silence", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-notest-"));
    fs.copyFileSync(path.join(USER, "ignore-health-checks.yaml"), path.join(dir, "ignore-health-checks.yaml"));
    const { results } = await runRuleTests([dir], { userRules: false });
    assert.deepEqual(results.map((r) => [r.ok, r.name]), [[false, "(no test file)"]]);
    fs.rmSync(dir, { recursive: true });
  });
});
