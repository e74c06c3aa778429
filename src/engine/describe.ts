/** Rules in words: conditions, fact references and thresholds as people read them (explain, the session, missing lists). */

import { stepsText } from "./facts/fact.ts";
import { factById } from "./facts/registry.ts";
import { conditionLeaves, PLAIN, walkCondition } from "./language/conditions.ts";
import { parsePath } from "./language/paths.ts";
import type { Conditions, Rule } from "./rule.ts";

const OPERATOR_WORDS: Readonly<Record<string, string>> = {
  equal: "is",
  notEqual: "is not",
  in: "is one of",
  notIn: "is none of",
  contains: "contains",
  doesNotContain: "does not contain",
  lessThan: "<",
  lessThanInclusive: "<=",
  greaterThan: ">",
  greaterThanInclusive: ">=",
};

/** A fact reference in words, e.g. "share of the biggest group of CLOSE_WAIT sockets by local port": the fact's own words. */
export function refWords(fact: string, params: Record<string, unknown> | undefined, path: string | undefined): string {
  const steps = path ? parsePath(path) ?? [path] : [];
  const f = factById(fact);
  if (!f) return `${fact}${steps.length ? `.${stepsText(steps)}` : ""}`;
  return f.words(params ?? {}, steps);
}

function valueText(v: unknown): string {
  if (v && typeof v === "object" && !Array.isArray(v) && Object.hasOwn(v, "fact")) {
    const r = v as { fact: string; params?: Record<string, unknown>; path?: string };
    return refWords(r.fact, r.params, r.path);
  }
  if (v === true) return "yes";
  if (v === false) return "no";
  return Array.isArray(v) ? v.map(String).join(", ") : String(v);
}

/** One leaf condition in words. */
export function leafText(c: { fact: string; params?: Record<string, unknown>; path?: string; operator: string; value: unknown }): string {
  const parts = c.operator.split(":");
  const base = parts.pop()!;
  const neg = parts.includes("not") ? "not " : "";
  return `${refWords(c.fact, c.params, c.path)} ${neg}${Object.hasOwn(OPERATOR_WORDS, base) ? OPERATOR_WORDS[base] : base} ${valueText(c.value)}`;
}

/** The conditions as an indented outline, named conditions expanded once on each path. */
export function conditionLines(c: Conditions, named: ReadonlyMap<string, Conditions>, indent = ""): string[] {
  const under = (head: string, items: string[][]) => [head, ...items.flat().map((l) => `  ${l}`)];
  const lines = (tree: unknown, seen: ReadonlySet<string>, depth: number): string[] =>
    walkCondition<unknown, string[]>(tree, PLAIN, {
      all: (items) => under("all of:", items),
      any: (items) => under("any of:", items),
      not: (item) => under("none of:", [item]),
      ref: (name, _n, d) => {
        const ref = named.get(name);
        if (!ref || seen.has(name)) return [`${name} (named condition)`];
        return under(`${name} (named condition):`, [lines(ref, new Set([...seen, name]), d + 1)]);
      },
      leaf: (n) => [`- ${leafText(n as never)}`],
      bad: () => [],
    }, "conditions", depth);
  return lines(c, new Set(), 0).map((l) => indent + l);
}

/** Every numeric threshold of a rule, with what it compares. */
export function thresholds(rule: Rule, named: ReadonlyMap<string, Conditions>): string[] {
  const out = conditionLeaves(rule.conditions, named)
    .filter((o) => typeof o.fact === "string" && typeof o.value === "number")
    .map((o) => leafText(o as never));
  return [...new Set(out)];
}
