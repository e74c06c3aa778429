/**
 * Compiled rules: a rule directory validated at build time and kept as
 * data, so tcpdoc starts without parsing YAML: the built-in rules are in
 * the bundle, and for runs of the sources (Deno, tsx) the build leaves them
 * in {@link BUILT_RULES_FILE}. Each file's fingerprint ({@link
 * textFingerprint}) is kept too: a directory changed since (an edited
 * installation) is read as YAML again.
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

/**
 * The build's compiled built-in rules for runs of the sources, relative to
 * the package root (the parent of the built-in rules directory).
 */
export const BUILT_RULES_FILE = "dist/builtin-rules.json";

/**
 * What {@link BUILT_RULES_FILE} holds: the compiled directory and the files
 * that compiled it (package-relative paths and fingerprints: tcpdoc's
 * modules, and each package's package.json for the packages it used).
 */
export interface BuiltRules {
  compiler: [string, string][];
  rules: CompiledRuleDir;
}

/** Bound on the build's file and on each compiler file read to check it (the build fingerprints them under it too). */
export const MAX_BUILT_BYTES = 16 << 20;

/**
 * The build's compiled rules, when the code that would compile them now is
 * the code that did: a source changed since the build (and not built
 * again) has them read as YAML, so they never disagree with the sources.
 */
function builtRules(dir: string, files: RuleFiles): CompiledRuleDir | undefined {
  const root = files.join(dir, "..");
  // checking them reads across the package: not worth a permission prompt for each file
  if (files.readableUnasked?.(root) === false) return undefined;
  const r = files.read(files.join(root, BUILT_RULES_FILE), MAX_BUILT_BYTES);
  if (!("text" in r)) return undefined;
  let built: BuiltRules;
  try {
    built = JSON.parse(r.text) as BuiltRules;
  } catch {
    return undefined;
  }
  if (!Array.isArray(built?.compiler) || !Array.isArray(built.rules?.files)) return undefined;
  for (const entry of built.compiler) {
    if (!Array.isArray(entry) || typeof entry[0] !== "string") return undefined;
    const f = files.read(files.join(root, entry[0]), MAX_BUILT_BYTES);
    if (!("text" in f) || textFingerprint(f.text) !== entry[1]) return undefined;
  }
  return built.rules;
}

/**
 * The compiled built-in rules (fresh objects each call), when the bundle
 * carries them, or the build left them for the sources, and `dir` still
 * matches.
 */
export function compiledBuiltin(dir: string, files: RuleFiles): CompiledRuleDir | undefined {
  const c = COMPILED_BUILTIN_RULES === undefined ? builtRules(dir, files) : JSON.parse(COMPILED_BUILTIN_RULES) as CompiledRuleDir;
  if (c === undefined) return undefined;
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
