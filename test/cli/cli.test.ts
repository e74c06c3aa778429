// The command line as users run it: the installed command (bin/tcpdoc.js over
// the dist/ bundle, built by `npm test` first) and Deno on the sources.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { FLAG_NAMES, flagName } from "../../src/cli/options.ts";
import { VERSION } from "../../src/cli/version.ts";

const ROOT = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");
const DENO = path.join(ROOT, "node_modules", ".bin", "deno");

function node(args: string[], input?: string) {
  return spawnSync(process.execPath, [path.join(ROOT, "bin", "tcpdoc.js"), ...args], {
    cwd: ROOT,
    input,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
}

function deno(args: string[]) {
  return spawnSync(DENO, ["run", "-A", path.join(ROOT, "src", "cli", "entry.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1" },
  });
}

function oneLineError(stderr: string): void {
  assert.equal(stderr.trim().split("\n").length, 1, `stderr: ${stderr}`);
  assert.doesNotMatch(stderr, /^\s+at /m);
}

describe("tcpdoc --help and --version", () => {
  it("--help lists every option of the option table", () => {
    const r = node(["--help"]);
    assert.equal(r.status, 0);
    for (const k of FLAG_NAMES) assert.match(r.stdout, new RegExp(`--${flagName(k)}\\b`));
  });
  it("--version matches package.json", () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, "package.json"), "utf8"));
    assert.equal(VERSION, pkg.version);
    assert.equal(node(["--version"]).stdout.trim(), `tcpdoc ${pkg.version}`);
  });
});

describe("tcpdoc errors", () => {
  it("rejects an unknown option with exit 2 and one line", () => {
    const r = node(["analyze", "--frobnicate"]);
    assert.equal(r.status, 2);
    oneLineError(r.stderr);
    assert.match(r.stderr, /--frobnicate/);
  });
  it("names a missing file", () => {
    const r = node(["analyze", "does-not-exist.txt"]);
    assert.equal(r.status, 2);
    oneLineError(r.stderr);
    assert.match(r.stderr, /does-not-exist\.txt: no such file/);
  });
  it("names the file and line of input it cannot read at all", () => {
    const r = node(["analyze", "-"], "hello\nworld\n");
    assert.equal(r.status, 2);
    oneLineError(r.stderr);
    assert.match(r.stderr, /^tcpdoc: stdin:1: no socket table/);
  });
  it("rejects a bad --format value", () => {
    const r = node(["analyze", "--format", "xml", "x"]);
    assert.equal(r.status, 2);
    assert.match(r.stderr, /--format" takes one of text, json, markdown/);
  });
});

describe("Node and Deno", () => {
  it("print the same JSON and text reports for the same samples", () => {
    const samples = ["linux", "other", "windows", "macos", "freebsd"]
      .map((d) => path.join("samples", d))
      .filter((d) => fs.existsSync(path.join(ROOT, d)))
      .flatMap((d) => fs.readdirSync(path.join(ROOT, d), { recursive: true }).map((f) => path.join(d, String(f))))
      .filter((f) => /\.(txt|log)$/.test(f) && fs.statSync(path.join(ROOT, f)).isFile())
      .sort()
      .slice(0, 60);
    assert.ok(samples.length > 0);
    for (const format of ["json", "text", "markdown"]) {
      const a = node(["analyze", "--format", format, ...samples]);
      const b = deno(["analyze", "--format", format, ...samples]);
      assert.equal(b.stderr, a.stderr);
      assert.equal(b.status, a.status);
      assert.equal(b.stdout, a.stdout);
    }
  });
});

describe("text report", () => {
  it("fits 80 columns when stdout is not a terminal, for every sample scenario", () => {
    const dirs = fs.readdirSync(path.join(ROOT, "samples", "linux")).map((d) => path.join("samples", "linux", d));
    for (const d of dirs) {
      const files = fs.readdirSync(path.join(ROOT, d)).filter((f) => f.endsWith(".txt") || f.endsWith(".log")).map((f) => path.join(d, f));
      const r = node(["analyze", ...files]);
      assert.ok(r.status === 0 || r.status === 1, `${d}: ${r.stderr}`);
      for (const line of r.stdout.split("\n")) assert.ok([...line].length <= 80, `${d}: ${line.length} columns: ${line}`);
    }
  });
});
