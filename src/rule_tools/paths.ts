/** The paths `rules validate` and `rules test` are given, sorted into rule, test and named-condition files. */

import * as fs from "node:fs";
import * as path from "node:path";
import { isConditionsFileName, isRuleFileName, isTestFileName, RuleFileError } from "../engine/mod.ts";
import { ruleFiles } from "../sources/rule_files.ts";

/** One file that `rules validate` or `rules test` was given, or found in a directory it was given. */
export interface RulePathEntry {
  file: string;
  kind: "rule" | "test" | "conditions";
  /** Found in a directory given (not named by itself). */
  inDir: boolean;
}

/** What kind of rule-format file a name is. */
export function kindOf(name: string): RulePathEntry["kind"] {
  return isConditionsFileName(name) ? "conditions" : isTestFileName(name) ? "test" : "rule";
}

/**
 * Sorts the paths into rule, test and named-condition files, in order: a
 * directory gives its rule files, its _conditions file and its test files;
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
      entries.push({ file: p, kind: kindOf(path.basename(p)), inDir: false });
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
  }
  return { entries, errors };
}

/** True when `file` is in the package's built-in rules directory. */
export function inDir(file: string, dir: string): boolean {
  return path.resolve(path.dirname(file)) === path.resolve(dir);
}
