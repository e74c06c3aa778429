/**
 * Compiled rules: a rule directory validated at build time and kept as
 * data (the built-in rules in the bundle), so the installed command starts
 * without parsing YAML. Each file's fingerprint ({@link textFingerprint})
 * is kept too: a directory changed since (an edited installation) is read
 * as YAML again.
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

/**
 * A fingerprint of a rule file's text, to notice an edit: its length and two
 * 32-bit multiplicative hashes of its UTF-16 code units. Not a cryptographic
 * digest, and it needs none (whoever can change the installed rules/ can
 * change the bundle beside it); node:crypto's sha1 cost every start some
 * 9 ms to load the module (bench/README.md, session 22).
 */
export function textFingerprint(text: string): string {
  let a = 0x811c9dc5, b = 0x9e3779b9;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x85ebca77);
    b ^= b >>> 13;
  }
  const hex = (x: number) => (x >>> 0).toString(16).padStart(8, "0");
  return `${text.length.toString(16)}-${hex(a)}${hex(b)}`;
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
    if (!("text" in r) || textFingerprint(r.text) !== c.files[i].hash) return undefined;
  }
  return c;
}
