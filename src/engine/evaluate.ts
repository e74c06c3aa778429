/**
 * Evaluates one rule with json-rules-engine over the shared facts, then reads
 * its per-condition results with three-valued logic: a condition on an
 * unknown value is neither true nor false.
 */

import { Almanac, Engine } from "json-rules-engine";
import type { ConditionResult } from "../model/finding.ts";
import { refWords } from "./describe.ts";
import type { FactContext } from "./facts/context.ts";
import { defaultWhy } from "./facts/fact.ts";
import { FACTS, factById } from "./facts/registry.ts";
import { PLAIN, walkCondition } from "./language/conditions.ts";
import { pathTail, resolvePath } from "./language/paths.ts";
import type { Conditions, Rule, RuleException } from "./rule.ts";

/** Three-valued truth. */
export type Truth = "true" | "false" | "unknown";

/** One leaf condition's result, with why it is unknown when it is. */
export interface LeafResult extends ConditionResult {
  params?: Record<string, unknown>;
  unknown?: boolean;
  /** What could not be told, for `missing`. */
  why?: string;
}

/** One node of an evaluated condition tree, for traces (`tcpdoc explain RULE-ID FILE...`) and near misses. */
export interface TraceNode {
  kind: "all" | "any" | "not" | "leaf";
  truth: Truth;
  /** The `name:` the rule gave the node, if any. */
  name?: string;
  /** A leaf's result. */
  leaf?: LeafResult;
  children: TraceNode[];
}

/** What evaluating a rule gave. */
export interface RuleOutcome {
  rule: Rule;
  truth: Truth;
  /** Some known condition pushes the rule toward firing. */
  support: boolean;
  leaves: LeafResult[];
  missing: string[];
  /** The evaluated tree. */
  tree: TraceNode;
  /** The named nodes that held. */
  held: string[];
}

/** A subtree's truth, and whether known leaves below it push toward (pro) or against (con) firing. */
interface K {
  v: Truth;
  pro: boolean;
  con: boolean;
  node: TraceNode;
}

const nameOf = (n: unknown): string | undefined => {
  const v = n && typeof n === "object" ? (n as Record<string, unknown>).name : undefined;
  return typeof v === "string" ? v : undefined;
};

type Ref = { fact: string; params?: Record<string, unknown>; path?: string };

/** Why a value read from a fact is unknown, in words for `missing`: the value's own reason, else the fact's. */
export function whyUnknown(ctx: FactContext, fact: string, params: Record<string, unknown>, path: string | undefined, ex: readonly RuleException[] | undefined, answers: Record<string, unknown>): string {
  const m = ctx.get(fact, params, ex, answers);
  if (m.value === null || m.value === undefined) return m.why ?? "the inputs do not say";
  const resolved = resolvePath(m.value, path ?? "$");
  const f = factById(fact);
  return f?.whyUnknown ? f.whyUnknown(pathTail(path), m, resolved) : defaultWhy(m, resolved);
}

function isRef(v: unknown): v is Ref {
  return Boolean(v && typeof v === "object" && !Array.isArray(v) && Object.hasOwn(v as object, "fact"));
}

