/**
 * The cost of a rule set: how many distinct passes over the socket table
 * its facts need. Facts that share a pass count once (every `group` with
 * the same states, key, filters and exceptions, whatever its `top`; the
 * states, queues and orphans of one exception list). The loader refuses
 * the rules that would take a set past MAX_FACT_PASSES, so no rule file
 * can make an analysis of a big table take minutes.
 */

import { factById } from "./facts/registry.ts";
import { conditionLeaves } from "./language/conditions.ts";
import { exceptionsKey } from "./language/exceptions.ts";
import type { Conditions, Rule } from "./rule.ts";

/** Most distinct passes over the socket table a rule set may need. */
export const MAX_FACT_PASSES = 128;

type Ref = { fact?: unknown; params?: unknown };

/** The passes one rule needs, as keys (equal keys: one pass). */
export function rulePasses(rule: Rule, named: ReadonlyMap<string, Conditions>): Set<string> {
  const out = new Set<string>();
  const ex = exceptionsKey(rule.exceptions);
  const add = (r: Ref) => {
    const f = typeof r.fact === "string" ? factById(r.fact) : undefined;
    const pass = f?.pass?.((r.params ?? {}) as Record<string, unknown>);
    if (!f || pass === undefined) return;
    const under = f.masked ? ex : "";
    if (under) out.add(`mask|${under}`);
    out.add(`${under}|${pass}`);
  };
  for (const leaf of conditionLeaves(rule.conditions, named)) {
    add(leaf);
    const v = leaf.value;
    if (v && typeof v === "object" && !Array.isArray(v)) add(v as Ref);
  }
  for (const fig of Object.values(rule.evidence?.figures ?? {})) add(fig);
  for (const g of rule.evidence?.groups ?? []) add(g);
  return out;
}

/** Counts the passes of the rules added so far. */
export class PassBudget {
  readonly #seen = new Set<string>();
  readonly limit: number;
  constructor(limit = MAX_FACT_PASSES) {
    this.limit = limit;
  }
  get size(): number {
    return this.#seen.size;
  }
  /** Adds a rule's passes when they fit; returns how many it would add and whether it was added. */
  add(rule: Rule, named: ReadonlyMap<string, Conditions>): { added: boolean; fresh: number } {
    const fresh = [...rulePasses(rule, named)].filter((k) => !this.#seen.has(k));
    if (this.#seen.size + fresh.length > this.limit) return { added: false, fresh: fresh.length };
    for (const k of fresh) this.#seen.add(k);
    return { added: true, fresh: fresh.length };
  }
}
