/** The paths `rules validate` and `rules test` are given, sorted into rule, test, named-condition and fleet rule files. */

import * as fs from "node:fs";
import * as path from "node:path";
import { isConditionsFileName, isRuleFileName, isTestFileName, RuleFileError } from "../engine/mod.ts";
import { FLEET_DIR, fleetRuleFiles } from "../fleet/rules.ts";
import { ruleFiles } from "../sources/rule_files.ts";

/** One file that `rules validate` or `rules test` was given, or found in a directory it was given. */
export interface RulePathEntry {
  file: string;
  /** Fleet rules and their tests are the files of a directory named fleet (a rules directory's fleet/). */
  kind: "rule" | "test" | "conditions" | "fleet-rule" | "fleet-test";
  /** Found in a directory given (not named by itself). */
  inDir: boolean;
}

/** What kind of rule-format file a path is: a fleet rule or test when its directory is named fleet. */
export function kindOf(file: string): RulePathEntry["kind"] {
  const name = path.basename(file);
  if (isFleetDir(path.dirname(file))) return isTestFileName(name) ? "fleet-test" : "fleet-rule";
  return isConditionsFileName(name) ? "conditions" : isTestFileName(name) ? "test" : "rule";
}

function isFleetDir(dir: string): boolean {
  return path.basename(path.resolve(dir)) === FLEET_DIR;
}

/** A fleet directory's rule files, then its test files, sorted. */
function fleetEntries(dir: string, entries: RulePathEntry[], errors: RuleFileError[]): void {
  const found = fleetRuleFiles(dir, ruleFiles);
  if (found.error) errors.push(found.error);
  for (const file of found.rules) entries.push({ file, kind: "fleet-rule", inDir: true });
  for (const file of found.tests) entries.push({ file, kind: "fleet-test", inDir: true });
}

/**
 * Sorts the paths into rule, test and named-condition files, in order: a
 * directory gives its rule files, its _conditions file, its test files and
 * the fleet rules and tests of its fleet/ directory (a directory named
 * fleet gives its fleet rules and tests);
 * a path that does not exist, and a directory that cannot be read, are
 * errors.
 */
export function expandRulePaths(paths: readonly string[]): { entries: RulePathEntry[]; errors: RuleFileError[] } {
  const entries: RulePathEntry[] = [];
  const errors: RuleFileError[] = [];
  for (const p of paths) {
    let st: fs.Stats;
    try {
      st = fs.statSync(p);
    } catch {
      errors.push(new RuleFileError("read", p, 1, 1, "No such file or directory"));
      continue;
    }
    if (!st.isDirectory()) {
      entries.push({ file: p, kind: kindOf(p), inDir: false });
      continue;
    }
    if (isFleetDir(p)) {
      fleetEntries(p, entries, errors);
      continue;
    }
    const listed = ruleFiles.list(p);
    if (!("names" in listed)) {
      errors.push(new RuleFileError("read", p, 1, 1, `Cannot read the rules directory: ${listed.error}`, "check that you may read it"));
      continue;
    }
    const names = [...listed.names].sort();
    for (const n of names) if (isRuleFileName(n)) entries.push({ file: path.join(p, n), kind: "rule", inDir: true });
    const cond = ["_conditions.yaml", "_conditions.yml"].find((n) => names.includes(n));
    if (cond) entries.push({ file: path.join(p, cond), kind: "conditions", inDir: true });
    for (const n of names) if (isTestFileName(n)) entries.push({ file: path.join(p, n), kind: "test", inDir: true });
    // the fleet rules of a rules directory are in its fleet/
    if (names.includes(FLEET_DIR) && ruleFiles.kind(path.join(p, FLEET_DIR)) === "dir") fleetEntries(path.join(p, FLEET_DIR), entries, errors);
  }
  return { entries, errors };
}

/** True when `file` is in the package's built-in rules directory. */
export function inDir(file: string, dir: string): boolean {
  return path.resolve(path.dirname(file)) === path.resolve(dir);
}
