/**
 * Findings that reason together. A rule declares, in its file, how its
 * finding relates to other rules' findings (`relations:`): it explains one
 * (that finding is folded under it as its cause, a consequence or a detail
 * of the same problem) or excludes one (that finding is dropped: the two
 * cannot both be right). A relation holds when both findings are there,
 * its `when` conditions hold over the facts, and its `match` figures name
 * the same thing. This module owns what relations mean: checking them
 * against the loaded rules, and applying them to a diagnosis.
 */

import { type Finding, severityRank } from "../model/finding.ts";
import { evaluateRule } from "./evaluate.ts";
import type { FactContext } from "./facts/context.ts";
import { type Conditions, type Rule, RuleFileError, type RuleRelation } from "./rule.ts";
import { suggest } from "../text/wrap.ts";

/** The rule a relation names. */
export function relationTarget(r: RuleRelation): string {
  return (r.explains ?? r.excludes)!;
}

/**
 * Problems with the rules' relations that only the whole set shows: a
 * relation to a rule that is not loaded, a match on a figure the other
 * rule does not have. `where` finds a relation's line in its file.
 */
export function relationProblems(rules: readonly Rule[], where: (rule: Rule, text: string) => { line: number; column: number } = () => ({ line: 1, column: 1 })): RuleFileError[] {
  const byId = new Map(rules.map((r) => [r.id, r]));
  const out: RuleFileError[] = [];
  for (const rule of rules) {
    for (const rel of rule.relations ?? []) {
      const id = relationTarget(rel);
      const other = byId.get(id);
      if (!other) {
        const p = where(rule, id);
        const s = suggest(id, byId.keys());
        out.push(new RuleFileError("unknown-rule", rule.source, p.line, p.column, `Relation to a rule that is not loaded: "${id}"`, s ? `did you mean "${s}"?` : "relations name rule ids (tcpdoc rules list)"));
        continue;
      }
      if (other.id === rule.id) {
        const p = where(rule, id);
        out.push(new RuleFileError("relation-shape", rule.source, p.line, p.column, `Rule "${rule.id}" relates to itself`));
      }
      const fig = rel.match?.other;
      if (fig && !Object.hasOwn(other.evidence?.figures ?? {}, fig)) {
        const p = where(rule, fig);
        const s = suggest(fig, Object.keys(other.evidence?.figures ?? {}));
        out.push(new RuleFileError("unknown-figure", rule.source, p.line, p.column, `match.other "${fig}" is not a figure of rule "${id}"`, s ? `did you mean "${s}"?` : undefined));
      }
    }
  }
  return out;
}

const WILDCARD = new Set(["", "*", "0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0"]);

/** `addr:port` (or `[v6]:port`, or the destination of `src -> addr:port`) as address and port. */
function endpointParts(s: string): { addr: string; port: string } | undefined {
  const text = s.includes("->") ? s.slice(s.lastIndexOf("->") + 2).trim() : s.trim();
  const m = /^\[?(.*?)\]?:(\d+|\*)$/.exec(text);
  return m ? { addr: m[1].replace(/^::ffff:/, ""), port: m[2] } : undefined;
}

/** Whether two figures name the same thing, compared `as` the relation says. */
export function sameThing(a: unknown, b: unknown, as: "equal" | "endpoint" | "port" = "equal"): boolean {
  if (a === undefined || b === undefined || a === null || b === null) return false;
  if (as === "equal") return String(a) === String(b);
  const x = endpointParts(String(a)), y = endpointParts(String(b));
  if (!x || !y || x.port !== y.port) return false;
  return as === "port" || x.addr === y.addr || WILDCARD.has(x.addr) || WILDCARD.has(y.addr);
}

/** Whether a relation's conditions hold (no conditions: they do). */
async function holds(rule: Rule, when: Conditions | undefined, ctx: FactContext, named: ReadonlyMap<string, Conditions>, answers: Record<string, unknown>): Promise<boolean> {
  if (!when) return true;
  // json-rules-engine wants all, any, not or a named condition at the top
  const top = ["all", "any", "not", "condition"].some((k) => Object.hasOwn(when, k)) ? when : { all: [when] };
  const probe: Rule = { id: `${rule.id}.relation`, title: rule.title, severity: rule.severity, conditions: top, source: rule.source, origin: rule.origin, exceptions: rule.exceptions };
  return (await evaluateRule(probe, ctx, named, answers)).truth === "true";
}

/**
 * Applies the rules' relations to a diagnosis (findings worst first): sets
 * `explainedBy` on each finding another explains, and drops each finding
 * another excludes. A finding is never folded under a less severe one, nor
 * under one it explains itself.
 */
export async function applyRelations(findings: Finding[], rules: readonly Rule[], ctx: FactContext, named: ReadonlyMap<string, Conditions>, answers: Record<string, unknown>): Promise<Finding[]> {
  const ruleOf = new Map(rules.map((r) => [r.id, r]));
  const byRule = new Map(findings.map((f) => [f.rule, f]));
  const dropped = new Set<string>();
  for (const f of findings) {
    if (dropped.has(f.rule)) continue;
    const rule = ruleOf.get(f.rule);
    for (const rel of rule?.relations ?? []) {
      const other = byRule.get(relationTarget(rel));
      if (!other || other === f || dropped.has(other.rule)) continue;
      if (rel.match && !sameThing(f.evidence.figures[rel.match.figure], other.evidence.figures[rel.match.other], rel.match.as)) continue;
      if (!(await holds(rule!, rel.when, ctx, named, answers))) continue;
      if (rel.excludes) {
        dropped.add(other.rule);
        continue;
      }
      if (other.explainedBy || severityRank(other.severity) > severityRank(f.severity)) continue;
      // no circle: f must not already sit under `other`
      let up: Finding | undefined = f;
      let circle = false;
      for (let n = 0; up?.explainedBy && n < findings.length; n++) {
        if (up.explainedBy.rule === other.rule) circle = true;
        up = byRule.get(up.explainedBy.rule);
      }
      if (circle) continue;
      other.explainedBy = { rule: f.rule, role: rel.role ?? "consequence", how: rel.how.trim() };
    }
  }
  return findings.filter((f) => !dropped.has(f.rule));
}
