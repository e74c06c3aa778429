// The rule commands as users run them: sources under Node and Deno, and the esbuild bundle.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";

/** Node, also when the tests run under Deno. */
const NODE = "Deno" in globalThis ? "node" : process.execPath;
const ROOT = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");
const INVALID = path.join(ROOT, "test", "fixtures", "rules-invalid");
const USER = path.join(ROOT, "test", "fixtures", "rules-user");
const DENO = path.join(ROOT, "node_modules", ".bin", "deno");
const REQUIRED = ["close-wait-leak", "time-wait-port-exhaustion", "syn-flood", "accept-queue-overflow"];

function cli(runtime: "node-src" | "deno" | "bundle", args: string[]) {
  const env = { ...process.env, NO_COLOR: "1", XDG_CONFIG_HOME: path.join(os.tmpdir(), "tcpdoc-no-user-rules") };
  if (runtime === "deno") return spawnSync(DENO, ["run", "-A", path.join(ROOT, "src/cli/entry.ts"), ...args], { cwd: ROOT, encoding: "utf8", env });
  if (runtime === "bundle") return spawnSync(NODE, [path.join(ROOT, "bin/tcpdoc.js"), ...args], { cwd: ROOT, encoding: "utf8", env });
  return spawnSync(NODE, ["--import", "tsx", path.join(ROOT, "src/cli/entry.ts"), ...args], { cwd: ROOT, encoding: "utf8", env });
}

const newest = (dir: string): number => Math.max(...fs.readdirSync(dir, { withFileTypes: true }).map((d) => d.isDirectory() ? newest(path.join(dir, d.name)) : fs.statSync(path.join(dir, d.name)).mtimeMs));
const bundleBuilt = fs.existsSync(path.join(ROOT, "dist", "tcpdoc.js")) &&
  fs.statSync(path.join(ROOT, "dist", "tcpdoc.js")).mtimeMs >= newest(path.join(ROOT, "src", "engine"));

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
  it("analyze --json carries the findings (from the sources)", () => {
    const r = cli("node-src", ["analyze", "--json", "--no-user-rules", ...["ss-tan.txt", "nstat.txt"].map((f) => path.join(ROOT, "samples/linux/accept-queue-overflow", f))]);
    assert.equal(r.status, 1, r.stderr);
    const out = JSON.parse(r.stdout) as { findings: { rule: string; severity: string; message: string; checks: unknown[]; fixes: unknown[]; references: unknown[] }[] };
    const f = out.findings.find((x) => x.rule === "accept-queue-overflow")!;
    assert.equal(f.severity, "critical");
    assert.ok(f.message.includes("127.0.0.1:8080"));
    assert.ok(f.checks.length && f.fixes.length && f.references.length);
  });
  it("rules new ID DIR writes a rule and its test that validate, pass, load, and are never overwritten", () => {
    const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "tcpdoc-rules-new-")), "team");
    try {
      const made = cli("node-src", ["rules", "new", "team-close-wait", dir]);
      assert.equal(made.status, 0, made.stderr);
      assert.ok(fs.existsSync(path.join(dir, "team-close-wait.yaml")) && fs.existsSync(path.join(dir, "team-close-wait.test.yaml")));
      const v = cli("node-src", ["rules", "validate", "--json", dir]);
      assert.equal(v.status, 0, v.stdout);
      assert.deepEqual(JSON.parse(v.stdout), { files: 2, rules: 1, errors: [] });
      const t = cli("node-src", ["rules", "test", dir]);
      assert.equal(t.status, 0, t.stdout);
      assert.match(t.stdout, /rules test: 2 passed, 0 failed/);
      const a = cli("node-src", ["analyze", "--json", "--rules", dir, "samples/linux/close-wait-leak/ss-tan.txt"]);
      assert.ok(JSON.parse(a.stdout).findings.some((f: { rule: string }) => f.rule === "team-close-wait"));
      const before = fs.readFileSync(path.join(dir, "team-close-wait.yaml"), "utf8");
      fs.writeFileSync(path.join(dir, "team-close-wait.yaml"), before + "# edited\n");
      const again = cli("node-src", ["rules", "new", "team-close-wait", dir]);
      assert.equal(again.status, 2);
      assert.match(again.stderr, /exists already/);
      assert.match(fs.readFileSync(path.join(dir, "team-close-wait.yaml"), "utf8"), /# edited\n$/);
      const bad = cli("node-src", ["rules", "new", "Team_Rule", dir]);
      assert.equal(bad.status, 2);
      assert.equal(bad.stderr.trim().split("\n").length, 1, bad.stderr);
    } finally {
      fs.rmSync(path.dirname(dir), { recursive: true, force: true });
    }
  });
  it("explain RULE-ID FILE says why the rule fires or not, condition by condition", () => {
    const quiet = cli("node-src", ["explain", "close-wait-leak", "samples/linux/healthy/ss-tan.txt"]);
    assert.equal(quiet.status, 0, quiet.stderr);
    assert.match(quiet.stdout, /^close-wait-leak does not fire$/m);
    assert.match(quiet.stdout, /^ +no +CLOSE_WAIT sockets >= 2: 0 +<- blocked here$/m);
    const fires = cli("node-src", ["explain", "close-wait-leak", "samples/linux/close-wait-leak/ss-tan.txt", "--json"]);
    const t = JSON.parse(fires.stdout);
    assert.equal(t.fires, true);
    type Node = { kind: string; truth: string; leaf?: { path?: string; factResult: unknown }; children: Node[] };
    const leaves = (n: Node): Node[] => (n.kind === "leaf" ? [n] : n.children.flatMap(leaves));
    assert.ok(leaves(t.tree).some((n) => n.leaf?.path === "$.CLOSE_WAIT" && n.leaf.factResult === 300 && n.truth === "true"));
    const unread = cli("node-src", ["explain", "close-wait-leak", "no-such-file.txt"]);
    assert.equal(unread.status, 2);
    assert.equal(unread.stderr.trim().split("\n").length, 1, unread.stderr);
  });
});
