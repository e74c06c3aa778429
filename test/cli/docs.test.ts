// What is made from the command table for people and shells: the man page
// (docs/tcpdoc.1, current), and the completion scripts (they complete).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { cliDocs } from "../../src/cli/docs.ts";
import { tempDir } from "../_temp.ts";

const ROOT = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");
const BIN = path.join(ROOT, "bin", "tcpdoc.js");
const NODE = "Deno" in globalThis ? "node" : process.execPath;
const has = (cmd: string) => spawnSync("sh", ["-c", `command -v ${cmd}`]).status === 0;

// `tcpdoc` on PATH for the scripts' rule-id lookups.
const SHIM = tempDir("tcpdoc-completion-");
fs.writeFileSync(path.join(SHIM, "tcpdoc"), `#!/bin/sh\nexec "${NODE}" "${BIN}" "$@"\n`, { mode: 0o755 });
const ENV = { ...process.env, PATH: `${SHIM}:${process.env.PATH}`, XDG_CONFIG_HOME: path.join(SHIM, "config") };

describe("generated documents", () => {
  for (const [rel, text] of Object.entries(cliDocs(fs.readFileSync(path.join(ROOT, "README.md"), "utf8")))) {
    it(`${rel} is up to date (node --import tsx scripts/gen-cli-docs.ts)`, () => {
      assert.ok(fs.readFileSync(path.join(ROOT, rel), "utf8") === text, `${rel} is out of date: node --import tsx scripts/gen-cli-docs.ts`);
    });
  }
  it("the man page renders without warnings", { skip: has("groff") ? false : "no groff here" }, () => {
    const r = spawnSync("groff", ["-man", "-Tutf8", "-ww", path.join(ROOT, "docs", "tcpdoc.1")], { encoding: "utf8" });
    assert.equal(r.status, 0);
    assert.equal(r.stderr, "");
    assert.match(r.stdout, /tcpdoc analyze/);
  });
});

/** What bash's completion offers for the words typed so far (the last one is being completed). */
function bashComplete(words: string[]): string[] {
  const script = [
    'source <(tcpdoc completion bash)',
    `COMP_WORDS=(${words.map((w) => `'${w}'`).join(" ")})`,
    `COMP_CWORD=${words.length - 1}`,
    "_tcpdoc",
    'printf "%s\\n" "${COMPREPLY[@]}"',
  ].join("\n");
  const r = spawnSync("bash", ["-c", script], { cwd: ROOT, encoding: "utf8", env: ENV });
  assert.equal(r.status, 0, r.stderr);
  return r.stdout.split("\n").filter(Boolean);
}

describe("tcpdoc completion bash", () => {
  it("completes commands, subcommands and a command's options only", () => {
    assert.deepEqual(bashComplete(["tcpdoc", "ana"]), ["analyze"]);
    assert.deepEqual(bashComplete(["tcpdoc", "rules", ""]), ["list", "validate", "export", "test", "new"]);
    assert.deepEqual(bashComplete(["tcpdoc", "analyze", "--for"]).sort(), ["--force", "--format"]);
    const snap = bashComplete(["tcpdoc", "snapshot", "--"]);
    assert.ok(snap.includes("--output") && snap.includes("--no-owners"), snap.join(" "));
    assert.ok(!snap.includes("--json"), snap.join(" "));
    assert.deepEqual(bashComplete(["tcpdoc", "completion", ""]), ["bash", "zsh"]);
  });
  it("completes option values, files and rule ids", () => {
    assert.deepEqual(bashComplete(["tcpdoc", "analyze", "--format", ""]), ["text", "json", "markdown"]);
    assert.deepEqual(bashComplete(["tcpdoc", "--min-severity=cr"]), ["--min-severity=critical"]);
    assert.deepEqual(bashComplete(["tcpdoc", "analyze", "samples/linux/close-wait-l"]), ["samples/linux/close-wait-leak"]);
    assert.deepEqual(bashComplete(["tcpdoc", "explain", "CLOSE_"]), ["CLOSE_WAIT"]);
    assert.deepEqual(bashComplete(["tcpdoc", "analyze", "--disable", "close-wait-l"]), ["close-wait-leak"]);
  });
});

describe("tcpdoc completion zsh", { skip: has("zsh") ? false : "no zsh here (.ci/run installs it)" }, () => {
  it("is valid zsh and registers _tcpdoc for tcpdoc", () => {
    const r = spawnSync("zsh", ["-f", "-c", "autoload -U compinit && compinit -u -D && source <(tcpdoc completion zsh) && print -r -- $_comps[tcpdoc]"], {
      cwd: ROOT,
      encoding: "utf8",
      env: ENV,
    });
    assert.equal(r.stderr, "");
    assert.equal(r.stdout.trim(), "_tcpdoc");
    const n = spawnSync("zsh", ["-n"], { input: spawnSync("tcpdoc", ["completion", "zsh"], { env: ENV, encoding: "utf8" }).stdout, encoding: "utf8" });
    assert.equal(n.status, 0, n.stderr);
  });
});
