/**
 * `tcpdoc rules list|validate|test` and `tcpdoc explain RULE-ID`: the rule
 * tooling's command-line edge. Everything printed that came from a rule
 * file or a file name goes through inert().
 */

import { existsSync } from "node:fs";
import * as path from "node:path";
import process from "node:process";
import { detectTerminal } from "../cli/terminal.ts";
import { explainRule, loadRuleSet, type RuleFileError } from "../engine/mod.ts";
import { builtinRulesDir, type RuleFlags, ruleLoadOptions, userRulesDir } from "../sources/rule_files.ts";
import { inert, inertLines } from "../text/inert.ts";
import { wrapText } from "../text/wrap.ts";
import { runRuleTests } from "./test_runner.ts";
import { validatePaths } from "./validate.ts";

/** Exit codes of the rule commands. */
const EXIT = { ok: 0, failed: 1, error: 2 } as const;

function list(v: unknown): string[] {
  return Array.isArray(v) ? v : [];
}

/** The rule-loading options the flags give (--rules, --disable, --no-user-rules). */
export function ruleOptions(flags: Record<string, unknown>): RuleFlags {
  return {
    ruleDirs: list(flags.rules),
    disabled: list(flags.disable),
    userRules: !flags["no-user-rules"],
  };
}

function rel(p: string): string {
  const r = path.relative(process.cwd(), p);
  return r && !r.startsWith("..") ? r : p;
}

function out(s: string): void {
  process.stdout.write(s + "\n");
}

function printErrors(errors: readonly RuleFileError[]): void {
  for (const e of errors) process.stderr.write(`${e.format()}\n`);
}

async function listCommand(flags: Record<string, unknown>): Promise<number> {
  const o = ruleOptions(flags);
  const set = await loadRuleSet(ruleLoadOptions(o));
  printErrors(set.errors);
  if (flags.json || flags.format === "json") {
    const rows = set.rules.map((r) => ({ id: r.id, severity: r.severity, title: r.title, origin: r.origin, source: r.source, replaces: set.replaced.get(r.id) }));
    out(JSON.stringify(rows, null, 2));
    return EXIT.ok;
  }
  const idW = Math.max(2, ...set.rules.map((r) => r.id.length));
  const width = detectTerminal(Boolean(flags["no-color"])).width;
  const head = `${"ID".padEnd(idW)}  SEVERITY  `;
  out(`${head}TITLE`);
  for (const r of set.rules) {
    const src = r.origin === "built-in" ? "" : ` [${r.origin}${set.replaced.has(r.id) ? ", replaces built-in" : ""}]`;
    const lines = wrapText(inert(`${r.title}${src}`), width, `${r.id.padEnd(idW)}  ${r.severity.padEnd(8)}  `, " ".repeat(head.length));
    for (const l of lines) out(l);
  }
  const user = userRulesDir();
  const dirs = [
    `${rel(builtinRulesDir())} (built-in)`,
    ...(o.userRules && user && existsSync(user) ? [`${rel(user)} (user)`] : []),
    ...list(flags.rules).map((d) => `${rel(d)} (--rules)`),
  ];
  const disabled = list(flags.disable).length ? `; disabled: ${list(flags.disable).join(", ")}` : "";
  out("");
  for (const l of wrapText(inert(`${set.rules.length} rules loaded from ${dirs.join(", ")}${disabled}`), width)) out(l);
  return EXIT.ok;
}

async function validateCommand(paths: string[], flags: Record<string, unknown>): Promise<number> {
  const o = ruleOptions(flags);
  const user = userRulesDir();
  const targets = paths.length ? paths : [
    builtinRulesDir(),
    ...(o.userRules && user !== undefined && existsSync(user) ? [user] : []),
    ...(o.ruleDirs ?? []),
  ];
  const r = await validatePaths(targets, { ruleDirs: o.ruleDirs, userRules: o.userRules });
  for (const e of r.errors) out(e.format());
  out(`rules validate: ${r.files} files, ${r.rules} rules, ${r.errors.length} error${r.errors.length === 1 ? "" : "s"}`);
  return r.errors.length ? EXIT.error : EXIT.ok;
}

async function testCommand(paths: string[], flags: Record<string, unknown>): Promise<number> {
  const o = ruleOptions(flags);
  const targets = paths.length ? paths : [builtinRulesDir(), ...(o.ruleDirs ?? [])];
  const { results, errors } = await runRuleTests(targets, { ruleDirs: o.ruleDirs, userRules: o.userRules });
  for (const e of errors) out(`not ok ${e.format()}`);
  for (const r of results) {
    if (r.ok) out(inert(`ok     ${r.rule}: ${r.name}`));
    else {
      out(inert(`not ok ${r.rule}: ${r.name} (${rel(r.file)})`));
      for (const p of r.problems) out(`       - ${inert(p)}`);
    }
  }
  const passed = results.filter((r) => r.ok).length;
  const failed = results.length - passed + errors.length;
  out(`rules test: ${passed} passed, ${failed} failed`);
  return failed ? EXIT.failed : EXIT.ok;
}

/** Runs `tcpdoc rules SUB [PATH...]` and returns the exit code. */
export async function rulesCommand(sub: string, paths: string[], flags: Record<string, unknown>): Promise<number> {
  if (sub === "list") return await listCommand(flags);
  if (sub === "validate") return await validateCommand(paths, flags);
  return await testCommand(paths, flags);
}

/**
 * `tcpdoc explain ID`: prints the rule's full text when ID names a loaded
 * rule and returns 0; returns undefined when it names none (a state, then).
 */
export async function explainRuleCommand(words: string[], flags: Record<string, unknown>, width: number): Promise<number | undefined> {
  if (words.length !== 1) return undefined;
  const set = await loadRuleSet(ruleLoadOptions({ ...ruleOptions(flags), disabled: [] }));
  const rule = set.rules.find((r) => r.id === words[0]);
  if (!rule) return undefined;
  for (const l of inertLines(explainRule(rule, set.conditions, width))) out(l);
  return EXIT.ok;
}
