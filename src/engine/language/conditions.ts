/**
 * The condition language: what a node of a rule's condition tree is (all,
 * any, not, a named condition, a fact comparison), the operators, and the
 * one walker every reader of the tree uses: evaluation, the words of
 * `explain`, thresholds, named-condition cycles, and validation (which
 * walks positioned YAML nodes through the same code).
 */

/** Operators json-rules-engine evaluates (no regular expressions: a rule cannot make us backtrack). */
export const OPERATORS = [
  "equal", "notEqual", "in", "notIn", "contains", "doesNotContain",
  "lessThan", "lessThanInclusive", "greaterThan", "greaterThanInclusive",
] as const;
export type Operator = typeof OPERATORS[number];

/** json-rules-engine operator decorators, written `decorator:operator`. */
export const OPERATOR_DECORATORS = ["not", "someFact", "someValue", "everyFact", "everyValue", "swap"] as const;
export type OperatorDecorator = typeof OPERATOR_DECORATORS[number];

/** The fields of a comparison. */
export const LEAF_FIELDS = ["fact", "params", "path", "operator", "value", "name"] as const;

/** The keys that make a node a branch. */
export const BRANCH_KEYS = ["all", "any", "not", "condition"] as const;

/** Splits `not:someFact:equal` into its decorators and operator; undefined when it names something else. */
export function parseOperator(op: string): { decorators: OperatorDecorator[]; base: Operator } | undefined {
  const parts = op.split(":");
  const base = parts.pop()!;
  if (!(OPERATORS as readonly string[]).includes(base)) return undefined;
  if (parts.some((d) => !(OPERATOR_DECORATORS as readonly string[]).includes(d))) return undefined;
  return { decorators: parts as OperatorDecorator[], base: base as Operator };
}

/** How the walker reads a tree: plain values, or positioned YAML nodes. */
export interface TreeReader<N> {
  /** The keys of a mapping; undefined when `n` is not one. */
  keys(n: N): readonly string[] | undefined;
  /** The value under an own key of a mapping. */
  get(n: N, key: string): N | undefined;
  /** The items of a list; undefined when `n` is not one. */
  items(n: N): readonly N[] | undefined;
  /** The text of a string scalar; undefined otherwise. */
  text(n: N): string | undefined;
}

const own = (o: object, k: string) => Object.prototype.hasOwnProperty.call(o, k);

/** Reads plain JavaScript values (loaded rules, json-rules-engine results). */
export const PLAIN: TreeReader<unknown> = {
  keys: (n) => (n !== null && typeof n === "object" && !Array.isArray(n) ? Object.keys(n) : undefined),
  get: (n, k) => (n !== null && typeof n === "object" && own(n, k) ? (n as Record<string, unknown>)[k] : undefined),
  items: (n) => (Array.isArray(n) ? n : undefined),
  text: (n) => (typeof n === "string" ? n : undefined),
};

/** A shape problem in a condition node. */
export interface ShapeProblem<N> {
  node: N;
  code: "type" | "condition-shape" | "empty" | "depth" | "unknown-field";
  message: string;
  hint?: string;
}

/** What to do at each kind of node; each gets the results of its children (a fold). */
export interface ConditionVisitor<N, R> {
  all(items: R[], node: N): R;
  any(items: R[], node: N): R;
  not(item: R, node: N): R;
  /** A named condition; `depth` to walk the named tree with walkCondition when wanted. `where` names the node. */
  ref(name: string, node: N, depth: number, where: string): R;
  leaf(node: N, depth: number, where: string): R;
  /** A node that is not a condition (only in unvalidated trees); the walk does not go below it. */
  bad(problem: ShapeProblem<N>): R;
  /** Fields beside a branch's key other than `name` (validation reports them). */
  extra?(problem: ShapeProblem<N>): void;
}

/** Conditions nest at most this deep. */
export const MAX_CONDITION_DEPTH = 32;

/**
 * Walks a condition tree bottom up. `where` names the node in problems
 * (`conditions.all[0]`); a named condition is handed to `visitor.ref`, which
 * decides whether to walk its tree.
 */
