/** Rules in words: conditions, fact references and thresholds as people read them (explain, the session, missing lists). */

import { stepsText } from "./facts/fact.ts";
import { factById } from "./facts/registry.ts";
import { conditionLeaves, PLAIN, walkCondition } from "./language/conditions.ts";
import { parsePath, pathType } from "./language/paths.ts";
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

/** Whether a fact reference reads a share (a ratio shown as a percentage). */
export function isShare(fact: string, path: string | undefined): boolean {
  const f = factById(fact);
  const steps = path ? parsePath(path) : [];
  if (!f || !steps) return false;
  const t = pathType(f.spec, steps);
  return !("at" in t) && t.unit === "share";
}

/** A number as people read it: a share as a percentage (0.0033 -> 0.33%), others as they are. */
export function numberText(v: unknown, share: boolean): string {
  if (typeof v !== "number" || !share) return String(v);
  const pct = v * 100;
  const r = Math.abs(pct) >= 10 ? Math.round(pct) : Math.round(pct * 100) / 100;
  return `${r}%`;
}

function valueText(v: unknown, share = false): string {
  if (v && typeof v === "object" && !Array.isArray(v) && Object.hasOwn(v, "fact")) {
    const r = v as { fact: string; params?: Record<string, unknown>; path?: string };
    return refWords(r.fact, r.params, r.path);
  }
  if (v === true) return "yes";
  if (v === false) return "no";
  return Array.isArray(v) ? v.map(String).join(", ") : numberText(v, share);
}

/** One leaf condition in words. */
export function leafText(c: { fact: string; params?: Record<string, unknown>; path?: string; operator: string; value: unknown }): string {
  const parts = c.operator.split(":");
  const base = parts.pop()!;
  const neg = parts.includes("not") ? "not " : "";
  return `${refWords(c.fact, c.params, c.path)} ${neg}${Object.hasOwn(OPERATOR_WORDS, base) ? OPERATOR_WORDS[base] : base} ${valueText(c.value, isShare(c.fact, c.path))}`;
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

/** The value a condition read, as people read it: shares as percentages, unknown and unanswered said so. */
export function conditionValueText(c: { fact: string; path?: string; factResult: unknown }): string {
  const v = c.factResult;
  if (v === null || v === undefined) return c.fact === "answers" ? "not answered yet" : "not known";
  if (v === true) return "yes";
  if (v === false) return "no";
  if (typeof v === "number") return numberText(v, isShare(c.fact, c.path));
  let s: string;
  try {
    s = typeof v === "string" ? v : JSON.stringify(v) ?? String(v);
  } catch {
    s = String(v);
  }
  return s.length > 40 ? s.slice(0, 39) + "\u2026" : s;
}
