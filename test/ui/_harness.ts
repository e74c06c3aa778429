// A guided session rendered with ink-testing-library over a real dump and
// the real rules, for the UI tests: keys written as one read each, frames
// read back without colour.
import assert from "node:assert/strict";
import * as path from "node:path";
import { createElement } from "react";
import { render } from "ink-testing-library";
import { readInputs } from "../../src/sources/mod.ts";
import type { Snapshot } from "../../src/model/snapshot.ts";
import { App, type AppProps, type SessionEnd } from "../../src/ui/app.tsx";
import { sessionEngine } from "../../src/ui/engine.ts";
import { ruleLoadOptions } from "../../src/sources/rule_files.ts";

export const ROOT = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");
export const sample = (...p: string[]) => path.join(ROOT, "samples", ...p);
export const tick = (ms = 60) => new Promise((r) => setTimeout(r, ms));

// deno-lint-ignore no-control-regex
const ANSI = /\x1b\[[0-9;?]*[A-Za-z]/g;
export function plain(frame: string | undefined): string {
  return (frame ?? "").replace(ANSI, "");
}

/** A session over `snap` (default: the CLOSE_WAIT leak sample) with the built-in rules. */
export async function realSession(over: Partial<AppProps> & { ruleDirs?: string[] } = {}, size = { columns: 80, rows: 24 }) {
  const snap: Snapshot = over.snap ?? readInputs([sample("linux", "close-wait-leak", "ss-tanp.txt")]);
  const engine = await sessionEngine(ruleLoadOptions({ ruleDirs: over.ruleDirs ?? [], disabled: [], userRules: false }));
  const findings = await engine.diagnose(snap, {});
  const ends: SessionEnd[] = [];
  const { ruleDirs: _r, ...props } = over;
  const r = render(createElement(App, {
    snap,
    findings,
    diagnose: engine.diagnose,
    rules: engine.rules,
    color: false,
    size,
    onQuit: (e: SessionEnd) => void ends.push(e),
    ...props,
  }));
  await tick();
  return { ...r, snap, findings, ...driver(r), ends };
}

/**
 * Drives a rendered app: `frame` reads the last frame without colour,
 * `until` waits up to `ms` for a frame to match, `press` writes each
 * string as one read, with a pause after.
 */
export function driver(r: { lastFrame(): string | undefined; stdin: { write(data: string): unknown } }, ms = 3000) {
  const frame = () => plain(r.lastFrame());
  const until = async (re: RegExp, within = ms): Promise<string> => {
    const end = Date.now() + within;
    while (!re.test(frame())) {
      if (Date.now() > end) assert.fail(`no frame matched ${re}; last frame:\n${frame()}`);
      await tick(20);
    }
    return frame();
  };
  const press = async (...keys: string[]) => {
    for (const k of keys) {
      r.stdin.write(k);
      await tick();
    }
  };
  return { frame, until, press };
}
