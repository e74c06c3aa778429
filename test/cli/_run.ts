// Runs the installed command (bin/tcpdoc.js over the dist/ bundle that
// `npm test` builds first) as a user would, in a clean environment: no
// colour variables, and a config directory of its own (no config file, no
// user rules) unless the test gives one.
import assert from "node:assert/strict";
import { spawnSync, type SpawnSyncReturns } from "node:child_process";
import * as path from "node:path";
import { tempDir } from "../_temp.ts";

export const ROOT = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");
export const BIN = path.join(ROOT, "bin", "tcpdoc.js");
export const SAMPLE = "samples/linux/close-wait-leak/ss-tanp.txt";
/** Node itself, also when the tests run under Deno (whose process.execPath is deno; its spawn of it is translated, a shell's is not). */
export const NODE = "Deno" in globalThis ? "node" : process.execPath;

const CONFIG_HOME = tempDir("tcpdoc-config-home-");

/** The environment tcpdoc runs in: process.env without colour variables, with its own XDG_CONFIG_HOME, plus `extra` (undefined deletes). */
export function env(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const e: Record<string, string | undefined> = { ...process.env, XDG_CONFIG_HOME: CONFIG_HOME, ...extra };
  if (!("FORCE_COLOR" in extra)) delete e.FORCE_COLOR;
  if (!("NO_COLOR" in extra)) delete e.NO_COLOR;
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k];
  return e as Record<string, string>;
}

export interface RunOptions {
  input?: string | Uint8Array;
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** Runs `tcpdoc ARGS...` and returns what it printed and its exit code. */
export function tcpdoc(args: string[], o: RunOptions = {}): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [BIN, ...args], { cwd: o.cwd ?? ROOT, input: o.input, encoding: "utf8", env: env(o.env), maxBuffer: 1 << 28 });
}

/** Asserts a failure is exit code 2 with one line on stderr, no stack trace and no "internal error". */
export function userError(r: SpawnSyncReturns<string>, pattern?: RegExp): void {
  assert.equal(r.status, 2, `exit ${r.status}, stderr: ${r.stderr}`);
  assert.equal(r.stderr.trim().split("\n").length, 1, `stderr: ${r.stderr}`);
  assert.doesNotMatch(r.stderr, /^\s+at /m);
  assert.doesNotMatch(r.stderr, /internal error/);
  if (pattern) assert.match(r.stderr, pattern);
}
