/**
 * Evaluates one rule with json-rules-engine over the shared facts, then reads
 * its per-condition results with three-valued logic: a condition on an
 * unknown value is neither true nor false.
 */

import { Engine } from "json-rules-engine";
import type { ConditionResult } from "../model/finding.ts";
import { refText } from "./describe.ts";
import { type FactContext, FACTS, resolvePath } from "./facts.ts";
import type { Conditions, Rule } from "./rule_file.ts";

/** Three-valued truth. */
export type Truth = "true" | "false" | "unknown";

/** One leaf condition's result, with why it is unknown when it is. */
export interface LeafResult extends ConditionResult {
  params?: Record<string, unknown>;
  unknown?: boolean;
  /** What could not be told, for `missing`. */
  why?: string;
}

/** What evaluating a rule gave. */
export interface RuleOutcome {
  rule: Rule;
  truth: Truth;
  /** Some known condition pushes the rule toward firing. */
  support: boolean;
  leaves: LeafResult[];
  missing: string[];
}

interface K {
  v: Truth;
  pro: boolean;
  con: boolean;
}

function isRef(v: unknown): v is { fact: string } {
  return Boolean(v && typeof v === "object" && !Array.isArray(v) && "fact" in (v as object));
}

/** Why a value read from a fact is unknown. */
function whyUnknown(ctx: FactContext, rule: Rule, answers: Record<string, unknown>, fact: string, params: Record<string, unknown>, path: string | undefined): string {
  const m = ctx.get(fact, params, rule.exceptions, answers);
  if (m.value === null || m.value === undefined) return m.why ?? "the inputs do not say";
  const tail = (path ?? "").replace(/^\$\.?/, "").replace(/^\['(.*)'\]$/, "$1");
  switch (fact) {
    case "counters":
      return `counter ${tail} is not in the inputs (add the output of nstat -az)`;
    case "sysctls":
      return `sysctl ${tail} is not in the inputs (add the output of sysctl ${tail})`;
    case "symptoms":
      return m.why ?? `no log line says ${tail}`;
    case "answers":
      return `question "${tail}" is not answered (--answer ${tail}=...)`;
    case "queues":
      return "those sockets carry no Recv-Q/Send-Q figures";
    case "orphans":
      return "the dump does not say which process owns those sockets (ss -tanpe as root shows it)";
    case "listeners":
      return m.why ?? "no LISTEN row shows it";
    default: {
      const v = resolvePath(m.value, path ?? "$");
      return v === null || v === undefined ? m.why ?? "the inputs do not say" : "the inputs do not say";
    }
  }
}

function walk(node: Record<string, unknown>, out: LeafResult[], ctx: FactContext, rule: Rule, answers: Record<string, unknown>): K {
  for (const k of ["all", "any"] as const) {
    const subs = node[k];
    if (Array.isArray(subs)) {
      const rs = subs.map((s) => walk(s as Record<string, unknown>, out, ctx, rule, answers));
      const pro = rs.some((r) => r.pro), con = rs.some((r) => r.con);
      if (k === "all") {
        const v: Truth = rs.some((r) => r.v === "false") ? "false" : rs.some((r) => r.v === "unknown") ? "unknown" : "true";
        return { v, pro, con };
      }
      const v: Truth = rs.some((r) => r.v === "true") ? "true" : rs.some((r) => r.v === "unknown") ? "unknown" : "false";
      return { v, pro, con };
    }
  }
  if (node.not && typeof node.not === "object") {
    const r = walk(node.not as Record<string, unknown>, out, ctx, rule, answers);
    return { v: r.v === "true" ? "false" : r.v === "false" ? "true" : "unknown", pro: r.con, con: r.pro };
  }
  if (typeof node.fact !== "string") {
    // a named condition json-rules-engine did not expand (never happens once validated)
    return { v: "unknown", pro: false, con: false };
  }
  const fact = node.fact;
  const params = (node.params ?? {}) as Record<string, unknown>;
  const path = node.path as string | undefined;
  const leaf: LeafResult = {
    fact,
    operator: String(node.operator),
    value: node.value,
    factResult: node.factResult === undefined ? null : node.factResult,
    result: node.result === true,
  };
  if (path) leaf.path = path;
  if (node.params) leaf.params = params;
  let unknown = node.factResult === null || node.factResult === undefined || node.result === undefined;
  let why: string | undefined;
  if (unknown) why = `${refText(fact, params, path)}\u0000${whyUnknown(ctx, rule, answers, fact, params, path)}`;
  if (!unknown && isRef(node.value) && (node.valueResult === null || node.valueResult === undefined)) {
    const r = node.value as { fact: string; params?: Record<string, unknown>; path?: string };
    unknown = true;
    why = `${refText(r.fact, r.params, r.path)}\u0000${whyUnknown(ctx, rule, answers, r.fact, r.params ?? {}, r.path)}`;
  }
  if (unknown && fact === "answers" && !isRef(node.value)) {
    // An unanswered question is not missing evidence: it reads as "not that answer".
    leaf.factResult = null;
    leaf.result = false;
    out.push(leaf);
    return { v: "false", pro: false, con: true };
  }
  if (unknown) {
    leaf.unknown = true;
    leaf.result = false;
    leaf.why = why;
    out.push(leaf);
    return { v: "unknown", pro: false, con: false };
  }
  out.push(leaf);
  return leaf.result ? { v: "true", pro: true, con: false } : { v: "false", pro: false, con: true };
}

/** Evaluates one rule. `conditions` are the named conditions. */
export async function evaluateRule(
  rule: Rule,
  ctx: FactContext,
  conditions: ReadonlyMap<string, Conditions>,
  answers: Record<string, unknown>,
): Promise<RuleOutcome> {
  const engine = new Engine([], { allowUndefinedFacts: false, allowUndefinedConditions: false, pathResolver: resolvePath });
  for (const [name, c] of conditions) engine.setCondition(name, c as never);
  for (const f of FACTS) {
    engine.addFact(f.id, (params: Record<string, unknown>) => ctx.get(f.id, params ?? {}, rule.exceptions, answers).value, { cache: true });
  }
  engine.addRule({ conditions: rule.conditions as never, event: { type: rule.id }, name: rule.id });
  const res = await engine.run();
  const rr = res.results[0] ?? res.failureResults[0];
  const leaves: LeafResult[] = [];
  const k = walk(rr.conditions as unknown as Record<string, unknown>, leaves, ctx, rule, answers);
  // one entry per reason: "what, what else: why"
  const byReason = new Map<string, string[]>();
  for (const l of leaves) {
    if (!l.unknown || !l.why) continue;
    const [what, reason] = l.why.split("\u0000");
    l.why = `${what}: ${reason}`;
    const list = byReason.get(reason) ?? [];
    if (!list.includes(what)) list.push(what);
    byReason.set(reason, list);
  }
  const missing = [...byReason].map(([reason, what]) => `${what.join("; ")}: ${reason}`);
  return { rule, truth: k.v, support: k.pro, leaves, missing };
}
