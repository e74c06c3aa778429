// Rule files are read bounded: a FIFO does not hang, /dev/zero (or a link to
// it) fails at once with one line, a file past the limit is refused without
// reading it all, and a rules directory that cannot be read is an error.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { loadRules } from "../../src/engine/mod.ts";
import { readBounded, ruleFiles, ruleLoadOptions } from "../../src/sources/rule_files.ts";

const unix = process.platform !== "win32";
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-rulefiles-"));
const mkfifo = (p: string) => spawnSync("mkfifo", [p]).status === 0;

describe("bounded rule-file reads", () => {
  it("a FIFO is refused at once, not waited on", { skip: unix ? false : "no FIFOs" }, () => {
    const dir = tmp();
    const fifo = path.join(dir, "rule.yaml");
    if (!mkfifo(fifo)) return;
    const start = Date.now();
    const r = readBounded(fifo, 1024);
    assert.ok(Date.now() - start < 1000);
    assert.deepEqual(r, { error: "Cannot read the file: it is a FIFO, not a regular file", code: "not-regular" });
    fs.rmSync(dir, { recursive: true });
  });
  it("/dev/zero, and a link to it, fail promptly with one line", { skip: unix && fs.existsSync("/dev/zero") ? false : "no /dev/zero" }, () => {
    const dir = tmp();
    fs.symlinkSync("/dev/zero", path.join(dir, "zero.yaml"));
    for (const f of ["/dev/zero", path.join(dir, "zero.yaml")]) {
      const start = Date.now();
      const r = readBounded(f, 256 * 1024);
      assert.ok(Date.now() - start < 1000);
      assert.ok("error" in r && r.code === "not-regular" && !r.error.includes("\n"), JSON.stringify(r));
    }
    fs.rmSync(dir, { recursive: true });
  });
  it("a file past the limit is refused; one at the limit is read", () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "big.yaml"), "x".repeat(1025));
    fs.writeFileSync(path.join(dir, "ok.yaml"), "x".repeat(1024));
    assert.equal((readBounded(path.join(dir, "big.yaml"), 1024) as { code: string }).code, "too-big");
    assert.equal((readBounded(path.join(dir, "ok.yaml"), 1024) as { text: string }).text.length, 1024);
    assert.equal((readBounded(dir, 1024) as { code: string }).code, "not-regular");
    assert.equal((readBounded(path.join(dir, "none.yaml"), 1024) as { error: string }).error, "Cannot read the file: no such file or directory");
    fs.rmSync(dir, { recursive: true });
  });
  it("a rules directory holding a FIFO and a link to /dev/zero loads quickly, each reported on one line", { skip: unix ? false : "no FIFOs" }, async () => {
    const dir = tmp();
    if (!mkfifo(path.join(dir, "fifo.yaml"))) return;
    fs.symlinkSync("/dev/zero", path.join(dir, "zero.yaml"));
    const start = Date.now();
    const set = await loadRules(ruleLoadOptions({ ruleDirs: [dir], userRules: false }));
    assert.ok(Date.now() - start < 5000);
    assert.deepEqual(set.errors.map((e) => e.format().replace(dir, "DIR")).sort(), [
      "DIR/fifo.yaml:1:1: Cannot read the file: it is a FIFO, not a regular file (hint: rule and test files must be regular files)",
      "DIR/zero.yaml:1:1: Cannot read the file: it is a device, not a regular file (hint: rule and test files must be regular files)",
    ]);
    fs.rmSync(dir, { recursive: true });
  });
  it("a rules directory that cannot be read is an error", { skip: !unix ? "POSIX modes" : process.getuid?.() === 0 ? "root reads any directory (the engine's side is tested with a stand-in in test/engine/load.test.ts)" : false }, async () => {
    const dir = tmp();
    fs.chmodSync(dir, 0o000);
    const set = await loadRules(ruleLoadOptions({ ruleDirs: [dir], userRules: false }));
    fs.chmodSync(dir, 0o700);
    assert.match(set.errors[0]?.format() ?? "", /Cannot read the rules directory: permission denied/);
    fs.rmSync(dir, { recursive: true });
  });
  it("lists, joins and tells files from directories", () => {
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "a.yaml"), "");
    assert.deepEqual(ruleFiles.list(dir), { names: ["a.yaml"] });
    assert.equal(ruleFiles.kind(dir), "dir");
    assert.equal(ruleFiles.kind(path.join(dir, "a.yaml")), "file");
    assert.equal(ruleFiles.kind(path.join(dir, "none")), "missing");
    assert.deepEqual(ruleFiles.list(path.join(dir, "none")), { error: "no such file or directory" });
    fs.rmSync(dir, { recursive: true });
  });
});
