/**
 * `tcpdoc rules test`: runs the cases kept beside each rule
 * (`<id>.test.yaml`): inputs, answers, and what the rule must do. Test
 * files may come from strangers: an input must be a regular file inside the
 * test file's directory or the package's samples/ folder, and a failure
 * never prints what an input holds. Fleet rules' cases run in
 * ./fleet_tests.ts.
 */

import * as path from "node:path";
import {
  Diagnoser,
  loadRules,
  readConditionsFile,
  readRuleFile,
  readTestFile,
  type Rule,
  RuleFileError,
  summarizeMoment,
} from "../engine/mod.ts";
import { readSeries } from "../sources/mod.ts";
import { type Finding, type Severity, severityRank } from "../model/finding.ts";
import { builtinRulesDir, type RuleFlags, ruleFiles, ruleLoadOptions } from "../sources/rule_files.ts";
import { inert } from "../text/inert.ts";
import { type CaseResult, compare, resolveInput, testFileFor } from "./cases.ts";
import { expandRulePaths, inDir } from "./paths.ts";

export { type CaseResult, compare, resolveInput, testFileFor };

interface TestCase {
  name: string;
  inputs: string[];
  answers?: Record<string, unknown>;
  expect: {
    fires: boolean;
    severity?: Severity;
    max_severity?: Severity;
    partial?: boolean;
    evidence?: Record<string, unknown>;
    group_keys?: string[];
    missing?: string[];
  };
}

/** Checks a finding (or its absence) against a case's expectations. */
export function checkExpectations(f: Finding | undefined, e: TestCase["expect"]): string[] {
  const problems: string[] = [];
  if (e.fires && !f) problems.push("expected the rule to fire; it raised nothing");
  if (!e.fires && f && e.max_severity === undefined) problems.push(`expected no finding; it raised ${f.severity}`);
  if (e.max_severity && f && severityRank(f.severity) > severityRank(e.max_severity)) {
    problems.push(`expected at most ${e.max_severity}; it raised ${f.severity}`);
  }
  if (!f) return problems;
  if (e.severity && f.severity !== e.severity) problems.push(`severity ${f.severity}, expected ${e.severity}`);
  if (e.partial !== undefined && Boolean(f.partial) !== e.partial) problems.push(`partial is ${Boolean(f.partial)}, expected ${e.partial}`);
  for (const [k, want] of Object.entries(e.evidence ?? {})) {
    if (!Object.hasOwn(f.evidence.figures, k)) {
      problems.push(`evidence figure "${k}" is not defined by the rule`);
      continue;
    }
    const p = compare(f.evidence.figures[k], want);
    if (p) problems.push(`evidence ${k}: ${p}`);
  }
  for (const key of e.group_keys ?? []) {
    if (!f.evidence.groups.some((g) => g.key === key)) {
      problems.push(`no evidence group "${key}" (groups: ${f.evidence.groups.map((g) => g.key).join(", ") || "none"})`);
    }
  }
  for (const m of e.missing ?? []) {
    if (!f.missing.some((x) => x.includes(m))) problems.push(`missing list lacks "${m}" (it has: ${f.missing.join("; ") || "nothing"})`);
  }
  return problems.map(inert);
}

/** Runs one case of one rule. */
export async function runCase(rule: Rule, conditions: Map<string, Record<string, unknown>>, c: TestCase, testFile: string): Promise<CaseResult> {
  const res: CaseResult = { rule: rule.id, file: testFile, name: c.name, ok: false, problems: [] };
  const paths: string[] = [];
  for (const p of c.inputs) {
    const r = resolveInput(p, testFile);
    if ("problem" in r) res.problems.push(r.problem);
    else paths.push(r.file);
  }
  if (res.problems.length) return res;
  let findings: Finding[];
  try {
    // A case's inputs may be a series (a recording, a pasted loop): read as analyze reads them.
    const snap = readSeries(paths, summarizeMoment);
    const d = new Diagnoser(snap, { rules: [rule], conditions, errors: [], replaced: new Map() });
    findings = await d.run(c.answers ?? {});
  } catch (e) {
    // the message may quote an input's lines: name the kind of error only
    const code = (e as { code?: unknown }).code;
    res.problems.push(`could not evaluate: ${(e as Error).name ?? "error"}${typeof code === "string" ? ` (${inert(code)})` : ""}`);
    return res;
  }
  res.finding = findings.find((f) => f.rule === rule.id);
  res.problems.push(...checkExpectations(res.finding, c.expect));
  res.ok = res.problems.length === 0;
  return res;
}

/**
 * Runs the test cases of the rules in `paths` (rule files or directories;
 * the built-in rules when empty). Rules that cannot be loaded or test files
 * that are invalid come back in `errors`; a rule without a test file is a
 * failed case.
 */
export async function runRuleTests(paths: readonly string[], o: RuleFlags = {}): Promise<{ results: CaseResult[]; errors: RuleFileError[] }> {
  const base = await loadRules(ruleLoadOptions({ ...o, disabled: [] }));
  const conditions = new Map(base.conditions);
  const ruleFilesGiven: string[] = [];
  const fleetFilesGiven: string[] = [];
  const builtin = builtinRulesDir();
  const { entries, errors } = expandRulePaths(paths.length ? paths : [builtin]);
  for (const e of entries) {
    if (e.kind === "conditions") {
      const r = await readConditionsFile(e.file, new Set(conditions.keys()), ruleFiles);
      errors.push(...r.errors);
      for (const [k, v] of r.conditions) conditions.set(k, v);
    } else if (e.kind === "rule") ruleFilesGiven.push(e.file);
    else if (e.kind === "fleet-rule") fleetFilesGiven.push(e.file);
    // a test file named by itself stands for its rule; those in a directory come with their rules
    else if (!e.inDir) (e.kind === "fleet-test" ? fleetFilesGiven : ruleFilesGiven).push(e.file.replace(/\.test\.(ya?ml)$/, ".$1"));
  }
  const results: CaseResult[] = [];
  for (const file of ruleFilesGiven) {
    const isBuiltin = inDir(file, builtin);
    const r = await readRuleFile(file, { conditionNames: new Set(conditions.keys()), builtin: isBuiltin }, isBuiltin ? "built-in" : "rules-dir", ruleFiles);
    if (!r.rule) {
      errors.push(...r.errors);
      continue;
    }
    const tf = testFileFor(file);
    if (!tf) {
      results.push({ rule: r.rule.id, file, name: "(no test file)", ok: false, problems: [`no test file: write ${path.basename(file).replace(/\.ya?ml$/, ".test.yaml")} beside the rule`] });
      continue;
    }
    const t = await readTestFile(tf, ruleFiles);
    if (!t.value) {
      errors.push(...t.errors);
      continue;
    }
    for (const c of (t.value as unknown as { cases: TestCase[] }).cases) results.push(await runCase(r.rule, conditions, c, tf));
  }
  if (fleetFilesGiven.length) {
    const { runFleetRuleTests } = await import("./fleet_tests.ts");
    const f = await runFleetRuleTests(fleetFilesGiven, base);
    results.push(...f.results);
    errors.push(...f.errors);
  }
  return { results, errors };
}
