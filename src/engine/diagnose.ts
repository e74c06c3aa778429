/** Diagnosis: load the rules the options name and evaluate them over a snapshot. */

import type { Finding } from "../model/finding.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { normalizeAnswers } from "./answers.ts";
import { evaluateRule, type LeafResult, type Truth } from "./evaluate.ts";
import { FactContext } from "./facts/context.ts";
import { buildFinding, rankFindings } from "./findings.ts";
import { type LoadOptions, loadRules } from "./load.ts";
import type { RuleFileError, RuleSet } from "./rule.ts";

export interface DiagnoseOptions extends LoadOptions {
  /** Answers by question id, as given (`--answer ID=VALUE`) or typed. */
  answers: Readonly<Record<string, unknown>>;
  /** Called for each rule file that could not be loaded (it is left out). */
  onRuleError?: (e: RuleFileError) => void;
}

/**
 * Evaluates rules over one snapshot. Facts are computed once and kept, so
 * evaluating again with new answers (the interactive session) is cheap.
 *
 * @example
 * ```ts
 * const d = new Diagnoser(snapshot, await loadRuleSet(options));
 * const findings = await d.run({ "server-restarted": "yes" });
 * ```
 */
export class Diagnoser {
  readonly facts: FactContext;
  readonly rules: RuleSet;

  constructor(snap: Snapshot, rules: RuleSet) {
    this.facts = new FactContext(snap);
    this.rules = rules;
  }

  /**
   * Evaluates every rule with these answers and returns the findings,
   * worst first. Throws AnswerError for an answer its question cannot take.
   */
  async run(answers: Readonly<Record<string, unknown>> = {}): Promise<Finding[]> {
    const typed = normalizeAnswers(answers, this.rules.rules);
    const findings: Finding[] = [];
    for (const rule of this.rules.rules) {
      const o = await evaluateRule(rule, this.facts, this.rules.conditions, typed);
      const f = buildFinding(o, this.facts, typed);
      if (f) findings.push(f);
    }
    return rankFindings(findings);
  }
}

/** Why one rule did or did not fire on a snapshot (`tcpdoc explain RULE-ID FILE...`). */
export interface RuleTrace {
  rule: string;
  /** The conditions' three-valued truth. */
  truth: Truth;
  /** The finding it gave, when it gave one (true conditions can still be held back by an exception). */
  finding: Finding | undefined;
  /** Every leaf condition with the value it saw; `unknown` ones say why in `why`. */
  leaves: LeafResult[];
  /** What the inputs could not supply. */
  missing: string[];
}

/** Evaluates one rule of the set over the snapshot and says why it fired or not. */
export async function traceRule(snap: Snapshot, set: RuleSet, id: string, answers: Readonly<Record<string, unknown>> = {}): Promise<RuleTrace | undefined> {
  const rule = set.rules.find((r) => r.id === id);
  if (!rule) return undefined;
  const facts = new FactContext(snap);
  const typed = normalizeAnswers(answers, set.rules);
  const o = await evaluateRule(rule, facts, set.conditions, typed);
  return { rule: id, truth: o.truth, finding: buildFinding(o, facts, typed), leaves: o.leaves, missing: o.missing };
}

/**
 * Evaluates the rules over the snapshot and returns findings, worst first.
 * The built-in rules compiled into the bundle need no YAML; the yaml
 * package loads only when some rule file must be read.
 */
export async function diagnose(snap: Snapshot, opts: DiagnoseOptions): Promise<Finding[]> {
  const set = await loadRules(opts);
  for (const e of set.errors) opts.onRuleError?.(e);
  return await new Diagnoser(snap, set).run(opts.answers);
}
