/**
 * Compiled rules: a rule directory validated at build time and kept as
 * data (the built-in rules in the bundle), so the installed command starts
 * without parsing YAML. Each file's fingerprint (RuleFiles.fingerprint) is
 * kept too: a directory changed since (an edited installation) is read as
 * YAML again.
 */

import { COMPILED_BUILTIN_RULES } from "../builtin_rules.ts";
import type { Conditions, Rule, RuleFiles } from "../rule.ts";
import { MAX_RULE_FILE_BYTES } from "./spec.ts";

/** A rule directory as data: named conditions and valid rules in load order, and the files they came from. */
export interface CompiledRuleDir {
  files: { name: string; hash: string }[];
  conditions: [string, Conditions][];
  rules: { file: string; rule: Omit<Rule, "source" | "origin"> }[];
}

/** Is this file name a rule (not a test, not named conditions)? */
export function isRuleFileName(name: string): boolean {
  return /\.ya?ml$/.test(name) && !name.startsWith("_") && !/\.test\.ya?ml$/.test(name);
}

/** Is this file name a named-conditions file? */
export function isConditionsFileName(name: string): boolean {
  return /^_conditions\.ya?ml$/.test(name);
}

/** Is this file name a rule test file? */
export function isTestFileName(name: string): boolean {
  return /\.test\.ya?ml$/.test(name);
}

/** The files a compiled directory depends on: rule files and the named-conditions file, sorted. */
export function compiledInputs(names: readonly string[]): string[] {
  return names.filter((n) => isRuleFileName(n) || isConditionsFileName(n)).sort();
}

/** The compiled built-in rules (fresh objects each call), when the bundle carries them and `dir` still matches. */
export function compiledBuiltin(dir: string, files: RuleFiles): CompiledRuleDir | undefined {
  if (COMPILED_BUILTIN_RULES === undefined) return undefined;
  const c = JSON.parse(COMPILED_BUILTIN_RULES) as CompiledRuleDir;
  const listed = files.list(dir);
  if (!("names" in listed)) return undefined;
  const names = compiledInputs(listed.names);
  if (names.length !== c.files.length || names.some((n, i) => n !== c.files[i].name)) return undefined;
  for (let i = 0; i < names.length; i++) {
    const r = files.read(files.join(dir, names[i]), MAX_RULE_FILE_BYTES);
    if (!("text" in r) || files.fingerprint(r.text) !== c.files[i].hash) return undefined;
  }
  return c;
}
