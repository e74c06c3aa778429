/**
 * The command line's door to the rule engine: loads the rules the flags
 * name (strictly: a rule that does not validate stops the run), checks
 * --disable and --answer against them, and evaluates them. The compiled
 * built-in rules need no YAML; the engine loads the YAML reader only when
 * a user or --rules file must be read.
 */

import { AnswerError, type Diagnosis, Diagnoser, ERROR_QUESTION, loadRuleSet, normalizeAnswer, type RuleSet } from "../engine/mod.ts";
import { ruleLoadOptions } from "../sources/rule_files.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { inert } from "../text/inert.ts";
import { didYouMean, UsageError, UserError } from "./errors.ts";
import type { Flags } from "./options.ts";

export type { RuleSet };

/** Every rule the flags name (--disable not applied), or a UserError for the first rule that does not validate. */
export async function loadRules(flags: Pick<Flags, "rules" | "noUserRules">, env?: Record<string, string | undefined>): Promise<RuleSet> {
  const set = await loadRuleSet(ruleLoadOptions({ ruleDirs: flags.rules, userRules: !flags.noUserRules, disabled: [], env }));
  if (set.errors.length) {
    const more = set.errors.length - 1;
    const first = set.errors[0].format();
    throw new UserError(
      "rule",
      undefined,
      `${inert(first)}${more ? ` (and ${more} more problem${more === 1 ? "" : "s"}: 'tcpdoc rules validate' lists them)` : ""}`,
    );
  }
  return set;
}

/** The rule set without the rules --disable names; an unknown id is a UsageError. */
export function withoutDisabled(set: RuleSet, disabled: readonly string[]): RuleSet {
  const ids = set.rules.map((r) => r.id);
  for (const id of disabled) {
    if (!ids.includes(id)) {
      throw new UsageError(`--disable: no rule has the id "${inert(id)}"${didYouMean(id, ids) || ": 'tcpdoc rules list' lists them"}`);
    }
  }
  if (disabled.length === 0) return set;
  const off = new Set(disabled);
  return { ...set, rules: set.rules.filter((r) => !off.has(r.id)) };
}

/**
 * The answers given with --answer Q=A (after those of the config file),
 * checked against the rules' questions: an unknown question id, or a value
 * the question's kind does not take (yes/no, a number), is a UsageError.
 */
export function checkedAnswers(given: readonly string[], set: RuleSet, fromConfig: Record<string, string> = {}, error?: string): Record<string, string> {
  const questions = new Map(set.rules.flatMap((r) => (r.questions ?? []).map((q) => [q.id, { ...q, rule: r.id }] as const)));
  questions.set(ERROR_QUESTION.id, { ...ERROR_QUESTION, rule: "--error" });
  const out: Record<string, string> = { ...fromConfig };
  for (const a of given) {
    const eq = a.indexOf("=");
    if (eq <= 0) throw new UsageError(`--answer takes QUESTION=ANSWER, e.g. --answer app-restarted=yes, not "${inert(a)}"`);
    out[a.slice(0, eq)] = a.slice(eq + 1);
  }
  if (error !== undefined) {
    try {
      out[ERROR_QUESTION.id] = String(normalizeAnswer(ERROR_QUESTION, error));
    } catch (e) {
      if (!(e instanceof AnswerError)) throw e;
      throw new UsageError(`--error: ${e.message}`);
    }
  }
  for (const [id, value] of Object.entries(out)) {
    const q = questions.get(id);
    if (!q) {
      const hint = didYouMean(id, questions.keys()) || `: 'tcpdoc explain RULE-ID' shows a rule's questions${questions.size ? ` (${[...questions.keys()].slice(0, 4).join(", ")}, ...)` : ""}`;
      throw new UsageError(`--answer: no rule asks the question "${inert(id)}"${hint}`);
    }
    try {
      normalizeAnswer(q, value);
    } catch (e) {
      if (!(e instanceof AnswerError)) throw e;
      if (id === ERROR_QUESTION.id) throw new UsageError(`--answer error: ${e.message}`);
      throw new UsageError(`--answer ${inert(id)}: the question (rule ${q.rule}) takes ${q.kind === "yes-no" ? "yes or no" : q.kind === "number" ? "a number" : `one of ${(q.choices ?? []).join(", ")}`}, not "${inert(value)}"`);
    }
  }
  return out;
}

/** Evaluates the rules over the snapshot: findings worst first (those that explain the error named first), near misses, the error's focus. */
export async function evaluate(snap: Snapshot, set: RuleSet, answers: Record<string, string>): Promise<Diagnosis> {
  return await new Diagnoser(snap, set).diagnose(answers);
}
