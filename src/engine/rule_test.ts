/**
 * `tcpdoc rules test`: runs the cases kept beside each rule
 * (`<id>.test.yaml`): inputs, answers, and what the rule must do.
 */

import * as fs from "node:fs";
import * as path from "node:path";
import { readInputs } from "../sources/mod.ts";
import { type Finding, severityRank, type Severity } from "../model/finding.ts";
import { Diagnoser } from "./diagnose.ts";
import {
  expandRulePaths,
  type LoadOptions,
  loadRules,
  packageRoot,
  readConditionsFile,
  readRuleFile,
  readTestFile,
  type Rule,
  RuleFileError,
  builtinRulesDir,
} from "./rule_file.ts";

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

/** The test file beside a rule file, if any. */
export function testFileFor(ruleFile: string): string | undefined {
  const base = ruleFile.replace(/\.ya?ml$/, "");
  for (const ext of [".test.yaml", ".test.yml"]) if (fs.existsSync(base + ext)) return base + ext;
  return undefined;
}

function resolveInput(p: string, testFile: string): string {
  if (path.isAbsolute(p)) return p;
  const beside = path.resolve(path.dirname(testFile), p);
  if (fs.existsSync(beside)) return beside;
  return path.resolve(packageRoot(), p);
}

function compare(actual: unknown, want: unknown): string | undefined {
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

/** Checks a finding (or its absence) against a case's expectations. */
export function checkExpectations(f: Finding | undefined, e: TestCase["expect"]): string[] {
  const problems: string[] = [];
  if (e.fires && !f) problems.push("expected the rule to fire; it raised nothing");
  if (!e.fires && f && e.max_severity === undefined) problems.push(`expected no finding; it raised ${f.severity}: ${f.message.slice(0, 160)}`);
  if (e.max_severity && f && severityRank(f.severity) > severityRank(e.max_severity)) {
    problems.push(`expected at most ${e.max_severity}; it raised ${f.severity}`);
  }
  if (!f) return problems;
  if (e.severity && f.severity !== e.severity) problems.push(`severity ${f.severity}, expected ${e.severity}`);
  if (e.partial !== undefined && Boolean(f.partial) !== e.partial) problems.push(`partial is ${Boolean(f.partial)}, expected ${e.partial}`);
  for (const [k, want] of Object.entries(e.evidence ?? {})) {
    if (!(k in f.evidence.figures)) {
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
  return problems;
}

/** Runs one case of one rule. */
export async function runCase(rule: Rule, conditions: Map<string, Record<string, unknown>>, c: TestCase, testFile: string): Promise<CaseResult> {
  const res: CaseResult = { rule: rule.id, file: testFile, name: c.name, ok: false, problems: [] };
  const paths = c.inputs.map((p) => resolveInput(p, testFile));
  const absent = paths.filter((p) => !fs.existsSync(p));
  if (absent.length) {
    res.problems.push(`input not found: ${absent.join(", ")}`);
    return res;
  }
  let findings: Finding[];
  try {
    const snap = readInputs(paths);
    const d = new Diagnoser(snap, { rules: [rule], conditions, errors: [], replaced: new Map() });
    findings = await d.run(c.answers ?? {});
  } catch (e) {
    res.problems.push(`could not evaluate: ${(e as Error).message.split("\n")[0]}`);
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
 * that are invalid come back in `errors`; a built-in rule without tests is a
 * failed case.
 */
export async function runRuleTests(paths: string[], o: LoadOptions = {}): Promise<{ results: CaseResult[]; errors: RuleFileError[] }> {
  const base = loadRules({ ...o, disabled: [] });
  const conditions = new Map(base.conditions);
  const ruleFiles: string[] = [];
  const builtin = path.resolve(builtinRulesDir());
  const { entries, errors } = expandRulePaths(paths.length ? paths : [builtin]);
  for (const e of entries) {
    if (e.kind === "conditions") {
      const r = readConditionsFile(e.file, new Set(conditions.keys()));
      errors.push(...r.errors);
      for (const [k, v] of r.conditions) conditions.set(k, v);
    } else if (e.kind === "rule") ruleFiles.push(e.file);
    // a test file named by itself stands for its rule; those in a directory come with their rules
    else if (!e.inDir) ruleFiles.push(e.file.replace(/\.test\.(ya?ml)$/, ".$1"));
  }
  const results: CaseResult[] = [];
  for (const file of ruleFiles) {
    const isBuiltin = path.resolve(path.dirname(file)) === builtin;
    const r = readRuleFile(file, { conditionNames: new Set(conditions.keys()), builtin: isBuiltin }, isBuiltin ? "built-in" : "rules-dir");
    if (!r.rule) {
      errors.push(...r.errors);
      continue;
    }
    const tf = testFileFor(file);
    if (!tf) {
      if (isBuiltin) results.push({ rule: r.rule.id, file, name: "(no test file)", ok: false, problems: [`built-in rule has no ${path.basename(file).replace(/\.ya?ml$/, ".test.yaml")}`] });
      continue;
    }
    const t = readTestFile(tf);
    if (t.errors.length) {
      errors.push(...t.errors);
      continue;
    }
    const cases = (t.value as { cases: TestCase[] }).cases;
    for (const c of cases) results.push(await runCase(r.rule, conditions, c, tf));
  }
  return { results, errors };
}
