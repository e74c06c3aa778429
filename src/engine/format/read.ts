/**
 * Reading rule files: a file's text through the injected file access, its
 * YAML under limits, its validation; the rule, the named conditions or the
 * test cases it holds. Loaded on demand by load.ts with the yaml package.
 */

import { type Conditions, type Rule, RuleFileError, type RuleFiles, type RuleOrigin } from "../rule.ts";
import { MAX_RULE_FILE_BYTES } from "./spec.ts";
import { validateConditions, type ValidateContext, validatePlain, validateRule, validateTest } from "./validate.ts";
import { type LineIndex, parseYaml, type YamlLib } from "./yaml.ts";

export type { ValidateContext };

/** A file's text, or the positioned error saying why it cannot be read. */
export function readText(file: string, files: RuleFiles): { text: string } | { error: RuleFileError } {
  const r = files.read(file, MAX_RULE_FILE_BYTES);
  if ("text" in r) return r;
  const hint = r.code === "too-big" ? "a rule file is a page of YAML; split it" : r.code === "not-regular" ? "rule and test files must be regular files" : undefined;
  return { error: new RuleFileError(r.code, file, 1, 1, r.error, hint) };
}

/** Validates a rule file's text; returns the rule when it has no error. */
export function parseRule(text: string, file: string, ctx: ValidateContext, origin: RuleOrigin, lib: YamlLib): { rule?: Rule; errors: RuleFileError[] } {
  const parsed = parseYaml(text, file, lib);
  if (parsed.errors.length || !parsed.tree) return { errors: parsed.errors };
  const { value, errors } = validateRule(parsed, file, ctx);
  if (!value) return { errors };
  return { rule: { ...(value as unknown as Omit<Rule, "source" | "origin">), source: file, origin }, errors: [] };
}

/** Reads and validates one rule file. */
export function readRuleFile(file: string, ctx: ValidateContext, origin: RuleOrigin, files: RuleFiles, lib: YamlLib): { rule?: Rule; errors: RuleFileError[] } {
  const r = readText(file, files);
  if ("error" in r) return { errors: [r.error] };
  return parseRule(r.text, file, ctx, origin, lib);
}

/** Reads a named-conditions file; names defined there see each other and `knownNames`. */
export function readConditionsFile(file: string, knownNames: ReadonlySet<string>, files: RuleFiles, lib: YamlLib): { conditions: Map<string, Conditions>; errors: RuleFileError[] } {
  const r = readText(file, files);
  if ("error" in r) return { conditions: new Map(), errors: [r.error] };
  const parsed = parseYaml(r.text, file, lib);
  if (parsed.errors.length || !parsed.tree) return { conditions: new Map(), errors: parsed.errors };
  return validateConditions(parsed, file, knownNames);
}

/** Reads and validates a rule test file; returns its content when it has no error. */
export function readTestFile(file: string, files: RuleFiles, lib: YamlLib): { value?: Record<string, unknown>; errors: RuleFileError[] } {
  const r = readText(file, files);
  if ("error" in r) return { errors: [r.error] };
  const parsed = parseYaml(r.text, file, lib);
  if (parsed.errors.length || !parsed.tree) return { errors: parsed.errors };
  return validateTest(parsed, file);
}


/**
 * Reads a rule-format file whose shape another module checks (fleet rules
 * and their tests): bounded and regular as every rule file, plain YAML
 * under the same limits, and the text checks every rule file gets. Its
 * plain value, and where each line starts for positions.
 */
export function readPlainFile(file: string, files: RuleFiles, lib: YamlLib, what: string): { value?: Record<string, unknown>; lines?: LineIndex; text?: string; errors: RuleFileError[] } {
  const r = readText(file, files);
  if ("error" in r) return { errors: [r.error] };
  const parsed = parseYaml(r.text, file, lib);
  if (parsed.errors.length || !parsed.tree) return { errors: parsed.errors };
  const v = validatePlain(parsed, file, what);
  return v.value ? { value: v.value, lines: parsed.lines, text: r.text, errors: [] } : { errors: v.errors };
}
