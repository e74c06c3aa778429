// test/_temp.ts: a directory a test makes is gone once its test runner's
// process ends, under Node's runner and Deno's (which emits no "exit").
import { describe, it } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";

const ROOT = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..");
const FIXTURE = "test/fixtures/temp_dir/makes_one.ts";
const runner = "Deno" in globalThis
  ? { name: "deno test", cmd: path.join(ROOT, "node_modules", ".bin", "deno"), args: ["test", "-A", "--no-check", FIXTURE] }
  : { name: "node --test", cmd: process.execPath, args: ["--import", "tsx", "--test", FIXTURE] };

describe("tempDir (test/_temp.ts)", () => {
  it(`leaves nothing behind under ${runner.name}`, () => {
    // without NODE_TEST_CONTEXT, which Node's runner sets and which would send the child's report to this runner
    const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: "1" };
    delete env.NODE_TEST_CONTEXT;
    const r = spawnSync(runner.cmd, runner.args, { cwd: ROOT, encoding: "utf8", env });
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const made = /made (\S+tcpdoc-temp-check-\w+)/.exec(r.stdout)?.[1];
    assert.ok(made, `the fixture printed no directory:\n${r.stdout}`);
    assert.equal(fs.existsSync(made), false, `${made} is still there`);
  });
});
