/** A rule's full text for `tcpdoc explain RULE-ID`: what it says, when it fires, how to confirm and fix. */

import { wrapParagraphs } from "../text/wrap.ts";
import { conditionLines, thresholds } from "./describe.ts";
import { showTemplate } from "./language/template.ts";
import type { Conditions, Rule } from "./rule.ts";

/** Wraps text whose paragraphs are separated by blank lines. */
const wrap = (text: string, width: number, indent: string) => wrapParagraphs(text.trim(), width, indent, /\n\s*\n/);

const UNKNOWN_WORDS = {
  downgrade: "raises a lower-confidence finding one severity lower, listing what was missing",
  keep: "raises a lower-confidence finding at the same severity, listing what was missing",
  silent: "raises nothing",
} as const;

/**
 * Renders a rule in full: title, message (placeholders shown as <name>),
 * conditions in words, thresholds and their source, questions, checks,
 * fixes, references and exceptions.
 *
 * @example
 * ```ts
 * console.log(explainRule(rule, set.conditions, 80));
 * ```
 */
export function explainRule(rule: Rule, named: ReadonlyMap<string, Conditions>, width = 80): string {
  const out: string[] = [];
  out.push(`${rule.id} [${rule.severity}] (${rule.origin}: ${rule.source})`);
  out.push(...wrap(rule.title, width, ""));
  if (rule.enabled === false) out.push("(disabled)");
  if (rule.tags?.length) out.push(`Tags: ${rule.tags.join(", ")}`);
  if (rule.message) {
    out.push("", "Message:");
    out.push(...wrap(showTemplate(rule.message), width, "  "), "  (<name>: a figure from the evidence; [...]: shown only when its figure is known)");
  }
  out.push("", "Fires when:");
  out.push(...conditionLines(rule.conditions, named, "  "));
  const th = thresholds(rule, named);
  if (th.length) {
    out.push("", "Thresholds:");
    for (const t of th) out.push(`  - ${t}`);
  }
  const src = rule.metadata?.threshold_source;
  if (typeof src === "string") {
    out.push("", "Why these thresholds:");
    out.push(...wrap(src, width, "  "));
  }
  out.push("", `When the inputs cannot tell (unknown facts) but the known conditions support it: ${UNKNOWN_WORDS[rule.when_unknown ?? "downgrade"]}.`);
  if (rule.questions?.length) {
    out.push("", "Questions:");
    for (const q of rule.questions) {
      out.push(`  - ${q.text} [${q.kind}${q.choices ? `: ${q.choices.join(" | ")}` : ""}] (--answer ${q.id}=...)`);
    }
  }
  if (rule.checks?.length) {
    out.push("", "Checks:");
    for (const c of rule.checks) {
      out.push(`  - ${c.title}${c.platforms?.length ? ` (${c.platforms.join(", ")})` : ""}${c.read_only ? "" : " (changes state: review first)"}`);
      if (c.command) out.push(`      $ ${c.command}`);
      out.push(...wrap(`Look for: ${c.look_for}`, width, "      "));
    }
  }
  if (rule.fixes?.length) {
    out.push("", "Fixes:");
    for (const f of rule.fixes) {
      out.push(`  - ${f.title}`);
      for (const s of f.steps) out.push(...wrap(s, width, "      ").map((l, i) => (i === 0 ? `    * ${l.trimStart()}` : l)));
      for (const c of f.caveats ?? []) out.push(...wrap(`Caveat: ${c}`, width, "      "));
    }
  }
  if (rule.references?.length) {
    out.push("", "References:");
    for (const r of rule.references) out.push(`  - ${r}`);
  }
  if (rule.exceptions?.length) {
    out.push("", "Exceptions (sockets this rule ignores):");
    for (const e of rule.exceptions) out.push(`  - ${JSON.stringify(e)}`);
  }
  return out.join("\n");
}
