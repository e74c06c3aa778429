/** Diagnosis: load the rules the options name and evaluate them over a snapshot. */

import type { Finding } from "../model/finding.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { type RuleOutcome, evaluateRule } from "./evaluate.ts";
import { FactContext } from "./facts.ts";
import { buildFinding, normalizeAnswers, rankFindings } from "./findings.ts";
import { loadCompiledRules, loadOptions, type RuleSet } from "./rule_dirs.ts";
import type { RuleFileError } from "./rule_file.ts";

export interface DiagnoseOptions {
  ruleDirs: string[];
  disabled: string[];
  userRules: boolean;
  answers: Record<string, string>;
  /** Called for each rule file that could not be loaded (it is left out). */
  onRuleError?: (e: RuleFileError) => void;
  /** Environment for the user rule directory (tests). */
  env?: Record<string, string | undefined>;
}

/**
 * Evaluates rules over one snapshot. Facts are computed once and kept, so
 * evaluating again with new answers (the interactive session) is cheap.
 *
 * @example
 * ```ts
 * const d = new Diagnoser(snapshot, loadRuleSet({}));
 * const findings = await d.run({ "server-restarted": "yes" });
 * ```
 */
export class Diagnoser {
  readonly facts: FactContext;
  readonly rules: RuleSet;
  /** Outcomes of the last run, every rule (fired or not). */
  outcomes: RuleOutcome[] = [];

  constructor(snap: Snapshot, rules: RuleSet) {
    this.facts = new FactContext(snap);
    this.rules = rules;
  }

  /** Evaluates every rule with these answers and returns the findings, worst first. */
  async run(answers: Record<string, unknown> = {}): Promise<Finding[]> {
    const typed = normalizeAnswers(answers, this.rules.rules);
    const findings: Finding[] = [];
    this.outcomes = [];
    for (const rule of this.rules.rules) {
      const o = await evaluateRule(rule, this.facts, this.rules.conditions, typed);
      this.outcomes.push(o);
      const f = buildFinding(o, this.facts, typed);
      if (f) findings.push(f);
    }
    return rankFindings(findings);
  }
}

/**
 * Evaluates the rules over the snapshot and returns findings, worst first.
 * The built-in rules compiled into the bundle need no YAML; the YAML reader
 * and validator (rule_file.ts) load only when some rule file must be read.
 */
export async function diagnose(snap: Snapshot, opts: DiagnoseOptions): Promise<Finding[]> {
  const o = loadOptions(opts);
  const set = loadCompiledRules(o) ?? (await import("./rule_file.ts")).loadRules(o);
  for (const e of set.errors) opts.onRuleError?.(e);
  return await new Diagnoser(snap, set).run(opts.answers);
}
