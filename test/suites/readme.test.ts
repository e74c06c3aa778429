// The README is the front door: it must name every command, option, config
// key, format and built-in rule, carry the current command reference, keep
// the two set-up commands, and its commands must print what they claim
// (clean JSON when piped, the example's exact text).
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { COMMANDS } from "../../src/cli/commands.ts";
import { configKeys } from "../../src/cli/config.ts";
import { commandReference } from "../../src/cli/docs.ts";
import { FLAG_NAMES, flagName } from "../../src/cli/options.ts";
import { FORMATS } from "../../src/ingest/registry.ts";

const ROOT = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");
const README = fs.readFileSync(path.join(ROOT, "README.md"), "utf8");
const ENV: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1", XDG_CONFIG_HOME: path.join(ROOT, "test", "fixtures", "no-config-here") };
delete ENV.FORCE_COLOR;

/** The lines of the README's ```sh blocks. */
function shellLines(): string[] {
  return [...README.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1].split("\n")).filter((l) => l.trim() !== "");
}

describe("README.md", () => {
  it("gives the two set-up commands, and runs tcpdoc with npx (no npm banner before the output)", () => {
    assert.match(README, /npm install && npx tcpdoc analyze samples\/\S+/);
    assert.match(README, /npm install && npm test/);
    for (const l of shellLines()) assert.doesNotMatch(l, /npm start --/, `npm start prints its banner first: ${l}`);
  });
  it("carries the current command reference (node --import tsx scripts/gen-cli-docs.ts)", () => {
    assert.ok(README.includes(commandReference()), "README.md's command reference is out of date: node --import tsx scripts/gen-cli-docs.ts");
  });
  it("names every command, option and config key", () => {
    for (const c of COMMANDS) assert.ok(README.includes(`tcpdoc ${c.name}`.trim()), c.name);
    for (const k of FLAG_NAMES) assert.ok(README.includes(`--${flagName(k)}`), k);
    for (const k of configKeys()) assert.ok(README.includes(`\`${k.key}\``), k.key);
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
    const m = /npx tcpdoc analyze (samples\/\S+)/.exec(README)!;
    assert.ok(fs.existsSync(path.join(ROOT, m[1])), m[1]);
  });
});

describe("README.md commands, piped", () => {
  it("the set-up command and the examples print clean JSON with --json", () => {
    const lines = shellLines().filter((l) => l.startsWith("npx tcpdoc analyze") || l.startsWith("npx tcpdoc explain"));
    assert.ok(lines.length >= 4, lines.join("\n"));
    for (const line of lines) {
      const command = line.replace(/\s+#.*$/, "").replace(/ --json\b/, "") + " --json";
      // bash: the README's lines use brace expansion
      const r = spawnSync("bash", ["-c", command], { cwd: ROOT, encoding: "utf8", env: ENV, maxBuffer: 1 << 28 });
      assert.ok(r.status === 0 || r.status === 1, `${command}: exit ${r.status}: ${r.stderr}`);
      assert.doesNotThrow(() => JSON.parse(r.stdout), `${command} does not print JSON alone: ${r.stdout.slice(0, 200)}`);
    }
  });
});

describe("README.md example", () => {
  it("is the real output of the command it shows (each example, the series report too)", () => {
    const ms = [...README.matchAll(/```text\n\$ tcpdoc (analyze [^\n]+)\n([\s\S]*?)```/g)];
    assert.ok(ms.length >= 2, "no example block, or no series example");
    for (const m of ms) {
      const r = spawnSync(process.execPath, [path.join(ROOT, "bin", "tcpdoc.js"), ...m[1].split(" ")], { cwd: ROOT, encoding: "utf8", env: ENV });
      assert.equal(r.stdout, m[2]);
    }
  });
});
