/**
 * What rule tests and fleet rule tests share: a case's result, the test
 * file beside a rule, where a case's input may be (inside the test file's
 * directory or the package's samples/, links followed), and how a figure
 * is compared with what a case expects.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import type { Finding } from "../model/finding.ts";
import { packageRoot, samplesDir } from "../sources/rule_files.ts";
import { inert } from "../text/inert.ts";

/** One test case's result. */
export interface CaseResult {
  rule: string;
  /** The test file. */
  file: string;
  name: string;
  ok: boolean;
  /** Why it failed. */
  problems: string[];
  /** The finding the rule raised, if any. */
  finding?: Finding;
}

/** The test file beside a rule file, if any. */
export function testFileFor(ruleFile: string): string | undefined {
  const base = ruleFile.replace(/\.ya?ml$/, "");
  for (const ext of [".test.yaml", ".test.yml"]) if (fs.existsSync(base + ext)) return base + ext;
  return undefined;
}

function realOrUndefined(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}

function inside(file: string, dir: string | undefined): boolean {
  if (!dir) return false;
  const rel = path.relative(dir, file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

/**
 * Where a case's input is: beside the test file, else under the package
 * root (`samples/...`), and in either case inside the test file's
 * directory or samples/ once symbolic links are followed, and a regular
 * file (or, with `directory`, a directory: a fleet). A one-line problem
 * otherwise (quoting the path as written, never what the file holds).
 */
export function resolveInput(p: string, testFile: string, o: { directory?: boolean } = {}): { file: string } | { problem: string } {
  const dir = realOrUndefined(path.dirname(testFile));
  const samples = realOrUndefined(samplesDir());
  const shown = JSON.stringify(inert(p));
  const candidates = path.isAbsolute(p) ? [p] : [path.resolve(path.dirname(testFile), p), path.resolve(packageRoot(), p)];
  const found = candidates.map(realOrUndefined).find((r) => r !== undefined);
  if (!found) return { problem: `input ${shown} not found (inputs are relative to the test file's directory, or samples/...)` };
  if (!inside(found, dir) && !inside(found, samples)) {
    return { problem: `input ${shown} is outside the test file's directory and the package's samples/ folder: refused` };
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(found);
  } catch {
    return { problem: `input ${shown} cannot be read` };
  }
  if (!st.isFile() && !(o.directory && st.isDirectory())) return { problem: `input ${shown} is not a regular file${o.directory ? " or a directory" : ""}` };
  return { file: found };
}

/** Why a figure is not what a case expects (a value, or { gte, lte, gt, lt, equal }), or undefined. */
export function compare(actual: unknown, want: unknown): string | undefined {
  if (want !== null && typeof want === "object" && !Array.isArray(want)) {
    const w = want as Record<string, unknown>;
    const n = typeof actual === "number" ? actual : NaN;
    for (const [op, v] of Object.entries(w)) {
      const x = Number(v);
      const ok = op === "gte" ? n >= x : op === "lte" ? n <= x : op === "gt" ? n > x : op === "lt" ? n < x : op === "equal" ? actual === v : false;
      if (!ok) return `${JSON.stringify(actual)} is not ${op} ${JSON.stringify(v)}`;
    }
    return undefined;
  }
  if (typeof want === "number" || typeof actual === "number") return Number(actual) === Number(want) ? undefined : `${JSON.stringify(actual)}, expected ${JSON.stringify(want)}`;
  return String(actual) === String(want) ? undefined : `${JSON.stringify(actual)}, expected ${JSON.stringify(want)}`;
}

