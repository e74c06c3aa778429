/**
 * `tcpdoc rules test`: runs the cases kept beside each rule
 * (`<id>.test.yaml`): inputs, answers, and what the rule must do. Test
 * files may come from strangers: an input must be a regular file inside the
 * test file's directory or the package's samples/ folder, and a failure
 * never prints what an input holds.
 */

import * as fs from "node:fs";
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
import { builtinRulesDir, packageRoot, type RuleFlags, ruleFiles, ruleLoadOptions, samplesDir } from "../sources/rule_files.ts";
import { inert } from "../text/inert.ts";
import { expandRulePaths, inDir } from "./paths.ts";

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

function realOrUndefined(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}

function inside(file: string, dir: string | undefined): boolean {
  if (!dir) return false;
  const rel = path.relative(dir, file);
  return rel !== "" && !rel.startsWith("..") && !path.isAbsolute(rel);
}

/**
 * Where a case's input is: beside the test file, else under the package
 * root (`samples/...`), and in either case inside the test file's
 * directory or samples/ once symbolic links are followed, and a regular
 * file. A one-line problem otherwise (quoting the path as written, never
 * what the file holds).
 */
export function resolveInput(p: string, testFile: string): { file: string } | { problem: string } {
  const dir = realOrUndefined(path.dirname(testFile));
  const samples = realOrUndefined(samplesDir());
  const shown = JSON.stringify(inert(p));
  const candidates = path.isAbsolute(p) ? [p] : [path.resolve(path.dirname(testFile), p), path.resolve(packageRoot(), p)];
  const found = candidates.map(realOrUndefined).find((r) => r !== undefined);
  if (!found) return { problem: `input ${shown} not found (inputs are relative to the test file's directory, or samples/...)` };
  if (!inside(found, dir) && !inside(found, samples)) {
    return { problem: `input ${shown} is outside the test file's directory and the package's samples/ folder: refused` };
  }
  let st: fs.Stats;
  try {
    st = fs.statSync(found);
  } catch {
    return { problem: `input ${shown} cannot be read` };
  }
  if (!st.isFile()) return { problem: `input ${shown} is not a regular file` };
  return { file: found };
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
  const builtin = builtinRulesDir();
  const { entries, errors } = expandRulePaths(paths.length ? paths : [builtin]);
  for (const e of entries) {
    if (e.kind === "conditions") {
      const r = await readConditionsFile(e.file, new Set(conditions.keys()), ruleFiles);
      errors.push(...r.errors);
      for (const [k, v] of r.conditions) conditions.set(k, v);
    } else if (e.kind === "rule") ruleFilesGiven.push(e.file);
    // a test file named by itself stands for its rule; those in a directory come with their rules
    else if (!e.inDir) ruleFilesGiven.push(e.file.replace(/\.test\.(ya?ml)$/, ".$1"));
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
  return { results, errors };
}
