/** Diagnosis: load the rules the options name and evaluate them over a snapshot. */

import type { Finding } from "../model/finding.ts";
import type { Snapshot } from "../model/snapshot.ts";
import { isShare, leafText, numberText } from "./describe.ts";
import { normalizeAnswers } from "./answers.ts";
import { type Collect, errorInfo } from "./errors.ts";
import { blockers, evaluateRule, type RuleOutcome } from "./evaluate.ts";
import { FactContext } from "./facts/context.ts";
import { reportedError } from "./facts/symptoms.ts";
import { buildFinding, formatFigure, rankFindings } from "./findings.ts";
import { type LoadOptions, loadRules } from "./load.ts";
import { appliesOn, type Platform } from "./platforms.ts";
import { applyRelations } from "./relations.ts";
import type { RuleFileError, RuleSet } from "./rule.ts";

export interface DiagnoseOptions extends LoadOptions {
  /** Answers by question id, as given (`--answer ID=VALUE`) or typed. */
  answers: Readonly<Record<string, unknown>>;
  /** Called for each rule file that could not be loaded (it is left out). */
  onRuleError?: (e: RuleFileError) => void;
}

/** A rule that did not fire although some of its conditions held: what kept it from firing. */
export interface NearMiss {
  rule: string;
  title: string;
  /** The conditions that held, in words with their values. */
  held: string[];
  /** The conditions that kept it from firing, in words with their values ("unknown" ones say why). */
  blockedBy: string[];
}

/** The error the user named, and whether a finding explains it. */
export interface ErrorFocus {
  kind: string;
  /** The error as people see it. */
  text: string;
  means: string;
  /** The rules whose findings explain it, worst first. */
  explainedBy: string[];
  /** What to collect when nothing explains it, for this platform. */
  collect: Collect[];
}

/** What a diagnosis gives: the findings worst first (those that explain the error the user named first), and more. */
export interface Diagnosis {
  findings: Finding[];
  /** The platform the tables come from, as the reports filter checks by it ("bsd": macOS or FreeBSD). */
  platform: Platform | "bsd" | undefined;
  /** Rules that did not fire though some conditions held. */
  nearMisses: NearMiss[];
  /** Set when the user named an error (--error, the session's first question). */
  error?: ErrorFocus;
}

function valueWords(v: unknown): string {
  if (v === null || v === undefined) return "unknown";
  return formatFigure(v, undefined);
}

/**
 * Whether a leaf that held is evidence for the rule rather than a guard
 * that holds on nearly any input (`X is 0`, `X < 500`, what the inputs are).
 */
function positive(l: RuleOutcome["leaves"][number]): boolean {
  // what the inputs are (queues shown, a full table, the platform) is no evidence of a problem
  if (!l.result || l.unknown || l.fact === "answers" || l.fact === "inputs" || l.fact === "coverage" || l.fact === "platform") return false;
  const op = l.operator.split(":").pop()!;
  if (op === "lessThan" || op === "lessThanInclusive" || op === "notIn" || op === "notEqual") return false;
  const v = l.factResult;
  if (typeof v === "number") return v > 0;
  if (typeof v === "boolean") return v;
  return v !== null && v !== undefined && v !== "";
}

/** A near miss of an outcome: a rule with evidence for it that held, that did not fire. */
function nearMiss(o: RuleOutcome): NearMiss | undefined {
  if (o.truth === "true" || !o.leaves.some(positive)) return undefined;
  if (o.truth === "unknown" && o.support) return undefined; // a partial finding: reported as one
  const say = (l: RuleOutcome["leaves"][number]) => `${leafText(l)}: ${l.unknown ? `unknown (${(l.why ?? "").replace(/^.*?: /, "")})` : typeof l.factResult === "number" && isShare(l.fact, l.path) ? numberText(l.factResult, true) : valueWords(l.factResult)}`;
  return {
    rule: o.rule.id,
    title: o.rule.title,
    held: o.leaves.filter((l) => l.result && !l.unknown).map(say),
    blockedBy: blockers(o.tree).map(say),
  };
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
    return (await this.diagnose(answers)).findings;
  }

  /**
   * Evaluates every rule: the findings with their relations applied (a
   * finding another explains carries `explainedBy`; one another excludes
   * is dropped), ranked worst first with those that explain the error the
   * user named (answer `error`) first; the near misses; and the error's
   * focus.
   */
  async diagnose(answers: Readonly<Record<string, unknown>> = {}): Promise<Diagnosis> {
    const typed = normalizeAnswers(answers, this.rules.rules);
    let findings: Finding[] = [];
    const nearMisses: NearMiss[] = [];
    for (const rule of this.rules.rules) {
      const o = await evaluateRule(rule, this.facts, this.rules.conditions, typed);
      const f = buildFinding(o, this.facts, typed);
      if (f) findings.push(f);
      else {
        const m = nearMiss(o);
        if (m) nearMisses.push(m);
      }
    }
    findings = await applyRelations(rankFindings(findings), this.rules.rules, this.facts, this.rules.conditions, typed);
    const platform = this.facts.scan.platform().family;
    // the errors the user named or the log shows, and the findings that explain them
    const reported = reportedError(typed);
    const seen = new Set<string>([...this.facts.snap.symptoms.keys()]);
    if (reported) seen.add(reported);
    const ruleOf = new Map(this.rules.rules.map((r) => [r.id, r]));
    for (const f of findings) {
      const links = (ruleOf.get(f.rule)?.explains_errors ?? []).filter((l) => seen.has(l.error));
      const link = links.find((l) => l.error === reported) ?? links[0];
      if (link) f.explainsError = { error: link.error, how: link.how.trim() };
    }
    let error: ErrorFocus | undefined;
    if (reported) {
      const explains = findings.filter((f) => f.explainsError?.error === reported);
      findings = [...explains, ...findings.filter((f) => !explains.includes(f))];
      const info = errorInfo(reported)!;
      error = {
        kind: reported,
        text: info.text,
        means: info.means,
        explainedBy: explains.map((f) => f.rule),
        collect: explains.length ? [] : info.collect.filter((c) => appliesOn(c.platforms, platform)),
      };
    }
    return { findings, platform, nearMisses, ...(error ? { error } : {}) };
  }
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
