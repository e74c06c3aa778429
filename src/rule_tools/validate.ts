/** `tcpdoc rules validate`: every problem of the rule files given (fleet rules included), as file:line:column. */

import {
  idPosition,
  loadRules,
  readConditionsFile,
  readRuleFile,
  readTestFile,
  RuleFileError,
} from "../engine/mod.ts";
import * as path from "node:path";
import { FLEET_DIR, readFleetRule, readFleetTest } from "../fleet/rules.ts";
import { builtinRulesDir, type RuleFlags, ruleFiles, ruleLoadOptions } from "../sources/rule_files.ts";
import { expandRulePaths, inDir } from "./paths.ts";

/** Validates rule, named-condition, test and fleet rule files, and directories of them. */
export async function validatePaths(paths: readonly string[], o: RuleFlags = {}): Promise<{ errors: RuleFileError[]; files: number; rules: number }> {
  const builtin = builtinRulesDir();
  const fleetBuiltin = path.join(builtin, FLEET_DIR);
  // named conditions visible: the loaded set's plus those beside the files given
  const base = await loadRules(ruleLoadOptions({ ...o, disabled: [] }));
  const names = new Set(base.conditions.keys());
  const { entries, errors } = expandRulePaths(paths);
  const files = entries.filter((e) => e.kind !== "conditions");
  const condFiles = entries.filter((e) => e.kind === "conditions").map((e) => e.file);
  for (const cf of condFiles) {
    const r = await readConditionsFile(cf, names, ruleFiles);
    errors.push(...r.errors);
    for (const k of r.conditions.keys()) names.add(k);
  }
  const ids = new Map<string, string>();
  const fleetIds = new Map<string, string>();
  let rules = 0;
  for (const { file: f, kind } of files) {
    if (kind === "test") {
      errors.push(...(await readTestFile(f, ruleFiles)).errors);
      continue;
    }
    if (kind === "fleet-test") {
      errors.push(...(await readFleetTest(f, ruleFiles)).errors);
      continue;
    }
    if (kind === "fleet-rule") {
      const r = await readFleetRule(f, ruleFiles, inDir(f, fleetBuiltin) ? "built-in" : "rules-dir");
      errors.push(...r.errors);
      if (!r.rule) continue;
      rules++;
      const prev = fleetIds.get(r.rule.id);
      if (prev && path.dirname(prev) === path.dirname(f)) {
        const p = idPosition(f, ruleFiles);
        errors.push(new RuleFileError("duplicate-id", f, p.line, p.column, `Duplicate fleet rule id "${r.rule.id}" (also in ${prev})`, "give each fleet rule its own id; a user fleet rule replaces a built-in from its own directory"));
      } else fleetIds.set(r.rule.id, f);
      continue;
    }
    const isBuiltin = inDir(f, builtin);
    const r = await readRuleFile(f, { conditionNames: names, builtin: isBuiltin }, isBuiltin ? "built-in" : "rules-dir", ruleFiles);
    errors.push(...r.errors);
    if (r.rule) {
      rules++;
      const prev = ids.get(r.rule.id);
      if (prev) {
        const p = idPosition(f, ruleFiles);
        errors.push(new RuleFileError("duplicate-id", f, p.line, p.column, `Duplicate rule id "${r.rule.id}" (also in ${prev})`, "give each rule its own id; a user rule replaces a built-in from its own directory"));
      } else ids.set(r.rule.id, f);
    }
  }
  return { errors, files: files.length + condFiles.length, rules };
}
