/**
 * Why a rule fired or not, condition by condition: `tcpdoc explain RULE-ID
 * FILE...` evaluates one rule on the inputs and shows every condition with
 * the value the fact held, and marks those that kept it from firing.
 */

import { isShare, leafText, numberText } from "./describe.ts";
import { normalizeAnswers } from "./answers.ts";
import { blockers, evaluateRule, type RuleOutcome, type TraceNode } from "./evaluate.ts";
import type { FactContext } from "./facts/context.ts";
import { buildFinding, formatFigure } from "./findings.ts";
import type { Finding } from "../model/finding.ts";
import type { Conditions, Rule } from "./rule.ts";

/** A rule evaluated on a snapshot: the outcome, and the finding when it fired. */
export interface Trace {
  outcome: RuleOutcome;
  finding?: Finding;
}

/** Evaluates one rule for a trace. */
export async function traceRule(rule: Rule, ctx: FactContext, named: ReadonlyMap<string, Conditions>, answers: Readonly<Record<string, unknown>> = {}): Promise<Trace> {
  const typed = normalizeAnswers(answers, [rule]);
  const outcome = await evaluateRule(rule, ctx, named, typed);
  const finding = buildFinding(outcome, ctx, typed);
  return finding ? { outcome, finding } : { outcome };
}

const MARK = { true: "yes", false: "no ", unknown: " ? " } as const;

function valueWords(l: NonNullable<TraceNode["leaf"]>): string {
  if (l.unknown) return `unknown: ${(l.why ?? "").replace(/^.*?: /, "")}`;
  if (l.fact === "answers" && (l.factResult === null || l.factResult === undefined)) return "not answered";
  const v = l.factResult;
  if (typeof v === "number" && isShare(l.fact, l.path)) return numberText(v, true);
  return v === null || v === undefined ? "nothing" : typeof v === "object" ? JSON.stringify(v) : formatFigure(v, undefined);
}

/**
 * The trace as lines: the verdict, then the condition tree with each
 * node's truth (yes, no, ?), each condition with the value it read, the
 * named alternatives, and `<- blocked here` on the conditions that kept
 * the rule from firing.
 */
export function traceLines(t: Trace): string[] {
  const o = t.outcome;
  const block = new Set(blockers(o.tree));
  const verdict = t.finding
    ? `${o.rule.id} fires: ${t.finding.severity}${t.finding.partial ? ", partial (some conditions unknown)" : ""}, confidence ${Math.round(t.finding.confidence * 100)}%${o.held.length ? ` (held: ${o.held.join(", ")})` : ""}`
    : `${o.rule.id} does not fire${o.truth === "unknown" ? ": the conditions that matter are unknown" : ""}`;
  const out = [verdict, ""];
  const walk = (n: TraceNode, indent: string): void => {
    const name = n.name ? ` [${n.name}]` : "";
    if (n.kind === "leaf") {
      const l = n.leaf;
      if (!l) return void out.push(`${indent}${MARK[n.truth]} (a condition that could not be read)`);
      out.push(`${indent}${MARK[n.truth]} ${leafText(l)}${name}: ${valueWords(l)}${!t.finding && block.has(l) ? "   <- blocked here" : ""}`);
      return;
    }
    out.push(`${indent}${MARK[n.truth]} ${n.kind === "all" ? "all of" : n.kind === "any" ? "any of" : "none of"}${name}:`);
    for (const c of n.children) walk(c, `${indent}    `);
  };
  walk(o.tree, "  ");
  if (o.missing.length) out.push("", "Could not tell:", ...o.missing.map((m) => `  - ${m}`));
  if (t.finding) out.push("", "Message:", `  ${t.finding.message.replace(/\n/g, "\n  ")}`);
  return out;
}