export function walkCondition<N, R>(n: N, r: TreeReader<N>, v: ConditionVisitor<N, R>, where = "conditions", depth = 0): R {
  if (depth > MAX_CONDITION_DEPTH) return v.bad({ node: n, code: "depth", message: `${where} nests conditions more than ${MAX_CONDITION_DEPTH} deep` });
  const keys = r.keys(n);
  if (!keys) {
    return v.bad({ node: n, code: "type", message: `${where} must be a mapping with all, any, not, condition or fact`, hint: "e.g. { all: [ { fact: states, path: $.CLOSE_WAIT, operator: greaterThan, value: 0 } ] }" });
  }
  const branch = keys.filter((k) => (BRANCH_KEYS as readonly string[]).includes(k));
  if (branch.length > 1) return v.bad({ node: n, code: "condition-shape", message: `${where} has both "${branch[0]}" and "${branch[1]}"`, hint: "use one per mapping; nest them" });
  if (branch.length === 0) return v.leaf(n, depth, where);
  const b = branch[0];
  for (const k of keys) {
    if (k !== b && k !== "name") {
      v.extra?.({ node: n, code: "unknown-field", message: `Unknown field "${k}" next to "${b}" in ${where}`, hint: `a ${b} condition takes only ${b} and name` });
    }
  }
  const val = r.get(n, b);
  if (b === "all" || b === "any") {
    const items = val === undefined ? undefined : r.items(val);
    if (!items) return v.bad({ node: val ?? n, code: "type", message: `${where}.${b} must be a list of conditions` });
    if (items.length === 0) v.extra?.({ node: val!, code: "empty", message: `${where}.${b} is empty` });
    const rs = items.map((c, i) => walkCondition(c, r, v, `${where}.${b}[${i}]`, depth + 1));
    return b === "all" ? v.all(rs, n) : v.any(rs, n);
  }
  if (b === "not") {
    if (val !== undefined && r.items(val)) return v.bad({ node: val, code: "type", message: `${where}.not takes one condition, not a list`, hint: "wrap several in all: or any:" });
    return v.not(walkCondition(val as N, r, v, `${where}.not`, depth + 1), n);
  }
  const name = val === undefined ? undefined : r.text(val);
  if (name === undefined) return v.bad({ node: val ?? n, code: "type", message: `${where}.condition must be a condition name` });
  return v.ref(name, n, depth, where);
}

/** Named conditions a tree refers to, directly (not through other named conditions). */
export function conditionRefs(tree: unknown): Set<string> {
  const out = new Set<string>();
  const noop = () => undefined;
  walkCondition<unknown, void>(tree, PLAIN, { all: noop, any: noop, not: noop, leaf: noop, bad: noop, ref: (name) => void out.add(name) });
  return out;
}

/** Named conditions that refer to each other in a circle (a -> b -> a): they would never finish evaluating. */
export function conditionCycles(named: ReadonlyMap<string, unknown>): string[][] {
  const cycles: string[][] = [];
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (n: string) => {
    state.set(n, 1);
    stack.push(n);
    for (const r of conditionRefs(named.get(n))) {
      if (!named.has(r)) continue;
      if (state.get(r) === 1) cycles.push([...stack.slice(stack.indexOf(r)), r]);
      else if (!state.has(r)) visit(r);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of named.keys()) if (!state.has(n)) visit(n);
  return cycles;
}

/** Every comparison of a tree, named conditions expanded once each on a path (for thresholds, costs). */
export function conditionLeaves(tree: unknown, named: ReadonlyMap<string, unknown>): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const noop = () => undefined;
  const walk = (t: unknown, seen: ReadonlySet<string>, depth: number): void =>
    walkCondition<unknown, void>(t, PLAIN, {
      all: noop, any: noop, not: noop, bad: noop,
      leaf: (n) => void out.push(n as Record<string, unknown>),
      ref: (name, _n, d) => {
        if (!seen.has(name) && named.has(name)) walk(named.get(name), new Set([...seen, name]), d + 1);
      },
    }, "conditions", depth);
  walk(tree, new Set(), 0);
  return out;
}
