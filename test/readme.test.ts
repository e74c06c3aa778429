// The README is the front door: it must name every command, option, format
// and built-in rule, and keep the two set-up commands.
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as path from "node:path";
import { COMMANDS, OPTIONS } from "../src/cli/options.ts";
import { FORMATS } from "../src/ingest/registry.ts";

const ROOT = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");

describe("README.md", () => {
  it("gives the two set-up commands", () => {
    assert.match(README, /npm install && npm start -- analyze samples\/\S+/);
    assert.match(README, /npm install && npm test/);
  });
  it("names every command and option", () => {
    for (const c of COMMANDS) assert.ok(README.includes(`tcpdoc ${c.name}`), c.name);
    for (const o of OPTIONS) assert.ok(README.includes(`--${o.name}`), o.name);
  });
  it("names every input format", () => {
    for (const f of FORMATS) assert.ok(README.includes(`\`${f.format}\``), f.format);
  });
  it("lists every built-in rule", () => {
    const ids = fs.readdirSync(path.join(ROOT, "rules"))
      .filter((f) => f.endsWith(".yaml") && !f.endsWith(".test.yaml") && !f.startsWith("_"))
      .map((f) => f.slice(0, -5));
    assert.ok(ids.length >= 18);
    for (const id of ids) assert.ok(README.includes(`\`${id}\``), id);
  });
  it("shows the sample it runs, and that sample exists", () => {
    const m = /npm start -- analyze (samples\/\S+)/.exec(README)!;
    assert.ok(fs.existsSync(path.join(ROOT, m[1])), m[1]);
  });
});

describe("README.md example", () => {
  it("is the real output of the command it shows", async () => {
    const { spawnSync } = await import("node:child_process");
    const m = /```text\n\$ tcpdoc (analyze [^\n]+)\n([\s\S]*?)```/.exec(README);
    assert.ok(m, "no example block");
    const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "tcpdoc.js"), ...m[1].split(" ")], {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, NO_COLOR: "1" },
    });
    assert.equal(r.stdout, m[2]);
  });
});