/** Reads one evaluated leaf; `out` collects leaf results in tree order, `why` as "what\0reason". */
function readLeaf(node: Record<string, unknown>, out: LeafResult[], ctx: FactContext, rule: Rule, answers: Record<string, unknown>): K {
  if (typeof node.fact !== "string") {
    // a named condition json-rules-engine did not expand (never happens once validated)
    return { v: "unknown", pro: false, con: false, node: { kind: "leaf", truth: "unknown", children: [] } };
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
  const why = (r: Ref) => `${refWords(r.fact, r.params, r.path)}\u0000${whyUnknown(ctx, r.fact, r.params ?? {}, r.path, rule.exceptions, answers)}`;
  let unknown = node.factResult === null || node.factResult === undefined || node.result === undefined;
  let reason: string | undefined;
  if (unknown) reason = why({ fact, params, path });
  if (!unknown && isRef(node.value) && (node.valueResult === null || node.valueResult === undefined)) {
    unknown = true;
    reason = why(node.value);
  }
  const name = nameOf(node);
  const at = (truth: Truth): TraceNode => ({ kind: "leaf", truth, leaf, children: [], ...(name ? { name } : {}) });
  if (unknown && fact === "answers" && !isRef(node.value)) {
    // An unanswered question is not missing evidence: it reads as "not that answer".
    leaf.factResult = null;
    leaf.result = false;
    out.push(leaf);
    return { v: "false", pro: false, con: true, node: at("false") };
  }
  if (unknown) {
    leaf.unknown = true;
    leaf.result = false;
    leaf.why = reason;
    out.push(leaf);
    return { v: "unknown", pro: false, con: false, node: at("unknown") };
  }
  out.push(leaf);
  return leaf.result ? { v: "true", pro: true, con: false, node: at("true") } : { v: "false", pro: false, con: true, node: at("false") };
}

/** Reads json-rules-engine's result tree with three-valued logic. */
function readResults(tree: unknown, out: LeafResult[], ctx: FactContext, rule: Rule, answers: Record<string, unknown>): K {
  const unknown = (): K => ({ v: "unknown", pro: false, con: false, node: { kind: "leaf", truth: "unknown", children: [] } });
  const branch = (kind: TraceNode["kind"], v: Truth, rs: K[], n: unknown): TraceNode => {
    const name = nameOf(n);
    return { kind, truth: v, children: rs.map((r) => r.node), ...(name ? { name } : {}) };
  };
  return walkCondition<unknown, K>(tree, PLAIN, {
    all: (rs, n) => {
      const v: Truth = rs.some((r) => r.v === "false") ? "false" : rs.some((r) => r.v === "unknown") ? "unknown" : "true";
      return { v, pro: rs.some((r) => r.pro), con: rs.some((r) => r.con), node: branch("all", v, rs, n) };
    },
    any: (rs, n) => {
      const v: Truth = rs.some((r) => r.v === "true") ? "true" : rs.some((r) => r.v === "unknown") ? "unknown" : "false";
      return { v, pro: rs.some((r) => r.pro), con: rs.some((r) => r.con), node: branch("any", v, rs, n) };
    },
    not: (r, n) => {
      const v: Truth = r.v === "true" ? "false" : r.v === "false" ? "true" : "unknown";
      return { v, pro: r.con, con: r.pro, node: branch("not", v, [r], n) };
    },
    // json-rules-engine expands named conditions in its results
    ref: unknown,
    leaf: (n) => readLeaf(n as Record<string, unknown>, out, ctx, rule, answers),
    bad: unknown,
  });
}

/** The names of the nodes that held. */
function heldNames(n: TraceNode, out: string[] = []): string[] {
  if (n.name && n.truth === "true" && !out.includes(n.name)) out.push(n.name);
  for (const c of n.children) heldNames(c, out);
  return out;
}

/**
 * The conditions that kept a rule from firing: under a false `all`, its
 * false parts; under a false `any`, what kept each alternative; a false
 * leaf itself. Unknown parts count too (they kept it from firing for sure).
 */
export function blockers(n: TraceNode): LeafResult[] {
  if (n.truth === "true") return [];
  if (n.kind === "leaf") return n.leaf ? [n.leaf] : [];
  if (n.kind === "not") return n.children[0]?.truth === "true" ? leavesOf(n.children[0], "true") : [];
  const bad = n.kind === "all" ? n.children.filter((c) => c.truth === "false") : n.children;
  const pick = bad.length ? bad : n.children.filter((c) => c.truth !== "true");
  const out: LeafResult[] = [];
  for (const c of pick) for (const l of blockers(c)) if (!out.includes(l)) out.push(l);
  return out;
}

function leavesOf(n: TraceNode, truth: Truth): LeafResult[] {
  if (n.kind === "leaf") return n.leaf && n.truth === truth ? [n.leaf] : [];
  return n.children.flatMap((c) => leavesOf(c, truth));
}

/** One evaluation of a rule: the facts its engine's fact callbacks read, carried by the run's almanac. */
class Evaluation extends Almanac {
  constructor(readonly ctx: FactContext, readonly answers: Record<string, unknown>) {
    super({ allowUndefinedFacts: false, pathResolver: resolvePath });
  }
}

/** Each rule's engine, made once per set of named conditions (a watch evaluates every rule each tick). */
const engines = new WeakMap<Rule, { conditions: ReadonlyMap<string, Conditions>; engine: Engine }>();

/**
 * The rule's engine: its operators, named conditions, rule and the fact
 * callbacks, which read the evaluation from the run's almanac. Made once:
 * an engine made per evaluation made some 25 closures per rule each time,
 * and V8 compiled their code again every tick of a watch.
 */
function engineFor(rule: Rule, conditions: ReadonlyMap<string, Conditions>): Engine {
  const kept = engines.get(rule);
  if (kept && kept.conditions === conditions) return kept.engine;
  const engine = new Engine([], { allowUndefinedFacts: false, allowUndefinedConditions: false, pathResolver: resolvePath });
  // A list read from a fact may be unknown (null): the comparison is then read as unknown, never a crash.
  engine.addOperator("in", (a: unknown, b: unknown) => Array.isArray(b) && b.includes(a));
  engine.addOperator("notIn", (a: unknown, b: unknown) => Array.isArray(b) && !b.includes(a));
  for (const [name, c] of conditions) engine.setCondition(name, c as never);
  for (const f of FACTS) {
    engine.addFact(f.spec.id, (params: Record<string, unknown>, almanac: Almanac) => {
      const e = almanac as Evaluation;
      return e.ctx.get(f.spec.id, params ?? {}, rule.exceptions, e.answers).value;
    }, { cache: true });
  }
  engine.addRule({ conditions: rule.conditions as never, event: { type: rule.id }, name: rule.id });
  engines.set(rule, { conditions, engine });
  return engine;
}

/** Evaluates one rule. `conditions` are the named conditions. */
export async function evaluateRule(
  rule: Rule,
  ctx: FactContext,
  conditions: ReadonlyMap<string, Conditions>,
  answers: Record<string, unknown>,
): Promise<RuleOutcome> {
  const res = await engineFor(rule, conditions).run({}, { almanac: new Evaluation(ctx, answers) });
  const rr = res.results[0] ?? res.failureResults[0];
  const leaves: LeafResult[] = [];
  const k = readResults(rr.conditions, leaves, ctx, rule, answers);
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
  return { rule, truth: k.v, support: k.pro, leaves, missing, tree: k.node, held: heldNames(k.node) };
}
