// Shared by the engine's tests: the lab captures, their awk oracle, facts
// and rules built in a test. Not a test file itself.
import * as fs from "node:fs";
import * as path from "node:path";
import { readInputs, readSeries } from "../../src/sources/mod.ts";
import { Diagnoser, FactContext, loadRuleSet, type Rule, type RuleSet, summarizeMoment } from "../../src/engine/mod.ts";
import { whyUnknown } from "../../src/engine/evaluate.ts";
import type { Finding } from "../../src/model/finding.ts";
import { ruleLoadOptions } from "../../src/sources/rule_files.ts";

export const ROOT = path.resolve(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname), "..", "..");
export const LAB = path.join(ROOT, "samples", "linux");

/** Files of a lab scenario. */
export const lab = (scenario: string, ...files: string[]) => files.map((f) => path.join(LAB, scenario, f));

/** What the lab's awk oracle counted in a capture. */
export const expected = (scenario: string, file: string) =>
  JSON.parse(fs.readFileSync(path.join(LAB, scenario, "expected.json"), "utf8"))[file] as { sockets: number; states: Record<string, number> };

export function facts(files: string[]): FactContext {
  return new FactContext(readInputs(files));
}

/** Facts of inputs read as analyze reads them: a series when they hold several moments. */
export function seriesFacts(files: string[]): FactContext {
  return new FactContext(readSeries(files, summarizeMoment));
}

export function get(c: FactContext, fact: string, params: Record<string, unknown> = {}) {
  return c.get(fact, params, undefined, {});
}

/** Why a path of a fact is unknown, as a finding's `missing` list says it. */
export function why(c: FactContext, fact: string, path: string, params: Record<string, unknown> = {}): string {
  return whyUnknown(c, fact, params, path, undefined, {});
}

/** The built-in rules, as the command loads them without a user directory. */
export async function builtinRules(): Promise<RuleSet> {
  return await loadRuleSet(ruleLoadOptions({ userRules: false }));
}

/** A rule built in the test. */
export function rule(id: string, conditions: Record<string, unknown>, more: Partial<Rule> = {}): Rule {
  return { id, title: id, severity: "warning", conditions, source: "(test)", origin: "rules-dir", ...more };
}

/** A rule set of these rules, with the built-in named conditions. */
export async function set(...rules: Rule[]): Promise<RuleSet> {
  const base = await builtinRules();
  return { rules, conditions: base.conditions, errors: [], replaced: new Map() };
}

/** The findings of these rules on these files. */
export async function run(files: string[], rules: Rule[], answers: Record<string, unknown> = {}): Promise<Finding[]> {
  return await new Diagnoser(readInputs(files), await set(...rules)).run(answers);
}
