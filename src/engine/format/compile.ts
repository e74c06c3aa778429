/**
 * The build-time compiler: a directory of built-in rules validated as the
 * loader validates it, turned into data for the bundle (compiled.ts).
 */

import { PassBudget } from "../cost.ts";
import { conditionCycles } from "../language/conditions.ts";
import { relationProblems } from "../relations.ts";
import type { Rule } from "../rule.ts";
import { baseName, type Conditions, RuleFileError, type RuleFiles } from "../rule.ts";
import { type CompiledRuleDir, compiledInputs, isRuleFileName, textFingerprint } from "./compiled.ts";
import type * as Read from "./read.ts";
import { MAX_RULE_FILE_BYTES } from "./spec.ts";
import type { YamlLib } from "./yaml.ts";

/** Compiles `dir`; throws listing every problem. */
export function compile(dir: string, files: RuleFiles, read: typeof Read, lib: YamlLib): CompiledRuleDir {
  const errors: RuleFileError[] = [];
  const listed = files.list(dir);
  if (!("names" in listed)) throw new Error(`built-in rules: cannot read ${dir}: ${listed.error}`);
  const conditions = new Map<string, Conditions>();
  const cond = ["_conditions.yaml", "_conditions.yml"].find((n) => listed.names.includes(n));
  const cf = cond ? files.join(dir, cond) : undefined;
  if (cf) {
    const r = read.readConditionsFile(cf, new Set(), files, lib);
    errors.push(...r.errors);
    for (const [k, v] of r.conditions) conditions.set(k, v);
  }
  for (const cyc of conditionCycles(conditions)) {
    errors.push(new RuleFileError("condition-cycle", cf ?? "_conditions.yaml", 1, 1, `Named conditions refer to each other in a circle: ${cyc.join(" -> ")}`, "break the circle"));
  }
  const names = new Set(conditions.keys());
  const rules: CompiledRuleDir["rules"] = [];
  const ids = new Set<string>();
  const budget = new PassBudget();
  for (const name of listed.names.filter(isRuleFileName).sort()) {
    const file = files.join(dir, name);
    const r = read.readRuleFile(file, { conditionNames: names, builtin: true }, "built-in", files, lib);
    errors.push(...r.errors);
    if (!r.rule) continue;
    if (ids.has(r.rule.id)) errors.push(new RuleFileError("duplicate-id", file, 1, 1, `Duplicate rule id "${r.rule.id}"`));
    ids.add(r.rule.id);
    const { source: _s, origin: _o, ...rule } = r.rule;
    rules.push({ file: baseName(file), rule });
    if (!budget.add(r.rule, conditions).added) errors.push(new RuleFileError("too-many-facts", file, 1, 1, `The built-in rules need more than ${budget.limit} distinct passes over the socket table`));
  }
  const loaded: Rule[] = rules.map(({ file, rule }) => ({ ...rule, source: files.join(dir, file), origin: "built-in" }));
  errors.push(...relationProblems(loaded));
  if (errors.length) throw new Error(`built-in rules do not validate:\n${errors.map((e) => e.format()).join("\n")}`);
  const hashes = compiledInputs(listed.names).map((name) => {
    const r = files.read(files.join(dir, name), MAX_RULE_FILE_BYTES);
    if (!("text" in r)) throw new Error(`built-in rules: cannot read ${name}: ${r.error}`);
    return { name, hash: textFingerprint(r.text) };
  });
  return { files: hashes, conditions: [...conditions], rules };
}
